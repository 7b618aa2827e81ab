use super::super::prelude::*;
use super::strips_line_breaks;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into HTTP response headers: Flask and Werkzeug
    /// `response.headers["X"] = value` and `response.headers.add/set(...)`,
    /// Django `response["X"] = value`, and the `headers=` of `Response`,
    /// `HttpResponse`, `make_response` and Starlette/FastAPI responses.
    /// Values whose line breaks are removed (`value.replace("\n", "")`),
    /// that are URL-quoted, or that pass a validation in a condition
    /// (`if value.isalnum():`, `re.fullmatch(...)`) are safe.
    ///
    /// ## Why is this bad?
    /// A header value that carries CR/LF splits the response: the attacker
    /// adds headers of their own (`Set-Cookie`, a second `Location`) or a
    /// whole body, which poisons caches and turns into cross-site
    /// scripting. Recent Django and Werkzeug reject line breaks in header
    /// values with an exception, but the attacker still chooses what the
    /// header says (a `Content-Disposition` file name, a `Link`, a
    /// `Refresh` target) and an older or another server may not check.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/download")
    /// def download():
    ///     response = make_response(data)
    ///     response.headers["Content-Disposition"] = "attachment; filename=" + request.args["name"]
    ///     return response
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @app.route("/download")
    /// def download():
    ///     response = make_response(data)
    ///     name = secure_filename(request.args["name"])
    ///     response.headers["Content-Disposition"] = f"attachment; filename={name}"
    ///     return response
    /// ```
    ///
    /// ## References
    /// - [CWE-113: Improper Neutralization of CRLF Sequences in HTTP Headers ('HTTP Request/Response Splitting')](https://cwe.mitre.org/data/definitions/113.html)
    /// - [OWASP: HTTP Response Splitting](https://owasp.org/www-community/attacks/HTTP_Response_Splitting)
    pub static SPEC = {
        ids: &["python/header-injection@v1.0"],
        languages: &[Language::Python],
        name: "HTTP header injection",
        category: Category::Security,
        cwes: &[113, 93, 74],
        tags: &["injection", "http-headers", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Do not put request data in response headers; if you must, allow-list or encode it (secure_filename, urllib.parse.quote) and strip CR and LF.",
        keywords: &["headers", "response", "resp"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const HEADER: &str = "a response header set by {callee}";

/// A name that holds an HTTP response (`response`, `resp`, `http_response`,
/// `self.response`), by its last segment.
fn response_like(node: Node<'_>, text: &str) -> bool {
    let written = node_text(node, text);
    let last = written.rsplit('.').next().unwrap_or(written);
    if !last.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return false;
    }
    let words = super::super::context::words(last);
    words
        .iter()
        .any(|w| matches!(w.as_str(), "response" | "resp" | "res" | "rv"))
        && !words
            .iter()
            .any(|w| matches!(w.as_str(), "request" | "req"))
}

/// `response.headers` (the header map of a response).
fn response_headers(node: Node<'_>, text: &str) -> bool {
    node.kind() == "attribute"
        && node
            .py_field("attribute")
            .is_some_and(|a| node_text(a, text) == "headers")
        && node
            .py_field("object")
            .is_some_and(|o| response_like(o, text))
}

/// `response.headers[k] = v` or Django's `response[k] = v`.
fn header_item(statement: Node<'_>, text: &str, semantic: &SemanticModel) -> bool {
    if !crate::dataflow::python::sources::is_web_file(semantic) {
        return false;
    }
    let Some(base) = statement
        .py_field("left")
        .filter(|l| l.kind() == "subscript")
        .and_then(|l| l.py_field("value"))
    else {
        return false;
    };
    response_headers(base, text) || (response_like(base, text) && holds_response(base, text))
}

/// Django's `response[k] = v`: the name is a parameter of the enclosing
/// function (`process_response(self, request, response)`) or is assigned
/// a response there (`HttpResponse(...)`, `render(...)`), not a dict.
fn holds_response(base: Node<'_>, text: &str) -> bool {
    let name = node_text(base, text);
    let mut scope = base.parent();
    while let Some(s) = scope {
        if s.kind() == "function_definition" {
            break;
        }
        scope = s.parent();
    }
    let Some(function) = scope else {
        return false;
    };
    let is_parameter = function.py_field("parameters").is_some_and(|p| {
        let mut cursor = p.walk();
        p.named_children(&mut cursor).any(|param| {
            let id = if param.kind() == "identifier" {
                Some(param)
            } else {
                param.named_child(0).filter(|n| n.kind() == "identifier")
            };
            id.is_some_and(|id| node_text(id, text) == name)
        })
    });
    if is_parameter {
        return true;
    }
    let mut found = false;
    let mut stack = vec![function];
    while let Some(node) = stack.pop() {
        if node.kind() == "assignment"
            && node
                .py_field("left")
                .is_some_and(|l| node_text(l, text) == name)
            && let Some(right) = node.py_field("right")
        {
            found |= right.kind() == "call"
                && right.py_field("function").is_some_and(|f| {
                    let callee = node_text(f, text);
                    let last = callee.rsplit('.').next().unwrap_or(callee);
                    last.ends_with("Response")
                        || matches!(
                            last,
                            "render" | "make_response" | "render_to_response" | "redirect"
                        )
                });
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor).filter(|c| {
            !matches!(c.kind(), "function_definition" | "class_definition")
                || c.id() == function.id()
        }));
    }
    found
}

/// `response.headers.add(k, v)` / `.set(k, v)`.
fn header_method(call: Node<'_>, text: &str, semantic: &SemanticModel) -> bool {
    if !crate::dataflow::python::sources::is_web_file(semantic) {
        return false;
    }
    call.py_field("function")
        .and_then(|f| f.py_field("object"))
        .is_some_and(|o| response_headers(o, text))
}

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            ".__setitem__",
            &[Arg::At(0, ""), Arg::At(1, "")],
            "item",
            HEADER,
        )
        .when(header_item),
        Sink::new(
            ".add",
            &[Arg::At(0, "_key"), Arg::At(1, "_value")],
            "method",
            HEADER,
        )
        .when(header_method),
        Sink::new(
            ".set",
            &[Arg::At(0, "_key"), Arg::At(1, "_value")],
            "method",
            HEADER,
        )
        .when(header_method),
        Sink::new(
            ".setdefault",
            &[Arg::At(0, "key"), Arg::At(1, "default")],
            "method",
            HEADER,
        )
        .when(header_method),
        Sink::new(
            ".add_header",
            &[Arg::At(0, "_key"), Arg::At(1, "_value")],
            "method",
            HEADER,
        )
        .when(header_method),
        Sink::new(
            "flask.make_response",
            &[Arg::At(2, "")],
            "constructor",
            HEADER,
        ),
        Sink::new(
            "flask.Response",
            &[Arg::At(2, "headers")],
            "constructor",
            HEADER,
        ),
        Sink::new(
            "werkzeug.wrappers.Response",
            &[Arg::At(2, "headers")],
            "constructor",
            HEADER,
        ),
        Sink::new(
            "django.http.HttpResponse",
            &[Arg::Keyword("headers")],
            "constructor",
            HEADER,
        ),
        Sink::new(
            "django.http.JsonResponse",
            &[Arg::Keyword("headers")],
            "constructor",
            HEADER,
        ),
        Sink::new(
            "starlette.responses.Response",
            &[Arg::At(2, "headers")],
            "constructor",
            HEADER,
        ),
        Sink::new(
            "starlette.responses.PlainTextResponse",
            &[Arg::At(2, "headers")],
            "constructor",
            HEADER,
        ),
        Sink::new(
            "starlette.responses.HTMLResponse",
            &[Arg::At(2, "headers")],
            "constructor",
            HEADER,
        ),
        Sink::new(
            "starlette.responses.JSONResponse",
            &[Arg::At(2, "headers")],
            "constructor",
            HEADER,
        ),
        Sink::new(
            "fastapi.Response",
            &[Arg::At(2, "headers")],
            "constructor",
            HEADER,
        ),
        Sink::new(
            "fastapi.responses.Response",
            &[Arg::At(2, "headers")],
            "constructor",
            HEADER,
        ),
        Sink::new(
            "fastapi.responses.JSONResponse",
            &[Arg::At(2, "headers")],
            "constructor",
            HEADER,
        ),
    ],
    sanitizers: &[
        "werkzeug.utils.secure_filename",
        "urllib.parse.quote",
        "urllib.parse.quote_plus",
        "urllib.parse.urlencode",
        "django.utils.http.urlencode",
        "django.utils.encoding.iri_to_uri",
        "django.utils.http.content_disposition_header",
        "base64.b64encode",
        "base64.urlsafe_b64encode",
        "json.dumps",
        "flask.url_for",
        "django.urls.reverse",
    ],
    sanitizes: Some(strips_line_breaks),
    line_breaks_only: true,
    ..TaintSpec::DEFAULT
};
