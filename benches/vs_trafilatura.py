"""CPU time of `newsmill extract --threads 1` against trafilatura's extraction loop,
measured in this one script on the same pages, alternating, best of several rounds
(the machine is shared and noisy: only the ratio of two figures taken together means
anything).

    python3 -m pip install trafilatura lxml_html_clean
    python3 benches/vs_trafilatura.py target/release/newsmill ../shared/corpus/extraction-bench/html

`cargo bench --bench extract` runs it when NEWSMILL_BENCH_PYTHON names a Python that
has trafilatura.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time

ROUNDS = 5


def trafilatura_cpu(pages):
    import trafilatura

    start = time.process_time()
    for page in pages:
        trafilatura.extract(page)
    return time.process_time() - start


def newsmill_cpu(exe, folder):
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [exe, "extract", folder, "--threads", "1", "--out", out, "--quiet"],
            check=True,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    exe, folder = sys.argv[1], sys.argv[2]
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder))
    pages = [open(f, "rb").read() for f in files]
    size = sum(map(len, pages))
    traf, ours = [], []
    for _ in range(ROUNDS):
        traf.append(trafilatura_cpu(pages))
        ours.append(newsmill_cpu(exe, folder))
    t, o = min(traf), min(ours)
    n = len(pages)
    print(f"trafilatura extract loop      {n / t:8.1f} pages/s {size / t / 1e6:6.1f} MB/s  ({t:.2f} CPU s, best of {ROUNDS})")
    print(f"newsmill extract --threads 1  {n / o:8.1f} pages/s {size / o / 1e6:6.1f} MB/s  ({o:.2f} CPU s, whole process)")
    print(f"newsmill / trafilatura: {t / o:.1f}x the pages per CPU second (rounds: {', '.join(f'{a / b:.1f}x' for a, b in zip(traf, ours))})")


if __name__ == "__main__":
    main()
