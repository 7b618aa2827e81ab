use super::super::prelude::*;
use super::web::{assigned_name, calls_in, is_call_on, scope_of, string_value, strip};
use super::{call_args, descendants, method_name};

detector! {
    /// ## What it does
    /// Finds temporary files created where other users can read or
    /// predict them:
    /// - `File.createTempFile(prefix, suffix)` (and with a `null`
    ///   directory), which creates the file in the shared temporary
    ///   directory with the default permissions -- readable by every user
    ///   on most systems;
    /// - `File.createTempFile` followed by `delete()` and `mkdir()` on the
    ///   same file, the classic way to make a temporary directory that
    ///   races with other users;
    /// - a file with a fixed name in the shared temporary directory
    ///   (`new File(System.getProperty("java.io.tmpdir"), "app.lock")`,
    ///   `new File("/tmp/report.csv")`) that the code writes to.
    ///
    /// Names made unique with `UUID.randomUUID()` are not reported as
    /// predictable, nor files under a directory the code created itself.
    ///
    /// ## Why is this bad?
    /// Other local users can read a world-readable temporary file. A
    /// predictable path in a shared directory can be created first by an
    /// attacker -- as a symbolic link to a file of the victim's, which the
    /// program then overwrites, or as a file the attacker controls, which
    /// the program then trusts. Between `delete()` and `mkdir()` another
    /// user can create the directory.
    ///
    /// ## Example
    /// ```java
    /// File tmp = File.createTempFile("upload", ".tmp");
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// File tmp = Files.createTempFile("upload", ".tmp").toFile();
    /// ```
    /// `Files.createTempFile` and `Files.createTempDirectory` create the
    /// file atomically with permissions for the owner only (`rw-------`) on
    /// POSIX systems.
    ///
    /// ## References
    /// - [CWE-377: Insecure Temporary File](https://cwe.mitre.org/data/definitions/377.html)
    /// - [CWE-379: Creation of Temporary File in Directory with Insecure Permissions](https://cwe.mitre.org/data/definitions/379.html)
    /// - [Files.createTempFile](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/nio/file/Files.html#createTempFile(java.lang.String,java.lang.String,java.nio.file.attribute.FileAttribute...))
    pub static SPEC = {
        ids: &["java/insecure-temporary-file@v1.0"],
        languages: &[Language::Java],
        name: "Insecure temporary file",
        category: Category::Security,
        cwes: &[377, 379],
        tags: &["files"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Use `Files.createTempFile` / `Files.createTempDirectory`, which create owner-only files atomically, instead of `File.createTempFile` or fixed names in the temporary directory.",
        keywords: &["createTempFile", "java.io.tmpdir", "/tmp/"],
        check: Check::Node { kinds: &["method_invocation", "object_creation_expression"], run: check },
    };
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    if node.kind() == "method_invocation" {
        check_create_temp(node, checker);
    } else {
        check_fixed_name(node, checker);
    }
}

fn check_create_temp(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if method_name(call, text) != Some("createTempFile") {
        return;
    }
    let names = checker.semantic.callee_names(call, text);
    if !names.iter().any(|n| n == "java.io.File.createTempFile") {
        return;
    }
    let args = call_args(call);
    let default_dir = match args.len() {
        2 => true,
        3 => strip(args[2]).kind() == "null_literal",
        _ => false,
    };
    // The race: the temporary file is deleted and made a directory.
    if let Some(var) = assigned_name(call, text) {
        let later: Vec<Node<'_>> = calls_in(scope_of(call))
            .into_iter()
            .filter(|c| c.start_byte() > call.end_byte())
            .collect();
        let deleted = later.iter().any(|c| is_call_on(*c, var, &["delete"], text));
        let made_dir = later
            .iter()
            .any(|c| is_call_on(*c, var, &["mkdir", "mkdirs"], text));
        if deleted && made_dir {
            checker.report(
                call,
                Violation::new(
                    "delete-mkdir-race",
                    "A temporary file is deleted and re-created as a directory: another user can create it in between",
                ),
            );
            return;
        }
    }
    if !default_dir {
        return;
    }
    let mut violation = Violation::new(
        "create-temp-file",
        "`File.createTempFile` creates the file in the shared temporary directory with default (often world-readable) permissions",
    );
    if args.len() == 2 {
        let files = files_name(checker);
        let mut edits = vec![Edit::replace(
            call.byte_range(),
            format!(
                "{files}.createTempFile({}, {}).toFile()",
                node_text(args[0], text),
                node_text(args[1], text)
            ),
        )];
        if files == "Files"
            && checker
                .semantic
                .binding("Files")
                .is_none_or(|b| b != "java.nio.file.Files")
            && let Some(at) = import_position(call, text)
        {
            edits.push(Edit::replace(at..at, "import java.nio.file.Files;\n"));
        }
        violation = violation.with_fix(Fix::new(
            "Create it with Files.createTempFile (owner-only permissions)",
            edits,
        ));
    }
    checker.report(call, violation);
}

/// How to name `java.nio.file.Files` in this file: `Files` when it is or
/// can be imported, the qualified name when another `Files` (Guava's) is.
fn files_name(checker: &Checker<'_>) -> &'static str {
    match checker.semantic.binding("Files") {
        Some("java.nio.file.Files") | None => "Files",
        Some(_) => "java.nio.file.Files",
    }
}

/// Where a new import goes: after the last import, or after the package
/// declaration.
fn import_position(node: Node<'_>, text: &str) -> Option<usize> {
    let mut root = node;
    while let Some(p) = root.parent() {
        root = p;
    }
    if text.contains("import java.nio.file.*;") {
        return None;
    }
    let mut cursor = root.walk();
    let mut after = None;
    for child in root.named_children(&mut cursor) {
        if matches!(child.kind(), "import_declaration" | "package_declaration") {
            after = Some(child.end_byte());
        }
    }
    let end = after?;
    // Start of the next line.
    let nl = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    Some(nl)
}

/// Whether an expression is the shared temporary directory:
/// `System.getProperty("java.io.tmpdir")` or a local holding it.
fn is_tmpdir(expr: Node<'_>, text: &str) -> bool {
    let expr = strip(expr);
    if expr.kind() == "method_invocation" && method_name(expr, text) == Some("getProperty") {
        return call_args(expr)
            .first()
            .and_then(|a| string_value(*a, text))
            .is_some_and(|v| v == "java.io.tmpdir");
    }
    if let Some(v) = string_value(expr, text) {
        return v == "/tmp" || v == "/tmp/" || v == "/var/tmp" || v == "/var/tmp/";
    }
    false
}

/// Whether a name is fixed: a literal, or built only from literals.
fn fixed_name(expr: Node<'_>, text: &str) -> bool {
    let all = descendants(expr);
    string_value(expr, text).is_some()
        && !all.iter().any(|n| {
            n.kind() == "identifier" && {
                let t = node_text(*n, text);
                t.contains("UUID") || t.contains("random") || t.contains("Random")
            }
        })
}

const WRITERS: &[&str] = &[
    "java.io.FileOutputStream",
    "java.io.FileWriter",
    "java.io.PrintWriter",
    "java.io.RandomAccessFile",
];

fn check_fixed_name(creation: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = checker.semantic.callee_names(creation, text);
    if !names.iter().any(|n| n == "java.io.File") {
        return;
    }
    let args = call_args(creation);
    let predictable = match args.as_slice() {
        [path] => string_value(*path, text)
            .is_some_and(|p| (p.starts_with("/tmp/") || p.starts_with("/var/tmp/")) && p.len() > 5),
        [dir, name] => is_tmpdir(*dir, text) && fixed_name(*name, text),
        _ => false,
    };
    if !predictable {
        return;
    }
    // Written: given directly to a writer, or through the variable.
    let written_directly = creation.parent().and_then(|p| p.parent()).is_some_and(|c| {
        c.kind() == "object_creation_expression"
            && checker
                .semantic
                .callee_names(c, text)
                .iter()
                .any(|n| WRITERS.contains(&n.as_str()))
    });
    let written = written_directly
        || assigned_name(creation, text).is_some_and(|var| {
            descendants(scope_of(creation)).into_iter().any(|n| {
                n.start_byte() > creation.end_byte()
                    && match n.kind() {
                        "object_creation_expression" => {
                            checker
                                .semantic
                                .callee_names(n, text)
                                .iter()
                                .any(|c| WRITERS.contains(&c.as_str()))
                                && call_args(n).first().is_some_and(|a| {
                                    strip(*a).kind() == "identifier" && node_text(*a, text) == var
                                })
                        }
                        "method_invocation" => {
                            is_call_on(n, var, &["createNewFile", "toPath"], text)
                                && n.parent().is_some_and(|p| {
                                    p.kind() != "argument_list"
                                        || p.parent().is_some_and(|w| {
                                            matches!(
                                                method_name(w, text),
                                                Some(
                                                    "write"
                                                        | "writeString"
                                                        | "newOutputStream"
                                                        | "newBufferedWriter"
                                                        | "copy"
                                                )
                                            )
                                        })
                                })
                                && (method_name(n, text) == Some("createNewFile")
                                    || n.parent().is_some_and(|p| p.kind() == "argument_list"))
                        }
                        _ => false,
                    }
            })
        });
    if !written {
        return;
    }
    checker.report(
        creation,
        Violation::new(
            "predictable-name",
            "A file with a fixed name in the shared temporary directory is written: another user can create it first (or link it elsewhere)",
        ),
    );
}
