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

/// True for a word spelled like a Vietnamese syllable once its marks are dropped
/// ("Thanh", "Vân", "Minh"): initial consonants, vowels, then one of the few finals
/// Vietnamese allows. "Jae", "Park", "Cook", "Fillon" are not.
pub fn is_vietnamese_syllable(word: &str) -> bool {
    const INITIALS: &[&str] = &[
        "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g",
        "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
    ];
    const FINALS: &[&str] = &["ch", "ng", "nh", "c", "m", "n", "p", "t", ""];
    let w: String = word
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'ả' | 'ã' | 'ạ' | 'ă' | 'ằ' | 'ắ' | 'ẳ' | 'ẵ' | 'ặ' | 'â' | 'ầ' | 'ấ'
            | 'ẩ' | 'ẫ' | 'ậ' => 'a',
            'è' | 'é' | 'ẻ' | 'ẽ' | 'ẹ' | 'ê' | 'ề' | 'ế' | 'ể' | 'ễ' | 'ệ' => {
                'e'
            }
            'ì' | 'í' | 'ỉ' | 'ĩ' | 'ị' => 'i',
            'ò' | 'ó' | 'ỏ' | 'õ' | 'ọ' | 'ô' | 'ồ' | 'ố' | 'ổ' | 'ỗ' | 'ộ' | 'ơ' | 'ờ' | 'ớ'
            | 'ở' | 'ỡ' | 'ợ' => 'o',
            'ù' | 'ú' | 'ủ' | 'ũ' | 'ụ' | 'ư' | 'ừ' | 'ứ' | 'ử' | 'ữ' | 'ự' => {
                'u'
            }
            'ỳ' | 'ý' | 'ỷ' | 'ỹ' | 'ỵ' => 'y',
            c => c,
        })
        .collect();
    let Some(init) = INITIALS.iter().find(|i| w.starts_with(**i)) else {
        return false;
    };
    let rest = &w[init.len()..];
    let vowels = rest
        .find(|c: char| !"aeiouy".contains(c))
        .unwrap_or(rest.len());
    (1..=3).contains(&vowels) && FINALS.contains(&&rest[vowels..])
}

/// Share of letters that are Vietnamese-only letters (in the first 20,000 characters).
fn vietnamese_share(text: &str) -> f64 {
    let mut letters = 0usize;
    let mut viet = 0usize;
    for c in text.chars().take(20_000) {
        if super::text::is_letter(c) {
            letters += 1;
            if is_vietnamese_letter(c) {
                viet += 1;
            }
        }
    }
    if letters == 0 {
        0.0
    } else {
        viet as f64 / letters as f64
    }
}

/// True when at least 3% of the letters are Vietnamese-only letters.
pub fn looks_vietnamese(text: &str) -> bool {
    vietnamese_share(text) >= 0.03
}

fn looks_english(text: &str) -> bool {
    const COMMON: [&str; 10] = [
        "the", "and", "of", "to", "in", "is", "that", "for", "with", "was",
    ];
    let (mut words, mut common) = (0usize, 0usize);
    for w in text.split_whitespace().take(2000) {
        words += 1;
        if w.len() <= 4 && COMMON.iter().any(|c| w.eq_ignore_ascii_case(c)) {
            common += 1;
        }
    }
    words >= 20 && common * 100 >= words * 8
}

/// What the text alone says: a language and how sure that is.
fn guess(text: &str) -> Option<(&'static str, f64)> {
    let vi = vietnamese_share(text);
    if vi >= 0.03 {
        // Vietnamese prose runs at 15-25% such letters.
        Some(("vi", (vi / 0.12).min(1.0)))
    } else if looks_english(text) {
        Some(("en", 0.8))
    } else {
        None
    }
}

/// Primary language subtag of the article (`vi`, `en`, ...) with a confidence from 0 to
/// 1, or `None` when unsure. A declaration the text confirms is certain; one the text
/// contradicts loses to the text (sites leave `lang="en"` on Vietnamese pages).
pub fn detect(declared: Option<&str>, text: &str) -> Option<(String, f64)> {
    let declared = declared
        .map(|d| {
            d.trim()
                .split(['-', '_'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        })
        .filter(|p| p.len() == 2 || p.len() == 3);
    match (declared, guess(text)) {
        (Some(d), Some((g, _))) if d == g => Some((d, 1.0)),
        (Some(_), Some((g, c))) if c >= 0.9 => Some((g.to_string(), c * 0.9)),
        (Some(d), _) => Some((d, 0.7)),
        (None, Some((g, c))) => Some((g.to_string(), c)),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VI: &str = "Chiều ngày 16/9, tại phòng họp Bộ Chính trị, Bộ Chính trị có buổi làm việc với Ban Thường vụ Tỉnh ủy Bắc Kạn";

    fn lang(declared: Option<&str>, text: &str) -> Option<String> {
        detect(declared, text).map(|(l, _)| l)
    }

    #[test]
    fn declared_is_reduced_to_primary_tag_and_confirmed_by_text() {
        assert_eq!(detect(Some("vi-VN"), VI), Some(("vi".to_string(), 1.0)));
        assert_eq!(detect(Some("en_US"), ""), Some(("en".to_string(), 0.7)));
    }

    #[test]
    fn text_wins_over_a_wrong_declaration() {
        assert_eq!(lang(Some("en"), VI).as_deref(), Some("vi"));
    }

    #[test]
    fn guesses_from_text() {
        assert_eq!(lang(None, VI).as_deref(), Some("vi"));
        let en = "The minister said that the plan for the region was ready and that work in the area of the port is set to start with the new year and to end in the spring";
        assert_eq!(lang(None, en).as_deref(), Some("en"));
        assert_eq!(
            lang(
                None,
                "Der Minister sagte, dass der Plan für die Region bereit sei und die Arbeiten im Hafen beginnen"
            ),
            None
        );
    }
}
