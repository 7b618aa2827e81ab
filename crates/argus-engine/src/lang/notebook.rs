//! Jupyter notebooks: the code cells of an `.ipynb` become one virtual Python
//! file, findings map back to cell + line, and fixes map back to edits of the
//! notebook's JSON text.
//!
//! The raw JSON is parsed with tree-sitter so that every cell's `source`
//! literal keeps its byte range in the file; that is what lets a fix become
//! a diff of the `.ipynb` itself.

use std::ops::Range;
use std::time::Duration;

use tree_sitter::Node;

use super::{Grammar, ParseOutcome, cloudformation as doc, parse};
use crate::fix::Edit;

/// Cell magics whose body is still Python (only the magic line is not).
const PYTHON_BODY_CELL_MAGICS: &[&str] = &["%%time", "%%timeit", "%%capture", "%%prun"];

/// The code cells of a notebook as one Python text.
#[derive(Debug)]
pub struct Notebook {
    /// The code cells joined; magics are commented out so that the text parses.
    pub text: String,
    /// For each virtual line: (slot in `cells`, 0-based line within the cell).
    lines: Vec<(usize, u32)>,
    cells: Vec<CodeCell>,
}

#[derive(Debug)]
struct CodeCell {
    /// Index of the cell among all cells of the notebook (0-based).
    index: u32,
    /// The cell's lines as written (with their `\n`).
    original: Vec<String>,
    /// The same lines as they appear in the virtual text.
    virtual_lines: Vec<String>,
    first_virtual_line: usize,
    source: SourceLiteral,
}

#[derive(Debug)]
enum SourceLiteral {
    /// `"source": "one string"`: byte range of the string literal.
    Single(Range<usize>),
    /// `"source": ["line\n", ...]`: the array's range and, when every
    /// element is exactly one line, each element's range.
    List {
        array: Range<usize>,
        per_line: Option<Vec<Range<usize>>>,
        indent: String,
    },
}

impl Notebook {
    /// Reads a notebook; `Err` says why it cannot be analysed.
    pub fn parse(raw: &str) -> Result<Notebook, String> {
        let tree = match parse(Grammar::Json, raw, Duration::from_secs(10)) {
            ParseOutcome::Parsed(tree) => tree,
            ParseOutcome::TimedOut => return Err("notebook JSON took too long to parse".into()),
        };
        let root = tree.root_node();
        let top = first_object(root).ok_or("not a JSON object")?;
        if root.has_error() {
            return Err("malformed notebook JSON".into());
        }
        if let Some(language) = kernel_language(top, raw)
            && !language.eq_ignore_ascii_case("python")
        {
            return Err(format!("kernel language '{language}' is not supported"));
        }
        let cells_pair = doc::member(top, "cells", raw).ok_or("no 'cells' array")?;
        let cells_array = doc::pair_value(cells_pair).ok_or("no 'cells' array")?;
        let mut notebook = Notebook {
            text: String::new(),
            lines: Vec::new(),
            cells: Vec::new(),
        };
        let mut cursor = cells_array.walk();
        let cell_nodes: Vec<Node<'_>> = cells_array
            .named_children(&mut cursor)
            .filter(|n| n.kind() == "object")
            .collect();
        for (index, cell) in cell_nodes.into_iter().enumerate() {
            let cell_type = doc::member(cell, "cell_type", raw)
                .and_then(doc::pair_value)
                .and_then(|v| doc::scalar(v, raw));
            if cell_type.as_deref() != Some("code") {
                continue;
            }
            let Some(source) = doc::member(cell, "source", raw).and_then(doc::pair_value) else {
                continue;
            };
            notebook.push_cell(index as u32, source, raw)?;
        }
        Ok(notebook)
    }

    fn push_cell(&mut self, index: u32, source: Node<'_>, raw: &str) -> Result<(), String> {
        let (text, literal) = match source.kind() {
            "string" => (
                decode(source, raw)?,
                SourceLiteral::Single(source.byte_range()),
            ),
            "array" => {
                let mut cursor = source.walk();
                let elements: Vec<Node<'_>> = source.named_children(&mut cursor).collect();
                let mut text = String::new();
                let mut ranges = Vec::with_capacity(elements.len());
                let mut one_line_each = true;
                for (i, element) in elements.iter().enumerate() {
                    let line = decode(*element, raw)?;
                    let newlines = line.matches('\n').count();
                    let last = i + 1 == elements.len();
                    one_line_each &= if last {
                        newlines == 0 || (newlines == 1 && line.ends_with('\n'))
                    } else {
                        newlines == 1 && line.ends_with('\n')
                    };
                    text.push_str(&line);
                    ranges.push(element.byte_range());
                }
                let indent = elements
                    .first()
                    .map(|e| indentation_before(raw, e.start_byte()))
                    .unwrap_or_default();
                (
                    text,
                    SourceLiteral::List {
                        array: source.byte_range(),
                        per_line: one_line_each.then_some(ranges),
                        indent,
                    },
                )
            }
            other => return Err(format!("cell {index}: unexpected source of type {other}")),
        };
        let original: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
        let virtual_lines = python_view(&original);
        let slot = self.cells.len();
        let first_virtual_line = self.lines.len();
        for (line, content) in virtual_lines.iter().enumerate() {
            self.text.push_str(content);
            self.lines.push((slot, line as u32));
        }
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        // A blank separator line keeps cells apart (an unterminated statement
        // in one cell must not swallow the next); it maps to the last line.
        self.text.push('\n');
        self.lines
            .push((slot, virtual_lines.len().saturating_sub(1) as u32));
        self.cells.push(CodeCell {
            index,
            original,
            virtual_lines,
            first_virtual_line,
            source: literal,
        });
        Ok(())
    }

    /// (cell index, 0-based line in cell) of a 0-based virtual line.
    pub fn origin(&self, virtual_line: usize) -> (u32, u32) {
        let (slot, line) = self
            .lines
            .get(virtual_line)
            .copied()
            .unwrap_or_else(|| self.lines.last().copied().unwrap_or((0, 0)));
        let cell = self.cells.get(slot).map_or(0, |c| c.index);
        (cell, line)
    }

    /// Turns edits of the virtual text into edits of the raw notebook JSON,
    /// or `None` when they touch a magic line or straddle cells.
    pub fn translate_edits(&self, edits: &[Edit]) -> Option<Vec<Edit>> {
        let mut per_cell: Vec<(usize, Vec<Edit>)> = Vec::new();
        for edit in edits {
            let slot = self.slot_of_offset(edit.range.start)?;
            if self.slot_of_offset(edit.range.end.saturating_sub(1).max(edit.range.start))? != slot
            {
                return None;
            }
            match per_cell.iter_mut().find(|(s, _)| *s == slot) {
                Some((_, list)) => list.push(edit.clone()),
                None => per_cell.push((slot, vec![edit.clone()])),
            }
        }
        let mut raw_edits = Vec::new();
        for (slot, mut cell_edits) in per_cell {
            let cell = &self.cells[slot];
            let cell_start = self.virtual_offset_of_line(cell.first_virtual_line);
            let mut text: String = cell.virtual_lines.concat();
            cell_edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
            for edit in &cell_edits {
                let start = edit.range.start - cell_start;
                let end = edit.range.end - cell_start;
                if end > text.len() {
                    return None;
                }
                text.replace_range(start..end, &edit.text);
            }
            let new_lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
            raw_edits.extend(cell.raw_edits(&new_lines)?);
        }
        Some(raw_edits)
    }

    fn slot_of_offset(&self, offset: usize) -> Option<usize> {
        let line = self.text[..offset.min(self.text.len())]
            .matches('\n')
            .count();
        self.lines.get(line).map(|(slot, _)| *slot)
    }

    fn virtual_offset_of_line(&self, line: usize) -> usize {
        self.text
            .split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum()
    }
}

impl CodeCell {
    fn raw_edits(&self, new_virtual: &[String]) -> Option<Vec<Edit>> {
        // Unchanged lines keep their original text (magics included); a
        // changed magic line cannot be expressed.
        let same_count = new_virtual.len() == self.virtual_lines.len();
        let mut new_lines = Vec::with_capacity(new_virtual.len());
        for (i, line) in new_virtual.iter().enumerate() {
            let unchanged = same_count && *line == self.virtual_lines[i];
            if unchanged {
                new_lines.push(self.original[i].clone());
            } else if same_count && self.original[i] != self.virtual_lines[i] {
                return None;
            } else {
                new_lines.push(line.clone());
            }
        }
        if !same_count && self.original != self.virtual_lines {
            return None;
        }
        match &self.source {
            SourceLiteral::Single(range) => Some(vec![Edit {
                range: range.clone(),
                text: encode(&new_lines.concat()),
            }]),
            SourceLiteral::List {
                per_line: Some(ranges),
                ..
            } if same_count => Some(
                new_lines
                    .iter()
                    .zip(&self.original)
                    .zip(ranges)
                    .filter(|((new, old), _)| new != old)
                    .map(|((new, _), range)| Edit {
                        range: range.clone(),
                        text: encode(new),
                    })
                    .collect(),
            ),
            SourceLiteral::List { array, indent, .. } => {
                let closing_indent = indent.get(..indent.len().saturating_sub(1)).unwrap_or("");
                let items: Vec<String> = new_lines.iter().map(|l| encode(l)).collect();
                let text = if items.is_empty() {
                    "[]".to_string()
                } else {
                    format!(
                        "[\n{indent}{}\n{closing_indent}]",
                        items.join(&format!(",\n{indent}"))
                    )
                };
                Some(vec![Edit {
                    range: array.clone(),
                    text,
                }])
            }
        }
    }
}

/// The cell as Python: IPython magics and shell escapes become comments of
/// the same length, so positions do not move.
fn python_view(lines: &[String]) -> Vec<String> {
    let first = lines.first().map(|l| l.trim_start()).unwrap_or("");
    let whole_cell_magic =
        first.starts_with("%%") && !PYTHON_BODY_CELL_MAGICS.iter().any(|m| first.starts_with(m));
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let trimmed = line.trim_start();
            let is_magic = whole_cell_magic
                || (i == 0 && trimmed.starts_with("%%"))
                || trimmed.starts_with('%')
                || trimmed.starts_with('!')
                || (trimmed.trim_end().ends_with('?') && !trimmed.starts_with('#'));
            if is_magic && !trimmed.is_empty() {
                let indent = line.len() - trimmed.len();
                let mut commented = line.clone();
                commented.replace_range(indent..indent + 1, "#");
                commented
            } else {
                line.clone()
            }
        })
        .collect()
}

fn first_object(root: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .find(|n| n.kind() == "object")
}

fn kernel_language(top: Node<'_>, raw: &str) -> Option<String> {
    let metadata = doc::pair_value(doc::member(top, "metadata", raw)?)?;
    let from = |outer: &str, key: &str| {
        let value = doc::pair_value(doc::member(metadata, outer, raw)?)?;
        doc::scalar(doc::pair_value(doc::member(value, key, raw)?)?, raw)
    };
    from("kernelspec", "language").or_else(|| from("language_info", "name"))
}

fn decode(node: Node<'_>, raw: &str) -> Result<String, String> {
    let text = node.utf8_text(raw.as_bytes()).map_err(|e| e.to_string())?;
    serde_json::from_str::<String>(text).map_err(|e| format!("bad string in cell source: {e}"))
}

fn encode(text: &str) -> String {
    serde_json::to_string(text).expect("strings always serialize")
}

fn indentation_before(raw: &str, offset: usize) -> String {
    let line_start = raw[..offset].rfind('\n').map_or(0, |i| i + 1);
    raw[line_start..offset]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTEBOOK: &str = r##"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": ["# Title\n"]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {},
   "outputs": [],
   "source": [
    "%matplotlib inline\n",
    "import hashlib\n",
    "h = hashlib.md5(b\"x\")"
   ]
  },
  {
   "cell_type": "code",
   "metadata": {},
   "outputs": [],
   "source": "print(1)\nx = 2\n"
  }
 ],
 "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"##;

    #[test]
    fn maps_virtual_lines_to_cells() {
        let nb = Notebook::parse(NOTEBOOK).unwrap();
        assert!(nb.text.starts_with("#matplotlib inline\nimport hashlib\n"));
        assert_eq!(nb.origin(2), (1, 2));
        // Line 3 is the separator after the first code cell.
        assert_eq!(nb.origin(4), (2, 0));
        assert_eq!(nb.origin(5), (2, 1));
    }

    #[test]
    fn fixes_become_json_edits() {
        let nb = Notebook::parse(NOTEBOOK).unwrap();
        let at = nb.text.find("md5").unwrap();
        let edits = nb
            .translate_edits(&[Edit {
                range: at..at + 3,
                text: "sha256".into(),
            }])
            .unwrap();
        let mut raw = NOTEBOOK.to_string();
        for e in edits.iter().rev() {
            raw.replace_range(e.range.clone(), &e.text);
        }
        assert!(raw.contains(r#""h = hashlib.sha256(b\"x\")""#), "{raw}");
        assert!(raw.contains(r#""%matplotlib inline\n","#));

        let at = nb.text.find("x = 2").unwrap();
        let edits = nb
            .translate_edits(&[Edit {
                range: at..at + 5,
                text: "x = 3".into(),
            }])
            .unwrap();
        let mut raw = NOTEBOOK.to_string();
        for e in edits.iter().rev() {
            raw.replace_range(e.range.clone(), &e.text);
        }
        assert!(raw.contains(r#""source": "print(1)\nx = 3\n""#), "{raw}");
    }

    #[test]
    fn refuses_other_kernels() {
        let r = r#"{"cells": [], "metadata": {"kernelspec": {"language": "R"}}}"#;
        assert!(Notebook::parse(r).unwrap_err().contains("'R'"));
    }
}
