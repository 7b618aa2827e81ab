use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds `datetime.utcnow()` and `datetime.utcfromtimestamp(ts)`.
    ///
    /// ## Why is this bad?
    /// Both return a *naive* `datetime` (no `tzinfo`) that holds UTC wall
    /// time. Everything else in Python treats a naive value as local time:
    /// `.timestamp()`, `.astimezone()` and comparisons with values from
    /// `datetime.now()` silently shift it by the machine's UTC offset, so
    /// expiry checks, token lifetimes and schedules are off by hours on any
    /// server not running in UTC. Both methods are deprecated since Python
    /// 3.12 for this reason.
    ///
    /// ## Example
    /// ```python
    /// from datetime import datetime
    ///
    /// expires = datetime.utcnow() + lifetime
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from datetime import datetime, timezone
    ///
    /// expires = datetime.now(timezone.utc) + lifetime
    /// ```
    ///
    /// ## References
    /// - [Python datetime.utcnow (deprecated)](https://docs.python.org/3/library/datetime.html#datetime.datetime.utcnow)
    /// - [CWE-758: Reliance on Undefined, Unspecified, or Implementation-Defined Behavior](https://cwe.mitre.org/data/definitions/758.html)
    pub static SPEC = {
        ids: &["python/naive-datatime-time-zone-issues@v1.0"],
        languages: &[Language::Python],
        name: "Naive UTC datetime",
        category: Category::Quality,
        cwes: &[758],
        tags: &["correctness", "deprecated"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Use aware datetimes: datetime.now(timezone.utc) and datetime.fromtimestamp(ts, tz=timezone.utc).",
        keywords: &["utcnow", "utcfromtimestamp"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(target) = checker.semantic.call_matches(
        call,
        text,
        &[
            "datetime.datetime.utcnow",
            "datetime.datetime.utcfromtimestamp",
        ],
    ) else {
        return;
    };
    let Some(method) = call
        .py_field("function")
        .filter(|f| f.kind() == "attribute")
        .and_then(|f| f.py_field("attribute"))
    else {
        return;
    };
    let Some(object) = call.py_field("function").and_then(|f| f.py_field("object")) else {
        return;
    };
    let utcnow = target.ends_with("utcnow");
    let mut violation = Violation::new(
        "naive-utc",
        if utcnow {
            "datetime.utcnow() returns a naive datetime holding UTC time".to_string()
        } else {
            "datetime.utcfromtimestamp() returns a naive datetime holding UTC time".to_string()
        },
    );
    if let Some(utc) = utc_expression(object, checker) {
        let arguments = call_arguments(call).filter(|a| a.kind() == "argument_list");
        let positional = positional_arguments(checker.grammar, call);
        let all = arguments.map_or(0, |a| {
            a.named_children(&mut a.walk())
                .filter(|c| c.kind() != "comment")
                .count()
        });
        let edits = match (utcnow, arguments) {
            // utcnow() -> now(UTC)
            (true, Some(arguments)) if all == 0 => Some(vec![
                Edit::replace(method.byte_range(), "now"),
                Edit::replace(arguments.byte_range(), format!("({utc})")),
            ]),
            // utcfromtimestamp(ts) -> fromtimestamp(ts, tz=UTC)
            (false, Some(_)) if all == 1 && positional.len() == 1 => {
                let end = positional[0].end_byte();
                Some(vec![
                    Edit::replace(method.byte_range(), "fromtimestamp"),
                    Edit::replace(end..end, format!(", tz={utc}")),
                ])
            }
            _ => None,
        };
        if let Some(edits) = edits {
            violation = violation.with_fix(Fix::new("Use an aware UTC datetime", edits));
        }
    }
    checker.report(call, violation);
}

/// An expression for `datetime.timezone.utc` that works without a new
/// import: through the `datetime` module when the call names it
/// (`datetime.datetime.utcnow()`), or through an imported `timezone`.
fn utc_expression(object: Node<'_>, checker: &Checker<'_>) -> Option<String> {
    let text = checker.text;
    if object.kind() == "attribute" {
        let module = object.py_field("object")?;
        if module.kind() == "identifier"
            && checker
                .semantic
                .qualified_names(module, text)
                .iter()
                .any(|n| n == "datetime")
        {
            return Some(format!("{}.timezone.utc", node_text(module, text)));
        }
    }
    if checker.semantic.binding("timezone") == Some("datetime.timezone") {
        return Some("timezone.utc".to_string());
    }
    None
}
