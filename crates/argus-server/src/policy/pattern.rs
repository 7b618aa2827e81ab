//! Wildcard patterns (`*`, `?`) and policy variables (`${aws:username}`).
//!
//! A value from a 2012-10-17 policy is a [`Template`]: text with wildcards,
//! variables filled from the request, and the escapes `${*}`, `${?}` and
//! `${$}` that stand for a literal `*`, `?` or `$`. Whatever a variable or an
//! escape produces is literal: a tag value can never smuggle a wildcard in.

use super::evaluate::RequestContext;

/// One element of a resolved pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Char(char),
    /// `*`: any run of characters.
    Any,
    /// `?`: any one character.
    One,
}

/// How characters compare and whether wildcards stop at colons.
#[derive(Debug, Clone, Copy)]
pub struct Glob {
    pub ignore_case: bool,
    /// The `Resource` element's rule: `*` and `?` stay within one colon-separated
    /// ARN segment, except that a `*` ending a segment (or the pattern) may run on.
    pub arn_segments: bool,
}

impl Glob {
    pub const EXACT: Glob = Glob {
        ignore_case: false,
        arn_segments: false,
    };
    pub const IGNORE_CASE: Glob = Glob {
        ignore_case: true,
        arn_segments: false,
    };
    pub const RESOURCE: Glob = Glob {
        ignore_case: false,
        arn_segments: true,
    };

    /// Whether `pattern` matches all of `text`. Dynamic programming over the
    /// text, one row per token: O(pattern × text) time, no recursion, no
    /// exponential blow-up on `*a*a*a*b` patterns.
    pub fn matches(self, pattern: &[Token], text: &str) -> bool {
        if pattern == [Token::Any] && !self.arn_segments {
            return true;
        }
        let text: Vec<char> = text.chars().collect();
        let n = text.len();
        let mut row = vec![false; n + 1];
        row[0] = true;
        let mut next = vec![false; n + 1];
        for (i, token) in pattern.iter().enumerate() {
            next.fill(false);
            match *token {
                Token::Any => {
                    let spans = !self.arn_segments
                        || matches!(pattern.get(i + 1), None | Some(Token::Char(':')));
                    next[0] = row[0];
                    for j in 1..=n {
                        next[j] = row[j] || (next[j - 1] && (spans || text[j - 1] != ':'));
                    }
                }
                Token::One => {
                    for j in 1..=n {
                        next[j] = row[j - 1] && !(self.arn_segments && text[j - 1] == ':');
                    }
                }
                Token::Char(c) => {
                    for j in 1..=n {
                        next[j] = row[j - 1] && self.same(c, text[j - 1]);
                    }
                }
            }
            std::mem::swap(&mut row, &mut next);
            if !row.contains(&true) {
                return false;
            }
        }
        row[n]
    }

    fn same(self, a: char, b: char) -> bool {
        a == b || (self.ignore_case && a.to_lowercase().eq(b.to_lowercase()))
    }
}

/// Plain text to tokens: `*` and `?` are wildcards.
pub fn tokens(text: &str) -> Vec<Token> {
    text.chars()
        .map(|c| match c {
            '*' => Token::Any,
            '?' => Token::One,
            c => Token::Char(c),
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Text as written; `*` and `?` in it are wildcards.
    Text(String),
    /// `${key}` or `${key, 'default'}`; `key` is lowercase.
    Var {
        key: String,
        default: Option<String>,
    },
    /// `${*}`, `${?}`, `${$}`.
    Literal(char),
}

/// A policy value, possibly with variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Text taken as it is (2008-10-17 documents have no variables).
    pub fn literal(text: &str) -> Template {
        Template {
            parts: vec![Part::Text(text.to_owned())],
        }
    }

    /// Parses `${...}` variables out of `text`.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            if start > 0 {
                parts.push(Part::Text(rest[..start].to_owned()));
            }
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| format!("`{text}` has a `${{` without its closing `}}`"))?;
            parts.push(variable(&after[..end])?);
            rest = &after[end + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Template { parts })
    }

    /// The text when the template has no variables (escapes are resolved).
    pub fn constant(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Literal(c) => out.push(*c),
                Part::Var { .. } => return None,
            }
        }
        Some(out)
    }

    /// The text with variables filled in; `None` when one is not set in the
    /// request (and has no default) or has several values.
    pub fn text(&self, context: &RequestContext) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Literal(c) => out.push(*c),
                Part::Var { key, default } => out.push_str(lookup(context, key, default)?),
            }
        }
        Some(out)
    }

    /// Like [`Template::text`], as a wildcard pattern: only the template's
    /// own text carries wildcards.
    pub fn pattern(&self, context: &RequestContext) -> Option<Vec<Token>> {
        let mut out = Vec::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.extend(tokens(t)),
                Part::Literal(c) => out.push(Token::Char(*c)),
                Part::Var { key, default } => {
                    out.extend(lookup(context, key, default)?.chars().map(Token::Char));
                }
            }
        }
        Some(out)
    }
}

fn lookup<'a>(
    context: &'a RequestContext,
    key: &str,
    default: &'a Option<String>,
) -> Option<&'a str> {
    match context.get(key) {
        Some([one]) => Some(one.as_str()),
        Some([]) | None => default.as_deref(),
        // A multi-valued key has no single value to put in a string.
        Some(_) => None,
    }
}

/// The inside of `${...}`.
fn variable(inside: &str) -> Result<Part, String> {
    match inside {
        "*" => return Ok(Part::Literal('*')),
        "?" => return Ok(Part::Literal('?')),
        "$" => return Ok(Part::Literal('$')),
        _ => {}
    }
    let (name, default) = match inside.split_once(',') {
        None => (inside.trim(), None),
        Some((name, default)) => {
            let quoted = default.trim();
            let value = quoted
                .strip_prefix('\'')
                .and_then(|q| q.strip_suffix('\''))
                .filter(|v| !v.contains('\''))
                .ok_or_else(|| {
                    format!(
                        "the default in `${{{inside}}}` must be one single-quoted string, \
                         as in `${{aws:username, 'guest'}}`"
                    )
                })?;
            (name.trim(), Some(value.to_owned()))
        }
    };
    if !super::condition::is_condition_key(name) {
        return Err(format!(
            "`${{{inside}}}` is not a policy variable: expected a condition key such as \
             `${{aws:username}}`, or `${{*}}`, `${{?}}`, `${{$}}`"
        ));
    }
    Ok(Part::Var {
        key: name.to_lowercase(),
        default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob(g: Glob, pattern: &str, text: &str) -> bool {
        g.matches(&tokens(pattern), text)
    }

    #[test]
    fn wildcards() {
        let table: &[(&str, &str, bool)] = &[
            ("*", "", true),
            ("*", "anything:at/all", true),
            ("a*", "a", true),
            ("a*c", "abbbc", true),
            ("a*c", "abbb", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("a?c", "abbc", false),
            ("*a*a*a*a*a*b", &"a".repeat(200), false),
            ("", "", true),
            ("", "a", false),
            ("é*", "éa", true),
        ];
        for &(pattern, text, expected) in table {
            assert_eq!(
                glob(Glob::EXACT, pattern, text),
                expected,
                "{pattern} ~ {text}"
            );
        }
        assert!(!glob(Glob::EXACT, "Get*", "getScan"));
        assert!(glob(Glob::IGNORE_CASE, "Get*", "getScan"));
    }

    #[test]
    fn resource_wildcards_stay_in_their_segment() {
        let table: &[(&str, &str, bool)] = &[
            ("arn:aws:s3:::*", "arn:aws:s3:::bucket/key", true),
            // A `*` that ends a segment may cross colons.
            ("arn:aws:s3:::*", "arn:aws:s3:::a:b", true),
            ("arn:*", "arn:aws:iam::123:user/x", true),
            (
                "arn:aws:codeguru-security:*:*:scans/*",
                "arn:aws:codeguru-security:us-east-1:123456789012:scans/x",
                true,
            ),
            // A `*` inside a segment may not.
            ("arn:aws:iam::*x:user/a", "arn:aws:iam::1:2x:user/a", false),
            ("arn:aws:iam::1?2:user/a", "arn:aws:iam::1:2:user/a", false),
            ("arn:aws:iam::1?2:user/a", "arn:aws:iam::1x2:user/a", true),
            // Case-sensitive.
            ("arn:aws:iam::1:user/Bob", "arn:aws:iam::1:user/bob", false),
            // A bare `*` matches everything, even a bare `*`.
            ("*", "*", true),
        ];
        for &(pattern, text, expected) in table {
            assert_eq!(
                glob(Glob::RESOURCE, pattern, text),
                expected,
                "{pattern} ~ {text}"
            );
        }
    }

    #[test]
    fn variables_and_escapes() {
        let mut ctx = RequestContext::new("a:b", "*");
        ctx.set("aws:username", vec!["bob".into()]);
        ctx.set("aws:TagKeys", vec!["a".into(), "b".into()]);
        ctx.set("aws:PrincipalTag/team", vec!["a*".into()]);
        let t = Template::parse("user/${aws:username}/${*}${?}${$}").unwrap();
        assert_eq!(t.text(&ctx).as_deref(), Some("user/bob/*?$"));
        assert_eq!(t.constant(), None);
        let p = t.pattern(&ctx).unwrap();
        assert!(Glob::EXACT.matches(&p, "user/bob/*?$"));
        assert!(!Glob::EXACT.matches(&p, "user/bob/x?$"));
        // Key names are case-insensitive; values from variables are literal.
        let t = Template::parse("${AWS:PrincipalTag/Team}x").unwrap();
        let p = t.pattern(&ctx).unwrap();
        assert!(Glob::EXACT.matches(&p, "a*x"));
        assert!(!Glob::EXACT.matches(&p, "abx"));
        // Unset, or multi-valued: no value. Defaults fill unset keys.
        assert_eq!(Template::parse("${aws:userid}").unwrap().text(&ctx), None);
        assert_eq!(Template::parse("${aws:TagKeys}").unwrap().text(&ctx), None);
        let t = Template::parse("${aws:userid, 'none'}-${aws:username,'x'}").unwrap();
        assert_eq!(t.text(&ctx).as_deref(), Some("none-bob"));
        // Literal templates keep `${...}` as text.
        assert_eq!(
            Template::literal("${aws:username}").text(&ctx).as_deref(),
            Some("${aws:username}")
        );
        assert_eq!(
            Template::parse("a${*}b").unwrap().constant().as_deref(),
            Some("a*b")
        );
    }

    #[test]
    fn malformed_variables() {
        for bad in [
            "${aws:username",
            "${}",
            "${username}",
            "${aws:username, guest}",
            "${aws:x, 'a'b'}",
        ] {
            assert!(Template::parse(bad).is_err(), "{bad}");
        }
    }
}
