use super::super::prelude::*;
use super::{bool_literal, call_args, object_property, unwrap};
use crate::lang::JsField;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into shell commands: `child_process.exec` and
    /// `execSync`, `spawn`/`execFile` (and their `Sync` forms) with
    /// `shell: true`, the program run by `spawn`/`execFile`, `execa`'s
    /// `command`, `shelljs.exec`, and `cross-spawn`. Arguments passed as an
    /// array without a shell are not interpreted and are safe.
    ///
    /// ## Why is this bad?
    /// The shell reads `;`, `&&`, `|`, `$(...)` and backticks in the input
    /// as more commands: an attacker runs any program with the server's
    /// privileges.
    ///
    /// ## Example
    /// ```javascript
    /// const { exec } = require("child_process");
    /// app.get("/ping", (req, res) => {
    ///   exec(`ping -c 1 ${req.query.host}`, (err, out) => res.send(out));
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const { execFile } = require("child_process");
    /// app.get("/ping", (req, res) => {
    ///   execFile("ping", ["-c", "1", req.query.host], (err, out) => res.send(out));
    /// });
    /// ```
    /// `execFile` runs the program directly, each argument staying one
    /// argument. Still validate values that start with `-`.
    ///
    /// ## References
    /// - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    /// - [Node.js child_process.execFile](https://nodejs.org/api/child_process.html#child_processexecfilefile-args-options-callback)
    /// - [OWASP OS Command Injection Defense Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/OS_Command_Injection_Defense_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["javascript/os-command-injection@v1.0", "typescript/os-command-injection@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "OS command injection",
        category: Category::Security,
        cwes: &[78, 77],
        tags: &["injection", "command", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Run programs with execFile/spawn and an argument array, without a shell; never build command strings from input.",
        keywords: &["child_process", "execa", "shelljs", "cross-spawn"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const SHELL: &str = "a shell command run by {callee}";
const PROGRAM: &str = "the program run by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "child_process.exec",
            &[Arg::At(0, "command")],
            "exec",
            SHELL,
        ),
        Sink::new(
            "child_process.execSync",
            &[Arg::At(0, "command")],
            "exec",
            SHELL,
        ),
        Sink::new(
            "child_process.spawn",
            &[Arg::At(0, "command"), Arg::At(1, "args")],
            "shell",
            SHELL,
        )
        .when(with_shell),
        Sink::new(
            "child_process.spawnSync",
            &[Arg::At(0, "command"), Arg::At(1, "args")],
            "shell",
            SHELL,
        )
        .when(with_shell),
        Sink::new(
            "child_process.execFile",
            &[Arg::At(0, "file"), Arg::At(1, "args")],
            "shell",
            SHELL,
        )
        .when(with_shell),
        Sink::new(
            "child_process.execFileSync",
            &[Arg::At(0, "file"), Arg::At(1, "args")],
            "shell",
            SHELL,
        )
        .when(with_shell),
        Sink::new(
            "child_process.spawn",
            &[Arg::At(0, "command")],
            "program",
            PROGRAM,
        ),
        Sink::new(
            "child_process.spawnSync",
            &[Arg::At(0, "command")],
            "program",
            PROGRAM,
        ),
        Sink::new(
            "child_process.execFile",
            &[Arg::At(0, "file")],
            "program",
            PROGRAM,
        ),
        Sink::new(
            "child_process.execFileSync",
            &[Arg::At(0, "file")],
            "program",
            PROGRAM,
        ),
        Sink::new(
            "child_process.fork",
            &[Arg::At(0, "modulePath")],
            "program",
            PROGRAM,
        ),
        Sink::new("execa.command", &[Arg::At(0, "command")], "execa", SHELL),
        Sink::new(
            "execa.commandSync",
            &[Arg::At(0, "command")],
            "execa",
            SHELL,
        ),
        Sink::new(
            "execa.execaCommand",
            &[Arg::At(0, "command")],
            "execa",
            SHELL,
        ),
        Sink::new(
            "execa.execaCommandSync",
            &[Arg::At(0, "command")],
            "execa",
            SHELL,
        ),
        Sink::new("execa", &[Arg::At(0, "file")], "program", PROGRAM),
        Sink::new("execa.execa", &[Arg::At(0, "file")], "program", PROGRAM),
        Sink::new("shelljs.exec", &[Arg::At(0, "command")], "shelljs", SHELL),
        Sink::new("cross-spawn", &[Arg::At(0, "command")], "program", PROGRAM),
    ],
    sanitizers: &[
        "shell-quote.quote",
        "shell-escape",
        "shescape.quote",
        "shescape.escape",
    ],
    local_sources: true,
    fix: Some(fix),
    ..TaintSpec::DEFAULT
};

/// `{ shell: true }` (or a shell path) among the options.
fn with_shell(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    call_args(call).into_iter().any(|a| {
        object_property(a, "shell", text).is_some_and(|v| bool_literal(v, text) != Some(false))
    })
}

/// `exec(\`cmd ${x}\`)` -> `execFile("cmd", [x])` when every substitution
/// is a whole word of the command and no shell syntax is used.
fn fix(site: &FixSite<'_>) -> Vec<Fix> {
    let text = site.text;
    let Some(function) = site.call.js_field("function") else {
        return Vec::new();
    };
    let callee = node_text(function, text);
    let replacement = match callee.rsplit('.').next() {
        Some("exec") => "execFile",
        Some("execSync") => "execFileSync",
        _ => return Vec::new(),
    };
    let template = unwrap(site.argument);
    if template.kind() != "template_string" || call_args(site.call).first() != Some(&site.argument)
    {
        return Vec::new();
    }
    let base = template.start_byte() + 1;
    let body = &text[base..template.end_byte() - 1];
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut last = 0;
    let mut cursor = template.walk();
    let parts: Vec<Node<'_>> = template
        .named_children(&mut cursor)
        .filter(|p| p.kind() == "template_substitution")
        .collect();
    for part in &parts {
        let literal = &body[last..part.start_byte() - base];
        if literal.contains([
            '|', '&', ';', '>', '<', '$', '*', '\'', '"', '\\', '(', ')', '?', '~',
        ]) {
            return Vec::new();
        }
        let mut pieces = literal.split(' ').peekable();
        while let Some(piece) = pieces.next() {
            current.push_str(piece);
            if pieces.peek().is_some() {
                if !current.is_empty() {
                    words.push(format!("\"{current}\""));
                }
                current.clear();
            }
        }
        // The substitution must be a whole word.
        let after = &body[part.end_byte() - base..];
        if !current.is_empty() || !(after.is_empty() || after.starts_with(' ')) {
            return Vec::new();
        }
        let Some(expression) = part.named_child(0) else {
            return Vec::new();
        };
        words.push(node_text(expression, text).to_string());
        last = part.end_byte() - base;
    }
    let tail = &body[last..];
    if tail.contains([
        '|', '&', ';', '>', '<', '$', '*', '\'', '"', '\\', '(', ')', '?', '~',
    ]) {
        return Vec::new();
    }
    words.extend(
        tail.split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| format!("\"{w}\"")),
    );
    if words.len() < 2 || !words[0].starts_with('"') {
        return Vec::new();
    }
    let program = words.remove(0);
    let new_callee = match callee.rsplit_once('.') {
        Some((object, _)) => format!("{object}.{replacement}"),
        None => replacement.to_string(),
    };
    let mut edits = vec![
        Edit::replace(function.byte_range(), new_callee),
        Edit::replace(
            site.argument.byte_range(),
            format!("{program}, [{}]", words.join(", ")),
        ),
    ];
    // A destructured `exec` needs `execFile` in scope.
    if function.kind() == "identifier" {
        match super::destructured_require(site.root, text, callee) {
            Some(binding) if !super::is_bound(site.root, text, replacement) => {
                edits.push(Edit::replace(
                    binding.end_byte()..binding.end_byte(),
                    format!(", {replacement}"),
                ));
            }
            Some(_) => {}
            None => return Vec::new(),
        }
    }
    vec![Fix::new(
        format!("Run the program with {replacement} and an argument array (no shell)"),
        edits,
    )]
}
