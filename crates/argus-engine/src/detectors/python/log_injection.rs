use super::super::prelude::*;
use super::strips_line_breaks;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into log messages written by `logging` and by
    /// logger objects (`logger.info(...)`, `log.warning(...)`). Values with
    /// line breaks removed (`.replace("\n", "")`), quoted with `repr` or
    /// `%r`, or converted to numbers are safe.
    ///
    /// ## Why is this bad?
    /// A line break in the input starts a new, forged log entry: an attacker
    /// hides their tracks, fakes events that mislead an investigation, or
    /// injects content that attacks the tools reading the logs.
    ///
    /// ## Example
    /// ```python
    /// user = request.args["user"]
    /// logger.info("login failed for %s", user)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// user = request.args["user"]
    /// logger.info("login failed for %r", user)
    /// ```
    /// Or strip `\r` and `\n` from the value, or use a structured (JSON)
    /// log formatter that escapes every field.
    ///
    /// ## References
    /// - [CWE-117: Improper Output Neutralization for Logs](https://cwe.mitre.org/data/definitions/117.html)
    /// - [OWASP Logging Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["python/log-injection@v1.0"],
        languages: &[Language::Python],
        name: "Log injection",
        category: Category::Security,
        cwes: &[117, 93],
        tags: &["injection", "logging"],
        access: Access::AdditionalSecurity,
        effort: Effort::OverInternet,
        remediation: "Remove CR and LF from logged input (or log it with %r / repr), or use a structured log formatter.",
        keywords: &["log"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const LOG: &str = "a log message written by {callee}";

/// The receiver is a logger (`logger`, `log`, `self._log`, `LOGGER`,
/// `logging.getLogger(...)`), and `%r` does not quote the values.
fn is_logger(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    let Some(function) = call.py_field("function") else {
        return false;
    };
    let Some(object) = function.py_field("object") else {
        return false;
    };
    let receiver = node_text(object, text).to_ascii_lowercase();
    let last = receiver.rsplit('.').next().unwrap_or(&receiver);
    let logger = last.trim_start_matches('_').ends_with("log")
        || last.trim_start_matches('_').ends_with("logger")
        || receiver.starts_with("logging.getlogger(")
        || receiver == "logging";
    logger && !repr_format(call, text)
}

/// A format string quoting every value with `%r` (`"%r"` escapes breaks).
fn repr_format(call: Node<'_>, text: &str) -> bool {
    positional_arguments(crate::lang::Grammar::Python, call)
        .first()
        .and_then(|f| string_literal(*f, text))
        .is_some_and(|f| f.contains("%r") && !f.contains("%s") && !f.contains("%d"))
}

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(".debug", &[Arg::Any], "logger", LOG).when(is_logger),
        Sink::new(".info", &[Arg::Any], "logger", LOG).when(is_logger),
        Sink::new(".warning", &[Arg::Any], "logger", LOG).when(is_logger),
        Sink::new(".warn", &[Arg::Any], "logger", LOG).when(is_logger),
        Sink::new(".error", &[Arg::Any], "logger", LOG).when(is_logger),
        Sink::new(".critical", &[Arg::Any], "logger", LOG).when(is_logger),
        Sink::new(".exception", &[Arg::Any], "logger", LOG).when(is_logger),
        Sink::new(".log", &[Arg::Any], "logger", LOG).when(is_logger),
    ],
    sanitizers: &[
        "repr",
        "json.dumps",
        "shlex.quote",
        "urllib.parse.quote",
        "urllib.parse.quote_plus",
    ],
    sanitizes: Some(strips_line_breaks),
    line_breaks_only: true,
    ..TaintSpec::DEFAULT
};
