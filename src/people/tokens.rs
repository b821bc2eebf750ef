//! Word and punctuation tokens with their character offsets, for name matching.

/// One token of a passage.
#[derive(Debug, Clone)]
pub struct Tok {
    pub text: String,
    /// True when no space separates this token from the one before ("Du-" gives "Du", "-" glued).
    pub glued_before: bool,
    /// True when the text has white space (or nothing) right before this token: for
    /// writing phrases back as they were ("Delhi-based", "(HECI)").
    pub space_before: bool,
}

impl Tok {
    pub fn is_punct(&self) -> bool {
        !self.text.chars().any(char::is_alphanumeric)
    }
    pub fn is_number(&self) -> bool {
        self.text.chars().next().is_some_and(|c| c.is_ascii_digit())
    }
    /// "Nguyễn": an upper-case letter then lower-case letters only.
    pub fn is_cap(&self) -> bool {
        let mut cs = self.text.chars();
        cs.next().is_some_and(char::is_uppercase) && cs.all(char::is_lowercase)
    }
    /// "HĐND", "XIII", "TP.HCM": two or more letters, none lower-case.
    pub fn is_upper(&self) -> bool {
        self.text.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !self.text.chars().any(char::is_lowercase)
    }
}

/// Splits text into words (letters and digits, with inner dots as in "TP.HCM") and
/// single punctuation marks.
pub fn tokenize(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut space_before = true;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            space_before = true;
            i += 1;
            continue;
        }
        let start = i;
        if c.is_alphanumeric() {
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || (chars[i] == '.'
                        && i + 1 < chars.len()
                        && chars[i + 1].is_alphanumeric()
                        && chars[i - 1].is_uppercase()))
            {
                i += 1;
            }
        } else {
            i += 1;
        }
        out.push(Tok {
            text: chars[start..i].iter().collect(),
            glued_before: !space_before
                && c.is_alphanumeric()
                && out.last().is_some_and(|t: &Tok| !t.is_punct()),
            space_before,
        });
        space_before = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_and_marks() {
        let t: Vec<String> = tokenize("Nguyễn Văn Du- Ủy viên, TP.HCM; 121 Trần Phú.")
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
