use super::super::prelude::*;
use super::{call_args, unwrap};
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into code that is run: `eval`, `vm.runInThisContext`,
    /// `vm.runInNewContext`, `vm.runInContext`, `vm.compileFunction`,
    /// `new vm.Script`, `vm2`'s `run`, `setTimeout`/`setInterval` given a
    /// string, and `require` or `import()` of a module chosen by the input.
    /// The `Function` constructor has its own detector
    /// (`new-function-detected`).
    ///
    /// ## Why is this bad?
    /// Whoever controls the string controls the server: the code runs with
    /// every privilege of the process, and `vm` is not a security boundary.
    ///
    /// ## Example
    /// ```javascript
    /// app.post("/calc", (req, res) => {
    ///   res.json({ result: eval(req.body.expression) });
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const { evaluate } = require("mathjs");
    /// app.post("/calc", (req, res) => {
    ///   res.json({ result: evaluate(String(req.body.expression)) });
    /// });
    /// ```
    /// Parse the data you expect (`JSON.parse`, a math parser) instead of
    /// running it; choose modules from an allow-list.
    ///
    /// ## References
    /// - [CWE-94: Code Injection](https://cwe.mitre.org/data/definitions/94.html)
    /// - [CWE-95: Eval Injection](https://cwe.mitre.org/data/definitions/95.html)
    /// - [Node.js vm: not a security mechanism](https://nodejs.org/api/vm.html#vm-executing-javascript)
    pub static SPEC = {
        ids: &["javascript/code-injection@v1.0", "typescript/code-injection@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Code injection",
        category: Category::Security,
        cwes: &[94, 95],
        tags: &["injection", "code", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Never run input as code: parse the data you expect, and pick modules from an allow-list.",
        keywords: &["eval", "vm", "settimeout", "setinterval", "require", "import("],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const CODE: &str = "code run by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new("eval", &[Arg::At(0, "code")], "eval", CODE),
        Sink::new("window.eval", &[Arg::At(0, "code")], "eval", CODE),
        Sink::new("globalThis.eval", &[Arg::At(0, "code")], "eval", CODE),
        Sink::new("vm.runInThisContext", &[Arg::At(0, "code")], "vm", CODE),
        Sink::new("vm.runInNewContext", &[Arg::At(0, "code")], "vm", CODE),
        Sink::new("vm.runInContext", &[Arg::At(0, "code")], "vm", CODE),
        Sink::new("vm.compileFunction", &[Arg::At(0, "code")], "vm", CODE),
        Sink::new("vm.Script", &[Arg::At(0, "code")], "vm", CODE),
        Sink::new("vm.SourceTextModule", &[Arg::At(0, "code")], "vm", CODE),
        Sink::new(".run", &[Arg::At(0, "code")], "vm2", CODE).when(vm2_instance),
        Sink::new(
            "setTimeout",
            &[Arg::At(0, "handler")],
            "timer",
            "code run by {callee} (a string handler)",
        )
        .when(string_handler),
        Sink::new(
            "setInterval",
            &[Arg::At(0, "handler")],
            "timer",
            "code run by {callee} (a string handler)",
        )
        .when(string_handler),
        Sink::new(
            "window.setTimeout",
            &[Arg::At(0, "handler")],
            "timer",
            "code run by {callee} (a string handler)",
        )
        .when(string_handler),
        Sink::new(
            "window.setInterval",
            &[Arg::At(0, "handler")],
            "timer",
            "code run by {callee} (a string handler)",
        )
        .when(string_handler),
        Sink::new(
            "require",
            &[Arg::At(0, "id")],
            "module",
            "the module loaded by {callee}",
        ),
    ],
    sanitizers: &[],
    local_sources: false,
    ..TaintSpec::DEFAULT
};

/// `new VM().run(code)`, `vm.run(code)` after `require("vm2")`.
fn vm2_instance(_: Node<'_>, _: &str, semantic: &SemanticModel) -> bool {
    semantic.imports("vm2")
}

/// A timer handler that is not a function.
fn string_handler(call: Node<'_>, _: &str, _: &SemanticModel) -> bool {
    call_args(call).first().is_some_and(|a| {
        !matches!(
            unwrap(*a).kind(),
            "arrow_function" | "function_expression" | "function"
        )
    })
}
