//! Word lists the people stage reads: surnames, ranks, title heads, the lower-case
//! words a title may contain, intro words and places. They are data files under
//! `src/people/lexicon/<lang>/`, compiled in, and extendable at run time.

use std::collections::HashSet;

/// The lists for one language.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub surnames: HashSet<String>,
    /// Ranks as word sequences, longest first.
    pub ranks: Vec<Vec<String>>,
    /// Title heads as word sequences, longest first.
    pub titles: Vec<Vec<String>>,
    /// The same heads in lower case, for matching "Phó thủ tướng" against "Thủ tướng".
    pub titles_lower: Vec<Vec<String>>,
    pub title_words: Vec<Vec<String>>,
    pub intro: HashSet<String>,
    pub places: HashSet<String>,
    /// Countries and bodies written between a title and a foreign name, longest first.
    pub countries: Vec<Vec<String>>,
    /// Lower-case roles written after a name ("chủ một cửa hàng hoa"), longest first.
    pub roles: Vec<Vec<String>>,
    /// Heads of organisation names ("Bệnh viện", "Công ty"), longest first.
    pub organisations: Vec<Vec<String>>,
    /// Lower-case words before a foreign name that make it a person, longest first.
    pub person_words: Vec<Vec<String>>,
    /// Lower-case speech verbs after a name that make it a person, longest first.
    pub speech_verbs: Vec<Vec<String>>,
    /// Words that make a run of foreign words a club, company, body or place.
    pub org_words: HashSet<String>,
    /// Common given names of languages written in Latin letters: a run of foreign
    /// words that starts with one is a person unless something marks it otherwise.
    pub given_names: HashSet<String>,
}

pub(super) fn lines(data: &str) -> impl Iterator<Item = String> + '_ {
    crate::wordlist::entries(data).map(str::to_string)
}

pub(super) fn phrases(data: &str) -> Vec<Vec<String>> {
    let mut v: Vec<Vec<String>> = lines(data)
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect();
    v.sort_by_key(|p| std::cmp::Reverse(p.len()));
    v.dedup();
    v
}

/// Adds phrase entries to a list, keeping it longest first.
fn add_phrases(list: &mut Vec<Vec<String>>, data: &str) {
    list.extend(phrases(data));
    list.sort_by_key(|p| std::cmp::Reverse(p.len()));
}

fn lower(list: &[Vec<String>]) -> Vec<Vec<String>> {
    list.iter()
        .map(|p| p.iter().map(|w| w.to_lowercase()).collect())
        .collect()
}

impl Lexicon {
    /// The length of the longest title in [`Lexicon::titles_lower`] that the lower-cased
    /// `words` start with, among titles of at most `max` words.
    pub fn lower_title_len<S: AsRef<str>>(&self, words: &[S], max: usize) -> Option<usize> {
        self.titles_lower
            .iter()
            .filter(|p| {
                p.len() <= max.min(words.len()) && p.iter().zip(words).all(|(w, t)| w == t.as_ref())
            })
            .map(Vec::len)
            .max()
    }

    /// The Vietnamese lists shipped with newsmill.
    pub fn vietnamese() -> Self {
        let mut lx = Lexicon {
            surnames: lines(include_str!("lexicon/vi/surnames.txt")).collect(),
            ranks: phrases(include_str!("lexicon/vi/ranks.txt")),
            titles: phrases(include_str!("lexicon/vi/titles.txt")),
            title_words: Vec::new(),
            intro: lines(include_str!("lexicon/vi/intro.txt")).collect(),
            places: lines(include_str!("lexicon/vi/places.txt")).collect(),
            countries: phrases(include_str!("lexicon/vi/countries.txt")),
            roles: phrases(include_str!("lexicon/vi/roles.txt")),
            organisations: phrases(include_str!("lexicon/vi/organisations.txt")),
            person_words: phrases(include_str!("lexicon/vi/person_words.txt")),
            speech_verbs: phrases(include_str!("lexicon/vi/speech_verbs.txt")),
            org_words: lines(include_str!("lexicon/vi/org_words.txt")).collect(),
            given_names: lines(include_str!("lexicon/intl/given_names.txt")).collect(),
            titles_lower: Vec::new(),
        };
        lx.titles_lower = lower(&lx.titles);
        // Multi-word entries ("thành phố", "phụ nữ") count as whole phrases: "phụ" alone
        // ("Giám đốc phụ trách kỹ thuật") is not a title word.
        lx.title_words = phrases(include_str!("lexicon/vi/title_words.txt"));
        lx
    }

    /// Adds entries (as in the data files) to one list: `surnames`, `ranks`, `titles`,
    /// `title_words`, `intro`, `places`, `countries`, `roles`, `organisations`, `person_words`,
    /// `speech_verbs`, `org_words` or `given_names`.
    /// Returns false for an unknown list name.
    pub fn extend(&mut self, list: &str, entries: &[String]) -> bool {
        let data = entries.join("\n");
        match list {
            "surnames" => self.surnames.extend(lines(&data)),
            "intro" => self.intro.extend(lines(&data)),
            "places" => self.places.extend(lines(&data)),
            "countries" => add_phrases(&mut self.countries, &data),
            "roles" => add_phrases(&mut self.roles, &data),
            "organisations" => add_phrases(&mut self.organisations, &data),
            "person_words" => add_phrases(&mut self.person_words, &data.to_lowercase()),
            "speech_verbs" => add_phrases(&mut self.speech_verbs, &data.to_lowercase()),
            "org_words" => self.org_words.extend(lines(&data)),
            "given_names" => self.given_names.extend(lines(&data)),
            "title_words" => add_phrases(&mut self.title_words, &data),
            "ranks" => add_phrases(&mut self.ranks, &data),
            "titles" => {
                add_phrases(&mut self.titles, &data);
                self.titles_lower = lower(&self.titles);
            }
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_lists_load() {
        let lx = Lexicon::vietnamese();
        assert!(lx.surnames.contains("Nguyễn") && lx.surnames.len() > 80);
        assert!(lx.ranks.iter().any(|r| r.join(" ") == "Đại tướng"));
        assert!(lx.titles.iter().any(|t| t.join(" ") == "Bí thư"));
        // longest first, so "Tổng Bí thư" is tried before "Bí thư"
        assert!(lx.titles.windows(2).all(|w| w[0].len() >= w[1].len()));
        assert!(lx.places.contains("Hà Nội"));
    }

    #[test]
    fn extend_adds_entries() {
        let mut lx = Lexicon::vietnamese();
        assert!(lx.extend("surnames", &["Ksor".to_string()]));
        assert!(lx.surnames.contains("Ksor"));
        assert!(!lx.extend("nonsense", &[]));
    }
}
