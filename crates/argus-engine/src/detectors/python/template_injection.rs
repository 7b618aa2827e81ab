use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request data into the source of a template: Flask
    /// `render_template_string`, `jinja2.Template`, `Environment.from_string`,
    /// Django `Template`, Mako and Tornado templates. Data passed as
    /// template variables (`render_template_string(SOURCE, name=name)`) is
    /// safe.
    ///
    /// ## Why is this bad?
    /// Template languages reach Python objects: `{{ ''.__class__.__mro__ }}`
    /// walks to `os.popen` in Jinja2. Whoever writes the template runs code
    /// on the server.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/greet")
    /// def greet():
    ///     return render_template_string("Hello " + request.args["name"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @app.route("/greet")
    /// def greet():
    ///     return render_template_string("Hello {{ name }}", name=request.args["name"])
    /// ```
    ///
    /// ## References
    /// - [CWE-1336: Server-Side Template Injection](https://cwe.mitre.org/data/definitions/1336.html)
    /// - [CWE-94: Code Injection](https://cwe.mitre.org/data/definitions/94.html)
    /// - [PortSwigger: Server-side template injection](https://portswigger.net/web-security/server-side-template-injection)
    pub static SPEC = {
        ids: &["python/server-side-template-injection@v1.0"],
        languages: &[Language::Python],
        name: "Server-side template injection",
        category: Category::Security,
        cwes: &[1336, 94],
        tags: &["injection", "templates", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Keep template sources in code or files; pass input only as template variables.",
        keywords: &["template", "from_string"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const SOURCE: &str = "the source of a template compiled by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "flask.render_template_string",
            &[Arg::At(0, "source")],
            "flask",
            SOURCE,
        ),
        Sink::new(
            "quart.render_template_string",
            &[Arg::At(0, "source")],
            "flask",
            SOURCE,
        ),
        Sink::new("jinja2.Template", &[Arg::At(0, "source")], "jinja2", SOURCE),
        Sink::new(".from_string", &[Arg::At(0, "source")], "jinja2", SOURCE),
        Sink::new(
            "django.template.Template",
            &[Arg::At(0, "template_string")],
            "django",
            SOURCE,
        ),
        Sink::new(
            ".from_string",
            &[Arg::At(0, "template_code")],
            "django",
            SOURCE,
        ),
        Sink::new(
            "mako.template.Template",
            &[Arg::At(0, "text")],
            "mako",
            SOURCE,
        ),
        Sink::new(
            "tornado.template.Template",
            &[Arg::At(0, "template_string")],
            "tornado",
            SOURCE,
        ),
    ],
    ..TaintSpec::DEFAULT
};
