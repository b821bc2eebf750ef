//! Labels that page widgets leave in the body ("Advertisement", "Tags", "Share this",
//! "Mehr zum Thema", "Quảng cáo"): an ad slot, a tag or share box, or a box of other
//! stories leaves its label behind when the box itself is empty or was left out. The
//! words are data, in `labels/labels.txt`, one label per line in any language.

use std::collections::HashSet;
use std::sync::OnceLock;

/// No label is longer: a longer line is a sentence, whatever it starts with.
const MAX_LABEL_CHARS: usize = 40;

fn labels() -> &'static HashSet<String> {
    static LABELS: OnceLock<HashSet<String>> = OnceLock::new();
    LABELS.get_or_init(|| {
        crate::wordlist::entries(include_str!("labels/labels.txt"))
            .map(str::to_lowercase)
            .collect()
    })
}

/// True for a line that is only a widget's label, with maybe a closing ":", "?", "!",
/// "…" or ".".
pub fn is_widget_label(line: &str) -> bool {
    let t = line
        .trim()
        .trim_end_matches([':', '?', '!', '…', '.', ' ', '\u{a0}'])
        .trim();
    !t.is_empty() && t.chars().count() <= MAX_LABEL_CHARS && labels().contains(&t.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_alone_on_its_line_in_any_language() {
        assert!(is_widget_label("Advertisement"));
        assert!(is_widget_label(" Quảng cáo "));
        assert!(is_widget_label("Tags:"));
        assert!(is_widget_label("Mời đọc thêm:"));
        assert!(is_widget_label("Schon gelesen?"));
        assert!(is_widget_label("Mehr zum Thema"));
        assert!(is_widget_label("Lire aussi…"));
        assert!(is_widget_label("War der Artikel nützlich?"));
        assert!(is_widget_label("Inhaltsverzeichnis"));
        assert!(is_widget_label("Veja também:"));
        assert!(is_widget_label("Das könnte Sie auch interessieren!"));
        assert!(is_widget_label("Das Thema könnte dich auch interessieren:"));
    }

    #[test]
    fn a_sentence_that_starts_like_a_label_is_text() {
        assert!(!is_widget_label(
            "Advertisement spending rose by a tenth this year."
        ));
        assert!(!is_widget_label("Comments from the minister were brief."));
        assert!(!is_widget_label(
            "Mehr zum Thema Wohnungsnot lesen Sie morgen."
        ));
        assert!(!is_widget_label(""));
    }
}
