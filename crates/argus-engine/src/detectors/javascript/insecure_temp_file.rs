use super::super::prelude::*;
use super::{
    Part, call_args, callee_names, declared_value, js_string, object_property, string_parts, unwrap,
};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds files written at a predictable path in the shared temporary
    /// directory: `fs.writeFile`, `fs.appendFile`, `fs.createWriteStream`,
    /// `fs.open` for writing (and their `Sync`, `fs/promises` and
    /// `fs-extra` forms) given `path.join(os.tmpdir(), "report.csv")`,
    /// `` `${os.tmpdir()}/upload-${Date.now()}` ``, `"/tmp/" + "app.pid"`
    /// or a local constant holding such a path. A path is predictable when
    /// every piece after the temporary directory is a literal or comes
    /// from `Date.now()`, `new Date().getTime()`, `process.pid` or
    /// `Math.random()`.
    ///
    /// Exclusive creation (`fs.open(p, "wx")`, `{ flag: "wx" }`), reading a
    /// temporary path, paths inside a directory made by `fs.mkdtemp`, and
    /// the `tmp`/`tempy` packages are not reported; nor are names built
    /// from other run-time values, which this detector cannot judge.
    ///
    /// ## Why is this bad?
    /// `/tmp` is writable by every user. Another user on the machine who
    /// knows or guesses the name creates the file, or a symbolic link to
    /// one of the victim's files, before the program opens it: the program
    /// then writes into a file that user controls, or overwrites whatever
    /// the link points to. Timestamps and PIDs are easy to guess.
    ///
    /// The fix writes the file inside a fresh private directory made by
    /// `fs.mkdtempSync` (mode 0o700, unique name), offered where the path
    /// is built with `path.join`/`path.resolve` and written with `fs`.
    ///
    /// ## Example
    /// ```javascript
    /// const fs = require("fs");
    /// const os = require("os");
    /// const path = require("path");
    ///
    /// fs.writeFileSync(path.join(os.tmpdir(), "export.csv"), rows);
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const fs = require("fs");
    /// const os = require("os");
    /// const path = require("path");
    ///
    /// const dir = fs.mkdtempSync(path.join(os.tmpdir(), "export-"));
    /// fs.writeFileSync(path.join(dir, "export.csv"), rows);
    /// ```
    ///
    /// ## References
    /// - [CWE-377: Insecure Temporary File](https://cwe.mitre.org/data/definitions/377.html)
    /// - [CWE-379: Creation of Temporary File in Directory with Incorrect Permissions](https://cwe.mitre.org/data/definitions/379.html)
    /// - [Node.js fs.mkdtemp](https://nodejs.org/api/fs.html#fsmkdtempprefix-options-callback)
    pub static SPEC = {
        ids: &["javascript/insecure-temp-file@v1.0", "typescript/insecure-temp-file@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Insecure temporary file",
        category: Category::Security,
        cwes: &[377, 379],
        tags: &["file-system", "race-condition"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Create a private directory with fs.mkdtemp (or use the tmp package) and write the file inside it, or open the file exclusively (flag \"wx\").",
        keywords: &["tmpdir", "/tmp"],
        check: Check::Node { kinds: &["call_expression"], run: check },
    };
}

const MODULES: &[&str] = &[
    "fs",
    "fs.promises",
    "fs/promises",
    "fs-extra",
    "graceful-fs",
];

/// How a writing function takes its flags: (position of an option object
/// or flag string, option name, default flag).
fn sink(name: &str) -> Option<(usize, &'static str, &'static str)> {
    let (module, function) = name.rsplit_once('.')?;
    if !MODULES.contains(&module) {
        return None;
    }
    Some(match function {
        "writeFile" | "writeFileSync" | "outputFile" | "outputFileSync" | "writeJson"
        | "writeJsonSync" | "outputJson" | "outputJsonSync" => (2, "flag", "w"),
        "appendFile" | "appendFileSync" => (2, "flag", "a"),
        "createWriteStream" => (1, "flags", "w"),
        "open" | "openSync" => (1, "flags", "r"),
        _ => return None,
    })
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = callee_names(call, checker);
    let Some((name, (position, option, default))) =
        names.iter().find_map(|n| sink(n).map(|s| (n.clone(), s)))
    else {
        return;
    };
    let args = call_args(call);
    let Some(&path_arg) = args.first() else {
        return;
    };
    let flag = args.get(position).and_then(|a| {
        let a = unwrap(*a);
        match a.kind() {
            "object" => object_property(a, option, text).and_then(|f| js_string(f, text)),
            // A string is the flags of `open`, the encoding elsewhere.
            _ if default == "r" => js_string(a, text),
            _ => None,
        }
    });
    let flag = flag.unwrap_or_else(|| default.to_string());
    if !flag.contains(['w', 'a']) || flag.contains('x') {
        return;
    }
    let path_arg = unwrap(path_arg);
    let path = if path_arg.kind() == "identifier" {
        declared_value(path_arg, node_text(path_arg, text), text)
            .map(unwrap)
            .unwrap_or(path_arg)
    } else {
        path_arg
    };
    let Some(shown) = predictable_path(path, checker) else {
        return;
    };
    let mut violation = Violation::new(
        "predictable-path",
        format!(
            "{shown} is a predictable name in the shared temporary directory: another user can create it or link it elsewhere before it is opened for writing"
        ),
    );
    if let Some(fix) = mkdtemp_fix(call, path, &name, checker) {
        violation = violation.with_fix(fix);
    }
    checker.report(call, violation);
}

/// Whether a node is `os.tmpdir()`.
fn is_tmpdir(node: Node<'_>, checker: &Checker<'_>) -> bool {
    let node = unwrap(node);
    node.kind() == "call_expression" && callee_names(node, checker).iter().any(|n| n == "os.tmpdir")
}

/// A run-time piece of a name that is still guessable.
fn guessable(node: Node<'_>, checker: &Checker<'_>, depth: usize) -> bool {
    let text = checker.text;
    let node = unwrap(node);
    if depth > 3 {
        return false;
    }
    if js_string(node, text).is_some() || node.kind() == "number" {
        return true;
    }
    let raw = node_text(node, text).replace(char::is_whitespace, "");
    if matches!(
        raw.as_str(),
        "Date.now()"
            | "process.pid"
            | "Math.random()"
            | "newDate().getTime()"
            | "+newDate()"
            | "newDate().valueOf()"
    ) {
        return true;
    }
    match node.kind() {
        // `Date.now().toString(36)`, `Math.random().toString(16).slice(2)`.
        "call_expression" => node
            .js_field("function")
            .filter(|f| f.kind() == "member_expression")
            .and_then(|f| f.js_field("object"))
            .is_some_and(|o| {
                let method = node
                    .js_field("function")
                    .and_then(|f| f.js_field("property"))
                    .map(|p| node_text(p, text));
                matches!(method, Some("toString" | "slice" | "substring" | "substr"))
                    && guessable(o, checker, depth + 1)
            }),
        "identifier" => declared_value(node, node_text(node, text), text)
            .is_some_and(|v| guessable(v, checker, depth + 1)),
        "template_string" | "binary_expression" => {
            string_parts(node, text).iter().all(|p| match p {
                Part::Text(_) => true,
                Part::Value(v) => *v != node && guessable(*v, checker, depth + 1),
            })
        }
        _ => false,
    }
}

/// The path as shown in the message, when it is a predictable name in the
/// temporary directory.
fn predictable_path(path: Node<'_>, checker: &Checker<'_>) -> Option<String> {
    let text = checker.text;
    let path = unwrap(path);
    // `path.join(os.tmpdir(), "x")`, `path.resolve("/tmp", "x")`.
    if path.kind() == "call_expression"
        && callee_names(path, checker)
            .iter()
            .any(|n| matches!(n.as_str(), "path.join" | "path.resolve" | "path.posix.join"))
    {
        let args = call_args(path);
        let (first, rest) = args.split_first()?;
        if rest.is_empty() {
            return None;
        }
        let in_tmp = is_tmpdir(*first, checker)
            || js_string(*first, text).is_some_and(|s| is_tmp_root(&s) || tmp_prefix(&s))
            // A predictable directory made earlier: `path.join(workDir, "x")`.
            || (unwrap(*first).kind() == "identifier"
                && declared_value(*first, node_text(unwrap(*first), text), text)
                    .is_some_and(|dir| unwrap(dir) != path && predictable_path(dir, checker).is_some()));
        if in_tmp && rest.iter().all(|p| guessable(*p, checker, 0)) {
            return Some(format!("`{}`", shorten(node_text(path, text))));
        }
        return None;
    }
    let parts = string_parts(path, text);
    let first = parts.first()?;
    let in_tmp = match first {
        Part::Text(s) => tmp_prefix(s),
        Part::Value(v) => {
            is_tmpdir(*v, checker)
                && matches!(parts.get(1), Some(Part::Text(s)) if s.starts_with('/') && s.len() > 1)
        }
    };
    let rest_guessable = parts.iter().skip(1).all(|p| match p {
        Part::Text(_) => true,
        Part::Value(v) => guessable(*v, checker, 0),
    });
    (in_tmp && rest_guessable).then(|| format!("`{}`", shorten(node_text(path, text))))
}

fn is_tmp_root(s: &str) -> bool {
    matches!(s.trim_end_matches('/'), "/tmp" | "/var/tmp" | "/dev/shm")
}

/// A literal naming something inside the shared temporary directory.
fn tmp_prefix(s: &str) -> bool {
    ["/tmp/", "/var/tmp/", "/dev/shm/"]
        .iter()
        .any(|p| s.starts_with(p) && s.len() > p.len())
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 70 {
        format!("{}…", s.chars().take(70).collect::<String>())
    } else {
        s.to_string()
    }
}

/// `path.join(os.tmpdir(), "x")` -> `path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tmp-")), "x")`,
/// when the file is written with the synchronous-capable `fs` module.
fn mkdtemp_fix(call: Node<'_>, path: Node<'_>, sink: &str, checker: &Checker<'_>) -> Option<Fix> {
    let text = checker.text;
    let module = sink.rsplit_once('.')?.0;
    if !matches!(module, "fs" | "fs-extra" | "graceful-fs") {
        return None;
    }
    let function = call.js_field("function")?;
    let fs = function.js_field("object")?;
    if fs.kind() != "identifier" {
        return None;
    }
    let path = unwrap(path);
    if path.kind() != "call_expression" {
        return None;
    }
    let join = path.js_field("function")?;
    let path_module = join.js_field("object")?;
    if path_module.kind() != "identifier" {
        return None;
    }
    let first = unwrap(*call_args(path).first()?);
    if !is_tmpdir(first, checker) {
        return None;
    }
    let replacement = format!(
        "{}.mkdtempSync({}.join({}, \"tmp-\"))",
        node_text(fs, text),
        node_text(path_module, text),
        node_text(first, text)
    );
    Some(Fix::replace(
        "Write inside a fresh private directory (fs.mkdtempSync)",
        first.byte_range(),
        replacement,
    ))
}
