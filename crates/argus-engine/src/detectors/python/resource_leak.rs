use super::super::prelude::*;
use super::{enclosing_function, identifiers};

detector! {
    /// ## What it does
    /// Finds files, sockets and database connections opened in a function
    /// and never closed: the result of a call such as `open(...)`,
    /// `socket.socket(...)` or `sqlite3.connect(...)` assigned to a local
    /// variable that is only used through its methods (or iterated), with
    /// no `close()` call, no `with` statement, and no other use that could
    /// hand it to code that closes it (returning it, storing it, passing it
    /// to a call, sharing its handle through `fileno()`, `makefile()` or
    /// `cursor()`). A result used once in place (`open(path).read()`) is left
    /// to CPython's reference counting and not reported.
    ///
    /// ## Why is this bad?
    /// The resource stays open until the garbage collector gets to the
    /// object, which on other interpreters than CPython, in reference
    /// cycles or after an exception may be much later or never. Open file
    /// descriptors and connections are limited; a server that leaks one per
    /// request eventually fails with `Too many open files`, and buffered
    /// writes may never reach the disk.
    ///
    /// ## Example
    /// ```python
    /// def read_config(path):
    ///     handle = open(path)
    ///     return json.loads(handle.read())
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// def read_config(path):
    ///     with open(path) as handle:
    ///         return json.loads(handle.read())
    /// ```
    ///
    /// ## References
    /// - [Python tutorial: Reading and writing files](https://docs.python.org/3/tutorial/inputoutput.html#reading-and-writing-files)
    /// - [CWE-772: Missing Release of Resource after Effective Lifetime](https://cwe.mitre.org/data/definitions/772.html)
    pub static SPEC = {
        ids: &["python/resource-leak@v1.0"],
        languages: &[Language::Python],
        name: "Resource never closed",
        category: Category::Quality,
        cwes: &[772, 400],
        tags: &["resource-management", "reliability"],
        access: Access::CrashOrSlowdown,
        effort: Effort::NotExploitable,
        remediation: "Open the resource in a with statement (with open(path) as handle:), or close it in a finally block.",
        keywords: &["open", "socket", "connect", "TemporaryFile"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// Calls that return an object holding an OS resource until closed.
const OPENERS: &[&str] = &[
    "open",
    "io.open",
    "codecs.open",
    "socket.socket",
    "socket.create_connection",
    "sqlite3.connect",
    "urllib.request.urlopen",
    "tempfile.TemporaryFile",
    "tempfile.NamedTemporaryFile",
];

/// Methods that release the resource.
const CLOSERS: &[&str] = &["close", "__exit__", "detach", "release"];

/// Methods that hand the underlying handle to another object or to the OS
/// (`os.dup2(f.fileno(), ...)`, a cursor returned to the caller): the
/// resource may outlive the function on purpose.
const SHARERS: &[&str] = &["fileno", "makefile", "cursor", "dup", "__enter__"];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(opener) = checker.semantic.call_matches(call, text, OPENERS) else {
        return;
    };
    if opener == "open" && (checker.semantic.binding("open").is_some() || defines_open(text)) {
        return;
    }
    let Some(parent) = call.parent() else {
        return;
    };
    // `name = open(path)` in a function, `name` only used through methods.
    if parent.kind() != "assignment" || parent.child_by_field_name("type").is_some() {
        return;
    }
    let Some(target) = parent
        .child_by_field_name("left")
        .filter(|l| l.kind() == "identifier")
    else {
        return;
    };
    if parent
        .child_by_field_name("right")
        .is_none_or(|r| r.id() != call.id())
    {
        return;
    }
    let Some(function) = enclosing_function(call) else {
        return;
    };
    let name = node_text(target, text);
    let mut uses = Vec::new();
    identifiers(function, name, text, &mut uses);
    let mut used = false;
    for use_ in uses {
        if use_.id() == target.id() {
            continue;
        }
        match use_kind(use_, text) {
            Use::Method(method) if CLOSERS.contains(&method) || SHARERS.contains(&method) => {
                return;
            }
            Use::Method(_) | Use::Iterated => used = true,
            Use::Other => return,
        }
    }
    if !used {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "never-closed",
            format!("`{name}` opened by {opener}() is never closed"),
        ),
    );
}

enum Use<'t> {
    Method(&'t str),
    Iterated,
    Other,
}

fn use_kind<'t>(identifier: Node<'_>, text: &'t str) -> Use<'t> {
    let Some(parent) = identifier.parent() else {
        return Use::Other;
    };
    match parent.kind() {
        "attribute"
            if parent
                .child_by_field_name("object")
                .is_some_and(|o| o.id() == identifier.id())
                && parent.parent().is_some_and(|p| {
                    p.kind() == "call"
                        && p.child_by_field_name("function")
                            .is_some_and(|f| f.id() == parent.id())
                }) =>
        {
            parent
                .child_by_field_name("attribute")
                .map_or(Use::Other, |m| Use::Method(node_text(m, text)))
        }
        "for_statement"
            if parent
                .child_by_field_name("right")
                .is_some_and(|r| r.id() == identifier.id()) =>
        {
            Use::Iterated
        }
        _ => Use::Other,
    }
}

/// Whether the module defines its own top-level `open`.
fn defines_open(text: &str) -> bool {
    text.lines().any(|line| {
        line.starts_with("def open(")
            || line.starts_with("async def open(")
            || line.starts_with("open =")
            || line.starts_with("open=")
    })
}
