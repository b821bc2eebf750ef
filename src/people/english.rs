//! The English rule set: a second, simpler one than the Vietnamese.
//!
//! English news names people in two fixed shapes the rules read: a title before the
//! name ("President Joe Biden", "Prime Minister Rishi Sunak") and an appositive after
//! it ("Jane Doe, the chief executive of Acme, said"). A name is two or three
//! capitalised words; nothing else is taken for a person, so a sentence that names
//! someone without a title gives no row: empty is better than wrong.

use aho_corasick::AhoCorasick;

use super::join;
use super::lexicon::{lines, phrases};
use super::tokens::{Tok, tokenize};

/// The English lists, compiled in.
pub struct Rules {
    titles: Vec<Vec<String>>,
    roles: Vec<String>,
    /// The first word of every title, and the ", the " that opens an appositive: a
    /// passage with none of them names no one the rules can read, and is not tokenised.
    cues: AhoCorasick,
}

/// One person named in one passage.
pub struct Found {
    pub name: String,
    pub titles: Vec<String>,
}

/// Words that start a sentence or a phrase and are never a first name.
const NOT_NAMES: &[&str] = &[
    "The", "A", "An", "This", "That", "These", "Those", "In", "On", "At", "But", "And", "He",
    "She", "It", "They", "We", "His", "Her", "Their", "Its", "Mr", "Mrs", "Ms", "Mr.", "Mrs.",
    "Ms.",
];

impl Default for Rules {
    fn default() -> Self {
        let titles = phrases(include_str!("lexicon/en/titles.txt"));
        let mut cues: Vec<String> = titles
            .iter()
            .filter_map(|t| t.first())
            .map(|w| w.trim_end_matches('.').to_string())
            .collect();
        cues.extend([", the ", ", a ", ", an "].map(String::from));
        Rules {
            titles,
            roles: lines(include_str!("lexicon/en/roles.txt")).collect(),
            cues: AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&cues)
                .expect("the English cue words build an automaton"),
        }
    }
}

fn is_name_word(t: &Tok) -> bool {
    t.is_cap() && t.text.chars().count() > 1 && !NOT_NAMES.contains(&t.text)
}

/// Two or three capitalised words from `i`.
fn name_at(toks: &[Tok], i: usize) -> Option<usize> {
    let mut e = i;
    while e < toks.len() && e - i < 3 && is_name_word(&toks[e]) {
        e += 1;
    }
    (e - i >= 2).then_some(e)
}

impl Rules {
    fn title_at(&self, toks: &[Tok], i: usize) -> Option<usize> {
        // Every title starts with a capital: most tokens are ruled out at once.
        if !toks[i].text.starts_with(|c: char| c.is_uppercase()) {
            return None;
        }
        self.titles
            .iter()
            .find(|t| {
                t.len() <= toks.len() - i
                    && t.iter().zip(&toks[i..]).all(|(w, tok)| {
                        // "Dr." is tokenised as "Dr" and ".".
                        *w == tok.text || w.trim_end_matches('.') == tok.text
                    })
            })
            .map(|t| {
                let dotted = t.last().is_some_and(|w| w.ends_with('.'))
                    && toks.get(i + t.len()).is_some_and(|n| n.text == ".");
                t.len() + usize::from(dotted)
            })
    }

    /// The people one passage names, in order.
    pub fn find(&self, text: &str) -> Vec<Found> {
        if !self.cues.is_match(text) {
            return Vec::new();
        }
        let toks = tokenize(text);
        let mut out: Vec<Found> = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            // "President Joe Biden"
            if let Some(t) = self.title_at(&toks, i)
                && let Some(e) = name_at(&toks, i + t)
            {
                out.push(Found {
                    name: join(&toks[i + t..e]),
                    titles: vec![join(&toks[i..i + t])],
                });
                i = e;
                continue;
            }
            // "Jane Doe, the chief executive of Acme,"
            let starts = i == 0 || !is_name_word(&toks[i - 1]);
            if let Some(e) = name_at(&toks, i).filter(|_| starts)
                && let Some(role) = self.appositive(&toks, e)
            {
                out.push(Found {
                    name: join(&toks[i..e]),
                    titles: vec![role],
                });
                i = e;
                continue;
            }
            i += 1;
        }
        out
    }

    /// ", the ROLE ...," after a name: up to the next comma or full stop, at most a
    /// dozen words, holding one of the role words.
    fn appositive(&self, toks: &[Tok], e: usize) -> Option<String> {
        if toks.get(e).is_none_or(|t| t.text != ",") {
            return None;
        }
        let from = e + 1;
        let mut end = from;
        while end < toks.len() && end - from <= 12 && !matches!(toks[end].text, "," | "." | ";") {
            end += 1;
        }
        let phrase = &toks[from..end.min(toks.len())];
        let article = phrase
            .first()
            .is_some_and(|t| matches!(t.text.to_lowercase().as_str(), "the" | "a" | "an"));
        let has_role = phrase
            .iter()
            .any(|t| self.roles.iter().any(|r| r.eq_ignore_ascii_case(t.text)));
        (article && has_role && phrase.len() >= 2 && end - from <= 12).then(|| join(phrase))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, Vec<String>)> {
        Rules::default()
            .find(text)
            .into_iter()
            .map(|f| (f.name, f.titles))
            .collect()
    }

    #[test]
    fn title_before_name() {
        assert_eq!(
            names("President Joe Biden met Prime Minister Rishi Sunak in London."),
            vec![
                ("Joe Biden".to_string(), vec!["President".to_string()]),
                (
                    "Rishi Sunak".to_string(),
                    vec!["Prime Minister".to_string()]
                ),
            ]
        );
        assert_eq!(
            names("Dr. Anna Smith said so.")[0],
            ("Anna Smith".to_string(), vec!["Dr.".to_string()])
        );
    }

    #[test]
    fn appositive_after_name() {
        assert_eq!(
            names("Jane Doe, the chief executive of Acme Corp, said sales rose."),
            vec![(
                "Jane Doe".to_string(),
                vec!["the chief executive of Acme Corp".to_string()]
            )]
        );
    }

    #[test]
    fn no_title_no_person() {
        // Places, organisations and untitled names give nothing.
        assert!(names("The New York Stock Exchange opened in Lower Manhattan.").is_empty());
        assert!(names("Jane Doe went home, the story says.").is_empty());
    }
}
