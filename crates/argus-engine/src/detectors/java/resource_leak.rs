use super::super::prelude::*;
use super::quality::{DeclKind, declaration, expression_is, outer_method, uses_of};
use super::{call_args, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds files, sockets and JDBC connections and statements opened in a
    /// method into a local variable and not closed on every path:
    /// `new FileInputStream(...)`, `new FileOutputStream(...)`,
    /// `new FileReader(...)`, `new FileWriter(...)`,
    /// `new RandomAccessFile(...)`, `new Socket(...)`, a reader or stream
    /// wrapped around one of them (`new BufferedReader(new FileReader(f))`),
    /// `DriverManager.getConnection(...)`, and `createStatement()`,
    /// `prepareStatement(...)` or `prepareCall(...)` on a `Connection`.
    ///
    /// A resource is reported when the variable is only used through its
    /// own methods and is either never closed, or closed only outside a
    /// `finally` block after other calls that may throw. Resources opened in
    /// try-with-resources, closed in `finally`, returned, stored in a field
    /// or another variable, captured by a lambda or an anonymous class, or
    /// passed to any other method or constructor
    /// (which may take ownership, as `IOUtils.closeQuietly(in)` or a wrapper
    /// does) are not reported.
    ///
    /// ## Why is this bad?
    /// The operating system resource stays open until the garbage collector
    /// finalizes the object, which may be much later or never. File
    /// descriptors and database connections are limited; a server that leaks
    /// one per request eventually fails with `Too many open files` or an
    /// exhausted connection pool, and buffered writes may never reach the
    /// disk.
    ///
    /// ## Example
    /// ```java
    /// BufferedReader reader = new BufferedReader(new FileReader(path));
    /// String first = reader.readLine();
    /// reader.close();
    /// return first;
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// try (BufferedReader reader = new BufferedReader(new FileReader(path))) {
    ///     return reader.readLine();
    /// }
    /// ```
    ///
    /// ## References
    /// - [CWE-772: Missing Release of Resource after Effective Lifetime](https://cwe.mitre.org/data/definitions/772.html)
    /// - [CWE-400: Uncontrolled Resource Consumption](https://cwe.mitre.org/data/definitions/400.html)
    /// - [The try-with-resources Statement](https://docs.oracle.com/javase/tutorial/essential/exceptions/tryResourceClose.html)
    pub static SPEC = {
        ids: &["java/resource-leak@v1.0"],
        languages: &[Language::Java],
        name: "Resource never closed",
        category: Category::Quality,
        cwes: &[772, 400],
        tags: &["resource-management", "reliability"],
        access: Access::CrashOrSlowdown,
        effort: Effort::NotExploitable,
        remediation: "Open the resource in a try-with-resources statement, or close it in a finally block.",
        keywords: &["FileInputStream", "FileOutputStream", "FileReader", "FileWriter", "RandomAccessFile", "Socket", "getConnection", "Statement", "prepareCall"],
        check: Check::Node {
            kinds: &["object_creation_expression", "method_invocation"],
            run: check,
        },
    };
}

/// Classes whose constructor opens an OS resource.
const OPENERS: &[&str] = &[
    "java.io.FileInputStream",
    "java.io.FileOutputStream",
    "java.io.FileReader",
    "java.io.FileWriter",
    "java.io.RandomAccessFile",
    "java.net.Socket",
];

/// Readers, writers and streams that close what they wrap.
const WRAPPERS: &[&str] = &[
    "java.io.BufferedReader",
    "java.io.BufferedWriter",
    "java.io.BufferedInputStream",
    "java.io.BufferedOutputStream",
    "java.io.InputStreamReader",
    "java.io.OutputStreamWriter",
    "java.io.DataInputStream",
    "java.io.DataOutputStream",
    "java.io.ObjectInputStream",
    "java.io.ObjectOutputStream",
    "java.io.PrintWriter",
    "java.io.PrintStream",
    "java.io.LineNumberReader",
    "java.util.zip.GZIPInputStream",
    "java.util.zip.GZIPOutputStream",
    "java.util.zip.ZipInputStream",
    "java.util.zip.ZipOutputStream",
    "java.util.Scanner",
];

const CONNECTION: &[&str] = &["java.sql.Connection"];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(what) = opened(node, checker) else {
        return;
    };
    // The outermost wrapper is the resource; what it wraps is passed on.
    if node
        .parent()
        .and_then(|p| p.parent())
        .is_some_and(|c| c.kind() == "object_creation_expression" && opened(c, checker).is_some())
    {
        return;
    }
    let Some(parent) = node.parent() else {
        return;
    };
    let variable = match parent.kind() {
        "variable_declarator" => parent.child_by_field_name("name"),
        "assignment_expression"
            if parent
                .child_by_field_name("right")
                .is_some_and(|r| r.id() == node.id()) =>
        {
            parent
                .child_by_field_name("left")
                .filter(|l| l.kind() == "identifier")
        }
        _ => None,
    };
    let Some(variable) = variable else {
        return;
    };
    let Some(decl) = declaration(variable, text) else {
        return;
    };
    if decl.kind != DeclKind::Local
        || decl
            .name
            .parent()
            .is_some_and(|p| p.kind() != "variable_declarator")
    {
        return;
    }
    let Some(scope) = outer_method(variable) else {
        return;
    };
    let name = node_text(variable, text);
    let mut used = false;
    let mut closes = Vec::new();
    for use_ in uses_of(scope, name, text) {
        if use_.id() == variable.id() || use_.id() == decl.name.id() {
            continue;
        }
        let Some(parent) = use_.parent() else {
            return;
        };
        // Captured by a lambda or an anonymous class: it may outlive the
        // method and be closed there.
        if captured(use_, decl.name) {
            return;
        }
        match parent.kind() {
            "method_invocation" if receiver(parent).is_some_and(|o| o.id() == use_.id()) => {
                match method_name(parent, text) {
                    Some("close") => closes.push(parent),
                    // The handle is shared with another object, unless
                    // that is used once in place (`s.getOutputStream().write(b)`).
                    Some(
                        "getChannel" | "getFD" | "getInputStream" | "getOutputStream"
                        | "getResultSet" | "unwrap",
                    ) => {
                        let in_place = parent.parent().is_some_and(|p| {
                            p.kind() == "method_invocation"
                                && receiver(p).is_some_and(|o| o.id() == parent.id())
                                && method_name(p, text) != Some("close")
                        });
                        if !in_place {
                            return;
                        }
                        used = true;
                    }
                    _ => used = true,
                }
            }
            // `in != null`, `in == null`.
            "binary_expression"
                if parent
                    .child_by_field_name("operator")
                    .is_some_and(|o| matches!(node_text(o, text), "==" | "!="))
                    && [
                        parent.child_by_field_name("left"),
                        parent.child_by_field_name("right"),
                    ]
                    .into_iter()
                    .flatten()
                    .any(|side| side.kind() == "null_literal") => {}
            // Another `in = new FileInputStream(...)` or `in = null`.
            "assignment_expression"
                if parent
                    .child_by_field_name("left")
                    .is_some_and(|l| l.id() == use_.id()) => {}
            _ => return,
        }
    }
    if !used && closes.is_empty() {
        return;
    }
    if closes.iter().any(|c| in_finally(*c)) {
        return;
    }
    let message = if let Some(close) = closes.first() {
        // Closed on the normal path: a leak only if something in between
        // can throw.
        let between = super::descendants(scope).into_iter().any(|n| {
            n.kind() == "method_invocation"
                && n.start_byte() > node.end_byte()
                && n.end_byte() < close.start_byte()
                && n.id() != close.id()
        });
        if !between || closes.iter().any(|c| in_catch(*c)) {
            return;
        }
        format!(
            "`{name}` ({what}) is closed outside a finally block: an exception before close() leaks it"
        )
    } else {
        format!("`{name}` ({what}) is never closed")
    };
    checker.report(node, Violation::new("never-closed", message));
}

/// What a creation or call opens (`FileInputStream`), if it opens a
/// resource.
fn opened(node: Node<'_>, checker: &Checker<'_>) -> Option<String> {
    let text = checker.text;
    match node.kind() {
        "object_creation_expression" => {
            // An anonymous subclass manages its own resource.
            if node.child_by_field_name("body").is_some()
                || node
                    .named_children(&mut node.walk())
                    .any(|c| c.kind() == "class_body")
            {
                return None;
            }
            let ty = node.child_by_field_name("type")?;
            let names = checker.semantic.qualified_names(ty, text);
            if names.iter().any(|n| OPENERS.contains(&n.as_str())) {
                return Some(node_text(ty, text).to_string());
            }
            if names.iter().any(|n| WRAPPERS.contains(&n.as_str())) {
                let first = call_args(node).into_iter().next()?;
                opened(first, checker)?;
                return Some(node_text(ty, text).to_string());
            }
            None
        }
        "method_invocation" => {
            let name = method_name(node, text)?;
            match name {
                "getConnection" => checker
                    .semantic
                    .callee_names(node, text)
                    .iter()
                    .any(|n| n == "java.sql.DriverManager.getConnection")
                    .then(|| "Connection".to_string()),
                "createStatement" | "prepareStatement" | "prepareCall" => {
                    let object = receiver(node)?;
                    if !expression_is(object, CONNECTION, checker) {
                        return None;
                    }
                    // Closing a local connection closes its statements; an
                    // unclosed one is reported itself.
                    let local = object.kind() == "identifier"
                        && declaration(object, text).is_some_and(|d| d.kind == DeclKind::Local);
                    (!local).then(|| "Statement".to_string())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn in_finally(node: Node<'_>) -> bool {
    let mut up = node.parent();
    while let Some(n) = up {
        match n.kind() {
            "finally_clause" => return true,
            "method_declaration" | "constructor_declaration" | "lambda_expression" => {
                return false;
            }
            _ => {}
        }
        up = n.parent();
    }
    false
}

fn in_catch(node: Node<'_>) -> bool {
    let mut up = node.parent();
    while let Some(n) = up {
        match n.kind() {
            "catch_clause" => return true,
            "method_declaration" | "constructor_declaration" | "lambda_expression" => {
                return false;
            }
            _ => {}
        }
        up = n.parent();
    }
    false
}

/// Whether `use_` is inside a lambda or class body that does not contain
/// the declaration `declared`.
fn captured(use_: Node<'_>, declared: Node<'_>) -> bool {
    let contains = |n: Node<'_>| {
        n.start_byte() <= declared.start_byte() && declared.end_byte() <= n.end_byte()
    };
    let mut up = use_.parent();
    while let Some(n) = up {
        if contains(n) {
            return false;
        }
        if matches!(n.kind(), "lambda_expression" | "class_body") {
            return true;
        }
        up = n.parent();
    }
    false
}
