//! Calls to action at the end of a story ("Subscribe now to our e-edition for the full
//! story", "Follow us on Twitter", "Suscríbete a nuestro canal"): the site speaking to
//! its reader, printed in the body's own container after the last paragraph. They are
//! not the story, and in a corpus they repeat on every page of a site.

use std::sync::OnceLock;

/// A closing line longer than this is a paragraph of the story that happens to hold
/// such words, not an appeal.
const MAX_APPEAL_CHARS: usize = 300;

/// How many lines from the end are looked at: an appeal or two, and maybe a line
/// naming the site between them.
const MAX_TRAILING: usize = 3;

fn phrases() -> &'static [String] {
    static PHRASES: OnceLock<Vec<String>> = OnceLock::new();
    PHRASES.get_or_init(|| {
        crate::wordlist::entries(include_str!("appeals/phrases.txt"))
            .map(str::to_lowercase)
            .collect()
    })
}

/// True for a short line holding a call to action, its phrase at the start of a word.
pub fn is_appeal(line: &str) -> bool {
    if line.chars().count() > MAX_APPEAL_CHARS {
        return false;
    }
    let lower = line.to_lowercase();
    phrases().iter().any(|p| {
        lower.match_indices(p.as_str()).any(|(i, _)| {
            lower[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
        })
    })
}

/// Drops the appeals among the body's last few lines, keeping the story before them.
pub fn drop_trailing(paragraphs: &mut Vec<String>) {
    let from = paragraphs.len().saturating_sub(MAX_TRAILING);
    // Never the whole body: a one-line "story" that is an appeal is left for the
    // size checks to reject.
    let from = from.max(1);
    let mut i = paragraphs.len();
    while i > from {
        i -= 1;
        if is_appeal(&paragraphs[i]) {
            paragraphs.remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appeals_closing_the_body_leave_it() {
        let story = "The council approved the new budget on Tuesday after a long debate about school funding.";
        let mut body = vec![
            story.to_string(),
            "The vote was seven to two.".to_string(),
            "Subscribe now to our e-edition for the full story.".to_string(),
            "Síguenos en Instagram y Facebook.".to_string(),
        ];
        drop_trailing(&mut body);
        assert_eq!(body, vec![story, "The vote was seven to two."]);
    }

    #[test]
    fn reported_words_and_long_paragraphs_stay() {
        // A story's sentence about subscribers, and a long last paragraph that happens
        // to hold an appeal's words, are the story.
        assert!(!is_appeal(
            "The firm said 40,000 readers subscribed to the service last year."
        ));
        assert!(!is_appeal(&format!(
            "{} Follow us on the road as the tour goes on.",
            "The band played for three hours in the rain, and the crowd stayed to the end. "
                .repeat(4)
        )));
        assert!(is_appeal("Folgen Sie uns auf Twitter"));
        assert!(is_appeal(
            "If you liked this piece, consider supporting the magazine with a few euros."
        ));
        assert!(is_appeal("Hazte miembro y recibe el boletín cada mañana"));
        assert!(is_appeal(
            "Bitte registrieren Sie sich, um zu kommentieren."
        ));
        // A bio naming a prize is not an appeal.
        assert!(!is_appeal(
            "She was part of the team that won the 2009 Pulitzer Prize for Breaking News."
        ));
        // At the start of a word only: "unsubscribe now" is not "subscribe now".
        assert!(!is_appeal("Click unsubscribe now."));
        // The first line is never dropped.
        let mut body = vec!["Subscribe now for the full story.".to_string()];
        drop_trailing(&mut body);
        assert_eq!(body.len(), 1);
    }
}
