use super::super::prelude::*;
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Follows request data into a regular expression that is compiled
    /// from it: `new RegExp(input)` and `RegExp(input)`. Input escaped with
    /// `lodash.escapeRegExp`, `escape-string-regexp` or a
    /// `replace(/[.*+?^${}()|[\]\\]/g, "\\$&")` is a literal match and is
    /// safe.
    ///
    /// ## Why is this bad?
    /// The attacker writes the pattern: nested quantifiers such as
    /// `(a+)+$` make the matcher backtrack for minutes on a short string
    /// (ReDoS), which blocks Node's single thread and the whole server;
    /// special characters also change what a validation accepts.
    ///
    /// ## Example
    /// ```javascript
    /// app.get("/search", (req, res) => {
    ///   const pattern = new RegExp(req.query.q, "i");
    ///   res.json(items.filter((i) => pattern.test(i.title)));
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const escapeRegExp = require("lodash.escaperegexp");
    /// app.get("/search", (req, res) => {
    ///   const pattern = new RegExp(escapeRegExp(String(req.query.q)), "i");
    ///   res.json(items.filter((i) => pattern.test(i.title)));
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-1333: Inefficient Regular Expression Complexity](https://cwe.mitre.org/data/definitions/1333.html)
    /// - [CWE-185: Incorrect Regular Expression](https://cwe.mitre.org/data/definitions/185.html)
    /// - [OWASP ReDoS](https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS)
    pub static SPEC = {
        ids: &["javascript/non-literal-regular-expression@v1.0", "typescript/non-literal-regular-expression@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Regular expression built from input",
        category: Category::Security,
        cwes: &[1333, 185],
        tags: &["redos", "denial-of-service"],
        access: Access::CrashOrSlowdown,
        effort: Effort::OverInternet,
        remediation: "Escape input before putting it in a pattern (lodash.escapeRegExp, escape-string-regexp), or match it as a plain string (includes, indexOf).",
        keywords: &["regexp"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

static TAINT: TaintSpec = TaintSpec {
    sinks: &[Sink::new(
        "RegExp",
        &[Arg::At(0, "pattern")],
        "regexp",
        "a regular expression compiled by {callee}",
    )],
    sanitizers: &[
        "lodash.escapeRegExp",
        "lodash.escaperegexp",
        "escape-string-regexp",
        "escapeRegExp",
        "escapeRegex",
        "escapeStringRegexp",
        "regexp.escape",
        "RegExp.escape",
    ],
    sanitizes: Some(escapes_pattern),
    ..TaintSpec::DEFAULT
};

/// `s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")`: every special character
/// escaped.
fn escapes_pattern(call: Node<'_>, text: &str) -> bool {
    let Some(function) = call.js_field("function") else {
        return false;
    };
    let method = function.js_field("property").map(|p| node_text(p, text));
    if !matches!(method, Some("replace" | "replaceAll")) {
        return false;
    }
    let written = call
        .js_field("arguments")
        .map(|a| node_text(a, text))
        .unwrap_or("");
    written.contains("$&") && written.contains("\\\\")
}
