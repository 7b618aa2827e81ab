use super::super::prelude::*;
use crate::lang::JsField;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data that may hold line breaks (bodies, query
    /// values, route parameters, socket messages) into log calls:
    /// `console.log`/`info`/`warn`/`error`/`debug`, and the methods of
    /// `winston`, `pino`, `bunyan`, `log4js` and `loglevel` loggers. The
    /// request URL and headers cannot hold raw line breaks (Node's HTTP
    /// parser refuses them), values passed through `JSON.stringify` or
    /// with line breaks removed are safe, and structured fields of JSON
    /// loggers (`logger.info({ user }, "msg")`) are escaped by the logger.
    ///
    /// ## Why is this bad?
    /// A line break in the input starts a new log line the attacker
    /// writes: forged entries hide an attack or frame another user, and
    /// terminal escape sequences can attack whoever reads the log.
    ///
    /// ## Example
    /// ```javascript
    /// app.post("/login", (req, res) => {
    ///   console.log(`login failed for ${req.body.user}`);
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.post("/login", (req, res) => {
    ///   console.log(`login failed for ${JSON.stringify(req.body.user)}`);
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-117: Improper Output Neutralization for Logs](https://cwe.mitre.org/data/definitions/117.html)
    /// - [OWASP Log Injection](https://owasp.org/www-community/attacks/Log_Injection)
    pub static SPEC = {
        ids: &["javascript/log-injection@v1.0", "typescript/log-injection@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Log injection",
        category: Category::Security,
        cwes: &[117],
        tags: &["injection", "logging"],
        access: Access::AdditionalSecurity,
        effort: Effort::InternetHighEffort,
        remediation: "Log input with JSON.stringify or as a structured field of a JSON logger, or remove CR and LF first.",
        keywords: &["console", "log", "logger", "winston", "pino", "bunyan"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const LOG: &str = "a log entry written by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new("console.log", &[Arg::Any], "console", LOG),
        Sink::new("console.info", &[Arg::Any], "console", LOG),
        Sink::new("console.warn", &[Arg::Any], "console", LOG),
        Sink::new("console.error", &[Arg::Any], "console", LOG),
        Sink::new("console.debug", &[Arg::Any], "console", LOG),
        Sink::new(".info", &[Arg::Any], "logger", LOG).when(text_logger),
        Sink::new(".warn", &[Arg::Any], "logger", LOG).when(text_logger),
        Sink::new(".error", &[Arg::Any], "logger", LOG).when(text_logger),
        Sink::new(".debug", &[Arg::Any], "logger", LOG).when(text_logger),
        Sink::new(".log", &[Arg::Any], "logger", LOG).when(text_logger),
    ],
    sanitizers: &["JSON.stringify", "util.inspect", "encodeURIComponent"],
    sanitizes: Some(strips_line_breaks),
    line_breaks_only: true,
    ..TaintSpec::DEFAULT
};

/// A logger of a logging library whose message is text (pino and bunyan
/// write JSON, so only their message string, the last argument, counts;
/// the whole call is checked alike here, since a message built from input
/// is the usual form).
fn text_logger(call: Node<'_>, text: &str, semantic: &SemanticModel) -> bool {
    semantic.imports_any(&[
        "winston", "pino", "bunyan", "log4js", "loglevel", "npmlog", "signale",
    ]) && super::receiver_named(
        call,
        text,
        &["logger", "log", "winston", "pino", "bunyan", "logging"],
    )
}

/// `s.replace(/[\r\n]/g, "")` and the like.
fn strips_line_breaks(call: Node<'_>, text: &str) -> bool {
    let Some(function) = call.js_field("function") else {
        return false;
    };
    let method = function.js_field("property").map(|p| node_text(p, text));
    if !matches!(method, Some("replace" | "replaceAll")) {
        return false;
    }
    let written = call
        .js_field("arguments")
        .map(|a| node_text(a, text))
        .unwrap_or("");
    written.contains("\\n") || written.contains("\\s")
}
