use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds uses of standard-library functions and classes that are
    /// deprecated or already removed from current Python 3 releases, such
    /// as `logging.warn`, `base64.encodestring`, `time.clock`,
    /// `inspect.getargspec`, `platform.linux_distribution`, the `imp`
    /// module, `asyncio.coroutine` and the ABCs accessed as
    /// `collections.Mapping`. Uses guarded by a version or feature check
    /// (`sys.version_info`, `PY2`, `hasattr`, a `try` that catches
    /// `AttributeError` or `ImportError`) are compatibility code and are not
    /// reported.
    ///
    /// ## Why is this bad?
    /// Removed names raise `AttributeError` or `ImportError` as soon as the
    /// code runs on a newer interpreter, often in a rarely taken branch that
    /// tests never reach; deprecated ones are next. Their replacements have
    /// existed for many releases.
    ///
    /// ## Example
    /// ```python
    /// import base64
    /// import logging
    ///
    /// logging.warn("retrying")
    /// encoded = base64.encodestring(payload)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import base64
    /// import logging
    ///
    /// logging.warning("retrying")
    /// encoded = base64.encodebytes(payload)
    /// ```
    ///
    /// ## References
    /// - [What's New in Python 3.12: Removed](https://docs.python.org/3/whatsnew/3.12.html#removed)
    /// - [CWE-477: Use of Obsolete Function](https://cwe.mitre.org/data/definitions/477.html)
    pub static SPEC = {
        ids: &["python/deprecated-method@v1.0"],
        languages: &[Language::Python],
        name: "Deprecated or removed standard-library API",
        category: Category::Quality,
        cwes: &[477],
        tags: &["deprecated", "maintainability"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Use the replacement named in the message; it has been available for many Python releases.",
        keywords: &[
            "warn", "encodestring", "decodestring", "clock", "getargspec", "escape",
            "linux_distribution", "dist", "imp", "coroutine", "collections", "currentThread",
            "activeCount", "setcheckinterval", "readPlist", "writePlist", "hqx",
            "getdefaultlocale", "find_loader", "get_loader",
        ],
        check: Check::Node { kinds: &["attribute"], run: check },
    };
}

/// A deprecated name, what replaces it, and whether swapping the name is a
/// drop-in change.
struct Deprecated {
    name: &'static str,
    replacement: &'static str,
    status: &'static str,
    rename: bool,
}

const fn entry(
    name: &'static str,
    replacement: &'static str,
    status: &'static str,
    rename: bool,
) -> Deprecated {
    Deprecated {
        name,
        replacement,
        status,
        rename,
    }
}

const DEPRECATED: &[Deprecated] = &[
    entry(
        "logging.warn",
        "logging.warning",
        "deprecated since 3.3",
        true,
    ),
    entry(
        "base64.encodestring",
        "base64.encodebytes",
        "removed in 3.9",
        true,
    ),
    entry(
        "base64.decodestring",
        "base64.decodebytes",
        "removed in 3.9",
        true,
    ),
    entry(
        "threading.currentThread",
        "threading.current_thread",
        "deprecated since 3.10",
        true,
    ),
    entry(
        "threading.activeCount",
        "threading.active_count",
        "deprecated since 3.10",
        true,
    ),
    entry(
        "time.clock",
        "time.perf_counter or time.process_time",
        "removed in 3.8",
        false,
    ),
    entry(
        "inspect.getargspec",
        "inspect.signature or inspect.getfullargspec",
        "removed in 3.11",
        false,
    ),
    entry(
        "cgi.escape",
        "html.escape (note: it escapes quotes by default)",
        "removed in 3.8",
        false,
    ),
    entry(
        "platform.linux_distribution",
        "the distro package or platform.freedesktop_os_release",
        "removed in 3.8",
        false,
    ),
    entry(
        "platform.dist",
        "the distro package or platform.freedesktop_os_release",
        "removed in 3.8",
        false,
    ),
    entry("asyncio.coroutine", "async def", "removed in 3.11", false),
    entry(
        "sys.setcheckinterval",
        "sys.setswitchinterval",
        "removed in 3.9",
        false,
    ),
    entry(
        "plistlib.readPlist",
        "plistlib.load",
        "removed in 3.9",
        false,
    ),
    entry(
        "plistlib.writePlist",
        "plistlib.dump",
        "removed in 3.9",
        false,
    ),
    entry(
        "plistlib.readPlistFromBytes",
        "plistlib.loads",
        "removed in 3.9",
        false,
    ),
    entry(
        "plistlib.writePlistToBytes",
        "plistlib.dumps",
        "removed in 3.9",
        false,
    ),
    entry(
        "binascii.a2b_hqx",
        "nothing (binhex support was dropped)",
        "removed in 3.11",
        false,
    ),
    entry(
        "binascii.b2a_hqx",
        "nothing (binhex support was dropped)",
        "removed in 3.11",
        false,
    ),
    entry(
        "binascii.rlecode_hqx",
        "nothing (binhex support was dropped)",
        "removed in 3.11",
        false,
    ),
    entry(
        "binascii.rledecode_hqx",
        "nothing (binhex support was dropped)",
        "removed in 3.11",
        false,
    ),
    entry(
        "locale.getdefaultlocale",
        "locale.getlocale or locale.getencoding",
        "deprecated since 3.11",
        false,
    ),
    entry(
        "pkgutil.find_loader",
        "importlib.util.find_spec",
        "deprecated since 3.12",
        false,
    ),
    entry(
        "pkgutil.get_loader",
        "importlib.util.find_spec",
        "deprecated since 3.12",
        false,
    ),
    entry(
        "imp.load_source",
        "importlib.util.spec_from_file_location",
        "removed in 3.12 (module imp)",
        false,
    ),
    entry(
        "imp.load_module",
        "importlib.import_module",
        "removed in 3.12 (module imp)",
        false,
    ),
    entry(
        "imp.find_module",
        "importlib.util.find_spec",
        "removed in 3.12 (module imp)",
        false,
    ),
    entry(
        "imp.reload",
        "importlib.reload",
        "removed in 3.12 (module imp)",
        false,
    ),
    entry(
        "imp.new_module",
        "types.ModuleType",
        "removed in 3.12 (module imp)",
        false,
    ),
    entry(
        "imp.get_suffixes",
        "importlib.machinery.all_suffixes",
        "removed in 3.12 (module imp)",
        false,
    ),
];

/// ABCs that `collections` stopped re-exporting in 3.10.
const COLLECTION_ABCS: &[&str] = &[
    "Awaitable",
    "Coroutine",
    "AsyncIterable",
    "AsyncIterator",
    "AsyncGenerator",
    "Hashable",
    "Iterable",
    "Iterator",
    "Generator",
    "Reversible",
    "Sized",
    "Container",
    "Callable",
    "Collection",
    "Set",
    "MutableSet",
    "Mapping",
    "MutableMapping",
    "MappingView",
    "KeysView",
    "ItemsView",
    "ValuesView",
    "Sequence",
    "MutableSequence",
    "ByteString",
];

fn check(attribute: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    // Only `module.name` where `module` is an imported module.
    let (Some(object), Some(name)) = (
        attribute.py_field("object"),
        attribute.py_field("attribute"),
    ) else {
        return;
    };
    if object.kind() != "identifier" {
        return;
    }
    // The attribute of an assignment target is a definition, not a use.
    if attribute
        .parent()
        .filter(|p| p.kind() == "assignment")
        .and_then(|p| p.py_field("left"))
        .is_some_and(|left| left.id() == attribute.id())
    {
        return;
    }
    let module = node_text(object, text);
    if checker.semantic.binding(module).is_none() || imported_more_than_once(module, text) {
        return;
    }
    let names = checker.semantic.qualified_names(attribute, text);
    let member = node_text(name, text);
    let (message, fix) = if let Some(entry) = DEPRECATED
        .iter()
        .find(|d| names.iter().any(|n| n == d.name))
    {
        let fix = entry.rename.then(|| {
            let new_member = entry
                .replacement
                .rsplit('.')
                .next()
                .unwrap_or(entry.replacement);
            Fix::new(
                format!("Use {}", entry.replacement),
                vec![Edit::replace(name.byte_range(), new_member)],
            )
        });
        (
            format!(
                "`{}` is {}; use {}",
                node_text(attribute, text),
                entry.status,
                entry.replacement
            ),
            fix,
        )
    } else if module == "collections"
        && names.iter().any(|n| n == &format!("collections.{member}"))
        && COLLECTION_ABCS.contains(&member)
    {
        // `collections.abc` must be loaded for `collections.abc.X` to work.
        let fix = text.contains("import collections.abc").then(|| {
            Fix::new(
                format!("Use collections.abc.{member}"),
                vec![Edit::replace(object.end_byte()..object.end_byte(), ".abc")],
            )
        });
        (
            format!(
                "`{}` was removed in 3.10; use collections.abc.{member}",
                node_text(attribute, text)
            ),
            fix,
        )
    } else {
        return;
    };
    if is_compatibility_code(attribute, text) {
        return;
    }
    let mut violation = Violation::new("deprecated", message);
    if let Some(fix) = fix {
        violation = violation.with_fix(fix);
    }
    checker.report(attribute, violation);
}

/// Whether the use sits behind a version or feature check, or in a `try`
/// that falls back when the name is missing.
fn is_compatibility_code(node: Node<'_>, text: &str) -> bool {
    let mut child = node;
    while let Some(parent) = child.parent() {
        match parent.kind() {
            "if_statement" | "elif_clause" | "conditional_expression" | "while_statement" => {
                let condition = if parent.kind() == "conditional_expression" {
                    parent.named_child(1)
                } else {
                    parent.py_field("condition")
                };
                if condition.is_some_and(|c| c.id() != child.id() && is_version_check(c, text))
                    || parent.kind() == "if_statement" && has_version_elif(parent, text)
                {
                    return true;
                }
            }
            "try_statement" => {
                let in_body = parent
                    .py_field("body")
                    .is_some_and(|b| b.id() == child.id());
                let mut cursor = parent.walk();
                let falls_back = parent
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() == "except_clause")
                    .any(|clause| {
                        let header = node_text(clause, text).lines().next().unwrap_or("");
                        header.trim() == "except:"
                            || ["AttributeError", "ImportError", "NameError", "Exception"]
                                .iter()
                                .any(|e| header.contains(e))
                    });
                if in_body && falls_back {
                    return true;
                }
            }
            _ => {}
        }
        child = parent;
    }
    false
}

fn has_version_elif(statement: Node<'_>, text: &str) -> bool {
    let mut cursor = statement.walk();
    statement
        .children_by_field_name("alternative", &mut cursor)
        .filter(|a| a.kind() == "elif_clause")
        .filter_map(|a| a.py_field("condition"))
        .any(|c| is_version_check(c, text))
}

fn is_version_check(condition: Node<'_>, text: &str) -> bool {
    let condition = node_text(condition, text);
    [
        "version", "PY2", "PY3", "PY34", "PY35", "hasattr", "getattr", "IS_PY", "six.",
    ]
    .iter()
    .any(|marker| condition.contains(marker))
}

/// Whether several import statements bind `name` (`import collections.abc
/// as abc` in a `try`, `import collections as abc` as the fallback): which
/// one is in effect is decided at run time.
fn imported_more_than_once(name: &str, text: &str) -> bool {
    let alias = format!(" as {name}");
    let plain = format!("import {name}");
    text.lines()
        .map(str::trim)
        .filter(|line| line.starts_with("import ") || line.starts_with("from "))
        .filter(|line| {
            let line = line.split('#').next().unwrap_or("").trim_end();
            line.ends_with(&alias) || line == plain
        })
        .count()
        > 1
}
