use super::super::prelude::*;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into HTML the application sends without
    /// escaping: strings built in the return statement of a Flask (or
    /// Quart/Bottle) view, Django `HttpResponse` without a non-HTML content
    /// type, Starlette `HTMLResponse`, and markup declared safe with
    /// `Markup`, `mark_safe` or `SafeString`. Values escaped with
    /// `html.escape`, `markupsafe.escape` or `django.utils.html.escape`, or
    /// cleaned with `bleach.clean`, are safe; templates rendered with
    /// autoescaping are not sinks.
    ///
    /// ## Why is this bad?
    /// Markup in the input runs as script in the victim's browser on the
    /// application's origin: it reads the page and the session, acts as the
    /// user, and rewrites what they see.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/hello")
    /// def hello():
    ///     return f"<h1>Hello {request.args['name']}</h1>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @app.route("/hello")
    /// def hello():
    ///     return f"<h1>Hello {escape(request.args['name'])}</h1>"
    /// ```
    /// Better, render a template: Jinja2 and Django templates escape by
    /// default.
    ///
    /// ## References
    /// - [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
    /// - [OWASP XSS Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["python/cross-site-scripting@v1.0"],
        languages: &[Language::Python],
        name: "Cross-site scripting",
        category: Category::Security,
        cwes: &[79, 80],
        tags: &["xss", "injection", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Render HTML with an autoescaping template, or escape every value (markupsafe.escape, html.escape) before it joins markup; never mark input as safe.",
        keywords: &["flask", "django", "starlette", "fastapi", "quart", "bottle", "markup", "mark_safe", "HttpResponse"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const SAFE_MARKUP: &str = "markup declared safe by {callee}";
const RESPONSE: &str = "an HTML response built by {callee}";

/// `HttpResponse(..., content_type="application/json")` is not HTML.
fn html_response(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    ["content_type", "mimetype", "media_type"]
        .iter()
        .filter_map(|k| keyword_argument(call, k, text))
        .all(|v| string_literal(v, text).is_some_and(|t| t.contains("html")))
}

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "markupsafe.Markup",
            &[Arg::At(0, "base")],
            "markup",
            SAFE_MARKUP,
        ),
        Sink::new("flask.Markup", &[Arg::At(0, "base")], "markup", SAFE_MARKUP),
        Sink::new(
            "jinja2.Markup",
            &[Arg::At(0, "base")],
            "markup",
            SAFE_MARKUP,
        ),
        Sink::new(
            "django.utils.safestring.mark_safe",
            &[Arg::At(0, "s")],
            "mark-safe",
            SAFE_MARKUP,
        ),
        Sink::new(
            "django.utils.safestring.SafeString",
            &[Arg::At(0, "s")],
            "mark-safe",
            SAFE_MARKUP,
        ),
        Sink::new(
            "django.http.HttpResponse",
            &[Arg::At(0, "content")],
            "response",
            RESPONSE,
        )
        .when(html_response),
        Sink::new(
            "flask.make_response",
            &[Arg::At(0, "rv")],
            "response",
            RESPONSE,
        )
        .when(html_response),
        Sink::new(
            "flask.Response",
            &[Arg::At(0, "response")],
            "response",
            RESPONSE,
        )
        .when(html_response),
        Sink::new(
            "starlette.responses.HTMLResponse",
            &[Arg::At(0, "content")],
            "response",
            RESPONSE,
        ),
        Sink::new(
            "fastapi.responses.HTMLResponse",
            &[Arg::At(0, "content")],
            "response",
            RESPONSE,
        ),
    ],
    sanitizers: &[
        "html.escape",
        "cgi.escape",
        "markupsafe.escape",
        "flask.escape",
        "jinja2.escape",
        "django.utils.html.escape",
        "django.utils.html.conditional_escape",
        "django.utils.html.format_html",
        "bleach.clean",
        "bleach.linkify",
        "nh3.clean",
        "json.dumps",
        "flask.jsonify",
        "flask.render_template",
        "django.shortcuts.render",
        "django.template.loader.render_to_string",
        "xml.sax.saxutils.escape",
    ],
    route_return: Some(("view-return", "the HTML body returned by a web view")),
    ..TaintSpec::DEFAULT
};
