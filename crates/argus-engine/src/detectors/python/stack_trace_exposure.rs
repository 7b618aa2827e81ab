use super::super::prelude::*;
use super::parameter_names;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Finds exception details sent back to the client by a web view: in an
    /// `except` block of a Flask, Django, FastAPI or Starlette view, a
    /// response (returned, built with `jsonify`, `make_response`,
    /// `HttpResponse`, `JsonResponse`, `JSONResponse`…, or raised as
    /// `HTTPException(detail=...)` / `abort(500, ...)`) that carries
    /// `traceback.format_exc()` (or `format_exception`, `format_tb`), or the
    /// text of an exception caught as `Exception`/`BaseException`
    /// (`str(e)`, `repr(e)`, `f"{e}"`, `e.args`). Logging the exception is
    /// fine; so is the message of a narrow exception the view raises for
    /// the client (`except ValueError as e: return str(e), 400`).
    ///
    /// ## Why is this bad?
    /// A stack trace or the message of an unexpected error tells an
    /// attacker which libraries and versions run, file paths, SQL
    /// statements, hosts and sometimes credentials, and which inputs reach
    /// which code: reconnaissance for the next attack.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/orders/<int:id>")
    /// def order(id):
    ///     try:
    ///         return jsonify(load_order(id))
    ///     except Exception:
    ///         return traceback.format_exc(), 500
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @app.route("/orders/<int:id>")
    /// def order(id):
    ///     try:
    ///         return jsonify(load_order(id))
    ///     except Exception:
    ///         app.logger.exception("loading order %s failed", id)
    ///         return jsonify(error="internal error"), 500
    /// ```
    ///
    /// ## References
    /// - [CWE-209: Generation of Error Message Containing Sensitive Information](https://cwe.mitre.org/data/definitions/209.html)
    /// - [CWE-497: Exposure of Sensitive System Information to an Unauthorized Control Sphere](https://cwe.mitre.org/data/definitions/497.html)
    /// - [OWASP Error Handling Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["python/stack-trace-exposure@v1.0"],
        languages: &[Language::Python],
        name: "Stack trace exposure",
        category: Category::Security,
        cwes: &[209, 497],
        tags: &["information-disclosure", "error-handling", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Log the exception on the server and send the client a generic error message.",
        keywords: &["except"],
        check: Check::Node { kinds: &["except_clause"], run: check },
    };
}

/// Web frameworks whose views return the response.
const FRAMEWORKS: &[&str] = &[
    "flask",
    "quart",
    "django",
    "rest_framework",
    "fastapi",
    "starlette",
];

/// Calls that build a response or an HTTP error from their arguments.
const RESPONSES: &[&str] = &[
    "flask.jsonify",
    "flask.make_response",
    "flask.Response",
    "flask.abort",
    "quart.jsonify",
    "quart.make_response",
    "quart.abort",
    "werkzeug.exceptions.abort",
    "werkzeug.wrappers.Response",
    "django.http.HttpResponse",
    "django.http.HttpResponseBadRequest",
    "django.http.HttpResponseServerError",
    "django.http.JsonResponse",
    "rest_framework.response.Response",
    "fastapi.HTTPException",
    "fastapi.exceptions.HTTPException",
    "fastapi.Response",
    "fastapi.responses.JSONResponse",
    "fastapi.responses.PlainTextResponse",
    "fastapi.responses.HTMLResponse",
    "starlette.exceptions.HTTPException",
    "starlette.responses.Response",
    "starlette.responses.JSONResponse",
    "starlette.responses.PlainTextResponse",
    "starlette.responses.HTMLResponse",
];

/// `traceback` functions that render a stack trace.
const TRACEBACKS: &[&str] = &[
    "traceback.format_exc",
    "traceback.format_exception",
    "traceback.format_exception_only",
    "traceback.format_tb",
    "traceback.format_stack",
];

fn check(clause: Node<'_>, checker: &mut Checker<'_>) {
    let (text, semantic) = (checker.text, checker.semantic);
    if !semantic.imports_any(FRAMEWORKS) {
        return;
    }
    let Some(function) = enclosing_function(clause) else {
        return;
    };
    let view = is_view(function, text);
    let (caught, alias) = caught(clause);
    let broad = caught.is_none_or(|c| broad_exception(c, text));
    let exception = alias
        .filter(|a| a.kind() == "identifier")
        .map(|a| node_text(a, text))
        .filter(|_| broad);
    let Some(block) = clause
        .named_children(&mut clause.walk())
        .find(|c| c.kind() == "block")
    else {
        return;
    };
    let mut stack = vec![block];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "function_definition" | "class_definition" | "lambda" | "except_clause" => continue,
            "if_statement" | "conditional_expression" if debug_only(node, text) => continue,
            "return_statement" if view => {
                if let Some(value) = node.named_child(0)
                    && let Some(found) = exposes(value, exception, semantic, text)
                {
                    report(checker, node, &found, "returned by the view");
                    continue;
                }
            }
            "call" => {
                let names = semantic.callee_names(node, text);
                if names.iter().any(|n| RESPONSES.contains(&n.as_str()))
                    && let Some(args) = node.py_field("arguments")
                    && let Some(found) = exposes(args, exception, semantic, text)
                {
                    let callee = node
                        .py_field("function")
                        .map(|f| node_text(f, text))
                        .unwrap_or_default();
                    report(
                        checker,
                        node,
                        &found,
                        &format!("sent to the client by `{callee}`"),
                    );
                    continue;
                }
            }
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
}

fn report(checker: &mut Checker<'_>, node: Node<'_>, found: &str, how: &str) {
    checker.report(
        node,
        Violation::new(
            "exposure",
            format!("{found} {how}: the client sees internal error details"),
        ),
    );
}

/// `if settings.DEBUG:` / `x if DEBUG else y`: details only for
/// developers.
fn debug_only(node: Node<'_>, text: &str) -> bool {
    let condition = match node.kind() {
        "if_statement" => node.py_field("condition"),
        _ => node.named_child(1),
    };
    condition.is_some_and(|c| node_text(c, text).to_ascii_lowercase().contains("debug"))
}

/// The caught type and the `as` name of an `except` clause.
fn caught(clause: Node<'_>) -> (Option<Node<'_>>, Option<Node<'_>>) {
    if let Some(pattern) = clause
        .named_children(&mut clause.walk())
        .find(|c| c.kind() == "as_pattern")
    {
        let alias = pattern
            .py_field("alias")
            .map(|a| a.named_child(0).unwrap_or(a));
        return (pattern.named_child(0), alias);
    }
    let value = clause
        .py_field("value")
        .or_else(|| clause.named_child(0).filter(|c| c.kind() != "block"));
    (value, clause.py_field("alias"))
}

/// `Exception`, `BaseException`, or a tuple holding one.
fn broad_exception(node: Node<'_>, text: &str) -> bool {
    match node.kind() {
        "tuple" | "parenthesized_expression" => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor)
                .any(|c| broad_exception(c, text))
        }
        _ => matches!(
            node_text(node, text),
            "Exception" | "BaseException" | "builtins.Exception"
        ),
    }
}

/// What in `node` renders the stack trace or the caught exception.
fn exposes(
    node: Node<'_>,
    exception: Option<&str>,
    semantic: &SemanticModel,
    text: &str,
) -> Option<String> {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "lambda" | "function_definition" => continue,
            "conditional_expression" if debug_only(n, text) => continue,
            "call" => {
                let names = semantic.callee_names(n, text);
                if let Some(name) = names.iter().find(|n| TRACEBACKS.contains(&n.as_str())) {
                    return Some(format!("a stack trace (`{name}()`)"));
                }
            }
            "identifier"
                if exception.is_some_and(|e| node_text(n, text) == e) && renders(n, text) =>
            {
                return Some(format!("the exception message (`{}`)", node_text(n, text)));
            }
            _ => {}
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    None
}

/// The exception name is turned into text: `str(e)`, `repr(e)`,
/// `format(e)`, `"...".format(e)`, `f"{e}"`, `"%s" % e`, `e.args`,
/// `e.message`.
fn renders(name: Node<'_>, text: &str) -> bool {
    let Some(parent) = name.parent() else {
        return false;
    };
    match parent.kind() {
        "interpolation" => true,
        "binary_operator" => {
            parent
                .py_field("right")
                .is_some_and(|r| r.id() == name.id())
                && parent
                    .py_field("operator")
                    .is_some_and(|o| node_text(o, text) == "%")
        }
        "attribute" => {
            parent
                .py_field("object")
                .is_some_and(|o| o.id() == name.id())
                && parent
                    .py_field("attribute")
                    .is_some_and(|a| matches!(node_text(a, text), "args" | "message" | "strerror"))
        }
        "argument_list" => parent
            .parent()
            .and_then(|call| call.py_field("function"))
            .is_some_and(|f| match f.kind() {
                "identifier" => matches!(node_text(f, text), "str" | "repr" | "format"),
                "attribute" => f
                    .py_field("attribute")
                    .is_some_and(|a| node_text(a, text) == "format"),
                _ => false,
            }),
        "tuple" | "parenthesized_expression" => parent
            .parent()
            .filter(|p| p.kind() == "binary_operator")
            .is_some_and(|p| {
                p.py_field("operator")
                    .is_some_and(|o| node_text(o, text) == "%")
            }),
        _ => false,
    }
}

fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut up = node.parent();
    while let Some(n) = up {
        if n.kind() == "function_definition" {
            return Some(n);
        }
        up = n.parent();
    }
    None
}

/// A route function (`@app.route`, `@router.get`, `@api_view`), a Django
/// view (first parameter `request`), or an HTTP method of a class-based
/// view.
fn is_view(function: Node<'_>, text: &str) -> bool {
    if let Some(decorated) = function
        .parent()
        .filter(|p| p.kind() == "decorated_definition")
    {
        let mut cursor = decorated.walk();
        let routed = decorated
            .named_children(&mut cursor)
            .filter(|d| d.kind() == "decorator")
            .any(|d| {
                let written = node_text(d, text).trim_start_matches('@');
                let head = written.split('(').next().unwrap_or(written);
                let last = head.rsplit('.').next().unwrap_or(head);
                (head.contains('.')
                    && matches!(
                        last,
                        "route"
                            | "get"
                            | "post"
                            | "put"
                            | "patch"
                            | "delete"
                            | "api_route"
                            | "websocket"
                    ))
                    || matches!(
                        last,
                        "api_view"
                            | "require_http_methods"
                            | "require_POST"
                            | "require_GET"
                            | "require_safe"
                    )
            });
        if routed {
            return true;
        }
    }
    let names = parameter_names(function, text);
    let in_class = function
        .parent()
        .and_then(|p| {
            if p.kind() == "decorated_definition" {
                p.parent()
            } else {
                Some(p)
            }
        })
        .and_then(|b| b.parent())
        .is_some_and(|c| c.kind() == "class_definition");
    let name = function.py_field("name").map_or("", |n| node_text(n, text));
    match names.as_slice() {
        ["self", second, ..] if in_class => {
            *second == "request"
                && matches!(
                    name,
                    "get" | "post" | "put" | "patch" | "delete" | "dispatch"
                )
        }
        [first, ..] => *first == "request" && !in_class,
        _ => false,
    }
}
