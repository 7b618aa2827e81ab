use super::super::prelude::*;
use super::{call_args, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds streams sorted only to take their first element:
    /// `stream.sorted(comparator).findFirst()` (the minimum) and
    /// `stream.sorted(comparator.reversed()).findFirst()` or
    /// `sorted(Comparator.reverseOrder()).findFirst()` (the maximum).
    ///
    /// ## Why is this bad?
    /// Sorting buffers every element and costs O(n log n) time and O(n)
    /// memory to find one of them; `min` and `max` make one pass and keep
    /// one element. They return the same element: the first minimal (or
    /// maximal) one in encounter order, as the stable sort does.
    ///
    /// The fix rewrites `sorted(c).findFirst()` to `min(c)`,
    /// `sorted(c.reversed()).findFirst()` to `max(c)` and
    /// `sorted(Comparator.reverseOrder()).findFirst()` to
    /// `max(Comparator.naturalOrder())`. `sorted().findFirst()` without a
    /// comparator is reported without a fix: on an `IntStream` the
    /// replacement is `min()`, on a `Stream` it is
    /// `min(Comparator.naturalOrder())`.
    ///
    /// ## Example
    /// ```java
    /// Optional<Order> oldest = orders.stream()
    ///     .sorted(Comparator.comparing(Order::createdAt))
    ///     .findFirst();
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// Optional<Order> oldest = orders.stream()
    ///     .min(Comparator.comparing(Order::createdAt));
    /// ```
    ///
    /// ## References
    /// - [java.util.stream.Stream.min](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/util/stream/Stream.html#min(java.util.Comparator))
    /// - [CWE-1176: Inefficient CPU Computation](https://cwe.mitre.org/data/definitions/1176.html)
    pub static SPEC = {
        ids: &["java/stream-min-max-vs-sort@v1.0"],
        languages: &[Language::Java],
        name: "Sort used to find a minimum or maximum",
        category: Category::Quality,
        cwes: &[1176],
        tags: &["performance", "streams"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Use min(comparator) or max(comparator) instead of sorted(...).findFirst().",
        keywords: &["sorted"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if method_name(call, text) != Some("findFirst") || !call_args(call).is_empty() {
        return;
    }
    let Some(sorted) = receiver(call).filter(|r| method_name(*r, text) == Some("sorted")) else {
        return;
    };
    // `Stream.sorted` takes at most a comparator, and is called on something.
    let args = call_args(sorted);
    if args.len() > 1 || receiver(sorted).is_none() {
        return;
    }
    let Some(sorted_name) = sorted.child_by_field_name("name") else {
        return;
    };
    let mut violation = Violation::new(
        "sort-for-first",
        "sorted(...).findFirst() sorts the whole stream to take one element: use min or max",
    );
    if let Some(comparator) = args.first() {
        let (method, argument) = match reversed(*comparator, text) {
            Some(original) => ("max", original),
            None => ("min", node_text(*comparator, text).to_string()),
        };
        violation = violation.with_fix(Fix::new(
            format!("Use {method}(...)"),
            vec![Edit::replace(
                sorted_name.start_byte()..call.end_byte(),
                format!("{method}({argument})"),
            )],
        ));
    }
    checker.report(call, violation);
}

/// The comparator a reversing comparator reverses: `c` for `c.reversed()`,
/// `Comparator.naturalOrder()` for `Comparator.reverseOrder()` (and
/// `Collections.reverseOrder()`).
fn reversed(comparator: Node<'_>, text: &str) -> Option<String> {
    let name = method_name(comparator, text)?;
    let args = call_args(comparator);
    match name {
        "reversed" if args.is_empty() => {
            receiver(comparator).map(|r| node_text(r, text).to_string())
        }
        "reverseOrder" if args.is_empty() => {
            let owner = receiver(comparator).map(|r| node_text(r, text))?;
            match owner {
                "Comparator" | "java.util.Comparator" => Some(format!("{owner}.naturalOrder()")),
                "Collections" => Some("java.util.Comparator.naturalOrder()".to_string()),
                _ => None,
            }
        }
        _ => None,
    }
}
