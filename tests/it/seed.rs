//! The page that started the project yields exactly its hand-made labels.

use serde_json::Value;

use crate::common::{extract, fixtures, label_micros, norm, norm_opt, rows};

fn labels() -> Value {
    let text = std::fs::read_to_string(fixtures().join("seed/portal-article.labels.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn seed_page_matches_its_labels() {
    let out = tempfile::tempdir().unwrap();
    extract(&[&fixtures().join("seed/portal-article.html")], out.path());
    let labels = labels();
    let articles = rows(out.path(), "articles");
    assert_eq!(articles.len(), 1);
    let a = &articles[0];

    assert_eq!(norm_opt(&a["title"]), labels["title"].as_str().map(norm));
    assert_eq!(
        norm_opt(&a["category"]),
        labels["category"].as_str().map(norm)
    );
    assert_eq!(norm_opt(&a["lead"]), labels["lead"].as_str().map(norm));
    assert_eq!(a["url"].as_str(), labels["url"].as_str());
    assert_eq!(a["site"].as_str(), labels["site"].as_str());
    assert_eq!(
        a["published_at"].as_i64(),
        labels["published"].as_str().and_then(label_micros)
    );
    assert_eq!(a["language"].as_str(), Some("vi"));
    assert_eq!(a["language_confidence"].as_f64(), Some(1.0));
    // The meta line's visible date is where the seed states its time.
    assert_eq!(a["date_source"].as_str(), Some("visible"));
    let authors: Vec<Value> = a["authors"].as_array().unwrap().clone();
    assert_eq!(authors, labels["authors"].as_array().unwrap().clone());

    let body = norm(a["body"].as_str().unwrap());
    for s in labels["body_must_include"].as_array().unwrap() {
        let s = norm(s.as_str().unwrap());
        assert!(body.contains(&s), "body lacks {s:?}");
    }
    for s in labels["body_must_exclude"].as_array().unwrap() {
        let s = norm(s.as_str().unwrap());
        assert!(!body.contains(&s), "body has {s:?}");
    }

    let id = a["article_id"].as_str().unwrap();
    let images = rows(out.path(), "images");
    let want = labels["images"].as_array().unwrap();
    assert_eq!(images.len(), want.len());
    for (i, (got, want)) in images.iter().zip(want).enumerate() {
        assert_eq!(got["article_id"].as_str(), Some(id));
        assert_eq!(got["position"].as_i64(), Some(i as i64 + 1));
        assert_eq!(got["src"].as_str(), want["src"].as_str());
        assert_eq!(norm_opt(&got["alt"]), want["alt"].as_str().map(norm));
        assert_eq!(
            norm_opt(&got["caption"]),
            want["caption"].as_str().map(norm)
        );
    }

    let people = rows(out.path(), "participants");
    let want = labels["participants"].as_array().unwrap();
    assert_eq!(
        people.len(),
        want.len(),
        "got {:?}",
        people.iter().map(|p| p["name"].clone()).collect::<Vec<_>>()
    );
    for w in want {
        let name = norm(w["name"].as_str().unwrap());
        let got = people
            .iter()
            .find(|p| norm_opt(&p["name"]).as_deref() == Some(name.as_str()))
            .unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(
            norm_opt(&got["rank"]),
            w["rank"].as_str().map(norm),
            "rank of {name}"
        );
        let titles: Vec<String> = got["titles"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(norm_opt)
            .collect();
        let want_titles: Vec<String> = w["titles"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(norm_opt)
            .collect();
        assert_eq!(titles, want_titles, "titles of {name}");
        assert!(got["mentions"].as_i64().unwrap() >= 1);
    }
}

#[test]
fn seed_first_offsets_point_at_the_name_in_the_body() {
    let out = tempfile::tempdir().unwrap();
    extract(&[&fixtures().join("seed/portal-article.html")], out.path());
    let body: Vec<char> = rows(out.path(), "articles")[0]["body"]
        .as_str()
        .unwrap()
        .chars()
        .collect();
    for p in rows(out.path(), "participants") {
        let name = p["name"].as_str().unwrap();
        if let Some(off) = p["first_offset"].as_i64() {
            let at: String = body[off as usize..off as usize + name.chars().count()]
                .iter()
                .collect();
            assert_eq!(at, name);
        }
    }
}
