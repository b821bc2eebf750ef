//! The records that flow between stages.
//!
//! Each stage takes one of these and hands on the next, so a new stage (fetch, a
//! WARC reader) only has to produce a [`RawPage`] to reuse everything after it.

use chrono::{DateTime, FixedOffset, Utc};

/// Bytes of one page as they came from disk or the network, before any decoding.
#[derive(Debug, Clone)]
pub struct RawPage {
    /// Where the page came from: a file path or a fetched URL.
    pub source: String,
    /// The URL the page was fetched from, when there is one (files have none).
    pub url: Option<String>,
    /// The `Content-Type` header, whose charset wins over `<meta>` when present.
    pub content_type: Option<String>,
    /// When the bytes were read or fetched; relative dates are resolved against it.
    pub fetched_at: DateTime<Utc>,
    pub bytes: Vec<u8>,
}

/// One image inside the article, in page order.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub src: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// Where a piece of article text sits, so people found in it can say where they were named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextPlace {
    Lead,
    Body,
    Caption,
}

impl TextPlace {
    pub fn as_str(self) -> &'static str {
        match self {
            TextPlace::Lead => "lead",
            TextPlace::Body => "body",
            TextPlace::Caption => "caption",
        }
    }
}

/// What kind of story a page is, so users can select or drop kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// A story told in prose (the default).
    #[default]
    Text,
    /// A photo story or e-magazine: its text is mostly in image captions.
    Photo,
    /// A video page: a player with a short text.
    Video,
    /// A live blog.
    Live,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Photo => "photo",
            Kind::Video => "video",
            Kind::Live => "live",
        }
    }
}

/// What the parse stage read off a page: raw strings, not yet normalised.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub source: String,
    /// The canonical URL as the page declares it (`rel=canonical`, `og:url`), absolute.
    pub canonical_url: Option<String>,
    /// The URL the page was fetched from, when there is one.
    pub fetched_url: Option<String>,
    /// The page's AMP version (`<link rel=amphtml>`), absolute.
    pub amphtml_url: Option<String>,
    pub title: Option<String>,
    pub kind: Kind,
    pub lead: Option<String>,
    /// Body paragraphs in page order.
    pub paragraphs: Vec<String>,
    /// Lead, body paragraphs and captions in page order, for the people stage.
    pub passages: Vec<(TextPlace, String)>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    /// Candidate publication dates, best first: raw text and where it was read
    /// (`rule`, `json-ld`, `microdata`, `meta`, `time`, `url`, `visible`).
    pub published: Vec<(String, &'static str)>,
    pub modified: Vec<String>,
    /// The date as the page shows it to readers, if visible.
    pub published_text: Option<String>,
    /// Language declared by the page (`<html lang>`, `og:locale`, JSON-LD).
    pub declared_language: Option<String>,
    pub images: Vec<Image>,
    pub charset: String,
    pub html_bytes: usize,
    pub fetched_at: DateTime<Utc>,
}

/// A person named in an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub name: String,
    pub rank: Option<String>,
    pub titles: Vec<String>,
    /// Titles given at later mentions that differ from `titles`.
    pub other_titles: Vec<String>,
    /// The side or body the text groups the person under ("Về phía Ban Thường vụ Tỉnh
    /// ủy Bắc Kạn có các đồng chí: ..." gives "Ban Thường vụ Tỉnh ủy Bắc Kạn").
    pub role_group: Option<String>,
    pub mentions: u32,
    /// Character offset of the first mention in the body, when the body names them.
    pub first_offset: Option<u32>,
    /// Where the person is first named.
    pub place: TextPlace,
}

/// A clean article ready for dedupe and export.
#[derive(Debug, Clone)]
pub struct Article {
    pub article_id: String,
    pub url: String,
    pub source: String,
    pub site: Option<String>,
    pub title: String,
    pub kind: Kind,
    pub lead: Option<String>,
    /// Prose of the story; empty only for a photo story told in its captions.
    pub body: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub published_at: Option<DateTime<Utc>>,
    /// The UTC offset the page stated with `published_at` (or the zone it was read in
    /// when it stated none), so the day can be told as the page meant it; not exported.
    pub published_offset: Option<FixedOffset>,
    /// Where `published_at` was read: `rule`, `json-ld`, `microdata`, `meta`, `time`,
    /// `url` or `visible`.
    pub date_source: Option<&'static str>,
    pub published_text: Option<String>,
    pub modified_at: Option<DateTime<Utc>>,
    pub language: Option<String>,
    /// How sure the language is, 0 to 1 (declared and confirmed by the text: 1).
    pub language_confidence: Option<f64>,
    pub word_count: u32,
    pub content_hash: String,
    pub charset: String,
    pub html_bytes: u64,
    pub fetched_at: DateTime<Utc>,
    pub images: Vec<Image>,
    pub participants: Vec<Participant>,
    /// The URL key used for exact dedupe (canonical form of `url`), `None` for pages without a URL.
    pub url_key: Option<String>,
    /// Other URL keys of this same page: the URL it was fetched from, its AMP version.
    pub alias_keys: Vec<String>,
    /// MinHash signature of the body, for near-duplicate detection (not exported).
    pub signature: Box<[u16]>,
}

impl Article {
    /// An article with these fields and every other one empty (generated datasets in
    /// benchmarks, hand-made rows in tests): its id, address, headline and body.
    pub fn new(article_id: String, url: String, title: String, body: String) -> Self {
        Article {
            article_id,
            source: url.clone(),
            url,
            site: None,
            title,
            kind: Kind::Text,
            lead: None,
            word_count: count_words(&body),
            body,
            category: None,
            tags: vec![],
            authors: vec![],
            published_at: None,
            published_offset: None,
            date_source: None,
            published_text: None,
            modified_at: None,
            language: None,
            language_confidence: None,
            content_hash: String::new(),
            charset: "UTF-8".into(),
            html_bytes: 0,
            fetched_at: Utc::now(),
            images: vec![],
            participants: vec![],
            url_key: None,
            alias_keys: vec![],
            signature: Box::new([]),
        }
    }
}

/// A page that left the flow before export, with why.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    pub source: String,
    pub stage: Stage,
    /// A short, stable code (`empty`, `binary`, `too_large`, `gzip_corrupt`, `read_error`, `no_article`, ...).
    pub reason: &'static str,
    /// What happened, where, and what to do, for a person.
    pub detail: String,
}

/// The stage a page was rejected at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Fetch,
    Read,
    Decode,
    Parse,
    Normalise,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Fetch => "fetch",
            Stage::Read => "read",
            Stage::Decode => "decode",
            Stage::Parse => "parse",
            Stage::Normalise => "normalise",
        }
    }
}

impl Reject {
    pub fn new(
        source: impl Into<String>,
        stage: Stage,
        reason: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Reject {
            source: source.into(),
            stage,
            reason,
            detail: detail.into(),
        }
    }
}

/// A page not exported because an equal one was kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate {
    pub article_id: String,
    pub url: String,
    pub source: String,
    pub duplicate_of: String,
    /// `url` or `exact` in this version; `near` later.
    pub method: &'static str,
    pub similarity: f64,
}

/// What the CPU stages make of one page.
#[derive(Debug)]
pub enum Outcome {
    Article(Box<Article>),
    Reject(Reject),
}

/// What a fetched page carries besides its bytes, so the sink can update the crawl state.
#[derive(Debug, Clone, Default)]
pub struct FetchMeta {
    pub url: String,
    pub http_status: Option<u16>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// xxh3 of the raw response body.
    pub body_hash: Option<String>,
    /// `content_hash` of the article this URL gave last time, to tell unchanged pages.
    pub previous_content_hash: Option<String>,
    /// True when an earlier run exported this URL.
    pub seen_before: bool,
}

/// One unit of work entering the CPU stages.
#[derive(Debug)]
pub enum Work {
    Page(RawPage, Option<FetchMeta>),
    Reject(Reject, Option<FetchMeta>),
    /// A page that did not change since the last run (304, or the same bytes).
    Unchanged(FetchMeta),
}

/// What the CPU stages hand to the sink.
#[derive(Debug)]
pub enum Done {
    Outcome(Outcome, Option<FetchMeta>),
    Unchanged(FetchMeta),
}

/// Words of a text, as readers count them: runs of letters and digits between spaces,
/// and each Chinese or Japanese character on its own (those scripts write no spaces,
/// so a 900-character Japanese story is not "18 words"). "iPhoneを" is two words.
pub fn count_words(text: &str) -> u32 {
    let mut n = 0u32;
    for token in text.split_whitespace() {
        let mut in_run = false;
        for c in token.chars() {
            if is_cjk_ideograph_or_kana(c) {
                n += 1;
                in_run = false;
            } else if c.is_alphanumeric() {
                if !in_run {
                    n += 1;
                    in_run = true;
                }
            } else {
                // Punctuation inside a token ("well-known", "3.5") does not split it.
            }
        }
    }
    n
}

/// Han characters, hiragana and katakana: each is a word for counting.
fn is_cjk_ideograph_or_kana(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF)
}

#[cfg(test)]
mod tests {
    use super::count_words;

    #[test]
    fn words_are_counted_in_spaced_and_unspaced_scripts() {
        assert_eq!(count_words("The council met on Monday."), 5);
        assert_eq!(
            count_words("Ủy ban họp sáng thứ Hai — well-known, 3.5 giờ"),
            9
        );
        // Japanese and Chinese write no spaces: each character is a word.
        assert_eq!(count_words("先日、不正に改造したiPhoneを販売"), 13);
        assert_eq!(count_words("人工智能迈上新台阶"), 9);
        assert_eq!(count_words(" — … "), 0);
    }
}
