use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request data into XPath expressions evaluated by lxml
    /// (`element.xpath(...)`, `etree.XPath`, `etree.ETXPath`). Values
    /// passed as XPath variables (`root.xpath("//user[@name=$name]",
    /// name=name)`) are safe.
    ///
    /// ## Why is this bad?
    /// A quote in the input closes the string literal and the rest becomes
    /// XPath: `' or '1'='1` selects every node, which bypasses lookups used
    /// for authentication and leaks the whole document.
    ///
    /// ## Example
    /// ```python
    /// name = request.args["name"]
    /// users = root.xpath(f"//user[@name='{name}']")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// name = request.args["name"]
    /// users = root.xpath("//user[@name=$name]", name=name)
    /// ```
    ///
    /// ## References
    /// - [CWE-643: XPath Injection](https://cwe.mitre.org/data/definitions/643.html)
    /// - [lxml: XPath variables](https://lxml.de/xpathxslt.html#the-xpath-method)
    pub static SPEC = {
        ids: &["python/xpath-injection@v1.0"],
        languages: &[Language::Python],
        name: "XPath injection",
        category: Category::Security,
        cwes: &[643, 91],
        tags: &["injection", "xml"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Pass input as XPath variables ($name with keyword arguments) instead of building the expression.",
        keywords: &["xpath"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const XPATH: &str = "an XPath expression evaluated by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(".xpath", &[Arg::At(0, "_path")], "lxml", XPATH),
        Sink::new("lxml.etree.XPath", &[Arg::At(0, "path")], "lxml", XPATH),
        Sink::new("lxml.etree.ETXPath", &[Arg::At(0, "path")], "lxml", XPATH),
        Sink::new(".evaluate", &[Arg::At(0, "expression")], "lxml", XPATH).when(xpath_evaluator),
    ],
    ..TaintSpec::DEFAULT
};

/// `XPathEvaluator(...).evaluate(expr)` / `XPathDocumentEvaluator`.
fn xpath_evaluator(call: Node<'_>, text: &str, _: &crate::semantic::SemanticModel) -> bool {
    call.py_field("function")
        .and_then(|f| f.py_field("object"))
        .is_some_and(|o| node_text(o, text).to_ascii_lowercase().contains("xpath"))
}
