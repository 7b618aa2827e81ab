use super::super::prelude::*;
use super::crypto::{calls, is_logging_call};
use super::{call_args, descendants, enclosing_class, method_name};

detector! {
    /// ## What it does
    /// Finds TLS certificate validation switched off:
    /// - `X509TrustManager` implementations (classes or anonymous classes)
    ///   whose `checkServerTrusted` accepts every chain: its body is empty,
    ///   only logs or returns, or swallows the exception of the check it
    ///   delegates to (`try { delegate.checkServerTrusted(...) } catch
    ///   (CertificateException e) { log(e); }`).
    /// - Apache HttpClient trust strategies that accept any certificate:
    ///   `TrustAllStrategy`, `TrustSelfSignedStrategy`, and
    ///   `loadTrustMaterial(..., (chain, authType) -> true)`.
    ///
    /// An empty `checkClientTrusted` is not reported on its own: a trust
    /// manager used by a client is never asked to check clients.
    ///
    /// ## Why is this bad?
    /// A TLS connection is only private if the client checks that the
    /// certificate chain leads to a trusted root. Accepting every
    /// certificate lets anyone on the network path present their own and
    /// read or change all traffic (a man-in-the-middle attack), including
    /// credentials and tokens.
    ///
    /// ## Example
    /// ```java
    /// TrustManager[] trustAll = { new X509TrustManager() {
    ///     public void checkClientTrusted(X509Certificate[] chain, String authType) {}
    ///     public void checkServerTrusted(X509Certificate[] chain, String authType) {}
    ///     public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    /// } };
    /// ```
    ///
    /// ## Use instead
    /// Use the default trust managers
    /// (`SSLContext.getDefault()`), or for a private CA load it into a
    /// `KeyStore` and build trust managers from it with
    /// `TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm())`.
    ///
    /// ## References
    /// - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    /// - [OWASP: Pinning Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Pinning_Cheat_Sheet.html)
    /// - [Android: Unsafe X509TrustManager](https://developer.android.com/privacy-and-security/risks/unsafe-trustmanager)
    pub static SPEC = {
        ids: &["java/improper-certificate-validation@v1.0"],
        languages: &[Language::Java],
        name: "Improper certificate validation",
        category: Category::Security,
        cwes: &[295],
        tags: &["tls", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Validate certificate chains with the platform's default TrustManagerFactory; to trust a private CA, load it into a KeyStore instead of accepting every certificate.",
        keywords: &["checkServerTrusted", "TrustAllStrategy", "TrustSelfSignedStrategy", "loadTrustMaterial"],
        check: Check::Node { kinds: &["method_declaration", "object_creation_expression", "field_access", "method_invocation"], run: check },
    };
}

const TRUST_ALL: &[&str] = &[
    "org.apache.http.conn.ssl.TrustAllStrategy",
    "org.apache.http.conn.ssl.TrustSelfSignedStrategy",
    "org.apache.hc.client5.http.ssl.TrustAllStrategy",
    "org.apache.hc.client5.http.ssl.TrustSelfSignedStrategy",
    "TrustAllStrategy",
    "TrustSelfSignedStrategy",
];

/// Exceptions whose catch makes a failed check pass.
const CHECK_EXCEPTIONS: &[&str] = &[
    "CertificateException",
    "java.security.cert.CertificateException",
    "GeneralSecurityException",
    "Exception",
    "Throwable",
    "RuntimeException",
];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    match node.kind() {
        "method_declaration" => check_trust_manager(node, checker),
        "object_creation_expression"
            if node.child_by_field_name("body").is_none()
                && calls(checker, node, TRUST_ALL)
                && !inside_own_class(node, text) =>
        {
            report_strategy(node, checker);
        }
        "field_access" => {
            if node
                .child_by_field_name("field")
                .is_some_and(|f| node_text(f, text) == "INSTANCE")
                && let Some(object) = node.child_by_field_name("object")
                && checker
                    .semantic
                    .qualified_names(object, text)
                    .iter()
                    .any(|n| TRUST_ALL.contains(&n.as_str()))
                && !inside_own_class(node, text)
            {
                report_strategy(node, checker);
            }
        }
        "method_invocation" => {
            if method_name(node, text) != Some("loadTrustMaterial") {
                return;
            }
            let Some(&strategy) = call_args(node).last() else {
                return;
            };
            if strategy.kind() == "lambda_expression" && returns_true(strategy, text) {
                checker.report(
                    strategy,
                    Violation::new(
                        "trust-all-strategy",
                        "This trust strategy trusts every certificate chain: anyone on the network path can impersonate the server",
                    ),
                );
            }
        }
        _ => {}
    }
}

/// The TrustAllStrategy class itself defines its instance.
fn inside_own_class(node: Node<'_>, text: &str) -> bool {
    enclosing_class(node)
        .and_then(|c| c.child_by_field_name("name"))
        .is_some_and(|n| {
            matches!(
                node_text(n, text),
                "TrustAllStrategy" | "TrustSelfSignedStrategy"
            )
        })
}

fn report_strategy(node: Node<'_>, checker: &mut Checker<'_>) {
    let shown = node_text(node, checker.text).to_string();
    checker.report(
        node,
        Violation::new(
            "trust-all-strategy",
            format!("`{shown}` makes HttpClient trust certificates no authority vouches for: anyone on the network path can impersonate the server"),
        ),
    );
}

/// Whether a lambda's body is `true` or `{ return true; }`.
pub(super) fn returns_true(lambda: Node<'_>, text: &str) -> bool {
    let Some(body) = lambda.child_by_field_name("body") else {
        return false;
    };
    match body.kind() {
        "true" => true,
        "block" => {
            let mut cursor = body.walk();
            let statements: Vec<Node<'_>> = body
                .named_children(&mut cursor)
                .filter(|s| !s.kind().contains("comment"))
                .collect();
            statements.iter().all(|s| {
                (s.kind() == "return_statement"
                    && s.named_child(0).is_some_and(|v| v.kind() == "true"))
                    || (s.kind() == "expression_statement"
                        && s.named_child(0).is_some_and(|c| {
                            c.kind() == "method_invocation" && is_logging_call(c, text)
                        }))
            }) && statements.iter().any(|s| s.kind() == "return_statement")
        }
        _ => {
            let _ = text;
            false
        }
    }
}

/// Whether the class a method belongs to is a trust manager.
fn in_trust_manager(method: Node<'_>, text: &str) -> bool {
    let Some(body) = method.parent() else {
        return false;
    };
    let Some(owner) = body.parent() else {
        return false;
    };
    let header = match owner.kind() {
        "object_creation_expression" => owner.child_by_field_name("type"),
        "class_declaration" => owner
            .child_by_field_name("interfaces")
            .or_else(|| owner.child_by_field_name("superclass")),
        _ => None,
    };
    let named = header.is_some_and(|h| node_text(h, text).contains("TrustManager"));
    // Or the signature says so: `(X509Certificate[] chain, String authType)`.
    let params = method
        .child_by_field_name("parameters")
        .map(|p| node_text(p, text).replace(' ', ""))
        .unwrap_or_default();
    named || params.contains("X509Certificate[]")
}

fn check_trust_manager(method: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(name) = method.child_by_field_name("name") else {
        return;
    };
    if node_text(name, text) != "checkServerTrusted" || !in_trust_manager(method, text) {
        return;
    }
    let Some(body) = method.child_by_field_name("body") else {
        // Abstract or interface method.
        return;
    };
    if !accepts_everything(body, text) {
        return;
    }
    checker.report(
        name,
        Violation::new(
            "trust-all-manager",
            "This checkServerTrusted accepts every certificate chain (it never throws CertificateException): anyone on the network path can impersonate the server",
        ),
    );
}

/// Whether a check body never rejects: no `throw`, and every call it makes
/// either logs or sits in a `try` whose handlers swallow the failure.
fn accepts_everything(body: Node<'_>, text: &str) -> bool {
    let nodes = descendants(body);
    if nodes.iter().any(|n| n.kind() == "throw_statement") {
        return false;
    }
    nodes.iter().all(|n| match n.kind() {
        "method_invocation" => logged(*n, body, text) || swallowed(*n, body, text),
        "object_creation_expression" | "explicit_constructor_invocation" => {
            swallowed(*n, body, text)
        }
        // Reading fields, local assignments and returns do not reject.
        _ => true,
    })
}

/// Whether a call logs or is part of the arguments of a logging call.
fn logged(call: Node<'_>, body: Node<'_>, text: &str) -> bool {
    let mut up = Some(call);
    while let Some(n) = up {
        if n == body {
            return false;
        }
        if n.kind() == "method_invocation" && is_logging_call(n, text) {
            return true;
        }
        up = n.parent();
    }
    false
}

/// Whether a call's exceptions are caught and dropped by a `try` inside
/// `body`, without further checks in the handler.
fn swallowed(call: Node<'_>, body: Node<'_>, text: &str) -> bool {
    let mut up = call.parent();
    while let Some(n) = up {
        if n == body {
            return false;
        }
        if n.kind() == "catch_clause" {
            // A call inside a handler (a fallback check) may reject.
            return is_logging_call(call, text);
        }
        if n.kind() == "block"
            && n.parent().is_some_and(|t| {
                t.kind() == "try_statement" && t.child_by_field_name("body") == Some(n)
            })
        {
            let try_statement = n.parent().unwrap_or(n);
            let mut cursor = try_statement.walk();
            let handlers: Vec<Node<'_>> = try_statement
                .named_children(&mut cursor)
                .filter(|c| c.kind() == "catch_clause")
                .collect();
            return handlers.iter().any(|h| {
                let catches = descendants(*h)
                    .into_iter()
                    .filter(|t| t.kind() == "catch_type")
                    .any(|t| {
                        node_text(t, text)
                            .split('|')
                            .any(|ty| CHECK_EXCEPTIONS.contains(&ty.trim()))
                    });
                catches
                    && !descendants(*h).into_iter().any(|x| {
                        x.kind() == "throw_statement"
                            || (x.kind() == "method_invocation" && !logged(x, *h, text))
                    })
            });
        }
        up = n.parent();
    }
    false
}
