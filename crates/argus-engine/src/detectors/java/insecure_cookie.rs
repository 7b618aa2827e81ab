use super::super::prelude::*;
use super::web::{
    assigned_name, calls_in, chain, indent_at, is_call_on, name_words, scope_of, statement_of,
    string_value, strip,
};
use super::{bool_literal, call_args, int_literal, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds cookies sent without the `Secure` attribute, and session or
    /// credential cookies sent without `HttpOnly`:
    /// - a servlet `javax.servlet.http.Cookie` / `jakarta.servlet.http.Cookie`
    ///   created and given to `response.addCookie(c)` in the same method
    ///   without `c.setSecure(...)`, or with `setSecure(false)`; and without
    ///   `c.setHttpOnly(...)` (or with `false`) when the cookie's name or
    ///   value names a session, token, JWT, login or credential;
    /// - a Spring `ResponseCookie.from(...)...build()` chain without
    ///   `.secure(...)` or with `.secure(false)`, and likewise for
    ///   `.httpOnly(...)` on session and credential cookies.
    ///
    /// A flag computed at run time (`setSecure(request.isSecure())`) is a
    /// choice and is not reported, nor is a cookie being deleted
    /// (`setMaxAge(0)`, `maxAge(0)`), nor a cookie whose value is a literal
    /// written in the source (`new Cookie("lang", "en")`): it holds nothing
    /// secret. A CSRF token cookie (`XSRF-TOKEN`) is meant to be read by
    /// scripts and needs no `HttpOnly`. Cookies created in one method and
    /// added in another are not followed.
    ///
    /// ## Why is this bad?
    /// A cookie without `Secure` is also sent over plain HTTP, where anyone
    /// on the network reads it: a session cookie read that way is a
    /// logged-in session. A session cookie without `HttpOnly` is readable
    /// from JavaScript, so a single cross-site scripting bug sends it to an
    /// attacker.
    ///
    /// ## Example
    /// ```java
    /// Cookie cookie = new Cookie("SESSION", sessionId);
    /// response.addCookie(cookie);
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// Cookie cookie = new Cookie("SESSION", sessionId);
    /// cookie.setSecure(true);
    /// cookie.setHttpOnly(true);
    /// response.addCookie(cookie);
    /// ```
    ///
    /// ## References
    /// - [CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute](https://cwe.mitre.org/data/definitions/614.html)
    /// - [CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag](https://cwe.mitre.org/data/definitions/1004.html)
    /// - [OWASP Session Management Cheat Sheet: Cookies](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies)
    pub static SPEC = {
        ids: &["java/insecure-cookie@v1.0"],
        languages: &[Language::Java],
        name: "Insecure cookie",
        category: Category::Security,
        cwes: &[614, 1004, 311],
        tags: &["cookies", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Set `Secure` on every cookie and `HttpOnly` on session and credential cookies.",
        keywords: &["Cookie"],
        check: Check::Node { kinds: &["object_creation_expression", "method_invocation"], run: check },
    };
}

const COOKIE_TYPES: &[&str] = &["javax.servlet.http.Cookie", "jakarta.servlet.http.Cookie"];

/// Words naming a cookie that holds a session or a credential.
const SENSITIVE: &[&str] = &[
    "session",
    "sess",
    "sid",
    "sessionid",
    "jsessionid",
    "token",
    "jwt",
    "auth",
    "authorization",
    "authentication",
    "login",
    "remember",
    "rememberme",
    "password",
    "passwd",
    "secret",
    "credential",
    "credentials",
    "apikey",
    "bearer",
    "refresh",
    "sso",
];

/// Cookies meant to be read by scripts (double-submit CSRF tokens).
const SCRIPT_READABLE: &[&str] = &["csrf", "xsrf"];

fn words_of(node: Node<'_>, text: &str) -> Vec<String> {
    if let Some(s) = string_value(node, text) {
        return name_words(&s);
    }
    super::descendants(node)
        .into_iter()
        .filter(|n| n.kind() == "identifier")
        .flat_map(|n| name_words(node_text(n, text)))
        .collect()
}

/// Whether a cookie's name or value names a session or a credential.
fn sensitive(name: Option<Node<'_>>, value: Option<Node<'_>>, text: &str) -> bool {
    let name_words = name.map(|n| words_of(n, text)).unwrap_or_default();
    if name_words
        .iter()
        .any(|w| SCRIPT_READABLE.contains(&w.as_str()))
    {
        return false;
    }
    let value_words = value.map(|n| words_of(n, text)).unwrap_or_default();
    name_words
        .iter()
        .chain(value_words.iter())
        .any(|w| SENSITIVE.contains(&w.as_str()))
}

/// Whether the cookie's value is written in the source or empty (a
/// preference, or a deletion).
fn literal_value(value: Option<Node<'_>>, text: &str) -> bool {
    value.is_some_and(|v| {
        let v = strip(v);
        v.kind() == "null_literal"
            || string_value(v, text).is_some()
            || matches!(
                v.kind(),
                "decimal_integer_literal" | "true" | "false" | "character_literal"
            )
    })
}

/// What a flag setter says: `Some(false)` for an explicit `false`,
/// `Some(true)` for anything else (a literal `true` or a run-time choice).
fn flag(call: Node<'_>) -> Option<bool> {
    let arg = call_args(call).into_iter().next()?;
    Some(bool_literal(strip(arg)) != Some(false))
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    if node.kind() == "object_creation_expression" {
        check_servlet(node, checker);
    } else {
        check_spring(node, checker);
    }
}

fn check_servlet(creation: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = checker.semantic.callee_names(creation, text);
    if !names.iter().any(|n| COOKIE_TYPES.contains(&n.as_str())) {
        return;
    }
    let args = call_args(creation);
    if literal_value(args.get(1).copied(), text) {
        return;
    }
    let Some(var) = assigned_name(creation, text) else {
        return;
    };
    let scope = scope_of(creation);
    let calls = calls_in(scope);
    let after: Vec<Node<'_>> = calls
        .iter()
        .copied()
        .filter(|c| c.start_byte() > creation.end_byte())
        .collect();
    let Some(add) = after.iter().copied().find(|c| {
        method_name(*c, text) == Some("addCookie")
            && call_args(*c)
                .first()
                .is_some_and(|a| strip(*a).kind() == "identifier" && node_text(*a, text) == var)
    }) else {
        return;
    };
    let setter = |m: &str| {
        after
            .iter()
            .copied()
            .filter(|c| is_call_on(*c, var, &[m], text))
            .filter_map(flag)
            .next_back()
    };
    let deleted = after.iter().any(|c| {
        is_call_on(*c, var, &["setMaxAge"], text)
            && call_args(*c)
                .first()
                .is_some_and(|a| int_literal(strip(*a), text) == Some(0))
    });
    if deleted {
        return;
    }
    let secure = setter("setSecure");
    let http_only = setter("setHttpOnly");
    let wants_http_only = sensitive(args.first().copied(), args.get(1).copied(), text);
    let no_secure = secure != Some(true);
    let no_http_only = wants_http_only && http_only != Some(true);
    if !no_secure && !no_http_only {
        return;
    }
    let mut missing = Vec::new();
    if no_secure {
        missing.push("Secure");
    }
    if no_http_only {
        missing.push("HttpOnly");
    }
    let mut violation = Violation::new(
        if no_secure {
            "no-secure"
        } else {
            "no-httponly"
        },
        format!(
            "Cookie `{var}` is sent without the {} attribute{}",
            missing.join(" and "),
            if missing.len() > 1 { "s" } else { "" }
        ),
    );
    // Add the missing setters before `addCookie` (an explicit `false` is
    // flipped where it is written).
    let statement = statement_of(add);
    let indent = indent_at(text, statement.start_byte()).to_string();
    let mut edits = Vec::new();
    let mut inserted = String::new();
    for (needed, current, method) in [
        (no_secure, secure, "setSecure"),
        (no_http_only, http_only, "setHttpOnly"),
    ] {
        if !needed {
            continue;
        }
        if current == Some(false) {
            let last = after
                .iter()
                .copied()
                .rfind(|c| is_call_on(*c, var, &[method], text));
            if let Some(arg) = last.and_then(|c| call_args(c).into_iter().next()) {
                edits.push(Edit::replace(arg.byte_range(), "true"));
            }
        } else {
            inserted.push_str(&format!("{var}.{method}(true);\n{indent}"));
        }
    }
    if !inserted.is_empty() {
        edits.push(Edit::replace(
            statement.start_byte()..statement.start_byte(),
            inserted,
        ));
    }
    if statement.parent().is_some_and(|p| p.kind() == "block") {
        violation = violation.with_fix(Fix::new(
            format!("Set {} on the cookie", missing.join(" and ")),
            edits,
        ));
    }
    checker.report(add, violation);
}

fn check_spring(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if method_name(call, text) != Some("build") {
        return;
    }
    let calls = chain(call);
    let Some(from) = calls.first().copied() else {
        return;
    };
    let from_names = checker.semantic.callee_names(from, text);
    if !from_names.iter().any(|n| {
        n == "org.springframework.http.ResponseCookie.from"
            || n == "org.springframework.http.ResponseCookie.fromClientResponse"
    }) {
        return;
    }
    let args = call_args(from);
    if literal_value(args.get(1).copied(), text) {
        return;
    }
    let last = |m: &str| {
        calls
            .iter()
            .copied()
            .rfind(|c| method_name(*c, text) == Some(m))
    };
    if last("maxAge").is_some_and(|c| {
        call_args(c).first().is_some_and(|a| {
            int_literal(strip(*a), text) == Some(0) || node_text(*a, text) == "Duration.ZERO"
        })
    }) {
        return;
    }
    let secure = last("secure");
    let http_only = last("httpOnly");
    let no_secure = secure.and_then(flag) != Some(true);
    let no_http_only = sensitive(args.first().copied(), args.get(1).copied(), text)
        && http_only.and_then(flag) != Some(true);
    if !no_secure && !no_http_only {
        return;
    }
    let mut missing = Vec::new();
    let mut edits = Vec::new();
    let mut inserted = String::new();
    for (needed, current, name, method) in [
        (no_secure, secure, "Secure", "secure"),
        (no_http_only, http_only, "HttpOnly", "httpOnly"),
    ] {
        if !needed {
            continue;
        }
        missing.push(name);
        match current.and_then(|c| call_args(c).into_iter().next()) {
            Some(arg) => edits.push(Edit::replace(arg.byte_range(), "true")),
            None => inserted.push_str(&format!(".{method}(true)")),
        }
    }
    if !inserted.is_empty()
        && let Some(object) = receiver(call)
    {
        edits.push(Edit::replace(
            object.end_byte()..object.end_byte(),
            inserted,
        ));
    }
    let violation = Violation::new(
        if no_secure {
            "no-secure"
        } else {
            "no-httponly"
        },
        format!(
            "`ResponseCookie` is built without the {} attribute{}",
            missing.join(" and "),
            if missing.len() > 1 { "s" } else { "" }
        ),
    )
    .with_fix(Fix::new(
        format!("Set {} on the cookie", missing.join(" and ")),
        edits,
    ));
    checker.report(call, violation);
}
