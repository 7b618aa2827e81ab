use super::super::prelude::*;
use super::{call_args, callee_names, js_string, number_literal, object_property, unwrap};

detector! {
    /// ## What it does
    /// Finds files and directories given world-writable permissions:
    /// `fs.chmod`, `fs.lchmod`, `fs.fchmod` (and their `Sync` and
    /// `fs/promises` forms), `fs.mkdir`, `fs.open`, `fs.writeFile`,
    /// `fs.appendFile` and `fs.createWriteStream` called with a mode that
    /// lets any user write (`0o777`, `0o666`, `0o776`, `"777"`, `511`),
    /// written inline or in a local constant; and `process.umask(0)` (any
    /// umask that does not remove write access for others).
    ///
    /// Modes without the world-write bit (`0o755`, `0o644`, `0o600`),
    /// sticky shared directories (`0o1777`), and `mkdir` asking for its
    /// default `0o777` or `open`/`writeFile`/`createWriteStream` asking for
    /// their default `0o666` (which the umask trims, as when no mode is
    /// given) are not reported.
    ///
    /// ## Why is this bad?
    /// Any local user, or any compromised service running under another
    /// account, can then change the file: replace a script or
    /// configuration the program later runs or trusts, plant data, or
    /// destroy it. `chmod` is not limited by the umask, and `umask(0)`
    /// removes that protection from everything the process creates
    /// afterwards.
    ///
    /// The fix removes write access for the group and others and keeps the
    /// rest (`0o777` -> `0o755`, `0o666` -> `0o644`), so executables and
    /// directories stay usable; for files holding secrets prefer `0o600`.
    ///
    /// ## Example
    /// ```javascript
    /// const fs = require("fs");
    ///
    /// fs.chmodSync("/etc/myapp/hooks.sh", 0o777);
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const fs = require("fs");
    ///
    /// fs.chmodSync("/etc/myapp/hooks.sh", 0o755);
    /// ```
    ///
    /// ## References
    /// - [CWE-732: Incorrect Permission Assignment for Critical Resource](https://cwe.mitre.org/data/definitions/732.html)
    /// - [CWE-276: Incorrect Default Permissions](https://cwe.mitre.org/data/definitions/276.html)
    /// - [Node.js fs.chmod](https://nodejs.org/api/fs.html#fschmodpath-mode-callback)
    /// - [Node.js File modes](https://nodejs.org/api/fs.html#file-modes)
    pub static SPEC = {
        ids: &["javascript/loose-file-permissions@v1.0", "typescript/loose-file-permissions@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Loose file permissions",
        category: Category::Security,
        cwes: &[732, 276],
        tags: &["file-system", "access-control"],
        access: Access::FullControl,
        effort: Effort::RequiresSystemAccess,
        remediation: "Grant write access to the owner only (0o755 or 0o700 for directories, 0o644 or 0o600 for files) and keep the umask at 0o022 or stricter.",
        keywords: &["chmod", "mkdir", "open", "writefile", "appendfile", "createwritestream", "umask"],
        check: Check::Node { kinds: &["call_expression"], run: check },
    };
}

/// How a function takes its mode.
#[derive(Clone, Copy)]
enum Mode {
    /// A mode argument at this position, not subject to the umask.
    Chmod(usize),
    /// A mode (or `{ mode }` options) at this position, whose default is
    /// given.
    Create(usize, i64),
    /// Only `{ mode }` options at this position.
    Options(usize, i64),
}

const MODULES: &[&str] = &[
    "fs",
    "fs.promises",
    "fs/promises",
    "fs-extra",
    "graceful-fs",
];

fn function_mode(name: &str) -> Option<Mode> {
    let (module, function) = name.rsplit_once('.')?;
    if !MODULES.contains(&module) {
        return None;
    }
    Some(match function {
        "chmod" | "chmodSync" | "lchmod" | "lchmodSync" | "fchmod" | "fchmodSync" => Mode::Chmod(1),
        "mkdir" | "mkdirSync" | "mkdirp" | "mkdirpSync" | "mkdirs" | "mkdirsSync" | "ensureDir"
        | "ensureDirSync" => Mode::Create(1, 0o777),
        "open" | "openSync" => Mode::Create(2, 0o666),
        "writeFile" | "writeFileSync" | "appendFile" | "appendFileSync" | "outputFile"
        | "outputFileSync" => Mode::Options(2, 0o666),
        "createWriteStream" => Mode::Options(1, 0o666),
        _ => return None,
    })
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = callee_names(call, checker);
    let args = call_args(call);
    if names.iter().any(|n| n == "process.umask") {
        check_umask(call, &args, checker);
        return;
    }
    let Some(mode) = names.iter().find_map(|n| function_mode(n)) else {
        return;
    };
    let (position, default, numbers) = match mode {
        Mode::Chmod(p) => (p, None, true),
        Mode::Create(p, d) => (p, Some(d), true),
        Mode::Options(p, d) => (p, Some(d), false),
    };
    let Some(argument) = args.get(position) else {
        return;
    };
    let argument = unwrap(*argument);
    let literal = if argument.kind() == "object" {
        object_property(argument, "mode", text)
    } else if numbers {
        Some(argument)
    } else {
        None
    };
    let Some(literal) = literal else {
        return;
    };
    let literal = unwrap(literal);
    let resolved = super::resolve_value(literal, text);
    let Some(value) = mode_value(resolved, text) else {
        return;
    };
    if value & 0o002 == 0 || value & 0o1000 != 0 || Some(value) == default {
        return;
    }
    let mut violation = Violation::new(
        "world-writable",
        format!("mode {value:#o} lets every user write to this path"),
    );
    if resolved == literal
        && let Some(replacement) = tightened(literal, value & !0o022, text)
    {
        violation = violation.with_fix(Fix::replace(
            format!(
                "Remove write access for group and others ({:#o})",
                value & !0o022
            ),
            literal.byte_range(),
            replacement,
        ));
    }
    checker.report(call, violation);
}

/// The mode a literal denotes: a number, or a string of octal digits
/// (`"777"`, as `fs` reads it).
fn mode_value(node: Node<'_>, text: &str) -> Option<i64> {
    if let Some(n) = number_literal(node, text) {
        return Some(n);
    }
    let s = js_string(node, text)?;
    let digits = s.strip_prefix("0o").unwrap_or(&s);
    if digits.is_empty() || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    i64::from_str_radix(digits, 8).ok()
}

/// The literal `mode` written in the style of `literal`.
fn tightened(literal: Node<'_>, mode: i64, text: &str) -> Option<String> {
    let raw = node_text(literal, text);
    if literal.kind() == "number" {
        let lower = raw.to_ascii_lowercase();
        if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|b| b.is_ascii_digit()) {
            return Some(format!("0{mode:o}"));
        }
        return Some(format!("0o{mode:o}"));
    }
    let quote = raw.chars().next()?;
    let body = &raw[1..raw.len() - 1];
    let prefix = if body.starts_with("0o") {
        "0o"
    } else if body.starts_with('0') && body.len() > 3 {
        "0"
    } else {
        ""
    };
    Some(format!("{quote}{prefix}{mode:o}{quote}"))
}

fn check_umask(call: Node<'_>, args: &[Node<'_>], checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(argument) = args.first() else {
        return;
    };
    let Some(mask) = mode_value(super::resolve_value(*argument, text), text) else {
        return;
    };
    if mask & 0o002 != 0 {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "umask",
            format!(
                "umask {mask:#o} lets every user write to the files and directories this process creates from now on"
            ),
        ),
    );
}
