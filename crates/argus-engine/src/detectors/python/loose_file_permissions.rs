use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds files and directories given world-writable permissions:
    /// `os.chmod`, `os.lchmod`, `os.fchmod`, `Path.chmod`, `os.open`,
    /// `os.mkdir` and `os.makedirs` called with a mode that lets any user
    /// write (`0o777`, `0o666`, `0o646`, ...), whether the mode is an
    /// integer literal or built from `stat` constants
    /// (`stat.S_IRWXU | stat.S_IRWXO`, `st.st_mode | stat.S_IWOTH`).
    ///
    /// Modes held in variables, modes without the world-write bit
    /// (`0o755`, `0o644`, `0o600`), sticky shared directories (`0o1777`),
    /// and `os.open`/`os.mkdir`/`os.makedirs` asking for their usual
    /// `0o666`/`0o777` (which the umask trims, as for `open()`) are not
    /// reported.
    ///
    /// ## Why is this bad?
    /// Any local user, or any compromised service running under another
    /// account, can then change the file: replace a script or
    /// configuration the program later runs or trusts, plant data, or
    /// destroy it. `chmod` is not limited by the umask; `open`, `mkdir`
    /// and `makedirs` get an unusual world-writable mode wherever the umask
    /// allows it.
    ///
    /// ## Example
    /// ```python
    /// import os
    ///
    /// os.chmod("/etc/myapp/hooks.py", 0o777)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// os.chmod("/etc/myapp/hooks.py", 0o755)
    /// ```
    ///
    /// ## References
    /// - [CWE-732: Incorrect Permission Assignment for Critical Resource](https://cwe.mitre.org/data/definitions/732.html)
    /// - [CWE-276: Incorrect Default Permissions](https://cwe.mitre.org/data/definitions/276.html)
    /// - [Python os.chmod](https://docs.python.org/3/library/os.html#os.chmod)
    /// - [Bandit B103: set_bad_file_permissions](https://bandit.readthedocs.io/en/latest/plugins/b103_set_bad_file_permissions.html)
    pub static SPEC = {
        ids: &["python/loose-file-permissions@v1.0"],
        languages: &[Language::Python],
        name: "Loose file permissions",
        category: Category::Security,
        cwes: &[732, 276],
        tags: &["file-system", "access-control"],
        access: Access::FullControl,
        effort: Effort::RequiresSystemAccess,
        remediation: "Grant write access to the owner only (0o755 or 0o700 for directories, 0o644 or 0o600 for files).",
        keywords: &["chmod", "mkdir", "makedirs", "open"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// Functions taking a mode: (qualified name, position of the mode).
const MODE_FUNCTIONS: &[(&str, usize)] = &[
    ("os.chmod", 1),
    ("os.lchmod", 1),
    ("os.fchmod", 1),
    ("os.open", 2),
    ("os.mkdir", 1),
    ("os.makedirs", 1),
];

/// The `stat` permission constants.
const STAT: &[(&str, u32)] = &[
    ("S_ISUID", 0o4000),
    ("S_ISGID", 0o2000),
    ("S_ISVTX", 0o1000),
    ("S_IRWXU", 0o700),
    ("S_IRUSR", 0o400),
    ("S_IWUSR", 0o200),
    ("S_IXUSR", 0o100),
    ("S_IREAD", 0o400),
    ("S_IWRITE", 0o200),
    ("S_IEXEC", 0o100),
    ("S_IRWXG", 0o070),
    ("S_IRGRP", 0o040),
    ("S_IWGRP", 0o020),
    ("S_IXGRP", 0o010),
    ("S_IRWXO", 0o007),
    ("S_IROTH", 0o004),
    ("S_IWOTH", 0o002),
    ("S_IXOTH", 0o001),
];

const WORLD_WRITE: u32 = 0o002;
const STICKY: u32 = 0o1000;

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = checker.semantic.callee_names(call, text);
    let position = MODE_FUNCTIONS
        .iter()
        .find(|(name, _)| names.iter().any(|n| n == name))
        .map(|&(_, position)| position)
        .or_else(|| {
            // `Path(...).chmod(mode)`: a method on a path object.
            let is_os = names.iter().any(|n| n.starts_with("os."));
            let method = super::method_name_node(call).map(|m| node_text(m, text));
            (!is_os && matches!(method, Some("chmod" | "lchmod"))).then_some(0)
        });
    let Some(position) = position else {
        return;
    };
    // `os.open`, `os.mkdir` and `os.makedirs` go through the umask, and
    // 0o777 (their default) or 0o666 (what `open()` asks for) only restates
    // the usual request: the umask decides.
    let masked = names
        .iter()
        .any(|n| matches!(n.as_str(), "os.open" | "os.mkdir" | "os.makedirs"));
    let positional = positional_arguments(checker.grammar, call);
    // A method `chmod(path, mode)` on another object (an SFTP client)
    // takes the mode last.
    let position = if position == 0 && positional.len() == 2 {
        1
    } else {
        position
    };
    let Some(mode) =
        keyword_argument(call, "mode", text).or_else(|| positional.get(position).copied())
    else {
        return;
    };
    match evaluate(mode, checker) {
        Mode::Known(0o777 | 0o666) if masked => {}
        Mode::Known(value) if value & WORLD_WRITE != 0 && value & STICKY == 0 => {
            let mut violation = Violation::new(
                "world-writable",
                format!("mode {value:#o} lets every user write to this path"),
            );
            if mode.kind() == "integer"
                && let Some(fixed) = tightened(node_text(mode, text), value)
            {
                violation = violation.with_fix(Fix::replace(
                    format!("Allow only the owner to write ({fixed})"),
                    mode.byte_range(),
                    fixed,
                ));
            }
            checker.report(call, violation);
        }
        Mode::AddsWorldWrite => {
            let violation = Violation::new(
                "world-writable",
                "the mode adds write permission for every user (S_IWOTH)",
            );
            checker.report(call, violation);
        }
        _ => {}
    }
}

/// What is known of a mode expression.
enum Mode {
    Known(u32),
    /// Unknown bits `|` a world-writable constant.
    AddsWorldWrite,
    Unknown,
}

fn evaluate(node: Node<'_>, checker: &Checker<'_>) -> Mode {
    let text = checker.text;
    match node.kind() {
        "integer" => parse_integer(node_text(node, text)).map_or(Mode::Unknown, Mode::Known),
        "parenthesized_expression" => node
            .named_child(0)
            .map_or(Mode::Unknown, |inner| evaluate(inner, checker)),
        "identifier" | "attribute" => checker
            .semantic
            .qualified_names(node, text)
            .iter()
            .find_map(|name| {
                let constant = name.strip_prefix("stat.")?;
                STAT.iter().find(|(c, _)| *c == constant).map(|&(_, v)| v)
            })
            .map_or(Mode::Unknown, Mode::Known),
        "binary_operator" => {
            let operator = node.py_field("operator").map(|o| node_text(o, text));
            let (Some(left), Some(right)) = (node.py_field("left"), node.py_field("right")) else {
                return Mode::Unknown;
            };
            if !matches!(operator, Some("|" | "+")) {
                return Mode::Unknown;
            }
            match (evaluate(left, checker), evaluate(right, checker)) {
                (Mode::Known(a), Mode::Known(b)) => Mode::Known(a | b),
                (Mode::AddsWorldWrite, _) | (_, Mode::AddsWorldWrite) => Mode::AddsWorldWrite,
                (Mode::Known(v), Mode::Unknown) | (Mode::Unknown, Mode::Known(v))
                    if v & WORLD_WRITE != 0 && v & STICKY == 0 && operator == Some("|") =>
                {
                    Mode::AddsWorldWrite
                }
                _ => Mode::Unknown,
            }
        }
        _ => Mode::Unknown,
    }
}

/// Python integer literal: `0o777`, `511`, `0x1ff`, `0b111_111_111`.
fn parse_integer(literal: &str) -> Option<u32> {
    let clean: String = literal.chars().filter(|&c| c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    let (digits, radix) = if let Some(d) = lower.strip_prefix("0o") {
        (d, 8)
    } else if let Some(d) = lower.strip_prefix("0x") {
        (d, 16)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (d, 2)
    } else {
        (lower.as_str(), 10)
    };
    u32::from_str_radix(digits, radix).ok()
}

/// The literal without group and world write, in the literal's notation
/// (`0o777` -> `0o755`, `0O666` -> `0O644`, `511` -> `493`).
fn tightened(literal: &str, value: u32) -> Option<String> {
    if literal.contains('_') {
        return None;
    }
    let fixed = value & !0o022;
    let prefix = &literal[..literal.len().min(2)];
    Some(match prefix {
        "0o" | "0O" => format!("{prefix}{fixed:o}"),
        "0x" | "0X" => format!("{prefix}{fixed:x}"),
        "0b" | "0B" => format!("{prefix}{fixed:b}"),
        _ => fixed.to_string(),
    })
}
