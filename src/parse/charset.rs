//! Turning page bytes into text.
//!
//! Order of trust, as browsers do it: a byte-order mark, then the charset of the
//! `Content-Type` header, then `<meta charset>` / `http-equiv` in the first bytes, then
//! detection. A declared UTF-8 that is not valid UTF-8 is treated as undeclared, since
//! old Vietnamese portals often declare one charset and serve another.

use encoding_rs::{Encoding, UTF_8};

use super::legacy_vi;

/// How far into the document to look for a `<meta>` charset declaration.
const PRESCAN_BYTES: usize = 4096;

/// Decoded text and the name of the charset used.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub charset: &'static str,
}

/// Decodes `bytes`; `content_type` is the HTTP header when there is one and `tld` helps detection.
pub fn decode(bytes: &[u8], content_type: Option<&str>, tld: Option<&str>) -> Decoded {
    let decoded = decode_declared(bytes, content_type, tld);
    // Vietnamese in a pre-Unicode font encoding reads as Latin-1 mojibake under any
    // charset; read each character as the byte it was stored as and convert.
    if bytes.is_ascii() {
        return decoded;
    }
    // A single-byte charset that decoded Vietnamese (windows-1258) was right.
    let single_byte = decoded.charset != UTF_8.name();
    if single_byte && legacy_vi::is_unicode_vietnamese_text(&decoded.text) {
        return decoded;
    }
    let latin1 = single_byte.then(|| bytes.iter().copied().map(char::from).collect::<String>());
    let view = latin1.as_deref().unwrap_or(&decoded.text);
    match legacy_vi::detect(view) {
        Some(enc) => Decoded {
            text: enc.convert(view),
            charset: enc.name(),
        },
        None => decoded,
    }
}

/// Decodes by byte-order mark, declaration or detection.
fn decode_declared(bytes: &[u8], content_type: Option<&str>, tld: Option<&str>) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text: text.into_owned(),
            charset: enc.name(),
        };
    }
    let declared = content_type
        .and_then(charset_from_content_type)
        .or_else(|| meta_charset(bytes));
    // A page that says UTF-8 (or nothing) and is valid UTF-8 is taken as is; one that
    // says UTF-8 but is not is detected instead of being filled with U+FFFD. A page that
    // declares a legacy charset but whose non-ASCII bytes are all valid UTF-8 sequences
    // was re-encoded without its declaration being updated (saved pages, mirrors, CMS
    // exports): legacy text is practically never valid UTF-8 by chance, so it is UTF-8.
    if let Some(enc) = declared.filter(|e| *e != UTF_8 && !is_utf8_beyond_ascii(bytes)) {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        return Decoded {
            text: text.into_owned(),
            charset: enc.name(),
        };
    }
    // SIMD validation: on Vietnamese pages, where most letters are several bytes, the
    // standard library's check cost as much as a tenth of the parse.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Decoded {
            text: text.to_owned(),
            charset: UTF_8.name(),
        };
    }
    // A few bad bytes in a page of UTF-8 (a truncated fragment pasted in, one stray
    // Latin-1 byte) do not make the rest of it legacy text: read as Latin-1 or
    // windows-1252, every accented letter on the page would turn to mojibake.
    if is_mostly_utf8(bytes) {
        return Decoded {
            text: String::from_utf8_lossy(bytes).into_owned(),
            charset: UTF_8.name(),
        };
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let tld = tld.map(str::as_bytes);
    let enc = detector.guess(tld, chardetng::Utf8Detection::Allow);
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        charset: enc.name(),
    }
}

/// Valid UTF-8 with at least one multi-byte sequence.
fn is_utf8_beyond_ascii(bytes: &[u8]) -> bool {
    !bytes.is_ascii() && simdutf8::basic::from_utf8(bytes).is_ok()
}

/// UTF-8 with a few invalid sequences: at least [`UTF8_SEQUENCES_PER_BAD_BYTE`] valid
/// multi-byte characters for each invalid run. Text in a legacy charset almost never
/// forms a valid multi-byte sequence, so it has next to none.
fn is_mostly_utf8(bytes: &[u8]) -> bool {
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    multibyte >= UTF8_SEQUENCES_PER_BAD_BYTE * invalid.max(1)
}

/// See [`is_mostly_utf8`].
const UTF8_SEQUENCES_PER_BAD_BYTE: usize = 20;

/// The encoding named by `charset=` in a `Content-Type` value.
pub fn charset_from_content_type(value: &str) -> Option<&'static Encoding> {
    let lower = value.to_ascii_lowercase();
    let pos = lower.find("charset=")?;
    let rest = &value[pos + "charset=".len()..];
    let label: String = rest
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| !matches!(c, ';' | '"' | '\'' | ' ' | '/' | '>'))
        .collect();
    Encoding::for_label(label.trim().as_bytes()).map(|e| e.output_encoding())
}

/// The encoding declared by `<meta charset=...>` or `<meta http-equiv=Content-Type content=...>`.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    // Only ASCII matters for the declaration; lossy is fine for the prescan.
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = head[from..].find("<meta") {
        let start = from + pos;
        let end = head[start..].find('>').map_or(head.len(), |e| start + e);
        let tag = &head[start..end];
        if let Some(enc) = charset_from_content_type(tag) {
            // `charset=` inside either `<meta charset=..>` or a `content="..; charset=.."`.
            // UTF-16 declared in a byte-oriented prescan is a lie, as browsers assume.
            if enc.name().starts_with("UTF-16") {
                return Some(UTF_8);
            }
            return Some(enc);
        }
        from = end;
    }
    None
}

/// Encodes Vietnamese text as windows-1258, the way legacy Vietnamese pages are stored:
/// letters with circumflex, breve or horn are precomposed, tone marks are separate
/// combining characters. Used to write legacy-encoded pages for tests.
pub fn encode_windows_1258(text: &str) -> Vec<u8> {
    use unicode_normalization::UnicodeNormalization;
    const TONES: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];
    let mut split = String::with_capacity(text.len() + text.len() / 4);
    for c in text.nfc() {
        let parts: Vec<char> = c.nfd().collect();
        let base: String = parts
            .iter()
            .filter(|p| !TONES.contains(p))
            .collect::<String>()
            .nfc()
            .collect();
        split.push_str(&base);
        split.extend(parts.iter().filter(|p| TONES.contains(p)));
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1258.encode(&split);
    bytes.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    fn windows_1258(text: &str) -> Vec<u8> {
        encode_windows_1258(text)
    }

    const STORY: &str = "Chiều 17/9, Đại tướng Tô Lâm, Ủy viên Bộ Chính trị, Bộ trưởng Bộ Công an đã đến thăm Bệnh viện Việt Đức ở Hà Nội. Ông nhấn mạnh rằng các lực lượng phải luôn sẵn sàng ứng phó với mọi tình huống, bảo đảm an ninh trật tự trên địa bàn thủ đô trong những tháng cuối năm.";

    #[test]
    fn tcvn3_bytes_under_a_western_declaration_become_unicode() {
        use crate::parse::legacy_vi::encode;
        // ABC fonts have no capital "Ủ": their pages wrote it in a capitals-only font.
        let story = STORY.replace("Ủy", "ủy");
        let page = format!(
            "<html><head><meta charset=\"iso-8859-1\"><style>p{{font-family:.VnTime}}</style></head><body><p>{}</p></body></html>",
            encode::tcvn3(&story)
        );
        // Stored one byte per character, as the archive served it.
        let bytes: Vec<u8> = page
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .collect();
        let d = decode(&bytes, None, Some("vn"));
        assert_eq!(d.charset, "TCVN3");
        assert!(d.text.contains(&story), "{}", d.text);
    }

    #[test]
    fn vni_text_saved_again_as_utf8_becomes_unicode() {
        use crate::parse::legacy_vi::encode;
        let page = format!(
            "<html><body><p style=\"font-family:VNI-Times\">{}</p></body></html>",
            encode::vni(STORY)
        );
        let d = decode(page.as_bytes(), None, None);
        assert_eq!(d.charset, "VNI");
        assert!(d.text.contains(STORY), "{}", d.text);
    }

    #[test]
    fn viscii_declared_page_becomes_unicode() {
        use crate::parse::legacy_vi::encode;
        let page = format!(
            "<html><head><meta charset=\"viscii\"></head><body><p>{}</p></body></html>",
            encode::viscii(STORY)
        );
        let bytes: Vec<u8> = page
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .collect();
        let d = decode(&bytes, None, None);
        assert_eq!(d.charset, "VISCII");
        assert!(d.text.contains(STORY), "{}", d.text);
    }

    #[test]
    fn windows_1258_vietnamese_is_not_taken_for_a_font_encoding() {
        let page = format!(
            "<html><head><meta charset=\"windows-1258\"></head><body><p>{STORY}</p></body></html>"
        );
        let d = decode(&windows_1258(&page), None, None);
        assert_eq!(d.charset, "windows-1258");
        let nfc: String = d.text.nfc().collect();
        assert!(nfc.contains(STORY), "{nfc}");
    }

    #[test]
    fn bom_wins_over_meta() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("<meta charset=windows-1252><p>Sức khỏe</p>".as_bytes());
        let d = decode(&bytes, None, None);
        assert_eq!(d.charset, "UTF-8");
        assert!(d.text.contains("Sức khỏe"));
    }

    #[test]
    fn header_charset_wins_over_meta() {
        let page = format!("<meta charset=\"utf-8\"><p>{}</p>", "Hà Nội");
        let bytes = windows_1258(&page);
        let d = decode(&bytes, Some("text/html; charset=windows-1258"), None);
        assert_eq!(d.charset, "windows-1258");
        let nfc: String = d.text.nfc().collect();
        assert!(nfc.contains("Hà Nội"), "{nfc}");
    }

    #[test]
    fn page_reencoded_to_utf8_with_a_stale_legacy_declaration_is_utf8() {
        // Saved as UTF-8 by a tool that kept the original GBK declaration.
        let page = "<html><head><meta charset=\"gb2312\"><title>新电脑学会记忆</title></head><body><p>这台计算机可以利用记忆学习新知识。</p></body></html>";
        let d = decode(page.as_bytes(), None, None);
        assert_eq!(d.charset, "UTF-8");
        assert!(d.text.contains("这台计算机可以利用记忆学习新知识"));
        // The same page really stored in GBK is still read as GBK.
        let (gbk, _, _) = encoding_rs::GBK.encode(page);
        let d = decode(&gbk, None, None);
        assert_eq!(d.charset, "GBK");
        assert!(d.text.contains("这台计算机可以利用记忆学习新知识"));
    }

    #[test]
    fn meta_http_equiv_windows_1258() {
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\"></head><body><p>Đại tướng Tô Lâm, Bộ trưởng Bộ Công an</p></body></html>";
        let d = decode(&windows_1258(page), None, None);
        assert_eq!(d.charset, "windows-1258");
        let nfc: String = d.text.nfc().collect();
        assert!(
            nfc.contains("Đại tướng Tô Lâm, Bộ trưởng Bộ Công an"),
            "{nfc}"
        );
    }

    #[test]
    fn undeclared_windows_1258_is_detected() {
        let page = "<html><body><p>Chiều ngày 16/9, tại phòng họp Bộ Chính trị, Bộ Chính trị có buổi làm việc với Ban Thường vụ Tỉnh ủy Bắc Kạn, cho ý kiến về công tác chuẩn bị Đại hội Đảng bộ tỉnh lần thứ XII.</p></body></html>";
        let d = decode(&windows_1258(page), None, Some("vn"));
        assert_eq!(d.charset, "windows-1258");
        let nfc: String = d.text.nfc().collect();
        assert!(nfc.contains("Ban Thường vụ Tỉnh ủy Bắc Kạn"), "{nfc}");
    }

    #[test]
    fn a_stray_bad_byte_in_utf8_text_keeps_it_utf8() {
        let text = "<meta charset=utf-8><p>Kolejne organizacje sprzeciwiają się atakom na fundację, pisze zarząd w oświadczeniu.</p>";
        let mut bytes = text.repeat(5).into_bytes();
        // One Latin-1 "é" pasted into the page.
        bytes.extend_from_slice(b"<p>caf\xe9</p>");
        let d = decode(&bytes, None, None);
        assert_eq!(d.charset, "UTF-8");
        assert!(d.text.contains("sprzeciwiają się"), "{}", d.text);
        assert!(d.text.contains("caf\u{fffd}"), "{}", d.text);
    }

    #[test]
    fn false_utf8_declaration_falls_back_to_detection() {
        let page = "<meta charset=utf-8><p>Chiều ngày 16/9, tại phòng họp Bộ Chính trị, Ban Thường vụ Tỉnh ủy Bắc Kạn có buổi làm việc về công tác chuẩn bị Đại hội.</p>";
        let d = decode(&windows_1258(page), None, Some("vn"));
        assert_ne!(d.charset, "UTF-8");
        assert!(!d.text.contains('\u{FFFD}'));
    }
}
