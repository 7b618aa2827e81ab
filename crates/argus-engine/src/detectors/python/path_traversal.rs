use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request data into file system paths: `open`, `io.open`,
    /// `codecs.open`, `os` and `shutil` functions that read, write, list or
    /// delete, `pathlib.Path` methods, and Flask's `send_file`. Names
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
