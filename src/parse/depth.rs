//! A bound on how deep the parsed DOM nests.
//!
//! The extractors walk subtrees recursively (text of a block, body paragraphs), one
//! stack frame per level. A page of thousands of unclosed or nested elements (broken
//! templates, or hostile input) would overflow a worker's stack, and a stack overflow
//! is not a panic that `pipeline::process` can catch: it aborts the whole run. Browsers
//! bound the depth their HTML parser builds for the same reason (Blink stops at 512 and
//! inserts deeper elements as siblings); this does the same after parsing, so every walk
//! that follows is safe however it is written.

use ego_tree::iter::Edge;
use ego_tree::{NodeId, Tree};
use scraper::Node;

/// Deepest level an element keeps its own children (the document root is level 0).
/// Real article pages stay far below it; only then do the walks' frames add up.
pub const MAX_DEPTH: usize = 512;

/// Flattens everything below `max` levels: the descendants of each node at that level
/// become its children, in document order, so all text is kept and in order while no
/// path is longer than `max + 1`. One pass over the tree; pages within the bound are
/// left as they are.
pub fn cap(tree: &mut Tree<Node>, max: usize) {
    let mut at_cap: Vec<NodeId> = Vec::new();
    let mut depth = 0usize;
    for edge in tree.root().traverse() {
        match edge {
            Edge::Open(n) => {
                if depth == max && n.has_children() {
                    at_cap.push(n.id());
                }
                depth += 1;
            }
            Edge::Close(_) => depth = depth.saturating_sub(1),
        }
    }
    for id in at_cap {
        let Some(top) = tree.get(id) else {
            continue;
        };
        // Pre-order: appending each in turn leaves them as children in document order.
        let below: Vec<NodeId> = top.descendants().skip(1).map(|n| n.id()).collect();
        let Some(mut top) = tree.get_mut(id) else {
            continue;
        };
        for child in below {
            top.append_id(child);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn max_depth(html: &Html) -> usize {
        let (mut depth, mut deepest) = (0usize, 0usize);
        for edge in html.tree.root().traverse() {
            match edge {
                Edge::Open(_) => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                Edge::Close(_) => depth -= 1,
            }
        }
        deepest
    }

    #[test]
    fn deep_nesting_is_flattened_with_its_text_in_order() {
        let page = format!(
            "<html><body><p>first</p>{}<b>deep</b> end{}<p>last</p></body></html>",
            "<span>".repeat(3000),
            "</span>".repeat(3000)
        );
        let mut html = Html::parse_document(&page);
        assert!(max_depth(&html) > 3000);
        let before: String = html.root_element().text().collect();
        cap(&mut html.tree, 16);
        assert!(max_depth(&html) <= 18, "{}", max_depth(&html));
        let after: String = html.root_element().text().collect();
        assert_eq!(before, after);
        assert!(after.starts_with("first") && after.ends_with("deep endlast"));
    }

    #[test]
    fn a_page_within_the_bound_is_unchanged() {
        let page =
            "<html><body><div><ul><li><a href=/x>link</a> text</li></ul></div></body></html>";
        let mut html = Html::parse_document(page);
        let before = html.root_element().html();
        cap(&mut html.tree, MAX_DEPTH);
        assert_eq!(html.root_element().html(), before);
    }

    #[test]
    fn a_deeply_nested_article_is_extracted_without_overflowing_the_stack() {
        // Thousands of unclosed inline elements around the story: a 2 MiB worker
        // stack (as in a run) used to overflow walking them, aborting the process.
        let para = "<p>The council approved the new rail line after a long debate on Tuesday, and residents expect the works to start in spring.</p>";
        let page = format!(
            "<html><head><title>Rail line approved</title></head><body><h1>Rail line approved</h1><div class=\"content\">{}{}{}</div></body></html>",
            para.repeat(3),
            "<span>".repeat(20_000),
            para.repeat(2)
        );
        let raw = crate::record::RawPage {
            source: "deep.html".into(),
            url: None,
            content_type: None,
            fetched_at: chrono::Utc::now(),
            bytes: page.into_bytes(),
        };
        let doc = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || crate::parse::parse(&raw, None).map(|d| d.paragraphs.join("\n")))
            .expect("thread starts")
            .join()
            .expect("no panic");
        // All five paragraphs' text is kept (those below the bound may run together).
        let body = doc.expect("an article");
        assert_eq!(
            body.matches("expect the works to start").count(),
            5,
            "{body}"
        );
    }
}
