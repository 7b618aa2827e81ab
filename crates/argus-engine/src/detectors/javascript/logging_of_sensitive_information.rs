use super::super::prelude::*;
use super::{
    Part, call_args, credential_name, end_name, is_log_call, js_string, property_key, string_parts,
    unwrap,
};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds passwords, secrets, tokens, API keys, private keys, card
    /// numbers and social security numbers written to a log: an argument
    /// of `console.log`/`info`/`warn`/`error`/`debug`/`trace`, or of a
    /// level method of a logger (`logger.info`, `this.log.warn`,
    /// `req.log.error`, a `winston`, `pino`, `bunyan` or `log4js` object),
    /// that is such a value -- a variable or property named like one
    /// (`password`, `req.body.password`, `user.apiKey`, `accessToken`),
    /// interpolated into a template or concatenated into the message, or
    /// passed as a field (`{ password }`, `{ token: t }`).
    ///
    /// Names are judged by their last word, so `passwordPolicy`,
    /// `tokenExpiry` and `password.length` are not values of a credential;
    /// string literals that merely mention one (`"Invalid password"`) and
    /// masked values (`{ password: "***" }`) are not reported, nor are
    /// values passed through a function (which may mask them).
    ///
    /// ## Why is this bad?
    /// Logs are kept for a long time, copied to aggregation services and
    /// readable by many more people than the credentials themselves. A
    /// password or token in a log is a credential anyone with log access
    /// can use.
    ///
    /// ## Example
    /// ```javascript
    /// logger.info(`login attempt for ${user} with password ${password}`);
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// logger.info(`login attempt for ${user}`);
    /// ```
    ///
    /// ## References
    /// - [CWE-532: Insertion of Sensitive Information into Log File](https://cwe.mitre.org/data/definitions/532.html)
    /// - [CWE-312: Cleartext Storage of Sensitive Information](https://cwe.mitre.org/data/definitions/312.html)
    /// - [OWASP Logging Cheat Sheet: Data to exclude](https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude)
    pub static SPEC = {
        ids: &[
            "javascript/logging-of-sensitive-information@v1.0",
            "typescript/logging-of-sensitive-information@v1.0",
        ],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Logging of sensitive information",
        category: Category::Security,
        cwes: &[532, 312],
        tags: &["logging", "information-disclosure", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Leave credentials out of log records, or log a masked form (the last four digits, whether the value is set).",
        keywords: &["passw", "secret", "token", "key", "credential", "jwt", "ssn", "cvv", "card"],
        check: Check::Node { kinds: &["call_expression"], run: check },
    };
}

/// Credential words too ambiguous to count in a log record (`pwd` is the
/// working directory, `pin` a GPIO pin).
const AMBIGUOUS: &[&str] = &["pwd", "pin"];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    if !is_log_call(call, checker) {
        return;
    }
    let text = checker.text;
    for argument in call_args(call) {
        if let Some((shown, word)) = sensitive_value(argument, text, 0) {
            if word == "token" && !auth_token(&shown, text) {
                continue;
            }
            checker.report(
                call,
                Violation::new(
                    "credential",
                    format!(
                        "the log record includes `{shown}` (a {}): anyone who can read the logs, and every system they are shipped to, gets it",
                        word.replace('_', " ")
                    ),
                ),
            );
            return;
        }
    }
}

/// Whether a value named `...token` is an authentication token: named so
/// (`accessToken`, `refresh_token`, `authToken`, `jwtToken`), or a plain
/// `token` in a file that deals with authentication. Parsers, lexers and
/// dependency-injection containers have tokens too.
fn auth_token(shown: &str, text: &str) -> bool {
    const QUALIFIERS: &[&str] = &[
        "access",
        "refresh",
        "auth",
        "id",
        "bearer",
        "session",
        "api",
        "jwt",
        "oauth",
        "reset",
        "github",
        "slack",
        "personal",
        "secret",
        "user",
        "login",
        "csrf",
        "xsrf",
        "verification",
        "client",
        "app",
    ];
    let name = shown.rsplit(['.', '[']).next().unwrap_or(shown);
    let words = crate::detectors::context::words(name);
    if words.len() >= 2 && QUALIFIERS.contains(&words[words.len() - 2].as_str()) {
        return true;
    }
    if words.len() >= 2 {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    [
        "jsonwebtoken",
        "passport",
        "bearer",
        "oauth",
        "authorization",
        "login",
        "jwt",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

fn credential(name: &str) -> Option<String> {
    credential_name(name).filter(|w| !AMBIGUOUS.contains(&w.as_str()))
}

/// The first credential value an argument carries, as written, and what
/// it is.
fn sensitive_value(node: Node<'_>, text: &str, depth: usize) -> Option<(String, String)> {
    if depth > 4 {
        return None;
    }
    let node = unwrap(node);
    match node.kind() {
        "identifier" | "member_expression" | "subscript_expression" => {
            let word = credential(end_name(node, text)?)?;
            let shown = node_text(node, text);
            let shown = if shown.len() > 60 {
                end_name(node, text)?
            } else {
                shown
            };
            Some((shown.to_string(), word))
        }
        "template_string" | "binary_expression" => string_parts(node, text)
            .into_iter()
            .filter_map(|p| match p {
                Part::Value(v) if v != node => Some(v),
                _ => None,
            })
            .find_map(|v| sensitive_value(v, text, depth + 1)),
        "object" => {
            let mut cursor = node.walk();
            let members: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
            members.into_iter().find_map(|member| match member.kind() {
                "shorthand_property_identifier" => {
                    let name = node_text(member, text);
                    credential(name).map(|w| (name.to_string(), w))
                }
                "pair" => {
                    let value = unwrap(member.js_field("value")?);
                    if let Some(found) = sensitive_value(value, text, depth + 1) {
                        return Some(found);
                    }
                    // `{ password: pw }`: a field named like a credential
                    // holding a run-time value (a literal is a mask).
                    let key = property_key(member, text)?;
                    let word = credential(key)?;
                    let runtime = matches!(
                        value.kind(),
                        "identifier" | "member_expression" | "subscript_expression"
                    ) || (value.kind() == "template_string"
                        && js_string(value, text).is_none());
                    runtime.then(|| (key.to_string(), word))
                }
                _ => None,
            })
        }
        // `JSON.stringify(credentials)`: serialised, not masked.
        "call_expression" => {
            let function = node.js_field("function")?;
            if node_text(function, text) != "JSON.stringify" {
                return None;
            }
            sensitive_value(*call_args(node).first()?, text, depth + 1)
        }
        _ => None,
    }
}
