//! Near-duplicate detection on a synthetic corpus with known truth.
//!
//! The corpus is generated here, one document at a time from its index (so 200,000
//! documents never sit in memory as text): unrelated news-length stories, pairs of
//! stories on the same topic that share some sentences, exact copies under other URLs,
//! URL variants (tracking parameters, `www.`, AMP), and copies with small edits (a
//! sentence changed, a paragraph changed, a new lead, paragraphs reordered). The truth
//! is every copy/original pair whose exact Jaccard similarity over 5-word shingles is at
//! least 0.8, computed from the texts. Scores are pairwise precision and recall over the
//! clusters the dedupe stage forms.
//!
//! Each size runs in a child process so that its peak RSS is its own. CPU time covers
//! the dedupe stage only (signatures on all cores plus the decision), not generating
//! the texts; the baseline, measured in the same process, is splitting the same
//! documents into hashed words, the floor of any shingle-based method.
//!
//! `cargo bench --bench dedupe` (NEWSMILL_BENCH_DOCS="20000 200000" to choose sizes).
//!
//! `NEWSMILL_BENCH_DATASET="1000000"` measures `newsmill dedupe DIR` instead: the same
//! documents written as a dataset of ten runs (articles and signatures files, as
//! `extract` writes them), then the command in one process with one and with all
//! threads, and in stages (four bucket shards, then the decision), each a separate
//! process with its own CPU time and peak RSS. The baseline, in this same run, is the
//! decision as `newsmill dedupe` made it before the stages: every entry with its
//! signature in memory, one thread (`Deduper::resolve`). All verdicts must agree.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use newsmill::dedupe::{Deduper, Entry, Hasher, Params, body_hash, key_hash, minhash};
use newsmill::normalise::url::canonical_key;
use rayon::prelude::*;

const ONSETS: [&str; 20] = [
    "ng", "th", "tr", "ch", "nh", "kh", "ph", "gi", "đ", "b", "c", "d", "h", "l", "m", "n", "s",
    "t", "v", "x",
];
const RIMES: [&str; 30] = [
    "a", "ă", "âm", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "ai", "ao", "oa", "uy", "ương", "iêng",
    "anh", "inh", "ong", "ung", "ốt", "ạc", "ình", "ấy", "ệt", "ước", "ời", "uận", "ải",
];
/// Paragraphs per story, sentences per paragraph, words per sentence.
const PARAS: usize = 12;
const SENTENCES: usize = 3;
const WORDS: usize = 11;

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xdead_beef_cafe_f00d | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A word drawn with a skew, so that common words are common as in real text.
fn word(r: &mut Rng) -> String {
    let a = r.below(ONSETS.len()).min(r.below(ONSETS.len()));
    let b = r.below(RIMES.len()).min(r.below(RIMES.len()));
    format!("{}{}", ONSETS[a], RIMES[b])
}

fn sentence(r: &mut Rng) -> String {
    let mut s: Vec<String> = (0..WORDS).map(|_| word(r)).collect();
    s[0] = capitalise(&s[0]);
    format!("{}.", s.join(" "))
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Original story `o`: paragraphs of sentences; stories of one topic (pairs o, o^1)
/// share four sentences, as two reports of one event quote the same statements.
fn story(o: usize) -> Vec<Vec<String>> {
    let mut r = Rng::new(o as u64 + 1);
    let mut t = Rng::new(((o / 2) as u64) << 32 | 0x7070);
    let shared: Vec<String> = (0..4).map(|_| sentence(&mut t)).collect();
    (0..PARAS)
        .map(|p| {
            (0..SENTENCES)
                .map(|s| {
                    if s == 1 && p % 3 == 0 {
                        shared[p / 3].clone()
                    } else {
                        sentence(&mut r)
                    }
                })
                .collect()
        })
        .collect()
}

fn body(paras: &[Vec<String>]) -> String {
    paras
        .iter()
        .map(|p| p.join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Original,
    Exact,
    UrlVariant,
    Sentence,
    Paragraph,
    Lead,
    Reordered,
}

fn kind_of(roll: usize) -> Kind {
    match roll {
        0..=59 => Kind::Original,
        60..=67 => Kind::Exact,
        68..=75 => Kind::UrlVariant,
        76..=83 => Kind::Sentence,
        84..=89 => Kind::Paragraph,
        90..=95 => Kind::Lead,
        _ => Kind::Reordered,
    }
}

/// Document `i`: its kind, the original it copies, its URL and body.
fn document(i: usize) -> (Kind, usize, String, String) {
    let mut r = Rng::new(i as u64 ^ 0x5151);
    let kind = kind_of(r.below(100));
    // Copies copy an earlier original (documents 0..8 are originals).
    let mut of = i;
    if kind != Kind::Original && i >= 8 {
        loop {
            of = r.below(i);
            if kind_of(Rng::new(of as u64 ^ 0x5151).below(100)) == Kind::Original || of < 8 {
                break;
            }
        }
    }
    let kind = if of == i { Kind::Original } else { kind };
    let site = ["vnexpress.net", "dantri.com.vn", "tuoitre.vn"][of % 3];
    let url = format!("https://{site}/tin/bai-{of}.html");
    let mut paras = story(of);
    let url = match kind {
        Kind::Original => url,
        Kind::UrlVariant => match r.below(3) {
            0 => format!("{url}?utm_source=facebook&fbclid=x{i}"),
            1 => url.replace("https://", "https://www."),
            _ => format!("{url}/amp"),
        },
        _ => format!("https://bao{}.vn/dang-lai/{i}.html", i % 7),
    };
    match kind {
        Kind::Sentence => {
            let p = r.below(PARAS);
            let s = r.below(SENTENCES);
            paras[p][s] = sentence(&mut r);
        }
        Kind::Paragraph => {
            let p = r.below(PARAS);
            paras[p] = (0..SENTENCES).map(|_| sentence(&mut r)).collect();
        }
        Kind::Lead => paras.insert(0, vec![sentence(&mut r), sentence(&mut r)]),
        Kind::Reordered => {
            let (a, b) = (r.below(PARAS), r.below(PARAS));
            paras.swap(a, b);
        }
        _ => {}
    }
    (kind, of, url, body(&paras))
}

fn shingles(text: &str, k: usize) -> BTreeSet<u64> {
    let words: Vec<String> = minhash::words(text).collect();
    words
        .windows(k.min(words.len()).max(1))
        .map(|w| xxhash_rust::xxh3::xxh3_64(w.join(" ").as_bytes()))
        .collect()
}

fn jaccard(a: &BTreeSet<u64>, b: &BTreeSet<u64>) -> f64 {
    let inter = a.intersection(b).count();
    inter as f64 / (a.len() + b.len() - inter).max(1) as f64
}

/// Process CPU time (all threads), from /proc.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(0.0))
        .collect();
    // Fields 14 and 15 (utime, stime) are 12 and 13 after the command name.
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn find(p: &mut [usize], x: usize) -> usize {
    let mut r = x;
    while p[r] != r {
        r = p[r];
    }
    let mut y = x;
    while p[y] != r {
        let n = p[y];
        p[y] = r;
        y = n;
    }
    r
}

/// Pairs inside clusters, as (cluster sizes); pairwise scores from cluster overlaps.
fn pair_scores(n: usize, truth: &[(usize, usize)], pred: &[(usize, usize)]) -> (f64, f64) {
    let cluster = |pairs: &[(usize, usize)]| {
        let mut p: Vec<usize> = (0..n).collect();
        for &(a, b) in pairs {
            let (ra, rb) = (find(&mut p, a), find(&mut p, b));
            if ra != rb {
                p[ra] = rb;
            }
        }
        (0..n).map(|i| find(&mut p, i)).collect::<Vec<_>>()
    };
    let (t, q) = (cluster(truth), cluster(pred));
    let pairs = |ids: &[usize]| -> u64 {
        let mut sizes: HashMap<usize, u64> = HashMap::new();
        for &c in ids {
            *sizes.entry(c).or_default() += 1;
        }
        sizes.values().map(|s| s * (s - 1) / 2).sum()
    };
    let mut both: HashMap<(usize, usize), u64> = HashMap::new();
    for i in 0..n {
        *both.entry((t[i], q[i])).or_default() += 1;
    }
    let tp: u64 = both.values().map(|s| s * (s - 1) / 2).sum();
    let (tpairs, ppairs) = (pairs(&t), pairs(&q));
    (
        tp as f64 / ppairs.max(1) as f64,
        tp as f64 / tpairs.max(1) as f64,
    )
}

/// One size, in this process: prints one line of figures.
fn measure(n: usize) {
    let params = Params::default();
    let hasher = Hasher::new(params);
    let mut dedupe = Deduper::new(params);
    let mut truth: Vec<(usize, usize)> = Vec::new();
    let mut kinds: HashMap<&'static str, (u64, u64)> = HashMap::new();
    let (mut sign_cpu, mut base_cpu) = (0.0, 0.0);
    let chunk = 2000;
    for start in (0..n).step_by(chunk) {
        let docs: Vec<(Kind, usize, String, String)> = (start..(start + chunk).min(n))
            .into_par_iter()
            .map(document)
            .collect();
        // Baseline: the same documents split into hashed words.
        let t = cpu_seconds();
        let words: usize = docs
            .par_iter()
            .map(|d| {
                minhash::words(&d.3)
                    .map(|w| xxhash_rust::xxh3::xxh3_64(w.as_bytes()) as usize & 1)
                    .sum::<usize>()
            })
            .sum();
        std::hint::black_box(words);
        base_cpu += cpu_seconds() - t;
        // The dedupe stage's per-document work: keys, hashes, signature.
        let t = cpu_seconds();
        let entries: Vec<Entry> = docs
            .par_iter()
            .enumerate()
            .map(|(k, (_, _, url, text))| Entry {
                article_id: format!("{:024x}", start + k),
                url: canonical_key(url).as_deref().map(key_hash),
                aliases: vec![],
                body: body_hash(text),
                published: Some((start + k) as i64),
                origin: (start + k) as u64,
                signature: hasher.signature(text),
            })
            .collect();
        sign_cpu += cpu_seconds() - t;
        for e in entries {
            dedupe.add(e);
        }
        // Truth, from the texts.
        for (k, (kind, of, _, text)) in docs.iter().enumerate() {
            let i = start + k;
            if *kind == Kind::Original {
                continue;
            }
            let name = format!("{kind:?}");
            let j = if matches!(kind, Kind::Exact | Kind::UrlVariant) {
                1.0
            } else {
                jaccard(
                    &shingles(text, params.shingle),
                    &shingles(&document(*of).3, params.shingle),
                )
            };
            let slot = kinds.entry(Box::leak(name.into_boxed_str())).or_default();
            slot.0 += 1;
            if j >= params.threshold {
                truth.push((i, *of));
                slot.1 += 1;
            }
        }
    }
    let t = cpu_seconds();
    let wall = Instant::now();
    let verdicts = dedupe.resolve(None).expect("resolve runs");
    let resolve_cpu = cpu_seconds() - t;
    let resolve_wall = wall.elapsed().as_secs_f64();
    let pred: Vec<(usize, usize)> = verdicts
        .iter()
        .map(|v| {
            let of = usize::from_str_radix(&v.duplicate_of, 16).expect("hex id");
            (v.seq, of)
        })
        .collect();
    let (precision, recall) = pair_scores(n, &truth, &pred);
    // Copies caught, by kind of copy.
    let flagged: std::collections::HashSet<usize> =
        pred.iter().flat_map(|&(a, b)| [a, b]).collect();
    let mut caught: HashMap<String, (u64, u64)> = HashMap::new();
    for &(i, _) in &truth {
        let kind = format!("{:?}", document(i).0);
        let c = caught.entry(kind).or_default();
        c.0 += 1;
        c.1 += u64::from(flagged.contains(&i));
    }
    let mut caught: Vec<_> = caught
        .into_iter()
        .map(|(k, (t, c))| (k, c as f64 / t as f64))
        .collect();
    caught.sort_by(|a, b| a.0.cmp(&b.0));
    let mut methods: HashMap<&str, u64> = HashMap::new();
    for v in &verdicts {
        *methods.entry(v.method).or_default() += 1;
    }
    let cpu = sign_cpu + resolve_cpu;
    println!(
        "{n:>7} docs: dedupe {cpu:6.2} CPU s ({:>7.0} docs per CPU s; signatures {sign_cpu:.2} s, decision {resolve_cpu:.2} s / {resolve_wall:.2} s wall) = {:.1}x the word-hashing baseline ({base_cpu:.2} s); peak RSS {:.0} MB ({:.2} KB per doc)",
        n as f64 / cpu.max(1e-9),
        cpu / base_cpu.max(1e-9),
        peak_rss_mb(),
        peak_rss_mb() * 1024.0 / n as f64,
    );
    let mut ms: Vec<_> = methods.into_iter().collect();
    ms.sort();
    let mut ks: Vec<_> = kinds.into_iter().collect();
    ks.sort();
    println!(
        "         pairs at Jaccard >= {}: precision {precision:.4}, recall {recall:.4}; verdicts {ms:?}; copies by kind (made, truly >= threshold) {ks:?}; share caught by kind {caught:.3?}",
        params.threshold
    );
}

/// Writes documents `0..n` as a dataset of ten runs in `dir`.
fn write_dataset(dir: &std::path::Path, n: usize) {
    use newsmill::export::Exporter;
    use newsmill::pipeline::Dropped;
    let params = Params::default();
    let hasher = Hasher::new(params);
    let runs = 10;
    let per_run = n.div_ceil(runs);
    for r in 0..runs {
        let run_id = format!("20260101T{r:02}0000000Z-bench");
        let mut ex = Exporter::create(dir, &run_id, params).expect("run files open");
        let (first, last) = (r * per_run, ((r + 1) * per_run).min(n));
        for start in (first..last).step_by(2000) {
            let batch: Vec<(newsmill::record::Article, Entry)> = (start..(start + 2000).min(last))
                .into_par_iter()
                .map(|i| {
                    let (_, _, url, text) = document(i);
                    let mut a = newsmill::record::Article::new(
                        format!("{i:024x}"),
                        url.clone(),
                        format!("Bài {i}"),
                        text,
                    );
                    a.url_key = canonical_key(&url);
                    a.published_at = chrono::DateTime::from_timestamp(1_600_000_000 + i as i64, 0);
                    a.signature = hasher.signature(&a.body);
                    let e = Entry::of(&a, Box::default());
                    (a, e)
                })
                .collect();
            for (a, e) in &batch {
                ex.article(a, e, &a.signature).expect("row written");
            }
        }
        let rows = last.saturating_sub(first);
        ex.commit(&Dropped {
            articles: vec![false; rows],
            images: vec![],
            participants: vec![],
        })
        .expect("run committed");
    }
}

/// The decision as `newsmill dedupe` made it before the stages, in this process:
/// every entry and signature of the dataset in memory, decided on one thread.
fn old_decision(dir: &std::path::Path) {
    use newsmill::dedupe::corpus::{Articles, Corpus, Want};
    let corpus = Corpus::open(dir, Params::default()).expect("dataset opens");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let mut d = Deduper::new(Params::default());
    let t = cpu_seconds();
    corpus
        .read(&pool, Want::Signature, &mut |items| {
            for item in items {
                d.add(item.entry);
            }
            Ok(())
        })
        .expect("dataset reads");
    let verdicts = d.resolve(None).expect("decision");
    println!(
        "{} {:.2} {:.0}",
        verdicts.len(),
        cpu_seconds() - t,
        peak_rss_mb()
    );
}

/// One `newsmill` command: wall seconds, CPU seconds, peak RSS in MB.
fn timed(args: &[&std::ffi::OsStr]) -> (f64, f64, f64) {
    let exe = env!("CARGO_BIN_EXE_newsmill");
    let wall = Instant::now();
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%e %U %S %M"])
        .arg(exe)
        .args(args)
        .output()
        .expect("newsmill runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "newsmill {args:?}: {err}");
    let f: Vec<f64> = err
        .lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    let _ = wall;
    (
        f.first().copied().unwrap_or(0.0),
        f.get(1).copied().unwrap_or(0.0) + f.get(2).copied().unwrap_or(0.0),
        f.get(3).copied().unwrap_or(0.0) / 1024.0,
    )
}

/// Verdicts of the last `newsmill dedupe` in `dir`.
fn dedupe_verdicts(dir: &std::path::Path) -> u64 {
    let runs = newsmill::export::manifest::read_all(dir);
    runs.iter()
        .rfind(|m| m["command"] == "dedupe")
        .and_then(|m| m["counts"]["duplicates"].as_u64())
        .unwrap_or(0)
}

fn measure_dataset(n: usize) {
    let tmp = tempfile::tempdir().expect("temp dir");
    // NEWSMILL_BENCH_DATASET_DIR keeps the generated dataset there and uses it again
    // in the next bench run (writing 10M documents takes a quarter of an hour).
    let dir = match std::env::var_os("NEWSMILL_BENCH_DATASET_DIR") {
        Some(d) => std::path::PathBuf::from(d).join(format!("ds-{n}")),
        None => tmp.path().join("ds"),
    };
    let t = Instant::now();
    if !dir.join("articles").exists() {
        write_dataset(&dir, n);
    }
    let size: u64 = ["articles", "signatures"]
        .iter()
        .flat_map(|t| std::fs::read_dir(dir.join(t)).into_iter().flatten())
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "{n:>8} docs: dataset of 10 runs written in {:.0} s ({:.0} MB of articles and signatures)",
        t.elapsed().as_secs_f64(),
        size as f64 / 1e6
    );
    // NEWSMILL_BENCH_SKIP_BASELINE=1 leaves out the baseline and the one-thread run
    // (at 10M documents the baseline alone needs about 15 GB).
    let full = std::env::var_os("NEWSMILL_BENCH_SKIP_BASELINE").is_none();
    let (mut old_dups, mut old_rss) = (None, 0.0f64);
    if full {
        let me = std::env::current_exe().expect("the bench knows its path");
        let out = std::process::Command::new(&me)
            .env("NEWSMILL_DEDUPE_OLD", &dir)
            .output()
            .expect("baseline runs");
        let line = String::from_utf8_lossy(&out.stdout);
        let f: Vec<f64> = line
            .split_whitespace()
            .filter_map(|v| v.parse().ok())
            .collect();
        let (dups, cpu, rss) = (f[0] as u64, f[1], f[2]);
        println!(
            "          baseline (the decision before the stages: all signatures in memory, one thread): {cpu:.1} CPU s, peak RSS {rss:.0} MB, {dups} duplicates"
        );
        old_dups = Some(dups);
        old_rss = rss;
    }
    let d = dir.as_os_str();
    let runs: &[&str] = if full { &["1", "2"] } else { &["2"] };
    for &threads in runs {
        let (wall, cpu, rss) = timed(&[
            "dedupe".as_ref(),
            d,
            "-q".as_ref(),
            "-j".as_ref(),
            threads.as_ref(),
        ]);
        let dups = dedupe_verdicts(&dir);
        let against = if old_rss > 0.0 {
            format!(" ({:.2}x the baseline's memory)", rss / old_rss)
        } else {
            String::new()
        };
        println!(
            "          newsmill dedupe -j {threads}: {wall:.1} s wall, {cpu:.1} CPU s, peak RSS {rss:.0} MB{against}, {dups} duplicates"
        );
        assert_eq!(
            dups,
            *old_dups.get_or_insert(dups),
            "the verdicts must not change"
        );
    }
    let mut stage_rss: f64 = 0.0;
    let (mut stage_cpu, mut stage_wall) = (0.0, 0.0);
    for k in 0..4 {
        let shard = format!("{k}/4");
        let (wall, cpu, rss) = timed(&[
            "dedupe".as_ref(),
            d,
            "-q".as_ref(),
            "-j".as_ref(),
            "1".as_ref(),
            "--stage".as_ref(),
            "buckets".as_ref(),
            "--shard".as_ref(),
            shard.as_ref(),
        ]);
        stage_rss = stage_rss.max(rss);
        stage_cpu += cpu;
        stage_wall += wall;
    }
    let (wall, cpu, rss) = timed(&[
        "dedupe".as_ref(),
        d,
        "-q".as_ref(),
        "--stage".as_ref(),
        "decide".as_ref(),
    ]);
    let dups = dedupe_verdicts(&dir);
    println!(
        "          in stages: 4 bucket shards {stage_cpu:.1} CPU s ({stage_wall:.1} s wall in a row), peak RSS {stage_rss:.0} MB each at most; decide {cpu:.1} CPU s ({wall:.1} s wall), peak RSS {rss:.0} MB; {dups} duplicates"
    );
    assert_eq!(Some(dups), old_dups, "the verdicts must not change");
}

fn main() {
    if let Ok(n) = std::env::var("NEWSMILL_DEDUPE_CHILD") {
        measure(n.parse().expect("a document count"));
        return;
    }
    if let Some(dir) = std::env::var_os("NEWSMILL_DEDUPE_OLD") {
        old_decision(std::path::Path::new(&dir));
        return;
    }
    if let Ok(sizes) = std::env::var("NEWSMILL_BENCH_DATASET") {
        println!("newsmill dedupe over a generated dataset (articles and signatures files)");
        for n in sizes.split_whitespace() {
            measure_dataset(n.parse().expect("a document count"));
        }
        return;
    }
    let sizes = std::env::var("NEWSMILL_BENCH_DOCS").unwrap_or_else(|_| "20000 200000".into());
    println!(
        "near-duplicate stage, MinHash {} positions, {} bands of {} rows, 5-word shingles, threshold 0.8; reference for 20,000 documents: datatrove 185 CPU s / 394 MB (recall 0.98), datasketch 18 CPU s / 310 MB (recall 0.75)",
        Params::default().positions(),
        Params::default().bands,
        Params::default().rows
    );
    let me = std::env::current_exe().expect("the bench knows its path");
    for n in sizes.split_whitespace() {
        let out = std::process::Command::new(&me)
            .env("NEWSMILL_DEDUPE_CHILD", n)
            .output()
            .expect("the bench runs itself");
        print!("{}", String::from_utf8_lossy(&out.stdout));
        if !out.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        }
    }
}
