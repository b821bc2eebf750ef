"""The same export in DuckDB, for benches/export.rs: the newest version of each
article (the row of the latest run), articles named in `duplicates` left out, to CSV.

Usage: python export_duckdb.py DATASET OUT.csv
Prints one JSON line: seconds, rows, peak RSS (KiB) of this process.
"""
import json
import resource
import sys
import time

import duckdb

ds, out = sys.argv[1], sys.argv[2]
t = time.perf_counter()
con = duckdb.connect()
con.execute("SET threads TO 1")
con.execute(
    f"""
    COPY (
      SELECT * EXCLUDE (rn) FROM (
        SELECT a.*, row_number() OVER (PARTITION BY a.article_id ORDER BY a.run_id DESC) AS rn
        FROM read_parquet('{ds}/articles/*.parquet') a
        WHERE a.article_id NOT IN (SELECT article_id FROM read_parquet('{ds}/duplicates/*.parquet'))
      ) WHERE rn = 1
    ) TO '{out}' (HEADER, DELIMITER ',')
    """
)
rows = con.execute(f"SELECT count(*) FROM read_csv_auto('{out}')").fetchone()[0]
print(json.dumps({
    "seconds": time.perf_counter() - t,
    "rows": rows,
    "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}))
