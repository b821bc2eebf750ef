//! Pipeline files: one TOML file per site, loaded into typed structs.
//!
//! Unknown keys are errors (a typo must not silently turn a setting off), and every
//! error names the file and line. `newsmill check FILE` runs exactly this loading and
//! validation without crawling.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use regex::Regex;
use serde::Deserialize;

use crate::error::UsageError;

/// A whole pipeline file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    pub site: Site,
    #[serde(default)]
    pub discovery: Discovery,
    #[serde(default)]
    pub fetch: Fetch,
    /// Per-site selectors that override the generic extractor.
    #[serde(default)]
    pub parse: Option<ParseRules>,
    pub output: Output,
    /// Extra lexicon entries for the people stage, by list name (`surnames`, `titles`...).
    #[serde(default)]
    pub people: std::collections::BTreeMap<String, Vec<String>>,
    /// Near-duplicate detection and URL identity.
    #[serde(default)]
    pub dedupe: Dedupe,
    /// When a run's quality profile warns of a redesign (see `drift`).
    #[serde(default)]
    pub alerts: Alerts,
}

/// Drift thresholds: a run warns when a field's fill share falls by more than
/// `max_drop` below the median of the pipeline's last `window` runs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Alerts {
    /// Earlier runs the median is taken over (default 5).
    pub window: usize,
    /// Largest fall of a share (date, authors, lead, images, participants), or rise of
    /// the rejected share, that passes without a warning (default 0.2: 20 points).
    pub max_drop: f64,
    /// Largest relative fall of the median body words that passes (default 0.5).
    pub max_words_drop: f64,
    /// Runs with fewer new or changed articles are neither judged nor used as history
    /// (default 10): three articles say little about a template.
    pub min_articles: u64,
}

impl Default for Alerts {
    fn default() -> Self {
        Alerts {
            window: 5,
            max_drop: 0.2,
            max_words_drop: 0.5,
            min_articles: 10,
        }
    }
}

/// How copies are recognised: MinHash over word shingles, banded for LSH.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Dedupe {
    /// Estimated Jaccard similarity at which a page is a copy (default 0.8).
    pub threshold: f64,
    /// Words per shingle (default 5).
    pub shingle: usize,
    /// Bands of the MinHash signature (default 32).
    pub bands: usize,
    /// Signature positions per band (default 8).
    pub rows: usize,
    /// Positions of the signature (default 512); bands use the first bands x rows.
    pub positions: usize,
    /// More query parameters that only track clicks, dropped from URL keys (as well
    /// as `utm_*`, `fbclid`, `gclid` and the other well-known ones).
    pub tracking_params: Vec<String>,
}

impl Default for Dedupe {
    fn default() -> Self {
        let p = crate::dedupe::Params::default();
        Dedupe {
            threshold: p.threshold,
            shingle: p.shingle,
            bands: p.bands,
            rows: p.rows,
            positions: p.positions,
            tracking_params: Vec::new(),
        }
    }
}

impl Dedupe {
    pub fn params(&self) -> crate::dedupe::Params {
        crate::dedupe::Params {
            threshold: self.threshold,
            shingle: self.shingle,
            bands: self.bands,
            rows: self.rows,
            positions: self.positions,
        }
    }
}

/// Which site this is.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Short name used in logs and the manifest.
    pub id: String,
    /// Hosts the crawler may fetch from (subdomains included). It never leaves them.
    pub domains: Vec<String>,
    /// Main language of the site (`vi`, `en`...).
    #[serde(default)]
    pub language: Option<String>,
    /// UTC offset of times the site shows without one, e.g. "+07:00".
    #[serde(default = "default_zone")]
    pub time_zone: String,
}

fn default_zone() -> String {
    "+00:00".into()
}

/// Where article URLs come from.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Discovery {
    /// Sitemap or sitemap index URLs (`.xml` or `.xml.gz`).
    #[serde(default)]
    pub sitemaps: Vec<String>,
    /// Also read the `Sitemap:` lines of each domain's robots.txt.
    #[serde(default = "yes")]
    pub robots_sitemaps: bool,
    /// RSS 2.0 or Atom feed URLs.
    #[serde(default)]
    pub feeds: Vec<String>,
    /// Listing (section) pages whose links lead to articles.
    #[serde(default)]
    pub listings: Vec<String>,
    /// How many links deep to follow from listing pages (1 = only their direct links).
    #[serde(default = "one")]
    pub max_depth: u32,
    /// Regexes an article URL must match (any of them); empty means every in-domain URL.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Regexes that exclude a URL even when allowed.
    #[serde(default)]
    pub deny: Vec<String>,
    /// Regexes of listing-page URLs to follow (pagination, sections); empty: none.
    #[serde(default)]
    pub follow: Vec<String>,
    /// Only articles published in this window: "7d", "24h" or a date "2024-01-31".
    #[serde(default)]
    pub since: Option<String>,
}

fn yes() -> bool {
    true
}
fn one() -> u32 {
    1
}

/// How to fetch.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fetch {
    /// Requests in flight across all hosts.
    #[serde(default = "d_concurrency")]
    pub concurrency: usize,
    /// Requests in flight to one host.
    #[serde(default = "d_host_concurrency")]
    pub per_host_concurrency: usize,
    /// Requests per second to one host; 0 turns rate limiting off. robots.txt
    /// `Crawl-delay` slows this further.
    #[serde(default = "d_rate")]
    pub per_host_rate: f64,
    /// Shards crawling this site together (`--shard K/N`, not a file setting): each
    /// takes 1/N of the per-host rate and concurrency and N times the Crawl-delay, so
    /// that all of them together ask no more of the site than one run would.
    #[serde(skip)]
    pub shards: u32,
    #[serde(default = "d_agent")]
    pub user_agent: String,
    #[serde(default = "d_connect")]
    pub connect_timeout_secs: f64,
    #[serde(default = "d_read")]
    pub read_timeout_secs: f64,
    #[serde(default = "d_total")]
    pub total_timeout_secs: f64,
    /// Larger bodies (after decompression) are cut off and rejected as `too_large`.
    #[serde(default = "d_max_bytes")]
    pub max_page_bytes: u64,
    /// Retries after the first attempt on timeouts, connection errors, 429 and 5xx.
    #[serde(default = "d_retries")]
    pub retries: u32,
    /// First backoff delay; doubles on every retry, with jitter.
    #[serde(default = "d_backoff")]
    pub backoff_secs: f64,
    /// Longest `Retry-After` honoured; longer ones count as a failure.
    #[serde(default = "d_retry_after")]
    pub max_retry_after_secs: f64,
    #[serde(default = "d_redirects")]
    pub max_redirects: usize,
    /// Obey robots.txt. Turning it off needs `robots_override_reason`.
    #[serde(default = "yes")]
    pub obey_robots: bool,
    #[serde(default)]
    pub robots_override_reason: Option<String>,
    /// Allow loopback, private and link-local addresses (tests, intranets).
    #[serde(default)]
    pub allow_private_addresses: bool,
    /// Hosts outside `site.domains` that may be fetched (CDNs for sitemaps, say).
    #[serde(default)]
    pub extra_domains: Vec<String>,
}

fn d_concurrency() -> usize {
    16
}
fn d_host_concurrency() -> usize {
    4
}
fn d_rate() -> f64 {
    2.0
}
fn d_agent() -> String {
    format!(
        "newsmill/{} (+https://github.com/newsmill/newsmill)",
        env!("CARGO_PKG_VERSION")
    )
}
fn d_connect() -> f64 {
    10.0
}
fn d_read() -> f64 {
    30.0
}
fn d_total() -> f64 {
    60.0
}
fn d_max_bytes() -> u64 {
    16 * 1024 * 1024
}
fn d_retries() -> u32 {
    3
}
fn d_backoff() -> f64 {
    0.5
}
fn d_retry_after() -> f64 {
    120.0
}
fn d_redirects() -> usize {
    5
}

impl Default for Fetch {
    fn default() -> Self {
        toml::from_str("").expect("every fetch field has a default")
    }
}

/// CSS selectors that override the generic extractor for one site.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParseRules {
    pub title: Option<String>,
    pub lead: Option<String>,
    pub body: Option<String>,
    pub date: Option<String>,
    /// chrono format of the date text, e.g. "%d/%m/%Y %H:%M"; without it the generic forms are tried.
    pub date_format: Option<String>,
    /// UTC offset of the date text, e.g. "+07:00" (default: the site's).
    pub date_time_zone: Option<String>,
    pub category: Option<String>,
    pub captions: Option<String>,
    pub authors: Option<String>,
    /// Elements removed before extraction (ads, related boxes).
    #[serde(default)]
    pub drop: Vec<String>,
}

/// Where results go.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// Dataset folder; relative paths are relative to the pipeline file.
    pub dir: PathBuf,
    /// Keep raw responses as WARC files under `DIR/warc/`.
    #[serde(default)]
    pub warc: bool,
    /// A crawl commits its files and state every this many pages (0: only at the end),
    /// so that a killed run keeps all but the pages since its last checkpoint.
    #[serde(default = "default_checkpoint_pages")]
    pub checkpoint_pages: u64,
    /// ... or every this many seconds, whichever comes first (0: no time limit).
    #[serde(default = "default_checkpoint_secs")]
    pub checkpoint_secs: u64,
}

fn default_checkpoint_pages() -> u64 {
    10_000
}

fn default_checkpoint_secs() -> u64 {
    600
}

/// A loaded, validated pipeline with compiled patterns.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: PathBuf,
    pub pipeline: Pipeline,
    pub allow: Vec<Regex>,
    pub deny: Vec<Regex>,
    pub follow: Vec<Regex>,
    pub zone: FixedOffset,
    pub out_dir: PathBuf,
}

impl Loaded {
    /// True when `url` is on one of the pipeline's hosts (or the extra ones).
    pub fn in_scope(&self, url: &url::Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        self.pipeline
            .site
            .domains
            .iter()
            .chain(&self.pipeline.fetch.extra_domains)
            .any(|d| {
                let d = d.to_ascii_lowercase();
                host == d || host.ends_with(&format!(".{d}"))
            })
    }

    /// True when `url` looks like an article of this site.
    pub fn is_article(&self, url: &str) -> bool {
        (self.allow.is_empty() || self.allow.iter().any(|r| r.is_match(url)))
            && !self.deny.iter().any(|r| r.is_match(url))
    }

    /// True when `url` is a listing page worth following.
    pub fn is_listing(&self, url: &str) -> bool {
        self.follow.iter().any(|r| r.is_match(url)) && !self.deny.iter().any(|r| r.is_match(url))
    }

    pub fn timeouts(&self) -> (Duration, Duration, Duration) {
        let f = &self.pipeline.fetch;
        (
            Duration::from_secs_f64(f.connect_timeout_secs),
            Duration::from_secs_f64(f.read_timeout_secs),
            Duration::from_secs_f64(f.total_timeout_secs),
        )
    }
}

/// 1-based line and column of a byte offset.
fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The line of the first `key =` in the file, for errors found after parsing.
fn line_of_key(src: &str, key: &str) -> usize {
    src.lines()
        .position(|l| l.trim_start().starts_with(key) && l.contains('='))
        .map_or(1, |i| i + 1)
}

/// Parses a `since` value: "7d", "24h", "30m" back from `now`, or a date.
pub fn parse_since(s: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    if let (Ok(n), 1) = (num.parse::<i64>(), unit.len()) {
        let d = match unit {
            "d" => chrono::Duration::days(n),
            "h" => chrono::Duration::hours(n),
            "m" => chrono::Duration::minutes(n),
            "w" => chrono::Duration::weeks(n),
            _ => return None,
        };
        return Some(now - d);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
}

/// Parses "+07:00", "-05:30", "UTC", "Asia/Ho_Chi_Minh".
pub fn parse_zone(s: &str) -> Option<FixedOffset> {
    match s.trim() {
        "UTC" | "utc" | "Z" => return FixedOffset::east_opt(0),
        "Asia/Ho_Chi_Minh" | "Asia/Saigon" | "Asia/Bangkok" | "Asia/Jakarta" => {
            return FixedOffset::east_opt(7 * 3600);
        }
        _ => {}
    }
    let t = s.trim();
    let sign = match t.chars().next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let (h, m) = t[1..].split_once(':').unwrap_or((&t[1..], "0"));
    FixedOffset::east_opt(sign * (h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60))
}

/// Reads, parses and validates a pipeline file. Errors are usage errors naming the file and line.
pub fn load(path: &Path) -> Result<Loaded, UsageError> {
    let src = std::fs::read_to_string(path).map_err(|e| {
        UsageError(format!(
            "{}: cannot read the pipeline file: {e}",
            path.display()
        ))
    })?;
    let pipeline: Pipeline = toml::from_str(&src).map_err(|e| {
        let at = e.span().map(|s| line_col(&src, s.start));
        match at {
            Some((line, col)) => {
                UsageError(format!("{}:{line}:{col}: {}", path.display(), e.message()))
            }
            None => UsageError(format!("{}: {}", path.display(), e.message())),
        }
    })?;
    let err = |key: &str, msg: String| {
        UsageError(format!(
            "{}:{}: {key}: {msg}",
            path.display(),
            line_of_key(&src, key)
        ))
    };
    let compile = |key: &str, list: &[String]| -> Result<Vec<Regex>, UsageError> {
        list.iter()
            .map(|p| Regex::new(p).map_err(|e| err(key, format!("invalid pattern {p:?}: {e}"))))
            .collect()
    };
    let allow = compile("allow", &pipeline.discovery.allow)?;
    let deny = compile("deny", &pipeline.discovery.deny)?;
    let follow = compile("follow", &pipeline.discovery.follow)?;
    if pipeline.site.domains.is_empty() {
        return Err(err(
            "domains",
            "list at least one domain the crawler may fetch from".into(),
        ));
    }
    let zone = parse_zone(&pipeline.site.time_zone).ok_or_else(|| {
        err(
            "time_zone",
            format!(
                "{:?} is not a UTC offset like \"+07:00\"",
                pipeline.site.time_zone
            ),
        )
    })?;
    let f = &pipeline.fetch;
    if !f.obey_robots
        && f.robots_override_reason
            .as_deref()
            .is_none_or(|r| r.trim().len() < 10)
    {
        return Err(err("obey_robots", "ignoring robots.txt needs robots_override_reason, a written reason (at least a sentence)".into()));
    }
    if f.concurrency == 0 || f.per_host_concurrency == 0 {
        return Err(err("concurrency", "concurrency must be at least 1".into()));
    }
    if f.per_host_rate < 0.0 || !f.per_host_rate.is_finite() {
        return Err(err(
            "per_host_rate",
            "must be 0 (off) or a positive number of requests per second".into(),
        ));
    }
    if let Err(e) = pipeline.dedupe.params().validate() {
        let key = ["threshold", "shingle", "bands", "rows", "positions"]
            .into_iter()
            .find(|k| e.starts_with(k))
            .unwrap_or("dedupe");
        return Err(err(key, e));
    }
    if let Some(since) = &pipeline.discovery.since
        && parse_since(since, Utc::now()).is_none()
    {
        return Err(err(
            "since",
            format!(
                "{since:?} is neither a window like \"7d\"/\"24h\" nor a date like \"2024-01-31\""
            ),
        ));
    }
    for (key, list) in [
        ("sitemaps", &pipeline.discovery.sitemaps),
        ("feeds", &pipeline.discovery.feeds),
        ("listings", &pipeline.discovery.listings),
    ] {
        for u in list {
            url::Url::parse(u)
                .map_err(|e| err(key, format!("{u:?} is not an absolute URL: {e}")))?;
        }
    }
    if let Some(rules) = &pipeline.parse {
        let sels = [
            ("title", &rules.title),
            ("lead", &rules.lead),
            ("body", &rules.body),
            ("date", &rules.date),
            ("category", &rules.category),
            ("captions", &rules.captions),
            ("authors", &rules.authors),
        ];
        for (key, sel) in sels {
            if let Some(s) = sel {
                scraper::Selector::parse(s)
                    .map_err(|e| err(key, format!("invalid CSS selector {s:?}: {e}")))?;
            }
        }
        for s in &rules.drop {
            scraper::Selector::parse(s)
                .map_err(|e| err("drop", format!("invalid CSS selector {s:?}: {e}")))?;
        }
        if let Some(z) = &rules.date_time_zone {
            parse_zone(z).ok_or_else(|| {
                err(
                    "date_time_zone",
                    format!("{z:?} is not a UTC offset like \"+07:00\""),
                )
            })?;
        }
    }
    let lists = [
        "surnames",
        "ranks",
        "titles",
        "title_words",
        "intro",
        "places",
        "countries",
        "roles",
        "organisations",
        "person_words",
        "speech_verbs",
        "org_words",
    ];
    for key in pipeline.people.keys() {
        if !lists.contains(&key.as_str()) {
            return Err(err(
                key,
                format!("unknown lexicon list; use one of {}", lists.join(", ")),
            ));
        }
    }
    let base = path.parent().unwrap_or(Path::new("."));
    let out_dir = if pipeline.output.dir.is_absolute() {
        pipeline.output.dir.clone()
    } else {
        base.join(&pipeline.output.dir)
    };
    Ok(Loaded {
        path: path.to_path_buf(),
        pipeline,
        allow,
        deny,
        follow,
        zone,
        out_dir,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> Result<Loaded, UsageError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.toml");
        std::fs::write(&p, text).unwrap();
        load(&p)
    }

    const MINIMAL: &str =
        "[site]\nid = \"x\"\ndomains = [\"example.vn\"]\n\n[output]\ndir = \"out\"\n";

    #[test]
    fn minimal_file_loads_with_defaults() {
        let l = load_str(MINIMAL).unwrap();
        assert_eq!(l.pipeline.fetch.retries, 3);
        assert!(l.pipeline.fetch.obey_robots);
        assert!(l.out_dir.ends_with("out"));
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let e = load_str(&format!("{MINIMAL}\n[fetch]\nconcurency = 3\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("p.toml:9:1"), "{e}");
        assert!(e.contains("concurency"), "{e}");
    }

    #[test]
    fn bad_regex_and_robots_override_are_rejected() {
        let e = load_str(&format!("{MINIMAL}\n[discovery]\nallow = [\"(\"]\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("allow") && e.contains("p.toml:9"), "{e}");
        let e = load_str(&format!("{MINIMAL}\n[fetch]\nobey_robots = false\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("robots_override_reason"), "{e}");
    }

    #[test]
    fn dedupe_section_is_typed_and_checked() {
        let l = load_str(&format!(
            "{MINIMAL}\n[dedupe]\nthreshold = 0.9\ntracking_params = [\"src\"]\n"
        ))
        .unwrap();
        assert_eq!(l.pipeline.dedupe.params().threshold, 0.9);
        assert_eq!(
            l.pipeline.dedupe.params().bands,
            32,
            "unset keys keep defaults"
        );
        assert_eq!(l.pipeline.dedupe.tracking_params, vec!["src".to_string()]);
        let e = load_str(&format!("{MINIMAL}\n[dedupe]\nbands = 0\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("p.toml:9: bands"), "{e}");
        let e = load_str(&format!("{MINIMAL}\n[dedupe]\nthreshhold = 0.9\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("threshhold") && e.contains("p.toml:9"), "{e}");
    }

    #[test]
    fn since_and_zones() {
        let now = Utc::now();
        assert_eq!(
            parse_since("7d", now),
            Some(now - chrono::Duration::days(7))
        );
        assert!(parse_since("2024-01-31", now).is_some());
        assert!(parse_since("soon", now).is_none());
        assert_eq!(parse_zone("+07:00"), FixedOffset::east_opt(25200));
        assert_eq!(parse_zone("Asia/Ho_Chi_Minh"), FixedOffset::east_opt(25200));
    }
}
