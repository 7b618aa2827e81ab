use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds lists built by multiplying a list whose element is itself a
    /// mutable object, such as `[[0] * width] * height`, `[[]] * n` or
    /// `[{}] * n`.
    ///
    /// ## Why is this bad?
    /// Multiplying a list copies references, not objects: every row of
    /// `[[0] * 3] * 3` is the same inner list, so `grid[0][0] = 1` changes
    /// the first cell of every row. The bug is silent and often only seen
    /// when the data is already wrong.
    ///
    /// ## Example
    /// ```python
    /// grid = [[0] * width] * height
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// grid = [[0] * width for _ in range(height)]
    /// ```
    ///
    /// ## References
    /// - [Python FAQ: How do I create a multidimensional list?](https://docs.python.org/3/faq/programming.html#how-do-i-create-a-multidimensional-list)
    /// - [CWE-710: Improper Adherence to Coding Standards](https://cwe.mitre.org/data/definitions/710.html)
    pub static SPEC = {
        ids: &["python/multidimension-list-using-replication@v1.0"],
        languages: &[Language::Python],
        name: "Multidimensional list built by replication",
        category: Category::Quality,
        cwes: &[710],
        tags: &["correctness"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Build each inner object separately with a comprehension: [[0] * width for _ in range(height)].",
        keywords: &["*"],
        check: Check::Node { kinds: &["binary_operator"], run: check },
    };
}

fn check(product: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if product.py_field("operator").is_none_or(|o| o.kind() != "*") {
        return;
    }
    let (Some(left), Some(right)) = (product.py_field("left"), product.py_field("right")) else {
        return;
    };
    let (list, count) = if left.kind() == "list" {
        (left, right)
    } else if right.kind() == "list" {
        (right, left)
    } else {
        return;
    };
    let mut cursor = list.walk();
    let elements: Vec<Node<'_>> = list
        .named_children(&mut cursor)
        .filter(|e| e.kind() != "comment")
        .collect();
    let Some(mutable) = elements.iter().find(|e| is_fresh_mutable(**e, checker)) else {
        return;
    };
    let mut violation = Violation::new(
        "replicated-mutable",
        format!(
            "every element of `{}` is the same `{}` object; changing one changes all",
            node_text(product, text),
            node_text(*mutable, text)
        ),
    );
    // `[ROW] * N` -> `[ROW for _ in range(N)]`, when ROW does not use `_`
    // (the comprehension would shadow it) and N is a plain expression.
    if elements.len() == 1 && !uses_underscore(*mutable, text) {
        violation = violation.with_fix(Fix::new(
            "Build each element separately",
            vec![Edit::replace(
                product.byte_range(),
                format!(
                    "[{} for _ in range({})]",
                    node_text(*mutable, text),
                    node_text(count, text)
                ),
            )],
        ));
    }
    checker.report(product, violation);
}

/// Whether an element expression makes a new mutable object.
fn is_fresh_mutable(node: Node<'_>, checker: &Checker<'_>) -> bool {
    match node.kind() {
        "list"
        | "dictionary"
        | "set"
        | "list_comprehension"
        | "dictionary_comprehension"
        | "set_comprehension" => true,
        "binary_operator" => {
            node.py_field("operator").is_some_and(|o| o.kind() == "*")
                && [node.py_field("left"), node.py_field("right")]
                    .into_iter()
                    .flatten()
                    .any(|operand| operand.kind() == "list")
        }
        "call" => checker
            .semantic
            .call_matches(node, checker.text, &["list", "dict", "set", "bytearray"])
            .is_some_and(|name| checker.semantic.binding(name).is_none()),
        _ => false,
    }
}

fn uses_underscore(node: Node<'_>, text: &str) -> bool {
    if node.kind() == "identifier" && node_text(node, text) == "_" {
        return true;
    }
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .any(|child| uses_underscore(child, text))
}
