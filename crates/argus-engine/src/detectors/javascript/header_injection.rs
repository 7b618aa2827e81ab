use super::super::prelude::*;
use super::{call_args, js_string};
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into the name of a response header, or into
    /// the value of a header whose content changes how the browser treats
    /// the response: `Content-Type`, `Content-Disposition`, `Set-Cookie`,
    /// `Link`, `Refresh`, `Content-Security-Policy`. Express `res.set`/`header`/`append`,
    /// Node's `setHeader`/`writeHead`, Koa `ctx.set` and Fastify
    /// `reply.header` are covered. Node refuses line breaks in header
    /// values, so this is not response splitting; `Location` is
    /// `open-redirect`.
    ///
    /// ## Why is this bad?
    /// A client-chosen `Content-Type` turns a download into an HTML page
    /// (cross-site scripting); a chosen `Content-Disposition` file name
    /// makes a reflected file download; a chosen `Set-Cookie` or
    /// `Access-Control-Allow-Origin` plants a session or opens the API to
    /// any site.
    ///
    /// ## Example
    /// ```javascript
    /// app.get("/export", (req, res) => {
    ///   res.setHeader("Content-Disposition", `attachment; filename="${req.query.name}"`);
    ///   res.send(report);
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const contentDisposition = require("content-disposition");
    /// app.get("/export", (req, res) => {
    ///   res.setHeader("Content-Disposition", contentDisposition(String(req.query.name)));
    ///   res.send(report);
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-113: HTTP Response Splitting](https://cwe.mitre.org/data/definitions/113.html)
    /// - [CWE-644: Improper Neutralization of HTTP Headers for Scripting Syntax](https://cwe.mitre.org/data/definitions/644.html)
    pub static SPEC = {
        ids: &["javascript/header-injection@v1.0", "typescript/header-injection@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Header injection",
        category: Category::Security,
        cwes: &[113, 644],
        tags: &["injection", "http"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Choose header names in code; build sensitive header values from validated input (content-disposition for file names, an allow-list for types and origins).",
        keywords: &["setheader", "header", "set(", "append", "writehead"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const HEADER: &str = "a response header set by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            ".setHeader",
            &[Arg::At(0, "name"), Arg::At(1, "value")],
            "header",
            HEADER,
        )
        .when(sensitive_header),
        Sink::new(
            ".set",
            &[Arg::At(0, "name"), Arg::At(1, "value")],
            "header",
            HEADER,
        )
        .when(sensitive_header),
        Sink::new(
            ".header",
            &[Arg::At(0, "name"), Arg::At(1, "value")],
            "header",
            HEADER,
        )
        .when(sensitive_header),
        Sink::new(
            ".append",
            &[Arg::At(0, "name"), Arg::At(1, "value")],
            "header",
            HEADER,
        )
        .when(sensitive_header),
    ],
    sanitizers: &["content-disposition", "encodeURIComponent", "encodeURI"],
    local_sources: false,
    ..TaintSpec::DEFAULT
};

/// Header values that change how the response is treated.
const SENSITIVE: &[&str] = &[
    "content-type",
    "content-disposition",
    "set-cookie",
    "link",
    "refresh",
    "content-security-policy",
    "x-frame-options",
];

/// A response header whose name is not a literal, or a sensitive one.
fn sensitive_header(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    if !super::receiver_named(
        call,
        text,
        &["res", "response", "resp", "reply", "ctx", "context"],
    ) {
        return false;
    }
    let args = call_args(call);
    if args.len() < 2 {
        return false;
    }
    match js_string(args[0], text) {
        Some(name) => SENSITIVE.contains(&name.to_ascii_lowercase().as_str()),
        None => true,
    }
}
