//! Byte offsets <-> 1-based line/column positions.

use argus_model::Location;

/// Line start offsets of a text, for converting tree-sitter byte offsets into
/// the 1-based line and Unicode-scalar column positions reports use.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line containing `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts[line.min(self.starts.len() - 1)]
    }

    /// The text of 0-based `line` without its line terminator.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.line_start(line);
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(text.len())
            .min(text.len());
        text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// 1-based (line, column) of a byte offset; the column counts Unicode
    /// scalar values.
    /// Where a byte range of `text` is, as a report location in the file
    /// at `path` (lines and columns 1-based).
    pub fn location(&self, path: &str, text: &str, range: std::ops::Range<usize>) -> Location {
        let (start_line, start_column) = self.position(text, range.start);
        let (end_line, end_column) = self.position(text, range.end);
        Location {
            path: path.to_string(),
            start_line,
            start_column,
            end_line,
            end_column,
            cell: None,
        }
    }

    pub fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let column = text[start..offset].chars().count() + 1;
        (line as u32 + 1, column as u32)
    }
}

/// The largest char boundary at or before `offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Collapses runs of whitespace into one space and trims the ends.
pub fn fold_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_chars() {
        let text = "ab\nçd\n\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.position(text, 0), (1, 1));
        assert_eq!(index.position(text, 3), (2, 1));
        // 'd' follows a two-byte char.
        assert_eq!(index.position(text, 5), (2, 2));
        assert_eq!(index.position(text, 8), (4, 1));
        assert_eq!(index.line_text(text, 1), "çd");
        assert_eq!(index.line_text(text, 2), "");
    }

    #[test]
    fn folds_whitespace() {
        assert_eq!(fold_whitespace("  a \n\t b  "), "a b");
    }
}
