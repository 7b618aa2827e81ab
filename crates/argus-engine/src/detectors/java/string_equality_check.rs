use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds strings compared with `==` or `!=` against a string literal:
    /// `name == "admin"`, `"GET" != request.getMethod()`. Comparisons with
    /// `null` and between two literals are not reported, nor comparisons in
    /// files that intern their strings (`.intern()`, a `SymbolTable`), where
    /// comparing interned strings by reference is deliberate.
    ///
    /// ## Why is this bad?
    /// `==` compares references, not contents. A string read from a request,
    /// a file or built at run time is a different object from the literal
    /// even when it holds the same characters, so the comparison is false
    /// for equal strings (it only works by accident for interned strings),
    /// and checks built on it (roles, commands, states) silently fail.
    ///
    /// ## Example
    /// ```java
    /// if (role == "admin") {
    ///     grantAll();
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// if ("admin".equals(role)) {
    ///     grantAll();
    /// }
    /// ```
    ///
    /// ## References
    /// - [CWE-597: Use of Wrong Operator in String Comparison](https://cwe.mitre.org/data/definitions/597.html)
    /// - [The Java Language Specification: String literals and identity](https://docs.oracle.com/javase/specs/jls/se17/html/jls-3.html#jls-3.10.5)
    pub static SPEC = {
        ids: &["java/string-equality-check@v1.0"],
        languages: &[Language::Java],
        name: "String compared with == or !=",
        category: Category::Quality,
        cwes: &[597],
        tags: &["correctness"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Compare string contents with \"literal\".equals(value) (null-safe) or Objects.equals(a, b).",
        keywords: &["==", "!="],
        check: Check::Node { kinds: &["binary_expression"], run: check },
    };
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(operator) = node.child_by_field_name("operator") else {
        return;
    };
    let operator = node_text(operator, text);
    if operator != "==" && operator != "!=" {
        return;
    }
    let (Some(left), Some(right)) = (
        node.child_by_field_name("left"),
        node.child_by_field_name("right"),
    ) else {
        return;
    };
    // Code that interns its strings (a symbol table, `.intern()`) compares
    // them with literals, which are interned too, by reference on purpose.
    if text.contains(".intern()") || text.contains("SymbolTable") {
        return;
    }
    let is_literal = |n: Node<'_>| n.kind() == "string_literal";
    let (literal, other) = match (is_literal(left), is_literal(right)) {
        (true, false) => (left, right),
        (false, true) => (right, left),
        _ => return,
    };
    if matches!(other.kind(), "null_literal" | "character_literal") {
        return;
    }
    let literal_text = node_text(literal, text);
    let other_text = node_text(other, text);
    let call = format!("{literal_text}.equals({other_text})");
    let (replacement, description) = if operator == "==" {
        (call, format!("Use {literal_text}.equals(...)"))
    } else {
        (
            format!("!{call}"),
            format!("Use !{literal_text}.equals(...)"),
        )
    };
    checker.report(
        node,
        Violation::new(
            "reference-comparison",
            format!(
                "`{}` compares string references, not contents",
                node_text(node, text)
            ),
        )
        .with_fix(Fix::new(
            description,
            vec![Edit::replace(node.byte_range(), replacement)],
        )),
    );
}
