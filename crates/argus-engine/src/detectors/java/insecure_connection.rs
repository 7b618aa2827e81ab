use super::super::prelude::*;
use super::crypto::{calls, declaration_of, local_or_example_host};
use super::{call_args, constant_string, descendants, enclosing_method, method_name, receiver};
use crate::fix::replace_string_value;

detector! {
    /// ## What it does
    /// Finds connections made without transport security or with obsolete
    /// protocol versions:
    /// - `SSLContext.getInstance` with `"SSL"`, `"SSLv2"`, `"SSLv3"`,
    ///   `"TLSv1"` or `"TLSv1.1"`. `"TLS"` alone is not reported: on
    ///   current JDKs it negotiates the best version both sides support and
    ///   SSLv3, TLS 1.0 and 1.1 are disabled by `jdk.tls.disabledAlgorithms`.
    /// - `setEnabledProtocols` (on `SSLSocket`, `SSLServerSocket`,
    ///   `SSLEngine`, `SSLParameters`) and OkHttp `tlsVersions` listing
    ///   SSLv3, TLS 1.0 or TLS 1.1.
    /// - Plain `http://` and `ftp://` URLs to a remote host that are
    ///   connected to: `new URL(...)` opened with `openConnection()` or
    ///   `openStream()`, Apache HttpClient requests (`new HttpGet(...)`),
    ///   `java.net.http` requests (`HttpRequest.newBuilder(URI.create(...))`)
    ///   and Spring `RestTemplate` calls.
    ///
    /// Credentials sent over these connections are reported by the
    /// detectors of those credentials instead (`ldap-authentication` for
    /// simple binds over `ldap://`, `weak-obfuscation-of-request` for Basic
    /// authentication over `http://`), once.
    ///
    /// URLs to loopback, private-network, single-label and documentation
    /// hosts (`localhost`, `10.0.0.1`, `example.com`) are not reported, nor
    /// are URLs whose host is not written out, XML namespaces or strings
    /// that are only logged. Plain sockets are not reported: nothing local
    /// says what they carry.
    ///
    /// ## Why is this bad?
    /// Anyone on the network path can read and change plaintext traffic,
    /// including credentials, session cookies and downloaded code. SSLv3
    /// (POODLE), TLS 1.0 and TLS 1.1 (BEAST, weak MACs) are deprecated by
    /// RFC 8996.
    ///
    /// ## Example
    /// ```java
    /// SSLContext context = SSLContext.getInstance("TLSv1");
    /// HttpURLConnection c = (HttpURLConnection) new URL("http://api.partner.com/v1").openConnection();
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// SSLContext context = SSLContext.getInstance("TLSv1.2");
    /// HttpURLConnection c = (HttpURLConnection) new URL("https://api.partner.com/v1").openConnection();
    /// ```
    /// The fix rewrites an obsolete protocol literal to `"TLSv1.2"`, drops
    /// obsolete versions from a literal protocol list (leaving `"TLSv1.2"`
    /// when none remains), and changes `http://` to `https://` in a
    /// literal URL that is connected to.
    ///
    /// ## References
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    /// - [RFC 8996: Deprecating TLS 1.0 and TLS 1.1](https://www.rfc-editor.org/rfc/rfc8996)
    /// - [OWASP Transport Layer Security Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["java/insecure-connection@v1.0"],
        languages: &[Language::Java],
        name: "Insecure connection",
        category: Category::Security,
        cwes: &[319, 327],
        tags: &["cryptography", "tls", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Connect over HTTPS/LDAPS and use TLS 1.2 or later.",
        keywords: &["http://", "ftp://", "SSLContext", "setEnabledProtocols", "tlsVersions"],
        check: Check::Node { kinds: &["method_invocation", "object_creation_expression"], run: check },
    };
}

const SSL_CONTEXT_GET: &[&str] = &["javax.net.ssl.SSLContext.getInstance"];
const URL: &[&str] = &["java.net.URL"];
const URI_CREATE: &[&str] = &["java.net.URI.create"];
const HTTP_REQUESTS: &[&str] = &[
    "org.apache.http.client.methods.HttpGet",
    "org.apache.http.client.methods.HttpPost",
    "org.apache.http.client.methods.HttpPut",
    "org.apache.http.client.methods.HttpDelete",
    "org.apache.http.client.methods.HttpPatch",
    "org.apache.http.client.methods.HttpHead",
    "org.apache.hc.client5.http.classic.methods.HttpGet",
    "org.apache.hc.client5.http.classic.methods.HttpPost",
    "org.apache.hc.client5.http.classic.methods.HttpPut",
    "org.apache.hc.client5.http.classic.methods.HttpDelete",
    "org.apache.hc.client5.http.classic.methods.HttpPatch",
    "org.apache.hc.client5.http.classic.methods.HttpHead",
];
const REST_TEMPLATE_METHODS: &[&str] = &[
    "getForObject",
    "getForEntity",
    "postForObject",
    "postForEntity",
    "postForLocation",
    "exchange",
    "patchForObject",
];

/// Obsolete protocol names for `SSLContext.getInstance` and protocol lists.
fn obsolete(protocol: &str) -> bool {
    matches!(
        protocol.trim().to_ascii_uppercase().as_str(),
        "SSL" | "SSLV2" | "SSLV3" | "TLSV1" | "TLSV1.1" | "SSL_3_0" | "TLS_1_0" | "TLS_1_1"
    )
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if node.kind() == "method_invocation" {
        if calls(checker, node, SSL_CONTEXT_GET) {
            check_ssl_context(node, checker);
            return;
        }
        match method_name(node, text) {
            Some("setEnabledProtocols") => check_protocol_list(node, checker),
            Some("tlsVersions") => check_okhttp_versions(node, checker),
            Some("openConnection" | "openStream") => {
                if let Some(r) = receiver(node) {
                    check_opened_url(node, r, checker);
                }
            }
            Some("newBuilder" | "uri") => {
                if let Some(&arg) = call_args(node).first()
                    && arg.kind() == "method_invocation"
                    && calls(checker, arg, URI_CREATE)
                    && let Some(&url) = call_args(arg).first()
                {
                    report_url(node, url, checker);
                }
            }
            Some(name) if REST_TEMPLATE_METHODS.contains(&name) => {
                let on_template = receiver(node).is_some_and(|r| {
                    node_text(r, text)
                        .to_ascii_lowercase()
                        .contains("resttemplate")
                        || declaration_of(r, text)
                            .and_then(|d| d.ty)
                            .is_some_and(|t| node_text(t, text).ends_with("RestTemplate"))
                });
                if on_template && let Some(&url) = call_args(node).first() {
                    report_url(node, url, checker);
                }
            }
            _ => {}
        }
        return;
    }
    if calls(checker, node, HTTP_REQUESTS)
        && let Some(&url) = call_args(node).first()
    {
        report_url(node, url, checker);
    }
}

fn check_ssl_context(call: Node<'_>, checker: &mut Checker<'_>) {
    let Some(&arg) = call_args(call).first() else {
        return;
    };
    let Some(protocol) = constant_string(arg, checker.text) else {
        return;
    };
    if !obsolete(&protocol) {
        return;
    }
    let mut violation = Violation::new(
        "obsolete-tls",
        format!(
            "SSLContext.getInstance(\"{protocol}\") asks for an obsolete protocol (SSL, TLS 1.0 and 1.1 are broken or deprecated): use \"TLSv1.2\" or \"TLSv1.3\""
        ),
    );
    if arg.kind() == "string_literal"
        && let Some(edit) = replace_string_value(arg, checker.text, "TLSv1.2")
    {
        violation = violation.with_fix(Fix::new("Use TLSv1.2", vec![edit]));
    }
    checker.report(call, violation);
}

/// The array initializer a protocol list argument denotes: inline, or a
/// local or field initialised with one.
fn protocol_array<'t>(arg: Node<'t>, text: &str) -> Option<(Node<'t>, bool)> {
    match arg.kind() {
        "array_creation_expression" => arg.child_by_field_name("value").map(|v| (v, true)),
        "array_initializer" => Some((arg, true)),
        "identifier" => {
            let value = declaration_of(arg, text)?.value?;
            match value.kind() {
                "array_creation_expression" => {
                    value.child_by_field_name("value").map(|v| (v, false))
                }
                "array_initializer" => Some((value, false)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn check_protocol_list(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(&arg) = call_args(call).first() else {
        return;
    };
    let Some((array, inline)) = protocol_array(arg, text) else {
        return;
    };
    let mut cursor = array.walk();
    let elements: Vec<Node<'_>> = array
        .named_children(&mut cursor)
        .filter(|e| !e.kind().contains("comment"))
        .collect();
    let values: Vec<Option<String>> = elements.iter().map(|e| constant_string(*e, text)).collect();
    let weak: Vec<&String> = values.iter().flatten().filter(|v| obsolete(v)).collect();
    if weak.is_empty() {
        return;
    }
    let shown = weak
        .iter()
        .map(|w| w.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut violation = Violation::new(
        "obsolete-tls",
        format!(
            "The enabled protocols include {shown}: SSLv3, TLS 1.0 and TLS 1.1 are broken or deprecated; enable only TLSv1.2 and TLSv1.3"
        ),
    );
    if inline && values.iter().all(Option::is_some) {
        let kept: Vec<&str> = elements
            .iter()
            .zip(&values)
            .filter(|(_, v)| {
                v.as_deref()
                    .is_some_and(|v| !obsolete(v) && !v.eq_ignore_ascii_case("SSLv2Hello"))
            })
            .map(|(e, _)| node_text(*e, text))
            .collect();
        let list = if kept.is_empty() {
            "\"TLSv1.2\"".to_string()
        } else {
            kept.join(", ")
        };
        violation = violation.with_fix(Fix::replace(
            "Enable only TLS 1.2 and later",
            array.byte_range(),
            format!("{{{list}}}"),
        ));
    }
    checker.report(call, violation);
}

fn check_okhttp_versions(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let weak: Vec<&str> = call_args(call)
        .into_iter()
        .filter(|a| a.kind() == "field_access")
        .filter(|a| {
            a.child_by_field_name("object")
                .is_some_and(|o| node_text(o, text).ends_with("TlsVersion"))
                && a.child_by_field_name("field")
                    .is_some_and(|f| obsolete(node_text(f, text)))
        })
        .map(|a| node_text(a, text))
        .collect();
    if weak.is_empty() {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "obsolete-tls",
            format!("The connection spec allows {}: SSLv3, TLS 1.0 and TLS 1.1 are broken or deprecated; allow only TLS_1_2 and TLS_1_3", weak.join(", ")),
        ),
    );
}

/// The plaintext scheme of a URL to a remote host, if it is one.
fn plaintext_scheme(url: &str) -> Option<&'static str> {
    let lower = url.trim().to_ascii_lowercase();
    let (scheme, rest) = if let Some(rest) = lower.strip_prefix("http://") {
        ("http", rest)
    } else if let Some(rest) = lower.strip_prefix("ftp://") {
        ("ftp", rest)
    } else if let Some(rest) = lower.strip_prefix("ldap://") {
        ("ldap", rest)
    } else {
        return None;
    };
    // `"http://" + host`: the host is not written out.
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if host_end == 0 || host_end == rest.len() && !rest.contains('.') {
        return None;
    }
    (!local_or_example_host(rest)).then_some(scheme)
}

/// The URL string an argument holds, and the literal node when it is
/// written at the call (whole, or as the head of a concatenation).
fn url_text<'t>(arg: Node<'t>, text: &str) -> Option<(String, Option<Node<'t>>)> {
    if arg.kind() == "binary_expression" {
        let left = arg.child_by_field_name("left")?;
        return url_text(left, text).map(|(s, n)| {
            // A concatenation continues past the literal: the host is only
            // known when the literal already reaches the path.
            (
                if s.trim_start_matches(|c: char| c.is_ascii_alphabetic())
                    .trim_start_matches("://")
                    .contains('/')
                {
                    s
                } else {
                    String::new()
                },
                n,
            )
        });
    }
    let value = constant_string(arg, text)?;
    let literal = (arg.kind() == "string_literal").then_some(arg);
    Some((value, literal))
}

fn report_url(call: Node<'_>, arg: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some((url, literal)) = url_text(arg, text) else {
        return;
    };
    let Some(scheme) = plaintext_scheme(&url) else {
        return;
    };
    if scheme == "ldap" {
        return;
    }
    // Basic credentials over plain HTTP are weak-obfuscation-of-request's
    // finding; the same connection is not reported twice.
    if enclosing_method(call).is_some_and(|m| node_text(m, text).contains("\"Basic ")) {
        return;
    }
    let mut violation = Violation::new(
        "plaintext-url",
        format!(
            "This connection uses plain {} to a remote host: anyone on the network can read and change the traffic; use {}",
            scheme.to_ascii_uppercase(),
            if scheme == "http" {
                "HTTPS"
            } else {
                "SFTP or FTPS"
            }
        ),
    );
    if scheme == "http"
        && let Some(literal) = literal
        && let Some(at) = node_text(literal, text).find("http://")
    {
        let start = literal.start_byte() + at;
        violation = violation.with_fix(Fix::replace(
            "Use https://",
            start..start + "http://".len(),
            "https://",
        ));
    }
    checker.report(call, violation);
}

/// `new URL("http://...").openConnection()`, or a URL variable opened.
fn check_opened_url(call: Node<'_>, recv: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let creation = match recv.kind() {
        "object_creation_expression" => Some(recv),
        "parenthesized_expression" => recv.named_child(0),
        "identifier" => declaration_of(recv, text)
            .and_then(|d| d.value)
            .filter(|_| {
                // Reassigned URLs are not followed.
                enclosing_method(recv).is_some_and(|m| {
                    !descendants(m).into_iter().any(|n| {
                        n.kind() == "assignment_expression"
                            && n.child_by_field_name("left")
                                .is_some_and(|l| node_text(l, text) == node_text(recv, text))
                    })
                })
            }),
        _ => None,
    };
    let Some(creation) = creation.filter(|c| c.kind() == "object_creation_expression") else {
        return;
    };
    if !calls(checker, creation, URL) {
        return;
    }
    let args = call_args(creation);
    // `new URL(context, spec)` resolves against another URL.
    if args.len() != 1 {
        return;
    }
    report_url(call, args[0], checker);
}
