use super::super::prelude::*;
use super::quality::{DeclKind, declaration, outer_method, uses_of};
use super::{call_args, descendants, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds `s.substring(...)` whose start or end is the position
    /// `s.indexOf(...)` or `s.lastIndexOf(...)` returned, unchecked: the call
    /// written directly as the argument (`s.substring(0, s.indexOf(':'))`),
    /// or a local variable holding it that is never compared with anything.
    ///
    /// Not reported: positions adjusted by arithmetic (`indexOf(c) + 1`,
    /// which is the whole string when the character is missing), and calls
    /// after the same string was tested with `contains`, `indexOf`,
    /// `startsWith`, `endsWith` or `matches` earlier in the method.
    ///
    /// ## Why is this bad?
    /// `indexOf` returns `-1` when the text is not found, and
    /// `substring(-1)` or `substring(0, -1)` throws
    /// `StringIndexOutOfBoundsException`. Input without the expected
    /// separator (a header without `:`, a file name without `.`) then
    /// crashes the request instead of being rejected cleanly.
    ///
    /// ## Example
    /// ```java
    /// String scheme = url.substring(0, url.indexOf("://"));
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// int end = url.indexOf("://");
    /// if (end < 0) {
    ///     throw new IllegalArgumentException("not a URL: " + url);
    /// }
    /// String scheme = url.substring(0, end);
    /// ```
    ///
    /// ## References
    /// - [CWE-129: Improper Validation of Array Index](https://cwe.mitre.org/data/definitions/129.html)
    /// - [CWE-252: Unchecked Return Value](https://cwe.mitre.org/data/definitions/252.html)
    /// - [java.lang.String.indexOf](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/lang/String.html#indexOf(java.lang.String))
    pub static SPEC = {
        ids: &["java/missing-position-check-before-substring@v1.0"],
        languages: &[Language::Java],
        name: "Substring position not checked",
        category: Category::Quality,
        cwes: &[129, 252],
        tags: &["error-handling", "correctness"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Check that indexOf/lastIndexOf did not return -1 before passing the position to substring.",
        keywords: &["substring"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

const SEARCHES: &[&str] = &["indexOf", "lastIndexOf"];

/// Calls that tell whether the text is there.
const TESTS: &[&str] = &[
    "contains",
    "indexOf",
    "lastIndexOf",
    "startsWith",
    "endsWith",
    "matches",
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if method_name(call, text) != Some("substring") {
        return;
    }
    let Some(string) = receiver(call) else {
        return;
    };
    let string_text = node_text(string, text);
    let Some(scope) = outer_method(call) else {
        return;
    };
    for arg in call_args(call) {
        let search = match arg.kind() {
            "method_invocation" => Some(arg),
            "identifier" => unchecked_position(arg, scope, checker),
            _ => None,
        };
        let Some(search) = search else {
            continue;
        };
        let Some(method) = method_name(search, text).filter(|m| SEARCHES.contains(m)) else {
            continue;
        };
        if receiver(search).is_none_or(|r| node_text(r, text) != string_text) {
            continue;
        }
        if tested_before(call, search, string_text, scope, text) || in_guarding_try(call, text) {
            return;
        }
        checker.report(
            call,
            Violation::new(
                "unchecked-position",
                format!(
                    "{string_text}.substring(...) uses the position {method} returns without checking for -1: it throws StringIndexOutOfBoundsException when the text is missing"
                ),
            ),
        );
        return;
    }
}

/// The `indexOf` call a local position variable holds, when the variable is
/// never compared, reassigned or used other than as a `substring` argument.
fn unchecked_position<'t>(
    ident: Node<'t>,
    scope: Node<'t>,
    checker: &Checker<'_>,
) -> Option<Node<'t>> {
    let text = checker.text;
    let decl = declaration(ident, text)?;
    if decl.kind != DeclKind::Local {
        return None;
    }
    let value = decl.value?;
    if value.kind() != "method_invocation" {
        return None;
    }
    for use_ in uses_of(scope, node_text(ident, text), text) {
        if use_.id() == decl.name.id() {
            continue;
        }
        let in_substring = use_.parent().is_some_and(|p| {
            p.kind() == "argument_list"
                && p.parent()
                    .is_some_and(|c| method_name(c, text) == Some("substring"))
        });
        if !in_substring {
            return None;
        }
    }
    Some(value)
}

/// Whether the method tests the string before the call (outside the
/// `indexOf` that feeds it).
fn tested_before(
    call: Node<'_>,
    search: Node<'_>,
    string: &str,
    scope: Node<'_>,
    text: &str,
) -> bool {
    descendants(scope).into_iter().any(|n| {
        n.kind() == "method_invocation"
            && n.id() != search.id()
            && n.start_byte() < call.start_byte()
            && method_name(n, text).is_some_and(|m| TESTS.contains(&m))
            && receiver(n).is_some_and(|r| node_text(r, text) == string)
    })
}

/// Whether the call is in a `try` that catches the exception.
fn in_guarding_try(call: Node<'_>, text: &str) -> bool {
    let mut up = call.parent();
    while let Some(n) = up {
        if n.kind() == "try_statement" {
            let mut cursor = n.walk();
            let catches = n
                .named_children(&mut cursor)
                .filter(|c| c.kind() == "catch_clause")
                .any(|c| {
                    let mut inner = c.walk();
                    let caught = c
                        .named_children(&mut inner)
                        .find(|p| p.kind() == "catch_formal_parameter")
                        .map_or("", |p| node_text(p, text));
                    caught.contains("IndexOutOfBoundsException")
                        || caught.contains("RuntimeException")
                        || caught.split_whitespace().next() == Some("Exception")
                        || caught.contains("Throwable")
                });
            if catches {
                return true;
            }
        }
        if matches!(n.kind(), "method_declaration" | "constructor_declaration") {
            return false;
        }
        up = n.parent();
    }
    false
}
