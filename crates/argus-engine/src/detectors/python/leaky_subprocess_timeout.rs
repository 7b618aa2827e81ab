use super::super::prelude::*;
use super::enclosing_scope;

detector! {
    /// ## What it does
    /// Finds `proc.communicate(timeout=...)` in a `try` statement whose
    /// `except subprocess.TimeoutExpired` handler neither kills the child
    /// (`proc.kill()`, `proc.terminate()`, `proc.send_signal(...)` or a
    /// helper whose name says it kills) nor retries the communication,
    /// when nothing else in the function kills it either.
    ///
    /// ## Why is this bad?
    /// `communicate` does not stop the child when its timeout expires: it
    /// only raises `TimeoutExpired`. A handler that logs and moves on leaves
    /// the process running with its pipes open, so hung children pile up,
    /// holding memory, file descriptors and locks. The Python documentation
    /// spells out the pattern: kill the child, then call `communicate()`
    /// again to reap it and collect its output.
    ///
    /// ## Example
    /// ```python
    /// proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    /// try:
    ///     out, _ = proc.communicate(timeout=15)
    /// except subprocess.TimeoutExpired:
    ///     log.warning("command timed out")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    /// try:
    ///     out, _ = proc.communicate(timeout=15)
    /// except subprocess.TimeoutExpired:
    ///     proc.kill()
    ///     out, _ = proc.communicate()
    /// ```
    ///
    /// ## References
    /// - [Python subprocess: Popen.communicate](https://docs.python.org/3/library/subprocess.html#subprocess.Popen.communicate)
    /// - [CWE-404: Improper Resource Shutdown or Release](https://cwe.mitre.org/data/definitions/404.html)
    pub static SPEC = {
        ids: &["python/leaky-subprocess-timeout@v1.0"],
        languages: &[Language::Python],
        name: "Child process left running after a timeout",
        category: Category::Quality,
        cwes: &[404, 400],
        tags: &["resource-management", "reliability"],
        access: Access::CrashOrSlowdown,
        effort: Effort::NotExploitable,
        remediation: "In the TimeoutExpired handler, kill the child (proc.kill()) and call proc.communicate() again to reap it.",
        keywords: &["TimeoutExpired"],
        check: Check::Node { kinds: &["try_statement"], run: check },
    };
}

fn check(statement: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(body) = statement.py_field("body") else {
        return;
    };
    let mut calls = Vec::new();
    communicate_calls(body, text, &mut calls);
    let Some((communicate, process)) = calls.into_iter().next() else {
        return;
    };
    let mut cursor = statement.walk();
    let Some(handler) = statement
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "except_clause")
        .find(|clause| catches_timeout(*clause, checker))
    else {
        return;
    };
    if handles_child(handler, process, text) {
        return;
    }
    // The child may be killed after the try statement.
    let scope = enclosing_scope(statement);
    if kills(scope, process, text) {
        return;
    }
    checker.report(
        communicate,
        Violation::new(
            "child-not-killed",
            format!(
                "when `{process}.communicate()` times out, the handler leaves the child process running"
            ),
        ),
    );
}

/// `X.communicate(..., timeout=...)` calls in `node`, not in nested scopes.
fn communicate_calls<'t>(node: Node<'t>, text: &'t str, out: &mut Vec<(Node<'t>, &'t str)>) {
    if matches!(
        node.kind(),
        "function_definition" | "class_definition" | "lambda"
    ) {
        return;
    }
    if node.kind() == "call"
        && let Some(function) = node
            .py_field("function")
            .filter(|f| f.kind() == "attribute")
        && function
            .py_field("attribute")
            .is_some_and(|m| node_text(m, text) == "communicate")
        && argument(node, 1, "timeout", text).is_some()
        && let Some(object) = function
            .py_field("object")
            .filter(|o| matches!(o.kind(), "identifier" | "attribute"))
    {
        out.push((node, node_text(object, text)));
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        communicate_calls(child, text, out);
    }
}

fn catches_timeout(clause: Node<'_>, checker: &Checker<'_>) -> bool {
    let text = checker.text;
    let mut cursor = clause.walk();
    clause
        .children_by_field_name("value", &mut cursor)
        .any(|value| {
            let value = if value.kind() == "as_pattern" {
                value.named_child(0).unwrap_or(value)
            } else {
                value
            };
            let types: Vec<Node<'_>> = if value.kind() == "tuple" {
                value.named_children(&mut value.walk()).collect()
            } else {
                vec![value]
            };
            types.iter().any(|t| {
                checker
                    .semantic
                    .qualified_names(*t, text)
                    .iter()
                    .any(|n| n == "subprocess.TimeoutExpired")
            })
        })
}

/// Whether the handler kills the child or talks to it again (a retry).
fn handles_child(handler: Node<'_>, process: &str, text: &str) -> bool {
    let handler_text = node_text(handler, text);
    kills(handler, process, text)
        || handler_text.contains(&format!("{process}.communicate("))
        || contains_kind(handler, "continue_statement")
        || {
            // A helper such as `_kill_process_tree(proc)`.
            let mut names = Vec::new();
            called_names(handler, text, &mut names);
            names.iter().any(|n| {
                let n = n.to_ascii_lowercase();
                n.contains("kill") || n.contains("terminate") || n.contains("stop")
            })
        }
}

fn kills(scope: Node<'_>, process: &str, text: &str) -> bool {
    let scope_text = node_text(scope, text);
    ["kill(", "terminate(", "send_signal("]
        .iter()
        .any(|method| scope_text.contains(&format!("{process}.{method}")))
}

fn called_names<'t>(node: Node<'t>, text: &'t str, out: &mut Vec<&'t str>) {
    if node.kind() == "call"
        && let Some(function) = node.py_field("function")
    {
        let name = if function.kind() == "attribute" {
            function.py_field("attribute").unwrap_or(function)
        } else {
            function
        };
        out.push(node_text(name, text));
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        called_names(child, text, out);
    }
}

fn contains_kind(node: Node<'_>, kind: &str) -> bool {
    if node.kind() == kind {
        return true;
    }
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .any(|child| contains_kind(child, kind))
}
