use super::super::prelude::*;
use super::{
    bool_literal, call_args, callee_names, descendants, is_imported, js_string, member_call,
    object_property, set_property, unwrap,
};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds CSRF protection that has been switched off for the requests
    /// it exists for, and session cookies opened to cross-site requests in
    /// an application without CSRF protection:
    /// - `csurf` with `ignoreMethods` listing POST, PUT, PATCH or DELETE,
    ///   and `csrf-csrf` / `csrf-sync` with such `ignoredMethods`;
    /// - `express-session` (`cookie.sameSite`) or `cookie-session`
    ///   (`sameSite`) set to `"none"` or `false`, in a file that defines
    ///   state-changing routes (`app.post`, `router.delete`, ...) and uses
    ///   no CSRF protection at all (no `csurf`, `csrf-csrf`, `csrf-sync`,
    ///   `lusca`, `@fastify/csrf-protection`, nor anything named CSRF).
    ///
    /// Only cookie-based sessions are evidence of what a forged request
    /// could ride on: APIs authenticated by a header token are not at
    /// risk, and `app.use(express.urlencoded())` alone proves nothing.
    /// The SameSite attribute of csurf's own secret cookie does not matter
    /// (the attacker still lacks the token) and is not reported.
    ///
    /// ## Why is this bad?
    /// Browsers attach cookies to requests that any site starts. Without a
    /// CSRF token, and with a session cookie marked `SameSite=None` (or
    /// without the attribute, in browsers that do not default to `Lax`), a
    /// page the victim visits can submit a form to the application with the
    /// victim's session: change their e-mail address, transfer money, or
    /// add an administrator.
    ///
    /// ## Example
    /// ```javascript
    /// app.use(csrf({ cookie: true, ignoreMethods: ["GET", "HEAD", "OPTIONS", "POST"] }));
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.use(csrf({ cookie: true }));
    /// ```
    ///
    /// ## References
    /// - [CWE-352: Cross-Site Request Forgery (CSRF)](https://cwe.mitre.org/data/definitions/352.html)
    /// - [csurf: ignoreMethods](https://github.com/expressjs/csurf#ignoremethods)
    /// - [OWASP CSRF Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html)
    /// - [MDN: SameSite cookies](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#samesitesamesite-value)
    pub static SPEC = {
        ids: &["javascript/cross-site-request-forgery@v1.0", "typescript/cross-site-request-forgery@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Cross-site request forgery",
        category: Category::Security,
        cwes: &[352],
        tags: &["csrf", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Keep CSRF protection on for POST, PUT, PATCH and DELETE, and keep session cookies SameSite=Lax (or Strict) unless a CSRF token protects every state-changing route.",
        keywords: &["csrf", "samesite"],
        check: Check::Node { kinds: &["call_expression"], run: check },
    };
}

/// CSRF middleware and the option naming the methods it skips.
const CSRF_MIDDLEWARE: &[(&str, &str)] = &[
    ("csurf", "ignoreMethods"),
    ("@dr.pogodin/csurf", "ignoreMethods"),
    ("csrf-csrf.doubleCsrf", "ignoredMethods"),
    ("csrf-sync.csrfSync", "ignoredMethods"),
];

const UNSAFE_METHODS: &[&str] = &["POST", "PUT", "PATCH", "DELETE"];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(function) = call.js_field("function") else {
        return;
    };
    let names = callee_names(call, checker);
    if !is_imported(function, checker) {
        return;
    }
    if let Some(&(_, option)) = CSRF_MIDDLEWARE
        .iter()
        .find(|(m, _)| names.iter().any(|n| n == m))
    {
        check_ignored_methods(call, option, checker);
        return;
    }
    let express_session = names.iter().any(|n| n == "express-session");
    let cookie_session = names.iter().any(|n| n == "cookie-session");
    if !(express_session || cookie_session) {
        return;
    }
    let Some(options) = call_args(call).first().map(|o| unwrap(*o)) else {
        return;
    };
    let cookie = if express_session {
        object_property(options, "cookie", text).map(unwrap)
    } else {
        Some(options)
    };
    let Some(cookie) = cookie.filter(|c| c.kind() == "object") else {
        return;
    };
    let Some(same_site) = object_property(cookie, "sameSite", text) else {
        return;
    };
    let open = bool_literal(same_site, text) == Some(false)
        || js_string(same_site, text).is_some_and(|v| v.eq_ignore_ascii_case("none"));
    if !open || !has_state_changing_routes(call, text) || uses_csrf_protection(call, checker) {
        return;
    }
    let mut violation = Violation::new(
        "session-samesite",
        format!(
            "the session cookie is sent on cross-site requests (sameSite: {}) and no CSRF protection guards this file's state-changing routes: any site can submit them with the user's session",
            node_text(same_site, text)
        ),
    );
    if let Some(edit) = set_property(cookie, "sameSite", "\"lax\"", text) {
        violation = violation.with_fix(Fix::new("Set sameSite: \"lax\"", vec![edit]));
    }
    checker.report(same_site, violation);
}

fn check_ignored_methods(call: Node<'_>, option: &str, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(options) = call_args(call).first().map(|o| unwrap(*o)) else {
        return;
    };
    let Some(methods) = object_property(options, option, text)
        .map(unwrap)
        .filter(|m| m.kind() == "array")
    else {
        return;
    };
    let mut cursor = methods.walk();
    let skipped: Vec<String> = methods
        .named_children(&mut cursor)
        .filter_map(|m| js_string(m, text))
        .map(|m| m.to_ascii_uppercase())
        .filter(|m| UNSAFE_METHODS.contains(&m.as_str()))
        .collect();
    if skipped.is_empty() {
        return;
    }
    let violation = Violation::new(
        "csrf-ignored-methods",
        format!(
            "CSRF protection skips {}: requests that change state go unchecked",
            skipped.join(", ")
        ),
    )
    .with_fix(Fix::replace(
        "Skip only the safe methods (GET, HEAD, OPTIONS)",
        methods.byte_range(),
        "[\"GET\", \"HEAD\", \"OPTIONS\"]",
    ));
    checker.report(methods, violation);
}

/// Whether the file routes POST, PUT, PATCH or DELETE requests
/// (`app.post("/transfer", ...)`, `router.route("/x").delete(...)`).
fn has_state_changing_routes(call: Node<'_>, text: &str) -> bool {
    let mut root = call;
    while let Some(parent) = root.parent() {
        root = parent;
    }
    descendants(root).into_iter().any(|n| {
        n.kind() == "call_expression"
            && member_call(n, text).is_some_and(|(receiver, method)| {
                matches!(method, "post" | "put" | "patch" | "delete")
                    && (call_args(n)
                        .first()
                        .and_then(|p| js_string(*p, text))
                        .is_some_and(|p| p.starts_with('/'))
                        || unwrap(receiver).kind() == "call_expression")
            })
    })
}

/// Modules that protect against CSRF.
const CSRF_MODULES: &[&str] = &[
    "csurf",
    "@dr.pogodin/csurf",
    "csrf",
    "csrf-csrf",
    "csrf-sync",
    "tiny-csrf",
    "lusca",
    "koa-csrf",
    "@koa/csrf",
    "@fastify/csrf-protection",
    "@fastify/csrf",
];

/// Whether anything in the file protects against CSRF: a CSRF module, or
/// code or strings naming CSRF/XSRF (a hand-written token check).
fn uses_csrf_protection(call: Node<'_>, checker: &Checker<'_>) -> bool {
    if checker.semantic.imports_any(CSRF_MODULES) {
        return true;
    }
    let mut root = call;
    while let Some(parent) = root.parent() {
        root = parent;
    }
    descendants(root).into_iter().any(|n| {
        n.child_count() == 0 && !n.kind().contains("comment") && {
            let lower = node_text(n, checker.text).to_ascii_lowercase();
            lower.contains("csrf") || lower.contains("xsrf")
        }
    })
}
