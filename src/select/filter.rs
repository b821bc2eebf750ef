//! The analyst's filters on the articles table, evaluated per batch with Arrow's
//! comparison kernels; only text search needs a loop of ours (accent folding is
//! nothing Arrow does).

use anyhow::{Context, Result};
use arrow_array::TimestampMicrosecondArray;
use arrow_array::cast::AsArray;
use arrow_array::{Array, BooleanArray, Datum, Int32Array, RecordBatch, Scalar, StringArray};
use arrow_buffer::BooleanBuffer;
use arrow_schema::DataType;
use chrono::{DateTime, NaiveDate, Utc};
use rustc_hash::FxHashSet;
use unicode_normalization::UnicodeNormalization;

use crate::error::UsageError;

/// Which articles an export keeps (every filter must hold; an empty list holds for all).
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub sites: Vec<String>,
    /// Published at or after (microseconds since the epoch, UTC).
    pub since: Option<i64>,
    /// Published before.
    pub until: Option<i64>,
    pub languages: Vec<String>,
    pub kinds: Vec<String>,
    /// Folded text searched in title, lead and body.
    pub contains: Option<String>,
    /// Folded name of a participant.
    pub person: Option<String>,
    pub min_words: Option<i32>,
}

impl Filters {
    /// Columns of the articles table the filters read.
    pub fn columns(&self) -> Vec<&'static str> {
        let mut c = vec!["article_id"];
        if !self.sites.is_empty() {
            c.push("site");
        }
        if self.since.is_some() || self.until.is_some() {
            c.push("published_at");
        }
        if !self.languages.is_empty() {
            c.push("language");
        }
        if !self.kinds.is_empty() {
            c.push("kind");
        }
        if self.contains.is_some() {
            c.extend(["title", "lead", "body"]);
        }
        if self.min_words.is_some() {
            c.push("word_count");
        }
        c
    }

    /// Rows of `batch` that pass, starting from `selected` (the current versions).
    /// `people` holds the ids of articles naming `person`, when that filter is on.
    pub fn mask(
        &self,
        batch: &RecordBatch,
        selected: BooleanBuffer,
        people: Option<&FxHashSet<String>>,
    ) -> Result<BooleanBuffer> {
        let mut m = selected;
        let col = |name: &str| {
            batch
                .column_by_name(name)
                .with_context(|| format!("the articles table has no column {name}"))
        };
        if !self.sites.is_empty() {
            m = &m & &any_equal(col("site")?.as_ref(), &self.sites)?;
        }
        if !self.languages.is_empty() {
            m = &m & &any_equal(col("language")?.as_ref(), &self.languages)?;
        }
        if !self.kinds.is_empty() {
            m = &m & &any_equal(col("kind")?.as_ref(), &self.kinds)?;
        }
        if self.since.is_some() || self.until.is_some() {
            let published = col("published_at")?;
            if let Some(t) = self.since {
                m = &m
                    & &truthy(&arrow_ord::cmp::gt_eq(
                        published,
                        &timestamp(published.as_ref(), t)?,
                    )?);
            }
            if let Some(t) = self.until {
                m = &m
                    & &truthy(&arrow_ord::cmp::lt(
                        published,
                        &timestamp(published.as_ref(), t)?,
                    )?);
            }
        }
        if let Some(n) = self.min_words {
            let words = col("word_count")?;
            let n = Scalar::new(Int32Array::from(vec![n]));
            m = &m & &truthy(&arrow_ord::cmp::gt_eq(words, &n)?);
        }
        if let Some(set) = people {
            let ids = col("article_id")?
                .as_string_opt::<i32>()
                .context("article_id is not text")?;
            let hits: BooleanArray = ids
                .iter()
                .map(|id| Some(id.is_some_and(|id| set.contains(id))))
                .collect();
            m = &m & &truthy(&hits);
        }
        if let Some(needle) = &self.contains {
            let text = |name| -> Result<&StringArray> {
                col(name)?
                    .as_string_opt::<i32>()
                    .with_context(|| format!("{name} is not text"))
            };
            let (title, lead, body) = (text("title")?, text("lead")?, text("body")?);
            // Only rows still in: folding every body would cost more than the rest.
            let hits: BooleanArray = (0..batch.num_rows())
                .map(|i| {
                    Some(
                        m.value(i)
                            && [title, lead, body].iter().any(|c| {
                                c.is_valid(i) && fold(c.value(i)).contains(needle.as_str())
                            }),
                    )
                })
                .collect();
            m = &m & &truthy(&hits);
        }
        Ok(m)
    }
}

/// Values of a predicate, a null counted as false.
fn truthy(a: &BooleanArray) -> BooleanBuffer {
    match a.nulls() {
        Some(n) => a.values() & n.inner(),
        None => a.values().clone(),
    }
}

/// Rows whose text column equals one of `values`.
fn any_equal(column: &dyn Array, values: &[String]) -> Result<BooleanBuffer> {
    let mut m = BooleanBuffer::new_unset(column.len());
    for v in values {
        let s = Scalar::new(StringArray::from(vec![v.as_str()]));
        m = &m | &truthy(&arrow_ord::cmp::eq(&column, &s)?);
    }
    Ok(m)
}

/// A timestamp scalar of the column's own type (its time zone included).
fn timestamp(column: &dyn Array, micros: i64) -> Result<impl Datum> {
    let tz = match column.data_type() {
        DataType::Timestamp(_, tz) => tz.clone(),
        other => anyhow::bail!("published_at is {other}, not a timestamp"),
    };
    Ok(Scalar::new(
        TimestampMicrosecondArray::from(vec![micros]).with_timezone_opt(tz),
    ))
}

/// Text for searching: lower case, accents and tone marks dropped, đ as d, so that
/// "bo truong" finds "Bộ trưởng" and "BỘ TRƯỞNG".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Whether a participant's name is the one asked for: the same words, or the asked
/// words as a whole run inside it ("Messi" names "Lionel Messi"; "Lam" does not name
/// "Lâm Đồng Lamar").
pub fn names(participant: &str, asked_folded: &str) -> bool {
    let name = fold(participant);
    let name: Vec<&str> = name.split_whitespace().collect();
    let asked: Vec<&str> = asked_folded.split_whitespace().collect();
    !asked.is_empty() && name.windows(asked.len()).any(|w| w == asked.as_slice())
}

/// `--since`/`--until`: a day (`2024-03-01`, the whole day included) or an instant
/// (RFC 3339). Returns microseconds: the start of the day for `since`, the start of
/// the next day for `until`.
pub fn parse_bound(flag: &str, text: &str, end: bool) -> Result<i64> {
    if let Ok(d) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        let d = if end { d.succ_opt().unwrap_or(d) } else { d };
        let t = d
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp_micros());
        if let Some(t) = t {
            return Ok(t);
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text.trim()) {
        let t = t.with_timezone(&Utc).timestamp_micros();
        return Ok(if end { t + 1 } else { t });
    }
    Err(UsageError(format!(
        "{flag} {text:?}: give a day (2024-03-01) or an instant (2024-03-01T08:00:00+07:00)"
    ))
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::ArrayRef;
    use arrow_schema::{Field, Schema};
    use std::sync::Arc;

    #[test]
    fn folding_drops_case_accents_tone_marks_and_the_bar_of_d() {
        assert_eq!(fold("Bộ trưởng Bộ Công an"), "bo truong bo cong an");
        assert_eq!(fold("ĐẠI TƯỚNG"), "dai tuong");
        assert_eq!(fold("Müller, Zoë, Ångström"), "muller, zoe, angstrom");
        assert!(fold("Thủ tướng Phạm Minh Chính").contains(&fold("thu tuong")));
    }

    #[test]
    fn a_name_is_matched_by_whole_words() {
        assert!(names("Lionel Messi", &fold("messi")));
        assert!(names("Tô Lâm", &fold("To Lam")));
        assert!(!names("Lamine Yamal", &fold("Lam")));
        assert!(!names("Tô Lâm", ""));
    }

    #[test]
    fn day_bounds_take_the_whole_day_and_instants_are_exact() {
        let since = parse_bound("--since", "2024-03-01", false).unwrap();
        let until = parse_bound("--until", "2024-03-01", true).unwrap();
        assert_eq!(until - since, 86_400_000_000);
        let t = parse_bound("--since", "2024-03-01T07:00:00+07:00", false).unwrap();
        assert_eq!(t, since);
        let e = parse_bound("--since", "March", false).unwrap_err();
        assert!(e.is::<UsageError>(), "{e}");
    }

    fn batch() -> RecordBatch {
        let ts = DataType::Timestamp(arrow_schema::TimeUnit::Microsecond, Some("UTC".into()));
        let schema = Schema::new(vec![
            Field::new("article_id", DataType::Utf8, false),
            Field::new("site", DataType::Utf8, true),
            Field::new("published_at", ts, true),
            Field::new("title", DataType::Utf8, false),
            Field::new("lead", DataType::Utf8, true),
            Field::new("body", DataType::Utf8, false),
            Field::new("word_count", DataType::Int32, false),
        ]);
        let day = |d: &str| parse_bound("", d, false).unwrap();
        let cols: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec!["a", "b", "c", "d"])),
            Arc::new(StringArray::from(vec![
                Some("x.vn"),
                Some("y.vn"),
                None,
                Some("x.vn"),
            ])),
            Arc::new(
                TimestampMicrosecondArray::from(vec![
                    Some(day("2024-02-10")),
                    Some(day("2024-03-05")),
                    Some(day("2024-03-06")),
                    None,
                ])
                .with_timezone("UTC"),
            ),
            Arc::new(StringArray::from(vec![
                "Bộ trưởng thăm trường",
                "Mưa lớn",
                "Giá vàng",
                "Bão số 3",
            ])),
            Arc::new(StringArray::from(vec![
                None,
                Some("BỘ TRƯỞNG nói"),
                None,
                None,
            ])),
            Arc::new(StringArray::from(vec![
                "một hai",
                "ba",
                "bốn",
                "năm sáu bảy",
            ])),
            Arc::new(Int32Array::from(vec![2, 1, 1, 3])),
        ];
        RecordBatch::try_new(Arc::new(schema), cols).unwrap()
    }

    fn kept(f: &Filters, people: Option<&FxHashSet<String>>) -> Vec<usize> {
        let b = batch();
        let m = f
            .mask(&b, BooleanBuffer::new_set(b.num_rows()), people)
            .unwrap();
        (0..b.num_rows()).filter(|&i| m.value(i)).collect()
    }

    #[test]
    fn each_filter_keeps_what_it_names_and_nulls_never_pass() {
        let all = Filters::default();
        assert_eq!(kept(&all, None), vec![0, 1, 2, 3]);
        let site = Filters {
            sites: vec!["x.vn".into()],
            ..Default::default()
        };
        assert_eq!(kept(&site, None), vec![0, 3]);
        let since = Filters {
            since: Some(parse_bound("", "2024-03-01", false).unwrap()),
            until: Some(parse_bound("", "2024-03-05", true).unwrap()),
            ..Default::default()
        };
        assert_eq!(kept(&since, None), vec![1], "row 3 has no date");
        let text = Filters {
            contains: Some(fold("bo truong")),
            ..Default::default()
        };
        assert_eq!(kept(&text, None), vec![0, 1], "title and lead");
        let words = Filters {
            min_words: Some(2),
            ..Default::default()
        };
        assert_eq!(kept(&words, None), vec![0, 3]);
        let ids: FxHashSet<String> = ["c".to_string()].into_iter().collect();
        assert_eq!(kept(&all, Some(&ids)), vec![2]);
        let both = Filters {
            sites: vec!["x.vn".into()],
            min_words: Some(3),
            ..Default::default()
        };
        assert_eq!(kept(&both, None), vec![3]);
    }
}
