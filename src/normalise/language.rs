//! Language of an article: what the page declares, else a cheap guess from its letters.
//!
//! Vietnamese is recognisable from letters no other Latin-script language uses (ơ, ư,
//! đ, ă and stacked tone marks); English from its commonest words. Anything else stays
//! unknown rather than guessed wrong.

/// Letters that only Vietnamese uses among Latin-script languages.
fn is_vietnamese_letter(c: char) -> bool {
    matches!(c, 'ơ' | 'ư' | 'đ' | 'ă' | 'Ơ' | 'Ư' | 'Đ' | 'Ă')
        || ('\u{1EA0}'..='\u{1EF9}').contains(&c)
}

/// True when at least 3% of the letters are Vietnamese-only letters.
pub fn looks_vietnamese(text: &str) -> bool {
    let mut letters = 0usize;
    let mut viet = 0usize;
    for c in text.chars().take(20_000) {
        if c.is_alphabetic() {
            letters += 1;
            if is_vietnamese_letter(c) {
                viet += 1;
            }
        }
    }
    letters > 0 && viet * 100 >= letters * 3
}

fn looks_english(text: &str) -> bool {
    let words: Vec<String> = text
        .split_whitespace()
        .take(2000)
        .map(|w| w.to_lowercase())
        .collect();
    if words.len() < 20 {
        return false;
    }
    let common = words
        .iter()
        .filter(|w| {
            matches!(
                w.as_str(),
                "the" | "and" | "of" | "to" | "in" | "is" | "that" | "for" | "with" | "was"
            )
        })
        .count();
    common * 100 >= words.len() * 8
}

/// Primary language subtag of the article (`vi`, `en`, ...), or `None` when unsure.
pub fn detect(declared: Option<&str>, text: &str) -> Option<String> {
    if let Some(d) = declared {
        let primary = d
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if primary.len() == 2 || primary.len() == 3 {
            return Some(primary);
        }
    }
    if looks_vietnamese(text) {
        Some("vi".into())
    } else if looks_english(text) {
        Some("en".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_wins_and_is_reduced_to_primary_tag() {
        assert_eq!(detect(Some("vi-VN"), "the and of").as_deref(), Some("vi"));
        assert_eq!(detect(Some("en_US"), "").as_deref(), Some("en"));
    }

    #[test]
    fn guesses_from_text() {
        assert_eq!(
            detect(
                None,
                "Chiều ngày 16/9, tại phòng họp Bộ Chính trị, Bộ Chính trị có buổi làm việc"
            )
            .as_deref(),
            Some("vi")
        );
        let en = "The minister said that the plan for the region was ready and that work in the area of the port is set to start with the new year and to end in the spring";
        assert_eq!(detect(None, en).as_deref(), Some("en"));
        assert_eq!(detect(None, "Der Minister sagte, dass der Plan für die Region bereit sei und die Arbeiten im Hafen beginnen").as_deref(), None);
    }
}
