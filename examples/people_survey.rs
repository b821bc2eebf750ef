//! Survey of the people stage over a folder of Vietnamese article texts (line 1 the
//! headline, line 2 the lead, the rest the body), such as magizbox/scraper's
//! `vn_news/data/`: which names come out, and which capitalised names after a person
//! word ("ông", "bà", "HLV", a speech verb after) do not, by first word.
//!
//! `cargo run --release --example people_survey -- DIR [SKIP_SUFFIX]`: texts whose
//! number ends in SKIP_SUFFIX (default "3", the corpus's measurement set) are skipped.

use std::collections::HashMap;

use newsmill::people::{self, Lexicon};

/// Words that stand before a person's name in Vietnamese news.
const PERSON_BEFORE: &[&str] = &[
    "ông",
    "bà",
    "anh",
    "chị",
    "HLV",
    "Ông",
    "Bà",
    "tiền đạo",
    "thủ môn",
    "danh thủ",
    "chuyên gia",
    "ca sĩ",
    "diễn viên",
    "tỷ phú",
    "nữ diễn viên",
    "cầu thủ",
];
/// Speech verbs after a name: the name is a person.
const SPEECH_AFTER: &[&str] = &["cho biết", "nói", "nhận định", "khẳng định", "chia sẻ"];

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: people_survey DIR [SKIP_SUFFIX]");
        std::process::exit(2);
    };
    let skip = args.next().unwrap_or_else(|| "3".into());
    let lx = Lexicon::vietnamese();
    let mut found: HashMap<String, usize> = HashMap::new();
    let mut unmatched_first: HashMap<String, usize> = HashMap::new();
    let mut unmatched: HashMap<String, usize> = HashMap::new();
    let mut texts = 0usize;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            eprintln!("cannot read {dir}: {e}");
            std::process::exit(2)
        })
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem.ends_with(skip.as_str()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        texts += 1;
        let (passages, body) = newsmill::eval::text_passages(&text);
        let got = people::extract(&passages, &body, Some("vi"), &lx);
        for p in &got {
            *found.entry(p.name.clone()).or_default() += 1;
        }
        for cand in person_like(&text) {
            if !got
                .iter()
                .any(|p| p.name.contains(&cand) || cand.contains(&p.name))
            {
                let first = cand.split(' ').next().unwrap_or("").to_string();
                *unmatched_first.entry(first).or_default() += 1;
                *unmatched.entry(cand).or_default() += 1;
            }
        }
    }
    println!("{texts} texts, {} distinct names found", found.len());
    // NEWSMILL_SURVEY_TOP=0 lists every name found, to compare two builds' output.
    let top = std::env::var("NEWSMILL_SURVEY_TOP")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .map_or(80, |n| if n == 0 { usize::MAX } else { n });
    print_top("names found", &found, top);
    print_top(
        "person-like names not found, by first word",
        &unmatched_first,
        60,
    );
    print_top("person-like names not found", &unmatched, 80);
}

fn print_top(what: &str, m: &HashMap<String, usize>, n: usize) {
    let mut v: Vec<(&String, &usize)> = m.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    println!("\n## {what}");
    for (k, c) in v.into_iter().take(n) {
        println!("{c:>6}  {k}");
    }
}

/// Runs of 2–4 capitalised words right after a person word or right before a speech
/// verb: what a reader takes for a person's name.
fn person_like(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let cap = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let clean = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if !cap(words[i]) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < words.len() && j - i < 4 && cap(words[j]) {
            let ends = words[j].ends_with([',', '.', ':', ';', ')']);
            j += 1;
            if ends {
                break;
            }
        }
        if j - i >= 2 {
            let before = |k: usize| words[i.saturating_sub(k)..i].join(" ");
            let after = words[j..(j + 2).min(words.len())].join(" ");
            let after1 = words.get(j).copied().unwrap_or("");
            let intro = i > 0
                && (PERSON_BEFORE.contains(&before(1).as_str())
                    || (i > 1 && PERSON_BEFORE.contains(&before(2).as_str())));
            let speech = SPEECH_AFTER.iter().any(|s| after == *s || after1 == *s);
            if intro || speech {
                let name: Vec<String> = words[i..j].iter().map(|w| clean(w)).collect();
                out.push(name.join(" "));
            }
        }
        i = j.max(i + 1);
    }
    out
}
