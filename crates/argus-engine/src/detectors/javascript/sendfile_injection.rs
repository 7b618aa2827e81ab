use super::super::prelude::*;
use super::{call_args, object_property};
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into the file an HTTP response sends:
    /// Express `res.sendFile` and `res.download` without a `root` option.
    /// With `root`, Express resolves the path inside that directory and
    /// refuses `..`, so those calls are not reported; neither are Koa's
    /// `send` and Fastify's `reply.sendFile`, which always work from a
    /// root.
    ///
    /// ## Why is this bad?
    /// An absolute path or `../` in the input sends any file the process
    /// can read (source code, `.env`, keys) to whoever asks.
    ///
    /// ## Example
    /// ```javascript
    /// app.get("/download", (req, res) => {
    ///   res.sendFile(path.join(__dirname, "public", req.query.file));
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.get("/download", (req, res) => {
    ///   res.sendFile(req.query.file, { root: path.join(__dirname, "public") });
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
    /// - [Express res.sendFile](https://expressjs.com/en/api.html#res.sendFile)
    pub static SPEC = {
        ids: &["javascript/sendfile-injection@v1.0", "typescript/sendfile-injection@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "File sent from a path the client chooses",
        category: Category::Security,
        cwes: &[22, 73],
        tags: &["injection", "path", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Pass the client's file name with a `root` option (res.sendFile(name, { root })), or resolve it and check it stays in the directory.",
        keywords: &["sendfile", "download"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            ".sendFile",
            &[Arg::At(0, "path")],
            "sendfile",
            "the file sent by {callee}",
        )
        .when(without_root),
        Sink::new(
            ".sendfile",
            &[Arg::At(0, "path")],
            "sendfile",
            "the file sent by {callee}",
        )
        .when(without_root),
        Sink::new(
            ".download",
            &[Arg::At(0, "path")],
            "download",
            "the file sent by {callee}",
        )
        .when(without_root),
    ],
    sanitizers: &["path.basename", "path.posix.basename", "sanitize-filename"],
    local_sources: false,
    ..TaintSpec::DEFAULT
};

/// An Express response method called without `{ root }`; Fastify's
/// `reply.sendFile` always resolves against its root.
fn without_root(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    if super::receiver_named(call, text, &["reply"]) {
        return false;
    }
    !call_args(call)
        .into_iter()
        .any(|a| object_property(a, "root", text).is_some())
}
