use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds identity comparisons (`is`, `is not`) against a string, bytes,
    /// number or tuple literal, such as `status is "ok"` or `count is not 0`.
    ///
    /// ## Why is this bad?
    /// `is` compares object identity, not value. Whether two equal strings,
    /// numbers or tuples are the same object depends on interning and
    /// caching details of the interpreter (small integers, compile-time
    /// constants), so the comparison may succeed in a test and fail on other
    /// input or another Python version. CPython warns about it
    /// (`SyntaxWarning: "is" with a literal`). Identity comparison is right
    /// only for singletons such as `None`, `True`, `False` and sentinels,
    /// which are not reported.
    ///
    /// ## Example
    /// ```python
    /// if response.status is "ok":
    ///     proceed()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// if response.status == "ok":
    ///     proceed()
    /// ```
    ///
    /// ## References
    /// - [Python reference: Identity comparisons](https://docs.python.org/3/reference/expressions.html#is-not)
    /// - [CWE-595: Comparison of Object References Instead of Object Contents](https://cwe.mitre.org/data/definitions/595.html)
    pub static SPEC = {
        ids: &["python/equality-vs-identity@v1.0"],
        languages: &[Language::Python],
        name: "Identity comparison with a literal",
        category: Category::Quality,
        cwes: &[595, 697],
        tags: &["correctness"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Compare values with == or != ; keep is / is not for None, True, False and sentinel objects.",
        keywords: &[" is "],
        check: Check::Node { kinds: &["comparison_operator"], run: check },
    };
}

fn check(comparison: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let mut cursor = comparison.walk();
    let children: Vec<Node<'_>> = comparison.children(&mut cursor).collect();
    // Operands are the named children, operators the anonymous tokens
    // between them: a < b is c.
    for (index, operator) in children.iter().enumerate() {
        if operator.is_named() || !matches!(operator.kind(), "is" | "is not") {
            continue;
        }
        let (Some(left), Some(right)) = (
            index.checked_sub(1).and_then(|i| children.get(i)),
            children.get(index + 1),
        ) else {
            continue;
        };
        let Some((literal, kind)) = [*left, *right]
            .into_iter()
            .find_map(|operand| literal_kind(operand, text).map(|k| (operand, k)))
        else {
            continue;
        };
        let replacement = if operator.kind() == "is" { "==" } else { "!=" };
        let violation = Violation::new(
            "identity-with-literal",
            format!(
                "`{}` compares identity with the {kind} literal `{}`; use `{replacement}`",
                operator.kind(),
                node_text(literal, text)
            ),
        )
        .with_fix(Fix::new(
            format!("Compare with {replacement}"),
            vec![Edit::replace(operator.byte_range(), replacement)],
        ));
        checker.report(comparison, violation);
        return;
    }
}

/// What kind of literal an operand is, when `is` on it depends on
/// interning: strings, bytes, numbers and tuples of those.
fn literal_kind(node: Node<'_>, text: &str) -> Option<&'static str> {
    match node.kind() {
        "string" => {
            let prefix: String = node_text(node, text)
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect::<String>()
                .to_ascii_lowercase();
            if prefix.contains('b') {
                Some("bytes")
            } else {
                Some("string")
            }
        }
        "concatenated_string" => Some("string"),
        "integer" | "float" => Some("number"),
        "unary_operator" => node
            .py_field("argument")
            .filter(|a| matches!(a.kind(), "integer" | "float"))
            .map(|_| "number"),
        "tuple" => {
            let mut cursor = node.walk();
            let elements: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
            (!elements.is_empty()
                && elements.iter().all(|e| {
                    literal_kind(*e, text).is_some()
                        || matches!(e.kind(), "none" | "true" | "false")
                }))
            .then_some("tuple")
        }
        _ => None,
    }
}
