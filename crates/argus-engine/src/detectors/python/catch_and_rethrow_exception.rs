use super::super::prelude::*;
use super::block_statements;

detector! {
    /// ## What it does
    /// Finds the last exception handler of a `try` statement when all it
    /// does is re-raise what it caught (`raise` or `raise e` for
    /// `except ... as e`).
    ///
    /// ## Why is this bad?
    /// The handler changes nothing: the exception propagates exactly as it
    /// would without it (with `raise e`, the traceback even gains a useless
    /// frame). It adds indentation and makes readers look for handling that
    /// is not there. A re-raising handler followed by a broader one is a
    /// deliberate way to let some exceptions through and is not reported.
    ///
    /// ## Example
    /// ```python
    /// try:
    ///     process(item)
    /// except ValueError as error:
    ///     raise error
    /// finally:
    ///     release(item)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// try:
    ///     process(item)
    /// finally:
    ///     release(item)
    /// ```
    ///
    /// ## References
    /// - [Python tutorial: Raising exceptions](https://docs.python.org/3/tutorial/errors.html#raising-exceptions)
    /// - [CWE-710: Improper Adherence to Coding Standards](https://cwe.mitre.org/data/definitions/710.html)
    pub static SPEC = {
        ids: &["python/catch-and-rethrow-exception@v1.0"],
        languages: &[Language::Python],
        name: "Exception caught only to be re-raised",
        category: Category::Quality,
        cwes: &[710],
        tags: &["error-handling", "maintainability"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Remove the handler (and the try statement if nothing else is left), or handle the exception: add context, log it, or raise a more specific one from it.",
        keywords: &["raise"],
        check: Check::Node { kinds: &["except_clause"], run: check },
    };
}

fn check(clause: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(try_statement) = clause.parent().filter(|p| p.kind() == "try_statement") else {
        return;
    };
    let mut cursor = try_statement.walk();
    let siblings: Vec<Node<'_>> = try_statement.named_children(&mut cursor).collect();
    let handlers: Vec<Node<'_>> = siblings
        .iter()
        .copied()
        .filter(|s| s.kind() == "except_clause")
        .collect();
    // Only the last handler: an earlier one that re-raises keeps its
    // exceptions away from the broader handlers after it.
    if handlers.last().is_none_or(|last| last.id() != clause.id()) {
        return;
    }
    // `except E as name`: the value is an `as_pattern` whose alias names
    // the caught exception.
    // `try: ... except: raise else: ...` is the only way to attach an
    // `else` block; the handler is there on purpose.
    if handlers.len() == 1 && siblings.iter().any(|s| s.kind() == "else_clause") {
        return;
    }
    // pylint's equivalent rule silenced on the handler: intended.
    let header_end = text[clause.start_byte()..]
        .find('\n')
        .map_or(text.len(), |i| clause.start_byte() + i);
    if text[clause.start_byte()..header_end].contains("try-except-raise") {
        return;
    }
    let alias = clause
        .py_field("value")
        .filter(|v| v.kind() == "as_pattern")
        .and_then(|v| v.py_field("alias"))
        .map(|a| node_text(a, text).trim());
    let Some(statements) = block_statements(clause) else {
        return;
    };
    let [raise] = statements.as_slice() else {
        return;
    };
    if raise.kind() != "raise_statement" || raise.py_field("cause").is_some() {
        return;
    }
    match raise
        .named_children(&mut raise.walk())
        .find(|c| c.kind() != "comment")
    {
        None => {}
        Some(raised) if Some(node_text(raised, text)) == alias => {}
        Some(_) => return,
    }
    let mut violation = Violation::new(
        "rethrow-only",
        format!(
            "this handler only re-raises what it catches (`{}`)",
            node_text(*raise, text)
        ),
    );
    // Removing the handler keeps a valid statement when another handler or
    // a `finally` remains (a single handler with an `else` is skipped above).
    let keeps_valid = handlers.len() > 1 || siblings.iter().any(|s| s.kind() == "finally_clause");
    if keeps_valid {
        let start = text[..clause.start_byte()]
            .rfind('\n')
            .map_or(0, |newline| newline + 1);
        let end = text[clause.end_byte()..]
            .find('\n')
            .map_or(text.len(), |newline| clause.end_byte() + newline + 1);
        // Only when the handler occupies whole lines of its own.
        if text[start..clause.start_byte()].trim().is_empty()
            && text[clause.end_byte()..end].trim().is_empty()
        {
            violation = violation.with_fix(Fix::new(
                "Remove the handler",
                vec![Edit::replace(start..end, "")],
            ));
        }
    }
    checker.report(clause, violation);
}
