//! The JSON layer under the policy parser: a small value tree that keeps
//! object keys in order and refuses duplicate keys.
//!
//! `serde_json::Value` silently keeps the last of two equal keys, so
//! `{"Effect": "Deny", "Effect": "Allow"}` would read as an Allow: in an
//! access-control document that ambiguity must be an error instead. Size and
//! nesting are checked before serde sees the text, so hostile input costs a
//! linear scan and can never exhaust the stack.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// At most this many non-whitespace characters. IAM allows 6,144 for a
/// managed policy (whitespace not counted); argus is more generous.
pub const MAX_POLICY_CHARS: usize = 10_240;
/// At most this many bytes in all, whitespace included, to bound the work.
pub const MAX_POLICY_BYTES: usize = 131_072;
/// The policy grammar nests 6 deep (document, Statement array, statement,
/// Condition, operator, key, value array): anything deeper is not a policy.
pub const MAX_DEPTH: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// A number, as its text (condition values compare numbers as text).
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// What kind of value this is, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

/// Checks the limits, then parses. The error is a sentence without a path.
pub fn parse(text: &str) -> Result<Json, String> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(format!(
            "is {} bytes, over the {MAX_POLICY_BYTES}-byte limit",
            text.len()
        ));
    }
    let chars = text.chars().filter(|c| !c.is_whitespace()).count();
    if chars > MAX_POLICY_CHARS {
        return Err(format!(
            "has {chars} characters (whitespace not counted), over the \
             {MAX_POLICY_CHARS}-character limit"
        ));
    }
    let depth = max_depth(text);
    if depth > MAX_DEPTH {
        return Err(format!(
            "nests {depth} levels deep; a policy never nests more than {MAX_DEPTH}"
        ));
    }
    serde_json::from_str::<Json>(text).map_err(|e| format!("not valid JSON: {e}"))
}

/// The deepest bracket nesting outside strings. Malformed text is fine here:
/// serde reports the syntax error afterwards.
fn max_depth(text: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.to_string()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.to_string()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Number(v.to_string()))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries: Vec<(String, Json)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(Json::Object(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_numbers_as_text() {
        let json = parse(r#"{"b": 1, "a": [true, null, 2.5, "x"]}"#).unwrap();
        assert_eq!(
            json,
            Json::Object(vec![
                ("b".into(), Json::Number("1".into())),
                (
                    "a".into(),
                    Json::Array(vec![
                        Json::Bool(true),
                        Json::Null,
                        Json::Number("2.5".into()),
                        Json::String("x".into()),
                    ])
                ),
            ])
        );
    }

    #[test]
    fn refuses_duplicate_keys_with_position() {
        let err = parse(r#"{"Effect": "Deny", "Effect": "Allow"}"#).unwrap_err();
        assert!(err.contains("duplicate key `Effect`"), "{err}");
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn refuses_deep_nesting_without_recursing() {
        let deep = "[".repeat(5_000);
        let err = parse(&deep).unwrap_err();
        assert!(err.contains("nests 5000 levels"), "{err}");
        // Brackets inside strings do not count.
        let text = format!(r#"{{"Id": "{}"}}"#, "[".repeat(50));
        assert!(parse(&text).is_ok());
    }

    #[test]
    fn refuses_oversized_documents() {
        let big = format!(r#"{{"Id": "{}"}}"#, "a".repeat(MAX_POLICY_CHARS));
        assert!(parse(&big).unwrap_err().contains("10240-character limit"));
        // Whitespace does not count against the character limit...
        let padded = format!("{}{{}}", " ".repeat(MAX_POLICY_CHARS + 10));
        assert!(parse(&padded).is_ok());
        // ...but does against the byte limit.
        let huge = format!("{}{{}}", " ".repeat(MAX_POLICY_BYTES));
        assert!(parse(&huge).unwrap_err().contains("byte limit"));
    }
}
