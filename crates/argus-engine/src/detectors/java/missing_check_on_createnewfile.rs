use super::super::prelude::*;
use super::quality::ignored_file_call;

detector! {
    /// ## What it does
    /// Finds `file.createNewFile()`, `dir.mkdir()` and `dir.mkdirs()` on a
    /// `java.io.File` used as statements, their boolean result ignored.
    ///
    /// ## Why is this bad?
    /// These methods do not throw when they fail or when the file or
    /// directory already exists: they return `false`. `createNewFile()`
    /// returning `false` means another process created the file first — the
    /// atomic check the call exists for — and a failed `mkdirs()` shows up
    /// later as a confusing `FileNotFoundException` far from its cause.
    ///
    /// ## Example
    /// ```java
    /// lockFile.createNewFile();
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// if (!lockFile.createNewFile()) {
    ///     throw new IllegalStateException("already running: " + lockFile);
    /// }
    /// // directories: Files.createDirectories(dir.toPath()) throws on failure
    /// ```
    ///
    /// ## References
    /// - [CWE-252: Unchecked Return Value](https://cwe.mitre.org/data/definitions/252.html)
    /// - [java.io.File.createNewFile](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/io/File.html#createNewFile())
    /// - [java.nio.file.Files.createDirectories](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/nio/file/Files.html#createDirectories(java.nio.file.Path,java.nio.file.attribute.FileAttribute...))
    pub static SPEC = {
        ids: &["java/missing-check-on-createnewfile@v1.0"],
        languages: &[Language::Java],
        name: "File creation result not checked",
        category: Category::Quality,
        cwes: &[252, 754],
        tags: &["error-handling", "files"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Check the boolean createNewFile()/mkdir()/mkdirs() return, or use Files.createFile/Files.createDirectories, which throw on failure.",
        keywords: &["createNewFile", "mkdir"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let Some((file, method)) =
        ignored_file_call(call, &["createNewFile", "mkdir", "mkdirs"], checker)
    else {
        return;
    };
    let file = checker.text_of(file);
    checker.report(
        call,
        Violation::new(
            "result-ignored",
            format!("the result of {file}.{method}() is ignored: a failure (or an existing file) goes unnoticed"),
        ),
    );
}
