//! Atlassian Document Format (Jira Cloud's rich text, REST API v3) to plain text, and plain
//! text with a link to ADF.
//!
//! The agent reads an issue's description as its instruction, so the text keeps what carries
//! meaning — paragraphs, headings, list items (`- ` and `1. `), code blocks (fenced), quotes
//! (`> `), links (`text (url)`), mentions, table cells — and drops what does not (colours,
//! media). Unknown nodes contribute their children's text, so a node type Atlassian adds
//! later loses its styling, never its words.

use serde_json::{Value, json};

/// Deepest nesting followed (serde_json already refuses documents nested deeper than 128).
const MAX_DEPTH: usize = 64;

/// The plain text of an ADF document (or of any ADF node).
pub fn to_text(doc: &Value) -> String {
    let mut out = Writer::default();
    out.block(doc, 0);
    out.finish()
}

/// An ADF document of `paragraphs`, the last one ending with a link.
pub fn paragraphs_with_link(paragraphs: &[&str], link_text: &str, href: &str) -> Value {
    let mut content: Vec<Value> = paragraphs
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| json!({"type": "paragraph", "content": [{"type": "text", "text": p}]}))
        .collect();
    content.push(json!({
        "type": "paragraph",
        "content": [{
            "type": "text",
            "text": link_text,
            "marks": [{"type": "link", "attrs": {"href": href}}],
        }],
    }));
    json!({"type": "doc", "version": 1, "content": content})
}

#[derive(Default)]
struct Writer {
    /// Finished blocks.
    blocks: Vec<String>,
}

impl Writer {
    fn finish(self) -> String {
        self.blocks.join("\n\n").trim().to_owned()
    }

    /// Writes a block node (or, for a container, its blocks).
    fn block(&mut self, node: &Value, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let kind = node_type(node);
        match kind {
            "paragraph" => self.push(inline_text(node, depth)),
            "heading" => self.push(inline_text(node, depth)),
            "codeBlock" => {
                let language = node
                    .pointer("/attrs/language")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                self.push(format!("```{language}\n{}\n```", inline_text(node, depth)));
            }
            "rule" => self.push("---".to_owned()),
            "bulletList" | "orderedList" | "taskList" | "decisionList" => {
                self.push(list(node, depth));
            }
            "blockquote" => {
                let inner = nested(node, depth);
                self.push(
                    inner
                        .lines()
                        .map(|line| format!("> {line}").trim_end().to_owned())
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
            }
            "table" => {
                let rows: Vec<String> = children(node)
                    .map(|row| {
                        children(row)
                            .map(|cell| nested(cell, depth + 2).replace('\n', " "))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    })
                    .collect();
                self.push(rows.join("\n"));
            }
            "text" | "hardBreak" | "mention" | "emoji" | "inlineCard" | "date" | "status" => {
                // Inline content where a block was expected (lenient writers).
                self.push(inline(node));
            }
            "media" | "mediaSingle" | "mediaGroup" | "mediaInline" => {}
            _ => {
                // doc, panel, expand, layouts, and whatever comes next: their blocks.
                for child in children(node) {
                    self.block(child, depth + 1);
                }
            }
        }
    }

    fn push(&mut self, block: String) {
        let block = block.trim_end().to_owned();
        if !block.trim().is_empty() {
            self.blocks.push(block);
        }
    }
}

/// A list, one item per line, nested lists indented by two spaces.
fn list(node: &Value, depth: usize) -> String {
    let kind = node_type(node);
    let mut number = node
        .pointer("/attrs/order")
        .and_then(Value::as_u64)
        .unwrap_or(1);
    let mut lines = Vec::new();
    for item in children(node) {
        let marker = match kind {
            "orderedList" => {
                let marker = format!("{number}. ");
                number = number.saturating_add(1);
                marker
            }
            "taskList" => {
                if item.pointer("/attrs/state").and_then(Value::as_str) == Some("DONE") {
                    "[x] ".to_owned()
                } else {
                    "[ ] ".to_owned()
                }
            }
            _ => "- ".to_owned(),
        };
        // Task and decision items hold inline content; list items hold blocks.
        let text = if matches!(node_type(item), "taskItem" | "decisionItem") {
            inline_text(item, depth + 1)
        } else {
            let mut inner = Writer::default();
            for child in children(item) {
                inner.block(child, depth + 2);
            }
            inner.blocks.join("\n")
        };
        let pad = " ".repeat(marker.len());
        for (i, line) in text.lines().enumerate() {
            if i == 0 {
                lines.push(format!("{marker}{line}"));
            } else {
                lines.push(format!("{pad}{line}").trim_end().to_owned());
            }
        }
        if text.is_empty() {
            lines.push(marker.trim_end().to_owned());
        }
    }
    lines.join("\n")
}

/// The blocks inside a container, as text.
fn nested(node: &Value, depth: usize) -> String {
    let mut inner = Writer::default();
    for child in children(node) {
        inner.block(child, depth + 1);
    }
    inner.blocks.join("\n")
}

/// The inline content of a block, as one string.
fn inline_text(node: &Value, depth: usize) -> String {
    let mut text = String::new();
    for child in children(node) {
        if depth > MAX_DEPTH {
            break;
        }
        text.push_str(&inline(child));
    }
    text
}

/// One inline node.
fn inline(node: &Value) -> String {
    let attr = |name: &str| {
        node.pointer(&format!("/attrs/{name}"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    match node_type(node) {
        "text" => {
            let text = node.get("text").and_then(Value::as_str).unwrap_or("");
            let href = node
                .get("marks")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|mark| node_type(mark) == "link")
                .and_then(|mark| mark.pointer("/attrs/href"))
                .and_then(Value::as_str);
            match href {
                Some(href) if href != text => format!("{text} ({href})"),
                _ => text.to_owned(),
            }
        }
        "hardBreak" => "\n".to_owned(),
        "mention" => {
            let name = attr("text");
            if name.starts_with('@') || name.is_empty() {
                name
            } else {
                format!("@{name}")
            }
        }
        "emoji" => {
            let text = attr("text");
            if text.is_empty() {
                attr("shortName")
            } else {
                text
            }
        }
        "inlineCard" | "blockCard" | "embedCard" => attr("url"),
        "status" => format!("[{}]", attr("text")),
        "date" => {
            let millis = node.pointer("/attrs/timestamp").and_then(|t| {
                t.as_str()
                    .and_then(|s| s.parse::<i64>().ok())
                    .or(t.as_i64())
            });
            millis
                .and_then(|ms| time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).ok())
                .map(|at| at.date().to_string())
                .unwrap_or_default()
        }
        _ => children(node).map(inline).collect(),
    }
}

fn node_type(node: &Value) -> &str {
    node.get("type").and_then(Value::as_str).unwrap_or("")
}

fn children(node: &Value) -> impl Iterator<Item = &Value> {
    node.get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Value {
        json!({"type": "text", "text": t})
    }

    fn para(content: Vec<Value>) -> Value {
        json!({"type": "paragraph", "content": content})
    }

    #[test]
    fn a_real_description_reads_as_plain_text() {
        let doc = json!({
            "type": "doc",
            "version": 1,
            "content": [
                {"type": "heading", "attrs": {"level": 2}, "content": [text("Signup")]},
                para(vec![
                    text("Validate the "),
                    json!({"type": "text", "text": "email", "marks": [{"type": "strong"}]}),
                    text(" field, see "),
                    json!({"type": "text", "text": "the RFC", "marks": [{"type": "link", "attrs": {"href": "https://www.rfc-editor.org/rfc/rfc5322"}}]}),
                    text("."),
                    json!({"type": "hardBreak"}),
                    text("Ask "),
                    json!({"type": "mention", "attrs": {"id": "557058:x", "text": "@Ada"}}),
                    text(" "),
                    json!({"type": "emoji", "attrs": {"shortName": ":smile:", "text": "😄"}}),
                ]),
                {"type": "bulletList", "content": [
                    {"type": "listItem", "content": [para(vec![text("reject empty")])]},
                    {"type": "listItem", "content": [
                        para(vec![text("reject long")]),
                        {"type": "orderedList", "attrs": {"order": 3}, "content": [
                            {"type": "listItem", "content": [para(vec![text("over 254")])]},
                            {"type": "listItem", "content": [para(vec![text("local part over 64")])]},
                        ]},
                    ]},
                ]},
                {"type": "codeBlock", "attrs": {"language": "rust"}, "content": [text("fn signup() {}")]},
                {"type": "blockquote", "content": [para(vec![text("quoted")])]},
                {"type": "rule"},
                {"type": "mediaSingle", "content": [{"type": "media", "attrs": {"id": "x"}}]},
                {"type": "panel", "attrs": {"panelType": "info"}, "content": [para(vec![text("in a panel")])]},
                {"type": "table", "content": [
                    {"type": "tableRow", "content": [
                        {"type": "tableHeader", "content": [para(vec![text("input")])]},
                        {"type": "tableHeader", "content": [para(vec![text("status")])]},
                    ]},
                    {"type": "tableRow", "content": [
                        {"type": "tableCell", "content": [para(vec![text("\"\"")])]},
                        {"type": "tableCell", "content": [para(vec![text("400")])]},
                    ]},
                ]},
                {"type": "taskList", "content": [
                    {"type": "taskItem", "attrs": {"state": "DONE"}, "content": [text("write tests")]},
                    {"type": "taskItem", "attrs": {"state": "TODO"}, "content": [text("ship")]},
                ]},
                {"type": "someFutureNode", "content": [para(vec![text("still read")])]},
            ]
        });
        assert_eq!(
            to_text(&doc),
            "Signup\n\n\
             Validate the email field, see the RFC (https://www.rfc-editor.org/rfc/rfc5322).\n\
             Ask @Ada 😄\n\n\
             - reject empty\n\
             - reject long\n  3. over 254\n  4. local part over 64\n\n\
             ```rust\nfn signup() {}\n```\n\n\
             > quoted\n\n\
             ---\n\n\
             in a panel\n\n\
             input | status\n\"\" | 400\n\n\
             [x] write tests\n[ ] ship\n\n\
             still read"
        );
    }

    #[test]
    fn empty_odd_and_deep_documents_do_not_fail() {
        assert_eq!(to_text(&json!(null)), "");
        assert_eq!(to_text(&json!({"type": "doc", "content": []})), "");
        assert_eq!(to_text(&json!({"type": "doc", "content": "nope"})), "");
        assert_eq!(
            to_text(&json!({"type": "doc", "content": [text("bare")]})),
            "bare"
        );
        let mut deep = para(vec![text("bottom")]);
        for _ in 0..100 {
            deep = json!({"type": "blockquote", "content": [deep]});
        }
        let _ = to_text(&deep);
    }

    #[test]
    fn a_comment_is_a_document_ending_with_its_link() {
        let doc = paragraphs_with_link(&["Orchard opened a pull request."], "PR #7", "https://x/7");
        assert_eq!(doc["type"], "doc");
        assert_eq!(doc["version"], 1);
        assert_eq!(
            doc["content"][1]["content"][0]["marks"][0]["attrs"]["href"],
            "https://x/7"
        );
        assert_eq!(
            to_text(&doc),
            "Orchard opened a pull request.\n\nPR #7 (https://x/7)"
        );
    }
}
