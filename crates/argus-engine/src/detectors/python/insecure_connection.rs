use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds connections made with protocols that send everything, often
    /// passwords included, in clear text: `ftplib.FTP` (use `FTP_TLS`),
    /// `telnetlib.Telnet`, and `smtplib.SMTP` that logs in without
    /// `starttls()` in the same function.
    ///
    /// ## Why is this bad?
    /// Anyone on the path — a shared network, a compromised router, a
    /// cloud neighbour — reads and changes clear-text traffic, and takes
    /// the credentials sent over it.
    ///
    /// ## Example
    /// ```python
    /// ftp = ftplib.FTP("files.example.com")
    /// ftp.login(USER, PASSWORD)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// ftp = ftplib.FTP_TLS("files.example.com")
    /// ftp.login(USER, PASSWORD)
    /// ftp.prot_p()
    /// ```
    ///
    /// ## References
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [Python ftplib.FTP_TLS](https://docs.python.org/3/library/ftplib.html#ftplib.FTP_TLS)
    pub static SPEC = {
        ids: &["python/insecure-connection@v1.0"],
        languages: &[Language::Python],
        name: "Insecure connection",
        category: Category::Security,
        cwes: &[319],
        tags: &["cryptography", "network"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Use the TLS variant (FTP_TLS, SMTP_SSL or starttls()); replace Telnet with SSH.",
        keywords: &["ftp", "telnet", "smtp"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let semantic = checker.semantic;
    if let Some(target) = semantic.call_matches(call, text, &["ftplib.FTP"]) {
        let mut violation = Violation::new(
            "ftp",
            format!("{target} sends commands, files and the password in clear text"),
        );
        if let Some(method) = super::method_name_node(call) {
            violation = violation.with_fix(Fix::replace(
                "Use FTP over TLS (FTP_TLS)",
                method.byte_range(),
                "FTP_TLS",
            ));
        }
        checker.report(call, violation);
        return;
    }
    if let Some(target) = semantic.call_matches(call, text, &["telnetlib.Telnet"]) {
        checker.report(
            call,
            Violation::new(
                "telnet",
                format!("{target} sends the session, passwords included, in clear text; use SSH"),
            ),
        );
        return;
    }
    if semantic
        .call_matches(call, text, &["smtplib.SMTP"])
        .is_some()
        && logs_in_without_tls(call, text)
    {
        checker.report(
            call,
            Violation::new("smtp", "smtplib.SMTP logs in without starttls(): the password crosses the network in clear text"),
        );
    }
}

/// Within the enclosing function, `.login(` is called and `.starttls(` is
/// not.
fn logs_in_without_tls(call: Node<'_>, text: &str) -> bool {
    let mut scope = call.parent();
    while let Some(n) = scope {
        if matches!(n.kind(), "function_definition" | "module") {
            break;
        }
        scope = n.parent();
    }
    let Some(scope) = scope else {
        return false;
    };
    let body = node_text(scope, text);
    body.contains(".login(") && !body.contains(".starttls(")
}
