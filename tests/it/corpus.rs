//! The real Vietnamese pages of `../shared/corpus/vi-news` against their hand labels,
//! and the extraction benchmark pages run end to end.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::common::{corpus, extract, label_micros, norm, norm_opt, rows};

/// A named field's hits, using eval's tally.
struct Tally {
    name: &'static str,
    t: newsmill::eval::Tally,
}

impl Tally {
    fn new(name: &'static str) -> Self {
        Tally {
            name,
            t: Default::default(),
        }
    }
    fn add(&mut self, ok: bool) {
        self.t.add(ok);
    }
}

fn str_eq(got: &Value, want: &Value) -> bool {
    norm_opt(got) == want.as_str().map(norm)
}

#[test]
#[ignore = "needs ../shared/corpus/vi-news (run by .ci/run with --include-ignored)"]
fn vi_news_pages_match_their_labels() {
    let Some(dir) = corpus("vi-news") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    extract(&[&dir.join("html")], out.path());
    let articles = rows(out.path(), "articles");
    let images = rows(out.path(), "images");
    let people = rows(out.path(), "participants");

    let mut fields: Vec<Tally> = [
        "title",
        "category",
        "published",
        "lead",
        "authors",
        "body_include",
        "body_exclude",
        "captions",
    ]
    .into_iter()
    .map(Tally::new)
    .collect();
    let (mut img_tp, mut img_got, mut img_want) = (0usize, 0usize, 0usize);
    let (mut ppl_tp, mut ppl_got, mut ppl_want) = (0usize, 0usize, 0usize);
    let mut labels: Vec<_> = std::fs::read_dir(dir.join("labels"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    labels.sort();
    println!(
        "{:<48} title cat  pub  lead auth body img(P/R) ppl(P/R)",
        "page"
    );
    for path in &labels {
        let l: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let file = l["file"].as_str().unwrap();
        let Some(a) = articles
            .iter()
            .find(|a| a["source"].as_str().unwrap().ends_with(file))
        else {
            println!("{file:<48} NOT EXPORTED");
            fields.iter_mut().for_each(|f| f.add(false));
            img_want += l["images"].as_array().unwrap().len();
            continue;
        };
        let id = a["article_id"].as_str().unwrap();
        let mark = |b: bool| if b { " ok " } else { " -- " };
        let title = str_eq(&a["title"], &l["title"]);
        let category = str_eq(&a["category"], &l["category"]);
        let published = match l["published"].as_str() {
            // Labels hold the time as shown (to the minute); pages may declare seconds.
            Some(p) if p.len() > 10 => {
                a["published_at"].as_i64().map(|t| t / 60_000_000)
                    == label_micros(p).map(|t| t / 60_000_000)
            }
            Some(p) => a["published_text"]
                .as_str()
                .is_some_and(|t| t.contains(&p[8..10])),
            None => a["published_at"].is_null(),
        };
        let lead = str_eq(&a["lead"], &l["lead"]);
        let want_authors: Vec<String> = l["authors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(norm_opt)
            .collect();
        let got_authors: Vec<String> = a["authors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(norm_opt)
            .collect();
        let authors = want_authors == got_authors;
        let body = norm(a["body"].as_str().unwrap());
        let mut body_ok = true;
        let mut body_misses = Vec::new();
        for s in l["body_must_include"].as_array().unwrap() {
            let hit = body.contains(&norm(s.as_str().unwrap()));
            fields[5].add(hit);
            body_ok &= hit;
            if !hit {
                body_misses.push(format!("body lacks: {:.100}", s.as_str().unwrap()));
            }
        }
        for s in l["body_must_exclude"].as_array().unwrap() {
            let hit = !body.contains(&norm(s.as_str().unwrap()));
            fields[6].add(hit);
            body_ok &= hit;
            if !hit {
                body_misses.push(format!("body has: {:.100}", s.as_str().unwrap()));
            }
        }
        for (i, ok) in [title, category, published, lead, authors]
            .into_iter()
            .enumerate()
        {
            fields[i].add(ok);
        }
        // What differs, so the report says why a field missed.
        let mut misses = body_misses;
        if !category {
            misses.push(format!(
                "category: got {} want {}",
                a["category"], l["category"]
            ));
        }
        if !published {
            misses.push(format!(
                "published: got {} ({}) want {}",
                a["published_at"], a["published_text"], l["published"]
            ));
        }
        if !lead {
            misses.push(format!(
                "lead: got {:.80} want {:.80}",
                a["lead"].to_string(),
                l["lead"].to_string()
            ));
        }
        if !authors {
            misses.push(format!(
                "authors: got {got_authors:?} want {want_authors:?}"
            ));
        }
        let got_imgs: Vec<&Map<String, Value>> = images
            .iter()
            .filter(|i| i["article_id"].as_str() == Some(id))
            .collect();
        let want_imgs = l["images"].as_array().unwrap();
        let got_srcs: HashSet<&str> = got_imgs.iter().filter_map(|i| i["src"].as_str()).collect();
        let tp = want_imgs
            .iter()
            .filter(|w| got_srcs.contains(w["src"].as_str().unwrap()))
            .count();
        for w in want_imgs {
            if let Some(g) = got_imgs
                .iter()
                .find(|g| g["src"].as_str() == w["src"].as_str())
            {
                fields[7].add(str_eq(&g["caption"], &w["caption"]));
            }
        }
        img_tp += tp;
        img_got += got_imgs.len();
        img_want += want_imgs.len();
        let got_names: HashSet<String> = people
            .iter()
            .filter(|p| p["article_id"].as_str() == Some(id))
            .filter_map(|p| norm_opt(&p["name"]))
            .collect();
        let want_names: HashSet<String> = l["participants"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| norm_opt(&p["name"]))
            .collect();
        let ptp = got_names.intersection(&want_names).count();
        ppl_tp += ptp;
        ppl_got += got_names.len();
        ppl_want += want_names.len();
        println!(
            "{file:<48}{}{}{}{}{}{}  {}/{} of {}   {}/{} of {}",
            mark(title),
            mark(category),
            mark(published),
            mark(lead),
            mark(authors),
            mark(body_ok),
            tp,
            got_imgs.len(),
            want_imgs.len(),
            ptp,
            got_names.len(),
            want_names.len()
        );
        for m in misses {
            println!("    {m}");
        }
    }
    println!();
    for f in &fields {
        println!(
            "{:<14} {:>3}/{:<3} {:.3}",
            f.name,
            f.t.hit,
            f.t.total,
            f.t.rate()
        );
    }
    let img_p = img_tp as f64 / img_got.max(1) as f64;
    let img_r = img_tp as f64 / img_want.max(1) as f64;
    println!(
        "images         precision {img_p:.3} ({img_tp}/{img_got}) recall {img_r:.3} ({img_tp}/{img_want})"
    );
    println!(
        "participants   precision {:.3} ({ppl_tp}/{ppl_got}) recall {:.3} ({ppl_tp}/{ppl_want})",
        ppl_tp as f64 / ppl_got.max(1) as f64,
        ppl_tp as f64 / ppl_want.max(1) as f64
    );
    assert_eq!(labels.len(), 13);
    assert_eq!(fields[0].t.hit, 13, "every title must match");
    assert!(img_p >= 0.90, "image src precision {img_p:.3} < 0.90");
    assert!(img_r >= 0.90, "image src recall {img_r:.3} < 0.90");
}

#[test]
#[ignore = "needs ../shared/corpus/extraction-bench (run by .ci/run with --include-ignored)"]
fn extraction_bench_pages_all_become_articles() {
    let Some(dir) = corpus("extraction-bench") else {
        return;
    };
    let dir = dir.join("html");
    let out = tempfile::tempdir().unwrap();
    extract(&[&dir], out.path());
    let pages = std::fs::read_dir(&dir).unwrap().count();
    let articles = rows(out.path(), "articles");
    let rejects = rows(out.path(), "rejects");
    let dups = rows(out.path(), "duplicates");
    // Every page is accounted for, and these are all real articles.
    assert_eq!(articles.len() + rejects.len() + dups.len(), pages);
    assert!(
        articles.len() * 100 >= pages * 98,
        "{} of {pages} pages exported; rejects: {rejects:?}",
        articles.len()
    );
    for a in &articles {
        assert!(
            a["word_count"].as_i64().unwrap() > 20,
            "{} has a near-empty body",
            a["source"]
        );
        assert!(!a["title"].as_str().unwrap().is_empty());
    }
}

#[test]
#[ignore = "needs ../shared/corpus/dates (run by .ci/run with --include-ignored)"]
fn dates_corpus_publication_days() {
    let Some(dir) = corpus("dates") else {
        return;
    };
    let o = crate::common::run(&["eval", dir.to_str().unwrap(), "--json"]);
    assert!(
        o.status.success(),
        "eval failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let scores: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let score = |k: &str| scores[k].as_f64().unwrap();
    println!("{scores}");
    // Where newsmill gives a date it is the page's day; a page it exports has one.
    assert!(score("precision") >= 0.93, "{scores}");
    assert!(score("accuracy") >= 0.90, "{scores}");
}

#[test]
fn eval_verbose_names_missed_and_extra_people_and_scores_each_portal() {
    let seed = crate::common::fixtures().join("seed");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("labels")).unwrap();
    std::fs::create_dir_all(dir.path().join("html")).unwrap();
    let html = std::fs::read(seed.join("portal-article.html")).unwrap();
    let label: Value =
        serde_json::from_slice(&std::fs::read(seed.join("portal-article.labels.json")).unwrap())
            .unwrap();
    // Page B: the same article labelled as another portal's, one person left out of the
    // labels and one person labelled who is not on the page.
    let mut other = label.clone();
    other["file"] = "other.html".into();
    other["site"] = "other.example".into();
    let people = other["participants"].as_array_mut().unwrap();
    let dropped = people.remove(0)["name"].as_str().unwrap().to_string();
    people.push(serde_json::json!({"name": "Trần Văn Vắng", "rank": null, "titles": []}));
    for (name, l) in [("seed", &label), ("other", &other)] {
        std::fs::write(dir.path().join("html").join(format!("{name}.html")), &html).unwrap();
        let mut l = l.clone();
        l["file"] = format!("{name}.html").into();
        std::fs::write(
            dir.path().join("labels").join(format!("{name}.json")),
            serde_json::to_vec(&l).unwrap(),
        )
        .unwrap();
    }
    let o = crate::common::run(&["eval", dir.path().to_str().unwrap(), "--verbose"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("people missed: Trần Văn Vắng"), "{out}");
    assert!(
        out.contains(&format!("people not in the labels: {dropped}")),
        "{out}"
    );
    let row = |site: &str| {
        out.lines()
            .find(|l| l.starts_with(site))
            .unwrap_or_else(|| panic!("no row for {site}: {out}"))
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let (seed_row, other_row) = (row("portal.example"), row("other.example"));
    // site, pages, 8 fields, image recall, people precision, recall, pair F1.
    assert_eq!(seed_row.len(), 14, "{seed_row:?}");
    assert_eq!(seed_row[1], "1");
    assert_eq!(seed_row[11], "1.000", "seed people precision: {seed_row:?}");
    assert_eq!(seed_row[12], "1.000", "seed people recall: {seed_row:?}");
    // 10 labelled, 9 of them found; 10 found, 9 of them labelled.
    assert_eq!(other_row[11], "0.900", "{other_row:?}");
    assert_eq!(other_row[12], "0.900", "{other_row:?}");
}

/// A page of a site whose category sits in an element of its own and whose official
/// has an ethnic-minority family name the shipped lexicon lacks.
const HIGHLAND_PAGE: &str = r#"<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Tỉnh khánh thành cầu mới qua sông Ba - Báo Tây Nguyên</title>
<meta property="og:type" content="article"></head><body>
<div class="top"><span class="muc-hien-tai">Giao thông</span></div>
<h1 class="tieu-de">Tỉnh khánh thành cầu mới qua sông Ba</h1>
<p class="tom-tat">Sáng nay, cây cầu dài nhất tỉnh đã được đưa vào sử dụng sau hai năm thi công.</p>
<div class="noi-dung">
<p>Phát biểu tại buổi lễ, ông Ksor Phước, Phó Chủ tịch UBND tỉnh, cho biết cây cầu giúp người dân hai bên sông đi lại thuận tiện hơn, nhất là trong mùa mưa lũ.</p>
<p>Cây cầu dài 620 mét, rộng 12 mét, với tổng vốn đầu tư hơn 300 tỷ đồng từ ngân sách trung ương và địa phương. Đơn vị thi công cho biết công trình hoàn thành sớm hơn kế hoạch ba tháng.</p>
<p>Người dân xã Ia Rbol đến dự lễ khánh thành rất đông. Nhiều người cho biết trước đây họ phải đi đò qua sông, rất nguy hiểm vào mùa mưa.</p>
</div></body></html>"#;

const HIGHLAND_PIPELINE: &str = r#"[site]
id = "baotaynguyen"
domains = ["baotaynguyen.example"]
language = "vi"
time_zone = "+07:00"
[parse]
category = "span.muc-hien-tai"
[people]
surnames = ["Ksor"]
[output]
dir = "data"
"#;

#[test]
fn eval_and_extract_apply_a_pipelines_rules_and_lexicon() {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    std::fs::create_dir_all(set.join("html")).unwrap();
    std::fs::create_dir_all(set.join("labels")).unwrap();
    std::fs::write(set.join("html/cau-song-ba.html"), HIGHLAND_PAGE).unwrap();
    let label = serde_json::json!({
        "file": "cau-song-ba.html", "site": "baotaynguyen.example",
        "title": "Tỉnh khánh thành cầu mới qua sông Ba", "category": "Giao thông",
        "published": null, "authors": [],
        "lead": "Sáng nay, cây cầu dài nhất tỉnh đã được đưa vào sử dụng sau hai năm thi công.",
        "body_must_include": ["Cây cầu dài 620 mét, rộng 12 mét"], "body_must_exclude": [],
        "images": [],
        "participants": [{"name": "Ksor Phước", "rank": null, "titles": ["Phó Chủ tịch UBND tỉnh"]}]
    });
    std::fs::write(
        set.join("labels/cau-song-ba.json"),
        serde_json::to_vec(&label).unwrap(),
    )
    .unwrap();
    let site = dir.path().join("site.toml");
    std::fs::write(&site, HIGHLAND_PIPELINE).unwrap();
    let scores = |extra: &[&str]| {
        let mut args = vec!["eval", set.to_str().unwrap(), "--json"];
        args.extend_from_slice(extra);
        let o = crate::common::run(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice::<Value>(&o.stdout).unwrap()
    };
    let generic = scores(&[]);
    let with_site = scores(&["--pipeline", site.to_str().unwrap()]);
    assert_eq!(generic["category"].as_f64(), Some(0.0), "{generic}");
    assert_eq!(with_site["category"].as_f64(), Some(1.0), "{with_site}");
    assert_eq!(
        with_site["people_recall"].as_f64(),
        Some(1.0),
        "{with_site}"
    );
    assert_eq!(with_site["pair_f1"].as_f64(), Some(1.0), "{with_site}");
    assert_eq!(with_site["title"].as_f64(), Some(1.0), "{with_site}");

    let out = dir.path().join("out");
    let o = crate::common::run(&[
        "extract",
        "-q",
        "--pipeline",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        set.join("html").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let a = &crate::common::rows(&out, "articles")[0];
    assert_eq!(a["category"].as_str(), Some("Giao thông"));
    let people = crate::common::rows(&out, "participants");
    assert_eq!(people.len(), 1, "{people:?}");
    assert_eq!(people[0]["name"].as_str(), Some("Ksor Phước"));

    // A broken pipeline file is bad usage, named with its line.
    std::fs::write(&site, "[site]\nid = 3\n").unwrap();
    let o = crate::common::run(&[
        "eval",
        set.to_str().unwrap(),
        "--pipeline",
        site.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("site.toml:2"), "{err}");
}
