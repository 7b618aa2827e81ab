use super::super::prelude::*;
use super::web::{concat_parts, scope_of, string_value, strip};
use super::{bool_literal, call_args, method_name};
use crate::fix::replace_string_value;

detector! {
    /// ## What it does
    /// Finds files and directories made writable by every user:
    /// - `PosixFilePermissions.fromString("rwxrwxrwx")` and any other
    ///   permission string granting write to others;
    /// - `PosixFilePermission.OTHERS_WRITE` in a permission set the same
    ///   method applies (`Files.setPosixFilePermissions`,
    ///   `PosixFilePermissions.asFileAttribute`);
    /// - `file.setWritable(true, false)` (writable by everybody, not only
    ///   the owner);
    /// - `chmod` run through `Runtime.exec` or `ProcessBuilder` with a mode
    ///   granting write to others (`777`, `666`, `o+w`, `a+w`).
    ///
    /// Code applying a configured permission set
    /// (`if (perms.contains(OTHERS_WRITE)) file.setWritable(true, false)`)
    /// does what its configuration says and is not reported. Read and
    /// execute permissions for others (`rwxr-xr-x`,
    /// `setReadable(true, false)`, `setExecutable(true, false)`) are the
    /// usual permissions of programs and public files and are not
    /// reported.
    ///
    /// ## Why is this bad?
    /// Any local user -- or any compromised service running under another
    /// account -- can change a world-writable file: replace a script or
    /// library the application runs, alter its configuration, or plant
    /// data it trusts.
    ///
    /// ## Example
    /// ```java
    /// Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxrwxrwx"));
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    /// ```
    /// The fix removes write permission from group and others and keeps
    /// the rest; use `rwx------` for files holding secrets.
    ///
    /// ## References
    /// - [CWE-732: Incorrect Permission Assignment for Critical Resource](https://cwe.mitre.org/data/definitions/732.html)
    /// - [PosixFilePermissions.fromString](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/nio/file/attribute/PosixFilePermissions.html#fromString(java.lang.String))
    pub static SPEC = {
        ids: &["java/loose-file-permissions@v1.0"],
        languages: &[Language::Java],
        name: "Loose file permissions",
        category: Category::Security,
        cwes: &[732, 276],
        tags: &["files", "permissions"],
        access: Access::FullControl,
        effort: Effort::RequiresSystemAccess,
        remediation: "Grant write permission to the owner only (`rwxr-xr-x`, `rw-r--r--`, or `rw-------` for secrets).",
        keywords: &["fromString", "OTHERS_WRITE", "setWritable", "chmod"],
        check: Check::Node { kinds: &["method_invocation", "object_creation_expression", "identifier"], run: check },
    };
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "identifier" => check_others_write(node, checker),
        "object_creation_expression" => check_process_builder(node, checker),
        _ => check_call(node, checker),
    }
}

fn check_call(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(method) = method_name(call, text) else {
        return;
    };
    let args = call_args(call);
    match method {
        "fromString" => {
            let names = checker.semantic.callee_names(call, text);
            if !names
                .iter()
                .any(|n| n == "java.nio.file.attribute.PosixFilePermissions.fromString")
            {
                return;
            }
            let Some(arg) = args.first() else {
                return;
            };
            let Some(mode) = string_value(*arg, text) else {
                return;
            };
            if mode.len() != 9 || mode.as_bytes()[7] != b'w' || compared(call, text) {
                return;
            }
            let tightened: String = mode
                .chars()
                .enumerate()
                .map(|(i, c)| if i == 4 || i == 7 { '-' } else { c })
                .collect();
            let mut violation = Violation::new(
                "posix-string",
                format!("Permissions `{mode}` let every user write the file"),
            );
            if strip(*arg).kind() == "string_literal"
                && let Some(edit) = replace_string_value(strip(*arg), text, &tightened)
            {
                violation = violation.with_fix(Fix::new(
                    format!("Remove write permission for group and others (`{tightened}`)"),
                    vec![edit],
                ));
            }
            checker.report(call, violation);
        }
        "setWritable" => {
            if applies_configured(call, text) {
                return;
            }
            if args.len() == 2
                && bool_literal(strip(args[0])) == Some(true)
                && bool_literal(strip(args[1])) == Some(false)
            {
                checker.report(
                    call,
                    Violation::new(
                        "set-writable",
                        "`setWritable(true, false)` makes the file writable by every user",
                    )
                    .with_fix(Fix::replace(
                        "Make it writable by the owner only",
                        strip(args[1]).byte_range(),
                        "true",
                    )),
                );
            }
        }
        "exec" => {
            let Some(arg) = args.first() else {
                return;
            };
            if !checker
                .semantic
                .callee_names(call, text)
                .iter()
                .any(|n| n.contains("Runtime") || n.contains("getRuntime"))
                && !node_text(call, text).contains("getRuntime()")
            {
                return;
            }
            let command = command_text(*arg, text);
            if let Some(mode) = command.as_deref().and_then(world_writable_chmod) {
                report_chmod(call, &mode, checker);
            }
        }
        _ => {}
    }
}

/// Whether a permission set is only compared with (`perms.equals(...)`,
/// `perms.containsAll(...)`), not granted.
fn compared(call: Node<'_>, text: &str) -> bool {
    call.parent().is_some_and(|p| {
        p.kind() == "argument_list"
            && p.parent().is_some_and(|c| {
                matches!(
                    method_name(c, text),
                    Some("equals" | "containsAll" | "contains" | "assertEquals" | "isEqualTo")
                )
            })
    }) || receiver_of_comparison(call, text)
}

fn receiver_of_comparison(call: Node<'_>, text: &str) -> bool {
    call.parent().is_some_and(|p| {
        p.kind() == "method_invocation"
            && p.child_by_field_name("object") == Some(call)
            && matches!(
                method_name(p, text),
                Some("equals" | "containsAll" | "contains")
            )
    })
}

/// Whether the call applies a permission the configuration asked for:
/// it runs under a condition testing for `OTHERS_WRITE`
/// (`if (perms.contains(OTHERS_WRITE) && !file.setWritable(true, false))`).
fn applies_configured(call: Node<'_>, text: &str) -> bool {
    let mut child = call;
    let mut up = call.parent();
    while let Some(n) = up {
        if n.kind() == "if_statement"
            && n.child_by_field_name("condition")
                .is_some_and(|c| node_text(c, text).contains("OTHERS_WRITE"))
        {
            return true;
        }
        if matches!(n.kind(), "method_declaration" | "lambda_expression") {
            break;
        }
        child = n;
        up = n.parent();
    }
    let _ = child;
    false
}

/// The literal text of a command: a string, the literal parts of a
/// concatenation, or the strings of an array.
fn command_text(arg: Node<'_>, text: &str) -> Option<String> {
    let arg = strip(arg);
    if arg.kind() == "array_creation_expression" {
        let init = arg.child_by_field_name("value")?;
        let mut cursor = init.walk();
        let words: Vec<String> = init
            .named_children(&mut cursor)
            .map(|c| string_value(c, text).unwrap_or_else(|| "?".into()))
            .collect();
        return Some(words.join(" "));
    }
    let parts = concat_parts(arg);
    let words: Vec<String> = parts
        .iter()
        .map(|p| string_value(*p, text).unwrap_or_else(|| " ? ".into()))
        .collect();
    Some(words.concat())
}

/// The mode of a `chmod` command granting write to others.
fn world_writable_chmod(command: &str) -> Option<String> {
    let mut words = command.split_whitespace();
    let first = words.next()?;
    if first != "chmod" && !first.ends_with("/chmod") {
        return None;
    }
    for word in words {
        if word.starts_with('-') {
            continue;
        }
        if word.chars().all(|c| c.is_ascii_digit()) && (3..=4).contains(&word.len()) {
            let others = word.chars().last()?.to_digit(8)?;
            return (others & 2 != 0).then(|| word.to_string());
        }
        // Symbolic: `o+w`, `a+w`, `a+rwx`, `ugo+w`.
        let symbolic = word.split(',').any(|clause| {
            clause.split_once(['+', '=']).is_some_and(|(who, what)| {
                (who.contains('o') || who.contains('a')) && what.contains('w')
            })
        });
        return symbolic.then(|| word.to_string());
    }
    None
}

fn report_chmod(node: Node<'_>, mode: &str, checker: &mut Checker<'_>) {
    checker.report(
        node,
        Violation::new(
            "chmod",
            format!("`chmod {mode}` makes the file writable by every user"),
        ),
    );
}

fn check_process_builder(creation: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if !checker
        .semantic
        .callee_names(creation, text)
        .iter()
        .any(|n| n == "java.lang.ProcessBuilder")
    {
        return;
    }
    let args = call_args(creation);
    let words: Vec<String> = if args.len() == 1
        && let Some(list) = Some(strip(args[0]))
        && list.kind() == "method_invocation"
        && matches!(method_name(list, text), Some("asList" | "of"))
    {
        call_args(list)
            .into_iter()
            .map(|a| string_value(a, text).unwrap_or_else(|| "?".into()))
            .collect()
    } else {
        args.into_iter()
            .map(|a| string_value(a, text).unwrap_or_else(|| "?".into()))
            .collect()
    };
    if let Some(mode) = world_writable_chmod(&words.join(" ")) {
        report_chmod(creation, &mode, checker);
    }
}

/// `PosixFilePermission.OTHERS_WRITE` (or the statically imported
/// constant) in a permission set the method applies.
fn check_others_write(ident: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if node_text(ident, text) != "OTHERS_WRITE" {
        return;
    }
    // Report the qualified access once, not its parts.
    let node = match ident.parent() {
        Some(p) if p.kind() == "field_access" => {
            if !node_text(p, text).ends_with("PosixFilePermission.OTHERS_WRITE") {
                return;
            }
            p
        }
        _ => {
            if checker.semantic.binding("OTHERS_WRITE")
                != Some("java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE")
                && !text.contains("import static java.nio.file.attribute.PosixFilePermission.*")
            {
                return;
            }
            ident
        }
    };
    // Only in a set that is added to or built, not compared with.
    let in_set = node.parent().is_some_and(|p| {
        p.kind() == "argument_list"
            && p.parent().is_some_and(|c| {
                matches!(
                    method_name(c, text),
                    Some("add" | "of" | "asList" | "addAll")
                )
            })
    });
    if !in_set {
        return;
    }
    let scope_text = node_text(scope_of(node), text);
    if !(scope_text.contains("setPosixFilePermissions")
        || scope_text.contains("asFileAttribute")
        || scope_text.contains("setAttribute"))
    {
        return;
    }
    checker.report(
        node,
        Violation::new(
            "others-write",
            "`OTHERS_WRITE` makes the file writable by every user",
        ),
    );
}
