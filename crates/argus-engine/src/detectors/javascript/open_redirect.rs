use super::super::common::fixed_target;
use super::super::prelude::*;
use super::{call_args, js_string};
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows input into the target of a redirect: Express
    /// `res.redirect` and `res.location`, Koa `ctx.redirect`, Fastify
    /// `reply.redirect`, Hapi `h.redirect`, a `Location` header, and in the
    /// browser `location.href`, `location.assign`/`replace` and
    /// `window.open`. A target that starts with a local path (`/account/`)
    /// or a written-out host keeps the user on a known site and is not
    /// reported.
    ///
    /// ## Why is this bad?
    /// A link on the trusted domain sends the victim to the attacker's
    /// site, which makes phishing convincing and can leak tokens carried in
    /// the URL (OAuth flows).
    ///
    /// ## Example
    /// ```javascript
    /// app.get("/login/done", (req, res) => {
    ///   res.redirect(req.query.next);
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.get("/login/done", (req, res) => {
    ///   const next = String(req.query.next || "/");
    ///   res.redirect(next.startsWith("/") && !next.startsWith("//") ? next : "/");
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-601: Open Redirect](https://cwe.mitre.org/data/definitions/601.html)
    /// - [OWASP Unvalidated Redirects and Forwards Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["javascript/open-redirect@v1.0", "typescript/open-redirect@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Open redirect",
        category: Category::Security,
        cwes: &[601],
        tags: &["redirect", "owasp-top10"],
        access: Access::AdditionalSecurity,
        effort: Effort::InternetHighEffort,
        remediation: "Redirect only to local paths (starting with a single `/`) or to hosts on an allow-list.",
        keywords: &["redirect", "location", "window.open"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const REDIRECT: &str = "the target of a redirect by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(".redirect", &[Arg::Any], "redirect", REDIRECT).when(server_response),
        Sink::new(".location", &[Arg::At(0, "url")], "redirect", REDIRECT).when(server_response),
        Sink::new(".setHeader", &[Arg::At(1, "value")], "header", REDIRECT).when(location_header),
        Sink::new(".set", &[Arg::At(1, "value")], "header", REDIRECT).when(location_header),
        Sink::new(".header", &[Arg::At(1, "value")], "header", REDIRECT).when(location_header),
        Sink::new(
            ".writeHead",
            &[Arg::Keyword("Location"), Arg::Keyword("location")],
            "header",
            REDIRECT,
        ),
        Sink::new(
            "location=",
            &[Arg::At(0, "url")],
            "browser",
            "the page location",
        ),
        Sink::new(
            "window.location=",
            &[Arg::At(0, "url")],
            "browser",
            "the page location",
        ),
        Sink::new(
            "document.location=",
            &[Arg::At(0, "url")],
            "browser",
            "the page location",
        ),
        Sink::new(
            "location.href=",
            &[Arg::At(0, "url")],
            "browser",
            "the page location",
        ),
        Sink::new(
            "window.location.href=",
            &[Arg::At(0, "url")],
            "browser",
            "the page location",
        ),
        Sink::new("location.assign", &[Arg::At(0, "url")], "browser", REDIRECT),
        Sink::new(
            "location.replace",
            &[Arg::At(0, "url")],
            "browser",
            REDIRECT,
        ),
        Sink::new(
            "window.location.assign",
            &[Arg::At(0, "url")],
            "browser",
            REDIRECT,
        ),
        Sink::new(
            "window.location.replace",
            &[Arg::At(0, "url")],
            "browser",
            REDIRECT,
        ),
        Sink::new(
            "window.open",
            &[Arg::At(0, "url")],
            "browser",
            "the page opened by {callee}",
        ),
    ],
    sanitizers: &["encodeURIComponent"],
    local_sources: false,
    safe_prefix: Some(fixed_target),
    ..TaintSpec::DEFAULT
};

fn server_response(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    super::receiver_named(
        call,
        text,
        &["res", "response", "resp", "reply", "ctx", "h", "context"],
    )
}

/// `res.setHeader("Location", url)`.
fn location_header(call: Node<'_>, text: &str, semantic: &SemanticModel) -> bool {
    server_response(call, text, semantic)
        && call_args(call)
            .first()
            .and_then(|a| js_string(*a, text))
            .is_some_and(|name| name.eq_ignore_ascii_case("location"))
}
