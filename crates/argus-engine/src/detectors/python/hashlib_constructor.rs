use super::super::prelude::*;
use super::{method_name_node, remove_argument};

detector! {
    /// ## What it does
    /// Finds `hashlib.new("<name>")` where `<name>` is an algorithm that
    /// `hashlib` exposes as a named constructor (`hashlib.sha256`, ...).
    ///
    /// ## Why is this bad?
    /// The named constructors are faster (no name lookup through OpenSSL on
    /// every call), are checked by linters and type checkers, and make the
    /// algorithm visible to readers and tools at a glance. A misspelled name
    /// passed to `hashlib.new` only fails at run time.
    ///
    /// ## Example
    /// ```python
    /// import hashlib
    ///
    /// digest = hashlib.new("sha256", payload).hexdigest()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import hashlib
    ///
    /// digest = hashlib.sha256(payload).hexdigest()
    /// ```
    ///
    /// ## References
    /// - [Python hashlib](https://docs.python.org/3/library/hashlib.html#hash-algorithms)
    /// - [CWE-710: Improper Adherence to Coding Standards](https://cwe.mitre.org/data/definitions/710.html)
    pub static SPEC = {
        ids: &["python/hashlib-constructor@v1.0"],
        languages: &[Language::Python],
        name: "Use the named hashlib constructor",
        category: Category::Quality,
        cwes: &[710],
        tags: &["maintainability", "efficiency"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Call the algorithm's constructor directly, e.g. hashlib.sha256(data) instead of hashlib.new(\"sha256\", data).",
        keywords: &["hashlib"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// Algorithms with a named constructor in `hashlib` on every platform.
const CONSTRUCTORS: &[&str] = &[
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sha3_224",
    "sha3_256",
    "sha3_384",
    "sha3_512",
    "blake2b",
    "blake2s",
    "shake_128",
    "shake_256",
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if checker
        .semantic
        .call_matches(call, text, &["hashlib.new"])
        .is_none()
    {
        return;
    }
    if call_arguments(call).is_none_or(|a| a.kind() != "argument_list") {
        return;
    }
    let positional = positional_arguments(checker.grammar, call);
    let Some(first) = positional.first().copied() else {
        return;
    };
    let Some(name) = string_literal(first, text) else {
        return;
    };
    let name = name.to_ascii_lowercase().replace('-', "_");
    let Some(constructor) = CONSTRUCTORS.iter().find(|c| **c == name) else {
        return;
    };
    let mut violation = Violation::new(
        "named-constructor",
        format!("use hashlib.{constructor}(...) instead of hashlib.new(\"{name}\", ...)"),
    );
    // `hashlib.new("sha256", x)` -> `hashlib.sha256(x)`
    if let Some(method) = method_name_node(call) {
        violation = violation.with_fix(Fix::new(
            format!("Call hashlib.{constructor}"),
            vec![
                Edit::replace(method.byte_range(), *constructor),
                remove_argument(first, text),
            ],
        ));
    }
    checker.report(call, violation);
}
