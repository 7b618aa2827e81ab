use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds parameters whose default value is a mutable object: a list,
    /// dict or set display or comprehension, or a call to `list()`,
    /// `dict()`, `set()`, `bytearray()`, `collections.defaultdict()`,
    /// `collections.OrderedDict()`, `collections.deque()` or
    /// `collections.Counter()`.
    ///
    /// ## Why is this bad?
    /// A default value is evaluated once, when the `def` statement runs, and
    /// the same object is shared by every call that omits the argument. A
    /// function that appends to or updates it leaks state from one call to
    /// the next, which shows up as data appearing "from nowhere" in later
    /// calls or in other requests.
    ///
    /// ## Example
    /// ```python
    /// def add_tag(tag, tags=[]):
    ///     tags.append(tag)
    ///     return tags
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// def add_tag(tag, tags=None):
    ///     if tags is None:
    ///         tags = []
    ///     tags.append(tag)
    ///     return tags
    /// ```
    ///
    /// ## References
    /// - [Python reference: Function definitions (default parameter values)](https://docs.python.org/3/reference/compound_stmts.html#function-definitions)
    /// - [CWE-1188: Initialization of a Resource with an Insecure Default](https://cwe.mitre.org/data/definitions/1188.html)
    pub static SPEC = {
        ids: &["python/default-argument-mutable-objects@v1.0"],
        languages: &[Language::Python],
        name: "Mutable default argument",
        category: Category::Quality,
        cwes: &[1188, 710],
        tags: &["correctness", "maintainability"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Use None as the default and create the object inside the function (`if tags is None: tags = []`).",
        keywords: &["def", "lambda"],
        check: Check::Node { kinds: &["default_parameter", "typed_default_parameter"], run: check },
    };
}

/// Calls that build a new mutable object.
const MUTABLE_FACTORIES: &[&str] = &[
    "list",
    "dict",
    "set",
    "bytearray",
    "collections.defaultdict",
    "collections.OrderedDict",
    "collections.deque",
    "collections.Counter",
];

/// Parameter markers of web frameworks that copy the default for each
/// request (FastAPI's `Query()`, `Body()`, ...), written in the annotation.
const REQUEST_PARAMETERS: &[&str] = &[
    "Query(", "Body(", "Form(", "Header(", "Cookie(", "Path(", "File(", "Depends(",
];

/// Codes of the same rule in other linters; a comment silencing them on
/// the line says the shared default is intended.
const SAME_RULE: &[&str] = &["B006", "W0102", "dangerous-default-value"];

fn check(parameter: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if parameter.py_field("type").is_some_and(|t| {
        let annotation = node_text(t, text);
        REQUEST_PARAMETERS
            .iter()
            .any(|marker| annotation.contains(marker))
    }) || silenced(parameter, text)
        || is_stub(parameter, text)
    {
        return;
    }
    let Some(value) = parameter.py_field("value") else {
        return;
    };
    let Some(name) = parameter.py_field("name") else {
        return;
    };
    let what = match value.kind() {
        "list" => "a list",
        "dictionary" => "a dict",
        "set" => "a set",
        "list_comprehension" => "a list comprehension",
        "dictionary_comprehension" => "a dict comprehension",
        "set_comprehension" => "a set comprehension",
        "call" => {
            let Some(factory) = checker
                .semantic
                .call_matches(value, text, MUTABLE_FACTORIES)
            else {
                return;
            };
            // A bare `list` rebound by an import is not the builtin.
            if !factory.contains('.') && checker.semantic.binding(factory).is_some() {
                return;
            }
            match factory {
                "list" => "a list",
                "dict" => "a dict",
                "set" => "a set",
                "bytearray" => "a bytearray",
                _ => "a mutable collection",
            }
        }
        _ => return,
    };
    checker.report(
        value,
        Violation::new(
            "mutable-default",
            format!(
                "the default of `{}` is {what} (`{}`), created once and shared by every call",
                node_text(name, text),
                node_text(value, text)
            ),
        ),
    );
}

/// Whether the line holding `node` ends with a comment silencing the
/// equivalent rule of another linter (`# noqa: B006`).
fn silenced(node: Node<'_>, text: &str) -> bool {
    let end = text[node.end_byte()..]
        .find('\n')
        .map_or(text.len(), |i| node.end_byte() + i);
    let start = text[..node.start_byte()].rfind('\n').map_or(0, |i| i + 1);
    text[start..end]
        .split_once('#')
        .is_some_and(|(_, comment)| SAME_RULE.iter().any(|code| comment.contains(code)))
}

/// Whether the parameter belongs to a signature that never runs: a
/// `@typing.overload` variant or a stub whose body is only `...`.
fn is_stub(parameter: Node<'_>, text: &str) -> bool {
    let Some(function) = parameter
        .parent()
        .and_then(|p| p.parent())
        .filter(|f| f.kind() == "function_definition")
    else {
        return false;
    };
    let overloaded = function
        .parent()
        .filter(|d| d.kind() == "decorated_definition")
        .is_some_and(|decorated| {
            let mut cursor = decorated.walk();
            decorated
                .named_children(&mut cursor)
                .filter(|d| d.kind() == "decorator")
                .any(|d| {
                    let name = node_text(d, text).trim_start_matches('@').trim();
                    name == "overload" || name.ends_with(".overload")
                })
        });
    let ellipsis_only = function.py_field("body").is_some_and(|body| {
        let mut cursor = body.walk();
        let statements: Vec<Node<'_>> = body
            .named_children(&mut cursor)
            .filter(|s| s.kind() != "comment")
            .collect();
        !statements.is_empty()
            && statements.iter().all(|s| {
                s.kind() == "expression_statement"
                    && s.named_child(0)
                        .is_some_and(|e| matches!(e.kind(), "ellipsis" | "string"))
            })
            && statements
                .iter()
                .any(|s| s.named_child(0).is_some_and(|e| e.kind() == "ellipsis"))
    });
    overloaded || ellipsis_only
}
