use super::super::common::fixed_target;
use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request data into redirects: Flask `redirect`, Django
    /// `redirect`, `HttpResponseRedirect` and `HttpResponsePermanentRedirect`,
    /// Starlette/FastAPI `RedirectResponse`. Targets checked with
    /// `url_has_allowed_host_and_scheme`, compared against an allow-list,
    /// or built with a local path or a fixed host written in code are safe.
    ///
    /// ## Why is this bad?
    /// A link on the real site that sends users anywhere is a phishing
    /// tool: the address bar shows the trusted domain until the redirect
    /// lands on the attacker's copy of the login page. Redirects can also
    /// carry OAuth codes and tokens to an attacker's server.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/login", methods=["POST"])
    /// def login():
    ///     ...
    ///     return redirect(request.args.get("next", "/"))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @app.route("/login", methods=["POST"])
    /// def login():
    ///     ...
    ///     target = request.args.get("next", "/")
    ///     if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.host}):
    ///         target = "/"
    ///     return redirect(target)
    /// ```
    ///
    /// ## References
    /// - [CWE-601: Open Redirect](https://cwe.mitre.org/data/definitions/601.html)
    /// - [OWASP Unvalidated Redirects and Forwards Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["python/open-redirect@v1.0"],
        languages: &[Language::Python],
        name: "Open redirect",
        category: Category::Security,
        cwes: &[601],
        tags: &["redirect", "phishing"],
        access: Access::AdditionalSecurity,
        effort: Effort::OverInternet,
        remediation: "Redirect only to local paths or allow-listed hosts (url_has_allowed_host_and_scheme); fall back to a fixed page otherwise.",
        keywords: &["redirect"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const REDIRECT: &str = "the target of a redirect by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "flask.redirect",
            &[Arg::At(0, "location")],
            "flask",
            REDIRECT,
        ),
        Sink::new(
            "werkzeug.utils.redirect",
            &[Arg::At(0, "location")],
            "flask",
            REDIRECT,
        ),
        Sink::new(
            "quart.redirect",
            &[Arg::At(0, "location")],
            "flask",
            REDIRECT,
        ),
        Sink::new(
            "django.shortcuts.redirect",
            &[Arg::At(0, "to")],
            "django",
            REDIRECT,
        ),
        Sink::new(
            "django.http.HttpResponseRedirect",
            &[Arg::At(0, "redirect_to")],
            "django",
            REDIRECT,
        ),
        Sink::new(
            "django.http.HttpResponsePermanentRedirect",
            &[Arg::At(0, "redirect_to")],
            "django",
            REDIRECT,
        ),
        Sink::new(
            "starlette.responses.RedirectResponse",
            &[Arg::At(0, "url")],
            "starlette",
            REDIRECT,
        ),
        Sink::new(
            "fastapi.responses.RedirectResponse",
            &[Arg::At(0, "url")],
            "starlette",
            REDIRECT,
        ),
    ],
    sanitizers: &[
        "flask.url_for",
        "django.urls.reverse",
        "django.shortcuts.resolve_url",
    ],
    safe_prefix: Some(fixed_target),
    ..TaintSpec::DEFAULT
};
