use super::super::prelude::*;
use super::quality::ignored_file_call;

detector! {
    /// ## What it does
    /// Finds `file.delete()` on a `java.io.File` used as a statement, its
    /// boolean result ignored. `java.nio.file.Files.delete`, which throws
    /// when it fails, is not reported.
    ///
    /// ## Why is this bad?
    /// `File.delete()` does not throw: it returns `false` when the file
    /// could not be deleted (missing permissions, a file still open on
    /// Windows, a non-empty directory). Ignoring the result leaves stale
    /// files behind silently — temporary files with sensitive contents,
    /// lock files that block the next run, or data the program believes is
    /// gone.
    ///
    /// No automatic fix is offered: `Files.delete(file.toPath())` reports
    /// the failure as an `IOException`, which the method must then handle
    /// or declare, and `Files.deleteIfExists` changes what a missing file
    /// means; choose the behaviour you need.
    ///
    /// ## Example
    /// ```java
    /// tempFile.delete();
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// if (!tempFile.delete()) {
    ///     log.warn("could not delete {}", tempFile);
    /// }
    /// // or, to learn why it failed:
    /// Files.delete(tempFile.toPath());
    /// ```
    ///
    /// ## References
    /// - [CWE-252: Unchecked Return Value](https://cwe.mitre.org/data/definitions/252.html)
    /// - [java.io.File.delete](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/io/File.html#delete())
    /// - [java.nio.file.Files.delete](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/nio/file/Files.html#delete(java.nio.file.Path))
    pub static SPEC = {
        ids: &["java/missing-file-deletion-result-check@v1.0"],
        languages: &[Language::Java],
        name: "File deletion result not checked",
        category: Category::Quality,
        cwes: &[252, 754],
        tags: &["error-handling", "files"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Check the boolean File.delete() returns, or use Files.delete(path), which throws an IOException saying why the file could not be deleted.",
        keywords: &["delete()"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let Some((file, _)) = ignored_file_call(call, &["delete"], checker) else {
        return;
    };
    let file = checker.text_of(file);
    checker.report(
        call,
        Violation::new(
            "result-ignored",
            format!("the result of {file}.delete() is ignored: a file that could not be deleted goes unnoticed"),
        ),
    );
}
