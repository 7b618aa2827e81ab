use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds look-ups written as a membership test followed by indexing,
    /// with a fallback value: `value = d[key] if key in d else default` and
    /// the same as an `if`/`else` statement assigning one variable.
    ///
    /// ## Why is this bad?
    /// `d.get(key, default)` says the same thing in one expression, looks
    /// the key up once instead of twice, and cannot drift out of sync when
    /// one of the two spellings of the key or the dict is edited. Only
    /// fallbacks that are cheap and side-effect free (literals, names,
    /// attributes, empty containers) are reported, since `get` always
    /// evaluates its default.
    ///
    /// ## Example
    /// ```python
    /// if "timeout" in options:
    ///     timeout = options["timeout"]
    /// else:
    ///     timeout = 30
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// timeout = options.get("timeout", 30)
    /// ```
    ///
    /// ## References
    /// - [Python dict.get](https://docs.python.org/3/library/stdtypes.html#dict.get)
    /// - [CWE-710: Improper Adherence to Coding Standards](https://cwe.mitre.org/data/definitions/710.html)
    pub static SPEC = {
        ids: &["python/dict-get-method@v1.0"],
        languages: &[Language::Python],
        name: "Use dict.get with a default",
        category: Category::Quality,
        cwes: &[710],
        tags: &["readability", "efficiency"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Replace the membership test and indexing with d.get(key, default).",
        keywords: &[" in "],
        check: Check::Node { kinds: &["if_statement", "conditional_expression"], run: check },
    };
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    // Inside a mapping's own `get` (or `__getitem__`), `.get` would recurse.
    if enclosing_function_name(node, checker.text)
        .is_some_and(|name| matches!(name, "get" | "__getitem__" | "__missing__"))
    {
        return;
    }
    if node.kind() == "if_statement" {
        check_statement(node, checker);
    } else {
        check_expression(node, checker);
    }
}

/// `d[k] if k in d else default` (or `default if k not in d else d[k]`).
fn check_expression(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let mut cursor = node.walk();
    let parts: Vec<Node<'_>> = node
        .named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect();
    let [then, condition, otherwise] = parts.as_slice() else {
        return;
    };
    let Some(lookup) = get_call(*condition, *then, *otherwise, text) else {
        return;
    };
    report(node, lookup, checker);
}

/// `if k in d: v = d[k] else: v = default` (either order).
fn check_statement(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(condition) = node.py_field("condition") else {
        return;
    };
    let Some(consequence) = node.py_field("consequence") else {
        return;
    };
    let mut cursor = node.walk();
    let alternatives: Vec<Node<'_>> = node
        .children_by_field_name("alternative", &mut cursor)
        .collect();
    let [alternative] = alternatives.as_slice() else {
        return;
    };
    if alternative.kind() != "else_clause" {
        return;
    }
    let Some(otherwise) = alternative.py_field("body") else {
        return;
    };
    let (Some((then_target, then_value)), Some((else_target, else_value))) = (
        single_assignment(consequence, text),
        single_assignment(otherwise, text),
    ) else {
        return;
    };
    if node_text(then_target, text) != node_text(else_target, text) {
        return;
    }
    let Some(lookup) = get_call(condition, then_value, else_value, text) else {
        return;
    };
    let replacement = format!("{} = {lookup}", node_text(then_target, text));
    report_with(node, lookup, replacement, checker);
}

fn report(node: Node<'_>, lookup: String, checker: &mut Checker<'_>) {
    let replacement = lookup.clone();
    report_with(node, lookup, replacement, checker);
}

fn report_with(node: Node<'_>, lookup: String, replacement: String, checker: &mut Checker<'_>) {
    let mut violation = Violation::new(
        "membership-then-index",
        format!("this membership test and look-up can be `{lookup}`"),
    );
    if !has_comment(node) {
        violation = violation.with_fix(Fix::new(
            "Use dict.get",
            vec![Edit::replace(node.byte_range(), replacement)],
        ));
    }
    checker.report(node, violation);
}

/// The `d.get(k, default)` call equivalent to testing `condition` and
/// choosing `then` or `otherwise`.
fn get_call(
    condition: Node<'_>,
    then: Node<'_>,
    otherwise: Node<'_>,
    text: &str,
) -> Option<String> {
    let (key, operator, mapping) = membership(condition)?;
    let (found, missing) = match operator {
        "in" => (then, otherwise),
        "not in" => (otherwise, then),
        _ => return None,
    };
    if !is_simple(key) || !is_simple(mapping) || !is_cheap(missing) {
        return None;
    }
    // found must be exactly mapping[key]
    if found.kind() != "subscript" {
        return None;
    }
    let value = found.py_field("value")?;
    let mut cursor = found.walk();
    let subscripts: Vec<Node<'_>> = found
        .children_by_field_name("subscript", &mut cursor)
        .collect();
    let [subscript] = subscripts.as_slice() else {
        return None;
    };
    if node_text(value, text) != node_text(mapping, text)
        || node_text(*subscript, text) != node_text(key, text)
    {
        return None;
    }
    let default = node_text(missing, text);
    Some(if missing.kind() == "none" {
        format!("{}.get({})", node_text(mapping, text), node_text(key, text))
    } else {
        format!(
            "{}.get({}, {default})",
            node_text(mapping, text),
            node_text(key, text)
        )
    })
}

/// `key in mapping` / `key not in mapping`, one operator only.
fn membership(condition: Node<'_>) -> Option<(Node<'_>, &'static str, Node<'_>)> {
    if condition.kind() != "comparison_operator" {
        return None;
    }
    let mut cursor = condition.walk();
    let children: Vec<Node<'_>> = condition.children(&mut cursor).collect();
    let [key, operator, mapping] = children.as_slice() else {
        return None;
    };
    let operator = match operator.kind() {
        "in" => "in",
        "not in" => "not in",
        _ => return None,
    };
    Some((*key, operator, *mapping))
}

/// `target = value` as the only statement of a block.
fn single_assignment<'t>(block: Node<'t>, _text: &str) -> Option<(Node<'t>, Node<'t>)> {
    let mut cursor = block.walk();
    let statements: Vec<Node<'t>> = block.named_children(&mut cursor).collect();
    let [statement] = statements.as_slice() else {
        return None;
    };
    if statement.kind() != "expression_statement" || statement.named_child_count() != 1 {
        return None;
    }
    let assignment = statement.named_child(0)?;
    if assignment.kind() != "assignment" || assignment.py_field("type").is_some() {
        return None;
    }
    let target = assignment.py_field("left")?;
    let value = assignment.py_field("right")?;
    if !matches!(target.kind(), "identifier" | "attribute" | "subscript") {
        return None;
    }
    Some((target, value))
}

/// Names, attributes and literals: evaluating them twice or once is the same.
fn is_simple(node: Node<'_>) -> bool {
    match node.kind() {
        "identifier" | "string" | "integer" | "float" | "none" | "true" | "false" => true,
        "attribute" => node.py_field("object").is_some_and(is_simple),
        _ => false,
    }
}

/// Defaults that `get` may evaluate eagerly without changing behaviour.
fn is_cheap(node: Node<'_>) -> bool {
    match node.kind() {
        "list" | "dictionary" | "tuple" => node.named_child_count() == 0,
        "unary_operator" => node
            .py_field("argument")
            .is_some_and(|a| matches!(a.kind(), "integer" | "float")),
        _ => is_simple(node),
    }
}

fn has_comment(node: Node<'_>) -> bool {
    if node.kind() == "comment" {
        return true;
    }
    let mut cursor = node.walk();
    node.named_children(&mut cursor).any(has_comment)
}

fn enclosing_function_name<'t>(node: Node<'_>, text: &'t str) -> Option<&'t str> {
    let mut current = node.parent();
    while let Some(n) = current {
        if n.kind() == "function_definition" {
            return n.py_field("name").map(|name| node_text(name, text));
        }
        current = n.parent();
    }
    None
}
