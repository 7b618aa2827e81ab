use super::super::prelude::*;
use super::{FStringPart, fstring_parts};
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into commands run through a shell
    /// (`os.system`, `os.popen`, `subprocess.*` with `shell=True`,
    /// `subprocess.getoutput`, `asyncio.create_subprocess_shell`, paramiko's
    /// `exec_command`) and into the program an argument vector runs
    /// (`subprocess.run([program, ...])`, `os.exec*`, `os.spawn*`,
    /// `pty.spawn`). Input quoted with `shlex.quote` is safe; input passed
    /// as a later element of an argument vector is not a command.
    ///
    /// ## Why is this bad?
    /// A shell reads `;`, `|`, `$(...)` and backticks in the command line as
    /// more commands: input placed there runs whatever the attacker writes,
    /// with the application's rights.
    ///
    /// ## Example
    /// ```python
    /// host = request.args["host"]
    /// subprocess.run(f"ping -c 1 {host}", shell=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// host = request.args["host"]
    /// subprocess.run(["ping", "-c", "1", host])
    /// ```
    /// Without a shell, the value is one argument and nothing else. When a
    /// shell is unavoidable, quote every value with `shlex.quote`.
    ///
    /// ## References
    /// - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    /// - [Python subprocess: security considerations](https://docs.python.org/3/library/subprocess.html#security-considerations)
    /// - [OWASP OS Command Injection Defense Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/OS_Command_Injection_Defense_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["python/os-command-injection@v1.0"],
        languages: &[Language::Python],
        name: "OS command injection",
        category: Category::Security,
        cwes: &[78, 77],
        tags: &["injection", "subprocess", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Run the program with an argument list and no shell (subprocess.run([prog, arg])); if a shell is required, quote each value with shlex.quote.",
        keywords: &["system", "popen", "subprocess", "spawn", "exec", "getoutput", "shell"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const SHELL: &str = "a shell command run by {callee}";
const PROGRAM: &str = "the program run by {callee}";

/// `shell=True` (any truthy constant).
fn shell_true(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    keyword_argument(call, "shell", text)
        .is_some_and(|v| !matches!(node_text(v, text), "False" | "None" | "0"))
}

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new("os.system", &[Arg::At(0, "command")], "shell", SHELL),
        Sink::new("os.popen", &[Arg::At(0, "cmd")], "shell", SHELL),
        Sink::new("subprocess.getoutput", &[Arg::At(0, "cmd")], "shell", SHELL),
        Sink::new(
            "subprocess.getstatusoutput",
            &[Arg::At(0, "cmd")],
            "shell",
            SHELL,
        ),
        Sink::new("commands.getoutput", &[Arg::At(0, "cmd")], "shell", SHELL),
        Sink::new(
            "asyncio.create_subprocess_shell",
            &[Arg::At(0, "cmd")],
            "shell",
            SHELL,
        ),
        Sink::new(
            ".exec_command",
            &[Arg::At(0, "command")],
            "remote-shell",
            "a command run over SSH by {callee}",
        ),
        Sink::new("subprocess.run", &[Arg::At(0, "args")], "shell", SHELL).when(shell_true),
        Sink::new("subprocess.call", &[Arg::At(0, "args")], "shell", SHELL).when(shell_true),
        Sink::new(
            "subprocess.check_call",
            &[Arg::At(0, "args")],
            "shell",
            SHELL,
        )
        .when(shell_true),
        Sink::new(
            "subprocess.check_output",
            &[Arg::At(0, "args")],
            "shell",
            SHELL,
        )
        .when(shell_true),
        Sink::new("subprocess.Popen", &[Arg::At(0, "args")], "shell", SHELL).when(shell_true),
        Sink::new(
            "subprocess.run",
            &[Arg::Program(0, "args")],
            "program",
            PROGRAM,
        ),
        Sink::new(
            "subprocess.call",
            &[Arg::Program(0, "args")],
            "program",
            PROGRAM,
        ),
        Sink::new(
            "subprocess.check_call",
            &[Arg::Program(0, "args")],
            "program",
            PROGRAM,
        ),
        Sink::new(
            "subprocess.check_output",
            &[Arg::Program(0, "args")],
            "program",
            PROGRAM,
        ),
        Sink::new(
            "subprocess.Popen",
            &[Arg::Program(0, "args")],
            "program",
            PROGRAM,
        ),
        Sink::new(
            "asyncio.create_subprocess_exec",
            &[Arg::At(0, "program")],
            "program",
            PROGRAM,
        ),
        Sink::new("pty.spawn", &[Arg::Program(0, "argv")], "program", PROGRAM),
        Sink::new("os.posix_spawn", &[Arg::At(0, "path")], "program", PROGRAM),
        Sink::new("os.posix_spawnp", &[Arg::At(0, "file")], "program", PROGRAM),
        Sink::new("os.execl", &[Arg::At(0, "path")], "program", PROGRAM),
        Sink::new("os.execle", &[Arg::At(0, "path")], "program", PROGRAM),
        Sink::new("os.execlp", &[Arg::At(0, "file")], "program", PROGRAM),
        Sink::new("os.execlpe", &[Arg::At(0, "file")], "program", PROGRAM),
        Sink::new("os.execv", &[Arg::At(0, "path")], "program", PROGRAM),
        Sink::new("os.execve", &[Arg::At(0, "path")], "program", PROGRAM),
        Sink::new("os.execvp", &[Arg::At(0, "file")], "program", PROGRAM),
        Sink::new("os.execvpe", &[Arg::At(0, "file")], "program", PROGRAM),
        Sink::new("os.spawnl", &[Arg::At(1, "path")], "program", PROGRAM),
        Sink::new("os.spawnle", &[Arg::At(1, "path")], "program", PROGRAM),
        Sink::new("os.spawnlp", &[Arg::At(1, "file")], "program", PROGRAM),
        Sink::new("os.spawnv", &[Arg::At(1, "path")], "program", PROGRAM),
        Sink::new("os.spawnve", &[Arg::At(1, "path")], "program", PROGRAM),
        Sink::new("os.spawnvp", &[Arg::At(1, "file")], "program", PROGRAM),
    ],
    sanitizers: &["shlex.quote", "pipes.quote", "shlex.join", "shutil.which"],
    local_sources: true,
    fix: Some(fix),
    ..TaintSpec::DEFAULT
};

/// `subprocess.run(f"ping -c 1 {host}", shell=True)` ->
/// `subprocess.run(["ping", "-c", "1", host])` when every interpolation is
/// a whole word of the command and the literal words need no shell.
fn fix(site: &FixSite<'_>) -> Vec<Fix> {
    let text = site.text;
    let Some(shell) = keyword_argument(site.call, "shell", text) else {
        return Vec::new();
    };
    let Some(shell_argument) = shell.parent().filter(|p| p.kind() == "keyword_argument") else {
        return Vec::new();
    };
    let Some((_, parts)) = fstring_parts(site.argument, text) else {
        return Vec::new();
    };
    // Split into words; each word is literal or exactly one expression.
    let mut words: Vec<String> = Vec::new();
    let mut word: Vec<Result<String, String>> = Vec::new();
    let flush = |word: &mut Vec<Result<String, String>>, words: &mut Vec<String>| -> bool {
        let parts = std::mem::take(word);
        match parts.as_slice() {
            [] => true,
            [Err(expression)] => {
                words.push(expression.clone());
                true
            }
            _ if parts.iter().all(Result::is_ok) => {
                let literal: String = parts.into_iter().map(|p| p.unwrap_or_default()).collect();
                words.push(format!("{literal:?}"));
                true
            }
            _ => false,
        }
    };
    for part in &parts {
        match part {
            FStringPart::Literal(l) => {
                const SHELL_SYNTAX: &[char] = &[
                    '\\', '|', '&', ';', '<', '>', '$', '`', '*', '?', '\'', '"', '(', ')', '{',
                    '}', '~', '\n',
                ];
                if l.contains(SHELL_SYNTAX) {
                    return Vec::new();
                }
                for (i, piece) in l.split(' ').enumerate() {
                    if i > 0 && !flush(&mut word, &mut words) {
                        return Vec::new();
                    }
                    if !piece.is_empty() {
                        word.push(Ok(piece.to_string()));
                    }
                }
            }
            FStringPart::Expression(e) => word.push(Err(node_text(*e, text).to_string())),
        }
    }
    if !flush(&mut word, &mut words) {
        return Vec::new();
    }
    if words.is_empty() {
        return Vec::new();
    }
    vec![Fix::new(
        "Run the program without a shell, with an argument list",
        vec![
            Edit::replace(
                site.argument.byte_range(),
                format!("[{}]", words.join(", ")),
            ),
            super::remove_keyword_argument(shell_argument, text),
        ],
    )]
}
