use super::super::prelude::*;
use super::add_import;

detector! {
    /// ## What it does
    /// Follows request data into `eval`, `exec` and `compile`, which run
    /// a string as Python code.
    ///
    /// ## Why is this bad?
    /// Whoever controls the string runs any Python they like in the
    /// application's process: read files and secrets, open a shell, change
    /// data. No filtering of the string makes `eval` safe.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/calc")
    /// def calc():
    ///     return str(eval(request.args["expr"]))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import ast
    ///
    /// @app.route("/calc")
    /// def calc():
    ///     return str(ast.literal_eval(request.args["expr"]))
    /// ```
    /// `ast.literal_eval` accepts literals only (numbers, strings, lists,
    /// dicts). For expressions, parse them with a grammar of your own.
    ///
    /// ## References
    /// - [CWE-94: Code Injection](https://cwe.mitre.org/data/definitions/94.html)
    /// - [CWE-95: Eval Injection](https://cwe.mitre.org/data/definitions/95.html)
    /// - [Python ast.literal_eval](https://docs.python.org/3/library/ast.html#ast.literal_eval)
    pub static SPEC = {
        ids: &["python/code-injection@v1.0"],
        languages: &[Language::Python],
        name: "Code injection",
        category: Category::Security,
        cwes: &[94, 95],
        tags: &["injection", "eval", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Never evaluate input as code; parse literals with ast.literal_eval or map input to a fixed set of operations.",
        keywords: &["eval", "exec", "compile"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "eval",
            &[Arg::At(0, "source")],
            "eval",
            "Python code run by {callee}",
        ),
        Sink::new(
            "builtins.eval",
            &[Arg::At(0, "source")],
            "eval",
            "Python code run by {callee}",
        ),
        Sink::new(
            "exec",
            &[Arg::At(0, "source")],
            "exec",
            "Python code run by {callee}",
        ),
        Sink::new(
            "builtins.exec",
            &[Arg::At(0, "source")],
            "exec",
            "Python code run by {callee}",
        ),
        Sink::new(
            "compile",
            &[Arg::At(0, "source")],
            "compile",
            "Python code compiled by {callee}",
        ),
    ],
    local_sources: true,
    fix: Some(fix),
    ..TaintSpec::DEFAULT
};

/// `eval(x)` -> `ast.literal_eval(x)`.
fn fix(site: &FixSite<'_>) -> Vec<Fix> {
    let Some(function) = site.call.py_field("function") else {
        return Vec::new();
    };
    if node_text(function, site.text) != "eval" {
        return Vec::new();
    }
    let Some(import) = add_import(site.root, site.text, "ast") else {
        return Vec::new();
    };
    let mut edits = vec![Edit::replace(function.byte_range(), "ast.literal_eval")];
    edits.extend(import);
    vec![Fix::new("Evaluate literals only (ast.literal_eval)", edits)]
}
