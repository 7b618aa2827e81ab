use super::super::prelude::*;
use super::quality::uses_of;
use super::{call_args, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds `catch (InvocationTargetException e)` blocks that report the
    /// wrapper instead of the exception the invoked method threw: they read
    /// `e.getMessage()` (or `getLocalizedMessage()`), or wrap `e` itself in
    /// a new exception (`throw new RuntimeException(e)`), and never call
    /// `e.getCause()` or `e.getTargetException()`.
    ///
    /// Blocks that rethrow `e` unchanged, pass it to another method, or
    /// catch several exception types at once are not reported.
    ///
    /// ## Why is this bad?
    /// Reflection wraps whatever the invoked method throws in an
    /// `InvocationTargetException`, whose own message is `null`. Messages
    /// built from it say nothing ("Invocation failed: null"), and callers
    /// that catch the original exception type (`IllegalArgumentException`,
    /// an application exception) never see it, so the error is handled
    /// in the wrong place or not at all.
    ///
    /// ## Example
    /// ```java
    /// try {
    ///     return method.invoke(target, args);
    /// } catch (InvocationTargetException e) {
    ///     throw new IllegalStateException("call failed: " + e.getMessage(), e);
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// try {
    ///     return method.invoke(target, args);
    /// } catch (InvocationTargetException e) {
    ///     Throwable cause = e.getCause();
    ///     throw new IllegalStateException("call failed: " + cause.getMessage(), cause);
    /// }
    /// ```
    ///
    /// ## References
    /// - [java.lang.reflect.InvocationTargetException](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/lang/reflect/InvocationTargetException.html)
    /// - [CWE-755: Improper Handling of Exceptional Conditions](https://cwe.mitre.org/data/definitions/755.html)
    pub static SPEC = {
        ids: &["java/missing-getcause-on-invocationtargetexception@v1.0"],
        languages: &[Language::Java],
        name: "InvocationTargetException handled without its cause",
        category: Category::Quality,
        cwes: &[755],
        tags: &["error-handling", "reflection"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Use e.getCause() (or getTargetException()) to report, wrap or rethrow the exception the invoked method threw.",
        keywords: &["InvocationTargetException"],
        check: Check::Node { kinds: &["catch_clause"], run: check },
    };
}

fn check(clause: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let mut cursor = clause.walk();
    let Some(parameter) = clause
        .named_children(&mut cursor)
        .find(|c| c.kind() == "catch_formal_parameter")
    else {
        return;
    };
    let mut inner = parameter.walk();
    let Some(caught) = parameter
        .named_children(&mut inner)
        .find(|c| c.kind() == "catch_type")
    else {
        return;
    };
    // One type only: a multi-catch handles other exceptions the same way.
    if caught.named_child_count() != 1 {
        return;
    }
    let Some(ty) = caught.named_child(0) else {
        return;
    };
    if !checker
        .semantic
        .qualified_names(ty, text)
        .iter()
        .any(|n| n == "java.lang.reflect.InvocationTargetException")
    {
        return;
    }
    let (Some(name), Some(body)) = (
        parameter.child_by_field_name("name"),
        clause.child_by_field_name("body"),
    ) else {
        return;
    };
    let name = node_text(name, text);
    let mut finding = None;
    for use_ in uses_of(body, name, text) {
        let Some(parent) = use_.parent() else {
            return;
        };
        match parent.kind() {
            "method_invocation" if receiver(parent).is_some_and(|o| o.id() == use_.id()) => {
                match method_name(parent, text) {
                    Some("getCause" | "getTargetException") => return,
                    Some("getMessage" | "getLocalizedMessage") => {
                        finding
                            .get_or_insert((parent, "reads the wrapper's message, which is null"));
                    }
                    _ => {}
                }
            }
            "argument_list" => {
                let Some(call) = parent.parent() else {
                    return;
                };
                // `throw new X(..., e)`: the wrapper becomes the cause.
                let thrown = call.kind() == "object_creation_expression"
                    && call.parent().is_some_and(|p| p.kind() == "throw_statement")
                    && call_args(call).last().is_some_and(|a| a.id() == use_.id());
                if !thrown {
                    // Handed to a logger or a helper, which may unwrap it.
                    return;
                }
                finding.get_or_insert((
                    call,
                    "wraps the InvocationTargetException instead of its cause",
                ));
            }
            _ => return,
        }
    }
    let Some((node, what)) = finding else {
        return;
    };
    checker.report(
        node,
        Violation::new(
            "wrapper-not-cause",
            format!("the handler of InvocationTargetException {what}: use {name}.getCause()"),
        ),
    );
}
