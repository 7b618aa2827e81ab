use super::super::prelude::*;
use super::enclosing_scope;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into file system paths: `open`, `io.open`,
    /// `codecs.open`, `os` and `shutil` functions that read, write, list or
    /// delete, `pathlib.Path` methods, Flask's `send_file`, and tar
    /// archives from the request extracted without an extraction filter
    /// (their member names are paths too; `zipfile` cleans its own). Names
    /// reduced with `os.path.basename` or `werkzeug.utils.secure_filename`,
    /// joined with `safe_join`, or checked against a base directory
    /// (`startswith`, `is_relative_to`) are safe.
    ///
    /// ## Why is this bad?
    /// `../` sequences and absolute paths in the input leave the directory
    /// the application meant to serve: an attacker reads configuration and
    /// keys, overwrites code, or deletes data.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/download")
    /// def download():
    ///     name = request.args["file"]
    ///     return send_file(os.path.join(UPLOADS, name))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @app.route("/download")
    /// def download():
    ///     name = request.args["file"]
    ///     return send_from_directory(UPLOADS, name)
    /// ```
    /// Or reduce the name with `werkzeug.utils.secure_filename`, or resolve
    /// the path and check it is still inside the base directory.
    ///
    /// ## References
    /// - [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
    /// - [OWASP Path Traversal](https://owasp.org/www-community/attacks/Path_Traversal)
    /// - [Flask send_from_directory](https://flask.palletsprojects.com/en/latest/api/#flask.send_from_directory)
    pub static SPEC = {
        ids: &["python/path-traversal@v1.0"],
        languages: &[Language::Python],
        name: "Path traversal",
        category: Category::Security,
        cwes: &[22, 23, 73],
        tags: &["injection", "file-system", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Reduce input to a file name (os.path.basename, secure_filename) or join with safe_join / send_from_directory, then check the resolved path stays inside the base directory.",
        keywords: &["open", "send_file", "os.", "shutil", "path"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const OPEN: &str = "a file path opened by {callee}";
const FS: &str = "a file system path used by {callee}";
const TAR: &str = "a tar archive opened by {callee} whose members are extracted without a filter";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new("open", &[Arg::At(0, "file")], "open", OPEN),
        Sink::new("io.open", &[Arg::At(0, "file")], "open", OPEN),
        Sink::new("codecs.open", &[Arg::At(0, "filename")], "open", OPEN),
        Sink::new("os.open", &[Arg::At(0, "path")], "open", OPEN),
        Sink::new(
            "flask.send_file",
            &[Arg::At(0, "path_or_file")],
            "send-file",
            "a file sent by {callee}",
        ),
        Sink::new(
            "django.http.FileResponse",
            &[Arg::At(0, "streaming_content")],
            "send-file",
            "a file sent by {callee}",
        ),
        Sink::new(
            "starlette.responses.FileResponse",
            &[Arg::At(0, "path")],
            "send-file",
            "a file sent by {callee}",
        ),
        Sink::new(
            "fastapi.responses.FileResponse",
            &[Arg::At(0, "path")],
            "send-file",
            "a file sent by {callee}",
        ),
        Sink::new("os.remove", &[Arg::At(0, "path")], "fs", FS),
        Sink::new("os.unlink", &[Arg::At(0, "path")], "fs", FS),
        Sink::new("os.rmdir", &[Arg::At(0, "path")], "fs", FS),
        Sink::new("os.removedirs", &[Arg::At(0, "name")], "fs", FS),
        Sink::new(
            "os.rename",
            &[Arg::At(0, "src"), Arg::At(1, "dst")],
            "fs",
            FS,
        ),
        Sink::new(
            "os.replace",
            &[Arg::At(0, "src"), Arg::At(1, "dst")],
            "fs",
            FS,
        ),
        Sink::new("os.makedirs", &[Arg::At(0, "name")], "fs", FS),
        Sink::new("os.mkdir", &[Arg::At(0, "path")], "fs", FS),
        Sink::new("os.listdir", &[Arg::At(0, "path")], "fs", FS),
        Sink::new("os.scandir", &[Arg::At(0, "path")], "fs", FS),
        Sink::new("os.chmod", &[Arg::At(0, "path")], "fs", FS),
        Sink::new("os.chown", &[Arg::At(0, "path")], "fs", FS),
        Sink::new(
            "os.symlink",
            &[Arg::At(0, "src"), Arg::At(1, "dst")],
            "fs",
            FS,
        ),
        Sink::new("os.truncate", &[Arg::At(0, "path")], "fs", FS),
        Sink::new("shutil.rmtree", &[Arg::At(0, "path")], "fs", FS),
        Sink::new(
            "shutil.copy",
            &[Arg::At(0, "src"), Arg::At(1, "dst")],
            "fs",
            FS,
        ),
        Sink::new(
            "shutil.copy2",
            &[Arg::At(0, "src"), Arg::At(1, "dst")],
            "fs",
            FS,
        ),
        Sink::new(
            "shutil.copyfile",
            &[Arg::At(0, "src"), Arg::At(1, "dst")],
            "fs",
            FS,
        ),
        Sink::new(
            "shutil.copytree",
            &[Arg::At(0, "src"), Arg::At(1, "dst")],
            "fs",
            FS,
        ),
        Sink::new(
            "shutil.move",
            &[Arg::At(0, "src"), Arg::At(1, "dst")],
            "fs",
            FS,
        ),
        Sink::new(".read_text", &[Arg::Receiver], "pathlib", FS),
        Sink::new(".read_bytes", &[Arg::Receiver], "pathlib", FS),
        Sink::new(".write_text", &[Arg::Receiver], "pathlib", FS),
        Sink::new(".write_bytes", &[Arg::Receiver], "pathlib", FS),
        Sink::new(".unlink", &[Arg::Receiver], "pathlib", FS),
        Sink::new(".rmdir", &[Arg::Receiver], "pathlib", FS),
        Sink::new(".iterdir", &[Arg::Receiver], "pathlib", FS),
        // Member names of a tar archive are paths chosen by whoever made
        // it (`../../etc/cron.d/x`, absolute names, links); zipfile
        // cleans them, tarfile does not without an extraction filter.
        Sink::new(
            "tarfile.open",
            &[Arg::At(0, "name"), Arg::Keyword("fileobj")],
            "tar-extraction",
            TAR,
        )
        .when(extracted_unfiltered),
        Sink::new(
            "tarfile.TarFile",
            &[Arg::At(0, "name"), Arg::Keyword("fileobj")],
            "tar-extraction",
            TAR,
        )
        .when(extracted_unfiltered),
        Sink::new(
            "io.BytesIO",
            &[Arg::At(0, "initial_bytes")],
            "tar-extraction",
            "a tar archive read from a buffer whose members are extracted without a filter",
        )
        .when(buffered_tar),
    ],
    sanitizers: &[
        "os.path.basename",
        "posixpath.basename",
        "ntpath.basename",
        "werkzeug.utils.secure_filename",
        "werkzeug.security.safe_join",
        "werkzeug.utils.safe_join",
        "flask.safe_join",
        "django.utils._os.safe_join",
        "django.core.files.storage.default_storage.get_valid_name",
        ".get_valid_name",
    ],
    ..TaintSpec::DEFAULT
};

/// The function extracts members, with no extraction filter (`filter=`,
/// `extraction_filter`, Python 3.12+) and no look at the members first.
fn extracted_unfiltered(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    let body = node_text(enclosing_scope(call), text);
    let extracts = body.contains("extractall(") || body.contains(".extract(");
    extracts
        && !["filter", "getmembers", "members="]
            .iter()
            .any(|w| body.contains(w))
}

/// A `BytesIO` handed straight to a tar constructor.
fn buffered_tar(call: Node<'_>, text: &str, semantic: &SemanticModel) -> bool {
    let mut parent = call.parent();
    if parent.is_some_and(|p| p.kind() == "keyword_argument") {
        parent = parent.and_then(|p| p.parent());
    }
    let is_tar = parent
        .filter(|p| p.kind() == "argument_list")
        .and_then(|p| p.parent())
        .is_some_and(|c| {
            semantic
                .call_matches(c, text, &["tarfile.open", "tarfile.TarFile"])
                .is_some()
        });
    is_tar && extracted_unfiltered(call, text, semantic)
}
