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

fn check(parameter: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(value) = parameter.child_by_field_name("value") else {
        return;
    };
    let Some(name) = parameter.child_by_field_name("name") else {
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
