use super::super::prelude::*;
use super::parameter_names;

detector! {
    /// ## What it does
    /// Finds state-changing views taken out of CSRF protection and
    /// configurations that turn it off:
    /// - Django's `@csrf_exempt` (also through `method_decorator`) on a view
    ///   that handles POST, PUT, PATCH or DELETE (reads `request.POST`,
    ///   `request.body`, `request.data`, compares `request.method`, or is
    ///   limited to those methods), or on a class-based view that defines
    ///   `post`/`put`/`patch`/`delete`;
    /// - a Django settings `MIDDLEWARE` list that has the session middleware
    ///   but not `django.middleware.csrf.CsrfViewMiddleware`;
    /// - Flask-WTF's `WTF_CSRF_ENABLED = False` (outside test
    ///   configurations) and `@csrf.exempt` on a route that accepts POST.
    ///
    /// Views that authenticate the request themselves (a webhook checking a
    /// signature, an API reading the `Authorization` header) do not rely on
    /// cookies and are not reported.
    ///
    /// ## Why is this bad?
    /// Browsers attach cookies to requests that any site starts. Without a
    /// CSRF token, a page the victim visits can submit a form to the
    /// application with the victim's session: change their e-mail
    /// address, transfer money, or add an administrator.
    ///
    /// ## Example
    /// ```python
    /// @csrf_exempt
    /// def change_email(request):
    ///     if request.method == "POST":
    ///         request.user.email = request.POST["email"]
    ///         request.user.save()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// def change_email(request):
    ///     if request.method == "POST":
    ///         request.user.email = request.POST["email"]
    ///         request.user.save()
    /// ```
    ///
    /// ## References
    /// - [CWE-352: Cross-Site Request Forgery (CSRF)](https://cwe.mitre.org/data/definitions/352.html)
    /// - [Django: Cross Site Request Forgery protection](https://docs.djangoproject.com/en/stable/ref/csrf/)
    /// - [Flask-WTF: CSRF Protection](https://flask-wtf.readthedocs.io/en/stable/csrf/)
    pub static SPEC = {
        ids: &["python/cross-site-request-forgery@v1.0"],
        languages: &[Language::Python],
        name: "Cross-site request forgery",
        category: Category::Security,
        cwes: &[352],
        tags: &["csrf", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Keep CSRF protection on for views that change state (remove csrf_exempt / csrf.exempt, keep CsrfViewMiddleware and WTF_CSRF_ENABLED); authenticate webhooks and APIs without cookies instead.",
        keywords: &["csrf", "MIDDLEWARE"],
        check: Check::Node { kinds: &["decorator", "assignment", "call"], run: check },
    };
}

const CSRF_MIDDLEWARE: &str = "django.middleware.csrf.CsrfViewMiddleware";
const SESSION_MIDDLEWARE: &str = "django.contrib.sessions.middleware.SessionMiddleware";
const STATE_CHANGING: &[&str] = &["POST", "PUT", "PATCH", "DELETE"];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "decorator" => check_decorator(node, checker),
        "assignment" => {
            check_middleware(node, checker);
            check_wtf_setting(node, checker);
        }
        "call" => {
            check_wtf_update(node, checker);
            check_exempt_call(node, checker);
        }
        _ => {}
    }
}

/// The expression of a decorator and, for `@f(...)`, its callee.
fn decorator_callee<'t>(decorator: Node<'t>) -> Option<Node<'t>> {
    let expression = decorator.named_child(0)?;
    Some(match expression.kind() {
        "call" => expression.py_field("function")?,
        _ => expression,
    })
}

fn is_csrf_exempt(node: Node<'_>, checker: &Checker<'_>) -> bool {
    checker
        .semantic
        .qualified_names(node, checker.text)
        .iter()
        .any(|n| n == "django.views.decorators.csrf.csrf_exempt")
}

fn check_decorator(decorator: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let (Some(expression), Some(callee)) = (decorator.named_child(0), decorator_callee(decorator))
    else {
        return;
    };
    let Some(definition) = decorator
        .parent()
        .filter(|p| p.kind() == "decorated_definition")
        .and_then(|p| p.py_field("definition"))
    else {
        return;
    };
    // Django: `@csrf_exempt`, `@method_decorator(csrf_exempt, ...)`.
    let django = if is_csrf_exempt(expression, checker) {
        true
    } else if expression.kind() == "call"
        && checker
            .semantic
            .qualified_names(callee, text)
            .iter()
            .any(|n| n == "django.utils.decorators.method_decorator")
    {
        positional_arguments(crate::lang::Grammar::Python, expression)
            .first()
            .is_some_and(|a| is_csrf_exempt(*a, checker))
    } else {
        false
    };
    if django {
        let changes = match definition.kind() {
            "function_definition" => {
                let in_class = definition
                    .parent()
                    .and_then(|p| p.parent())
                    .and_then(|b| b.parent())
                    .filter(|c| c.kind() == "class_definition");
                match in_class {
                    // `dispatch` of a class-based view: its handlers.
                    Some(class) => class_changes_state(class, text),
                    None => function_changes_state(definition, text),
                }
            }
            "class_definition" => class_changes_state(definition, text),
            _ => false,
        };
        if changes
            && !authenticates_itself(definition, text)
            && !login_not_required(decorator, text)
        {
            let name = definition
                .py_field("name")
                .map_or("", |n| node_text(n, text));
            checker.report(
                decorator,
                Violation::new(
                    "csrf-exempt",
                    format!("`{name}` changes state but is exempt from CSRF protection"),
                ),
            );
        }
        return;
    }
    // Flask-WTF: `@csrf.exempt` on a route accepting POST.
    if callee.kind() == "attribute"
        && expression.kind() != "call"
        && callee
            .py_field("attribute")
            .is_some_and(|a| node_text(a, text) == "exempt")
        && callee
            .py_field("object")
            .is_some_and(|o| csrf_protect_instance(o, checker))
        && definition.kind() == "function_definition"
        && flask_route_changes_state(decorator, text)
        && !authenticates_itself(definition, text)
    {
        let name = definition
            .py_field("name")
            .map_or("", |n| node_text(n, text));
        checker.report(
            decorator,
            Violation::new(
                "csrf-exempt",
                format!("`{name}` accepts POST but is exempt from Flask-WTF CSRF protection"),
            ),
        );
    }
}

/// `csrf_exempt(UploadView.as_view())` or `csrf_exempt(view)` in a URL
/// configuration, for a view defined in the same file.
fn check_exempt_call(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(function) = call.py_field("function") else {
        return;
    };
    if !is_csrf_exempt(function, checker) {
        return;
    }
    let Some(view) = positional_arguments(crate::lang::Grammar::Python, call)
        .first()
        .copied()
    else {
        return;
    };
    // `Name.as_view(...)` or `Name`.
    let name = match view.kind() {
        "identifier" => view,
        "call" => match view
            .py_field("function")
            .filter(|f| f.kind() == "attribute")
            .filter(|f| {
                f.py_field("attribute")
                    .is_some_and(|a| node_text(a, text) == "as_view")
            })
            .and_then(|f| f.py_field("object"))
            .filter(|o| o.kind() == "identifier")
        {
            Some(object) => object,
            None => return,
        },
        _ => return,
    };
    let name = node_text(name, text);
    let mut root = call;
    while let Some(p) = root.parent() {
        root = p;
    }
    let mut cursor = root.walk();
    let Some((definition, decorators)) = root.named_children(&mut cursor).find_map(|s| {
        let (definition, decorated) = match s.kind() {
            "decorated_definition" => (s.py_field("definition")?, Some(s)),
            "function_definition" | "class_definition" => (s, None),
            _ => return None,
        };
        (definition
            .py_field("name")
            .is_some_and(|n| node_text(n, text) == name))
        .then_some((definition, decorated))
    }) else {
        return;
    };
    let changes = match definition.kind() {
        "class_definition" => class_changes_state(definition, text),
        _ => function_changes_state(definition, text),
    };
    let not_required =
        decorators.is_some_and(|d| node_text(d, text).contains("login_not_required"));
    if changes && !not_required && !authenticates_itself(definition, text) {
        checker.report(
            call,
            Violation::new(
                "csrf-exempt",
                format!("`{name}` changes state but is exempt from CSRF protection"),
            ),
        );
    }
}

/// `csrf` bound at module level to `CSRFProtect(...)`.
fn csrf_protect_instance(object: Node<'_>, checker: &Checker<'_>) -> bool {
    if object.kind() != "identifier" {
        return false;
    }
    let name = node_text(object, checker.text);
    let mut root = object;
    while let Some(p) = root.parent() {
        root = p;
    }
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .filter_map(|s| s.named_child(0))
        .filter(|a| a.kind() == "assignment")
        .any(|a| {
            a.py_field("left")
                .is_some_and(|l| node_text(l, checker.text) == name)
                && a.py_field("right")
                    .filter(|r| r.kind() == "call")
                    .is_some_and(|r| {
                        checker
                            .semantic
                            .callee_names(r, checker.text)
                            .iter()
                            .any(|n| {
                                matches!(
                                    n.as_str(),
                                    "flask_wtf.CSRFProtect" | "flask_wtf.csrf.CSRFProtect"
                                )
                            })
                    })
        })
}

/// A sibling route decorator lists a state-changing method.
fn flask_route_changes_state(decorator: Node<'_>, text: &str) -> bool {
    let Some(decorated) = decorator.parent() else {
        return false;
    };
    let mut cursor = decorated.walk();
    decorated
        .named_children(&mut cursor)
        .filter(|d| d.kind() == "decorator" && d.id() != decorator.id())
        .any(|d| {
            let written = node_text(d, text);
            let head = written.split('(').next().unwrap_or(written);
            let method = head.rsplit('.').next().unwrap_or(head);
            matches!(method, "post" | "put" | "patch" | "delete")
                || (method == "route"
                    && STATE_CHANGING.iter().any(|m| {
                        written.contains(&format!("\"{m}\"")) || written.contains(&format!("'{m}'"))
                    }))
        })
}

/// The view reads a request body or branches on a state-changing method.
fn function_changes_state(function: Node<'_>, text: &str) -> bool {
    let Some(request) = request_parameter(function, text) else {
        return false;
    };
    let Some(body) = function.py_field("body") else {
        return false;
    };
    let written = node_text(body, text);
    let reads_body = [".POST", ".body", ".data", ".FILES", ".json"]
        .iter()
        .any(|attr| written.contains(&format!("{request}{attr}")));
    let method_check = written.contains(&format!("{request}.method"))
        && STATE_CHANGING
            .iter()
            .any(|m| written.contains(&format!("\"{m}\"")) || written.contains(&format!("'{m}'")));
    let limited = function
        .parent()
        .filter(|p| p.kind() == "decorated_definition")
        .is_some_and(|d| {
            let decorators = node_text(d, text);
            let decorators = &decorators[..decorators.find("def ").unwrap_or(0)];
            decorators.contains("require_POST")
                || (decorators.contains("require_http_methods")
                    && STATE_CHANGING.iter().any(|m| decorators.contains(m)))
        });
    reads_body || method_check || limited
}

/// The `request` parameter of a view (`request`, or the one after `self`).
fn request_parameter<'t>(function: Node<'t>, text: &'t str) -> Option<&'t str> {
    parameter_names(function, text)
        .into_iter()
        .find(|n| !n.is_empty() && *n != "self" && *n != "cls")
        .filter(|n| n.contains("request") || *n == "req")
}

/// A class-based view with a `post`/`put`/`patch`/`delete` handler.
fn class_changes_state(class: Node<'_>, text: &str) -> bool {
    let Some(body) = class.py_field("body") else {
        return false;
    };
    let mut cursor = body.walk();
    body.named_children(&mut cursor).any(|member| {
        let function = match member.kind() {
            "decorated_definition" => member.py_field("definition"),
            "function_definition" => Some(member),
            _ => None,
        };
        function
            .and_then(|f| f.py_field("name"))
            .is_some_and(|n| matches!(node_text(n, text), "post" | "put" | "patch" | "delete"))
    })
}

/// Marked `@login_not_required` (or `method_decorator(login_not_required)`):
/// the view does not act on a logged-in session (OAuth and OpenID
/// endpoints authenticate their clients themselves).
fn login_not_required(decorator: Node<'_>, text: &str) -> bool {
    decorator.parent().is_some_and(|decorated| {
        let mut cursor = decorated.walk();
        decorated
            .named_children(&mut cursor)
            .filter(|d| d.kind() == "decorator")
            .any(|d| node_text(d, text).contains("login_not_required"))
    })
}

/// A webhook checking a signature or an API reading its credentials
/// from a header: not authenticated by cookies.
fn authenticates_itself(definition: Node<'_>, text: &str) -> bool {
    let written = node_text(definition, text).to_ascii_lowercase();
    [
        "signature",
        "compare_digest",
        "hmac",
        "authorization",
        "api_key",
        "apikey",
        "token",
    ]
    .iter()
    .any(|w| written.contains(w))
}

/// `MIDDLEWARE = [...]` with sessions but without the CSRF middleware.
fn check_middleware(assignment: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some((name, value)) = super::module_setting(assignment, text) else {
        return;
    };
    if !matches!(name, "MIDDLEWARE" | "MIDDLEWARE_CLASSES")
        || !matches!(value.kind(), "list" | "tuple")
    {
        return;
    }
    let mut cursor = value.walk();
    let mut entries = Vec::new();
    for item in value.named_children(&mut cursor) {
        match item.kind() {
            "comment" => {}
            _ => match string_literal(item, text) {
                Some(s) => entries.push(s),
                // Built entries may add the middleware.
                None => return,
            },
        }
    }
    if !entries.iter().any(|e| e == SESSION_MIDDLEWARE) {
        return;
    }
    // A custom CSRF middleware, or the CSRF middleware added elsewhere.
    if entries
        .iter()
        .any(|e| e.to_ascii_lowercase().contains("csrf"))
        || text
            .lines()
            .any(|l| l.contains("CsrfViewMiddleware") && !l.trim_start().starts_with('#'))
    {
        return;
    }
    checker.report(
        assignment,
        Violation::new(
            "middleware",
            format!("{name} has sessions but not {CSRF_MIDDLEWARE}: no view checks CSRF tokens"),
        ),
    );
}

/// `WTF_CSRF_ENABLED = False` in a configuration (module or class), or
/// `app.config["WTF_CSRF_ENABLED"] = False`.
fn check_wtf_setting(assignment: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let (Some(left), Some(right)) = (assignment.py_field("left"), assignment.py_field("right"))
    else {
        return;
    };
    if right.kind() != "false" {
        return;
    }
    let named = match left.kind() {
        "identifier" => node_text(left, text) == "WTF_CSRF_ENABLED",
        "subscript" => left
            .py_field("subscript")
            .and_then(|k| string_literal(k, text))
            .is_some_and(|k| k == "WTF_CSRF_ENABLED"),
        _ => false,
    };
    if !named || in_test_configuration(assignment, text) {
        return;
    }
    report_wtf(assignment, right, checker);
}

/// `app.config.update(WTF_CSRF_ENABLED=False)`.
fn check_wtf_update(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(method) = super::method_name_node(call) else {
        return;
    };
    if node_text(method, text) != "update" {
        return;
    }
    let Some(value) = keyword_argument(call, "WTF_CSRF_ENABLED", text) else {
        return;
    };
    if value.kind() != "false" || in_test_configuration(call, text) {
        return;
    }
    report_wtf(call, value, checker);
}

fn report_wtf(node: Node<'_>, value: Node<'_>, checker: &mut Checker<'_>) {
    checker.report(
        node,
        Violation::new(
            "wtf-disabled",
            "WTF_CSRF_ENABLED = False turns off CSRF protection for every Flask-WTF form",
        )
        .with_fix(Fix::replace(
            "Turn CSRF protection on",
            value.byte_range(),
            "True",
        )),
    );
}

/// Inside a class or function named for tests (`TestingConfig`,
/// `create_test_app`).
fn in_test_configuration(node: Node<'_>, text: &str) -> bool {
    let mut up = node.parent();
    while let Some(n) = up {
        if matches!(n.kind(), "class_definition" | "function_definition")
            && let Some(name) = n.py_field("name")
        {
            let words = super::super::context::words(node_text(name, text));
            if words
                .iter()
                .any(|w| matches!(w.as_str(), "test" | "testing" | "tests"))
            {
                return true;
            }
        }
        up = n.parent();
    }
    false
}
