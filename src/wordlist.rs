//! Word lists kept as data files (lexicons, phrases, labels, outlet names): one entry
//! per line, blank lines and `#` comments left out, so the lists can be read and
//! extended without touching code.

/// The entries of a word-list file, trimmed.
pub fn entries(data: &str) -> impl Iterator<Item = &str> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

#[cfg(test)]
mod tests {
    #[test]
    fn comments_and_blank_lines_are_not_entries() {
        let data = "# a comment\n\n  follow us on  \nsubscribe now\n";
        assert_eq!(
            super::entries(data).collect::<Vec<_>>(),
            vec!["follow us on", "subscribe now"]
        );
    }
}
