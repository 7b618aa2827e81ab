use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request data into the path of a file that is written,
    /// created, moved or deleted: `fs.writeFile`, `appendFile`,
    /// `createWriteStream`, `mkdir`, `rename`, `copyFile`, `unlink`, `rm`,
    /// `rmdir`, `symlink`, `chmod` and their `Sync` and `fs/promises`
    /// forms. Paths made safe with `path.basename`, or checked to stay
    /// under a base directory, are not reported.
    ///
    /// ## Why is this bad?
    /// With `../` in the name an attacker writes outside the intended
    /// directory: over the application's code, a configuration file, an
    /// SSH `authorized_keys`, or deletes what they choose.
    ///
    /// ## Example
    /// ```javascript
    /// app.post("/notes", (req, res) => {
    ///   fs.writeFileSync(`notes/${req.body.title}.txt`, req.body.text);
    ///   res.end();
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.post("/notes", (req, res) => {
    ///   const name = path.basename(String(req.body.title));
    ///   fs.writeFileSync(path.join("notes", `${name}.txt`), req.body.text);
    ///   res.end();
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-73: External Control of File Name or Path](https://cwe.mitre.org/data/definitions/73.html)
    /// - [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
    pub static SPEC = {
        ids: &["javascript/file-injection@v1.0", "typescript/file-injection@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "File injection",
        category: Category::Security,
        cwes: &[73, 22],
        tags: &["injection", "path", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Build file names from validated input only (path.basename, an allow-list, or a generated id) and check the resolved path stays in its directory.",
        keywords: &["fs", "writefile", "appendfile", "createwritestream", "unlink", "mkdir", "rename"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const WRITE: &str = "the path of a file written by {callee}";
const CHANGE: &str = "a path changed by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new("fs.writeFile", &[Arg::At(0, "path")], "write", WRITE),
        Sink::new("fs.writeFileSync", &[Arg::At(0, "path")], "write", WRITE),
        Sink::new("fs.appendFile", &[Arg::At(0, "path")], "write", WRITE),
        Sink::new("fs.appendFileSync", &[Arg::At(0, "path")], "write", WRITE),
        Sink::new(
            "fs.createWriteStream",
            &[Arg::At(0, "path")],
            "write",
            WRITE,
        ),
        Sink::new(
            "fs.promises.writeFile",
            &[Arg::At(0, "path")],
            "write",
            WRITE,
        ),
        Sink::new(
            "fs.promises.appendFile",
            &[Arg::At(0, "path")],
            "write",
            WRITE,
        ),
        Sink::new(
            "fs/promises.writeFile",
            &[Arg::At(0, "path")],
            "write",
            WRITE,
        ),
        Sink::new(
            "fs/promises.appendFile",
            &[Arg::At(0, "path")],
            "write",
            WRITE,
        ),
        Sink::new("fs-extra.outputFile", &[Arg::At(0, "path")], "write", WRITE),
        Sink::new("fs-extra.writeJson", &[Arg::At(0, "path")], "write", WRITE),
        Sink::new("fs.mkdir", &[Arg::At(0, "path")], "change", CHANGE),
        Sink::new("fs.mkdirSync", &[Arg::At(0, "path")], "change", CHANGE),
        Sink::new(
            "fs.rename",
            &[Arg::At(0, "oldPath"), Arg::At(1, "newPath")],
            "change",
            CHANGE,
        ),
        Sink::new(
            "fs.renameSync",
            &[Arg::At(0, "oldPath"), Arg::At(1, "newPath")],
            "change",
            CHANGE,
        ),
        Sink::new("fs.copyFile", &[Arg::At(1, "dest")], "change", CHANGE),
        Sink::new("fs.copyFileSync", &[Arg::At(1, "dest")], "change", CHANGE),
        Sink::new(
            "fs.unlink",
            &[Arg::At(0, "path")],
            "delete",
            "the path of a file deleted by {callee}",
        ),
        Sink::new(
            "fs.unlinkSync",
            &[Arg::At(0, "path")],
            "delete",
            "the path of a file deleted by {callee}",
        ),
        Sink::new(
            "fs.rm",
            &[Arg::At(0, "path")],
            "delete",
            "the path of a file deleted by {callee}",
        ),
        Sink::new(
            "fs.rmSync",
            &[Arg::At(0, "path")],
            "delete",
            "the path of a file deleted by {callee}",
        ),
        Sink::new(
            "fs.rmdir",
            &[Arg::At(0, "path")],
            "delete",
            "the path of a file deleted by {callee}",
        ),
        Sink::new(
            "fs.rmdirSync",
            &[Arg::At(0, "path")],
            "delete",
            "the path of a file deleted by {callee}",
        ),
        Sink::new(
            "fs.promises.unlink",
            &[Arg::At(0, "path")],
            "delete",
            "the path of a file deleted by {callee}",
        ),
        Sink::new(
            "fs.promises.rm",
            &[Arg::At(0, "path")],
            "delete",
            "the path of a file deleted by {callee}",
        ),
        Sink::new(
            "fs/promises.unlink",
            &[Arg::At(0, "path")],
            "delete",
            "the path of a file deleted by {callee}",
        ),
        Sink::new(
            "fs/promises.rm",
            &[Arg::At(0, "path")],
            "delete",
            "the path of a file deleted by {callee}",
        ),
        Sink::new("fs.symlink", &[Arg::At(1, "path")], "change", CHANGE),
        Sink::new("fs.symlinkSync", &[Arg::At(1, "path")], "change", CHANGE),
        Sink::new("fs.chmod", &[Arg::At(0, "path")], "change", CHANGE),
        Sink::new("fs.chmodSync", &[Arg::At(0, "path")], "change", CHANGE),
    ],
    sanitizers: &["path.basename", "path.posix.basename", "sanitize-filename"],
    local_sources: false,
    ..TaintSpec::DEFAULT
};
