use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request data into the name of a module imported at run
    /// time: `importlib.import_module`, `__import__`.
    ///
    /// ## Why is this bad?
    /// Importing a module runs its code. Whoever picks the name chooses
    /// which code runs — any module on the path, including ones an upload
    /// placed there — and gets objects the application never meant to
    /// expose.
    ///
    /// ## Example
    /// ```python
    /// plugin = importlib.import_module(request.args["plugin"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// PLUGINS = {"csv": "app.plugins.csv", "pdf": "app.plugins.pdf"}
    /// plugin = importlib.import_module(PLUGINS[request.args["plugin"]])
    /// ```
    ///
    /// ## References
    /// - [CWE-706: Use of Incorrectly-Resolved Name or Reference](https://cwe.mitre.org/data/definitions/706.html)
    /// - [CWE-470: Unsafe Reflection](https://cwe.mitre.org/data/definitions/470.html)
    pub static SPEC = {
        ids: &["python/module-injection@v1.0"],
        languages: &[Language::Python],
        name: "Module injection",
        category: Category::Security,
        cwes: &[706, 470],
        tags: &["injection", "reflection"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Map input to a fixed set of module names; never import a name taken from input.",
        keywords: &["import_module", "__import__"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const IMPORT: &str = "the name of a module imported by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "importlib.import_module",
            &[Arg::At(0, "name")],
            "importlib",
            IMPORT,
        ),
        Sink::new("__import__", &[Arg::At(0, "name")], "import", IMPORT),
        Sink::new(
            "importlib.__import__",
            &[Arg::At(0, "name")],
            "import",
            IMPORT,
        ),
    ],
    ..TaintSpec::DEFAULT
};
