use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input into the body of an HTML response written
    /// through the servlet response's `getWriter()` or
    /// `getOutputStream()` (`print`, `println`, `write`, `printf`,
    /// `format`, `append`). Responses the method declares as JSON, plain
    /// text, CSV or XML (`setContentType`) are not HTML and are not
    /// reported. Input encoded for HTML (OWASP Java Encoder, ESAPI,
    /// Commons Text `escapeHtml4`, Spring `HtmlUtils.htmlEscape`, jsoup
    /// `clean`, the OWASP HTML Sanitizer) is safe.
    ///
    /// ## Why is this bad?
    /// Markup in the input runs as script in the victim's browser, on
    /// the site's origin: the attacker reads the page, acts as the user
    /// and steals session tokens.
    ///
    /// ## Example
    /// ```java
    /// response.setContentType("text/html");
    /// response.getWriter().println("<p>Hello " + request.getParameter("name") + "</p>");
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// response.setContentType("text/html");
    /// response.getWriter().println("<p>Hello " + Encode.forHtml(request.getParameter("name")) + "</p>");
    /// ```
    ///
    /// ## References
    /// - [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
    /// - [OWASP Java Encoder](https://owasp.org/www-project-java-encoder/)
    /// - [OWASP XSS Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["java/cross-site-scripting@v1.0"],
        languages: &[Language::Java],
        name: "Cross-site scripting",
        category: Category::Security,
        cwes: &[79, 80],
        tags: &["injection", "xss", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Encode input for the HTML context it lands in (Encode.forHtml, forHtmlAttribute, forJavaScript) or render it with an auto-escaping template engine.",
        keywords: &["getWriter", "getOutputStream"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const BODY: &str = "the HTML response written by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "ResponseWriter.print",
            &[Arg::Any],
            "cross-site-scripting",
            BODY,
        )
        .when(html_response),
        Sink::new(
            "ResponseWriter.println",
            &[Arg::Any],
            "cross-site-scripting",
            BODY,
        )
        .when(html_response),
        Sink::new(
            "ResponseWriter.write",
            &[Arg::At(0, "text")],
            "cross-site-scripting",
            BODY,
        )
        .when(html_response),
        Sink::new(
            "ResponseWriter.printf",
            &[Arg::Any],
            "cross-site-scripting",
            BODY,
        )
        .when(html_response),
        Sink::new(
            "ResponseWriter.format",
            &[Arg::Any],
            "cross-site-scripting",
            BODY,
        )
        .when(html_response),
        Sink::new(
            "ResponseWriter.append",
            &[Arg::At(0, "text")],
            "cross-site-scripting",
            BODY,
        )
        .when(html_response),
    ],
    sanitizers: &[
        ".forHtml",
        ".forHtmlContent",
        ".forHtmlAttribute",
        ".forHtmlUnquotedAttribute",
        ".forJavaScript",
        ".forJavaScriptBlock",
        ".forUriComponent",
        ".encodeForHTML",
        ".encodeForHTMLAttribute",
        ".encodeForJavaScript",
        ".encodeForURL",
        ".escapeHtml4",
        ".escapeHtml3",
        ".escapeHtml",
        ".escapeXml",
        ".escapeXml10",
        ".escapeXml11",
        ".escapeEcmaScript",
        ".htmlEscape",
        ".htmlEscapeDecimal",
        ".htmlEscapeHex",
        ".escapeHTML",
        "org.jsoup.Jsoup.clean",
        ".sanitize",
        ".escape",
    ],
    ..TaintSpec::DEFAULT
};

/// Content types that browsers do not render as HTML.
const NOT_HTML: &[&str] = &[
    "json",
    "text/plain",
    "text/csv",
    "xml",
    "octet-stream",
    "image/",
    "javascript",
    "text/css",
    "message/",
    "event-stream",
];

/// The enclosing method does not declare a non-HTML response.
fn html_response(call: Node<'_>, text: &str, _: &crate::semantic::SemanticModel) -> bool {
    let Some(method) = super::enclosing_method(call) else {
        return true;
    };
    let body = node_text(method, text);
    !body.lines().any(|line| {
        (line.contains("setContentType")
            || line.contains("Content-Type")
            || line.contains("MediaType."))
            && NOT_HTML
                .iter()
                .any(|t| line.to_ascii_lowercase().contains(t))
    })
}
