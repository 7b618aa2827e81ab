use super::super::prelude::*;
use super::{bool_literal, header_assignments, helmet_options, js_string, object_property, unwrap};
use crate::fix::replace_string_value;

detector! {
    /// ## What it does
    /// Finds pages that turn browser DNS prefetching on:
    /// `helmet({ dnsPrefetchControl: { allow: true } })` (also
    /// `xDnsPrefetchControl` in helmet 7+), `helmet.dnsPrefetchControl({
    /// allow: true })`, and `X-DNS-Prefetch-Control: on` set by hand.
    ///
    /// Turning helmet's middleware off (`dnsPrefetchControl: false`) only
    /// leaves the browser's default and is not reported.
    ///
    /// ## Why is this bad?
    /// With prefetching on, the browser resolves the host name of every link
    /// on the page before the user clicks anything. The DNS queries reveal
    /// which external sites a page links to (private messages, user
    /// content) to resolvers and network observers, and let a page's
    /// author track who viewed it.
    ///
    /// ## Example
    /// ```javascript
    /// app.use(helmet({ dnsPrefetchControl: { allow: true } }));
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.use(helmet({ dnsPrefetchControl: { allow: false } }));
    /// ```
    ///
    /// ## References
    /// - [CWE-200: Exposure of Sensitive Information to an Unauthorized Actor](https://cwe.mitre.org/data/definitions/200.html)
    /// - [helmet: X-DNS-Prefetch-Control](https://helmetjs.github.io/#x-dns-prefetch-control)
    /// - [MDN: X-DNS-Prefetch-Control](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-DNS-Prefetch-Control)
    pub static SPEC = {
        ids: &["javascript/dns-prefetching@v1.0", "typescript/dns-prefetching@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "DNS prefetching enabled",
        category: Category::Security,
        cwes: &[200],
        tags: &["privacy", "headers", "web"],
        access: Access::AdditionalSecurity,
        effort: Effort::InternetHighEffort,
        remediation: "Leave DNS prefetching off: dnsPrefetchControl { allow: false } (helmet's default) or X-DNS-Prefetch-Control: off.",
        keywords: &["prefetch"],
        check: Check::Node { kinds: &["call_expression"], run: check },
    };
}

const MIDDLEWARE: &[&str] = &["dnsPrefetchControl", "xDnsPrefetchControl"];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if let Some((sub, options)) = helmet_options(call, checker) {
        let settings = if sub.is_empty() {
            MIDDLEWARE
                .iter()
                .find_map(|key| object_property(options, key, text))
                .map(unwrap)
        } else if MIDDLEWARE.contains(&sub.as_str()) {
            Some(options)
        } else {
            None
        };
        if let Some(allow) = settings.and_then(|s| object_property(s, "allow", text))
            && bool_literal(allow, text) == Some(true)
        {
            checker.report(
                allow,
                Violation::new(
                    "helmet-allow",
                    "DNS prefetching is allowed: browsers resolve every linked host before any click, revealing which sites the page links to",
                )
                .with_fix(Fix::replace("Set allow: false", unwrap(allow).byte_range(), "false")),
            );
        }
        return;
    }
    for (name, value) in header_assignments(call, text) {
        if name != "x-dns-prefetch-control" {
            continue;
        }
        if !js_string(value, text).is_some_and(|v| v.trim().eq_ignore_ascii_case("on")) {
            continue;
        }
        let mut violation = Violation::new(
            "header-on",
            "X-DNS-Prefetch-Control is on: browsers resolve every linked host before any click, revealing which sites the page links to",
        );
        if let Some(edit) = replace_string_value(unwrap(value), text, "off") {
            violation = violation.with_fix(Fix::new("Set the header to off", vec![edit]));
        }
        checker.report(call, violation);
    }
}
