use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds `for` loops that remove items from, or add items to, the very
    /// list, dict or set they iterate over: `items.remove(x)`, `items.pop()`,
    /// `items.insert(...)`, `items.clear()`, `items.discard(x)`,
    /// `items.add(x)`, `items.popitem()` or `del items[...]` inside
    /// `for x in items:`. Appending to a list is not reported (it is the
    /// usual work-list idiom and is well defined), nor is a modification
    /// followed by `break`, `return` or `raise`.
    ///
    /// ## Why is this bad?
    /// A list iterator walks indexes: removing an element shifts the rest
    /// left and the loop silently skips the next one; inserting makes it
    /// see an element twice. Dicts and sets raise `RuntimeError: changed
    /// size during iteration`. Either way the loop does not do what it
    /// reads like.
    ///
    /// ## Example
    /// ```python
    /// for user in users:
    ///     if user.expired:
    ///         users.remove(user)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// for user in list(users):
    ///     if user.expired:
    ///         users.remove(user)
    /// # or: users = [user for user in users if not user.expired]
    /// ```
    ///
    /// ## References
    /// - [Python reference: The for statement](https://docs.python.org/3/reference/compound_stmts.html#the-for-statement)
    /// - [CWE-664: Improper Control of a Resource Through its Lifetime](https://cwe.mitre.org/data/definitions/664.html)
    pub static SPEC = {
        ids: &["python/iterating-sequence-modification@v1.0"],
        languages: &[Language::Python],
        name: "Collection modified while iterating over it",
        category: Category::Quality,
        cwes: &[664],
        tags: &["correctness"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Iterate over a copy (for x in list(items)) or build a new collection with a comprehension instead of modifying the one being iterated.",
        keywords: &["for"],
        check: Check::Node { kinds: &["for_statement"], run: check },
    };
}

/// Methods that change a list's order or a dict's or set's size.
const MUTATORS: &[&str] = &[
    "remove", "pop", "insert", "clear", "discard", "add", "popitem",
];

fn check(loop_statement: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let (Some(iterated), Some(body)) = (
        loop_statement.py_field("right"),
        loop_statement.py_field("body"),
    ) else {
        return;
    };
    if !matches!(iterated.kind(), "identifier" | "attribute") {
        return;
    }
    let name = node_text(iterated, text);
    let mut found = Vec::new();
    mutations(body, name, text, &mut found);
    let Some((mutation, what)) = found
        .into_iter()
        .find(|(node, _)| !leaves_loop_after(*node, body))
    else {
        return;
    };
    let mut violation = Violation::new(
        "modified-while-iterating",
        format!("`{what}` modifies `{name}` while the loop iterates over it"),
    );
    if checker.semantic.binding("list").is_none() {
        violation = violation.with_fix(Fix::new(
            "Iterate over a copy",
            vec![Edit::replace(
                iterated.byte_range(),
                format!("list({name})"),
            )],
        ));
    }
    checker.report(mutation, violation);
}

/// Calls and `del` statements in `node` that modify `name`, not looking
/// into nested functions, classes or lambdas.
fn mutations<'t>(node: Node<'t>, name: &str, text: &str, found: &mut Vec<(Node<'t>, String)>) {
    match node.kind() {
        "function_definition" | "class_definition" | "lambda" => return,
        "call" => {
            if let Some(function) = node
                .py_field("function")
                .filter(|f| f.kind() == "attribute")
            {
                let object = function.py_field("object");
                let method = function.py_field("attribute");
                if let (Some(object), Some(method)) = (object, method) {
                    let method_name = node_text(method, text);
                    if node_text(object, text) == name && MUTATORS.contains(&method_name) {
                        found.push((node, format!("{name}.{method_name}()")));
                    }
                }
            }
        }
        "delete_statement" => {
            let mut cursor = node.walk();
            for target in node.named_children(&mut cursor) {
                let targets: Vec<Node<'_>> = if target.kind() == "expression_list" {
                    target.named_children(&mut target.walk()).collect()
                } else {
                    vec![target]
                };
                if targets.iter().any(|t| {
                    t.kind() == "subscript"
                        && t.py_field("value")
                            .is_some_and(|v| node_text(v, text) == name)
                }) {
                    found.push((node, format!("del {name}[...]")));
                }
            }
        }
        _ => {}
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        mutations(child, name, text, found);
    }
}

/// Whether the statement holding `node` is, or is followed in its block by,
/// a `return` or `raise`, or a `break` that leaves the iterating loop: the
/// loop stops right after the change.
fn leaves_loop_after(node: Node<'_>, loop_body: Node<'_>) -> bool {
    let mut statement = node;
    while let Some(parent) = statement.parent() {
        if parent.kind() == "block" {
            break;
        }
        statement = parent;
    }
    let Some(block) = statement.parent() else {
        return false;
    };
    // A `break` in an inner loop only leaves that loop.
    let mut inner_loop = false;
    let mut ancestor = block.parent();
    while let Some(current) = ancestor {
        if current.id() == loop_body.id() {
            break;
        }
        if matches!(current.kind(), "for_statement" | "while_statement") {
            inner_loop = true;
        }
        ancestor = current.parent();
    }
    let mut cursor = block.walk();
    block
        .named_children(&mut cursor)
        .skip_while(|s| s.id() != statement.id())
        .any(|s| match s.kind() {
            "return_statement" | "raise_statement" => true,
            "break_statement" => !inner_loop,
            _ => false,
        })
}
