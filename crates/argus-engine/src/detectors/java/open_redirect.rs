use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input into redirects: `HttpServletResponse
    /// .sendRedirect`, a `Location` header, Spring's `"redirect:" + url`
    /// view names (returned from a handler or given to `ModelAndView`) and
    /// `RedirectView`. A target whose start the code fixes (a local path
    /// such as `/account/`, a written-out host, or input only after a `?`)
    /// is safe.
    ///
    /// ## Why is this bad?
    /// A link on the trusted site that forwards to any address makes
    /// phishing convincing and can leak tokens in the URL to the
    /// attacker's server.
    ///
    /// ## Example
    /// ```java
    /// response.sendRedirect(request.getParameter("next"));
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// String next = request.getParameter("next");
    /// response.sendRedirect(ALLOWED_PAGES.contains(next) ? next : "/home");
    /// ```
    ///
    /// ## References
    /// - [CWE-601: Open Redirect](https://cwe.mitre.org/data/definitions/601.html)
    /// - [OWASP Unvalidated Redirects and Forwards Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["java/open-redirect@v1.0"],
        languages: &[Language::Java],
        name: "Open redirect",
        category: Category::Security,
        cwes: &[601],
        tags: &["owasp-top10"],
        access: Access::AdditionalSecurity,
        effort: Effort::OverInternet,
        remediation: "Redirect only to local paths or to targets chosen from an allow-list; never to a URL taken whole from the request.",
        keywords: &["sendRedirect", "Location", "redirect:", "RedirectView"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const REDIRECT: &str = "a redirect by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "javax.servlet.http.HttpServletResponse.sendRedirect",
            &[Arg::At(0, "location")],
            "open-redirect",
            REDIRECT,
        ),
        Sink::new(
            "HttpServletResponse.sendRedirect",
            &[Arg::At(0, "location")],
            "open-redirect",
            REDIRECT,
        ),
        Sink::new(
            "javax.servlet.http.HttpServletResponse.setHeader",
            &[Arg::At(1, "value")],
            "open-redirect",
            REDIRECT,
        )
        .when(location_header),
        Sink::new(
            "javax.servlet.http.HttpServletResponse.addHeader",
            &[Arg::At(1, "value")],
            "open-redirect",
            REDIRECT,
        )
        .when(location_header),
        Sink::new(
            "redirect:",
            &[Arg::At(0, "view")],
            "open-redirect",
            "a redirect view returned by the handler",
        ),
        Sink::new(
            "org.springframework.web.servlet.ModelAndView",
            &[Arg::At(0, "view")],
            "open-redirect",
            REDIRECT,
        )
        .when(redirect_view_name),
        Sink::new(
            "org.springframework.web.servlet.view.RedirectView",
            &[Arg::At(0, "url")],
            "open-redirect",
            REDIRECT,
        ),
    ],
    // The path the browser is on is the site's own.
    sanitizers: &[
        ".getRequestURI",
        ".getRequestURL",
        ".getServletPath",
        ".getContextPath",
    ],
    safe_prefix: Some(fixed_redirect),
    ..TaintSpec::DEFAULT
};

fn fixed_redirect(prefix: &str) -> bool {
    crate::detectors::common::fixed_target(prefix.strip_prefix("redirect:").unwrap_or(prefix))
}

fn location_header(call: Node<'_>, text: &str, _: &crate::semantic::SemanticModel) -> bool {
    super::call_args(call)
        .first()
        .and_then(|a| string_literal(*a, text))
        .is_some_and(|h| h.eq_ignore_ascii_case("location"))
}

fn redirect_view_name(call: Node<'_>, text: &str, _: &crate::semantic::SemanticModel) -> bool {
    super::call_args(call).first().is_some_and(|a| {
        node_text(*a, text)
            .trim_start_matches('(')
            .starts_with("\"redirect:")
    })
}
