use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input into the commands a program runs:
    /// `Runtime.exec`, `new ProcessBuilder(...)`, `ProcessBuilder.command`
    /// and Apache Commons Exec `CommandLine.parse`. A command given as one
    /// string is dangerous in any part (it is split on spaces, so input
    /// can add arguments); a command given as an array or list is
    /// dangerous when input chooses the program, or the script of a shell
    /// run with `-c`. Input passed as a separate argument of a fixed
    /// program is not reported.
    ///
    /// ## Why is this bad?
    /// An attacker who controls the command line runs programs of their
    /// choosing with the application's rights: reading files, opening a
    /// reverse shell, moving into the network.
    ///
    /// ## Example
    /// ```java
    /// String host = request.getParameter("host");
    /// Runtime.getRuntime().exec("sh -c ping -c 1 " + host);
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// String host = request.getParameter("host");
    /// if (!HOST_PATTERN.matcher(host).matches()) throw new IllegalArgumentException("bad host");
    /// new ProcessBuilder("ping", "-c", "1", host).start();
    /// ```
    ///
    /// ## References
    /// - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    /// - [OWASP OS Command Injection Defense Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/OS_Command_Injection_Defense_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["java/os-command-injection@v1.0"],
        languages: &[Language::Java],
        name: "OS command injection",
        category: Category::Security,
        cwes: &[78, 77],
        tags: &["injection", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Run a fixed program with the input as a separate argument (ProcessBuilder with a list), never through a shell; validate the input against an allow-list.",
        keywords: &["exec(", "ProcessBuilder", "command(", "CommandLine"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const COMMAND: &str = "a command run by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "java.lang.Runtime.exec",
            &[Arg::Program(0, "command")],
            "os-command-injection",
            COMMAND,
        ),
        Sink::new(
            "java.lang.ProcessBuilder",
            &[Arg::Program(0, "command")],
            "os-command-injection",
            COMMAND,
        ),
        Sink::new(
            "java.lang.ProcessBuilder.command",
            &[Arg::Program(0, "command")],
            "os-command-injection",
            COMMAND,
        ),
        Sink::new(
            "ProcessBuilder.command",
            &[Arg::Program(0, "command")],
            "os-command-injection",
            COMMAND,
        ),
        Sink::new(
            "org.apache.commons.exec.CommandLine.parse",
            &[Arg::At(0, "command")],
            "os-command-injection",
            COMMAND,
        ),
        Sink::new(
            "org.apache.commons.exec.CommandLine",
            &[Arg::At(0, "executable")],
            "os-command-injection",
            COMMAND,
        ),
    ],
    sanitizers: &[".encodeForOS"],
    ..TaintSpec::DEFAULT
};
