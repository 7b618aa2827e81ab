use super::super::prelude::*;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into the path where an uploaded file is
    /// stored: Flask/Werkzeug `request.files[...]`/`.get(...)` (or a name
    /// bound to one, or a loop over `getlist(...)`) saved with
    /// `.save(path)`, and Django storage `save(name, content)` on
    /// `default_storage` or a `FileSystemStorage`, when the path or the
    /// name comes from the client (the upload's `filename`/`name`, a form
    /// field). A name passed through `secure_filename` or
    /// `get_valid_filename`, or validated in a condition, is safe.
    ///
    /// ## Why is this bad?
    /// The client chooses the file name: `../../app/templates/base.html`
    /// writes outside the upload directory, and `shell.php`, `x.html` or
    /// `.htaccess` under a served directory is run or rendered by the web
    /// server, which turns an upload form into code execution or stored
    /// cross-site scripting.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/upload", methods=["POST"])
    /// def upload():
    ///     f = request.files["file"]
    ///     f.save(os.path.join(app.config["UPLOAD_FOLDER"], f.filename))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @app.route("/upload", methods=["POST"])
    /// def upload():
    ///     f = request.files["file"]
    ///     if not allowed_file(f.filename):
    ///         abort(400)
    ///     f.save(os.path.join(app.config["UPLOAD_FOLDER"], secure_filename(f.filename)))
    /// ```
    ///
    /// ## References
    /// - [CWE-434: Unrestricted Upload of File with Dangerous Type](https://cwe.mitre.org/data/definitions/434.html)
    /// - [Flask: Uploading Files](https://flask.palletsprojects.com/en/stable/patterns/fileuploads/)
    /// - [OWASP File Upload Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/File_Upload_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["python/unrestricted-file-upload@v1.0"],
        languages: &[Language::Python],
        name: "Unrestricted file upload",
        category: Category::Security,
        cwes: &[434, 22],
        tags: &["file-upload", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::InternetHighEffort,
        remediation: "Store uploads under a name the server chooses or one cleaned with secure_filename, and accept only allow-listed extensions.",
        keywords: &["files", "FILES", "storage"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const SAVE: &str = "the path where {callee} stores an uploaded file";

/// An uploaded file read from the request: `request.files["f"]`,
/// `request.files.get("f")`, `request.FILES["f"]`.
fn upload_expression(node: Node<'_>, text: &str) -> bool {
    let base = match node.kind() {
        "subscript" => node.py_field("value"),
        "call" => node
            .py_field("function")
            .filter(|f| f.kind() == "attribute")
            .filter(|f| {
                f.py_field("attribute")
                    .is_some_and(|a| node_text(a, text) == "get")
            })
            .and_then(|f| f.py_field("object")),
        _ => None,
    };
    base.filter(|b| b.kind() == "attribute")
        .and_then(|b| b.py_field("attribute"))
        .is_some_and(|a| matches!(node_text(a, text), "files" | "FILES"))
}

/// An iteration over uploaded files (`request.files.getlist("f")`,
/// `request.files.values()`, `request.FILES.getlist("f")`).
fn uploads_iterable(node: Node<'_>, text: &str) -> bool {
    let written = node_text(node, text);
    written.contains(".files") || written.contains(".FILES")
}

/// The receiver of `.save` is an uploaded file.
fn saves_upload(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    let Some(receiver) = call.py_field("function").and_then(|f| f.py_field("object")) else {
        return false;
    };
    if upload_expression(receiver, text) {
        return true;
    }
    if receiver.kind() != "identifier" {
        return false;
    }
    let name = node_text(receiver, text);
    let mut scope = call.parent();
    while let Some(s) = scope {
        if s.kind() == "function_definition" {
            break;
        }
        scope = s.parent();
    }
    let Some(function) = scope else {
        return false;
    };
    // A parameter annotated as an upload.
    if let Some(parameters) = function.py_field("parameters") {
        let mut cursor = parameters.walk();
        let annotated = parameters.named_children(&mut cursor).any(|p| {
            p.named_child(0).is_some_and(|n| node_text(n, text) == name)
                && p.py_field("type").is_some_and(|t| {
                    let written = node_text(t, text);
                    written.ends_with("FileStorage") || written.ends_with("UploadedFile")
                })
        });
        if annotated {
            return true;
        }
    }
    let mut stack = vec![function];
    while let Some(node) = stack.pop() {
        let binds = |test: fn(Node<'_>, &str) -> bool| {
            node.py_field("left")
                .is_some_and(|l| node_text(l, text) == name)
                && node.py_field("right").is_some_and(|r| test(r, text))
        };
        let found = match node.kind() {
            "assignment" => binds(upload_expression),
            "for_statement" => binds(uploads_iterable),
            _ => false,
        };
        if found {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(
            node.named_children(&mut cursor)
                .filter(|c| !matches!(c.kind(), "function_definition" | "class_definition")),
        );
    }
    false
}

/// `default_storage.save(...)`, `FileSystemStorage(...).save(...)`,
/// `self.storage.save(...)`, `self.storage_engine.save(...)`.
fn storage_save(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    call.py_field("function")
        .and_then(|f| f.py_field("object"))
        .is_some_and(|o| {
            let written = node_text(o, text);
            let last = written.rsplit('.').next().unwrap_or(written);
            super::super::context::words(last)
                .iter()
                .any(|w| w == "storage")
                || written.starts_with("FileSystemStorage(")
        })
}

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(".save", &[Arg::At(0, "dst")], "save", SAVE).when(saves_upload),
        Sink::new(".save", &[Arg::At(0, "name")], "storage", SAVE).when(storage_save),
    ],
    sanitizers: &[
        "werkzeug.utils.secure_filename",
        "werkzeug.secure_filename",
        "django.utils.text.get_valid_filename",
        "uuid.uuid4",
    ],
    ..TaintSpec::DEFAULT
};
