//! Per-site parse rules: CSS selectors from a pipeline file that override the generic
//! extractor where a site's layout needs it, compiled once per crawl.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use scraper::{ElementRef, Html, Selector};

use crate::config::ParseRules;

/// Compiled selectors of one site.
#[derive(Debug, Clone, Default)]
pub struct SiteRules {
    pub title: Option<Selector>,
    pub lead: Option<Selector>,
    pub body: Option<Selector>,
    pub date: Option<Selector>,
    pub date_format: Option<String>,
    pub zone: Option<FixedOffset>,
    pub category: Option<Selector>,
    pub captions: Option<Selector>,
    pub authors: Option<Selector>,
    pub drop: Vec<Selector>,
}

fn compile(s: &Option<String>) -> Result<Option<Selector>, String> {
    s.as_deref()
        .map(|s| Selector::parse(s).map_err(|e| format!("invalid CSS selector {s:?}: {e}")))
        .transpose()
}

impl SiteRules {
    /// Compiles the rules of a pipeline file; `zone` is the site's time zone.
    pub fn compile(r: &ParseRules, zone: FixedOffset) -> Result<Self, String> {
        Ok(SiteRules {
            title: compile(&r.title)?,
            lead: compile(&r.lead)?,
            body: compile(&r.body)?,
            date: compile(&r.date)?,
            date_format: r.date_format.clone(),
            zone: Some(
                r.date_time_zone
                    .as_deref()
                    .and_then(crate::config::parse_zone)
                    .unwrap_or(zone),
            ),
            category: compile(&r.category)?,
            captions: compile(&r.captions)?,
            authors: compile(&r.authors)?,
            drop: r
                .drop
                .iter()
                .map(|s| Selector::parse(s).map_err(|e| format!("invalid CSS selector {s:?}: {e}")))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Parses the text of the date element with the site's format, else the generic forms.
    pub fn date_of(&self, text: &str) -> Option<DateTime<Utc>> {
        let zone = self.zone.unwrap_or_else(crate::normalise::dates::vietnam);
        if let Some(fmt) = &self.date_format {
            let t = text.trim();
            if let Ok(n) = NaiveDateTime::parse_from_str(t, fmt) {
                return zone
                    .from_local_datetime(&n)
                    .single()
                    .map(|d| d.with_timezone(&Utc));
            }
            if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
                return zone
                    .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
                    .single()
                    .map(|d| d.with_timezone(&Utc));
            }
        }
        crate::normalise::dates::parse_visible(text, zone)
    }
}

/// First element matching an optional selector.
pub fn first<'a>(doc: &'a Html, sel: &Option<Selector>) -> Option<ElementRef<'a>> {
    sel.as_ref().and_then(|s| doc.select(s).next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_with_site_format() {
        let r = ParseRules {
            date: Some("span.date".into()),
            date_format: Some("%d/%m/%Y, %H:%M".into()),
            ..Default::default()
        };
        let rules = SiteRules::compile(&r, crate::normalise::dates::vietnam()).unwrap();
        assert_eq!(
            rules.date_of("17/09/2020, 15:19").unwrap().to_rfc3339(),
            "2020-09-17T08:19:00+00:00"
        );
        // Other shapes still go through the generic forms.
        assert_eq!(
            rules
                .date_of("Thứ năm, 17/9/2020 - 15:19")
                .unwrap()
                .to_rfc3339(),
            "2020-09-17T08:19:00+00:00"
        );
    }

    #[test]
    fn bad_selector_is_an_error() {
        let r = ParseRules {
            title: Some("h1[".into()),
            ..Default::default()
        };
        assert!(SiteRules::compile(&r, crate::normalise::dates::vietnam()).is_err());
    }
}
