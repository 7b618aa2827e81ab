use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input into XPath expressions compiled or evaluated
    /// by `javax.xml.xpath.XPath` (`compile`, `evaluate`,
    /// `evaluateExpression`) and dom4j/Jaxen (`selectNodes`,
    /// `selectSingleNode`, `createXPath`). Input bound through an
    /// `XPathVariableResolver` or encoded with ESAPI `encodeForXPath` is
    /// safe.
    ///
    /// ## Why is this bad?
    /// Quotes and operators in the input change the query: an attacker
    /// reads nodes they should not (other users' records, password
    /// hashes) or bypasses an authentication check backed by an XML file.
    ///
    /// ## Example
    /// ```java
    /// String user = request.getParameter("user");
    /// xpath.evaluate("//user[@name='" + user + "']", document);
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// xpath.setXPathVariableResolver(v -> "user".equals(v.getLocalPart()) ? request.getParameter("user") : null);
    /// xpath.evaluate("//user[@name=$user]", document);
    /// ```
    ///
    /// ## References
    /// - [CWE-643: XPath Injection](https://cwe.mitre.org/data/definitions/643.html)
    /// - [OWASP: XPATH Injection](https://owasp.org/www-community/attacks/XPATH_Injection)
    pub static SPEC = {
        ids: &["java/xpath-injection@v1.0"],
        languages: &[Language::Java],
        name: "XPath injection",
        category: Category::Security,
        cwes: &[643],
        tags: &["injection", "xml", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Use XPath variables ($name) resolved by an XPathVariableResolver, or encode input with ESAPI encodeForXPath.",
        keywords: &["XPath", "evaluate", "selectNodes", "selectSingleNode"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const XPATH: &str = "an XPath expression run by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "javax.xml.xpath.XPath.evaluate",
            &[Arg::At(0, "expression")],
            "xpath-injection",
            XPATH,
        ),
        Sink::new(
            "javax.xml.xpath.XPath.compile",
            &[Arg::At(0, "expression")],
            "xpath-injection",
            XPATH,
        ),
        Sink::new(
            "javax.xml.xpath.XPath.evaluateExpression",
            &[Arg::At(0, "expression")],
            "xpath-injection",
            XPATH,
        ),
        Sink::new(
            "XPath.evaluate",
            &[Arg::At(0, "expression")],
            "xpath-injection",
            XPATH,
        ),
        Sink::new(
            "XPath.compile",
            &[Arg::At(0, "expression")],
            "xpath-injection",
            XPATH,
        ),
        Sink::new(
            ".selectNodes",
            &[Arg::At(0, "expression")],
            "xpath-injection",
            XPATH,
        ),
        Sink::new(
            ".selectSingleNode",
            &[Arg::At(0, "expression")],
            "xpath-injection",
            XPATH,
        ),
        Sink::new(
            ".createXPath",
            &[Arg::At(0, "expression")],
            "xpath-injection",
            XPATH,
        ),
    ],
    sanitizers: &[".encodeForXPath"],
    ..TaintSpec::DEFAULT
};
