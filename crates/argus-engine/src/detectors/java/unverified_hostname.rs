use super::super::prelude::*;
use super::crypto::{calls, is_logging_call};
use super::improper_certificate_validation::returns_true;
use super::{descendants, enclosing_class, method_name};

detector! {
    /// ## What it does
    /// Finds TLS hostname verification switched off:
    /// - `HostnameVerifier` implementations (classes, anonymous classes)
    ///   whose `verify(String, SSLSession)` returns `true` whatever it is
    ///   given, and lambdas `(hostname, session) -> true` given to
    ///   `setHostnameVerifier`, `setDefaultHostnameVerifier`, OkHttp's
    ///   `hostnameVerifier`, `setSSLHostnameVerifier`, an
    ///   `SSLConnectionSocketFactory` or stored as a `HostnameVerifier`.
    /// - Apache HttpClient's `NoopHostnameVerifier`,
    ///   `AllowAllHostnameVerifier` and `ALLOW_ALL_HOSTNAME_VERIFIER`.
    ///
    /// ## Why is this bad?
    /// Certificate validation only proves that the certificate is signed by
    /// a trusted authority; hostname verification proves it was issued for
    /// the host being contacted. Without it, any valid certificate (one an
    /// attacker bought for their own domain) is accepted for every host,
    /// and a man-in-the-middle can read and change the traffic.
    ///
    /// ## Example
    /// ```java
    /// HttpsURLConnection.setDefaultHostnameVerifier((hostname, session) -> true);
    /// ```
    ///
    /// ## Use instead
    /// Keep the default verifier (`HttpsURLConnection.getDefaultHostnameVerifier()`,
    /// `new DefaultHostnameVerifier()` in HttpClient). To reach a host by
    /// a name not in its certificate, fix the certificate or connect by the
    /// name it was issued for. No automatic fix is offered: removing the
    /// verifier changes which connections succeed.
    ///
    /// ## References
    /// - [CWE-297: Improper Validation of Certificate with Host Mismatch](https://cwe.mitre.org/data/definitions/297.html)
    /// - [Android: Unsafe HostnameVerifier](https://developer.android.com/privacy-and-security/risks/unsafe-hostname)
    pub static SPEC = {
        ids: &["java/unverified-hostname@v1.0"],
        languages: &[Language::Java],
        name: "Unverified hostname",
        category: Category::Security,
        cwes: &[297, 295],
        tags: &["tls", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Keep the default hostname verifier; never accept every host name.",
        keywords: &["HostnameVerifier", "ALLOW_ALL_HOSTNAME_VERIFIER"],
        check: Check::Node { kinds: &["method_declaration", "lambda_expression", "object_creation_expression", "field_access", "identifier"], run: check },
    };
}

const ALLOW_ALL: &[&str] = &[
    "org.apache.http.conn.ssl.NoopHostnameVerifier",
    "org.apache.http.conn.ssl.AllowAllHostnameVerifier",
    "org.apache.hc.client5.http.ssl.NoopHostnameVerifier",
    "NoopHostnameVerifier",
    "AllowAllHostnameVerifier",
];

const ALLOW_ALL_MESSAGE: &str = "This hostname verifier accepts every host name";

/// Calls whose argument is a hostname verifier.
const VERIFIER_SETTERS: &[&str] = &[
    "setHostnameVerifier",
    "setDefaultHostnameVerifier",
    "hostnameVerifier",
    "setSSLHostnameVerifier",
    "setHostnameVerificationPolicy",
];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    match node.kind() {
        "method_declaration" => check_verify_method(node, checker),
        "lambda_expression" if lambda_is_verifier(node, checker) && returns_true(node, text) => {
            report(node, ALLOW_ALL_MESSAGE, checker);
        }
        "object_creation_expression"
            if node.child_by_field_name("body").is_none()
                && calls(checker, node, ALLOW_ALL)
                && !inside_own_class(node, text) =>
        {
            report(node, ALLOW_ALL_MESSAGE, checker);
        }
        "field_access" => {
            let Some(field) = node.child_by_field_name("field") else {
                return;
            };
            let field = node_text(field, text);
            let Some(object) = node.child_by_field_name("object") else {
                return;
            };
            let allow_all_instance = field == "INSTANCE"
                && checker
                    .semantic
                    .qualified_names(object, text)
                    .iter()
                    .any(|n| ALLOW_ALL.contains(&n.as_str()));
            if (allow_all_instance || field == "ALLOW_ALL_HOSTNAME_VERIFIER")
                && !inside_own_class(node, text)
            {
                report(node, ALLOW_ALL_MESSAGE, checker);
            }
        }
        // A statically imported `ALLOW_ALL_HOSTNAME_VERIFIER`.
        "identifier"
            if node_text(node, text) == "ALLOW_ALL_HOSTNAME_VERIFIER"
                && node.parent().is_some_and(|p| {
                    p.kind() == "argument_list"
                        || (p.kind() == "variable_declarator"
                            && p.child_by_field_name("value") == Some(node))
                        || (p.kind() == "assignment_expression"
                            && p.child_by_field_name("right") == Some(node))
                })
                && checker
                    .semantic
                    .binding("ALLOW_ALL_HOSTNAME_VERIFIER")
                    .is_some() =>
        {
            report(node, ALLOW_ALL_MESSAGE, checker);
        }
        _ => {}
    }
}

fn report(node: Node<'_>, what: &str, checker: &mut Checker<'_>) {
    checker.report(
        node,
        Violation::new(
            "allow-all-hostnames",
            format!("{what}: a certificate issued for any other host is accepted, so a man-in-the-middle can impersonate the server"),
        ),
    );
}

/// The classes defining the allow-all verifiers create their instances.
fn inside_own_class(node: Node<'_>, text: &str) -> bool {
    enclosing_class(node)
        .and_then(|c| c.child_by_field_name("name"))
        .is_some_and(|n| {
            let name = node_text(n, text);
            matches!(
                name,
                "NoopHostnameVerifier"
                    | "AllowAllHostnameVerifier"
                    | "SSLSocketFactory"
                    | "SSLConnectionSocketFactory"
            )
        })
}

/// Whether a lambda is used as a hostname verifier.
fn lambda_is_verifier(lambda: Node<'_>, checker: &Checker<'_>) -> bool {
    let text = checker.text;
    let params = lambda
        .child_by_field_name("parameters")
        .map(|p| {
            let mut cursor = p.walk();
            p.named_children(&mut cursor).count()
        })
        .unwrap_or(0);
    if params != 2 {
        return false;
    }
    let Some(parent) = lambda.parent() else {
        return false;
    };
    match parent.kind() {
        "argument_list" => parent.parent().is_some_and(|call| match call.kind() {
            "method_invocation" => {
                method_name(call, text).is_some_and(|m| VERIFIER_SETTERS.contains(&m))
            }
            "object_creation_expression" => call
                .child_by_field_name("type")
                .is_some_and(|t| node_text(t, text).ends_with("SSLConnectionSocketFactory")),
            _ => false,
        }),
        "variable_declarator" => parent
            .parent()
            .and_then(|d| d.child_by_field_name("type"))
            .is_some_and(|t| node_text(t, text).ends_with("HostnameVerifier")),
        "return_statement" => {
            let mut up = parent.parent();
            while let Some(n) = up {
                if n.kind() == "method_declaration" {
                    return n
                        .child_by_field_name("type")
                        .is_some_and(|t| node_text(t, text).ends_with("HostnameVerifier"));
                }
                up = n.parent();
            }
            false
        }
        _ => false,
    }
}

/// `boolean verify(String hostname, SSLSession session) { return true; }`
/// in a `HostnameVerifier`.
fn check_verify_method(method: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(name) = method.child_by_field_name("name") else {
        return;
    };
    if node_text(name, text) != "verify" {
        return;
    }
    let params = method
        .child_by_field_name("parameters")
        .map(|p| node_text(p, text).to_string())
        .unwrap_or_default();
    if !params.contains("SSLSession") {
        return;
    }
    let Some(body) = method.child_by_field_name("body") else {
        return;
    };
    let mut cursor = body.walk();
    let statements: Vec<Node<'_>> = body
        .named_children(&mut cursor)
        .filter(|s| !s.kind().contains("comment"))
        .collect();
    let always_true = statements.iter().any(|s| s.kind() == "return_statement")
        && statements.iter().all(|s| {
            (s.kind() == "return_statement" && s.named_child(0).is_some_and(|v| v.kind() == "true"))
                || (s.kind() == "expression_statement"
                    && s.named_child(0).is_some_and(|c| {
                        c.kind() == "method_invocation" && is_logging_call(c, text)
                    }))
        })
        && !descendants(body).iter().any(|n| {
            n.kind() == "return_statement" && n.named_child(0).is_some_and(|v| v.kind() != "true")
        });
    if always_true {
        report(
            name,
            "This HostnameVerifier.verify returns true for every host name",
            checker,
        );
    }
}
