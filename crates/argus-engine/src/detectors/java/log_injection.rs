use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input into log messages written by SLF4J, Log4j 2,
    /// Log4j 1, Commons Logging, JBoss Logging and `java.util.logging`
    /// (`info`, `warn`, `error`, `debug`, `trace`, `fatal`, `log`,
    /// `severe`, `warning`, `fine`), including parameters of
    /// `{}`-style messages. Only line breaks make input dangerous here:
    /// values the client can only send percent-encoded, numbers, and
    /// input with CR and LF removed or escaped are safe.
    ///
    /// ## Why is this bad?
    /// A line break in the input starts a new log entry: an attacker
    /// forges entries (a fake successful login, a fake admin action),
    /// hides their tracks, or attacks the tools that read the logs.
    ///
    /// ## Example
    /// ```java
    /// log.info("Login failed for " + request.getParameter("user"));
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// String user = request.getParameter("user").replaceAll("[\\r\\n]", "_");
    /// log.info("Login failed for {}", user);
    /// ```
    /// Or use a layout that encodes messages (Logback's JSON encoders,
    /// Log4j 2's `%enc{%m}{CRLF}`).
    ///
    /// ## References
    /// - [CWE-117: Improper Output Neutralization for Logs](https://cwe.mitre.org/data/definitions/117.html)
    /// - [OWASP Logging Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["java/log-injection@v1.0"],
        languages: &[Language::Java],
        name: "Log injection",
        category: Category::Security,
        cwes: &[117],
        tags: &["injection", "logging"],
        access: Access::AdditionalSecurity,
        effort: Effort::OverInternet,
        remediation: "Remove or replace CR and LF in input before logging it, or log through an encoder that escapes them.",
        keywords: &["log", "LOG", "Log"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const LOG: &str = "a log entry written by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(".info", &[Arg::Any], "log-injection", LOG).when(logger),
        Sink::new(".warn", &[Arg::Any], "log-injection", LOG).when(logger),
        Sink::new(".error", &[Arg::Any], "log-injection", LOG).when(logger),
        Sink::new(".debug", &[Arg::Any], "log-injection", LOG).when(logger),
        Sink::new(".trace", &[Arg::Any], "log-injection", LOG).when(logger),
        Sink::new(".fatal", &[Arg::Any], "log-injection", LOG).when(logger),
        Sink::new(".log", &[Arg::Any], "log-injection", LOG).when(logger),
        Sink::new(".severe", &[Arg::Any], "log-injection", LOG).when(logger),
        Sink::new(".warning", &[Arg::Any], "log-injection", LOG).when(logger),
        Sink::new(".fine", &[Arg::Any], "log-injection", LOG).when(logger),
        Sink::new(".infof", &[Arg::Any], "log-injection", LOG).when(logger),
        Sink::new(".warnf", &[Arg::Any], "log-injection", LOG).when(logger),
        Sink::new(".errorf", &[Arg::Any], "log-injection", LOG).when(logger),
        Sink::new(".debugf", &[Arg::Any], "log-injection", LOG).when(logger),
    ],
    sanitizers: &[
        ".escapeJava",
        ".escapeJson",
        ".forJava",
        ".encodeForHTML",
        ".forHtml",
        ".escapeHtml4",
    ],
    sanitizes: Some(super::removes_line_breaks),
    line_breaks_only: true,
    ..TaintSpec::DEFAULT
};

/// The call is made on a logger: a receiver named like one (`log`,
/// `LOGGER`, `auditLog`) or made by `LoggerFactory.getLogger(...)`.
fn logger(call: Node<'_>, text: &str, _: &crate::semantic::SemanticModel) -> bool {
    let Some(receiver) = super::receiver(call) else {
        return false;
    };
    let written = node_text(receiver, text);
    let last = written
        .rsplit('.')
        .next()
        .unwrap_or(written)
        .to_ascii_lowercase();
    last == "log"
        || last == "logger"
        || last.ends_with("logger")
        || last.ends_with("log")
            && !last.ends_with("catalog")
            && !last.ends_with("dialog")
            && !last.ends_with("backlog")
            && !last.ends_with("changelog")
        || written.contains("getLogger(")
        || written.contains("getLog(")
}
