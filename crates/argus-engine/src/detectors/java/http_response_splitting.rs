use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input into HTTP response headers:
    /// `HttpServletResponse.setHeader`/`addHeader`, cookies created from
    /// input (`new Cookie(name, value)`). Only line breaks make input dangerous here, so values the
    /// client can only send percent-encoded (`getRequestURI`,
    /// `getQueryString`) and values with CR and LF removed are safe.
    ///
    /// ## Why is this bad?
    /// A CR LF in a header value ends the header: the attacker adds
    /// headers (cookies, redirects) or a whole second response, poisoning
    /// caches and setting up cross-site scripting. Some containers reject
    /// such values, but not every version or proxy does.
    ///
    /// ## Example
    /// ```java
    /// response.setHeader("X-Language", request.getParameter("lang"));
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// String lang = request.getParameter("lang").replaceAll("[\\r\\n]", "");
    /// response.setHeader("X-Language", lang);
    /// ```
    ///
    /// ## References
    /// - [CWE-113: HTTP Response Splitting](https://cwe.mitre.org/data/definitions/113.html)
    /// - [OWASP: HTTP Response Splitting](https://owasp.org/www-community/attacks/HTTP_Response_Splitting)
    pub static SPEC = {
        ids: &["java/http-response-splitting@v1.0"],
        languages: &[Language::Java],
        name: "HTTP response splitting",
        category: Category::Security,
        cwes: &[113, 93],
        tags: &["injection", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Remove CR and LF from input before it goes into a header or cookie (or reject it), or URL-encode it.",
        keywords: &["setHeader", "addHeader", "Cookie", "HttpHeaders"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const HEADER: &str = "a response header set by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "javax.servlet.http.HttpServletResponse.setHeader",
            &[Arg::At(0, "name"), Arg::At(1, "value")],
            "http-response-splitting",
            HEADER,
        ),
        Sink::new(
            "javax.servlet.http.HttpServletResponse.addHeader",
            &[Arg::At(0, "name"), Arg::At(1, "value")],
            "http-response-splitting",
            HEADER,
        ),
        Sink::new(
            "HttpServletResponse.setHeader",
            &[Arg::At(0, "name"), Arg::At(1, "value")],
            "http-response-splitting",
            HEADER,
        ),
        Sink::new(
            "HttpServletResponse.addHeader",
            &[Arg::At(0, "name"), Arg::At(1, "value")],
            "http-response-splitting",
            HEADER,
        ),
        Sink::new(
            "javax.servlet.http.Cookie",
            &[Arg::At(0, "name"), Arg::At(1, "value")],
            "http-response-splitting",
            "a cookie created by {callee}",
        ),
    ],
    sanitizers: &[".encodeForURL", ".forUriComponent", ".encodeForHTTPHeader"],
    sanitizes: Some(super::removes_line_breaks),
    line_breaks_only: true,
    ..TaintSpec::DEFAULT
};
