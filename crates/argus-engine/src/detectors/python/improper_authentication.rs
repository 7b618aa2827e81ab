use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds access decisions taken on a value the client sets at will: a
    /// request cookie (`request.cookies`, Django's `request.COOKIES`) or a
    /// request header whose name says it carries a privilege or a login
    /// state (`admin`, `is_admin`, `role`, `superuser`, `staff`,
    /// `authenticated`, `logged_in`, `X-Admin`, `X-Role`) tested in an
    /// `if`/`elif` condition, alone or compared with a value.
    ///
    /// Signed cookies (`get_signed_cookie`, the Flask `session`) are not
    /// reported, nor are headers naming a user (`X-Remote-User` set by an
    /// authenticating proxy).
    ///
    /// ## Why is this bad?
    /// Cookies and headers are whatever the client sends: anyone sets
    /// `admin=true` in their browser or adds `X-Role: admin` with curl and
    /// gets the privileged branch.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/admin")
    /// def admin():
    ///     if request.cookies.get("is_admin") == "true":
    ///         return render_template("admin.html")
    ///     abort(403)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @app.route("/admin")
    /// @login_required
    /// def admin():
    ///     if current_user.is_admin:
    ///         return render_template("admin.html")
    ///     abort(403)
    /// ```
    ///
    /// ## References
    /// - [CWE-287: Improper Authentication](https://cwe.mitre.org/data/definitions/287.html)
    /// - [CWE-565: Reliance on Cookies without Validation and Integrity Checking](https://cwe.mitre.org/data/definitions/565.html)
    /// - [CWE-807: Reliance on Untrusted Inputs in a Security Decision](https://cwe.mitre.org/data/definitions/807.html)
    /// - [OWASP Authentication Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["python/improper-authentication@v1.0"],
        languages: &[Language::Python],
        name: "Improper authentication",
        category: Category::Security,
        cwes: &[565, 287, 807],
        tags: &["authentication", "authorization", "cookies"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Decide access from the server-side session or a verified token (login_required, current_user, request.user), never from a plain cookie or header value.",
        keywords: &["cookies", "COOKIES", "headers"],
        check: Check::Node { kinds: &["if_statement", "elif_clause"], run: check },
    };
}

/// Words of a cookie or header name that make it a privilege or a login
/// state.
const PRIVILEGE: &[&str] = &[
    "admin",
    "isadmin",
    "superuser",
    "staff",
    "role",
    "roles",
    "privileged",
];
const LOGIN_STATE: &[&str] = &["authenticated", "loggedin", "logged", "authorized"];

fn check(statement: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(condition) = statement.py_field("condition") else {
        return;
    };
    let mut stack = vec![condition];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "boolean_operator" | "not_operator" | "parenthesized_expression" => {
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
            "comparison_operator" => {
                let mut cursor = node.walk();
                let operands: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                // `read == "true"`, `"admin" == read`, `read in ("1", "yes")`.
                let constant = operands.iter().any(|o| {
                    matches!(
                        o.kind(),
                        "string" | "true" | "integer" | "tuple" | "list" | "set"
                    )
                });
                if constant {
                    for operand in operands {
                        if let Some(report) = client_value(operand, text) {
                            emit(checker, operand, &report);
                        }
                    }
                }
            }
            _ => {
                if let Some(report) = client_value(node, text) {
                    emit(checker, node, &report);
                }
            }
        }
    }
}

fn emit(checker: &mut Checker<'_>, node: Node<'_>, (kind, key): &(&str, String)) {
    checker.report(
        node,
        Violation::new(
            "client-decision",
            format!("access decided by the {kind} `{key}`, which the client sets at will"),
        ),
    );
}

/// `request.cookies["k"]`, `request.cookies.get("k")`,
/// `request.COOKIES.get("k")`, `request.headers.get("X-Admin")` with a
/// privilege name: the kind of value and the name.
fn client_value(node: Node<'_>, text: &str) -> Option<(&'static str, String)> {
    let (container, key) = match node.kind() {
        "subscript" => (node.py_field("value")?, node.py_field("subscript")?),
        "call" => {
            let function = node.py_field("function")?;
            let method = function.py_field("attribute")?;
            if node_text(method, text) != "get" {
                return None;
            }
            (
                function.py_field("object")?,
                *positional_arguments(crate::lang::Grammar::Python, node).first()?,
            )
        }
        _ => return None,
    };
    let attribute = container.py_field("attribute")?;
    let owner = container.py_field("object")?;
    let owner_text = node_text(owner, text);
    let owner_last = owner_text.rsplit('.').next().unwrap_or(owner_text);
    if !matches!(owner_last, "request" | "req") {
        return None;
    }
    let kind = match node_text(attribute, text) {
        "cookies" | "COOKIES" => "cookie",
        "headers" => "header",
        _ => return None,
    };
    let key = string_literal(key, text)?;
    let words: Vec<String> = super::super::context::words(&key)
        .into_iter()
        .filter(|w| !matches!(w.as_str(), "x" | "is" | "user"))
        .collect();
    let joined = words.concat();
    let privilege = words.iter().any(|w| PRIVILEGE.contains(&w.as_str()))
        || PRIVILEGE.contains(&joined.as_str());
    let login = words.iter().any(|w| LOGIN_STATE.contains(&w.as_str()))
        || LOGIN_STATE.contains(&joined.as_str());
    // Tokens and ids are looked up, not trusted as they are.
    let lookup = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "token" | "id" | "key" | "session" | "csrf" | "hash" | "sig" | "signature"
        )
    });
    if lookup || !(privilege || (login && kind == "cookie")) {
        return None;
    }
    Some((kind, key))
}
