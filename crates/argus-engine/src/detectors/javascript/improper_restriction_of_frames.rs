use super::super::prelude::*;
use super::{
    bool_literal, header_assignments, helmet_options, js_string, object_property, property_key,
    unwrap,
};
use crate::fix::replace_string_value;
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds pages that other sites may frame (clickjacking):
    /// - `helmet({ frameguard: false })` (`xFrameOptions: false` in helmet
    ///   7+) when the same configuration also turns the Content Security
    ///   Policy off (`contentSecurityPolicy: false`): helmet's default CSP
    ///   sends `frame-ancestors 'self'`, which protects on its own;
    /// - `frameguard` with `action: "allow-from"` and `X-Frame-Options:
    ///   ALLOW-FROM ...` or `ALLOWALL`: browsers ignore these values, so
    ///   the page can be framed by anyone (unless the file also sets a CSP
    ///   `frame-ancestors`);
    /// - a CSP whose `frame-ancestors` allows every site (`frameAncestors:
    ///   ["*"]`, `"https:"`), in helmet directives or a header string.
    ///
    /// ## Why is this bad?
    /// A page that any site can frame can be overlaid with a decoy: the
    /// victim believes they click the attacker's page while their clicks
    /// land on the framed application, with their session (changing
    /// settings, confirming payments, granting permissions).
    ///
    /// ## Example
    /// ```javascript
    /// app.use(helmet({ frameguard: false, contentSecurityPolicy: false }));
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.use(helmet({ frameguard: { action: "sameorigin" }, contentSecurityPolicy: false }));
    /// ```
    /// To let one partner frame the page, use CSP `frame-ancestors 'self'
    /// https://partner.example.com` instead of ALLOW-FROM.
    ///
    /// ## References
    /// - [CWE-1021: Improper Restriction of Rendered UI Layers or Frames](https://cwe.mitre.org/data/definitions/1021.html)
    /// - [helmet: X-Frame-Options](https://helmetjs.github.io/#x-frame-options)
    /// - [MDN: CSP frame-ancestors](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/frame-ancestors)
    /// - [OWASP Clickjacking Defense Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Clickjacking_Defense_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["javascript/improper-restriction-of-frames@v1.0", "typescript/improper-restriction-of-frames@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Improper restriction of frames",
        category: Category::Security,
        cwes: &[1021],
        tags: &["clickjacking", "headers", "web"],
        access: Access::AdditionalSecurity,
        effort: Effort::InternetHighEffort,
        remediation: "Send X-Frame-Options DENY or SAMEORIGIN (helmet's frameguard default), or a CSP frame-ancestors listing the sites allowed to frame the page.",
        keywords: &["frameguard", "frame-options", "xframeoptions", "frameancestors", "frame-ancestors"],
        check: Check::Node { kinds: &["call_expression", "pair"], run: check },
    };
}

const FRAMEGUARD: &[&str] = &["frameguard", "xFrameOptions"];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "pair" => check_frame_ancestors(node, checker),
        _ => check_call(node, checker),
    }
}

/// Whether the file also sets a CSP `frame-ancestors`, which browsers
/// prefer over X-Frame-Options.
fn sets_frame_ancestors(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("frameancestors") || lower.contains("frame-ancestors")
}

fn check_call(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if let Some((sub, options)) = helmet_options(call, checker) {
        if sub.is_empty() {
            check_helmet(options, checker);
        } else if FRAMEGUARD.contains(&sub.as_str()) {
            check_action(options, checker);
        }
        return;
    }
    for (name, value) in header_assignments(call, text) {
        let Some(literal) = js_string(value, text) else {
            continue;
        };
        let upper = literal.trim().to_ascii_uppercase();
        match name.as_str() {
            "x-frame-options" if upper == "ALLOWALL" || upper.starts_with("ALLOW-FROM") => {
                if sets_frame_ancestors(text) {
                    continue;
                }
                let mut violation = Violation::new(
                    "x-frame-options",
                    format!(
                        "X-Frame-Options {upper} is not a value browsers honour: any site can frame the page"
                    ),
                );
                if upper == "ALLOWALL"
                    && let Some(edit) = replace_string_value(unwrap(value), text, "SAMEORIGIN")
                {
                    violation = violation.with_fix(Fix::new("Send SAMEORIGIN", vec![edit]));
                }
                checker.report(call, violation);
            }
            "content-security-policy" if wildcard_ancestors_in_header(&literal) => {
                checker.report(
                    call,
                    Violation::new(
                        "frame-ancestors",
                        "the Content Security Policy lets every site frame the page (frame-ancestors *)",
                    ),
                );
            }
            _ => {}
        }
    }
}

/// `helmet({ frameguard: false, contentSecurityPolicy: false })` and
/// `helmet({ frameguard: { action: "allow-from" } })`.
fn check_helmet(options: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some((key, setting)) = FRAMEGUARD
        .iter()
        .find_map(|key| object_property(options, key, text).map(|v| (*key, unwrap(v))))
    else {
        return;
    };
    // helmet's default CSP sends frame-ancestors 'self'.
    let csp_off = object_property(options, "contentSecurityPolicy", text)
        .is_some_and(|v| bool_literal(v, text) == Some(false));
    if !csp_off {
        return;
    }
    if bool_literal(setting, text) == Some(false) {
        checker.report(
            setting,
            Violation::new(
                "frameguard-off",
                format!("{key} and the Content Security Policy are both off: any site can frame the page"),
            )
            .with_fix(Fix::replace(
                "Send X-Frame-Options SAMEORIGIN",
                setting.byte_range(),
                "{ action: \"sameorigin\" }",
            )),
        );
    } else {
        check_action(setting, checker);
    }
}

/// `frameguard({ action: "allow-from", domain })`.
fn check_action(options: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(action) = object_property(options, "action", text) else {
        return;
    };
    if !js_string(action, text).is_some_and(|a| {
        a.trim()
            .to_ascii_lowercase()
            .replace(['-', '_', ' '], "")
            .starts_with("allowfrom")
    }) || sets_frame_ancestors(text)
    {
        return;
    }
    checker.report(
        action,
        Violation::new(
            "frameguard-allow-from",
            "X-Frame-Options ALLOW-FROM is obsolete and ignored by browsers: any site can frame the page; use CSP frame-ancestors",
        ),
    );
}

/// Sources in `frame-ancestors` that let every site frame the page.
fn wildcard_source(source: &str) -> bool {
    matches!(source.trim().trim_matches('\''), "*" | "https:" | "http:")
}

fn wildcard_ancestors_in_header(policy: &str) -> bool {
    policy.split(';').any(|directive| {
        let mut tokens = directive.split_whitespace();
        tokens
            .next()
            .is_some_and(|d| d.eq_ignore_ascii_case("frame-ancestors"))
            && tokens.any(wildcard_source)
    })
}

/// `frameAncestors: ["*"]` in CSP directives.
fn check_frame_ancestors(pair: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if !matches!(
        property_key(pair, text),
        Some("frameAncestors" | "frame-ancestors" | "frame_ancestors")
    ) {
        return;
    }
    let Some(value) = pair.js_field("value").map(unwrap) else {
        return;
    };
    let wildcard = match value.kind() {
        "array" => {
            let mut cursor = value.walk();
            value
                .named_children(&mut cursor)
                .filter_map(|s| js_string(s, text))
                .any(|s| wildcard_source(&s))
        }
        _ => js_string(value, text).is_some_and(|s| s.split_whitespace().any(wildcard_source)),
    };
    if !wildcard {
        return;
    }
    let mut violation = Violation::new(
        "frame-ancestors",
        "the Content Security Policy lets every site frame the page (frame-ancestors *)",
    );
    if value.kind() == "array" {
        violation = violation.with_fix(Fix::replace(
            "Allow only the page's own origin",
            value.byte_range(),
            "[\"'self'\"]",
        ));
    }
    checker.report(pair, violation);
}
