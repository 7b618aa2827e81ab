use super::super::prelude::*;
use super::block_statements;

detector! {
    /// ## What it does
    /// Finds exception handlers that catch everything (a bare `except:`,
    /// `except Exception:` or `except BaseException:`) and whose body does
    /// nothing but `pass`, `...` or `continue`.
    ///
    /// ## Why is this bad?
    /// Every error raised in the `try` block disappears without a trace:
    /// programming mistakes (`NameError`, `TypeError`), exhausted resources
    /// and, for a bare `except:` or `BaseException`, even `KeyboardInterrupt`
    /// and `SystemExit`. The program carries on in a state nobody checked and
    /// the failure surfaces later, far from its cause. Handlers for a
    /// specific exception (`except KeyError: pass`) are a deliberate choice
    /// and are not reported.
    ///
    /// ## Example
    /// ```python
    /// try:
    ///     config = load_config(path)
    /// except Exception:
    ///     pass
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// try:
    ///     config = load_config(path)
    /// except FileNotFoundError:
    ///     config = DEFAULTS
    /// except Exception:
    ///     logger.exception("cannot load %s", path)
    ///     raise
    /// ```
    ///
    /// ## References
    /// - [Python tutorial: Handling exceptions](https://docs.python.org/3/tutorial/errors.html#handling-exceptions)
    /// - [CWE-390: Detection of Error Condition Without Action](https://cwe.mitre.org/data/definitions/390.html)
    pub static SPEC = {
        ids: &["python/swallow-exceptions@v1.0"],
        languages: &[Language::Python],
        name: "Swallowed exceptions",
        category: Category::Quality,
        cwes: &[390, 703],
        tags: &["error-handling", "maintainability"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Catch the specific exceptions you expect, and log or re-raise the others instead of silently ignoring them.",
        keywords: &["except"],
        check: Check::Node { kinds: &["except_clause"], run: check },
    };
}

/// Catch-all exception classes (builtins, unless an import rebinds them).
const CATCH_ALL: &[&str] = &["Exception", "BaseException"];

fn check(clause: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let mut cursor = clause.walk();
    let types: Vec<Node<'_>> = clause
        .children_by_field_name("value", &mut cursor)
        .map(|value| {
            // `except Exception as error`
            if value.kind() == "as_pattern" {
                value.named_child(0).unwrap_or(value)
            } else {
                value
            }
        })
        .collect();
    let caught = match types.as_slice() {
        [] => "everything (bare except)".to_string(),
        [only] if only.kind() == "identifier" => {
            let name = node_text(*only, text);
            if !CATCH_ALL.contains(&name) || checker.semantic.binding(name).is_some() {
                return;
            }
            name.to_string()
        }
        _ => return,
    };
    let Some(statements) = block_statements(clause) else {
        return;
    };
    let Some(kinds) = statements
        .iter()
        .map(|s| does_nothing(*s))
        .collect::<Option<Vec<&str>>>()
    else {
        return;
    };
    let Some(ignored) = kinds
        .iter()
        .find(|k| **k == "continue")
        .or(kinds.first())
        .copied()
    else {
        return;
    };
    checker.report(
        clause,
        Violation::new(
            "swallowed",
            format!("this handler catches {caught} and ignores it (`{ignored}`)"),
        ),
    );
}

/// The statement's keyword when it does nothing with the exception.
fn does_nothing(statement: Node<'_>) -> Option<&'static str> {
    match statement.kind() {
        "pass_statement" => Some("pass"),
        "continue_statement" => Some("continue"),
        "expression_statement"
            if statement.named_child_count() == 1
                && statement
                    .named_child(0)
                    .is_some_and(|e| e.kind() == "ellipsis") =>
        {
            Some("...")
        }
        _ => None,
    }
}
