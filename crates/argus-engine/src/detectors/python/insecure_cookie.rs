use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds cookies set without the `Secure` or the `HttpOnly` attribute:
    /// `response.set_cookie(...)` (Flask, Werkzeug, Django, Starlette and
    /// FastAPI share the signature) that neither passes `secure=True` and
    /// `httponly=True` nor computes them, and module-level Django settings
    /// that turn them off (`SESSION_COOKIE_SECURE = False`,
    /// `CSRF_COOKIE_SECURE = False`, `SESSION_COOKIE_HTTPONLY = False`).
    ///
    /// A flag given as an expression (`secure=request.is_secure()`,
    /// `secure=settings.SESSION_COOKIE_SECURE`) is taken as a deliberate
    /// choice; so are calls that forward `**kwargs`.
    ///
    /// ## Why is this bad?
    /// A cookie without `Secure` is also sent over plain HTTP, where anyone
    /// on the network reads it: a session cookie read that way is a
    /// logged-in session. A cookie without `HttpOnly` is readable from
    /// JavaScript, so a single cross-site scripting bug sends it to an
    /// attacker.
    ///
    /// ## Example
    /// ```python
    /// response = make_response(redirect("/"))
    /// response.set_cookie("session_id", session_id)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// response = make_response(redirect("/"))
    /// response.set_cookie("session_id", session_id, secure=True, httponly=True, samesite="Lax")
    /// ```
    ///
    /// ## References
    /// - [CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute](https://cwe.mitre.org/data/definitions/614.html)
    /// - [CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag](https://cwe.mitre.org/data/definitions/1004.html)
    /// - [Django settings: SESSION_COOKIE_SECURE](https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-secure)
    /// - [Flask: Set-Cookie options](https://flask.palletsprojects.com/en/stable/security/#set-cookie-options)
    /// - [OWASP Session Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies)
    pub static SPEC = {
        ids: &["python/insecure-cookie@v1.0"],
        languages: &[Language::Python],
        name: "Insecure cookie",
        category: Category::Security,
        cwes: &[614, 1004],
        tags: &["cookies", "session", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Set cookies with secure=True and httponly=True (and keep the Django settings SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE and SESSION_COOKIE_HTTPONLY on).",
        keywords: &["set_cookie", "cookie_secure", "cookie_httponly"],
        check: Check::Node { kinds: &["call", "assignment"], run: check },
    };
}

/// Settings that must not be `False`, with the attribute they control.
const SETTINGS: &[(&str, &str)] = &[
    ("SESSION_COOKIE_SECURE", "Secure"),
    ("CSRF_COOKIE_SECURE", "Secure"),
    ("SESSION_COOKIE_HTTPONLY", "HttpOnly"),
];

/// Position of `secure` and `httponly` in `set_cookie(key, value, max_age,
/// expires, path, domain, secure, httponly, samesite)`.
const SECURE_AT: usize = 6;
const HTTPONLY_AT: usize = 7;

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "call" => check_set_cookie(node, checker),
        "assignment" => check_setting(node, checker),
        _ => {}
    }
}

/// What a call says about one cookie flag.
enum Flag<'t> {
    /// Not given.
    Missing,
    /// Given as the literal `False` (this node).
    False(Node<'t>),
    /// `True` or an expression: not a finding.
    Set,
}

fn flag<'t>(call: Node<'t>, name: &str, position: usize, text: &str) -> Flag<'t> {
    match argument(call, position, name, text) {
        None => Flag::Missing,
        Some(v) if v.kind() == "false" || node_text(v, text) == "None" => Flag::False(v),
        Some(_) => Flag::Set,
    }
}

fn check_set_cookie(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(function) = call
        .py_field("function")
        .filter(|f| f.kind() == "attribute")
    else {
        return;
    };
    let (Some(receiver), Some(method)) =
        (function.py_field("object"), function.py_field("attribute"))
    else {
        return;
    };
    if node_text(method, text) != "set_cookie" {
        return;
    }
    // Expiring a cookie (`max_age=0`, as `delete_cookie` does) sends
    // nothing worth protecting.
    if keyword_argument(call, "max_age", text).is_some_and(|v| node_text(v, text) == "0") {
        return;
    }
    let Some(args) = call_arguments(call).filter(|a| a.kind() == "argument_list") else {
        return;
    };
    let mut cursor = args.walk();
    let arguments: Vec<Node<'_>> = args
        .named_children(&mut cursor)
        .filter(|a| a.kind() != "comment")
        .collect();
    // `**options` may carry the flags; `*args` hides the positions.
    if arguments
        .iter()
        .any(|a| matches!(a.kind(), "dictionary_splat" | "list_splat"))
    {
        return;
    }
    // A response cookie has a name and a value; `CookieJar.set_cookie(cookie)`
    // takes one object.
    if arguments.len() < 2 {
        return;
    }
    // Test clients set cookies on the client side of a test request.
    let receiver_words = super::super::context::words(node_text(receiver, text));
    if receiver_words.iter().any(|w| w == "client" || w == "jar") {
        return;
    }
    let secure = flag(call, "secure", SECURE_AT, text);
    let httponly = flag(call, "httponly", HTTPONLY_AT, text);
    let mut missing = Vec::new();
    let mut edits = Vec::new();
    let mut appended = Vec::new();
    for (name, attribute, state) in [
        ("secure", "Secure", &secure),
        ("httponly", "HttpOnly", &httponly),
    ] {
        match state {
            Flag::Set => {}
            Flag::False(value) => {
                missing.push(attribute);
                edits.push(Edit::replace(value.byte_range(), "True"));
            }
            Flag::Missing => {
                missing.push(attribute);
                appended.push(format!("{name}=True"));
            }
        }
    }
    if missing.is_empty() {
        return;
    }
    if !appended.is_empty() {
        let last = arguments.last().expect("two arguments at least");
        let at = last.end_byte();
        edits.push(Edit::replace(at..at, format!(", {}", appended.join(", "))));
    }
    let message = format!(
        "cookie set without the {} attribute{}",
        missing.join(" and "),
        if missing.len() > 1 { "s" } else { "" }
    );
    let description = match missing.as_slice() {
        [one] => format!("Set the {one} attribute"),
        _ => "Set the Secure and HttpOnly attributes".to_string(),
    };
    let violation = Violation::new("set-cookie", message).with_fix(Fix::new(description, edits));
    checker.report(call, violation);
}

/// `SESSION_COOKIE_SECURE = False` at module level.
fn check_setting(assignment: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some((name, right)) = super::module_setting(assignment, text) else {
        return;
    };
    if right.kind() != "false" {
        return;
    }
    let Some(&(_, attribute)) = SETTINGS.iter().find(|(s, _)| *s == name) else {
        return;
    };
    let violation = Violation::new(
        "cookie-setting",
        format!("{name} = False sends the cookie without the {attribute} attribute"),
    )
    .with_fix(Fix::replace(
        format!("Turn {name} on"),
        right.byte_range(),
        "True",
    ));
    checker.report(assignment, violation);
}
