use super::super::context::words;
use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds `assert` statements that enforce a security decision: the
    /// condition reads or calls something named like an authentication,
    /// authorization, permission, password, signature or CSRF check
    /// (`request.user.is_authenticated`, `user.has_perm(...)`,
    /// `is_admin`, `check_password(...)`, `verify_signature(...)`,
    /// `hmac.compare_digest(...)`, `user.is_active`, `is_allowed(...)`).
    ///
    /// Asserts in tests (files importing `pytest` or `unittest`, functions
    /// named `test*`, classes named `Test*`) and type or shape checks
    /// (`assert isinstance(x, int)`, `assert len(items) > 0`) are not
    /// reported.
    ///
    /// ## Why is this bad?
    /// Python removes `assert` statements when it runs with optimizations
    /// (`python -O`, `PYTHONOPTIMIZE=1`, some packaging and container
    /// setups). The check then silently disappears and every caller is
    /// let through; a failed assert also surfaces as a generic
    /// `AssertionError` rather than a denied request.
    ///
    /// ## Example
    /// ```python
    /// def delete_project(request, project):
    ///     assert request.user.has_perm("projects.delete_project", project)
    ///     project.delete()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from django.core.exceptions import PermissionDenied
    ///
    /// def delete_project(request, project):
    ///     if not request.user.has_perm("projects.delete_project", project):
    ///         raise PermissionDenied
    ///     project.delete()
    /// ```
    ///
    /// ## References
    /// - [CWE-617: Reachable Assertion](https://cwe.mitre.org/data/definitions/617.html)
    /// - [CWE-703: Improper Check or Handling of Exceptional Conditions](https://cwe.mitre.org/data/definitions/703.html)
    /// - [Python: the assert statement](https://docs.python.org/3/reference/simple_stmts.html#the-assert-statement)
    /// - [Bandit B101: assert_used](https://bandit.readthedocs.io/en/latest/plugins/b101_assert_used.html)
    pub static SPEC = {
        ids: &["python/assert-used-for-security@v1.0"],
        languages: &[Language::Python],
        name: "Assert used for a security check",
        category: Category::Security,
        cwes: &[617, 703],
        tags: &["access-control", "authentication"],
        access: Access::AdditionalSecurity,
        effort: Effort::OverInternet,
        remediation: "Enforce the check with an if statement that raises (PermissionDenied, an HTTP 403, a custom exception); asserts vanish under python -O.",
        keywords: &["assert"],
        check: Check::Node { kinds: &["assert_statement"], run: check },
    };
}

/// Words that name an authentication or authorization check wherever they
/// appear in the condition.
const CHECK_WORDS: &[&str] = &[
    "authenticated",
    "authorized",
    "authorised",
    "authorize",
    "authorise",
    "authorization",
    "superuser",
    "perm",
    "perms",
    "permission",
    "permissions",
    "csrf",
    "xsrf",
];

/// Whole names that are security checks.
const CHECK_NAMES: &[&str] = &[
    "is_admin",
    "is_staff",
    "check_password",
    "compare_digest",
    "is_allowed",
    "has_role",
    "has_access",
    "can_access",
];

/// Calls whose arguments are inspected for type or shape, not for
/// permission.
const SHAPE_CALLS: &[&str] = &[
    "isinstance",
    "issubclass",
    "hasattr",
    "callable",
    "len",
    "type",
    "getattr",
];

fn check(assert: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if in_test(assert, checker) {
        return;
    }
    let Some(condition) = assert.named_child(0) else {
        return;
    };
    if is_none_test(condition, text) || is_length_test(condition, text) {
        return;
    }
    let Some(name) = security_name(condition, text) else {
        return;
    };
    let violation = Violation::new(
        "assert-check",
        format!(
            "this assert enforces a security check (`{name}`) that python -O removes; raise an exception instead"
        ),
    );
    checker.report(assert, violation);
}

/// Test code: a file using a test framework, or a test function or class.
fn in_test(node: Node<'_>, checker: &Checker<'_>) -> bool {
    if checker
        .semantic
        .imports_any(&["pytest", "unittest", "nose", "hypothesis"])
    {
        return true;
    }
    let mut up = node.parent();
    while let Some(n) = up {
        let name = n.py_field("name").map(|name| node_text(name, checker.text));
        match (n.kind(), name) {
            ("function_definition", Some(name)) if name.starts_with("test") => return true,
            ("class_definition", Some(name)) if name.starts_with("Test") => return true,
            _ => {}
        }
        up = n.parent();
    }
    false
}

/// `assert user is not None`: a presence check whatever the name.
fn is_none_test(condition: Node<'_>, text: &str) -> bool {
    if condition.kind() != "comparison_operator" {
        return false;
    }
    let mut cursor = condition.walk();
    let has_none = condition
        .named_children(&mut cursor)
        .any(|c| c.kind() == "none");
    let operators: Vec<&str> = condition
        .children_by_field_name("operators", &mut condition.walk())
        .map(|o| node_text(o, text))
        .collect();
    has_none
        && operators
            .iter()
            .all(|o| o.starts_with("is") || *o == "==" || *o == "!=")
}

/// The first name in the condition that denotes a security check.
fn security_name(condition: Node<'_>, text: &str) -> Option<String> {
    let mut stack = vec![condition];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "string" | "comment" | "lambda" => continue,
            "call" => {
                let function = node.py_field("function");
                let name = function.and_then(|f| simple_name(f, text));
                if let Some(name) = name {
                    if SHAPE_CALLS.contains(&name) {
                        continue;
                    }
                    if names_called_check(name) {
                        return Some(name.to_string());
                    }
                }
            }
            "identifier" => {
                let name = node_text(node, text);
                if names_check(name) {
                    return Some(name.to_string());
                }
            }
            "attribute" => {
                if let (Some(object), Some(attribute)) =
                    (node.py_field("object"), node.py_field("attribute"))
                {
                    let name = node_text(attribute, text);
                    if names_check(name) {
                        return Some(name.to_string());
                    }
                    // `user.is_active`, `request.user.is_active`.
                    if name == "is_active"
                        && simple_name(object, text)
                            .is_some_and(|o| words(o).iter().any(|w| w == "user"))
                    {
                        return Some(format!("{}.is_active", node_text(object, text)));
                    }
                    stack.push(object);
                }
                continue;
            }
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    None
}

/// `verify_signature`, `is_allowed`, `allowed`: the verb leads or the
/// verdict ends the name; `is_body_allowed_for_status_code` asks about
/// something else.
fn names_called_check(name: &str) -> bool {
    let words = words(name);
    let first = words
        .iter()
        .find(|w| !matches!(w.as_str(), "is" | "has" | "can"));
    first.is_some_and(|w| matches!(w.as_str(), "verify" | "verified"))
        || words
            .last()
            .is_some_and(|w| matches!(w.as_str(), "allowed" | "allow"))
}

/// `assert len(token) == TOKEN_LENGTH`: an invariant on the shape of a
/// value, whatever the names.
fn is_length_test(condition: Node<'_>, text: &str) -> bool {
    if condition.kind() != "comparison_operator" {
        return false;
    }
    let mut cursor = condition.walk();
    condition.named_children(&mut cursor).any(|c| {
        c.kind() == "call"
            && c.py_field("function")
                .is_some_and(|f| node_text(f, text) == "len")
    })
}

fn names_check(name: &str) -> bool {
    CHECK_NAMES.contains(&name)
        || words(name)
            .iter()
            .any(|w| CHECK_WORDS.contains(&w.as_str()))
}

/// The last name of `a.b.c` or `c`.
fn simple_name<'t>(node: Node<'_>, text: &'t str) -> Option<&'t str> {
    match node.kind() {
        "identifier" => Some(node_text(node, text)),
        "attribute" => node.py_field("attribute").map(|a| node_text(a, text)),
        _ => None,
    }
}
