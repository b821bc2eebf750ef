//! The dataset on disk: declared schemas, runs that append, duplicates, encodings.

use std::io::Write;

use crate::common::{extract, fixtures, rows, run, table_files};
use newsmill::export::schema;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

#[test]
fn tables_read_back_under_the_declared_schema_and_runs_append() {
    let out = tempfile::tempdir().unwrap();
    let seed = fixtures().join("seed/portal-article.html");
    extract(&[&seed], out.path());
    extract(&[&seed], out.path());
    for table in schema::TABLES {
        let files = table_files(out.path(), table);
        assert_eq!(files.len(), 2, "{table}: one file per run");
        let declared = schema::of(table).unwrap();
        for f in &files {
            let builder =
                ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(f).unwrap()).unwrap();
            assert_eq!(
                builder.schema().fields(),
                declared.fields(),
                "{}",
                f.display()
            );
            assert_eq!(
                builder
                    .schema()
                    .metadata()
                    .get("newsmill.schema_version")
                    .map(String::as_str),
                Some(schema::SCHEMA_VERSION.to_string().as_str())
            );
        }
    }
    let articles = rows(out.path(), "articles");
    assert_eq!(articles.len(), 2);
    // Same page, same identity; each run has its own id.
    assert_eq!(articles[0]["article_id"], articles[1]["article_id"]);
    assert_ne!(articles[0]["run_id"], articles[1]["run_id"]);
    assert_eq!(rows(out.path(), "images").len(), 10);
    assert_eq!(
        std::fs::read_dir(out.path().join("runs")).unwrap().count(),
        2
    );
}

#[test]
fn repeated_page_in_one_run_is_a_duplicate() {
    let input = tempfile::tempdir().unwrap();
    let seed = std::fs::read(fixtures().join("seed/portal-article.html")).unwrap();
    std::fs::write(input.path().join("a.html"), &seed).unwrap();
    std::fs::write(input.path().join("b.html"), &seed).unwrap();
    // Same body under another URL, published a day later: an exact content
    // duplicate of the earlier page, whatever the order the pages are read in.
    let other = String::from_utf8(seed.clone())
        .unwrap()
        .replace("a1209.html", "a9999.html")
        .replace("17/09/2020 - 15:19", "18/09/2020 - 15:19");
    std::fs::write(input.path().join("c.html"), other).unwrap();
    let out = tempfile::tempdir().unwrap();
    extract(&[input.path()], out.path());
    let articles = rows(out.path(), "articles");
    let dups = rows(out.path(), "duplicates");
    assert_eq!(articles.len(), 1);
    assert_eq!(dups.len(), 2);
    let kept = articles[0]["article_id"].as_str().unwrap();
    let mut methods: Vec<&str> = dups.iter().map(|d| d["method"].as_str().unwrap()).collect();
    methods.sort();
    assert_eq!(methods, vec!["exact", "url"]);
    assert!(
        dups.iter()
            .all(|d| d["duplicate_of"].as_str() == Some(kept))
    );
    // Only the kept page has images and participants.
    assert_eq!(rows(out.path(), "images").len(), 5);
}

#[test]
fn gzipped_page_reads_like_the_plain_one() {
    let input = tempfile::tempdir().unwrap();
    let seed = std::fs::read(fixtures().join("seed/portal-article.html")).unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&seed).unwrap();
    std::fs::write(input.path().join("seed.html.gz"), enc.finish().unwrap()).unwrap();
    let out = tempfile::tempdir().unwrap();
    extract(&[input.path()], out.path());
    let a = &rows(out.path(), "articles")[0];
    assert!(
        a["title"]
            .as_str()
            .unwrap()
            .starts_with("BỘ CHÍNH TRỊ LÀM VIỆC")
    );
}

#[test]
fn windows_1258_page_without_declared_charset_decodes() {
    let seed = std::fs::read_to_string(fixtures().join("seed/portal-article.html")).unwrap();
    let page = seed.replace(
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />",
        "",
    );
    let bytes = newsmill::parse::charset::encode_windows_1258(&page);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the page must really be in a legacy encoding"
    );
    let input = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("legacy.html"), &bytes).unwrap();
    let out = tempfile::tempdir().unwrap();
    extract(&[input.path()], out.path());
    let a = &rows(out.path(), "articles")[0];
    assert_eq!(a["charset"].as_str(), Some("windows-1258"));
    assert!(
        a["title"]
            .as_str()
            .unwrap()
            .starts_with("BỘ CHÍNH TRỊ LÀM VIỆC VỚI BAN THƯỜNG VỤ TỈNH BẮC KẠN")
    );
    assert!(
        a["body"]
            .as_str()
            .unwrap()
            .contains("Đại tướng Tô Lâm, Ủy viên Bộ Chính trị, Bộ trưởng Bộ Công an")
    );
}

#[test]
fn vni_page_saved_again_as_utf8_is_converted_to_unicode() {
    // An archive page written for the VNI-Times font, later saved as UTF-8: without the
    // font it reads "BOÄ CHÍNH TRÒ" and "Ñaïi töôùng".
    let seed = std::fs::read_to_string(fixtures().join("seed/portal-article.html")).unwrap();
    let page = newsmill::parse::legacy_vi::encode::vni(&seed);
    assert!(
        page.contains("Ñaïi töôùng Toâ Laâm"),
        "the page must really be VNI"
    );
    let input = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("vni.html"), page).unwrap();
    let out = tempfile::tempdir().unwrap();
    extract(&[input.path()], out.path());
    let a = &rows(out.path(), "articles")[0];
    assert_eq!(a["charset"].as_str(), Some("VNI"));
    assert!(
        a["title"]
            .as_str()
            .unwrap()
            .starts_with("BỘ CHÍNH TRỊ LÀM VIỆC VỚI BAN THƯỜNG VỤ TỈNH BẮC KẠN")
    );
    assert!(
        a["body"]
            .as_str()
            .unwrap()
            .contains("Đại tướng Tô Lâm, Ủy viên Bộ Chính trị, Bộ trưởng Bộ Công an")
    );
    let people = rows(out.path(), "participants");
    assert!(
        people.iter().any(|p| p["name"].as_str() == Some("Tô Lâm")),
        "{people:?}"
    );
}

#[test]
fn inspect_shows_tables_rows_and_schema() {
    let out = tempfile::tempdir().unwrap();
    extract(&[&fixtures().join("seed/portal-article.html")], out.path());
    let o = run(&["inspect", out.path().to_str().unwrap(), "-n", "1"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("articles: 1 rows in 1 files"), "{text}");
    assert!(text.contains("participants: 10 rows"), "{text}");
    assert!(
        text.contains("published_at       timestamp[us, UTC]"),
        "{text}"
    );
    assert!(
        text.contains("Tô Lâm") || text.contains("Nguyễn Thị Kim Ngân"),
        "{text}"
    );
}
