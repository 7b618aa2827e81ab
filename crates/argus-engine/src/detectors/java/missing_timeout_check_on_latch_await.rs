use super::super::prelude::*;
use super::quality::{declaration, expression_is, ignored_timed_wait};

detector! {
    /// ## What it does
    /// Finds `latch.await(timeout, unit)` on a
    /// `java.util.concurrent.CountDownLatch` used as a statement, its
    /// boolean result ignored. Waits for `Long.MAX_VALUE`, and methods that
    /// read `latch.getCount()` to tell whether the wait timed out, are not
    /// reported.
    ///
    /// ## Why is this bad?
    /// The timed `await` returns `false` when the time ran out before the
    /// count reached zero. Code that goes on as if the awaited work had
    /// finished then reads results that are not there yet, or reports
    /// success for tasks that are still running or hung.
    ///
    /// ## Example
    /// ```java
    /// latch.await(30, TimeUnit.SECONDS);
    /// return results;
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// if (!latch.await(30, TimeUnit.SECONDS)) {
    ///     throw new TimeoutException("workers did not finish in 30s");
    /// }
    /// return results;
    /// ```
    ///
    /// ## References
    /// - [CWE-252: Unchecked Return Value](https://cwe.mitre.org/data/definitions/252.html)
    /// - [java.util.concurrent.CountDownLatch.await(long, TimeUnit)](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/util/concurrent/CountDownLatch.html#await(long,java.util.concurrent.TimeUnit))
    pub static SPEC = {
        ids: &["java/missing-timeout-check-on-latch-await@v1.0"],
        languages: &[Language::Java],
        name: "Latch await timeout not checked",
        category: Category::Quality,
        cwes: &[252, 754],
        tags: &["concurrency", "error-handling"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Check the boolean CountDownLatch.await(timeout, unit) returns and handle the timeout.",
        keywords: &["CountDownLatch"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

const LATCH: &[&str] = &["java.util.concurrent.CountDownLatch"];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(latch) = ignored_timed_wait(call, "await", text) else {
        return;
    };
    let is_latch = expression_is(latch, LATCH, checker)
        || (latch.kind() == "identifier"
            && declaration(latch, text).is_none()
            && node_text(latch, text)
                .to_ascii_lowercase()
                .contains("latch"));
    if !is_latch {
        return;
    }
    let latch = checker.text_of(latch);
    checker.report(
        call,
        Violation::new(
            "timeout-ignored",
            format!(
                "{latch}.await(timeout, unit) returns false on timeout, and the result is ignored"
            ),
        ),
    );
}
