//! Parsing and validating an identity-based policy document. Every error
//! names where it is (`Statement[1].Action[0]`) and why.

use std::str::FromStr;

use super::condition::{self, Condition};
use super::json::{self, Json};
use super::pattern::{Template, Token, tokens};

/// Why a policy document was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct PolicyError {
    path: String,
    message: String,
}

impl PolicyError {
    pub(crate) fn new(path: &str, message: impl Into<String>) -> PolicyError {
        PolicyError {
            path: path.to_owned(),
            message: message.into(),
        }
    }

    /// Where in the document: `Statement[1].Condition.StringLike`, or
    /// `policy document` for the document as a whole.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Why, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

const DOCUMENT: &str = "policy document";
const VERSION_2012: &str = "2012-10-17";
const VERSION_2008: &str = "2008-10-17";

/// A parsed identity-based policy document.
#[derive(Debug, Clone)]
pub struct Policy {
    source: String,
    version: &'static str,
    id: Option<String>,
    statements: Vec<Statement>,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`.
#[derive(Debug, Clone)]
pub(crate) struct Scope<T> {
    pub negated: bool,
    pub patterns: Vec<T>,
}

#[derive(Debug, Clone)]
pub(crate) struct Statement {
    pub sid: Option<String>,
    pub deny: bool,
    /// As written, for [`Policy::unmatched_action_patterns`].
    pub action_text: Vec<String>,
    pub actions: Scope<Vec<Token>>,
    pub resources: Scope<Template>,
    pub conditions: Vec<Condition>,
}

impl Policy {
    /// Parses and validates a policy document.
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let json = json::parse(text).map_err(|m| PolicyError::new(DOCUMENT, m))?;
        let Json::Object(fields) = &json else {
            return Err(PolicyError::new(
                DOCUMENT,
                format!("must be a JSON object, not {}", json.kind()),
            ));
        };
        let mut version = None;
        let mut id = None;
        let mut statement = None;
        for (name, value) in fields {
            match name.as_str() {
                "Version" => version = Some(value),
                "Id" => id = Some(string(value, "Id")?),
                "Statement" => statement = Some(value),
                other => {
                    return Err(PolicyError::new(
                        DOCUMENT,
                        format!(
                            "unknown field `{other}` (a policy has `Version`, `Id` and `Statement`)"
                        ),
                    ));
                }
            }
        }
        let version = match version {
            None => VERSION_2008,
            Some(Json::String(v)) if v == VERSION_2012 => VERSION_2012,
            Some(Json::String(v)) if v == VERSION_2008 => VERSION_2008,
            Some(other) => {
                return Err(PolicyError::new(
                    "Version",
                    format!(
                        "must be \"{VERSION_2012}\" (or the older \"{VERSION_2008}\"), not {}",
                        shown(other)
                    ),
                ));
            }
        };
        let variables = version == VERSION_2012;
        let statements = match statement {
            None => return Err(PolicyError::new(DOCUMENT, "has no `Statement`")),
            Some(one @ Json::Object(_)) => vec![parse_statement(one, "Statement", variables)?],
            Some(Json::Array(items)) if items.is_empty() => {
                return Err(PolicyError::new("Statement", "must not be empty"));
            }
            Some(Json::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, s)| parse_statement(s, &format!("Statement[{i}]"), variables))
                .collect::<Result<Vec<_>, _>>()?,
            Some(other) => {
                return Err(PolicyError::new(
                    "Statement",
                    format!(
                        "must be a statement object or an array of them, not {}",
                        other.kind()
                    ),
                ));
            }
        };
        for (i, s) in statements.iter().enumerate() {
            let Some(sid) = &s.sid else { continue };
            if statements[..i].iter().any(|t| t.sid.as_ref() == Some(sid)) {
                return Err(PolicyError::new(
                    "Statement",
                    format!("the Sid `{sid}` is used twice; Sids must be unique in a policy"),
                ));
            }
        }
        Ok(Policy {
            source: text.to_owned(),
            version,
            id,
            statements,
        })
    }

    /// The document as it was given.
    pub fn to_json(&self) -> String {
        self.source.clone()
    }

    /// `2012-10-17`, or `2008-10-17` (also when the document names none).
    pub fn version(&self) -> &str {
        self.version
    }

    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// Whether `${...}` policy variables are filled in (version 2012-10-17).
    pub fn has_variables(&self) -> bool {
        self.version == VERSION_2012
    }

    pub(crate) fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// `Action`/`NotAction` patterns for the `codeguru-security` service that
    /// match none of its [`ACTIONS`](super::ACTIONS): most likely typos.
    /// Patterns for other services are not checked.
    pub fn unmatched_action_patterns(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for statement in &self.statements {
            for (text, pattern) in statement
                .action_text
                .iter()
                .zip(&statement.actions.patterns)
            {
                let ours = text
                    .split_once(':')
                    .is_some_and(|(service, _)| service.eq_ignore_ascii_case(super::SERVICE));
                let known = super::ACTIONS
                    .iter()
                    .any(|a| super::pattern::Glob::IGNORE_CASE.matches(pattern, a));
                if ours && !known && !out.contains(text) {
                    out.push(text.clone());
                }
            }
        }
        out
    }
}

impl FromStr for Policy {
    type Err = PolicyError;

    fn from_str(text: &str) -> Result<Policy, PolicyError> {
        Policy::parse(text)
    }
}

fn parse_statement(json: &Json, path: &str, variables: bool) -> Result<Statement, PolicyError> {
    let Json::Object(fields) = json else {
        return Err(PolicyError::new(
            path,
            format!("must be a statement object, not {}", json.kind()),
        ));
    };
    let mut sid = None;
    let mut effect = None;
    let mut action = None;
    let mut resource = None;
    let mut conditions = Vec::new();
    for (name, value) in fields {
        let here = format!("{path}.{name}");
        match name.as_str() {
            "Sid" => {
                let text = string(value, &here)?;
                if !text.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(PolicyError::new(
                        &here,
                        format!("`{text}` may hold only letters and digits (A-Z, a-z, 0-9)"),
                    ));
                }
                sid = Some(text);
            }
            "Effect" => {
                effect = Some(match value {
                    Json::String(e) if e == "Allow" => false,
                    Json::String(e) if e == "Deny" => true,
                    other => {
                        return Err(PolicyError::new(
                            &here,
                            format!("must be \"Allow\" or \"Deny\", not {}", shown(other)),
                        ));
                    }
                });
            }
            "Action" | "NotAction" => {
                if action.is_some() {
                    return Err(PolicyError::new(
                        path,
                        "has both `Action` and `NotAction`; give exactly one",
                    ));
                }
                action = Some((name == "NotAction", strings(value, &here)?, here));
            }
            "Resource" | "NotResource" => {
                if resource.is_some() {
                    return Err(PolicyError::new(
                        path,
                        "has both `Resource` and `NotResource`; give exactly one",
                    ));
                }
                resource = Some((name == "NotResource", strings(value, &here)?, here));
            }
            "Condition" => conditions = condition::parse_block(value, &here, variables)?,
            "Principal" | "NotPrincipal" => {
                return Err(PolicyError::new(
                    &here,
                    "identity-based policies have no principal: the policy applies to the \
                     user or role it is attached to, so remove this element",
                ));
            }
            other => {
                return Err(PolicyError::new(
                    path,
                    format!(
                        "unknown field `{other}` (a statement has `Sid`, `Effect`, `Action` or \
                         `NotAction`, `Resource` or `NotResource`, and `Condition`)"
                    ),
                ));
            }
        }
    }
    let deny = effect.ok_or_else(|| PolicyError::new(path, "has no `Effect`"))?;
    let (negated, texts, here) =
        action.ok_or_else(|| PolicyError::new(path, "has no `Action` (or `NotAction`)"))?;
    let mut patterns = Vec::with_capacity(texts.len());
    for (i, text) in texts.iter().enumerate() {
        check_action(text).map_err(|m| PolicyError::new(&item(&here, i, texts.len()), m))?;
        patterns.push(tokens(text));
    }
    let actions = Scope { negated, patterns };
    let (negated, texts_r, here) =
        resource.ok_or_else(|| PolicyError::new(path, "has no `Resource` (or `NotResource`)"))?;
    let mut patterns = Vec::with_capacity(texts_r.len());
    for (i, text) in texts_r.iter().enumerate() {
        let at = item(&here, i, texts_r.len());
        check_resource(text).map_err(|m| PolicyError::new(&at, m))?;
        patterns.push(if variables {
            Template::parse(text).map_err(|m| PolicyError::new(&at, m))?
        } else {
            Template::literal(text)
        });
    }
    Ok(Statement {
        sid,
        deny,
        action_text: texts,
        actions,
        resources: Scope { negated, patterns },
        conditions,
    })
}

/// `Action[2]` when the element is an array, `Action` when a single string.
fn item(path: &str, index: usize, count: usize) -> String {
    if count == 1 {
        path.to_owned()
    } else {
        format!("{path}[{index}]")
    }
}

fn string(json: &Json, path: &str) -> Result<String, PolicyError> {
    match json {
        Json::String(s) => Ok(s.clone()),
        other => Err(PolicyError::new(
            path,
            format!("must be a string, not {}", other.kind()),
        )),
    }
}

/// A string or a non-empty array of strings.
fn strings(json: &Json, path: &str) -> Result<Vec<String>, PolicyError> {
    match json {
        Json::String(s) => Ok(vec![s.clone()]),
        Json::Array(items) if items.is_empty() => Err(PolicyError::new(path, "must not be empty")),
        Json::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| string(item, &format!("{path}[{i}]")))
            .collect(),
        other => Err(PolicyError::new(
            path,
            format!(
                "must be a string or an array of strings, not {}",
                other.kind()
            ),
        )),
    }
}

/// `*` or `service:Operation`, wildcards allowed.
fn check_action(text: &str) -> Result<(), String> {
    let fine = |s: &str, extra: &[char]| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | '?') || extra.contains(&c))
    };
    let ok = text == "*"
        || text
            .split_once(':')
            .is_some_and(|(service, op)| fine(service, &['-']) && fine(op, &['-', '_']));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{text}` is not an action: expected `service:Operation` (as in \
             `codeguru-security:CreateScan`; `*` and `?` wildcards allowed) or `*`"
        ))
    }
}

/// `*` or an ARN (`arn:partition:service:region:account:resource`).
fn check_resource(text: &str) -> Result<(), String> {
    if text == "*" || (text.starts_with("arn:") && text.matches(':').count() >= 5) {
        Ok(())
    } else {
        Err(format!(
            "`{text}` is not a resource: expected an ARN \
             (`arn:partition:service:region:account:resource`, wildcards allowed) or `*`"
        ))
    }
}

/// A JSON value for an error message: strings quoted, others by kind.
fn shown(json: &Json) -> String {
    match json {
        Json::String(s) => format!("\"{s}\""),
        other => other.kind().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_shapes_iam_accepts() {
        let one = Policy::parse(
            r#"{"Version": "2012-10-17", "Id": "p1", "Statement":
                {"Sid": "A1", "Effect": "Allow", "Action": "codeguru-security:*", "Resource": "*"}}"#,
        )
        .unwrap();
        assert_eq!(one.version(), "2012-10-17");
        assert_eq!(one.id(), Some("p1"));
        assert_eq!(one.statements().len(), 1);
        assert!(one.has_variables());
        let no_version = Policy::parse(
            r#"{"Statement": [{"Effect": "Deny", "NotAction": ["s3:*", "iam:Get?"],
                "NotResource": ["arn:aws:s3:::b/*", "*"], "Condition": {}}]}"#,
        )
        .unwrap();
        assert_eq!(no_version.version(), "2008-10-17");
        assert!(!no_version.has_variables());
        let s = &no_version.statements()[0];
        assert!(s.deny && s.actions.negated && s.resources.negated);
        assert_eq!(s.action_text, ["s3:*", "iam:Get?"]);
        // The text is kept as given.
        let text = r#"{ "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"} }"#;
        assert_eq!(text.parse::<Policy>().unwrap().to_json(), text);
    }

    #[test]
    fn malformed_documents_name_the_place() {
        let table: &[(&str, &str)] = &[
            ("", "policy document: not valid JSON"),
            ("[]", "policy document: must be a JSON object, not an array"),
            (r#"{"Statement": []}"#, "Statement: must not be empty"),
            (
                r#"{"Version": "2012-10-17"}"#,
                "policy document: has no `Statement`",
            ),
            (
                r#"{"Version": "2012-10-18", "Statement": []}"#,
                "Version: must be \"2012-10-17\"",
            ),
            (
                r#"{"Version": 2012, "Statement": []}"#,
                "Version: must be \"2012-10-17\" (or the older \"2008-10-17\"), not a number",
            ),
            (
                r#"{"Statement": [], "Extra": 1}"#,
                "policy document: unknown field `Extra`",
            ),
            (
                r#"{"Statement": "x"}"#,
                "Statement: must be a statement object or an array",
            ),
            (
                r#"{"Statement": [1]}"#,
                "Statement[0]: must be a statement object, not a number",
            ),
            (
                r#"{"Statement": {"Action": "*", "Resource": "*"}}"#,
                "Statement: has no `Effect`",
            ),
            (
                r#"{"Statement": {"Effect": "allow", "Action": "*", "Resource": "*"}}"#,
                "Statement.Effect: must be \"Allow\" or \"Deny\", not \"allow\"",
            ),
            (
                r#"{"Statement": [{"Effect": "Allow", "Resource": "*"}]}"#,
                "Statement[0]: has no `Action` (or `NotAction`)",
            ),
            (
                r#"{"Statement": [{"Effect": "Allow", "Action": "*"}]}"#,
                "Statement[0]: has no `Resource` (or `NotResource`)",
            ),
            (
                r#"{"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "*", "Resource": "*"}]}"#,
                "Statement[0]: has both `Action` and `NotAction`",
            ),
            (
                r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "*"}]}"#,
                "Statement[0]: has both `Resource` and `NotResource`",
            ),
            (
                r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Principal": "*"}]}"#,
                "Statement[0].Principal: identity-based policies have no principal",
            ),
            (
                r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "NotPrincipal": {"AWS": "*"}}]}"#,
                "Statement[0].NotPrincipal: identity-based policies",
            ),
            (
                r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Actions": "*"}]}"#,
                "Statement[0]: unknown field `Actions`",
            ),
            (
                r#"{"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]}"#,
                "Statement[0].Action: must not be empty",
            ),
            (
                r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:Get*", 5], "Resource": "*"}]}"#,
                "Statement[0].Action[1]: must be a string, not a number",
            ),
            (
                r#"{"Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "codeguru-security"], "Resource": "*"}]}"#,
                "Statement[0].Action[1]: `codeguru-security` is not an action",
            ),
            (
                r#"{"Statement": [{"Effect": "Allow", "Action": "s3:Get Object", "Resource": "*"}]}"#,
                "Statement[0].Action: `s3:Get Object` is not an action",
            ),
            (
                r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "scans/*"}]}"#,
                "Statement[0].Resource: `scans/*` is not a resource",
            ),
            (
                r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": {"a": 1}}]}"#,
                "Statement[0].Resource: must be a string or an array of strings, not an object",
            ),
            (
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": ["*", "arn:aws:iam::1:user/${aws:username"]}]}"#,
                "Statement[0].Resource[1]: `arn:aws:iam::1:user/${aws:username` has a `${` without its closing `}`",
            ),
            (
                r#"{"Statement": [{"Sid": "my sid", "Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
                "Statement[0].Sid: `my sid` may hold only letters and digits",
            ),
            (
                r#"{"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*"}, {"Sid": "A", "Effect": "Deny", "Action": "*", "Resource": "*"}]}"#,
                "Statement: the Sid `A` is used twice",
            ),
            (
                r#"{"Statement": {"Effect": "Deny", "Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
                "policy document: not valid JSON: duplicate key `Effect`",
            ),
            (
                r#"{"Id": 7, "Statement": []}"#,
                "Id: must be a string, not a number",
            ),
            (
                r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringLike": {"aws:TagKeys": 1, "aws:x": {}}}}]}"#,
                "Statement[1].Condition.StringLike: `aws:x` must map to a string or an array of strings",
            ),
            (
                r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquls": {"aws:username": "a"}}}]}"#,
                "Statement[0].Condition.StringEquls: unknown condition operator `StringEquls`",
            ),
        ];
        for &(json, expected) in table {
            let err = Policy::parse(json).unwrap_err().to_string();
            assert!(
                err.starts_with(expected),
                "{json}:\n  got {err}\n  want {expected}"
            );
        }
        // The first statement's error wins (the brief's example shape).
        let err = Policy::parse(
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringLike": {"aws:TagKeys": {}}}}]}"#,
        )
        .unwrap_err();
        assert_eq!(err.path(), "Statement[1].Condition.StringLike");
        assert_eq!(
            err.to_string(),
            "Statement[1].Condition.StringLike: `aws:TagKeys` must map to a string or an array of strings"
        );
    }

    #[test]
    fn unmatched_action_patterns_find_typos() {
        let policy = Policy::parse(
            r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["codeguru-security:Get*", "codeguru-security:CreateScans",
                  "CodeGuru-Security:createscan", "s3:Whatever", "*", "codeguru-security:Delete*"], "Resource": "*"},
                {"Effect": "Deny", "NotAction": ["codeguru-security:ListScan", "codeguru-security:CreateScans"], "Resource": "*"}]}"#,
        )
        .unwrap();
        assert_eq!(
            policy.unmatched_action_patterns(),
            [
                "codeguru-security:CreateScans",
                "codeguru-security:Delete*",
                "codeguru-security:ListScan"
            ]
        );
    }
}
