//! The `Condition` element: operators, their value types, and how a
//! condition holds for a request (set qualifiers, `IfExists`, missing keys).

use std::net::IpAddr;

use super::document::PolicyError;
use super::evaluate::RequestContext;
use super::json::Json;
use super::pattern::{Glob, Template, Token};
use super::values::{
    arn_like, arn_segments, binary, boolean, cidr, compare, date, in_block, number,
};

/// What an operator compares; the `Not` forms share their positive kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    /// ArnEquals and ArnLike: IAM gives both the same wildcard semantics.
    ArnLike,
    Null,
}

/// Every operator: name, kind, negated.
const OPERATORS: &[(&str, Kind, bool)] = &[
    ("StringEquals", Kind::StringEquals, false),
    ("StringNotEquals", Kind::StringEquals, true),
    (
        "StringEqualsIgnoreCase",
        Kind::StringEqualsIgnoreCase,
        false,
    ),
    (
        "StringNotEqualsIgnoreCase",
        Kind::StringEqualsIgnoreCase,
        true,
    ),
    ("StringLike", Kind::StringLike, false),
    ("StringNotLike", Kind::StringLike, true),
    ("NumericEquals", Kind::NumericEquals, false),
    ("NumericNotEquals", Kind::NumericEquals, true),
    ("NumericLessThan", Kind::NumericLessThan, false),
    ("NumericLessThanEquals", Kind::NumericLessThanEquals, false),
    ("NumericGreaterThan", Kind::NumericGreaterThan, false),
    (
        "NumericGreaterThanEquals",
        Kind::NumericGreaterThanEquals,
        false,
    ),
    ("DateEquals", Kind::DateEquals, false),
    ("DateNotEquals", Kind::DateEquals, true),
    ("DateLessThan", Kind::DateLessThan, false),
    ("DateLessThanEquals", Kind::DateLessThanEquals, false),
    ("DateGreaterThan", Kind::DateGreaterThan, false),
    ("DateGreaterThanEquals", Kind::DateGreaterThanEquals, false),
    ("Bool", Kind::Bool, false),
    ("BinaryEquals", Kind::BinaryEquals, false),
    ("IpAddress", Kind::IpAddress, false),
    ("NotIpAddress", Kind::IpAddress, true),
    ("ArnEquals", Kind::ArnLike, false),
    ("ArnLike", Kind::ArnLike, false),
    ("ArnNotEquals", Kind::ArnLike, true),
    ("ArnNotLike", Kind::ArnLike, true),
    ("Null", Kind::Null, false),
];

const FOR_ALL: &str = "ForAllValues:";
const FOR_ANY: &str = "ForAnyValue:";
const IF_EXISTS: &str = "IfExists";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Qualifier {
    /// No prefix.
    Single,
    ForAllValues,
    ForAnyValue,
}

/// One operator applied to one key: `"StringEquals": {"aws:username": [...]}`.
#[derive(Debug, Clone)]
pub struct Condition {
    kind: Kind,
    negated: bool,
    qualifier: Qualifier,
    if_exists: bool,
    /// Lowercase: condition key names are case-insensitive.
    key: String,
    values: Vec<Template>,
}

/// Whether `name` looks like a condition key: `prefix:name`.
pub fn is_condition_key(name: &str) -> bool {
    let Some((prefix, rest)) = name.split_once(':') else {
        return false;
    };
    !prefix.is_empty()
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !rest.is_empty()
        && !rest
            .chars()
            .any(|c| c.is_control() || matches!(c, '$' | '{' | '}'))
}

/// Parses a statement's `Condition` block; `path` names it.
pub fn parse_block(
    block: &Json,
    path: &str,
    variables: bool,
) -> Result<Vec<Condition>, PolicyError> {
    let Json::Object(operators) = block else {
        return Err(PolicyError::new(
            path,
            format!(
                "must be an object mapping condition operators to keys, not {}",
                block.kind()
            ),
        ));
    };
    let mut conditions = Vec::new();
    for (operator, keys) in operators {
        let path = format!("{path}.{operator}");
        let (kind, negated, qualifier, if_exists) =
            parse_operator(operator).map_err(|m| PolicyError::new(&path, m))?;
        let Json::Object(keys) = keys else {
            return Err(PolicyError::new(
                &path,
                format!(
                    "must be an object mapping condition keys to values, not {}",
                    keys.kind()
                ),
            ));
        };
        if keys.is_empty() {
            return Err(PolicyError::new(&path, "names no condition key"));
        }
        for (key, values) in keys {
            if !is_condition_key(key) {
                return Err(PolicyError::new(
                    &path,
                    format!(
                        "`{key}` is not a condition key: expected `prefix:name`, as in `aws:SourceIp`"
                    ),
                ));
            }
            let texts = condition_values(values)
                .map_err(|m| PolicyError::new(&path, format!("`{key}` {m}")))?;
            let mut templates = Vec::with_capacity(texts.len());
            for text in texts {
                let template = if variables {
                    Template::parse(&text).map_err(|m| PolicyError::new(&path, m))?
                } else {
                    Template::literal(&text)
                };
                // Values with variables are checked once filled in.
                match template.constant() {
                    Some(constant) => check_value(kind, &constant).map_err(|m| {
                        PolicyError::new(&path, format!("`{key}` value `{constant}` {m}"))
                    })?,
                    None if kind == Kind::Null => {
                        return Err(PolicyError::new(
                            &path,
                            format!("`{key}` must be `true` or `false`, without variables"),
                        ));
                    }
                    None => {}
                }
                templates.push(template);
            }
            conditions.push(Condition {
                kind,
                negated,
                qualifier,
                if_exists,
                key: key.to_lowercase(),
                values: templates,
            });
        }
    }
    Ok(conditions)
}

fn parse_operator(name: &str) -> Result<(Kind, bool, Qualifier, bool), String> {
    let (qualifier, rest) = if let Some(rest) = name.strip_prefix(FOR_ALL) {
        (Qualifier::ForAllValues, rest)
    } else if let Some(rest) = name.strip_prefix(FOR_ANY) {
        (Qualifier::ForAnyValue, rest)
    } else {
        (Qualifier::Single, name)
    };
    let (base, if_exists) = match rest.strip_suffix(IF_EXISTS) {
        Some(base) => (base, true),
        None => (rest, false),
    };
    let Some(&(_, kind, negated)) = OPERATORS.iter().find(|(n, _, _)| *n == base) else {
        return Err(unknown_operator(name));
    };
    if kind == Kind::Null && (if_exists || qualifier != Qualifier::Single) {
        return Err(format!(
            "`{name}`: Null takes neither the IfExists suffix nor a ForAllValues/ForAnyValue prefix"
        ));
    }
    Ok((kind, negated, qualifier, if_exists))
}

fn unknown_operator(name: &str) -> String {
    let lower = name.to_lowercase();
    let mut known = Vec::new();
    for prefix in ["", FOR_ALL, FOR_ANY] {
        for (op, _, _) in OPERATORS {
            for suffix in ["", IF_EXISTS] {
                known.push(format!("{prefix}{op}{suffix}"));
            }
        }
    }
    match known.iter().find(|k| k.to_lowercase() == lower) {
        Some(k) => {
            format!("unknown condition operator `{name}` (operators are case-sensitive: `{k}`)")
        }
        None => format!(
            "unknown condition operator `{name}`; known: {}, each with an optional `IfExists` \
             suffix and `ForAllValues:`/`ForAnyValue:` prefix",
            OPERATORS
                .iter()
                .map(|(n, _, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A condition's values as text. IAM takes JSON numbers and booleans too
/// (`"Bool": {"aws:SecureTransport": false}`), as their text.
fn condition_values(json: &Json) -> Result<Vec<String>, &'static str> {
    fn scalar(json: &Json) -> Option<String> {
        match json {
            Json::String(s) | Json::Number(s) => Some(s.clone()),
            Json::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
    const EXPECTED: &str = "must map to a string or an array of strings";
    match json {
        Json::Array(items) if items.is_empty() => Err("must not map to an empty array"),
        Json::Array(items) => items.iter().map(|i| scalar(i).ok_or(EXPECTED)).collect(),
        other => scalar(other).map(|s| vec![s]).ok_or(EXPECTED),
    }
}

/// Whether a policy value suits its operator; the error completes a sentence.
fn check_value(kind: Kind, value: &str) -> Result<(), &'static str> {
    let ok = match kind {
        Kind::StringEquals | Kind::StringEqualsIgnoreCase | Kind::StringLike => true,
        Kind::NumericEquals
        | Kind::NumericLessThan
        | Kind::NumericLessThanEquals
        | Kind::NumericGreaterThan
        | Kind::NumericGreaterThanEquals => number(value).is_some(),
        Kind::DateEquals
        | Kind::DateLessThan
        | Kind::DateLessThanEquals
        | Kind::DateGreaterThan
        | Kind::DateGreaterThanEquals => date(value).is_some(),
        Kind::Bool | Kind::Null => boolean(value).is_some(),
        Kind::BinaryEquals => binary(value).is_some(),
        Kind::IpAddress => cidr(value).is_some(),
        Kind::ArnLike => arn_segments(value).is_some(),
    };
    if ok {
        return Ok(());
    }
    Err(match kind {
        Kind::Bool | Kind::Null => "must be `true` or `false`",
        Kind::BinaryEquals => "is not base64",
        Kind::IpAddress => "is not an IP address or CIDR block (`203.0.113.0/24`, `2001:db8::/32`)",
        Kind::ArnLike => "is not an ARN (`arn:partition:service:region:account:resource`)",
        Kind::DateEquals
        | Kind::DateLessThan
        | Kind::DateLessThanEquals
        | Kind::DateGreaterThan
        | Kind::DateGreaterThanEquals => {
            "is not a date (`2026-11-28T00:00:00Z`, `2026-11-28` or epoch seconds)"
        }
        _ => "is not a number",
    })
}

/// A policy value filled in for one request.
enum Resolved {
    Text(String),
    Pattern(Vec<Token>),
}

impl Condition {
    /// Whether the condition holds for `context`.
    pub fn holds(&self, context: &RequestContext) -> bool {
        let request = context.get(&self.key).filter(|v| !v.is_empty());
        if self.kind == Kind::Null {
            let present = request.is_some();
            return self
                .values
                .iter()
                .any(|v| match v.constant().as_deref().and_then(boolean) {
                    Some(absent) => absent != present,
                    None => false,
                });
        }
        let Some(request) = request else {
            return self.if_exists
                || match self.qualifier {
                    Qualifier::ForAllValues => true,
                    Qualifier::ForAnyValue => false,
                    // IAM: a negated operator on a missing key holds.
                    Qualifier::Single => self.negated,
                };
        };
        // A value naming an unset variable matches no request value.
        let policy: Vec<Resolved> = self
            .values
            .iter()
            .filter_map(|t| match self.kind {
                Kind::StringLike | Kind::ArnLike => t.pattern(context).map(Resolved::Pattern),
                _ => t.text(context).map(Resolved::Text),
            })
            .collect();
        // Policy values are OR'ed; a negated operator wants none to match.
        let fits = |value: &String| policy.iter().any(|p| self.matches(p, value)) != self.negated;
        match self.qualifier {
            Qualifier::ForAllValues => request.iter().all(fits),
            Qualifier::ForAnyValue => request.iter().any(fits),
            // Without a qualifier a multi-valued key behaves as IAM does in
            // practice: any value for a positive operator, none for a negated one.
            Qualifier::Single if self.negated => request.iter().all(fits),
            Qualifier::Single => request.iter().any(fits),
        }
    }

    /// Whether one request value matches one policy value (positive sense).
    fn matches(&self, policy: &Resolved, request: &str) -> bool {
        let text = match policy {
            Resolved::Pattern(tokens) => {
                return match self.kind {
                    Kind::ArnLike => arn_like(tokens, request),
                    _ => Glob::EXACT.matches(tokens, request),
                };
            }
            Resolved::Text(text) => text.as_str(),
        };
        match self.kind {
            Kind::StringEquals => text == request,
            Kind::StringEqualsIgnoreCase => text.to_lowercase() == request.to_lowercase(),
            Kind::NumericEquals => compare(number(request), number(text), |r, p| r == p),
            Kind::NumericLessThan => compare(number(request), number(text), |r, p| r < p),
            Kind::NumericLessThanEquals => compare(number(request), number(text), |r, p| r <= p),
            Kind::NumericGreaterThan => compare(number(request), number(text), |r, p| r > p),
            Kind::NumericGreaterThanEquals => compare(number(request), number(text), |r, p| r >= p),
            Kind::DateEquals => compare(date(request), date(text), |r, p| r == p),
            Kind::DateLessThan => compare(date(request), date(text), |r, p| r < p),
            Kind::DateLessThanEquals => compare(date(request), date(text), |r, p| r <= p),
            Kind::DateGreaterThan => compare(date(request), date(text), |r, p| r > p),
            Kind::DateGreaterThanEquals => compare(date(request), date(text), |r, p| r >= p),
            Kind::Bool => compare(boolean(request), boolean(text), |r, p| r == p),
            Kind::BinaryEquals => compare(binary(request), binary(text), |r, p| r == p),
            Kind::IpAddress => match (request.parse::<IpAddr>(), cidr(text)) {
                (Ok(ip), Some(block)) => in_block(ip, block),
                _ => false,
            },
            // Resolved as patterns above; Null never gets here.
            Kind::StringLike | Kind::ArnLike | Kind::Null => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One condition block, in a 2012-10-17 document.
    fn block(json: &str) -> Result<Vec<Condition>, PolicyError> {
        parse_block(&super::super::json::parse(json).unwrap(), "Condition", true)
    }

    fn holds(json: &str, context: &RequestContext) -> bool {
        block(json).unwrap().iter().all(|c| c.holds(context))
    }

    fn ctx(keys: &[(&str, &[&str])]) -> RequestContext {
        let mut c = RequestContext::new("codeguru-security:GetScan", "*");
        for (k, v) in keys {
            c.set(k, v.iter().map(|s| s.to_string()).collect());
        }
        c
    }

    #[test]
    fn string_operators() {
        let c = ctx(&[("aws:username", &["Alice"])]);
        let table: &[(&str, bool)] = &[
            (r#"{"StringEquals": {"aws:username": "Alice"}}"#, true),
            (r#"{"StringEquals": {"aws:username": "alice"}}"#, false),
            (
                r#"{"StringEquals": {"aws:username": ["bob", "Alice"]}}"#,
                true,
            ),
            (r#"{"StringNotEquals": {"aws:username": "Alice"}}"#, false),
            (
                r#"{"StringNotEquals": {"aws:username": ["bob", "carol"]}}"#,
                true,
            ),
            (
                r#"{"StringNotEquals": {"aws:username": ["bob", "Alice"]}}"#,
                false,
            ),
            (
                r#"{"StringEqualsIgnoreCase": {"aws:username": "ALICE"}}"#,
                true,
            ),
            (
                r#"{"StringNotEqualsIgnoreCase": {"aws:username": "alice"}}"#,
                false,
            ),
            (
                r#"{"StringNotEqualsIgnoreCase": {"aws:username": "bob"}}"#,
                true,
            ),
            (r#"{"StringLike": {"aws:username": "A*"}}"#, true),
            (r#"{"StringLike": {"aws:username": "a*"}}"#, false),
            (r#"{"StringLike": {"aws:username": "Al?ce"}}"#, true),
            (r#"{"StringNotLike": {"aws:username": ["b*", "c*"]}}"#, true),
            (r#"{"StringNotLike": {"aws:username": "*ice"}}"#, false),
            // StringEquals takes `*` literally.
            (r#"{"StringEquals": {"aws:username": "*"}}"#, false),
            // Key names are case-insensitive.
            (r#"{"StringEquals": {"AWS:UserName": "Alice"}}"#, true),
            // Keys and operators AND together.
            (
                r#"{"StringEquals": {"aws:username": "Alice"}, "StringLike": {"aws:username": "B*"}}"#,
                false,
            ),
        ];
        for &(json, expected) in table {
            assert_eq!(holds(json, &c), expected, "{json}");
        }
    }

    #[test]
    fn missing_keys() {
        let c = ctx(&[]);
        let table: &[(&str, bool)] = &[
            (r#"{"StringEquals": {"aws:username": "a"}}"#, false),
            (r#"{"StringLike": {"aws:username": "*"}}"#, false),
            (r#"{"NumericLessThan": {"aws:EpochTime": "1"}}"#, false),
            (r#"{"Bool": {"aws:SecureTransport": "false"}}"#, false),
            (r#"{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#, false),
            // Negated operators hold on a missing key.
            (r#"{"StringNotEquals": {"aws:username": "a"}}"#, true),
            (r#"{"StringNotLike": {"aws:username": "a"}}"#, true),
            (r#"{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, true),
            (
                r#"{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::1:user/*"}}"#,
                true,
            ),
            (r#"{"NumericNotEquals": {"aws:EpochTime": "1"}}"#, true),
            (
                r#"{"DateNotEquals": {"aws:CurrentTime": "2026-01-01"}}"#,
                true,
            ),
            // IfExists: a missing key passes.
            (r#"{"StringEqualsIfExists": {"aws:username": "a"}}"#, true),
            (
                r#"{"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}"#,
                true,
            ),
            (
                r#"{"StringNotEqualsIfExists": {"aws:username": "a"}}"#,
                true,
            ),
            // Set qualifiers.
            (
                r#"{"ForAllValues:StringEquals": {"aws:TagKeys": "a"}}"#,
                true,
            ),
            (
                r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}"#,
                false,
            ),
            (
                r#"{"ForAnyValue:StringEqualsIfExists": {"aws:TagKeys": "a"}}"#,
                true,
            ),
            // Null.
            (r#"{"Null": {"aws:username": "true"}}"#, true),
            (r#"{"Null": {"aws:username": "false"}}"#, false),
            (r#"{"Null": {"aws:username": true}}"#, true),
        ];
        for &(json, expected) in table {
            assert_eq!(holds(json, &c), expected, "{json}");
        }
        // An empty multi-valued key counts as missing.
        let empty = ctx(&[("aws:TagKeys", &[])]);
        assert!(holds(r#"{"Null": {"aws:TagKeys": "true"}}"#, &empty));
        assert!(holds(
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": "a"}}"#,
            &empty
        ));
        assert!(!holds(
            r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}"#,
            &empty
        ));
        let present = ctx(&[("aws:username", &["x"])]);
        assert!(holds(r#"{"Null": {"aws:username": "false"}}"#, &present));
        assert!(!holds(r#"{"Null": {"aws:username": "true"}}"#, &present));
        assert!(!holds(
            r#"{"StringEqualsIfExists": {"aws:username": "a"}}"#,
            &present
        ));
    }

    #[test]
    fn multi_valued_keys() {
        let c = ctx(&[("aws:TagKeys", &["team", "env"])]);
        let table: &[(&str, bool)] = &[
            (
                r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env", "cost"]}}"#,
                true,
            ),
            (
                r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}"#,
                false,
            ),
            (
                r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}"#,
                true,
            ),
            (
                r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["cost"]}}"#,
                false,
            ),
            (
                r#"{"ForAllValues:StringLike": {"aws:TagKeys": ["t*", "e*"]}}"#,
                true,
            ),
            (
                r#"{"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team"]}}"#,
                true,
            ),
            (
                r#"{"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team", "env"]}}"#,
                false,
            ),
            (
                r#"{"ForAllValues:StringNotEquals": {"aws:TagKeys": ["cost"]}}"#,
                true,
            ),
            (
                r#"{"ForAllValues:StringNotEquals": {"aws:TagKeys": ["env"]}}"#,
                false,
            ),
            // No qualifier: positive = any value matches; negated = none does.
            (r#"{"StringEquals": {"aws:TagKeys": "env"}}"#, true),
            (r#"{"StringEquals": {"aws:TagKeys": "cost"}}"#, false),
            (r#"{"StringNotEquals": {"aws:TagKeys": "env"}}"#, false),
            (r#"{"StringNotEquals": {"aws:TagKeys": "cost"}}"#, true),
        ];
        for &(json, expected) in table {
            assert_eq!(holds(json, &c), expected, "{json}");
        }
    }

    #[test]
    fn numeric_operators() {
        let c = ctx(&[("s:n", &["10"])]);
        let table: &[(&str, bool)] = &[
            (r#"{"NumericEquals": {"s:n": "10"}}"#, true),
            (r#"{"NumericEquals": {"s:n": 10}}"#, true),
            (r#"{"NumericEquals": {"s:n": "10.0"}}"#, true),
            (r#"{"NumericNotEquals": {"s:n": "10"}}"#, false),
            (r#"{"NumericNotEquals": {"s:n": ["1", "2"]}}"#, true),
            (r#"{"NumericLessThan": {"s:n": "11"}}"#, true),
            (r#"{"NumericLessThan": {"s:n": "10"}}"#, false),
            (r#"{"NumericLessThanEquals": {"s:n": "10"}}"#, true),
            (r#"{"NumericGreaterThan": {"s:n": "9.5"}}"#, true),
            (r#"{"NumericGreaterThan": {"s:n": "10"}}"#, false),
            (r#"{"NumericGreaterThanEquals": {"s:n": "-3"}}"#, true),
        ];
        for &(json, expected) in table {
            assert_eq!(holds(json, &c), expected, "{json}");
        }
        // A request value that is not a number matches nothing.
        assert!(!holds(
            r#"{"NumericEquals": {"s:n": "10"}}"#,
            &ctx(&[("s:n", &["ten"])])
        ));
    }

    #[test]
    fn date_operators() {
        let c = ctx(&[("aws:CurrentTime", &["2026-11-28T12:00:00Z"])]);
        let table: &[(&str, bool)] = &[
            (
                r#"{"DateLessThan": {"aws:CurrentTime": "2026-11-29T00:00:00Z"}}"#,
                true,
            ),
            (
                r#"{"DateLessThan": {"aws:CurrentTime": "2026-11-28"}}"#,
                false,
            ),
            (
                r#"{"DateGreaterThan": {"aws:CurrentTime": "2026-11-28"}}"#,
                true,
            ),
            (
                r#"{"DateGreaterThanEquals": {"aws:CurrentTime": "2026-11-28T12:00:00Z"}}"#,
                true,
            ),
            (
                r#"{"DateLessThanEquals": {"aws:CurrentTime": "2026-11-28T12:00:00Z"}}"#,
                true,
            ),
            (
                r#"{"DateEquals": {"aws:CurrentTime": "2026-11-28T14:00:00+02:00"}}"#,
                true,
            ),
            (r#"{"DateEquals": {"aws:CurrentTime": "1795867200"}}"#, true),
            (
                r#"{"DateNotEquals": {"aws:CurrentTime": "1795867200"}}"#,
                false,
            ),
            (r#"{"DateGreaterThan": {"aws:CurrentTime": 0}}"#, true),
            (
                r#"{"DateLessThan": {"aws:CurrentTime": "2026-11-28T12:00:00.5Z"}}"#,
                true,
            ),
        ];
        for &(json, expected) in table {
            assert_eq!(holds(json, &c), expected, "{json}");
        }
        // aws:EpochTime compares with dates too.
        let e = ctx(&[("aws:EpochTime", &["1795867200"])]);
        assert!(holds(
            r#"{"DateEquals": {"aws:EpochTime": "2026-11-28T12:00:00Z"}}"#,
            &e
        ));
    }

    #[test]
    fn bool_binary_and_arn_operators() {
        let c = ctx(&[
            ("aws:SecureTransport", &["true"]),
            ("s:blob", &["aGVsbG8="]),
            (
                "aws:PrincipalArn",
                &["arn:aws:iam::123456789012:user/team/alice"],
            ),
        ]);
        let table: &[(&str, bool)] = &[
            (r#"{"Bool": {"aws:SecureTransport": "true"}}"#, true),
            (r#"{"Bool": {"aws:SecureTransport": true}}"#, true),
            (r#"{"Bool": {"aws:SecureTransport": "TRUE"}}"#, true),
            (r#"{"Bool": {"aws:SecureTransport": "false"}}"#, false),
            (r#"{"BinaryEquals": {"s:blob": "aGVsbG8="}}"#, true),
            (r#"{"BinaryEquals": {"s:blob": "aGVsbG9v"}}"#, false),
            (
                r#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/team/alice"}}"#,
                true,
            ),
            (
                r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/team/*"}}"#,
                true,
            ),
            (
                r#"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::*:user/team/*"}}"#,
                true,
            ),
            (
                r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/other/*"}}"#,
                false,
            ),
            (
                r#"{"ArnLike": {"aws:PrincipalArn": "arn:*:*:*:*:*"}}"#,
                true,
            ),
            // Each part is matched alone: `alice` is not `user/team/alice`.
            (
                r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam:*:*:alice"}}"#,
                false,
            ),
            (
                r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam:*:*:*alice"}}"#,
                true,
            ),
            (
                r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:User/team/alice"}}"#,
                false,
            ),
            (
                r#"{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}"#,
                true,
            ),
            (
                r#"{"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::*:user/*"}}"#,
                false,
            ),
        ];
        for &(json, expected) in table {
            assert_eq!(holds(json, &c), expected, "{json}");
        }
        // A request value that is no ARN matches no ARN pattern.
        let odd = ctx(&[("aws:PrincipalArn", &["alice"])]);
        assert!(!holds(
            r#"{"ArnLike": {"aws:PrincipalArn": "arn:*:*:*:*:*"}}"#,
            &odd
        ));
    }

    #[test]
    fn ip_address_operators() {
        let table: &[(&str, &str, bool)] = &[
            ("203.0.113.7", "203.0.113.0/24", true),
            ("203.0.114.7", "203.0.113.0/24", false),
            ("203.0.113.7", "203.0.113.7", true),
            ("203.0.113.8", "203.0.113.7", false),
            ("10.1.2.3", "0.0.0.0/0", true),
            ("10.1.2.3", "10.1.2.0/31", false),
            ("2001:db8::1", "2001:db8::/32", true),
            ("2001:db9::1", "2001:db8::/32", false),
            ("2001:db8::1", "2001:db8::1", true),
            ("2001:db8::1", "::/0", true),
            ("2001:db8::1", "0.0.0.0/0", false),
            ("10.1.2.3", "::/0", false),
            // A v4 client through a dual-stack socket.
            ("::ffff:10.1.2.3", "10.0.0.0/8", true),
            ("not-an-ip", "0.0.0.0/0", false),
        ];
        for &(ip, block_text, expected) in table {
            let c = ctx(&[("aws:SourceIp", &[ip])]);
            let json = format!(r#"{{"IpAddress": {{"aws:SourceIp": "{block_text}"}}}}"#);
            assert_eq!(holds(&json, &c), expected, "{ip} in {block_text}");
            let json = format!(r#"{{"NotIpAddress": {{"aws:SourceIp": "{block_text}"}}}}"#);
            assert_eq!(holds(&json, &c), !expected, "{ip} not in {block_text}");
        }
    }

    #[test]
    fn variables_in_values() {
        let c = ctx(&[
            ("aws:username", &["alice"]),
            ("aws:ResourceTag/Owner", &["alice"]),
            ("aws:PrincipalTag/team", &["red"]),
            ("aws:RequestTag/team", &["red"]),
        ]);
        assert!(holds(
            r#"{"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}}"#,
            &c
        ));
        assert!(holds(
            r#"{"StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/team}"}}"#,
            &c
        ));
        assert!(holds(
            r#"{"StringLike": {"aws:ResourceTag/Owner": "${aws:username}*"}}"#,
            &c
        ));
        // An unset variable: the value matches nothing.
        assert!(!holds(
            r#"{"StringEquals": {"aws:ResourceTag/Owner": "${aws:userid}"}}"#,
            &c
        ));
        assert!(holds(
            r#"{"StringNotEquals": {"aws:ResourceTag/Owner": "${aws:userid}"}}"#,
            &c
        ));
        // Without variables (2008-10-17) the text is literal.
        let literal = parse_block(
            &super::super::json::parse(r#"{"StringEquals": {"aws:username": "${aws:username}"}}"#)
                .unwrap(),
            "Condition",
            false,
        )
        .unwrap();
        assert!(!literal[0].holds(&c));
        assert!(literal[0].holds(&ctx(&[("aws:username", &["${aws:username}"])])));
    }

    #[test]
    fn malformed_blocks_name_the_operator() {
        let table: &[(&str, &str)] = &[
            (
                r#"[]"#,
                "Condition: must be an object mapping condition operators",
            ),
            (
                r#"{"StringEquals": "a"}"#,
                "Condition.StringEquals: must be an object mapping condition keys",
            ),
            (
                r#"{"StringEquals": {}}"#,
                "Condition.StringEquals: names no condition key",
            ),
            (
                r#"{"StringLike": {"aws:TagKeys": {"a": 1}}}"#,
                "Condition.StringLike: `aws:TagKeys` must map to a string or an array of strings",
            ),
            (
                r#"{"StringLike": {"aws:TagKeys": []}}"#,
                "`aws:TagKeys` must not map to an empty array",
            ),
            (
                r#"{"StringLike": {"aws:TagKeys": [null]}}"#,
                "must map to a string or an array of strings",
            ),
            (
                r#"{"StringEqual": {"aws:username": "a"}}"#,
                "unknown condition operator `StringEqual`",
            ),
            (
                r#"{"stringequals": {"aws:username": "a"}}"#,
                "case-sensitive: `StringEquals`",
            ),
            (
                r#"{"ForAnyValues:StringEquals": {"aws:username": "a"}}"#,
                "unknown condition operator",
            ),
            (
                r#"{"NullIfExists": {"aws:username": "true"}}"#,
                "Null takes neither",
            ),
            (
                r#"{"Null": {"aws:username": "yes"}}"#,
                "must be `true` or `false`",
            ),
            (
                r#"{"StringEquals": {"username": "a"}}"#,
                "`username` is not a condition key",
            ),
            (
                r#"{"NumericLessThan": {"s:n": "ten"}}"#,
                "`s:n` value `ten` is not a number",
            ),
            (r#"{"NumericLessThan": {"s:n": "inf"}}"#, "is not a number"),
            (
                r#"{"DateLessThan": {"aws:CurrentTime": "yesterday"}}"#,
                "is not a date",
            ),
            (
                r#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}"#,
                "is not an IP address",
            ),
            (
                r#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/"}}"#,
                "is not an IP address",
            ),
            (
                r#"{"ArnLike": {"aws:PrincipalArn": "user/alice"}}"#,
                "is not an ARN",
            ),
            // Fewer than six parts: a `*` cannot stand for several.
            (
                r#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:*:user/alice"}}"#,
                "is not an ARN",
            ),
            (
                r#"{"Bool": {"aws:SecureTransport": "yes"}}"#,
                "must be `true` or `false`",
            ),
            (r#"{"BinaryEquals": {"s:b": "!!"}}"#, "is not base64"),
            (
                r#"{"StringEquals": {"aws:username": "${aws:username"}}"#,
                "without its closing",
            ),
        ];
        for &(json, expected) in table {
            let err = block(json).unwrap_err().to_string();
            assert!(err.contains(expected), "{json}: {err}");
        }
    }
}
