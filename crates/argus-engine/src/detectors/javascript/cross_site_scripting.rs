use super::super::prelude::*;
use super::{call_args, js_string, unwrap};
use crate::lang::JsField;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows input into HTML: on the server, strings sent with Express
    /// `res.send`, Node's `res.write`/`res.end` and Koa's `ctx.body` when
    /// the response is HTML; in the browser, `innerHTML`, `outerHTML`,
    /// `insertAdjacentHTML`, `document.write`, jQuery `html()` and `$()`,
    /// and React's `dangerouslySetInnerHTML`. Sources include the page
    /// location, the referrer and `postMessage` data. Escaped values
    /// (`escape-html`, `he`, `lodash.escape`, `validator.escape`) and
    /// sanitized HTML (`DOMPurify.sanitize`, `sanitize-html`, `xss`) are
    /// safe; responses that set a non-HTML content type, objects sent as
    /// JSON and template rendering with escaping on are not reported.
    ///
    /// ## Why is this bad?
    /// Markup from the input runs as script in the victim's browser, in the
    /// site's origin: it reads the session, acts as the user and rewrites
    /// the page.
    ///
    /// ## Example
    /// ```javascript
    /// app.get("/hello", (req, res) => {
    ///   res.send(`<h1>Hello ${req.query.name}</h1>`);
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const escapeHtml = require("escape-html");
    /// app.get("/hello", (req, res) => {
    ///   res.send(`<h1>Hello ${escapeHtml(req.query.name)}</h1>`);
    /// });
    /// ```
    /// Better still, render templates that escape by default; in the
    /// browser set `textContent` instead of `innerHTML`.
    ///
    /// ## References
    /// - [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
    /// - [OWASP XSS Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html)
    /// - [OWASP DOM based XSS Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/DOM_based_XSS_Prevention_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["javascript/cross-site-scripting@v1.0", "typescript/cross-site-scripting@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Cross-site scripting",
        category: Category::Security,
        cwes: &[79, 80],
        tags: &["injection", "xss", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Escape input for HTML (or render it with an escaping template engine); in the browser use textContent, and sanitize HTML with DOMPurify when markup is needed.",
        keywords: &["send", "write", "end", "body", "innerhtml", "outerhtml", "insertadjacenthtml", "document.write", "html(", "dangerouslysetinnerhtml", "$("],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const RESPONSE: &str = "an HTML response sent by {callee}";
const DOM: &str = "HTML inserted into the page by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(".send", &[Arg::At(0, "body")], "response", RESPONSE).when(html_response),
        Sink::new(".write", &[Arg::At(0, "chunk")], "response", RESPONSE).when(html_response),
        Sink::new(".end", &[Arg::At(0, "chunk")], "response", RESPONSE).when(html_response),
        Sink::new(
            ".body=",
            &[Arg::At(0, "body")],
            "koa",
            "an HTML response body set by {callee}",
        )
        .when(koa_html_body),
        Sink::new(".innerHTML=", &[Arg::At(0, "html")], "dom", DOM),
        Sink::new(".outerHTML=", &[Arg::At(0, "html")], "dom", DOM),
        Sink::new(".insertAdjacentHTML", &[Arg::At(1, "html")], "dom", DOM),
        Sink::new("document.write", &[Arg::At(0, "html")], "dom", DOM),
        Sink::new("document.writeln", &[Arg::At(0, "html")], "dom", DOM),
        Sink::new(".html", &[Arg::At(0, "html")], "jquery", DOM).when(jquery),
        Sink::new(
            "$",
            &[Arg::At(0, "html")],
            "jquery",
            "HTML parsed by {callee}",
        )
        .when(jquery_html),
        Sink::new(
            "jQuery",
            &[Arg::At(0, "html")],
            "jquery",
            "HTML parsed by {callee}",
        )
        .when(jquery_html),
        Sink::new(
            "dangerouslySetInnerHTML=",
            &[Arg::At(0, "__html")],
            "react",
            "HTML set by `dangerouslySetInnerHTML`",
        ),
    ],
    sanitizers: &[
        "escape-html",
        "he.encode",
        "he.escape",
        "lodash.escape",
        "underscore.escape",
        "validator.escape",
        "dompurify.sanitize",
        "isomorphic-dompurify.sanitize",
        "DOMPurify.sanitize",
        ".sanitize",
        "sanitize-html",
        "xss",
        "xss.filterXSS",
        "encodeURIComponent",
        "JSON.stringify",
        "escapeHtml",
        "htmlEscape",
        "encodeHTML",
        "escapeHTML",
        ".escape",
    ],
    local_sources: false,
    ..TaintSpec::DEFAULT
};

/// A response (`res`, `response`) that is not given a non-HTML
/// type in the same function, sent something other than an object.
fn html_response(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    // Fastify's `reply.send` types a string as text/plain.
    if !super::receiver_named(call, text, &["res", "response", "resp", "ctx"]) {
        return false;
    }
    let Some(first) = call_args(call).first().map(|a| unwrap(*a)) else {
        return false;
    };
    if matches!(
        first.kind(),
        "object" | "array" | "number" | "true" | "false"
    ) {
        return false;
    }
    !sets_other_type(call, text)
}

/// Whether the enclosing function gives the response a non-HTML type
/// (`res.type("json")`, `res.setHeader("Content-Type", "text/plain")`).
fn sets_other_type(call: Node<'_>, text: &str) -> bool {
    let mut scope = call;
    while let Some(parent) = scope.parent() {
        scope = parent;
        if matches!(
            scope.kind(),
            "function_declaration" | "arrow_function" | "function_expression" | "method_definition"
        ) {
            break;
        }
    }
    let body = node_text(scope, text).to_ascii_lowercase();
    let typed = ["content-type", ".type(", ".contenttype(", "writehead("];
    typed.iter().any(|t| body.contains(t))
        && !body.contains("text/html")
        && !body.contains(".type('html')")
        && !body.contains(".type(\"html\")")
}

/// Koa sends a string body as HTML when it starts with `<`.
fn koa_html_body(assignment: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    let Some(left) = assignment.js_field("left") else {
        return false;
    };
    let owner = left
        .js_field("object")
        .map(|o| node_text(o, text))
        .unwrap_or("");
    if !matches!(owner, "ctx" | "this" | "context" | "ctx.response") {
        return false;
    }
    let Some(right) = assignment.js_field("right").map(unwrap) else {
        return false;
    };
    let written = node_text(right, text).trim_start_matches(['`', '\'', '"']);
    matches!(right.kind(), "template_string" | "binary_expression")
        && written.trim_start().starts_with('<')
}

/// `.html(x)` on a jQuery object (`$(...)`, `jQuery(...)`, `$el`).
fn jquery(call: Node<'_>, text: &str, semantic: &SemanticModel) -> bool {
    let Some(object) = call.js_field("function").and_then(|f| f.js_field("object")) else {
        return false;
    };
    let receiver = node_text(object, text);
    receiver.starts_with('$') || receiver.starts_with("jQuery") || semantic.imports("jquery")
}

/// `$(html)`: jQuery parses a string starting with `<` (or any string
/// before 1.9) as HTML; a literal selector prefix makes it a selector.
fn jquery_html(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    call_args(call)
        .first()
        .is_some_and(|a| js_string(*a, text).is_none() && !selector_prefix(*a, text))
}

/// A string built after a literal start that is not markup
/// (`'.tabs a[href="' + hash + '"]'`): jQuery reads it as a selector.
fn selector_prefix(node: Node<'_>, text: &str) -> bool {
    let node = unwrap(node);
    let start = match node.kind() {
        "binary_expression" => {
            let mut left = node;
            while left.kind() == "binary_expression" {
                match left.js_field("left") {
                    Some(l) => left = unwrap(l),
                    None => return false,
                }
            }
            js_string(left, text)
        }
        "template_string" => {
            let written = node_text(node, text);
            Some(written[1..].split("${").next().unwrap_or("").to_string())
        }
        _ => None,
    };
    start.is_some_and(|s| {
        let s = s.trim_start();
        !s.is_empty() && !s.starts_with('<')
    })
}
