//! Word and punctuation tokens with their character offsets, for name matching.

use crate::normalise::text::{is_letter, is_letter_or_digit};

/// One token of a passage. Its shape (capitalised, upper-case, punctuation) is worked
/// out once here: the rules ask it of every token many times.
#[derive(Debug, Clone)]
pub struct Tok<'a> {
    /// A slice of the passage: tokens are never copied out of it.
    pub text: &'a str,
    /// True when no space separates this token from the one before ("Du-" gives "Du", "-" glued).
    pub glued_before: bool,
    /// True when the text has white space (or nothing) right before this token: for
    /// writing phrases back as they were ("Delhi-based", "(HECI)").
    pub space_before: bool,
    shape: u8,
}

const PUNCT: u8 = 1;
const CAP: u8 = 2;
const UPPER: u8 = 4;
const NUMBER: u8 = 8;

fn shape_of(text: &str) -> u8 {
    let mut shape = 0;
    if !text.chars().any(is_letter_or_digit) {
        shape |= PUNCT;
    }
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        shape |= NUMBER;
    }
    let mut cs = text.chars();
    if cs.next().is_some_and(char::is_uppercase) && cs.all(char::is_lowercase) {
        shape |= CAP;
    }
    if text.chars().filter(|&c| is_letter(c)).count() >= 2 && !text.chars().any(char::is_lowercase)
    {
        shape |= UPPER;
    }
    shape
}

impl<'a> Tok<'a> {
    pub fn new(text: &'a str, glued_before: bool, space_before: bool) -> Self {
        let shape = shape_of(text);
        Tok {
            text,
            glued_before,
            space_before,
            shape,
        }
    }
    pub fn is_punct(&self) -> bool {
        self.shape & PUNCT != 0
    }
    pub fn is_number(&self) -> bool {
        self.shape & NUMBER != 0
    }
    /// "Nguyễn": an upper-case letter then lower-case letters only.
    pub fn is_cap(&self) -> bool {
        self.shape & CAP != 0
    }
    /// "HĐND", "XIII", "TP.HCM": two or more letters, none lower-case.
    pub fn is_upper(&self) -> bool {
        self.shape & UPPER != 0
    }
    /// A dash with a space before it ("A - B"): a break between phrases, not the
    /// hyphen inside a word ("GD-ĐT").
    pub fn is_spaced_dash(&self) -> bool {
        matches!(self.text, "-" | "–") && self.space_before
    }
}

/// Splits text into words (letters and digits, with inner dots as in "TP.HCM") and
/// single punctuation marks.
pub fn tokenize(text: &str) -> Vec<Tok<'_>> {
    let mut out: Vec<Tok<'_>> = Vec::with_capacity(text.len() / 6);
    let mut chars = text.char_indices().peekable();
    let mut space_before = true;
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            space_before = true;
            continue;
        }
        let mut end = start + c.len_utf8();
        if is_letter_or_digit(c) {
            // Letters and digits, and a dot between them after a capital ("TP.HCM").
            let mut prev = c;
            while let Some(&(at, d)) = chars.peek() {
                let joins = is_letter_or_digit(d)
                    || (d == '.'
                        && prev.is_uppercase()
                        && text[at + 1..]
                            .chars()
                            .next()
                            .is_some_and(is_letter_or_digit));
                if !joins {
                    break;
                }
                chars.next();
                prev = d;
                end = at + d.len_utf8();
            }
        }
        let glued =
            !space_before && is_letter_or_digit(c) && out.last().is_some_and(|t| !t.is_punct());
        out.push(Tok::new(&text[start..end], glued, space_before));
        space_before = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_and_marks() {
        let t: Vec<&str> = tokenize("Nguyễn Văn Du- Ủy viên, TP.HCM; 121 Trần Phú.")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(
            t,
            vec![
                "Nguyễn", "Văn", "Du", "-", "Ủy", "viên", ",", "TP.HCM", ";", "121", "Trần", "Phú",
                "."
            ]
        );
    }
}
