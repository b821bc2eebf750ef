//! Vietnamese text written in the pre-Unicode font encodings: TCVN3 (ABC), VNI and VISCII.
//!
//! Portals' archives before about 2010 hold pages whose text only reads right in a
//! special font (".VnTime", "VNI-Times") or under a charset browsers dropped (VISCII).
//! Decoded as the page declares (usually windows-1252 or ISO-8859-1) or saved again as
//! UTF-8, such text is mojibake: "Hµ Néi" (TCVN3), "Haø Noäi" (VNI), "H\u{E0} N\u{F4}i" is fine
//! but "Vi\u{AA}t" is VISCII's "Việt". Each encoding is a fixed table from the byte a
//! character was stored as to the Vietnamese letter it stands for (VNI adds its tone
//! and vowel marks as a second character), so conversion is exact once the encoding is
//! known. Which one it is, is decided by reading the words: the conversion that turns
//! the most words into Vietnamese syllables wins, and only when it turns many and most
//! of them, so German umlauts or French accents are never "converted".

use unicode_normalization::UnicodeNormalization;

use crate::normalise::language::is_vietnamese_syllable;

/// A legacy encoding found on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    Tcvn3,
    Vni,
    Viscii,
}

impl Legacy {
    /// The name written to the `charset` column.
    pub fn name(self) -> &'static str {
        match self {
            Legacy::Tcvn3 => "TCVN3",
            Legacy::Vni => "VNI",
            Legacy::Viscii => "VISCII",
        }
    }

    /// `text` converted to Unicode, each character read as the byte it was stored as.
    pub fn convert(self, text: &str) -> String {
        match self {
            Legacy::Tcvn3 => by_table(text, |b| {
                (b >= 0xA1).then(|| TCVN3_HIGH[usize::from(b - 0xA1)])
            }),
            Legacy::Viscii => by_table(text, viscii),
            Legacy::Vni => vni(text),
        }
    }
}

/// How much of a page is read when deciding.
const SAMPLE_BYTES: usize = 48 * 1024;
/// How many words to read when deciding.
const SAMPLE_WORDS: usize = 600;
/// Fewer suspect characters than this and a page is left as it is.
const MIN_SUSPECTS: usize = 20;
/// Suspect characters must be at least one in this many ASCII letters (markup included).
const SUSPECT_SHARE: usize = 40;
/// Fewer converted syllables than this prove nothing.
const MIN_GAIN: usize = 15;

/// The legacy encoding `text` is written in, if any.
///
/// Cheap on ordinary pages: one pass over the characters decides that there is nothing
/// to do unless Latin-1 symbols and letters foreign to Vietnamese outnumber the letters
/// only Vietnamese uses.
pub fn detect(text: &str) -> Option<Legacy> {
    let (suspects, unicode_vi) = census(text);
    if suspects < MIN_SUSPECTS || unicode_vi * 2 > suspects {
        return None;
    }
    let words: Vec<&str> = sample(text)
        .split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '='))
        .filter(|w| !w.is_ascii() && !w.is_empty())
        .take(SAMPLE_WORDS)
        .collect();
    let before = syllables(words.iter().map(|w| w.to_string()));
    let mut best: Option<(Legacy, usize)> = None;
    for enc in [Legacy::Tcvn3, Legacy::Vni, Legacy::Viscii] {
        let after = syllables(words.iter().map(|w| enc.convert(w)));
        if best.is_none_or(|(_, n)| after > n) {
            best = Some((enc, after));
        }
    }
    let (enc, after) = best?;
    (after >= MIN_GAIN && after >= before * 2 + MIN_GAIN && after * 2 >= words.len()).then_some(enc)
}

/// True when `text` already has more Unicode-only Vietnamese letters than Latin-1
/// characters foreign to Vietnamese: a page a Vietnamese charset (windows-1258) decoded
/// right, whose bytes must not be read again as a font encoding.
pub fn is_unicode_vietnamese_text(text: &str) -> bool {
    let (suspects, unicode_vi) = census(text);
    unicode_vi >= MIN_SUSPECTS && unicode_vi * 2 > suspects
}

/// Latin-1 characters foreign to Vietnamese, and letters only Unicode Vietnamese has;
/// no suspects at all unless they make a fair share of the letters (legacy text has one
/// in most words; German umlauts or a copyright sign are far rarer).
fn census(text: &str) -> (usize, usize) {
    let text = sample(text);
    // Every Latin-1 character is two bytes led by 0xC2 or 0xC3 (no-break spaces are
    // 0xC2 0xA0): a byte count that the compiler vectorises turns away almost every
    // page before characters are decoded.
    let bytes = text.as_bytes();
    // One branch-free pass the compiler vectorises: Latin-1 lead bytes, 0xA0 (the
    // no-break space's second byte, subtracted as a lower bound), ASCII letters.
    let (mut latin1, mut nbsp, mut letters) = (0usize, 0usize, 0usize);
    // Byte-wide counters per chunk of 255 keep the loop in SIMD lanes.
    for chunk in bytes.chunks(255) {
        let (mut l, mut n, mut a) = (0u8, 0u8, 0u8);
        for &b in chunk {
            l += u8::from(b & 0xFE == 0xC2);
            n += u8::from(b == 0xA0);
            a += u8::from((b | 0x20).wrapping_sub(b'a') < 26);
        }
        latin1 += usize::from(l);
        nbsp += usize::from(n);
        letters += usize::from(a);
    }
    let most_suspects = latin1.saturating_sub(nbsp);
    if most_suspects < MIN_SUSPECTS || most_suspects * SUSPECT_SHARE < letters {
        return (0, 0);
    }
    let mut suspects = 0usize;
    let mut unicode_vi = 0usize;
    for c in text.chars() {
        // Tone marks as separate characters: windows-1258 text, decomposed Unicode.
        if is_unicode_vietnamese(c)
            || matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}')
        {
            unicode_vi += 1;
        } else if ('\u{80}'..='\u{FF}').contains(&c) && !is_shared_letter(c) {
            // Curly quotes and dashes (U+2018...) are left out: English pages are full
            // of them, and only VISCII capitals could stand behind them.
            suspects += 1;
        }
    }
    if suspects * SUSPECT_SHARE < letters {
        suspects = 0;
    }
    (suspects, unicode_vi)
}

/// Up to [`SAMPLE_BYTES`] of the page from its `<body>`: enough text to tell, without
/// reading the whole of a page made mostly of scripts.
fn sample(text: &str) -> &str {
    // memchr's SIMD search: the head before `<body` can be most of a page's bytes.
    let bytes = text.as_bytes();
    let start = memchr::memmem::find(bytes, b"<body")
        .or_else(|| memchr::memmem::find(bytes, b"<BODY"))
        .unwrap_or(0);
    let mut end = (start + SAMPLE_BYTES).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[start..end]
}

/// Words (trimmed of punctuation) that are Vietnamese syllables with a mark: two
/// letters or more, spelled as one, in one case ("Việt", "HÀ", not "ViÖt"), with at
/// most one tone.
fn syllables(words: impl Iterator<Item = String>) -> usize {
    words
        .filter(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphabetic());
            let tail_upper = w.chars().skip(1).filter(|c| c.is_uppercase()).count();
            let tail = w.chars().count().saturating_sub(1);
            let tones = w
                .nfd()
                .filter(|c| matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}'))
                .count();
            // One letter proves nothing: a dash or a bullet maps to a vowel too.
            !w.is_ascii()
                && w.chars().count() >= 2
                && w.chars().all(char::is_alphabetic)
                && (tail_upper == 0 || tail_upper == tail)
                && tones <= 1
                && is_vietnamese_syllable(w)
        })
        .count()
}

/// Letters of Unicode Vietnamese beyond Latin-1: no legacy text has them.
fn is_unicode_vietnamese(c: char) -> bool {
    matches!(
        c,
        'ă' | 'Ă' | 'đ' | 'Đ' | 'ơ' | 'Ơ' | 'ư' | 'Ư' | 'ĩ' | 'Ĩ' | 'ũ' | 'Ũ'
    ) || ('\u{1EA0}'..='\u{1EF9}').contains(&c)
}

/// Latin-1 letters that Unicode Vietnamese uses as they are ("à", "ê", "ô").
fn is_shared_letter(c: char) -> bool {
    "àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ\u{A0}".contains(c)
}

/// The byte a character stood for when the page was read as Latin-1 or windows-1252.
fn legacy_byte(c: char) -> Option<u8> {
    let cp = u32::from(c);
    if cp <= 0xFF {
        return u8::try_from(cp).ok();
    }
    // Most text past Latin-1 (Vietnamese, CJK) is not in the table below.
    if !(0x152..=0x2122).contains(&cp) {
        return None;
    }
    // windows-1252's letters and punctuation in 0x80..0x9F.
    const CP1252: [(char, u8); 27] = [
        ('€', 0x80),
        ('‚', 0x82),
        ('ƒ', 0x83),
        ('„', 0x84),
        ('…', 0x85),
        ('†', 0x86),
        ('‡', 0x87),
        ('ˆ', 0x88),
        ('‰', 0x89),
        ('Š', 0x8A),
        ('‹', 0x8B),
        ('Œ', 0x8C),
        ('Ž', 0x8E),
        ('‘', 0x91),
        ('’', 0x92),
        ('“', 0x93),
        ('”', 0x94),
        ('•', 0x95),
        ('–', 0x96),
        ('—', 0x97),
        ('˜', 0x98),
        ('™', 0x99),
        ('š', 0x9A),
        ('›', 0x9B),
        ('œ', 0x9C),
        ('ž', 0x9E),
        ('Ÿ', 0x9F),
    ];
    CP1252.iter().find(|(k, _)| *k == c).map(|(_, b)| *b)
}

fn by_table(text: &str, table: impl Fn(u8) -> Option<char>) -> String {
    let mapped: String = text
        .chars()
        .map(|c| legacy_byte(c).and_then(&table).unwrap_or(c))
        .collect();
    // TCVN3 keeps a few tone marks as separate characters.
    mapped.nfc().collect()
}

fn viscii(b: u8) -> Option<char> {
    match b {
        0x02 => Some('Ẳ'),
        0x05 => Some('Ẵ'),
        0x06 => Some('Ẫ'),
        0x14 => Some('Ỷ'),
        0x19 => Some('Ỹ'),
        0x1E => Some('Ỵ'),
        0x80.. => Some(VISCII_HIGH[usize::from(b - 0x80)]),
        _ => None,
    }
}

/// VNI: a vowel followed by a mark character ("aø" = "à", "eä" = "ệ", "ôù" = "ớ");
/// a few letters are single characters ("ô" = "ơ", "ö" = "ư", "ñ" = "đ", "ò" = "ị").
fn vni(text: &str) -> String {
    const CIRCUMFLEX: char = '\u{0302}';
    const BREVE: char = '\u{0306}';
    const ACUTE: char = '\u{0301}';
    const GRAVE: char = '\u{0300}';
    const HOOK: char = '\u{0309}';
    const TILDE: char = '\u{0303}';
    const DOT: char = '\u{0323}';
    // The mark a character adds: (vowel modifier, tone).
    let mark = |c: char| -> Option<(Option<char>, Option<char>)> {
        Some(match c.to_lowercase().next()? {
            'ù' => (None, Some(ACUTE)),
            'ø' => (None, Some(GRAVE)),
            'û' => (None, Some(HOOK)),
            'õ' => (None, Some(TILDE)),
            'ï' => (None, Some(DOT)),
            'â' => (Some(CIRCUMFLEX), None),
            'á' => (Some(CIRCUMFLEX), Some(ACUTE)),
            'à' => (Some(CIRCUMFLEX), Some(GRAVE)),
            'å' => (Some(CIRCUMFLEX), Some(HOOK)),
            'ã' => (Some(CIRCUMFLEX), Some(TILDE)),
            'ä' => (Some(CIRCUMFLEX), Some(DOT)),
            'ê' => (Some(BREVE), None),
            'é' => (Some(BREVE), Some(ACUTE)),
            'è' => (Some(BREVE), Some(GRAVE)),
            'ú' => (Some(BREVE), Some(HOOK)),
            'ü' => (Some(BREVE), Some(TILDE)),
            'ë' => (Some(BREVE), Some(DOT)),
            _ => return None,
        })
    };
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let base = match c {
            'ô' => 'ơ',
            'Ô' => 'Ơ',
            'ö' => 'ư',
            'Ö' => 'Ư',
            'ñ' => {
                out.push('đ');
                continue;
            }
            'Ñ' => {
                out.push('Đ');
                continue;
            }
            'æ' | 'Æ' | 'ó' | 'Ó' | 'ò' | 'Ò' | 'î' | 'Î' => {
                let (letter, tone) = match c {
                    'æ' => ('i', HOOK),
                    'Æ' => ('I', HOOK),
                    'ó' => ('i', TILDE),
                    'Ó' => ('I', TILDE),
                    'ò' => ('i', DOT),
                    'Ò' => ('I', DOT),
                    'î' => ('y', DOT),
                    _ => ('Y', DOT),
                };
                out.extend([letter, tone].iter().copied().nfc());
                continue;
            }
            c if "aeouyAEOUY".contains(c) => c,
            c => {
                out.push(c);
                continue;
            }
        };
        let modifier_ok = |m: char| match m {
            CIRCUMFLEX => "aeoAEO".contains(base),
            _ => "aA".contains(base),
        };
        let next = chars.peek().copied().and_then(&mark);
        match next {
            Some((modifier, tone))
                if modifier.is_none_or(modifier_ok)
                    && (modifier.is_none() || !"ơƠưƯ".contains(base)) =>
            {
                chars.next();
                let composed: String = std::iter::once(base)
                    .chain(modifier)
                    .chain(tone)
                    .collect::<String>()
                    .nfc()
                    .collect();
                out.push_str(&composed);
            }
            _ => out.push(base),
        }
    }
    out
}

/// VISCII bytes 0x80..=0xFF (RFC 1456).
const VISCII_HIGH: [char; 128] = [
    'Ạ', 'Ắ', 'Ằ', 'Ặ', 'Ấ', 'Ầ', 'Ẩ', 'Ậ', 'Ẽ', 'Ẹ', 'Ế', 'Ề', 'Ể', 'Ễ', 'Ệ', 'Ố', //
    'Ồ', 'Ổ', 'Ỗ', 'Ộ', 'Ợ', 'Ớ', 'Ờ', 'Ở', 'Ị', 'Ỏ', 'Ọ', 'Ỉ', 'Ủ', 'Ũ', 'Ụ', 'Ỳ', //
    'Õ', 'ắ', 'ằ', 'ặ', 'ấ', 'ầ', 'ẩ', 'ậ', 'ẽ', 'ẹ', 'ế', 'ề', 'ể', 'ễ', 'ệ', 'ố', //
    'ồ', 'ổ', 'ỗ', 'Ỡ', 'Ơ', 'ộ', 'ờ', 'ở', 'ị', 'Ự', 'Ứ', 'Ừ', 'Ử', 'ơ', 'ớ', 'Ư', //
    'À', 'Á', 'Â', 'Ã', 'Ả', 'Ă', 'ẳ', 'ẵ', 'È', 'É', 'Ê', 'Ẻ', 'Ì', 'Í', 'Ĩ', 'ỳ', //
    'Đ', 'ứ', 'Ò', 'Ó', 'Ô', 'ạ', 'ỷ', 'ừ', 'ử', 'Ù', 'Ú', 'ỹ', 'ỵ', 'Ý', 'ỡ', 'ư', //
    'à', 'á', 'â', 'ã', 'ả', 'ă', 'ữ', 'ẫ', 'è', 'é', 'ê', 'ẻ', 'ì', 'í', 'ĩ', 'ỉ', //
    'đ', 'ự', 'ò', 'ó', 'ô', 'õ', 'ỏ', 'ọ', 'ụ', 'ù', 'ú', 'ũ', 'ủ', 'ý', 'ợ', 'Ữ', //
];

/// TCVN 5712:1993 bytes 0xA1..=0xFF (the ABC fonts' lower-case letters and the few
/// capitals they have; 0xB0..=0xB4 are separate tone marks).
const TCVN3_HIGH: [char; 95] = [
    'Ă', 'Â', 'Ê', 'Ô', 'Ơ', 'Ư', 'Đ', 'ă', 'â', 'ê', 'ô', 'ơ', 'ư', 'đ', 'Ằ', '\u{300}', //
    '\u{309}', '\u{303}', '\u{301}', '\u{323}', 'à', 'ả', 'ã', 'á', 'ạ', 'Ẳ', 'ằ', 'ẳ', 'ẵ', 'ắ',
    'Ẵ', 'Ắ', //
    'Ầ', 'Ẩ', 'Ẫ', 'Ấ', 'Ề', 'ặ', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ', 'è', 'Ể', 'ẻ', 'ẽ', 'é', //
    'ẹ', 'ề', 'ể', 'ễ', 'ế', 'ệ', 'ì', 'ỉ', 'Ễ', 'Ế', 'Ồ', 'ĩ', 'í', 'ị', 'ò', 'Ổ', //
    'ỏ', 'õ', 'ó', 'ọ', 'ồ', 'ổ', 'ỗ', 'ố', 'ộ', 'ờ', 'ở', 'ỡ', 'ớ', 'ợ', 'ù', 'Ỗ', //
    'ủ', 'ũ', 'ú', 'ụ', 'ừ', 'ử', 'ữ', 'ứ', 'ự', 'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ', 'Ố', //
];

/// Encoders, for tests and fixtures: Unicode Vietnamese written the way each legacy
/// encoding stores it, as the Latin-1 characters a browser without the font shows.
pub mod encode {
    use super::{TCVN3_HIGH, VISCII_HIGH};
    use unicode_normalization::UnicodeNormalization;

    fn by_table(text: &str, table: &[char], first: u8) -> String {
        text.nfc()
            .map(|c| match table.iter().position(|t| *t == c) {
                Some(i) => char::from(first + u8::try_from(i).expect("table < 256")),
                None => c,
            })
            .collect()
    }

    pub fn tcvn3(text: &str) -> String {
        by_table(text, &TCVN3_HIGH, 0xA1)
    }

    pub fn viscii(text: &str) -> String {
        by_table(text, &VISCII_HIGH, 0x80)
    }

    pub fn vni(text: &str) -> String {
        let mut out = String::new();
        for c in text.nfc() {
            let d: Vec<char> = c.nfd().collect();
            let (base, marks) = (d[0], &d[1..]);
            let upper = base.is_uppercase();
            let has = |m: char| marks.contains(&m);
            let tone = marks.iter().copied().find(|m| {
                matches!(
                    *m,
                    '\u{301}' | '\u{300}' | '\u{309}' | '\u{303}' | '\u{323}'
                )
            });
            let horn = has('\u{31B}');
            let pick = |lower: &str, cap: &str| {
                let s = if upper { cap } else { lower };
                s.chars().collect::<Vec<char>>()
            };
            let tone_mark = |t: char| match t {
                '\u{301}' => pick("ù", "Ù")[0],
                '\u{300}' => pick("ø", "Ø")[0],
                '\u{309}' => pick("û", "Û")[0],
                '\u{303}' => pick("õ", "Õ")[0],
                _ => pick("ï", "Ï")[0],
            };
            match c {
                'đ' => out.push('ñ'),
                'Đ' => out.push('Ñ'),
                _ if base.eq_ignore_ascii_case(&'i') && tone.is_some() => {
                    let i = match tone {
                        Some('\u{301}') => "íÍ",
                        Some('\u{300}') => "ìÌ",
                        Some('\u{309}') => "æÆ",
                        Some('\u{303}') => "óÓ",
                        _ => "òÒ",
                    };
                    out.push(i.chars().nth(usize::from(upper)).expect("two forms"));
                }
                _ if base.eq_ignore_ascii_case(&'y') && tone == Some('\u{323}') => {
                    out.push(if upper { 'Î' } else { 'î' });
                }
                _ if horn => {
                    out.push(match base {
                        'o' => 'ô',
                        'O' => 'Ô',
                        'u' => 'ö',
                        _ => 'Ö',
                    });
                    out.extend(tone.map(tone_mark));
                }
                _ if has('\u{302}') => {
                    out.push(base);
                    let m = match tone {
                        None => pick("â", "Â"),
                        Some('\u{301}') => pick("á", "Á"),
                        Some('\u{300}') => pick("à", "À"),
                        Some('\u{309}') => pick("å", "Å"),
                        Some('\u{303}') => pick("ã", "Ã"),
                        _ => pick("ä", "Ä"),
                    };
                    out.push(m[0]);
                }
                _ if has('\u{306}') => {
                    out.push(base);
                    let m = match tone {
                        None => pick("ê", "Ê"),
                        Some('\u{301}') => pick("é", "É"),
                        Some('\u{300}') => pick("è", "È"),
                        Some('\u{309}') => pick("ú", "Ú"),
                        Some('\u{303}') => pick("ü", "Ü"),
                        _ => pick("ë", "Ë"),
                    };
                    out.push(m[0]);
                }
                _ if tone.is_some() && base.is_ascii() => {
                    out.push(base);
                    out.extend(tone.map(tone_mark));
                }
                _ => out.push(c),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{Legacy, detect, encode};

    const TEXT: &str = "Chiều 17/9, Đại tướng Tô Lâm, Ủy viên Bộ Chính trị, Bộ trưởng Bộ Công an \
        đã đến thăm và làm việc với Bệnh viện Việt Đức ở Hà Nội. Ông nhấn mạnh rằng các lực lượng \
        phải luôn sẵn sàng ứng phó với mọi tình huống, bảo đảm an ninh trật tự trên địa bàn \
        thủ đô trong những tháng cuối năm. Người dân được hướng dẫn giữ gìn sức khỏe.";

    #[test]
    fn tcvn3_text_is_found_and_converted_exactly() {
        let legacy = encode::tcvn3(TEXT);
        assert!(legacy.contains("Hµ Néi"), "{legacy}");
        assert_eq!(detect(&legacy), Some(Legacy::Tcvn3));
        assert_eq!(Legacy::Tcvn3.convert(&legacy), TEXT);
    }

    #[test]
    fn vni_text_is_found_and_converted_exactly() {
        let legacy = encode::vni(TEXT);
        assert!(legacy.contains("Haø Noäi"), "{legacy}");
        assert!(legacy.contains("Vieät Ñöùc"), "{legacy}");
        assert_eq!(detect(&legacy), Some(Legacy::Vni));
        assert_eq!(Legacy::Vni.convert(&legacy), TEXT);
    }

    #[test]
    fn viscii_text_is_found_and_converted_exactly() {
        let legacy = encode::viscii(TEXT);
        assert_eq!(detect(&legacy), Some(Legacy::Viscii));
        assert_eq!(Legacy::Viscii.convert(&legacy), TEXT);
    }

    #[test]
    fn unicode_vietnamese_and_other_languages_are_left_alone() {
        assert_eq!(detect(TEXT), None);
        let german = "Die Mädchen für Übersee müssen über die Brücke gehen, während die Jüngeren \
            schöne Grüße schicken. Größere Häuser stehen an der Straße, wo die Bäume blühen. "
            .repeat(4);
        assert_eq!(detect(&german), None);
        // An English page in windows-1252: curly quotes and dashes are VISCII capitals.
        let english = "The festival \u{93}opens\u{94} today \u{96} it\u{92}s the city\u{92}s biggest \u{97} and best. "
            .repeat(8);
        assert_eq!(detect(&english), None);
        let french =
            "Les élèves étaient déjà là où la forêt côtière s'étend, près du château. ".repeat(6);
        assert_eq!(detect(&french), None);
        assert_eq!(detect("plain ascii"), None);
    }
}
