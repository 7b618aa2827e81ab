//! In-source suppressions: `argus-ignore[<detector-id>]: <reason>` in a
//! comment on the flagged line or alone on the line above. The reason is
//! required: a suppression without ids or without a reason suppresses
//! nothing and is itself reported.

use std::sync::OnceLock;

use regex::Regex;

/// The marker that starts a suppression.
pub const MARKER: &str = "argus-ignore";

/// A well-formed suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// 0-based line of the comment.
    pub comment_line: usize,
    /// 0-based line whose findings it suppresses.
    pub target_line: usize,
    /// Detector ids, with or without versions.
    pub ids: Vec<String>,
    pub reason: String,
}

impl Suppression {
    /// Whether it covers a finding of `detector_id` starting on `line`.
    pub fn covers(&self, detector_id: &str, line: usize) -> bool {
        line == self.target_line
            && self.ids.iter().any(|id| {
                id == detector_id
                    || (!id.contains('@') && id == argus_model::unversioned(detector_id))
            })
    }
}

/// What a comment says about suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// No `argus-ignore` in the comment.
    None,
    Valid {
        ids: Vec<String>,
        reason: String,
    },
    /// A malformed suppression, with what is wrong.
    Invalid(String),
}

/// Parses the text of one comment.
pub fn parse_comment(comment: &str) -> Parsed {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    if !comment.contains(MARKER) {
        return Parsed::None;
    }
    let pattern = PATTERN.get_or_init(|| {
        Regex::new(r"argus-ignore(?:\[(?P<ids>[^\]]*)\])?(?P<colon>\s*:)?(?P<reason>.*)")
            .expect("valid regex")
    });
    let Some(caps) = pattern.captures(comment) else {
        return Parsed::None;
    };
    let ids: Vec<String> = caps
        .name("ids")
        .map(|m| {
            m.as_str()
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let reason = caps
        .name("reason")
        .map(|m| m.as_str())
        .unwrap_or("")
        .trim()
        .trim_end_matches("*/")
        .trim_end_matches("-->")
        .trim_end_matches("#}")
        .trim()
        .to_string();
    if ids.is_empty() {
        return Parsed::Invalid(
            "suppression names no detector: write `argus-ignore[<detector-id>]: <reason>`".into(),
        );
    }
    if caps.name("colon").is_none() || reason.is_empty() {
        return Parsed::Invalid(format!(
            "suppression of {} gives no reason: write `argus-ignore[{}]: <why this is safe>`",
            ids.join(", "),
            ids.join(",")
        ));
    }
    Parsed::Valid { ids, reason }
}

/// Comments of a file argus does not parse (configuration, text): from a
/// comment opener (or the marker itself) before `argus-ignore` to the end
/// of its line. Only lines mentioning the marker matter.
pub fn text_comments(text: &str) -> Vec<std::ops::Range<usize>> {
    const OPENERS: &[&str] = &["#", "//", "<!--", ";", "--", "/*", "%", "REM "];
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(text.as_bytes(), MARKER.as_bytes()) {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let before = &text[line_start..at];
        let start = OPENERS
            .iter()
            .filter_map(|o| before.find(o))
            .min()
            .map_or(at, |i| line_start + i);
        let range = start..line_end.max(start);
        if out.last() != Some(&range) {
            out.push(range);
        }
    }
    out
}

/// The line a comment applies to: its own line when code precedes it there,
/// otherwise the next line after it that holds code (so a suppression can
/// sit above other comments, as linters' pragmas often do).
/// `comment_only` tells whether a 0-based line holds nothing but comments.
pub fn target_line(
    text: &str,
    comment_start: usize,
    comment_end: usize,
    index: &crate::text::LineIndex,
    comment_only: &dyn Fn(usize) -> bool,
) -> usize {
    let line = index.line_of(comment_start);
    let before = &text[index.line_start(line)..comment_start];
    if !before.trim().is_empty() {
        return line;
    }
    let mut target = index.line_of(comment_end.saturating_sub(1).max(comment_start)) + 1;
    while target < index.line_count()
        && (index.line_text(text, target).trim().is_empty() || comment_only(target))
    {
        target += 1;
    }
    target
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids_and_reasons() {
        assert_eq!(parse_comment("# plain comment"), Parsed::None);
        assert_eq!(
            parse_comment("# argus-ignore[python/insecure-hashing]: cache key, not security"),
            Parsed::Valid {
                ids: vec!["python/insecure-hashing".into()],
                reason: "cache key, not security".into()
            }
        );
        assert_eq!(
            parse_comment("/* argus-ignore[a/b@v1.0, c/d]: fine */"),
            Parsed::Valid {
                ids: vec!["a/b@v1.0".into(), "c/d".into()],
                reason: "fine".into()
            }
        );
        assert!(
            matches!(parse_comment("# argus-ignore"), Parsed::Invalid(m) if m.contains("names no detector"))
        );
        assert!(
            matches!(parse_comment("# argus-ignore[x/y]"), Parsed::Invalid(m) if m.contains("no reason"))
        );
        assert!(matches!(
            parse_comment("# argus-ignore[x/y]:   "),
            Parsed::Invalid(_)
        ));
    }

    #[test]
    fn covers_matching_ids_on_the_target_line() {
        let s = Suppression {
            comment_line: 3,
            target_line: 4,
            ids: vec!["python/insecure-hashing".into()],
            reason: "r".into(),
        };
        assert!(s.covers("python/insecure-hashing@v1.0", 4));
        assert!(!s.covers("python/insecure-hashing@v1.0", 3));
        assert!(!s.covers("python/insecure-hashing-extra@v1.0", 4));
        let pinned = Suppression {
            ids: vec!["python/insecure-hashing@v2.0".into()],
            ..s
        };
        assert!(!pinned.covers("python/insecure-hashing@v1.0", 4));
    }

    #[test]
    fn finds_comments_in_plain_text() {
        let text = "A=1 # argus-ignore[x/y]: fine\n# argus-ignore[x/y]: above\nB=2\n";
        let comments = text_comments(text);
        assert_eq!(comments.len(), 2);
        assert_eq!(&text[comments[0].clone()], "# argus-ignore[x/y]: fine");
        assert_eq!(&text[comments[1].clone()], "# argus-ignore[x/y]: above");
    }

    #[test]
    fn trailing_and_preceding_comments() {
        let text = "x = 1  # c\n# alone\ny = 2\n";
        let index = crate::text::LineIndex::new(text);
        let no_comments = |_: usize| false;
        let trailing = text.find("# c").unwrap();
        assert_eq!(
            target_line(text, trailing, trailing + 3, &index, &no_comments),
            0
        );
        let alone = text.find("# alone").unwrap();
        assert_eq!(target_line(text, alone, alone + 7, &index, &no_comments), 2);
        // Stacked above other comment lines and blank lines.
        let text = "# first\n# second\n\nz = 3\n";
        let index = crate::text::LineIndex::new(text);
        assert_eq!(target_line(text, 0, 7, &index, &|line| line < 2), 3);
    }
}
