//! Text clean-up: one Unicode form, no invisible characters, single spaces, and one
//! placement of Vietnamese tone marks.
//!
//! Vietnamese has two accepted places for the tone mark in the open syllables
//! "oa", "oe" and "uy": on the first vowel ("hòa", "khỏe", "thủy", the older style most
//! portals and the labels use) or on the second ("hoà", "khoẻ", "thuỷ"). The same word in
//! two styles is two strings to a search index or a dedupe hash, so text is brought to one
//! style unless the user asks to keep it as written.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Where tone marks go in "oa", "oe", "uy" syllables without a final consonant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ToneStyle {
    /// "hòa", "khỏe", "thủy": the tone on the first vowel.
    #[default]
    Old,
    /// "hoà", "khoẻ", "thuỷ": the tone on the second vowel.
    New,
    /// Leave tone marks where the page put them.
    Keep,
}

/// True for characters that carry no visible text: zero-width spaces and joiners, BOMs,
/// soft hyphens, bidi controls.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' |
        '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}')
        || (c.is_control() && !c.is_whitespace())
}

/// False when the UTF-8 `word` surely holds no [`is_invisible`] character: it has no
/// control byte and none of the lead bytes of the blocks those characters live in
/// (C1 controls and the soft hyphen, U+034F, U+061C, U+180E, the U+200B-U+206F format
/// characters, U+FEFF). Vietnamese letters and typographic quotes pass.
fn may_hide(word: &[u8]) -> bool {
    word.iter().enumerate().any(|(i, &b)| {
        SUSPECT[usize::from(b)] && {
            let next = |k: usize| word.get(i + k).copied().unwrap_or(0);
            match b {
                0xC2 => matches!(next(1), 0x80..=0x9F | 0xAD),
                0xE1 => next(1) == 0xA0,
                0xEF => (next(1), next(2)) == (0xBB, 0xBF),
                0xE2 => matches!(
                    (next(1), next(2)),
                    (0x80, 0x8B..=0x8F | 0xAA..=0xAE) | (0x81, 0xA0..=0xAF)
                ),
                _ => true,
            }
        }
    })
}

/// The bytes [`may_hide`] looks closer at: controls and the lead bytes named there.
static SUSPECT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        // Tab, line feed, vertical tab, form feed, carriage return: white space, which
        // `clean` splits on, not an invisible character.
        t[b] = !matches!(b, 0x09..=0x0D);
        b += 1;
    }
    t[0x7F] = true;
    t[0xC2] = true;
    t[0xCD] = true;
    t[0xD8] = true;
    t[0xE1] = true;
    t[0xE2] = true;
    t[0xEF] = true;
    t
};

/// `char::is_alphabetic`, answered without the Unicode table for ASCII and the Latin
/// blocks Vietnamese is written in (Latin-1 letters, Latin Extended-A/B, Latin Extended
/// Additional), where the table lookup is slow and every letter is a letter.
#[inline]
pub fn is_letter(c: char) -> bool {
    match c {
        _ if c.is_ascii() => c.is_ascii_alphabetic(),
        '\u{C0}'..='\u{24F}' => c != '\u{D7}' && c != '\u{F7}',
        '\u{1E00}'..='\u{1EFF}' => true,
        _ => c.is_alphabetic(),
    }
}

/// `char::is_alphanumeric` with the same fast paths as [`is_letter`].
#[inline]
pub fn is_letter_or_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        is_letter(c) || c.is_numeric()
    }
}

/// True when every character of the text is one that is NFC in any context: ASCII,
/// U+0080..U+02FF (Latin-1 and Latin Extended), U+1E00..U+1EFF (Latin Extended
/// Additional: Vietnamese's precomposed letters) and U+2010..U+205F (dashes, quotes,
/// ellipsis). All have combining class 0 and quick-check Yes (a test checks each), so a
/// byte scan settles most European and Vietnamese text without the table lookups of the
/// general check. False only means "look closer".
fn surely_nfc(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            0..=0x7F => i += 1,
            0xC2..=0xCB => i += 2,
            0xE1 if matches!(b.get(i + 1), Some(0xB8..=0xBB)) => i += 3,
            0xE2 if matches!(
                (b.get(i + 1), b.get(i + 2)),
                (Some(0x80), Some(0x90..=0xBF)) | (Some(0x81), Some(0x80..=0x9F))
            ) =>
            {
                i += 3
            }
            _ => return false,
        }
    }
    true
}

/// Whether the character starting at `b[at]` is white space (as `char::is_whitespace`),
/// and its width in bytes: `str::split_whitespace` decodes and classifies every
/// character; here only the few lead bytes under which white space lives are decoded.
#[inline]
fn space_at(b: &[u8], at: usize) -> (bool, usize) {
    let lead = b[at];
    let width = match lead {
        0..=0x7F => return (matches!(lead, b'\t'..=b'\r' | b' '), 1),
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    };
    let next = |k: usize| b.get(at + k).copied().unwrap_or(0);
    let space = match lead {
        // U+0085, U+00A0.
        0xC2 => matches!(next(1), 0x85 | 0xA0),
        // U+1680.
        0xE1 => (next(1), next(2)) == (0x9A, 0x80),
        // U+2000..U+200A, U+2028, U+2029, U+202F, U+205F.
        0xE2 => matches!(
            (next(1), next(2)),
            (0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) | (0x81, 0x9F)
        ),
        // U+3000.
        0xE3 => (next(1), next(2)) == (0x80, 0x80),
        _ => false,
    };
    (space, width)
}

/// NFC, invisible characters removed, whitespace collapsed to single spaces and trimmed,
/// tone marks placed in `style`.
pub fn clean(text: &str, style: ToneStyle) -> String {
    // Most page text is already NFC: the quick check skips the composition pass.
    let nfc: std::borrow::Cow<'_, str> = if surely_nfc(text.as_bytes())
        || unicode_normalization::is_nfc_quick(text.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        text.into()
    } else {
        text.nfc().collect::<String>().into()
    };
    // Word by word: a word with no invisible character in it (most words of every
    // page) is copied whole instead of being looked at character by character.
    let mut out = String::with_capacity(nfc.len());
    // One look at the whole text first: most texts hold no invisible character at all.
    let clean_text = !may_hide(nfc.as_bytes());
    let b = nfc.as_bytes();
    let mut at = 0;
    while at < b.len() {
        let (space, width) = space_at(b, at);
        if space {
            at += width;
            continue;
        }
        let start = at;
        at += width;
        while at < b.len() {
            let (space, width) = space_at(b, at);
            if space {
                break;
            }
            at += width;
        }
        let word = &nfc[start..at];
        let before = out.len();
        if before > 0 {
            out.push(' ');
        }
        if !clean_text && may_hide(word.as_bytes()) {
            out.extend(word.chars().filter(|c| !is_invisible(*c)));
        } else {
            out.push_str(word);
        }
        // A "word" of invisible characters only leaves no trace, not even its space.
        if out.len() == before + usize::from(before > 0) {
            out.truncate(before);
        }
    }
    match style {
        ToneStyle::Keep => out,
        _ if out.is_ascii() => out,
        _ => restyle_tones(out, style),
    }
}

/// Cleans each paragraph and drops those left empty.
pub fn clean_paragraphs(paragraphs: &[String], style: ToneStyle) -> Vec<String> {
    paragraphs
        .iter()
        .map(|p| clean(p, style))
        .filter(|p| !p.is_empty())
        .collect()
}

const TONES: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];

/// Moves tone marks in every word of `text` (which must be NFC) to `style`. Words are
/// looked at as slices of `text`, and the text is rebuilt only around words that
/// change: in most texts none does, and `text` comes back as it was.
fn restyle_tones(text: String, style: ToneStyle) -> String {
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut word_start: Option<usize> = None;
    let mut word_at = |start: usize, end: usize, out: &mut Option<String>| {
        if let Some(w) = restyle_word(&text[start..end], style) {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len() + 8));
            o.push_str(&text[copied..start]);
            o.push_str(&w);
            copied = end;
        }
    };
    for (i, c) in text.char_indices() {
        if is_letter(c) {
            word_start.get_or_insert(i);
        } else if let Some(start) = word_start.take() {
            word_at(start, i, &mut out);
        }
    }
    if let Some(start) = word_start {
        word_at(start, text.len(), &mut out);
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[copied..]);
            o
        }
        None => text,
    }
}

/// The base letter of a Latin letter with any marks ('ỏ' -> 'o'), lower-cased.
fn base_letter(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut first = None;
    unicode_normalization::char::decompose_canonical(c, |d| {
        first.get_or_insert(d);
    });
    let b = first.unwrap_or(c);
    b.to_lowercase().next().unwrap_or(b)
}

/// Returns the word with its tone moved, or `None` when nothing changes.
fn restyle_word(word: &str, style: ToneStyle) -> Option<String> {
    // Most words end in a consonant or another vowel: settled without decomposing.
    let last = word.chars().next_back()?;
    if (last.is_ascii() && !matches!(last, 'a' | 'e' | 'y' | 'A' | 'E' | 'Y'))
        || word.len() > 24
        || word.is_ascii()
    {
        return None;
    }
    // Fast path: only words ending in "oa", "oe" or "uy" (any marks) can change.
    let mut tail = word.chars().rev();
    let (last, before) = (tail.next().map(base_letter)?, tail.next().map(base_letter)?);
    if !matches!((before, last), ('o', 'a') | ('o', 'e') | ('u', 'y')) {
        return None;
    }
    // Letters with their marks, the tone taken apart.
    let mut letters: Vec<(String, bool)> = Vec::new(); // (base letter + non-tone marks, has tone)
    let mut tone: Option<char> = None;
    for c in word.nfd() {
        if TONES.contains(&c) {
            tone = Some(c);
            if let Some(last) = letters.last_mut() {
                last.1 = true;
            }
        } else if is_combining_mark(c) {
            if let Some(last) = letters.last_mut() {
                last.0.push(c);
            }
        } else {
            letters.push((c.to_string(), false));
        }
    }
    let tone = tone?;
    let n = letters.len();
    if n < 2 {
        return None;
    }
    let plain = |i: usize| {
        letters[i]
            .0
            .chars()
            .next()
            .map(|c| c.to_lowercase().next().unwrap_or(c))
    };
    let bare = |i: usize| letters[i].0.chars().count() == 1; // no circumflex/breve/horn
    let (a, b) = (plain(n - 2)?, plain(n - 1)?);
    let pair = matches!((a, b), ('o', 'a') | ('o', 'e') | ('u', 'y')) && bare(n - 2) && bare(n - 1);
    if !pair {
        return None;
    }
    // "qu" is a consonant: in "quý" the tone belongs to the y in both styles.
    if a == 'u' && n >= 3 && plain(n - 3) == Some('q') {
        return None;
    }
    // A vowel before the pair ("ngoằ", "uoa") means a different nucleus; leave it.
    if n >= 3 && plain(n - 3).is_some_and(|c| "aeiouy".contains(c)) {
        return None;
    }
    let target = match style {
        ToneStyle::Old => n - 2,
        ToneStyle::New => n - 1,
        ToneStyle::Keep => return None,
    };
    if letters[target].1 {
        return None;
    }
    let mut s = String::with_capacity(word.len() + 2);
    for (i, (base, _)) in letters.iter().enumerate() {
        s.push_str(base);
        if i == target {
            s.push(tone);
        }
    }
    Some(s.nfc().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_found_by_lead_byte_is_unicode_white_space() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let b = c.encode_utf8(&mut buf).as_bytes();
            assert_eq!(
                space_at(b, 0),
                (c.is_whitespace(), c.len_utf8()),
                "U+{:04X}",
                c as u32
            );
        }
        assert_eq!(
            clean(
                "\u{3000}Hà\u{00A0}Nội\u{2003}\n\t hôm nay\u{0085}",
                ToneStyle::Keep
            ),
            "Hà Nội hôm nay"
        );
    }

    #[test]
    fn the_nfc_byte_scan_only_passes_characters_nfc_in_any_context() {
        let mut passed = 0;
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            if surely_nfc(c.encode_utf8(&mut buf).as_bytes()) {
                passed += 1;
                assert_eq!(
                    unicode_normalization::is_nfc_quick(std::iter::once(c)),
                    unicode_normalization::IsNormalized::Yes,
                    "U+{:04X}",
                    c as u32
                );
                assert_eq!(
                    unicode_normalization::char::canonical_combining_class(c),
                    0,
                    "U+{:04X}",
                    c as u32
                );
            }
        }
        // ASCII, U+0080..U+02FF, U+1E00..U+1EFF, U+2010..U+205F.
        assert_eq!(passed, 0x80 + 0x280 + 0x100 + 0x50);
        assert!(!surely_nfc("Nguye\u{0302}\u{0303}n".as_bytes()));
        assert!(surely_nfc("Sức khoẻ — “hoà bình”…".as_bytes()));
    }

    #[test]
    fn fast_letter_checks_agree_with_unicode() {
        for c in ('\u{0}'..='\u{2FFF}').chain(['ể', 'Ữ', '×', '÷', '5', '٣', '中']) {
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_letter_or_digit(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn collapses_whitespace_and_drops_invisibles() {
        assert_eq!(
            clean("  a\u{00A0}\n\t b\u{200B}c\u{FEFF} ", ToneStyle::Keep),
            "a bc"
        );
    }

    #[test]
    fn the_word_fast_path_misses_no_invisible_character() {
        // Every code point: any invisible one must send its word down the slow path.
        let mut buf = [0u8; 4];
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            if is_invisible(c) {
                let word = format!("a{}b", c.encode_utf8(&mut buf));
                assert!(may_hide(word.as_bytes()), "U+{:04X}", c as u32);
            }
        }
        // And the words of Vietnamese and typographic text take the fast path.
        for w in ["Nguyễn", "Thủ", "tướng", "“Hà", "Nội”", "—", "ơn", "Đà"] {
            assert!(!may_hide(w.as_bytes()), "{w}");
        }
        assert_eq!(clean("a \u{200B} b\u{00AD}c", ToneStyle::Keep), "a bc");
    }

    #[test]
    fn composes_nfd() {
        let nfd: String = "Nguyễn Thị Kim Ngân".nfd().collect();
        assert_eq!(clean(&nfd, ToneStyle::Keep), "Nguyễn Thị Kim Ngân");
    }

    #[test]
    fn old_style_moves_tone_to_first_vowel() {
        assert_eq!(
            clean("Sức khoẻ, hoà bình, thuỷ lợi", ToneStyle::Old),
            "Sức khỏe, hòa bình, thủy lợi"
        );
        assert_eq!(clean("HOÀ", ToneStyle::Old), "HÒA");
    }

    #[test]
    fn new_style_moves_tone_to_second_vowel() {
        assert_eq!(
            clean("Sức khỏe, hòa bình, thủy lợi", ToneStyle::New),
            "Sức khoẻ, hoà bình, thuỷ lợi"
        );
    }

    #[test]
    fn closed_syllables_and_qu_are_untouched() {
        for w in ["hoàng", "toán", "khuyến", "quý", "Quỳnh", "người", "thuở"] {
            assert_eq!(clean(w, ToneStyle::Old), w);
            assert_eq!(clean(w, ToneStyle::New), w);
        }
    }

    #[test]
    fn keep_leaves_text_as_written() {
        assert_eq!(clean("khoẻ và khỏe", ToneStyle::Keep), "khoẻ và khỏe");
    }
}
