use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input into the HTTP session (`HttpSession
    /// .setAttribute`, `putValue`): data the client sent, stored next to
    /// data the server established (the logged-in user, roles, flags),
    /// without validation. Validated input (an allow-list check, a parsed
    /// number, a whole-string regex match) is safe.
    ///
    /// ## Why is this bad?
    /// Code that later reads the session trusts what it finds there; an
    /// attribute the client chose crosses that trust boundary and can
    /// decide authorization, pricing or workflow state.
    ///
    /// ## Example
    /// ```java
    /// request.getSession().setAttribute("role", request.getParameter("role"));
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// String role = request.getParameter("role");
    /// if (!ALLOWED_ROLES.contains(role)) throw new SecurityException("role");
    /// request.getSession().setAttribute("role", role);
    /// ```
    ///
    /// ## References
    /// - [CWE-501: Trust Boundary Violation](https://cwe.mitre.org/data/definitions/501.html)
    pub static SPEC = {
        ids: &["java/untrusted-data-in-decision@v1.0"],
        languages: &[Language::Java],
        name: "Untrusted data in a security decision",
        category: Category::Security,
        cwes: &[501, 807],
        tags: &["session", "owasp-top10"],
        access: Access::AdditionalSecurity,
        effort: Effort::OverInternet,
        remediation: "Validate input against what the application allows before storing it in the session, and keep client-chosen data apart from server-established state.",
        keywords: &["setAttribute", "putValue"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const SESSION: &str = "the HTTP session through {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "javax.servlet.http.HttpSession.setAttribute",
            &[Arg::At(0, "name"), Arg::At(1, "value")],
            "untrusted-data-in-decision",
            SESSION,
        ),
        Sink::new(
            "javax.servlet.http.HttpSession.putValue",
            &[Arg::At(0, "name"), Arg::At(1, "value")],
            "untrusted-data-in-decision",
            SESSION,
        ),
        Sink::new(
            "HttpSession.setAttribute",
            &[Arg::At(0, "name"), Arg::At(1, "value")],
            "untrusted-data-in-decision",
            SESSION,
        ),
    ],
    ..TaintSpec::DEFAULT
};
