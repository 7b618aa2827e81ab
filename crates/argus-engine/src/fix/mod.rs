//! Fixes: text edits a detector proposes, rendered as unified diffs that
//! `git apply` accepts and as line/column replacements for SARIF and editors.

use std::ops::Range;

use argus_model::{Replacement, SuggestedFix};
use similar::TextDiff;

use crate::text::LineIndex;

/// Replace the bytes in `range` with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, text: impl Into<String>) -> Edit {
        Edit {
            range,
            text: text.into(),
        }
    }
}

/// One way to resolve a finding: a description and the edits that make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(description: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            description: description.into(),
            edits,
        }
    }

    /// A fix made of one edit.
    pub fn replace(
        description: impl Into<String>,
        range: Range<usize>,
        text: impl Into<String>,
    ) -> Fix {
        Fix::new(description, vec![Edit::replace(range, text)])
    }
}

/// An edit replacing the value inside a string literal node, keeping its
/// prefix and quotes (`b'md5'` -> `b'sha256'`). `None` if the node's text
/// has no quotes.
pub fn replace_string_value(node: tree_sitter::Node<'_>, text: &str, value: &str) -> Option<Edit> {
    let range = node.byte_range();
    let literal = &text[range.clone()];
    let open_at = literal.find(['"', '\'', '`'])?;
    let quote = literal[open_at..].chars().next()?;
    let run = literal[open_at..]
        .chars()
        .take_while(|&c| c == quote)
        .count();
    // A run of exactly two quotes is an empty string, not a triple quote.
    let width = if run >= 3 { 3 } else { 1 };
    let close_at = literal.rfind(quote)? + 1 - width;
    let inner_start = open_at + width;
    if close_at < inner_start {
        return None;
    }
    Some(Edit::replace(
        range.start + inner_start..range.start + close_at,
        value,
    ))
}

/// Applies edits to `text`. `None` when edits overlap or fall outside the
/// text or off character boundaries.
pub fn apply(text: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut cursor = 0;
    for edit in sorted {
        let Range { start, end } = edit.range;
        if start < cursor
            || end < start
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            return None;
        }
        out.push_str(&text[cursor..start]);
        out.push_str(&edit.text);
        cursor = end;
    }
    out.push_str(&text[cursor..]);
    Some(out)
}

/// Renders edits of the file at `path` (relative to the scan root, `/`
/// separated) whose content is `text`.
pub fn render(path: &str, text: &str, description: &str, edits: &[Edit]) -> Option<SuggestedFix> {
    let new_text = apply(text, edits)?;
    if new_text == text {
        return None;
    }
    let diff = TextDiff::from_lines(text, &new_text)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    let index = LineIndex::new(text);
    let replacements = edits
        .iter()
        .map(|edit| {
            let (start_line, start_column) = index.position(text, edit.range.start);
            let (end_line, end_column) = index.position(text, edit.range.end);
            Replacement {
                start_line,
                start_column,
                end_line,
                end_column,
                text: edit.text.clone(),
            }
        })
        .collect();
    Some(SuggestedFix {
        description: description.to_string(),
        diff,
        replacements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_unified_diff() {
        let text = "import hashlib\nh = hashlib.md5(x)\nprint(h)\n";
        let at = text.find("md5").unwrap();
        let fix = render(
            "src/a.py",
            text,
            "use SHA-256",
            &[Edit::replace(at..at + 3, "sha256")],
        )
        .unwrap();
        assert!(
            fix.diff
                .starts_with("--- a/src/a.py\n+++ b/src/a.py\n@@ -1,3 +1,3 @@\n")
        );
        assert!(
            fix.diff
                .contains("-h = hashlib.md5(x)\n+h = hashlib.sha256(x)\n")
        );
        assert_eq!(fix.replacements[0].start_line, 2);
        assert_eq!(fix.replacements[0].start_column, 13);
        assert_eq!(fix.replacements[0].end_column, 16);
    }

    #[test]
    fn replaces_string_values_keeping_quotes() {
        use std::time::Duration;

        use crate::lang::{Grammar, ParseOutcome, parse};
        for (source, expected) in [
            ("x = b'md5'\n", "x = b'sha256'\n"),
            ("x = \"\"\"md5\"\"\"\n", "x = \"\"\"sha256\"\"\"\n"),
            ("x = ''\n", "x = 'sha256'\n"),
        ] {
            let ParseOutcome::Parsed(tree) = parse(Grammar::Python, source, Duration::from_secs(5))
            else {
                panic!()
            };
            let string = tree.root_node().descendant_for_byte_range(4, 5).unwrap();
            let string = if string.kind() == "string" {
                string
            } else {
                string.parent().unwrap()
            };
            let edit = replace_string_value(string, source, "sha256").unwrap();
            assert_eq!(apply(source, &[edit]).unwrap(), expected);
        }
    }

    #[test]
    fn refuses_overlapping_edits() {
        assert!(
            apply(
                "abcdef",
                &[Edit::replace(0..3, "x"), Edit::replace(2..4, "y")]
            )
            .is_none()
        );
        assert_eq!(
            apply(
                "abcdef",
                &[Edit::replace(4..5, "E"), Edit::replace(0..1, "A")]
            )
            .as_deref(),
            Some("AbcdEf")
        );
    }
}
