//! Drops what no extractor reads before the HTML parser sees it.
//!
//! On real news pages about 60% of the bytes are inline scripts, stylesheets, SVG
//! icons and comments. The HTML parser would tokenise every one of those characters
//! and build nodes for them, only for the extractors to skip them. A byte scan that
//! knows where such content starts and ends is an order of magnitude cheaper than the
//! tokenizer, so emptying them first roughly halves the cost of a page.
//!
//! The element tags themselves stay (empty), so anything that counts scripts — the
//! app-shell check — sees the same page. JSON-LD scripts stay whole: metadata comes
//! from them. The scan follows the HTML tokenizer closely enough never to cut across
//! a real element boundary: attribute values are skipped as quoted strings, raw-text
//! elements (`<title>`, `<textarea>`, `<noscript>`, ...) are passed over whole, and a
//! script whose end the simple rule cannot be sure of is left untouched.
//!
//! Attributes are most of what is left: on the extraction benchmark's pages, 65% of
//! the bytes after scripts and styles are attributes, mostly ones no extractor reads
//! (`data-*` state for scripts, tracking `on*` handlers, `title` tooltips, `aria-*`).
//! Unless the caller needs every attribute (a site's CSS rules may select on any),
//! only those an extractor reads are kept. Each kept attribute is copied byte for byte,
//! so the tokenizer reads it exactly as it would have.

use std::borrow::Cow;

use memchr::memchr;

/// Elements whose content is emptied.
const EMPTIED: [&[u8]; 3] = [b"script", b"style", b"svg"];
/// Elements whose content is raw text: markup-looking text inside is not markup.
const RAW_TEXT: [&[u8]; 8] = [
    b"title",
    b"textarea",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
    b"plaintext",
];

/// [`prune_with`] keeping every attribute.
pub fn prune(html: &str) -> Cow<'_, str> {
    prune_with(html, true)
}

/// Attributes some extractor reads (besides the lazy-image ones of `images.rs`).
const READ_ATTRS: [&[u8]; 26] = [
    b"class",
    b"id",
    b"role",
    b"style",
    b"hidden",
    b"aria-hidden",
    b"aria-label",
    b"itemprop",
    b"itemtype",
    b"datetime",
    b"href",
    b"rel",
    b"type",
    b"content",
    b"name",
    b"property",
    b"lang",
    b"src",
    b"srcset",
    b"alt",
    b"width",
    b"height",
    b"align",
    b"charset",
    b"http-equiv",
    b"title",
];

fn is_read(name: &[u8]) -> bool {
    READ_ATTRS.iter().any(|a| name.eq_ignore_ascii_case(a))
        || super::images::LAZY_ATTRS
            .iter()
            .any(|a| name.eq_ignore_ascii_case(a.as_bytes()))
}

/// Returns the page with comments and the content of scripts (except JSON-LD), styles
/// and SVG images removed, and (unless `all_attributes`) the attributes no extractor
/// reads. Borrowed when there was nothing to remove.
pub fn prune_with(html: &str, all_attributes: bool) -> Cow<'_, str> {
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    // `kept` is the end of the input already copied (or skipped) into `out`.
    let mut kept = 0;
    let mut at = 0;
    // Attribute spans of the current start tag, reused from tag to tag.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    // Start of the text since the last tag, while that text has no `<` in it.
    let mut text_from = Some(0);
    // Inside `<pre>` whitespace is content.
    let mut pre_depth = 0usize;
    while let Some(off) = memchr(b'<', &b[at..]) {
        let lt = at + off;
        let rest = &b[lt + 1..];
        // Indentation between tags is one space to the page but many characters to the
        // tokenizer: a run of it becomes one character (a newline if it held one).
        if let Some(from) = text_from.filter(|&f| lt >= f + 2 && pre_depth == 0) {
            let gap = &b[from..lt];
            if gap.iter().all(u8::is_ascii_whitespace) {
                let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
                o.push_str(&html[kept..from]);
                o.push(if gap.contains(&b'\n') { '\n' } else { ' ' });
                kept = lt;
            }
        }
        if rest.starts_with(b"!--") {
            let Some(end) = find(b, lt + 4, b"-->") else {
                break;
            };
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(&html[kept..lt]);
            kept = end + 3;
            at = kept;
            text_from = Some(at);
            continue;
        }
        if matches!(rest.first(), Some(b'/' | b'!' | b'?')) {
            // An end tag, a doctype or a processing instruction: skip to its `>`.
            if rest.len() > 4
                && rest[1..4].eq_ignore_ascii_case(b"pre")
                && !rest[4].is_ascii_alphanumeric()
            {
                pre_depth = pre_depth.saturating_sub(1);
            }
            let Some(gt) = memchr(b'>', rest) else {
                break;
            };
            at = lt + 2 + gt;
            text_from = Some(at);
            continue;
        }
        if !rest.first().is_some_and(u8::is_ascii_alphabetic) {
            // A literal `<` in text.
            at = lt + 1;
            text_from = None;
            continue;
        }
        // A tag name runs to white space, `/` or `>`: `<svg-icon>` is not `<svg>`.
        let name_len = rest
            .iter()
            .position(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>'))
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        let Some(tag) = start_tag(b, lt + 1 + name_len, all_attributes, &mut spans) else {
            break;
        };
        let tag_end = tag.end;
        if tag.dropped {
            // Some attribute goes: the tag is written again with the others only.
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(&html[kept..lt + 1 + name_len]);
            for &(from, to) in &spans {
                o.push(' ');
                o.push_str(&html[from..to]);
            }
            if tag.self_closing {
                o.push('/');
            }
            o.push('>');
            kept = tag_end;
        }
        text_from = Some(tag_end);
        if name.eq_ignore_ascii_case(b"pre") || name.eq_ignore_ascii_case(b"listing") {
            pre_depth += 1;
        }
        let emptied = EMPTIED.iter().any(|n| name.eq_ignore_ascii_case(n));
        let raw = RAW_TEXT.iter().any(|n| name.eq_ignore_ascii_case(n));
        if !emptied && !raw {
            at = tag_end;
            continue;
        }
        if b[tag_end - 2] == b'/' && name.eq_ignore_ascii_case(b"svg") {
            // `<svg ... />` has no content.
            at = tag_end;
            continue;
        }
        if name.eq_ignore_ascii_case(b"plaintext") {
            break;
        }
        let Some(close) = closing_tag(b, tag_end, name) else {
            break;
        };
        let content = &b[tag_end..close];
        let keep = raw
            || (name.eq_ignore_ascii_case(b"script")
                && (is_json_ld(&b[lt..tag_end])
                    || is_bare_json_ld(content)
                    // Inside `<!--` a nested `<script` changes where the script ends.
                    || (find(content, 0, b"<!--").is_some()
                        && find_ci(content, b"<script").is_some())));
        if !keep && close > tag_end {
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(&html[kept..tag_end]);
            kept = close;
        }
        at = close;
        text_from = None;
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut o) => {
            o.push_str(&html[kept..]);
            Cow::Owned(o)
        }
    }
}

/// A start tag read up to its `>`.
struct StartTag {
    /// Just past the `>`.
    end: usize,
    /// True when some attribute is to go; the spans to keep are then in `spans`.
    dropped: bool,
    /// `/>`: kept for the elements (SVG, MathML) where it means something.
    self_closing: bool,
}

/// Reads the attributes of a start tag whose name ends at `from`, as the HTML
/// tokenizer does (names end at space, `/`, `>` or `=`; values are quoted or end at
/// space or `>`), and returns where the tag ends; `spans` receives the attribute spans
/// to keep.
fn start_tag(
    b: &[u8],
    from: usize,
    all_attributes: bool,
    spans: &mut Vec<(usize, usize)>,
) -> Option<StartTag> {
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    spans.clear();
    let mut dropped = false;
    let mut self_closing = false;
    let mut i = from;
    loop {
        // Before an attribute name.
        while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
            self_closing = b[i] == b'/' && b.get(i + 1) == Some(&b'>');
            i += 1;
        }
        let &c = b.get(i)?;
        if c == b'>' {
            break;
        }
        self_closing = false;
        let start = i;
        // The name; a first `=` belongs to it.
        i += 1;
        while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let name = &b[start..i];
        let mut end = i;
        let mut j = i;
        while j < b.len() && is_space(b[j]) {
            j += 1;
        }
        if b.get(j) == Some(&b'=') {
            j += 1;
            while j < b.len() && is_space(b[j]) {
                j += 1;
            }
            match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => j += 2 + memchr(q, &b[j + 1..])?,
                Some(b'>') | None => {}
                Some(_) => {
                    while j < b.len() && !is_space(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                }
            }
            end = j;
            i = j;
        }
        if all_attributes || is_read(name) {
            spans.push((start, end));
        } else {
            dropped = true;
        }
    }
    Some(StartTag {
        end: i + 1,
        dropped,
        self_closing,
    })
}

/// Where `</name` starts (followed by a space, `/` or `>`), looking from `from`.
fn closing_tag(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(off) = memchr(b'<', &b[at..]) {
        let lt = at + off;
        let after = lt + 2 + name.len();
        if b.get(lt + 1) == Some(&b'/')
            && b.len() > after
            && b[lt + 2..after].eq_ignore_ascii_case(name)
            && matches!(
                b[after],
                b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c'
            )
        {
            return Some(lt);
        }
        at = lt + 1;
    }
    None
}

/// JSON-LD in a `<script>` without its type (`{"@context": "https://schema.org", ...`),
/// as some CMSs write it.
pub(crate) fn is_bare_json_ld(content: &[u8]) -> bool {
    let start = content
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(content.len());
    let head = &content[start..content.len().min(start + 40)];
    head.first() == Some(&b'{') && find(head, 0, b"\"@context\"").is_some()
}

fn is_json_ld(tag: &[u8]) -> bool {
    find_ci(tag, b"ld+json").is_some()
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&hay[from..], needle).map(|i| from + i)
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::prune;

    #[test]
    fn empties_scripts_styles_svg_and_comments() {
        let page = r#"<html><head><style>p{color:red}</style><script src="a.js"></script>
<script>var s = "</div>"; if (a < b) {}</script>
<script type="application/ld+json">{"headline":"Kept"}</script></head>
<body><!-- a comment <p>hidden</p> --><p>Text</p><svg viewBox="0 0 1 1"><path d="M0"/></svg>
<SCRIPT>x()</SCRIPT ><p>More</p></body></html>"#;
        let out = prune(page);
        assert_eq!(
            out,
            r#"<html><head><style></style><script src="a.js"></script>
<script></script>
<script type="application/ld+json">{"headline":"Kept"}</script></head>
<body><p>Text</p><svg viewBox="0 0 1 1"></svg>
<SCRIPT></SCRIPT ><p>More</p></body></html>"#
        );
    }

    #[test]
    fn raw_text_and_attributes_are_not_markup() {
        // `<script` inside a title, a `>` inside a quoted attribute, a comment opener in
        // a textarea: none of them start anything.
        let page = r#"<title>a <script> b</title><p data-x="<script>x</script>">A</p><textarea><!--</textarea><p>B</p><!-- c -->"#;
        assert_eq!(
            prune(page),
            r#"<title>a <script> b</title><p data-x="<script>x</script>">A</p><textarea><!--</textarea><p>B</p>"#
        );
    }

    #[test]
    fn indentation_shrinks_except_in_pre() {
        let page = "<div>\n    <p>A  b</p>   <b>c</b>\n</div><pre>\n  <span>x</span>\n  <span>y</span></pre>";
        assert_eq!(
            prune(page),
            "<div>\n<p>A  b</p> <b>c</b>\n</div><pre>\n  <span>x</span>\n  <span>y</span></pre>"
        );
    }

    #[test]
    fn unread_attributes_go_and_read_ones_stay_byte_for_byte() {
        let page = r#"<sig-file _ng-c1="" class="Body x" data-v='{"a":">"}' onclick=go()><IMG data-src=/a.jpg width=10 alt="A > B" title=t/><br/><svg-icon x="1"><b>Kept</b></svg-icon><a href=/x/>y</a></sig-file>"#;
        assert_eq!(
            super::prune_with(page, false),
            r#"<sig-file class="Body x"><IMG data-src=/a.jpg width=10 alt="A > B" title=t/><br/><svg-icon><b>Kept</b></svg-icon><a href=/x/>y</a></sig-file>"#
        );
        // A site's rules may select on any attribute: then all stay.
        assert_eq!(super::prune_with(page, true), page);
    }

    #[test]
    fn unsure_or_unterminated_content_is_left_alone() {
        let escaped = r#"<script><!-- document.write("<script>x</script>") --></script><p>A</p>"#;
        assert_eq!(prune(escaped), escaped);
        let open = "<p>A</p><script>never closed";
        assert_eq!(prune(open), open);
        let comment = "<p>A</p><!-- never closed";
        assert_eq!(prune(comment), comment);
        assert!(matches!(
            prune("<p>plain</p>"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
