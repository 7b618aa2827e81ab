use super::super::prelude::*;
use super::web::{concat_parts, names_credential, params_of_type, strip, value_of};
use super::{call_args, descendants, enclosing_method, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds sensitive information sent where it does not belong:
    /// - exception details written to the HTTP response of a servlet:
    ///   `e.printStackTrace(response.getWriter())`,
    ///   `response.getWriter().print(e.getMessage())` (also `e.toString()`,
    ///   the exception itself concatenated, and through a writer variable
    ///   taken from the response), and `response.sendError(500,
    ///   e.getMessage())`, where `e` is the exception of a `catch` (the
    ///   message of a 4xx or 503 error is meant for the client and is not
    ///   reported);
    /// - passwords, secrets and tokens written to logs (`log.info`,
    ///   `logger.debug`, ...): a variable, field or
    ///   getter named like a credential (`password`, `clientSecret`,
    ///   `getApiKey()`, `accessToken`) passed to or concatenated into the
    ///   message.
    ///
    /// Console output (`System.out`) is not a log and is not reported.
    /// Mentions of a credential that are not its value are not reported:
    /// `password == null`, `password.length()`, `passwordFile`,
    /// `PASSWORD_PROPERTY`, and literals such as `"invalid password"`.
    ///
    /// ## Why is this bad?
    /// Stack traces and exception messages tell an attacker the frameworks,
    /// versions, file paths, SQL statements and internal host names of the
    /// application -- a map for the next attack. Credentials in logs are
    /// read by everyone with access to the logs, log shippers and log
    /// storage, and survive long after the credential was rotated in the
    /// application.
    ///
    /// ## Example
    /// ```java
    /// } catch (SQLException e) {
    ///     response.getWriter().println("Error: " + e.getMessage());
    /// }
    /// log.info("Connecting with password " + password);
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// } catch (SQLException e) {
    ///     log.error("query failed", e);
    ///     response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
    /// }
    /// log.info("Connecting as {}", user);
    /// ```
    ///
    /// ## References
    /// - [CWE-209: Generation of Error Message Containing Sensitive Information](https://cwe.mitre.org/data/definitions/209.html)
    /// - [CWE-532: Insertion of Sensitive Information into Log File](https://cwe.mitre.org/data/definitions/532.html)
    /// - [OWASP Error Handling Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["java/sensitive-information-leak@v1.0"],
        languages: &[Language::Java],
        name: "Sensitive information leak",
        category: Category::Security,
        cwes: &[209, 532, 497],
        tags: &["information-disclosure", "logging", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Log exception details on the server and send the client a generic error; never log credentials.",
        keywords: &["printStackTrace", "getWriter", "getOutputStream", "sendError", "pass", "pwd", "secret", "token", "apikey", "api_key", "credential", "privatekey", "private_key"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

const LOG_METHODS: &[&str] = &[
    "trace", "debug", "info", "warn", "warning", "error", "fatal", "fine", "finer", "finest",
    "severe", "config", "log",
];

const WRITE_METHODS: &[&str] = &["print", "println", "write", "append", "printf", "format"];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(method) = method_name(call, text) else {
        return;
    };
    if method == "printStackTrace" {
        check_print_stack_trace(call, checker);
        return;
    }
    if method == "sendError" {
        let args = call_args(call);
        if args.len() == 2
            && server_error(args[0], text)
            && exception_detail(args[1], text)
            && is_response(receiver(call), call, text)
        {
            report_exception(call, checker);
        }
        return;
    }
    if WRITE_METHODS.contains(&method)
        && let Some(object) = receiver(call)
        && response_writer(object, call, text)
    {
        if call_args(call)
            .into_iter()
            .any(|a| exception_detail(a, text))
        {
            report_exception(call, checker);
        }
        return;
    }
    if LOG_METHODS.contains(&method) && is_logger(call, text) {
        check_log(call, checker);
    }
}

/// Whether a status is a server error whose message is the application's
/// own (500, or a status computed at run time): the message of a client
/// error (4xx) or of `UnavailableException` (503) is meant for the client.
fn server_error(status: Node<'_>, text: &str) -> bool {
    let status = strip(status);
    let written = node_text(status, text);
    if written.ends_with("SC_INTERNAL_SERVER_ERROR") {
        return true;
    }
    match super::int_literal(status, text) {
        Some(code) => code == 500,
        None => !written.contains("SC_"),
    }
}

fn report_exception(call: Node<'_>, checker: &mut Checker<'_>) {
    checker.report(
        call,
        Violation::new(
            "exception-to-client",
            "Exception details are sent to the client: they reveal the application's internals",
        ),
    );
}

/// The names of the exceptions caught by the `catch` clauses around a node.
fn caught<'t>(node: Node<'_>, text: &'t str) -> Vec<&'t str> {
    let mut out = Vec::new();
    let mut up = node.parent();
    while let Some(n) = up {
        if n.kind() == "catch_clause" {
            let mut cursor = n.walk();
            for child in n.named_children(&mut cursor) {
                if child.kind() == "catch_formal_parameter"
                    && let Some(name) = child.child_by_field_name("name")
                {
                    out.push(node_text(name, text));
                }
            }
        }
        if matches!(n.kind(), "method_declaration" | "lambda_expression") {
            break;
        }
        up = n.parent();
    }
    out
}

/// Whether an expression carries a caught exception's message, text or
/// stack trace.
fn exception_detail(expr: Node<'_>, text: &str) -> bool {
    let names = caught(expr, text);
    if names.is_empty() {
        return false;
    }
    concat_parts(expr).into_iter().any(|part| {
        let part = strip(part);
        match part.kind() {
            "identifier" => names.contains(&node_text(part, text)),
            "method_invocation" => {
                matches!(
                    method_name(part, text),
                    Some(
                        "getMessage"
                            | "getLocalizedMessage"
                            | "toString"
                            | "getStackTrace"
                            | "getCause"
                    )
                ) && receiver(part).is_some_and(|r| {
                    let r = strip(r);
                    r.kind() == "identifier" && names.contains(&node_text(r, text))
                }) || matches!(
                    method_name(part, text),
                    Some("getStackTrace" | "getFullStackTrace" | "getStackTraceAsString")
                ) && call_args(part).iter().any(|a| {
                    strip(*a).kind() == "identifier" && names.contains(&node_text(*a, text))
                })
            }
            _ => false,
        }
    })
}

/// Whether an expression is the HTTP response of a servlet: a parameter
/// typed `HttpServletResponse`/`ServletResponse`, or named `response`.
fn is_response(expr: Option<Node<'_>>, at: Node<'_>, text: &str) -> bool {
    let Some(expr) = expr.map(strip) else {
        return false;
    };
    if expr.kind() != "identifier" {
        return false;
    }
    let name = node_text(expr, text);
    let mut method = enclosing_method(at);
    while let Some(m) = method {
        if m.kind() == "method_declaration" {
            return params_of_type(m, "ServletResponse", text).contains(&name);
        }
        method = enclosing_method(m);
    }
    false
}

/// Whether an expression is the response's writer or output stream:
/// `response.getWriter()`, or a local variable assigned from it.
fn response_writer(expr: Node<'_>, at: Node<'_>, text: &str) -> bool {
    let expr = strip(expr);
    match expr.kind() {
        "method_invocation" => {
            matches!(
                method_name(expr, text),
                Some("getWriter" | "getOutputStream")
            ) && is_response(receiver(expr), at, text)
        }
        "identifier" => {
            let Some(method) = enclosing_method(at) else {
                return false;
            };
            let Some(value) = value_of(node_text(expr, text), method, text) else {
                return false;
            };
            // Only a value written before the use (`out = new PrintWriter(out)`
            // must not lead back to itself).
            if value.end_byte() >= expr.start_byte() {
                return false;
            }
            let value = strip(value);
            if value.kind() == "object_creation_expression" {
                // `new PrintWriter(response.getOutputStream())`
                return call_args(value)
                    .first()
                    .is_some_and(|a| response_writer(*a, at, text));
            }
            value.kind() == "method_invocation" && response_writer(value, at, text)
        }
        "object_creation_expression" => call_args(expr)
            .first()
            .is_some_and(|a| response_writer(*a, at, text)),
        _ => false,
    }
}

fn check_print_stack_trace(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let args = call_args(call);
    let Some(target) = args.first() else {
        return;
    };
    let Some(object) = receiver(call).map(strip) else {
        return;
    };
    let names = caught(call, text);
    if object.kind() != "identifier" || !names.contains(&node_text(object, text)) {
        return;
    }
    if response_writer(*target, call, text) {
        report_exception(call, checker);
    }
}

/// Whether a call is a logging call: on a receiver named like a logger, or
/// `System.out`/`System.err`.
fn is_logger(call: Node<'_>, text: &str) -> bool {
    let Some(object) = receiver(call).map(strip) else {
        return false;
    };
    let name = node_text(object, text);
    let last = name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase();
    matches!(
        last.as_str(),
        "log" | "logger" | "_log" | "_logger" | "slf4j"
    ) || last.ends_with("logger")
        || last.ends_with("_log")
}

/// A credential value among the arguments of a log call.
fn credential_value<'t>(arg: Node<'t>, text: &str) -> Option<Node<'t>> {
    concat_parts(arg).into_iter().find(|part| {
        let part = strip(*part);
        let name = match part.kind() {
            "identifier" => node_text(part, text),
            "field_access" => part
                .child_by_field_name("field")
                .map_or("", |f| node_text(f, text)),
            "method_invocation" if call_args(part).is_empty() => {
                match method_name(part, text).and_then(|m| m.strip_prefix("get")) {
                    Some(rest) => rest,
                    None => return false,
                }
            }
            _ => return false,
        };
        names_credential(name) && !name.chars().all(|c| c.is_ascii_uppercase() || c == '_')
    })
}

fn check_log(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let found = call_args(call)
        .into_iter()
        .find_map(|a| credential_value(a, text));
    let Some(value) = found else {
        return;
    };
    // A masked value (`mask(password)`) is no credential.
    if descendants(value).into_iter().any(|n| {
        n.kind() == "identifier" && {
            let t = node_text(n, text).to_ascii_lowercase();
            t.contains("mask") || t.contains("redact") || t.contains("hash")
        }
    }) {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "secret-in-log",
            format!(
                "A credential (`{}`) is written to the log",
                node_text(value, text)
            ),
        ),
    );
}
