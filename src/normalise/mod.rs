//! Normalise stage: a parsed [`Document`] in, a clean [`Article`] out.
//!
//! Every text field goes through the same clean-up, dates become UTC instants, the
//! URL gets its canonical key, and the article its stable identity.

pub mod dates;
pub mod language;
pub mod text;
pub mod url;

use chrono::{DateTime, Utc};
use xxhash_rust::xxh3::xxh3_128;

use crate::record::{Article, Document, Image, Kind, Reject, Stage, TextPlace};
use text::{ToneStyle, clean};

/// Options of the normalise stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub tone_style: ToneStyle,
}

/// Cleans a document into an article. Participants are filled in by the people stage.
///
/// `tracking` names query parameters the pipeline file calls tracking-only.
pub fn normalise(doc: Document, opts: Options, tracking: &[String]) -> Result<Article, Reject> {
    let style = opts.tone_style;
    let c = |s: &str| clean(s, style);
    let opt = |s: Option<String>| s.map(|v| c(&v)).filter(|v| !v.is_empty());
    let title = opt(doc.title.clone()).ok_or_else(|| {
        Reject::new(
            &doc.source,
            Stage::Normalise,
            "no_title",
            "the headline is empty after clean-up",
        )
    })?;
    let paragraphs = text::clean_paragraphs(&doc.paragraphs, style);
    let body = paragraphs.join("\n\n");
    // A photo story may have no prose of its own: its text is in its captions.
    let told_in_captions =
        doc.kind == Kind::Photo && doc.images.iter().any(|i| i.caption.is_some());
    if body.is_empty() && !told_in_captions {
        return Err(Reject::new(
            &doc.source,
            Stage::Normalise,
            "no_article",
            "the body is empty after clean-up",
        ));
    }
    let lead = opt(doc.lead.clone());
    let (language, language_confidence) =
        match language::detect(doc.declared_language.as_deref(), &body) {
            Some((l, c)) => (Some(l), Some(c)),
            None => (None, None),
        };
    let zone = if language.as_deref() == Some("vi") {
        dates::vietnam()
    } else {
        chrono::FixedOffset::east_opt(0).expect("zero offset")
    };
    let (published_at, published_offset, date_source) = match first_plausible(
        doc.published.iter().map(|(d, s)| (d.as_str(), *s)),
        zone,
        doc.fetched_at,
    ) {
        Some((d, s)) => (Some(d.with_timezone(&Utc)), Some(*d.offset()), Some(s)),
        None => (None, None, None),
    };
    let modified_at = first_plausible(
        doc.modified.iter().map(|d| (d.as_str(), "")),
        zone,
        doc.fetched_at,
    )
    .map(|(d, _)| d.with_timezone(&Utc));
    let images: Vec<Image> = doc
        .images
        .iter()
        .map(|i| Image {
            src: i.src.clone(),
            alt: i.alt.as_deref().map(c),
            caption: i.caption.as_deref().map(c).filter(|s| !s.is_empty()),
            credit: i.credit.as_deref().map(c).filter(|s| !s.is_empty()),
        })
        .collect();
    // A story without prose changes when its captions do.
    let content_hash = if body.is_empty() {
        let captions: Vec<&str> = images.iter().filter_map(|i| i.caption.as_deref()).collect();
        hex128(xxh3_128(captions.join("\n").as_bytes()))
    } else {
        hex128(xxh3_128(body.as_bytes()))
    };
    let url_key = [doc.canonical_url.as_deref(), doc.fetched_url.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|u| url::canonical_key_with(u, tracking));
    // The fetched URL and the AMP page are the same article under other names.
    let mut alias_keys: Vec<String> = Vec::new();
    for k in [doc.fetched_url.as_deref(), doc.amphtml_url.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|u| url::canonical_key_with(u, tracking))
    {
        if Some(&k) != url_key.as_ref() && !alias_keys.contains(&k) {
            alias_keys.push(k);
        }
    }
    let url = doc
        .canonical_url
        .clone()
        .or_else(|| doc.fetched_url.clone())
        .unwrap_or_else(|| doc.source.clone());
    let site = url_key.as_ref().and_then(|_| url::site(&url));
    // Stable across runs: the canonical URL when there is one, else the content itself.
    let article_id = match &url_key {
        Some(k) => hex128(xxh3_128(format!("url:{k}").as_bytes()))[..24].to_string(),
        None => hex128(xxh3_128(format!("content:{content_hash}").as_bytes()))[..24].to_string(),
    };
    let word_count = crate::record::count_words(&body);
    let mut tags: Vec<String> = Vec::new();
    for t in doc.tags.iter().map(|t| c(t)).filter(|t| !t.is_empty()) {
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    Ok(Article {
        article_id,
        url,
        source: doc.source.clone(),
        site,
        title,
        kind: doc.kind,
        lead,
        body,
        category: opt(doc.category.clone()),
        tags,
        authors: doc
            .authors
            .iter()
            .map(|a| c(a))
            .filter(|a| !a.is_empty())
            .collect(),
        published_at,
        published_offset,
        date_source,
        published_text: opt(doc.published_text.clone()),
        modified_at,
        language,
        language_confidence,
        word_count,
        content_hash,
        charset: doc.charset.clone(),
        html_bytes: doc.html_bytes as u64,
        fetched_at: doc.fetched_at,
        images,
        participants: Vec::new(),
        url_key,
        alias_keys,
        signature: Box::default(),
    })
}

/// Text passages cleaned the same way as the body, for the people stage.
pub fn passages(doc: &Document, opts: Options) -> Vec<(TextPlace, String)> {
    doc.passages
        .iter()
        .map(|(p, t)| (*p, clean(t, opts.tone_style)))
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

/// The first candidate that parses and is neither in the future nor older than the
/// web's news pages, with the offset it was stated in.
fn first_plausible<'a>(
    candidates: impl Iterator<Item = (&'a str, &'static str)>,
    zone: chrono::FixedOffset,
    fetched_at: DateTime<Utc>,
) -> Option<(DateTime<chrono::FixedOffset>, &'static str)> {
    candidates
        .filter_map(|(c, source)| {
            dates::parse_local(c, zone)
                .or_else(|| dates::parse_relative(c, fetched_at).map(|d| d.with_timezone(&zone)))
                .map(|d| (d, source))
        })
        .find(|(d, _)| dates::plausible(d, fetched_at))
}

fn hex128(v: u128) -> String {
    format!("{v:032x}")
}
