use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input, through `new File(...)`, `Paths.get`,
    /// `Path.of` and `resolve`, into the calls that open, write, list,
    /// move or delete files: file streams, readers and writers,
    /// `RandomAccessFile`, `Files.*`, `File.delete`/`renameTo`, Commons IO
    /// `FileUtils`, Spring's `FileSystemResource`, and uploads stored with
    /// `transferTo`/`Part.write`, including uploaded file names
    /// (`getOriginalFilename`, `getSubmittedFileName`). A path is safe
    /// once reduced to its last element (`getName()`, `getFileName()`,
    /// `FilenameUtils.getName`) or checked to stay inside a directory
    /// (`normalize()`/`getCanonicalPath()` then `startsWith(base)`), or a
    /// name checked for `..`, before it is used.
    ///
    /// ## Why is this bad?
    /// `../` sequences or an absolute path in the input reach files
    /// outside the intended directory: configuration with credentials,
    /// private keys, or, when writing, the application's own code.
    ///
    /// ## Example
    /// ```java
    /// String name = request.getParameter("file");
    /// InputStream in = new FileInputStream(new File(UPLOADS, name));
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// String name = request.getParameter("file");
    /// Path path = UPLOADS.toPath().resolve(name).normalize();
    /// if (!path.startsWith(UPLOADS.toPath())) throw new SecurityException("bad path");
    /// InputStream in = Files.newInputStream(path);
    /// ```
    ///
    /// ## References
    /// - [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
    /// - [OWASP: Path Traversal](https://owasp.org/www-community/attacks/Path_Traversal)
    pub static SPEC = {
        ids: &["java/path-traversal@v1.0"],
        languages: &[Language::Java],
        name: "Path traversal",
        category: Category::Security,
        cwes: &[22, 23, 36],
        tags: &["injection", "file", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Reduce input to a file name (getFileName, FilenameUtils.getName) or resolve it against a base directory, normalize, and check that the result still starts with the base.",
        keywords: &["File", "transferTo", "Part", "Resource"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const PATH: &str = "a file path opened by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "java.io.FileInputStream",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.io.FileOutputStream",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.io.FileReader",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.io.FileWriter",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.io.RandomAccessFile",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.io.PrintWriter",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        )
        .when(string_argument),
        Sink::new(
            "java.io.PrintStream",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        )
        .when(string_argument),
        Sink::new(
            "java.util.zip.ZipFile",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.io.File.delete",
            &[Arg::Receiver],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.io.File.renameTo",
            &[Arg::Receiver, Arg::At(0, "dest")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.io.File.createNewFile",
            &[Arg::Receiver],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.io.File.listFiles",
            &[Arg::Receiver],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.io.File.list",
            &[Arg::Receiver],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.newInputStream",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.newOutputStream",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.newBufferedReader",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.newBufferedWriter",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.newByteChannel",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.readAllBytes",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.readAllLines",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.readString",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.lines",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.write",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.writeString",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.delete",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.deleteIfExists",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.createFile",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.createDirectories",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.copy",
            &[Arg::At(0, "source"), Arg::At(1, "target")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.move",
            &[Arg::At(0, "source"), Arg::At(1, "target")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.list",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "java.nio.file.Files.walk",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(".transferTo", &[Arg::At(0, "dest")], "path-traversal", PATH).when(file_argument),
        Sink::new(
            "javax.servlet.http.Part.write",
            &[Arg::At(0, "fileName")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "org.springframework.core.io.FileSystemResource",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "org.springframework.core.io.PathResource",
            &[Arg::At(0, "path")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "org.springframework.util.ResourceUtils.getFile",
            &[Arg::At(0, "location")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "org.apache.commons.io.FileUtils.readFileToString",
            &[Arg::At(0, "file")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "org.apache.commons.io.FileUtils.readFileToByteArray",
            &[Arg::At(0, "file")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "org.apache.commons.io.FileUtils.readLines",
            &[Arg::At(0, "file")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "org.apache.commons.io.FileUtils.openInputStream",
            &[Arg::At(0, "file")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "org.apache.commons.io.FileUtils.openOutputStream",
            &[Arg::At(0, "file")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "org.apache.commons.io.FileUtils.writeStringToFile",
            &[Arg::At(0, "file")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "org.apache.commons.io.FileUtils.writeByteArrayToFile",
            &[Arg::At(0, "file")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "org.apache.commons.io.FileUtils.copyFile",
            &[Arg::At(0, "source"), Arg::At(1, "dest")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "org.apache.commons.io.FileUtils.copyInputStreamToFile",
            &[Arg::At(1, "dest")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "org.apache.commons.io.FileUtils.forceDelete",
            &[Arg::At(0, "file")],
            "path-traversal",
            PATH,
        ),
        Sink::new(
            "org.apache.commons.io.FileUtils.deleteDirectory",
            &[Arg::At(0, "directory")],
            "path-traversal",
            PATH,
        ),
    ],
    sanitizers: &[
        ".getName",
        ".getFileName",
        "org.apache.commons.io.FilenameUtils.getName",
        "org.apache.commons.io.FilenameUtils.getBaseName",
        "org.apache.commons.io.FilenameUtils.getExtension",
        "org.springframework.util.StringUtils.getFilename",
    ],
    sanitizes: Some(removes_separators),
    ..TaintSpec::DEFAULT
};

/// `multipartFile.transferTo(file)`, not `inputStream.transferTo(out)`.
fn file_argument(call: Node<'_>, text: &str, _: &crate::semantic::SemanticModel) -> bool {
    super::call_args(call).first().is_some_and(|a| {
        let written = node_text(*a, text);
        written.starts_with("new File")
            || written.contains("Path")
            || written.contains("File(")
            || written.to_ascii_lowercase().contains("file")
    })
}

/// `new PrintWriter(path)`, not `new PrintWriter(writer)`.
fn string_argument(call: Node<'_>, text: &str, _: &crate::semantic::SemanticModel) -> bool {
    super::call_args(call).first().is_some_and(|a| {
        let written = node_text(*a, text);
        a.kind() == "string_literal"
            || a.kind() == "binary_expression"
            || written.to_ascii_lowercase().contains("path")
            || written.to_ascii_lowercase().contains("name")
    })
}

/// `name.replace('/', '_')`, `replaceAll("[/\\\\]", "")`: a name without
/// separators cannot leave its directory.
fn removes_separators(call: Node<'_>, text: &str) -> bool {
    if !matches!(
        super::method_name(call, text),
        Some("replace" | "replaceAll")
    ) {
        return false;
    }
    super::call_args(call).first().is_some_and(|a| {
        let written = node_text(*a, text);
        matches!(
            written,
            "'/'" | "\"/\"" | "File.separator" | "File.separatorChar"
        ) || written.contains("[/")
    })
}
