use super::super::prelude::*;
use super::web::{calls_in, has_port, local_host, scope_of, string_value, strip};
use super::{call_args, method_name};
use crate::fix::replace_string_value;

detector! {
    /// ## What it does
    /// Finds JNDI LDAP connections that authenticate badly:
    /// - `Context.SECURITY_AUTHENTICATION` set to `"none"` (an anonymous
    ///   bind) where it stands in for a login: the method also passes a
    ///   principal or credentials, which `none` ignores, or is about
    ///   authenticating users (`login`, `authenticate`, a password
    ///   parameter). Anonymous reads of a public directory -- fetching
    ///   certificates and CRLs -- are not reported;
    /// - `Context.SECURITY_AUTHENTICATION` set to `"simple"` with a
    ///   `Context.PROVIDER_URL` of plain `ldap://` to another host, no
    ///   `Context.SECURITY_PROTOCOL` of `"ssl"` and no StartTLS
    ///   (`StartTlsRequest`): the bind password crosses the network in
    ///   clear.
    ///
    /// The settings are read from the `put`/`setProperty` calls of the
    /// same method (the environment given to `InitialDirContext`), as
    /// constants (`Context.SECURITY_AUTHENTICATION`) or their string
    /// values (`"java.naming.security.authentication"`). Connections to the
    /// local machine are not reported.
    ///
    /// ## Why is this bad?
    /// An anonymous bind authenticates no one: code that treats a
    /// successful anonymous bind (or an empty password, which many servers
    /// accept as anonymous) as a login lets anybody in, and queries run
    /// with whatever the directory grants the public. A simple bind over
    /// plain LDAP sends the distinguished name and password in clear text
    /// to anyone on the network path.
    ///
    /// ## Example
    /// ```java
    /// env.put(Context.PROVIDER_URL, "ldap://ldap.corp.net:389/dc=corp,dc=net");
    /// env.put(Context.SECURITY_AUTHENTICATION, "simple");
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// env.put(Context.PROVIDER_URL, "ldaps://ldap.corp.net:636/dc=corp,dc=net");
    /// env.put(Context.SECURITY_AUTHENTICATION, "simple");
    /// ```
    ///
    /// ## References
    /// - [CWE-287: Improper Authentication](https://cwe.mitre.org/data/definitions/287.html)
    /// - [CWE-522: Insufficiently Protected Credentials](https://cwe.mitre.org/data/definitions/522.html)
    /// - [JNDI LDAP: Security](https://docs.oracle.com/javase/jndi/tutorial/ldap/security/ldap.html)
    /// - [OWASP LDAP Injection Prevention Cheat Sheet: Authentication](https://cheatsheetseries.owasp.org/cheatsheets/LDAP_Injection_Prevention_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["java/ldap-authentication@v1.0"],
        languages: &[Language::Java],
        name: "LDAP authentication",
        category: Category::Security,
        cwes: &[287, 522, 319],
        tags: &["ldap", "authentication"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Authenticate every LDAP bind, over `ldaps://` or StartTLS.",
        keywords: &["SECURITY_AUTHENTICATION", "java.naming.security.authentication"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

/// The JNDI setting a key names (`Context.SECURITY_AUTHENTICATION` or its
/// string value).
fn setting(key: Node<'_>, text: &str) -> Option<&'static str> {
    let written = node_text(strip(key), text);
    let value = string_value(key, text);
    let is = |constant: &str, property: &str| {
        written == constant
            || written.ends_with(&format!(".{constant}"))
            || value.as_deref() == Some(property)
    };
    if is(
        "SECURITY_AUTHENTICATION",
        "java.naming.security.authentication",
    ) {
        Some("auth")
    } else if is("PROVIDER_URL", "java.naming.provider.url") {
        Some("url")
    } else if is("SECURITY_PROTOCOL", "java.naming.security.protocol") {
        Some("protocol")
    } else {
        None
    }
}

/// Whether an anonymous bind stands in for a login: the same method also
/// passes a principal or credentials (which `none` ignores), or the method
/// is about authenticating (`login`, `authenticate`, a password
/// parameter). Anonymous reads of a public directory (certificates,
/// CRLs) are how such directories are meant to be used.
fn authenticates(call: Node<'_>, text: &str) -> bool {
    let scope = scope_of(call);
    let scope_text = node_text(scope, text);
    if scope_text.contains("SECURITY_PRINCIPAL")
        || scope_text.contains("SECURITY_CREDENTIALS")
        || scope_text.contains("java.naming.security.principal")
        || scope_text.contains("java.naming.security.credentials")
    {
        return true;
    }
    let name = scope
        .child_by_field_name("name")
        .map(|n| node_text(n, text).to_ascii_lowercase())
        .unwrap_or_default();
    let params = scope
        .child_by_field_name("parameters")
        .map(|p| node_text(p, text).to_ascii_lowercase())
        .unwrap_or_default();
    [
        "login",
        "logon",
        "signin",
        "authenticat",
        "verifyuser",
        "checkuser",
    ]
    .iter()
    .any(|w| name.contains(w))
        || params.contains("password")
        || params.contains("credential")
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if !matches!(method_name(call, text), Some("put" | "setProperty")) {
        return;
    }
    let args = call_args(call);
    if args.len() != 2 || setting(args[0], text) != Some("auth") {
        return;
    }
    let Some(mechanism) = string_value(args[1], text) else {
        return;
    };
    if mechanism.eq_ignore_ascii_case("none") {
        if !authenticates(call, text) {
            return;
        }
        checker.report(
            call,
            Violation::new(
                "anonymous-bind",
                "LDAP authentication is `none`: the bind is anonymous",
            ),
        );
        return;
    }
    if !mechanism.eq_ignore_ascii_case("simple") {
        return;
    }
    if text.contains("StartTlsRequest") {
        return;
    }
    let settings: Vec<(&'static str, Node<'_>)> = calls_in(scope_of(call))
        .into_iter()
        .filter(|c| matches!(method_name(*c, text), Some("put" | "setProperty")))
        .filter_map(|c| {
            let a = call_args(c);
            (a.len() == 2)
                .then(|| setting(a[0], text).map(|s| (s, a[1])))
                .flatten()
        })
        .collect();
    if settings.iter().any(|(s, v)| {
        *s == "protocol" && string_value(*v, text).is_some_and(|p| p.eq_ignore_ascii_case("ssl"))
    }) {
        return;
    }
    let Some(&(_, url_node)) = settings.iter().find(|(s, _)| *s == "url") else {
        return;
    };
    let Some(url) = string_value(url_node, text) else {
        return;
    };
    // Several space-separated URLs may be given; all must be plain LDAP.
    let urls: Vec<&str> = url.split_whitespace().collect();
    if urls.is_empty()
        || !urls
            .iter()
            .all(|u| u.to_ascii_lowercase().starts_with("ldap://") && !local_host(u))
    {
        return;
    }
    let mut violation = Violation::new(
        "simple-bind-cleartext",
        format!(
            "A simple LDAP bind over plain `{}` sends the password in clear text",
            urls[0]
        ),
    );
    if urls.len() == 1
        && !has_port(&url)
        && strip(url_node).kind() == "string_literal"
        && let Some(edit) =
            replace_string_value(strip(url_node), text, &format!("ldaps://{}", &url[7..]))
    {
        violation = violation.with_fix(Fix::new("Connect over LDAPS", vec![edit]));
    }
    checker.report(call, violation);
}
