use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request data into the `Function` constructor (`new
    /// Function(...)` or `Function(...)`), whose arguments are the source
    /// code of a new function: parameter names and body alike.
    ///
    /// ## Why is this bad?
    /// `new Function(body)` is `eval` under another name: the body runs
    /// with the privileges of the process (in the browser, of the page), so
    /// input reaching it lets an attacker run any code.
    ///
    /// ## Example
    /// ```javascript
    /// app.get("/filter", (req, res) => {
    ///   const keep = new Function("item", `return ${req.query.rule};`);
    ///   res.json(items.filter(keep));
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const RULES = { active: (item) => item.active, recent: (item) => item.recent };
    /// app.get("/filter", (req, res) => {
    ///   const keep = RULES[req.query.rule] ?? (() => true);
    ///   res.json(items.filter(keep));
    /// });
    /// ```
    /// Map input to functions written in advance.
    ///
    /// ## References
    /// - [CWE-95: Eval Injection](https://cwe.mitre.org/data/definitions/95.html)
    /// - [MDN: Function() constructor](https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Function/Function)
    pub static SPEC = {
        ids: &["javascript/new-function-detected@v1.0", "typescript/new-function-detected@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Input reaches the Function constructor",
        category: Category::Security,
        cwes: &[95, 94],
        tags: &["injection", "code"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Do not build functions from strings: map input to functions written in advance.",
        keywords: &["function("],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "Function",
            &[Arg::Any],
            "function",
            "source code compiled by {callee}",
        ),
        Sink::new(
            "window.Function",
            &[Arg::Any],
            "function",
            "source code compiled by {callee}",
        ),
        Sink::new(
            "globalThis.Function",
            &[Arg::Any],
            "function",
            "source code compiled by {callee}",
        ),
    ],
    ..TaintSpec::DEFAULT
};
