use super::super::prelude::*;
use super::quality::ignored_timed_wait;

detector! {
    /// ## What it does
    /// Finds `executor.awaitTermination(timeout, unit)` used as a
    /// statement, its boolean result ignored (`ExecutorService`, Netty
    /// event loop groups and gRPC channels all return `false` on timeout).
    /// Waits for `Long.MAX_VALUE`, and methods that ask the executor
    /// `isTerminated()` afterwards, are not reported.
    ///
    /// ## Why is this bad?
    /// `awaitTermination` returns `false` when tasks were still running at
    /// the deadline. Ignoring it lets shutdown code continue as if the pool
    /// had stopped: tasks keep running against resources that are being
    /// closed, and work that never finished is silently lost.
    ///
    /// ## Example
    /// ```java
    /// executor.shutdown();
    /// executor.awaitTermination(10, TimeUnit.SECONDS);
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// executor.shutdown();
    /// if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
    ///     executor.shutdownNow();
    /// }
    /// ```
    ///
    /// ## References
    /// - [CWE-252: Unchecked Return Value](https://cwe.mitre.org/data/definitions/252.html)
    /// - [java.util.concurrent.ExecutorService.awaitTermination](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/util/concurrent/ExecutorService.html#awaitTermination(long,java.util.concurrent.TimeUnit))
    pub static SPEC = {
        ids: &["java/missing-timeout-check-on-awaittermination@v1.0"],
        languages: &[Language::Java],
        name: "awaitTermination timeout not checked",
        category: Category::Quality,
        cwes: &[252, 754],
        tags: &["concurrency", "error-handling"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Check the boolean awaitTermination returns; on false, cancel the remaining tasks (shutdownNow) or report the timeout.",
        keywords: &["awaitTermination"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let Some(executor) = ignored_timed_wait(call, "awaitTermination", checker.text) else {
        return;
    };
    let executor = checker.text_of(executor);
    checker.report(
        call,
        Violation::new(
            "timeout-ignored",
            format!("{executor}.awaitTermination(timeout, unit) returns false when tasks are still running, and the result is ignored"),
        ),
    );
}
