use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request data into the path of a file that is read or
    /// listed: `fs.readFile`, `readFileSync`, `createReadStream`, `open`,
    /// `readdir`, `stat`, `access`, `exists` and their `fs/promises`
    /// forms. Paths made safe with `path.basename`, or checked to stay
    /// under a base directory (`if (!full.startsWith(root)) return`), are
    /// not reported. Writing files is `file-injection`; `res.sendFile` is
    /// `sendfile-injection`.
    ///
    /// ## Why is this bad?
    /// `../` in the input climbs out of the intended directory: an attacker
    /// reads any file the process can, such as configuration files,
    /// private keys or `/etc/passwd`.
    ///
    /// ## Example
    /// ```javascript
    /// app.get("/files", (req, res) => {
    ///   res.send(fs.readFileSync(path.join(__dirname, "files", req.query.name)));
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const ROOT = path.join(__dirname, "files");
    /// app.get("/files", (req, res) => {
    ///   const full = path.resolve(ROOT, req.query.name);
    ///   if (!full.startsWith(ROOT + path.sep)) return res.status(400).end();
    ///   res.send(fs.readFileSync(full));
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
    /// - [OWASP Path Traversal](https://owasp.org/www-community/attacks/Path_Traversal)
    pub static SPEC = {
        ids: &["javascript/path-traversal@v1.0", "typescript/path-traversal@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Path traversal",
        category: Category::Security,
        cwes: &[22, 23, 73],
        tags: &["injection", "path", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Resolve the path against a base directory and refuse it unless it stays inside (or keep only path.basename of the input).",
        keywords: &["fs", "readfile", "createreadstream", "readdir"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const READ: &str = "the path of a file read by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new("fs.readFile", &[Arg::At(0, "path")], "read", READ),
        Sink::new("fs.readFileSync", &[Arg::At(0, "path")], "read", READ),
        Sink::new("fs.createReadStream", &[Arg::At(0, "path")], "read", READ),
        Sink::new("fs.open", &[Arg::At(0, "path")], "read", READ),
        Sink::new("fs.openSync", &[Arg::At(0, "path")], "read", READ),
        Sink::new(
            "fs.readdir",
            &[Arg::At(0, "path")],
            "list",
            "the directory listed by {callee}",
        ),
        Sink::new(
            "fs.readdirSync",
            &[Arg::At(0, "path")],
            "list",
            "the directory listed by {callee}",
        ),
        Sink::new(
            "fs.stat",
            &[Arg::At(0, "path")],
            "stat",
            "the path probed by {callee}",
        ),
        Sink::new(
            "fs.statSync",
            &[Arg::At(0, "path")],
            "stat",
            "the path probed by {callee}",
        ),
        Sink::new("fs.promises.readFile", &[Arg::At(0, "path")], "read", READ),
        Sink::new("fs.promises.open", &[Arg::At(0, "path")], "read", READ),
        Sink::new(
            "fs.promises.readdir",
            &[Arg::At(0, "path")],
            "list",
            "the directory listed by {callee}",
        ),
        Sink::new("fs/promises.readFile", &[Arg::At(0, "path")], "read", READ),
        Sink::new("fs/promises.open", &[Arg::At(0, "path")], "read", READ),
        Sink::new(
            "fs/promises.readdir",
            &[Arg::At(0, "path")],
            "list",
            "the directory listed by {callee}",
        ),
        Sink::new("fs-extra.readFile", &[Arg::At(0, "path")], "read", READ),
        Sink::new("fs-extra.readFileSync", &[Arg::At(0, "path")], "read", READ),
        Sink::new("fs-extra.readJson", &[Arg::At(0, "path")], "read", READ),
        Sink::new("fs-extra.readJsonSync", &[Arg::At(0, "path")], "read", READ),
    ],
    sanitizers: &["path.basename", "path.posix.basename", "sanitize-filename"],
    local_sources: false,
    ..TaintSpec::DEFAULT
};
