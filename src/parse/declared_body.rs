//! The story's text as the page declares it in JSON-LD (`articleBody`).
//!
//! Publishers put the whole text there for search engines, also when the markup shows
//! only part of it: a paywall's first paragraphs, a page whose story a script writes
//! from JSON, a template whose story block is hidden among promotions. When the
//! markup yields less than half of the declared text, the declared text is the body.
//! It is not used otherwise: the markup keeps paragraphs, lists and headings that the
//! declared string flattens, and an excerpt declared as the body is shorter anyway.

use scraper::{Html, Node};

use super::dom::is_block_tag;

/// Declared text shorter than this is an excerpt, not a story.
const MIN_CHARS: usize = 500;

/// The paragraphs of a declared `articleBody`: its lines, or its HTML's blocks when
/// the CMS stored markup there, read by the HTML parser (so every character reference
/// is decoded, as in the page), spaces collapsed.
pub fn paragraphs(raw: &str) -> Vec<String> {
    let mut text = String::with_capacity(raw.len());
    if raw.contains(['<', '&']) {
        let frag = Html::parse_fragment(raw);
        for node in frag.root_element().descendants() {
            match node.value() {
                Node::Text(t) => text.push_str(t),
                Node::Element(e) if is_block_tag(e.name()) || e.name() == "br" => text.push('\n'),
                _ => {}
            }
        }
    } else {
        text.push_str(raw);
    }
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

/// A cheap bound asked before [`paragraphs`]: the declared string (`raw`, markup and
/// all) is long enough to hold more than twice the `found_chars` of the markup's body.
pub fn may_replace(raw: &str, found_chars: usize) -> bool {
    raw.len() >= MIN_CHARS && raw.len() > 2 * found_chars
}

/// True when the declared body should replace the body read from the markup, of
/// `found_chars` characters: it is a story's length and the markup holds less than
/// half of it.
pub fn replaces(declared: &[String], found_chars: usize) -> bool {
    let declared = super::text_chars(declared);
    declared >= MIN_CHARS && found_chars * 2 < declared
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_html_blocks_become_paragraphs() {
        assert_eq!(
            paragraphs("First line of the story.\n\n  Second   line.\r\n"),
            vec!["First line of the story.", "Second line."]
        );
        assert_eq!(
            paragraphs(
                "<p>The council met on Monday.</p><p>It voted <b>7 to 2</b> &amp; adjourned.<br>Then it rained.</p>"
            ),
            vec![
                "The council met on Monday.",
                "It voted 7 to 2 & adjourned.",
                "Then it rained."
            ]
        );
        assert_eq!(paragraphs("if a < b then"), vec!["if a < b then"]);
        assert_eq!(
            paragraphs("solu&ccedil;&atilde;o &#8220;r&aacute;pida&#8221;"),
            vec!["solução “rápida”"]
        );
    }

    #[test]
    fn only_a_story_the_markup_holds_less_than_half_of_replaces_it() {
        let sentence = "A sentence of the declared story, long enough to count.";
        let story = vec![format!("{sentence} ").repeat(12)];
        let teaser = vec![sentence.to_string()];
        assert!(replaces(&story, sentence.len()));
        assert!(replaces(&story, 0));
        // The markup holds most of it: the markup's paragraphs stay.
        assert!(!replaces(&story, story[0].len()));
        // An excerpt declared as the body is no story.
        assert!(!replaces(&teaser, 0));
        // Too short a string to hold twice the markup's body is not even read.
        assert!(!may_replace(sentence, 0));
        assert!(may_replace(&story[0], sentence.len()));
        assert!(!may_replace(&story[0], story[0].len()));
    }
}
