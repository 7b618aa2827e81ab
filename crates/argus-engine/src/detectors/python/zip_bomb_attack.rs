use super::super::prelude::*;
use super::enclosing_scope;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data (an uploaded file, the request body) into
    /// decompression without a size limit: a `zipfile.ZipFile` or `tarfile`
    /// archive opened on it (directly or through `io.BytesIO`) in a
    /// function that extracts or reads its members, a `gzip` stream on it
    /// read whole, and `zlib.decompress`, `gzip.decompress`,
    /// `bz2.decompress` and `lzma.decompress` of it.
    ///
    /// A function that looks at the sizes of the members before extracting
    /// (`ZipInfo.file_size`, `compress_size`, `infolist()`,
    /// `getmembers()`, a member's `.size`) or bounds the output
    /// (`max_length`) is not reported.
    ///
    /// ## Why is this bad?
    /// A few kilobytes of compressed data can expand to gigabytes (42.zip
    /// expands to 4.5 petabytes): extracting it fills the disk or the
    /// memory of the server and takes the service down for every user.
    ///
    /// ## Example
    /// ```python
    /// import zipfile
    /// from flask import request
    ///
    /// @app.route("/import", methods=["POST"])
    /// def import_archive():
    ///     with zipfile.ZipFile(request.files["archive"]) as archive:
    ///         archive.extractall("/srv/imports")
    ///     return "ok"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import zipfile
    /// from flask import request
    ///
    /// MAX_TOTAL = 100 * 1024 * 1024
    ///
    /// @app.route("/import", methods=["POST"])
    /// def import_archive():
    ///     with zipfile.ZipFile(request.files["archive"]) as archive:
    ///         if sum(info.file_size for info in archive.infolist()) > MAX_TOTAL:
    ///             abort(413)
    ///         archive.extractall("/srv/imports")
    ///     return "ok"
    /// ```
    /// For streams, decompress in bounded chunks
    /// (`zlib.decompressobj().decompress(data, max_length)`) and stop past
    /// a limit.
    ///
    /// ## References
    /// - [CWE-409: Improper Handling of Highly Compressed Data (Data Amplification)](https://cwe.mitre.org/data/definitions/409.html)
    /// - [CWE-400: Uncontrolled Resource Consumption](https://cwe.mitre.org/data/definitions/400.html)
    /// - [Python zipfile: Decompression pitfalls](https://docs.python.org/3/library/zipfile.html#decompression-pitfalls)
    pub static SPEC = {
        ids: &["python/zip-bomb-attack@v1.0"],
        languages: &[Language::Python],
        name: "Zip bomb attack",
        category: Category::Security,
        cwes: &[409, 400],
        tags: &["denial-of-service", "file-system"],
        access: Access::CrashOrSlowdown,
        effort: Effort::OverInternet,
        remediation: "Check the uncompressed sizes (ZipInfo.file_size, TarInfo.size) against a limit before extracting, or decompress in bounded chunks.",
        keywords: &["zipfile", "tarfile", "decompress"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const EXTRACT: &str = "an archive opened by {callee} and extracted without a size limit";
const DECOMPRESS: &str = "data decompressed by {callee} without a size limit";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new("zipfile.ZipFile", &[Arg::At(0, "file")], "extract", EXTRACT)
            .when(extracted_unchecked),
        Sink::new(
            "tarfile.open",
            &[Arg::At(0, "name"), Arg::Keyword("fileobj")],
            "extract",
            EXTRACT,
        )
        .when(extracted_unchecked),
        Sink::new(
            "tarfile.TarFile",
            &[Arg::At(0, "name"), Arg::Keyword("fileobj")],
            "extract",
            EXTRACT,
        )
        .when(extracted_unchecked),
        // `zipfile.ZipFile(io.BytesIO(request.data))`: the buffer holds the
        // request's bytes.
        Sink::new(
            "io.BytesIO",
            &[Arg::At(0, "initial_bytes")],
            "extract",
            "an archive read from a buffer and extracted without a size limit",
        )
        .when(buffered_archive),
        Sink::new(
            "gzip.GzipFile",
            &[Arg::Keyword("fileobj")],
            "decompress",
            DECOMPRESS,
        )
        .when(read_whole),
        Sink::new(
            "gzip.open",
            &[Arg::At(0, "filename")],
            "decompress",
            DECOMPRESS,
        )
        .when(read_whole),
        Sink::new(
            "zlib.decompress",
            &[Arg::At(0, "data")],
            "decompress",
            DECOMPRESS,
        )
        .when(unchecked),
        Sink::new(
            "gzip.decompress",
            &[Arg::At(0, "data")],
            "decompress",
            DECOMPRESS,
        )
        .when(unchecked),
        Sink::new(
            "bz2.decompress",
            &[Arg::At(0, "data")],
            "decompress",
            DECOMPRESS,
        )
        .when(unchecked),
        Sink::new(
            "lzma.decompress",
            &[Arg::At(0, "data")],
            "decompress",
            DECOMPRESS,
        )
        .when(unchecked),
    ],
    ..TaintSpec::DEFAULT
};

/// Words showing that the enclosing function looks at uncompressed sizes
/// or bounds the output.
const SIZE_CHECKS: &[&str] = &[
    "file_size",
    "compress_size",
    "infolist",
    "getmembers",
    ".size",
    "max_length",
    "max_size",
];

/// Archive constructors whose archive argument a buffer may be.
const ARCHIVES: &[&str] = &["zipfile.ZipFile", "tarfile.open", "tarfile.TarFile"];

/// The function extracts or reads members, and never looks at sizes.
fn extracted_unchecked(call: Node<'_>, text: &str, semantic: &SemanticModel) -> bool {
    let body = node_text(enclosing_scope(call), text);
    ["extractall(", ".extract(", ".read("]
        .iter()
        .any(|w| body.contains(w))
        && unchecked(call, text, semantic)
}

/// A `BytesIO` handed to an archive constructor that is then extracted.
fn buffered_archive(call: Node<'_>, text: &str, semantic: &SemanticModel) -> bool {
    let mut parent = call.parent();
    if parent.is_some_and(|p| p.kind() == "keyword_argument") {
        parent = parent.and_then(|p| p.parent());
    }
    let Some(constructor) = parent
        .filter(|p| p.kind() == "argument_list")
        .and_then(|p| p.parent())
        .filter(|c| c.kind() == "call")
    else {
        return false;
    };
    semantic.call_matches(constructor, text, ARCHIVES).is_some()
        && extracted_unchecked(call, text, semantic)
}

/// The decompressed stream is read whole (`.read()` without a size).
fn read_whole(call: Node<'_>, text: &str, semantic: &SemanticModel) -> bool {
    node_text(enclosing_scope(call), text).contains(".read()") && unchecked(call, text, semantic)
}

fn unchecked(call: Node<'_>, text: &str, _semantic: &SemanticModel) -> bool {
    let body = node_text(enclosing_scope(call), text);
    !SIZE_CHECKS.iter().any(|word| body.contains(word))
}
