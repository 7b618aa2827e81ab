use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input into template text compiled by a template
    /// engine: Velocity (`Velocity.evaluate`, `VelocityEngine.evaluate`),
    /// FreeMarker (`new Template(name, new StringReader(input), cfg)`,
    /// `StringTemplateLoader.putTemplate`), Pebble
    /// (`getLiteralTemplate`) and Thymeleaf's `TemplateEngine.process` given
    /// a template string. Input passed as a model value is safe; only input
    /// that becomes template source is reported.
    ///
    /// ## Why is this bad?
    /// Template languages call methods of the objects they see; an
    /// attacker who writes the template reaches the classpath and runs
    /// code on the server (server-side template injection).
    ///
    /// ## Example
    /// ```java
    /// String greeting = request.getParameter("greeting");
    /// Velocity.evaluate(context, writer, "greeting", greeting);
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// context.put("greeting", request.getParameter("greeting"));
    /// Velocity.evaluate(context, writer, "greeting", "$esc.html($greeting)");
    /// ```
    ///
    /// ## References
    /// - [CWE-1336: Improper Neutralization of Special Elements Used in a Template Engine](https://cwe.mitre.org/data/definitions/1336.html)
    /// - [PortSwigger: Server-side template injection](https://portswigger.net/web-security/server-side-template-injection)
    pub static SPEC = {
        ids: &["java/template-injection@v1.0"],
        languages: &[Language::Java],
        name: "Server-side template injection",
        category: Category::Security,
        cwes: &[1336, 94],
        tags: &["injection", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Keep templates fixed (files or constants) and pass input only as model values.",
        keywords: &["Velocity", "Template", "putTemplate", "getLiteralTemplate"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const TEMPLATE: &str = "template source compiled by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "org.apache.velocity.app.Velocity.evaluate",
            &[Arg::At(3, "template")],
            "template-injection",
            TEMPLATE,
        ),
        Sink::new(
            "org.apache.velocity.app.VelocityEngine.evaluate",
            &[Arg::At(3, "template")],
            "template-injection",
            TEMPLATE,
        ),
        Sink::new(
            "VelocityEngine.evaluate",
            &[Arg::At(3, "template")],
            "template-injection",
            TEMPLATE,
        ),
        Sink::new(
            "freemarker.template.Template",
            &[Arg::At(1, "reader")],
            "template-injection",
            TEMPLATE,
        ),
        Sink::new(
            "freemarker.cache.StringTemplateLoader.putTemplate",
            &[Arg::At(1, "source")],
            "template-injection",
            TEMPLATE,
        ),
        Sink::new(
            "StringTemplateLoader.putTemplate",
            &[Arg::At(1, "source")],
            "template-injection",
            TEMPLATE,
        ),
        Sink::new(
            "com.mitchellbosecke.pebble.PebbleEngine.getLiteralTemplate",
            &[Arg::At(0, "template")],
            "template-injection",
            TEMPLATE,
        ),
        Sink::new(
            "io.pebbletemplates.pebble.PebbleEngine.getLiteralTemplate",
            &[Arg::At(0, "template")],
            "template-injection",
            TEMPLATE,
        ),
        Sink::new(
            "org.thymeleaf.TemplateEngine.process",
            &[Arg::At(0, "template")],
            "template-injection",
            TEMPLATE,
        ),
        Sink::new(
            "org.thymeleaf.ITemplateEngine.process",
            &[Arg::At(0, "template")],
            "template-injection",
            TEMPLATE,
        ),
    ],
    ..TaintSpec::DEFAULT
};
