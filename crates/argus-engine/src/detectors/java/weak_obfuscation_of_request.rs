use super::super::prelude::*;
use super::web::{concat_parts, has_port, local_host, scope_of, string_value, strip, value_of};
use super::{call_args, descendants, enclosing_method, method_name};
use crate::fix::replace_string_value;

detector! {
    /// ## What it does
    /// Finds credentials that are only base64-encoded in a request sent
    /// over plain `http://`: an `Authorization` header built by hand as
    /// `"Basic " + base64(user:password)` (`setRequestProperty`,
    /// `setHeader`, `addHeader`, `header`) for a request whose URL, in the
    /// same method, is known to be plain HTTP to another machine -- a
    /// literal, a `final` constant or a local variable starting with
    /// `http://` given to `new URL(...)`, `URI.create(...)`,
    /// `new HttpGet(...)`/`HttpPost`/..., or `HttpRequest.newBuilder(...)`.
    ///
    /// Basic authentication over HTTPS is not reported, nor requests to
    /// the local machine, nor methods that build any `https://` URL.
    ///
    /// ## Why is this bad?
    /// Base64 is an encoding, not encryption: anyone who sees the request
    /// (a proxy, a shared network, a capture of the traffic) decodes the
    /// password in one step. Over plain HTTP the request travels in the
    /// clear.
    ///
    /// ## Example
    /// ```java
    /// HttpURLConnection c = (HttpURLConnection) new URL("http://reports.corp.net/daily").openConnection();
    /// c.setRequestProperty("Authorization", "Basic " + Base64.getEncoder().encodeToString(auth));
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// HttpURLConnection c = (HttpURLConnection) new URL("https://reports.corp.net/daily").openConnection();
    /// c.setRequestProperty("Authorization", "Basic " + Base64.getEncoder().encodeToString(auth));
    /// ```
    ///
    /// ## References
    /// - [CWE-522: Insufficiently Protected Credentials](https://cwe.mitre.org/data/definitions/522.html)
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [RFC 7617: The 'Basic' HTTP Authentication Scheme, Security Considerations](https://www.rfc-editor.org/rfc/rfc7617#section-4)
    pub static SPEC = {
        ids: &["java/weak-obfuscation-of-request@v1.0"],
        languages: &[Language::Java],
        name: "Weak obfuscation of request",
        category: Category::Security,
        cwes: &[522, 319],
        tags: &["credentials", "http"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Send credentials only over HTTPS.",
        keywords: &["Basic"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

const SETTERS: &[&str] = &[
    "setRequestProperty",
    "addRequestProperty",
    "setHeader",
    "addHeader",
    "header",
];

/// Calls and constructors taking a request URL as their first argument.
const URL_TAKERS: &[&str] = &[
    "java.net.URL",
    "java.net.URI",
    "java.net.URI.create",
    "org.apache.http.client.methods.HttpGet",
    "org.apache.http.client.methods.HttpPost",
    "org.apache.http.client.methods.HttpPut",
    "org.apache.http.client.methods.HttpDelete",
    "org.apache.http.client.methods.HttpPatch",
    "org.apache.hc.client5.http.classic.methods.HttpGet",
    "org.apache.hc.client5.http.classic.methods.HttpPost",
    "org.apache.hc.client5.http.classic.methods.HttpPut",
    "org.apache.hc.client5.http.classic.methods.HttpDelete",
];

/// Whether a header value is `"Basic " + ...`.
fn basic_value(expr: Node<'_>, text: &str) -> bool {
    let parts = concat_parts(expr);
    parts.len() >= 2
        && string_value(parts[0], text).is_some_and(|v| v.trim().eq_ignore_ascii_case("basic"))
        || parts.len() == 1 && {
            // `String.format("Basic %s", encoded)`
            let p = strip(parts[0]);
            p.kind() == "method_invocation"
                && method_name(p, text) == Some("format")
                && call_args(p)
                    .first()
                    .and_then(|a| string_value(*a, text))
                    .is_some_and(|f| f.to_ascii_lowercase().starts_with("basic %s"))
        }
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if !SETTERS.contains(&method_name(call, text).unwrap_or("")) {
        return;
    }
    let args = call_args(call);
    if args.len() != 2
        || !string_value(args[0], text).is_some_and(|h| h.eq_ignore_ascii_case("Authorization"))
    {
        return;
    }
    let mut value = strip(args[1]);
    if value.kind() == "identifier"
        && let Some(method) = enclosing_method(call)
        && let Some(v) = value_of(node_text(value, text), method, text)
    {
        value = strip(v);
    }
    if !basic_value(value, text) {
        return;
    }
    // The URLs of the method's requests.
    let scope = scope_of(call);
    let mut plain: Option<(Node<'_>, String)> = None;
    let mut any_https = false;
    for node in descendants(scope) {
        if !matches!(
            node.kind(),
            "object_creation_expression" | "method_invocation"
        ) {
            continue;
        }
        let is_taker = checker
            .semantic
            .callee_names(node, text)
            .iter()
            .any(|n| URL_TAKERS.contains(&n.as_str()))
            || method_name(node, text) == Some("newBuilder")
                && node_text(node, text).starts_with("HttpRequest");
        if !is_taker {
            continue;
        }
        let Some(arg) = call_args(node).first().copied() else {
            continue;
        };
        let (literal, url) = match url_of(arg, text) {
            Some(found) => found,
            None => continue,
        };
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("https://") {
            any_https = true;
        } else if lower.starts_with("http://") && !local_host(&url) && plain.is_none() {
            plain = Some((literal, url));
        }
    }
    if any_https {
        return;
    }
    let Some((literal, url)) = plain else {
        return;
    };
    let mut violation = Violation::new(
        "basic-over-http",
        format!(
            "Basic authentication credentials (only base64-encoded) are sent over plain HTTP ({})",
            url.split(['?', '#']).next().unwrap_or(&url)
        ),
    );
    if literal.kind() == "string_literal"
        && !has_port(&url)
        && enclosing_method(literal) == enclosing_method(call)
        && let Some(edit) = replace_string_value(literal, text, &format!("https://{}", &url[7..]))
    {
        violation = violation.with_fix(Fix::new("Use HTTPS", vec![edit]));
    }
    checker.report(call, violation);
}

/// The URL string an argument starts with, and the literal holding it:
/// a literal, a concatenation starting with one, a constant, or a local
/// variable (`URI.create(base + path)` with `String base = "http://..."`).
fn url_of<'t>(arg: Node<'t>, text: &str) -> Option<(Node<'t>, String)> {
    let arg = strip(arg);
    if arg.kind() == "method_invocation"
        && matches!(method_name(arg, text), Some("create" | "toURI" | "toURL"))
    {
        return call_args(arg).first().and_then(|a| url_of(*a, text));
    }
    if arg.kind() == "object_creation_expression" {
        return call_args(arg).first().and_then(|a| url_of(*a, text));
    }
    let first = *concat_parts(arg).first()?;
    let first = strip(first);
    if first.kind() == "string_literal" {
        return string_value(first, text).map(|v| (first, v));
    }
    if first.kind() == "identifier" {
        if let Some(v) = super::constant_string(first, text) {
            return Some((first, v));
        }
        let method = enclosing_method(first)?;
        let value = value_of(node_text(first, text), method, text)?;
        if value.end_byte() < first.start_byte() {
            return url_of(value, text);
        }
    }
    None
}
