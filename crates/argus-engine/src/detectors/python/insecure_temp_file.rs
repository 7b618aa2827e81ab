use super::super::prelude::*;
use super::add_import;

detector! {
    /// ## What it does
    /// Finds temporary files created in a way another local user can
    /// anticipate: `tempfile.mktemp()`, `os.tempnam()`, `os.tmpnam()`, and
    /// `open()` of a fixed path under `/tmp` or `/var/tmp` for writing or
    /// appending.
    ///
    /// `tempfile.mkstemp`, `NamedTemporaryFile`, `TemporaryFile`,
    /// `TemporaryDirectory`, exclusive creation (`open(path, "x")`) and
    /// reading a fixed `/tmp` path are not reported.
    ///
    /// ## Why is this bad?
    /// `mktemp` only returns a name that did not exist a moment ago; a
    /// fixed path in a world-writable directory is known in advance.
    /// Another user on the machine creates the file or a symbolic link
    /// there first, and the program then writes into a file that user
    /// controls or overwrites whatever the link points to.
    ///
    /// ## Example
    /// ```python
    /// import tempfile
    ///
    /// path = tempfile.mktemp(suffix=".csv")
    /// with open(path, "w") as report:
    ///     report.write(rows)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import tempfile
    ///
    /// with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as report:
    ///     report.write(rows)
    ///     path = report.name
    /// ```
    /// `tempfile.mkstemp()` returns an already open descriptor and its path
    /// when a name is all that is needed.
    ///
    /// ## References
    /// - [CWE-377: Insecure Temporary File](https://cwe.mitre.org/data/definitions/377.html)
    /// - [Python tempfile.mktemp: deprecated](https://docs.python.org/3/library/tempfile.html#tempfile.mktemp)
    /// - [Bandit B108: hardcoded_tmp_directory](https://bandit.readthedocs.io/en/latest/plugins/b108_hardcoded_tmp_directory.html)
    pub static SPEC = {
        ids: &["python/insecure-temp-file@v1.0"],
        languages: &[Language::Python],
        name: "Insecure temporary file",
        category: Category::Security,
        cwes: &[377],
        tags: &["file-system", "race-condition"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Create temporary files with tempfile.NamedTemporaryFile, TemporaryFile or mkstemp, which open a fresh file atomically with private permissions.",
        keywords: &["mktemp", "tempnam", "tmpnam", "/tmp"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if let Some(target) =
        checker
            .semantic
            .call_matches(call, text, &["tempfile.mktemp", "os.tempnam", "os.tmpnam"])
    {
        let mut violation = Violation::new(
            "predictable-name",
            format!(
                "{target} returns a name that another process can create first; the file is not opened atomically"
            ),
        );
        if let Some(fix) = mkstemp_fix(call, text) {
            violation = violation.with_fix(fix);
        }
        checker.report(call, violation);
        return;
    }
    if checker
        .semantic
        .call_matches(call, text, &["open", "io.open", "codecs.open"])
        .is_none()
    {
        return;
    }
    let positional = positional_arguments(checker.grammar, call);
    let Some(path) = positional
        .first()
        .copied()
        .or_else(|| keyword_argument(call, "file", text))
        .or_else(|| keyword_argument(call, "filename", text))
    else {
        return;
    };
    let Some(path) = string_literal(path, text) else {
        return;
    };
    let in_shared_directory = ["/tmp/", "/var/tmp/", "/dev/shm/"]
        .iter()
        .any(|dir| path.starts_with(dir) && path.len() > dir.len());
    if !in_shared_directory {
        return;
    }
    let Some(mode) = positional
        .get(1)
        .copied()
        .or_else(|| keyword_argument(call, "mode", text))
        .and_then(|m| string_literal(m, text))
    else {
        return;
    };
    // "x" fails when the file exists, so nothing can be planted.
    if !(mode.contains('w') || mode.contains('a')) || mode.contains('x') {
        return;
    }
    let violation = Violation::new(
        "fixed-tmp-path",
        format!(
            "{path} is a fixed name in a shared directory: another user can create it or link it elsewhere before it is opened for writing"
        ),
    );
    checker.report(call, violation);
}

/// `path = tempfile.mktemp(...)` -> `fd, path = tempfile.mkstemp(...)` and
/// `os.close(fd)`: the file is created at once, private to the user, and
/// the name still names it. mkstemp takes mktemp's arguments.
fn mkstemp_fix(call: Node<'_>, text: &str) -> Option<Fix> {
    let function = call.py_field("function")?;
    let attribute = function
        .py_field("attribute")
        .filter(|_| function.kind() == "attribute")?;
    let assignment = call.parent().filter(|p| p.kind() == "assignment")?;
    let target = assignment
        .py_field("left")
        .filter(|l| l.kind() == "identifier")?;
    if assignment.py_field("right")?.id() != call.id() {
        return None;
    }
    let statement = assignment
        .parent()
        .filter(|p| p.kind() == "expression_statement")?;
    let line_start = text[..statement.start_byte()]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent = &text[line_start..statement.start_byte()];
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    let used = |name: &str| {
        text.split(|c: char| !(c == '_' || c.is_alphanumeric()))
            .any(|word| word == name)
    };
    let descriptor = if used("fd") {
        format!("{}_fd", &text[target.byte_range()])
    } else {
        "fd".to_string()
    };
    let mut root = call;
    while let Some(parent) = root.parent() {
        root = parent;
    }
    let mut edits = vec![
        Edit::replace(
            target.start_byte()..target.start_byte(),
            format!("{descriptor}, "),
        ),
        Edit::replace(attribute.byte_range(), "mkstemp"),
        Edit::replace(
            statement.end_byte()..statement.end_byte(),
            format!("\n{indent}os.close({descriptor})"),
        ),
    ];
    edits.extend(add_import(root, text, "os")?);
    Some(Fix::new(
        "Create the file with tempfile.mkstemp and close its descriptor",
        edits,
    ))
}
