use super::super::prelude::*;
use super::boto3::assigned_value;
use super::{enclosing_scope, identifiers_named};

detector! {
    /// ## What it does
    /// Finds strings built by repeated `+=` in a `for` loop: a local name
    /// initialised to a string literal before the loop, and only ever
    /// extended with `+=` inside it (never read there, and not extended
    /// before or after it: a document built section by section is not a
    /// simple join). Loops over a literal
    /// list, tuple or string or over `range(<literal>)`, whose number of
    /// iterations is small and fixed, are not reported.
    ///
    /// ## Why is this bad?
    /// Strings are immutable: each `+=` may copy everything built so far, so
    /// the loop costs time quadratic in the length of the result. CPython
    /// sometimes avoids the copy in place, but not when another reference to
    /// the string exists, and other interpreters never do. Collecting the
    /// parts in a list and joining them once is linear and usually clearer.
    ///
    /// ## Example
    /// ```python
    /// html = ""
    /// for row in rows:
    ///     html += "<li>" + escape(row) + "</li>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// html = "".join("<li>" + escape(row) + "</li>" for row in rows)
    /// ```
    ///
    /// ## References
    /// - [Python FAQ: What is the most efficient way to concatenate many strings together?](https://docs.python.org/3/faq/programming.html#what-is-the-most-efficient-way-to-concatenate-many-strings-together)
    /// - [CWE-1046: Creation of Immutable Text Using String Concatenation](https://cwe.mitre.org/data/definitions/1046.html)
    pub static SPEC = {
        ids: &["python/string-concatenation@v1.0"],
        languages: &[Language::Python],
        name: "String built by concatenation in a loop",
        category: Category::Quality,
        cwes: &[1046],
        tags: &["performance"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Append the pieces to a list and join them once after the loop (\"\".join(parts)), or use io.StringIO.",
        keywords: &["+="],
        check: Check::Node { kinds: &["augmented_assignment"], run: check },
    };
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if node
        .child_by_field_name("operator")
        .is_none_or(|o| node_text(o, text) != "+=")
    {
        return;
    }
    let Some(target) = node
        .child_by_field_name("left")
        .filter(|l| l.kind() == "identifier")
    else {
        return;
    };
    let name = node_text(target, text);
    // The innermost `for` loop around the statement, in the same function.
    let mut up = node.parent();
    let mut for_loop = None;
    while let Some(n) = up {
        match n.kind() {
            "function_definition" | "lambda" | "class_definition" => return,
            "for_statement" => {
                for_loop = Some(n);
                break;
            }
            _ => up = n.parent(),
        }
    }
    let Some(for_loop) = for_loop else {
        return;
    };
    if is_small_fixed(for_loop, checker) {
        return;
    }
    // Initialised to a str literal before the loop.
    let Some(initial) = assigned_value(target, text) else {
        return;
    };
    if initial.end_byte() > for_loop.start_byte() || !is_str_literal(initial, text) {
        return;
    }
    let Some(body) = for_loop.child_by_field_name("body") else {
        return;
    };
    let mut uses = Vec::new();
    identifiers_named(body, name, text, &mut uses);
    for use_ in &uses {
        let extended = use_.parent().is_some_and(|p| {
            p.kind() == "augmented_assignment"
                && p.child_by_field_name("left")
                    .is_some_and(|l| l.id() == use_.id())
                && p.child_by_field_name("operator")
                    .is_some_and(|o| node_text(o, text) == "+=")
        });
        if !extended {
            return;
        }
    }
    // The loop is the only place the string grows: no `+=` before or
    // after it (a document built section by section is not a join).
    let mut everywhere = Vec::new();
    identifiers_named(enclosing_scope(node), name, text, &mut everywhere);
    if everywhere.iter().any(|use_| {
        is_extended(*use_, text)
            && (use_.start_byte() < body.start_byte() || use_.end_byte() > body.end_byte())
    }) {
        return;
    }
    // One finding per loop, on its first `+=`.
    if uses.first().is_none_or(|first| first.id() != target.id()) {
        return;
    }
    checker.report(
        node,
        Violation::new(
            "concatenation-in-loop",
            format!(
                "`{name}` is built with += in a loop, copying the string on every iteration: collect the parts in a list and \"\".join() them"
            ),
        ),
    );
}

/// `name += ...` with this identifier as the target.
fn is_extended(identifier: Node<'_>, text: &str) -> bool {
    identifier.parent().is_some_and(|p| {
        p.kind() == "augmented_assignment"
            && p.child_by_field_name("left")
                .is_some_and(|l| l.id() == identifier.id())
            && p.child_by_field_name("operator")
                .is_some_and(|o| node_text(o, text) == "+=")
    })
}

fn is_str_literal(node: Node<'_>, text: &str) -> bool {
    match node.kind() {
        "string" => !node_text(node, text)
            .split(['"', '\''])
            .next()
            .is_some_and(|prefix| prefix.contains(['b', 'B'])),
        "concatenated_string" => node.named_child(0).is_some_and(|c| is_str_literal(c, text)),
        _ => false,
    }
}

/// A loop over a literal collection or `range(<literal>)`.
fn is_small_fixed(for_loop: Node<'_>, checker: &Checker<'_>) -> bool {
    let Some(iterable) = for_loop.child_by_field_name("right") else {
        return false;
    };
    match iterable.kind() {
        "list" | "tuple" | "string" | "set" => true,
        "call" => {
            checker
                .semantic
                .call_matches(iterable, checker.text, &["range"])
                .is_some()
                && checker.semantic.binding("range").is_none()
                && positional_arguments(checker.grammar, iterable)
                    .iter()
                    .all(|a| a.kind() == "integer")
        }
        _ => false,
    }
}
