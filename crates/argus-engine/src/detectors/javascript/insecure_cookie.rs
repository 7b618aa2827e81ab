use super::super::context::words;
use super::super::prelude::*;
use super::{
    bool_literal, call_args, callee_names, has_spread, is_imported, js_string, last_word,
    member_call, object_property, set_properties, unwrap,
};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds cookies sent without the `Secure` attribute, and session or
    /// authentication cookies sent without `HttpOnly`:
    /// - Express `res.cookie(name, value, options)` and Fastify
    ///   `reply.setCookie(...)`, which set neither attribute unless told
    ///   to: a missing or `false` `secure` is reported for every cookie, a
    ///   missing or `false` `httpOnly` when the cookie's name or value names
    ///   a session, token, JWT, login or credential (a CSRF token cookie is
    ///   meant to be read by scripts and is exempt);
    /// - Koa `ctx.cookies.set(...)` with `httpOnly: false` or
    ///   `secure: false` (Koa sets `HttpOnly` by default and `Secure` on
    ///   HTTPS requests);
    /// - `express-session` without `cookie.secure` (its default is not to
    ///   set it) or with `secure: false` / `httpOnly: false`, and
    ///   `cookie-session` with `secure: false` / `httpOnly: false`;
    /// - `document.cookie = "session=..."` without `Secure` for session and
    ///   token cookies.
    ///
    /// Options passed as a variable or filled from a spread (`{ ...opts }`)
    /// are a deliberate choice and are not reported, nor is a flag computed
    /// at run time (`secure: process.env.NODE_ENV === "production"`), nor a
    /// cookie being cleared (`maxAge: 0`, an empty value), nor a cookie
    /// whose value is a literal written in the source (`"1"`, `"none"`):
    /// it holds nothing secret.
    ///
    /// ## Why is this bad?
    /// A cookie without `Secure` is also sent over plain HTTP, where anyone
    /// on the network reads it: a session cookie read that way is a
    /// logged-in session. (Browsers also drop `SameSite=None` cookies that
    /// are not `Secure`.) A session cookie without `HttpOnly` is readable
    /// from JavaScript, so a single cross-site scripting bug sends it to an
    /// attacker.
    ///
    /// ## Example
    /// ```javascript
    /// res.cookie("session", token, { maxAge: 3600000 });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// res.cookie("session", token, { maxAge: 3600000, secure: true, httpOnly: true, sameSite: "lax" });
    /// ```
    ///
    /// ## References
    /// - [CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute](https://cwe.mitre.org/data/definitions/614.html)
    /// - [CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag](https://cwe.mitre.org/data/definitions/1004.html)
    /// - [Express: res.cookie](https://expressjs.com/en/api.html#res.cookie)
    /// - [express-session: cookie.secure](https://github.com/expressjs/session#cookiesecure)
    /// - [OWASP Session Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies)
    pub static SPEC = {
        ids: &["javascript/insecure-cookie@v1.0", "typescript/insecure-cookie@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Insecure cookie",
        category: Category::Security,
        cwes: &[614, 1004],
        tags: &["cookies", "session", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Set cookies with secure: true, and session or token cookies also with httpOnly: true.",
        keywords: &["cookie"],
        check: Check::Node { kinds: &["call_expression", "assignment_expression"], run: check },
    };
}

/// Words naming a cookie that holds a session or a credential.
const SENSITIVE: &[&str] = &[
    "session",
    "sess",
    "sid",
    "sessionid",
    "token",
    "jwt",
    "auth",
    "authorization",
    "authentication",
    "login",
    "remember",
    "password",
    "passwd",
    "secret",
    "credential",
    "credentials",
    "apikey",
    "bearer",
    "refresh",
];

/// Cookies meant to be read by scripts (double-submit CSRF tokens).
const SCRIPT_READABLE: &[&str] = &["csrf", "xsrf"];

fn sensitive_words(words: &[String]) -> bool {
    !words.iter().any(|w| SCRIPT_READABLE.contains(&w.as_str()))
        && words.iter().any(|w| SENSITIVE.contains(&w.as_str()))
}

/// Whether a cookie's name or value names a session or a credential.
fn sensitive_cookie(name: Node<'_>, value: Node<'_>, text: &str) -> bool {
    let name_words = match js_string(name, text) {
        Some(literal) => words(&literal),
        None => identifier_words(name, text),
    };
    if name_words
        .iter()
        .any(|w| SCRIPT_READABLE.contains(&w.as_str()))
    {
        return false;
    }
    sensitive_words(&name_words) || sensitive_words(&identifier_words(value, text))
}

fn identifier_words(node: Node<'_>, text: &str) -> Vec<String> {
    super::descendants(node)
        .into_iter()
        .filter(|n| {
            matches!(
                n.kind(),
                "identifier" | "property_identifier" | "shorthand_property_identifier"
            )
        })
        .flat_map(|n| words(node_text(n, text)))
        .collect()
}

/// What an options object says about one attribute.
#[derive(PartialEq)]
enum Flag {
    /// Not given (and no spread could give it).
    Missing,
    /// The literal `false`.
    False,
    /// `true`, an expression, or possibly from a spread.
    Set,
}

fn flag(options: Option<Node<'_>>, key: &str, text: &str) -> Flag {
    let Some(options) = options else {
        return Flag::Missing;
    };
    match object_property(options, key, text) {
        Some(value) if bool_literal(value, text) == Some(false) => Flag::False,
        Some(_) => Flag::Set,
        None if has_spread(options) => Flag::Set,
        None => Flag::Missing,
    }
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "call_expression" => {
            check_response_cookie(node, checker);
            check_session_middleware(node, checker);
        }
        _ => check_document_cookie(node, checker),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Framework {
    /// Express, Fastify, Next.js: neither attribute by default.
    Bare,
    /// Koa (`cookies`): HttpOnly by default, Secure on HTTPS requests.
    Koa,
}

fn framework(call: Node<'_>, checker: &Checker<'_>) -> Option<Framework> {
    let text = checker.text;
    let (receiver, method) = member_call(call, text)?;
    let receiver = unwrap(receiver);
    match method {
        "cookie" | "setCookie" => {
            // `res.status(200).cookie(...)`: the response a chain starts from.
            let mut receiver = receiver;
            while receiver.kind() == "call_expression" {
                let function = unwrap(receiver.js_field("function")?);
                if function.kind() != "member_expression" {
                    return None;
                }
                receiver = unwrap(function.js_field("object")?);
            }
            let word = last_word(receiver, text)?;
            matches!(word.as_str(), "res" | "response" | "resp" | "reply")
                .then_some(Framework::Bare)
        }
        "set" => match receiver.kind() {
            // `ctx.cookies.set(...)`, `res.cookies.set(...)` (Next.js).
            "member_expression" => {
                let property = receiver.js_field("property")?;
                if node_text(property, text) != "cookies" {
                    return None;
                }
                let owner = last_word(receiver.js_field("object")?, text)?;
                match owner.as_str() {
                    "ctx" | "context" | "this" => Some(Framework::Koa),
                    "res" | "response" => Some(Framework::Bare),
                    _ => None,
                }
            }
            // `cookies().set(...)` from `next/headers`.
            "call_expression" => callee_names(receiver, checker)
                .iter()
                .any(|n| n == "next/headers.cookies")
                .then_some(Framework::Bare),
            _ => None,
        },
        _ => None,
    }
}

fn check_response_cookie(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(framework) = framework(call, checker) else {
        return;
    };
    let args = call_args(call);
    if args.len() < 2 || args.iter().any(|a| a.kind() == "spread_element") {
        return;
    }
    let (name, value) = (args[0], args[1]);
    let options = args.get(2).copied().map(unwrap);
    if options.is_some_and(|o| o.kind() != "object") {
        // Options built elsewhere: a deliberate choice.
        return;
    }
    // Clearing a cookie, or a constant value written in the source, sends
    // nothing an eavesdropper could not read in the code.
    if clears(value, options, text) || constant(value, text) {
        return;
    }
    let sensitive = sensitive_cookie(name, value, text);
    let secure = flag(options, "secure", text);
    let http_only = flag(options, "httpOnly", text);
    let default_insecure = framework == Framework::Bare;
    let mut missing = Vec::new();
    if secure == Flag::False || (secure == Flag::Missing && default_insecure) {
        missing.push(("secure", "Secure"));
    }
    if sensitive && (http_only == Flag::False || (http_only == Flag::Missing && default_insecure)) {
        missing.push(("httpOnly", "HttpOnly"));
    }
    if missing.is_empty() {
        return;
    }
    let what = if sensitive {
        "session or credential cookie"
    } else {
        "cookie"
    };
    let same_site_none = options
        .and_then(|o| object_property(o, "sameSite", text))
        .and_then(|v| js_string(v, text))
        .is_some_and(|v| v.eq_ignore_ascii_case("none"));
    let mut message = format!(
        "{what} set without the {} attribute{}",
        missing
            .iter()
            .map(|(_, a)| *a)
            .collect::<Vec<_>>()
            .join(" and "),
        if missing.len() > 1 { "s" } else { "" }
    );
    if missing.iter().any(|(k, _)| *k == "secure") {
        message.push_str(if same_site_none {
            ": it travels over plain HTTP, and browsers reject SameSite=None without Secure"
        } else {
            ": it travels over plain HTTP"
        });
    }
    if missing.iter().any(|(k, _)| *k == "httpOnly") {
        message.push_str("; scripts (and any XSS) can read it");
    }
    let values: Vec<(&str, &str)> = missing.iter().map(|(k, _)| (*k, "true")).collect();
    let edits = match options {
        Some(options) => set_properties(options, &values, text),
        None => {
            let at = value.end_byte();
            let members: Vec<String> = values.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            vec![Edit::replace(
                at..at,
                format!(", {{ {} }}", members.join(", ")),
            )]
        }
    };
    let description = format!(
        "Set {}",
        values
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(" and ")
    );
    checker.report(
        call,
        Violation::new("set-cookie", message).with_fix(Fix::new(description, edits)),
    );
}

/// A literal value (`"1"`, `true`, `0`).
fn constant(value: Node<'_>, text: &str) -> bool {
    let value = unwrap(value);
    js_string(value, text).is_some() || matches!(value.kind(), "number" | "true" | "false")
}

/// Whether a cookie is being cleared: an empty or null value, `maxAge: 0`
/// or an expiry in the past (`new Date(0)`).
fn clears(value: Node<'_>, options: Option<Node<'_>>, text: &str) -> bool {
    let value = unwrap(value);
    if matches!(value.kind(), "null" | "undefined")
        || js_string(value, text).is_some_and(|v| v.is_empty())
    {
        return true;
    }
    let Some(options) = options else {
        return false;
    };
    if object_property(options, "maxAge", text)
        .is_some_and(|v| matches!(node_text(unwrap(v), text), "0" | "-1"))
    {
        return true;
    }
    object_property(options, "expires", text).is_some_and(|v| {
        let v = node_text(unwrap(v), text).replace(' ', "");
        v == "newDate(0)" || v == "newDate(1)" || v.contains("1970")
    })
}

/// Session middleware: `express-session` (Secure off by default,
/// HttpOnly on) and `cookie-session` (both safe by default on HTTPS).
fn check_session_middleware(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(function) = call.js_field("function") else {
        return;
    };
    let names = callee_names(call, checker);
    let express_session = names.iter().any(|n| n == "express-session");
    let cookie_session = names.iter().any(|n| n == "cookie-session");
    if !(express_session || cookie_session) || !is_imported(function, checker) {
        return;
    }
    let Some(options) = call_args(call).first().map(|o| unwrap(*o)) else {
        return;
    };
    if options.kind() != "object" {
        return;
    }
    // express-session keeps the attributes in `cookie`; cookie-session at
    // the top level.
    let cookie = if express_session {
        match object_property(options, "cookie", text).map(unwrap) {
            Some(cookie) if cookie.kind() == "object" => Some(cookie),
            Some(_) => return,
            None if has_spread(options) => return,
            None => None,
        }
    } else {
        Some(options)
    };
    let secure = flag(cookie, "secure", text);
    let http_only = flag(cookie, "httpOnly", text);
    let mut missing = Vec::new();
    if secure == Flag::False || (express_session && secure == Flag::Missing) {
        missing.push(("secure", "Secure"));
    }
    if http_only == Flag::False {
        missing.push(("httpOnly", "HttpOnly"));
    }
    if missing.is_empty() {
        return;
    }
    let values: Vec<(&str, &str)> = missing.iter().map(|(k, _)| (*k, "true")).collect();
    let edits = match cookie {
        Some(cookie) => set_properties(cookie, &values, text),
        None => set_properties(options, &[("cookie", "{ secure: true }")], text),
    };
    let message = format!(
        "session cookie configured without the {} attribute{}{}",
        missing
            .iter()
            .map(|(_, a)| *a)
            .collect::<Vec<_>>()
            .join(" and "),
        if missing.len() > 1 { "s" } else { "" },
        if missing.iter().any(|(k, _)| *k == "secure") {
            ": the session id travels over plain HTTP"
        } else {
            ": scripts (and any XSS) can read the session id"
        }
    );
    let description = format!(
        "Set {} (behind a proxy, also `app.set(\"trust proxy\", 1)`)",
        values
            .iter()
            .map(|(k, v)| format!("cookie {k}: {v}"))
            .collect::<Vec<_>>()
            .join(" and ")
    );
    checker.report(
        call,
        Violation::new("session-cookie", message).with_fix(Fix::new(description, edits)),
    );
}

/// `document.cookie = "session=" + token + "; path=/"` without `Secure`.
fn check_document_cookie(assignment: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let (Some(left), Some(right)) = (assignment.js_field("left"), assignment.js_field("right"))
    else {
        return;
    };
    let left_text: String = node_text(left, text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if left_text != "document.cookie" && left_text != "window.document.cookie" {
        return;
    }
    let right = unwrap(right);
    let mut parts = Vec::new();
    flatten_concatenation(right, &mut parts);
    // The static text (`"session=" ... "; path=/"`) and the cookie name.
    let mut literal = String::new();
    for part in &parts {
        if let Some(s) = js_string(*part, text) {
            literal.push_str(&s);
        } else if part.kind() == "template_string" {
            let mut cursor = part.walk();
            for piece in part.named_children(&mut cursor) {
                if piece.kind() == "string_fragment" {
                    literal.push_str(node_text(piece, text));
                } else {
                    literal.push('\u{0}');
                }
            }
        } else {
            literal.push('\u{0}');
        }
    }
    let lower = literal.to_ascii_lowercase();
    if lower.contains("secure")
        || lower.contains("max-age=0")
        || lower.contains("max-age=-")
        || lower.contains("1970")
    {
        return;
    }
    let name_end = literal.find('=').unwrap_or(literal.len());
    let name = &literal[..name_end];
    let name_words = if name.trim_matches('\u{0}').is_empty() {
        // The name comes from an expression: `name + "=" + value`.
        match parts.first() {
            Some(first) if js_string(*first, text).is_none() => identifier_words(*first, text),
            _ => Vec::new(),
        }
    } else {
        words(name)
    };
    if !sensitive_words(&name_words) {
        return;
    }
    let suffix = if literal.trim_end().ends_with(';') {
        " Secure"
    } else {
        "; Secure"
    };
    let last = parts.last().copied().unwrap_or(right);
    let edit = if matches!(last.kind(), "string" | "template_string") {
        let at = last.end_byte() - 1;
        Edit::replace(at..at, suffix)
    } else {
        let at = right.end_byte();
        Edit::replace(at..at, format!(" + \"{suffix}\""))
    };
    checker.report(
        assignment,
        Violation::new(
            "document-cookie",
            "session or token cookie written by script without the Secure attribute: it travels over plain HTTP",
        )
        .with_fix(Fix::new("Add the Secure attribute", vec![edit])),
    );
}

fn flatten_concatenation<'t>(node: Node<'t>, out: &mut Vec<Node<'t>>) {
    let node = unwrap(node);
    if node.kind() == "binary_expression"
        && node.js_field("operator").is_some_and(|o| o.kind() == "+")
        && let (Some(l), Some(r)) = (node.js_field("left"), node.js_field("right"))
    {
        flatten_concatenation(l, out);
        flatten_concatenation(r, out);
        return;
    }
    out.push(node);
}
