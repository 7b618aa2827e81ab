use super::super::prelude::*;
use super::boto3::{assigned_value, method_name, uses_boto};

detector! {
    /// ## What it does
    /// Finds AWS credentials written to logs or standard output: the
    /// `access_key`, `secret_key` and `token` of what
    /// `session.get_credentials()` or `get_frozen_credentials()` return
    /// (the frozen credentials themselves, whose representation shows every
    /// field), and the `SecretAccessKey`, `SessionToken` or whole
    /// `Credentials` of an STS response (`assume_role`,
    /// `get_session_token`, ...), passed to `print`, to `logging` functions
    /// or to a logger's methods, directly, through a variable or inside a
    /// formatted string.
    ///
    /// Logging the credentials object returned by `get_credentials()` (its
    /// representation shows no secret), the access key id of a plain
    /// dictionary, or values the file cannot trace to boto3 is not
    /// reported.
    ///
    /// ## Why is this bad?
    /// Logs are copied to log services, tickets and laptops and kept for
    /// months, and many more people read them than may act as the
    /// program's AWS identity. A secret key or session token in a log line
    /// lets any of them call AWS with the program's permissions.
    ///
    /// ## Example
    /// ```python
    /// import logging
    /// import boto3
    ///
    /// credentials = boto3.Session().get_credentials()
    /// logging.debug("using key %s / %s", credentials.access_key, credentials.secret_key)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import logging
    /// import boto3
    ///
    /// credentials = boto3.Session().get_credentials()
    /// logging.debug("using credentials from %s", credentials.method)
    /// ```
    ///
    /// ## References
    /// - [CWE-532: Insertion of Sensitive Information into Log File](https://cwe.mitre.org/data/definitions/532.html)
    /// - [Boto3: credentials](https://boto3.amazonaws.com/v1/documentation/api/latest/guide/credentials.html)
    pub static SPEC = {
        ids: &["python/aws-logged-credentials@v1.0"],
        languages: &[Language::Python],
        name: "AWS credentials logged",
        category: Category::Security,
        cwes: &[532, 200],
        tags: &["aws", "logging", "secrets"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Do not log credential values; log where the credentials came from (credentials.method) or the access key id's last characters instead.",
        keywords: &["get_credentials", "get_frozen_credentials", "SecretAccessKey", "SessionToken"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

const LEVELS: &[&str] = &[
    "debug",
    "info",
    "warning",
    "warn",
    "error",
    "critical",
    "exception",
    "log",
    "fatal",
];

/// Methods returning credentials objects.
const CREDENTIAL_GETTERS: &[&str] = &["get_credentials", "get_frozen_credentials"];

/// STS operations whose response holds `Credentials`.
const STS_OPERATIONS: &[&str] = &[
    "assume_role",
    "assume_role_with_saml",
    "assume_role_with_web_identity",
    "get_session_token",
    "get_federation_token",
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    if !uses_boto(checker) || !is_output(call, checker) {
        return;
    }
    let Some(arguments) = call_arguments(call) else {
        return;
    };
    let mut stack = vec![arguments];
    while let Some(node) = stack.pop() {
        if let Some(what) = credential(node, checker, 4) {
            let violation = Violation::new(
                "credentials-logged",
                format!(
                    "{what} ({}) is written to a log or the console",
                    checker.text_of(node)
                ),
            );
            checker.report(call, violation);
            return;
        }
        // Lambdas and nested definitions do not run here.
        if node.kind() == "lambda" {
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
}

/// `print(...)`, `logging.info(...)`, or a logger's level method.
fn is_output(call: Node<'_>, checker: &Checker<'_>) -> bool {
    let text = checker.text;
    let names = checker.semantic.callee_names(call, text);
    if names.iter().any(|n| {
        n == "print"
            || n.strip_prefix("logging.")
                .is_some_and(|level| LEVELS.contains(&level))
    }) {
        return true;
    }
    let Some(function) = call
        .py_field("function")
        .filter(|f| f.kind() == "attribute")
    else {
        return false;
    };
    let (Some(object), Some(method)) =
        (function.py_field("object"), function.py_field("attribute"))
    else {
        return false;
    };
    if !LEVELS.contains(&checker.text_of(method)) {
        return false;
    }
    let receiver = checker.text_of(object).to_ascii_lowercase();
    let last = receiver.rsplit('.').next().unwrap_or(&receiver);
    let last = last.trim_start_matches('_');
    if last.ends_with("log")
        || last.ends_with("logger")
        || receiver.starts_with("logging.getlogger(")
    {
        return true;
    }
    object.kind() == "identifier"
        && assigned_value(object, text).is_some_and(|v| {
            checker
                .semantic
                .call_matches(v, text, &["logging.getLogger"])
                .is_some()
        })
}

/// What secret an expression holds, if it is a credential value.
fn credential(expr: Node<'_>, checker: &Checker<'_>, depth: usize) -> Option<String> {
    if depth == 0 {
        return None;
    }
    let text = checker.text;
    match expr.kind() {
        "attribute" => {
            let field = checker.text_of(expr.py_field("attribute")?);
            if !matches!(field, "access_key" | "secret_key" | "token") {
                return None;
            }
            let object = expr.py_field("object")?;
            credentials_object(object, checker, depth - 1)
                .map(|_| format!("the AWS credentials' {field}"))
        }
        "subscript" => {
            let key = expr
                .py_field("subscript")
                .and_then(|k| string_literal(k, text))?;
            let object = expr.py_field("value")?;
            match key.as_str() {
                "SecretAccessKey" | "SessionToken" => Some(format!("the AWS {key}")),
                "Credentials" if sts_response(object, checker, depth - 1) => {
                    Some("the temporary credentials of an STS response".to_string())
                }
                _ => None,
            }
        }
        "identifier" => {
            let value = assigned_value(expr, text)?;
            if value.kind() == "call" && method_name(value, text) == Some("get_frozen_credentials")
            {
                return Some(
                    "frozen AWS credentials (their repr shows the secret key)".to_string(),
                );
            }
            credential(value, checker, depth - 1)
        }
        "call" if method_name(expr, text) == Some("get_frozen_credentials") => {
            Some("frozen AWS credentials (their repr shows the secret key)".to_string())
        }
        _ => None,
    }
}

/// What `get_credentials()` / `get_frozen_credentials()` returned.
fn credentials_object(expr: Node<'_>, checker: &Checker<'_>, depth: usize) -> Option<()> {
    if depth == 0 {
        return None;
    }
    match expr.kind() {
        "call" => method_name(expr, checker.text)
            .filter(|m| CREDENTIAL_GETTERS.contains(m))
            .map(|_| ()),
        "identifier" => credentials_object(assigned_value(expr, checker.text)?, checker, depth - 1),
        _ => None,
    }
}

/// An STS call returning credentials, directly or through a name.
fn sts_response(expr: Node<'_>, checker: &Checker<'_>, depth: usize) -> bool {
    if depth == 0 {
        return false;
    }
    match expr.kind() {
        "call" => method_name(expr, checker.text).is_some_and(|m| STS_OPERATIONS.contains(&m)),
        "identifier" => {
            assigned_value(expr, checker.text).is_some_and(|v| sts_response(v, checker, depth - 1))
        }
        _ => false,
    }
}
