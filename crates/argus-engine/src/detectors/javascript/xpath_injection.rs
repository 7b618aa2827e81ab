use super::super::prelude::*;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into XPath expressions: the `xpath` package
    /// (`select`, `select1`, `evaluate`, `parse`), `xmldom`/`libxmljs`
    /// documents (`get`, `find` on a document), and the browser's
    /// `document.evaluate`. Values passed as XPath variables are safe.
    ///
    /// ## Why is this bad?
    /// A quote in the input closes the string in the expression: the
    /// attacker rewrites the query (`' or '1'='1`) to read every node,
    /// which bypasses XML-backed logins and leaks the whole document.
    ///
    /// ## Example
    /// ```javascript
    /// app.get("/user", (req, res) => {
    ///   const node = xpath.select1(`//user[name='${req.query.name}']`, doc);
    ///   res.send(node ? node.textContent : "");
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.get("/user", (req, res) => {
    ///   const expr = xpath.parse("//user[name=$name]");
    ///   const node = expr.select1({ node: doc, variables: { name: String(req.query.name) } });
    ///   res.send(node ? node.textContent : "");
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-643: XPath Injection](https://cwe.mitre.org/data/definitions/643.html)
    /// - [OWASP XPATH Injection](https://owasp.org/www-community/attacks/XPATH_Injection)
    pub static SPEC = {
        ids: &["javascript/xpath-injection@v1.0", "typescript/xpath-injection@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "XPath injection",
        category: Category::Security,
        cwes: &[643],
        tags: &["injection", "xml"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Pass input as XPath variables (xpath.parse(expr).select({ variables })) instead of building the expression.",
        keywords: &["xpath", "evaluate", "libxmljs"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const XPATH: &str = "an XPath expression evaluated by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new("xpath.select", &[Arg::At(0, "expression")], "xpath", XPATH),
        Sink::new("xpath.select1", &[Arg::At(0, "expression")], "xpath", XPATH),
        Sink::new(
            "xpath.evaluate",
            &[Arg::At(0, "expression")],
            "xpath",
            XPATH,
        ),
        Sink::new("xpath.parse", &[Arg::At(0, "expression")], "xpath", XPATH),
        Sink::new(
            "xpath.useNamespaces",
            &[Arg::At(0, "expression")],
            "xpath",
            XPATH,
        ),
        Sink::new(
            "document.evaluate",
            &[Arg::At(0, "expression")],
            "dom",
            XPATH,
        ),
        Sink::new(".get", &[Arg::At(0, "expression")], "libxmljs", XPATH).when(xml_document),
        Sink::new(".find", &[Arg::At(0, "expression")], "libxmljs", XPATH).when(xml_document),
    ],
    ..TaintSpec::DEFAULT
};

/// A libxmljs document or element (`doc.get(...)`, `xmlDoc.find(...)`).
fn xml_document(call: Node<'_>, text: &str, semantic: &SemanticModel) -> bool {
    semantic.imports_any(&["libxmljs", "libxmljs2"])
        && super::receiver_named(
            call,
            text,
            &[
                "doc", "document", "xml", "xmldoc", "root", "node", "element",
            ],
        )
}
