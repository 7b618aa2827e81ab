use super::super::context::words;
use super::super::prelude::*;
use super::{
    call_args, callee_names, descendants, function_name, is_function, is_imported, js_string,
    last_word, member_call, object_property, reads_request_input, unwrap,
};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds logins that keep the session the visitor arrived with, and
    /// session ids an attacker can choose:
    /// - a login handler (a function named `login`, `signIn`, `logOn` or
    ///   `authenticate`, a route handler for a `/login` or `/signin` path,
    ///   or a `passport.authenticate` callback) that stores the user in
    ///   `req.session` (`req.session.userId = ...`,
    ///   `req.session.authenticated = true`) without calling
    ///   `req.session.regenerate(...)` first (assignments inside the
    ///   `regenerate` callback are the fix, and `req.login` from Passport
    ///   0.6+ regenerates by itself);
    /// - `express-session` with a `genid` that returns a constant or a
    ///   value taken from the request;
    /// - `req.sessionID` or `req.session.id` assigned from request input
    ///   (`req.query.sessionId`).
    ///
    /// Files using `cookie-session` are not reported: the session lives in
    /// the signed cookie itself, with no server-side id to fix.
    ///
    /// ## Why is this bad?
    /// An attacker who plants a session id in the victim's browser (through
    /// a link, a subdomain or a shared computer) and then waits for the
    /// victim to log in shares the logged-in session when the id survives
    /// the login.
    ///
    /// ## Example
    /// ```javascript
    /// app.post("/login", async (req, res) => {
    ///   const user = await users.verify(req.body.email, req.body.password);
    ///   req.session.userId = user.id;
    ///   res.redirect("/");
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.post("/login", async (req, res, next) => {
    ///   const user = await users.verify(req.body.email, req.body.password);
    ///   req.session.regenerate((err) => {
    ///     if (err) return next(err);
    ///     req.session.userId = user.id;
    ///     res.redirect("/");
    ///   });
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-384: Session Fixation](https://cwe.mitre.org/data/definitions/384.html)
    /// - [express-session: Session.regenerate](https://github.com/expressjs/session#sessionregeneratecallback)
    /// - [OWASP Session Management Cheat Sheet: Renew the Session ID After Any Privilege Level Change](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#renew-the-session-id-after-any-privilege-level-change)
    pub static SPEC = {
        ids: &["javascript/session-fixation@v1.0", "typescript/session-fixation@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Session fixation",
        category: Category::Security,
        cwes: &[384],
        tags: &["session", "authentication", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Call req.session.regenerate() when a user logs in and store the user in its callback; let the session library generate ids.",
        keywords: &["session"],
        check: Check::Node { kinds: &["assignment_expression", "call_expression"], run: check },
    };
}

/// Words of session properties that record who is logged in.
const IDENTITY: &[&str] = &[
    "user",
    "username",
    "userid",
    "uid",
    "account",
    "authenticated",
    "auth",
    "logged",
    "login",
    "admin",
    "role",
    "email",
    "member",
    "principal",
    "identity",
    "customer",
];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "assignment_expression" => check_assignment(node, checker),
        _ => check_genid(node, checker),
    }
}

/// `req.session` / `request.session`.
fn is_request_session(node: Node<'_>, text: &str) -> bool {
    let node = unwrap(node);
    node.kind() == "member_expression"
        && node
            .js_field("property")
            .is_some_and(|p| node_text(p, text) == "session")
        && node
            .js_field("object")
            .and_then(|o| last_word(o, text))
            .is_some_and(|w| w == "req" || w == "request")
}

/// The session property an assignment records the user in, if it does.
fn identity_assignment(assignment: Node<'_>, text: &str) -> bool {
    let Some(left) = assignment.js_field("left").map(unwrap) else {
        return false;
    };
    left.kind() == "member_expression"
        && left
            .js_field("object")
            .is_some_and(|o| is_request_session(o, text))
        && left.js_field("property").is_some_and(|p| {
            words(node_text(p, text))
                .iter()
                .any(|w| IDENTITY.contains(&w.as_str()))
        })
}

fn check_assignment(assignment: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if check_session_id(assignment, checker) || !identity_assignment(assignment, text) {
        return;
    }
    if checker.semantic.imports("cookie-session") {
        return;
    }
    // The functions around the assignment, innermost first.
    let mut functions = Vec::new();
    let mut current = assignment.parent();
    while let Some(n) = current {
        if is_function(n) {
            functions.push(n);
        }
        current = n.parent();
    }
    let Some(login) = functions.iter().position(|f| is_login(*f, checker)) else {
        return;
    };
    // Inside the `regenerate` (or Passport `req.login`) callback.
    if functions[..=login]
        .iter()
        .any(|f| callback_of(*f, text, REGENERATING))
    {
        return;
    }
    let handler = functions[login];
    let body = node_text(handler, text);
    if body.contains("regenerate") || body.contains(".logIn(") || body.contains(".login(") {
        return;
    }
    // `router.post("/login", passport.authenticate("local"), handler)`:
    // Passport 0.6+ regenerated the session before the handler runs.
    if handler.parent().is_some_and(|args| {
        args.kind() == "arguments" && node_text(args, text).contains("passport.authenticate(")
    }) && !callback_of(handler, text, &["authenticate"])
    {
        return;
    }
    // One finding per handler: at its first identity assignment.
    let first = descendants(handler)
        .into_iter()
        .find(|n| n.kind() == "assignment_expression" && identity_assignment(*n, text));
    if first.is_some_and(|f| f.id() != assignment.id()) {
        return;
    }
    checker.report(
        assignment,
        Violation::new(
            "login-without-regenerate",
            "the login stores the user in the existing session without regenerating it: a session id planted before the login stays valid and becomes logged in",
        ),
    );
}

/// Calls whose callback runs with a fresh session.
const REGENERATING: &[&str] = &["regenerate", "login", "logIn"];

/// Whether a function is passed to a call of one of these methods.
fn callback_of(function: Node<'_>, text: &str, methods: &[&str]) -> bool {
    let Some(call) = function
        .parent()
        .filter(|p| p.kind() == "arguments")
        .and_then(|p| p.parent())
    else {
        return false;
    };
    member_call(call, text).is_some_and(|(_, m)| methods.contains(&m))
}

/// Whether a function handles a login: its name, the route it serves, or
/// the Passport call it is the callback of.
fn is_login(function: Node<'_>, checker: &Checker<'_>) -> bool {
    let text = checker.text;
    if function_name(function, text).is_some_and(|name| login_words(&words(name))) {
        return true;
    }
    let Some(call) = function
        .parent()
        .filter(|p| p.kind() == "arguments")
        .and_then(|p| p.parent())
    else {
        return false;
    };
    if callee_names(call, checker)
        .iter()
        .any(|n| n == "passport.authenticate")
    {
        return true;
    }
    // `export const signIn = asyncHandler(async (req, res) => { ... })`.
    if function_name(call, text).is_some_and(|name| login_words(&words(name))) {
        return true;
    }
    let Some((_, method)) = member_call(call, text) else {
        return false;
    };
    if !matches!(method, "post" | "put" | "all" | "get") {
        return false;
    }
    call_args(call)
        .first()
        .and_then(|p| js_string(*p, text))
        .is_some_and(|path| login_words(&words(&path)))
}

fn login_words(words: &[String]) -> bool {
    words
        .iter()
        .any(|w| matches!(w.as_str(), "login" | "signin" | "logon" | "authenticate"))
        || words.windows(2).any(|p| {
            matches!(
                (p[0].as_str(), p[1].as_str()),
                ("log" | "sign", "in") | ("log", "on")
            )
        })
}

/// `req.sessionID = req.query.sid`, `req.session.id = req.body.sessionId`.
fn check_session_id(assignment: Node<'_>, checker: &mut Checker<'_>) -> bool {
    let text = checker.text;
    let (Some(left), Some(right)) = (
        assignment.js_field("left").map(unwrap),
        assignment.js_field("right"),
    ) else {
        return false;
    };
    if left.kind() != "member_expression" {
        return false;
    }
    let (Some(object), Some(property)) = (left.js_field("object"), left.js_field("property"))
    else {
        return false;
    };
    let target = match node_text(property, text) {
        "sessionID" | "sessionId" => {
            last_word(object, text).is_some_and(|w| w == "req" || w == "request")
        }
        "id" => is_request_session(object, text),
        _ => false,
    };
    if !target || !reads_request_input(right, text) {
        return false;
    }
    checker.report(
        assignment,
        Violation::new(
            "session-id-from-request",
            "the session id is taken from the request: whoever sends the link chooses the victim's session id",
        ),
    );
    true
}

/// `session({ genid: () => "fixed" })`, `genid: (req) => req.query.sid`.
fn check_genid(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(function) = call.js_field("function") else {
        return;
    };
    if !callee_names(call, checker)
        .iter()
        .any(|n| n == "express-session")
        || !is_imported(function, checker)
    {
        return;
    }
    let Some(genid) = call_args(call)
        .first()
        .and_then(|o| object_property(*o, "genid", text))
        .map(unwrap)
        .filter(|g| is_function(*g))
    else {
        return;
    };
    let Some(body) = genid.js_field("body") else {
        return;
    };
    // What the function returns: an expression body or its return values.
    let returned: Vec<Node<'_>> = if body.kind() == "statement_block" {
        descendants(body)
            .into_iter()
            .filter(|n| n.kind() == "return_statement")
            .filter_map(|r| r.named_child(0))
            .collect()
    } else {
        vec![body]
    };
    if returned.is_empty() {
        return;
    }
    let constant = returned
        .iter()
        .all(|r| js_string(*r, text).is_some() || unwrap(*r).kind() == "number");
    let from_request = returned.iter().any(|r| {
        descendants(*r)
            .into_iter()
            .any(|n| reads_request_input(n, text))
    });
    let message = if constant {
        "genid returns a constant: every visitor gets the same session id"
    } else if from_request {
        "genid takes the session id from the request: whoever sends the link chooses the victim's session id"
    } else {
        return;
    };
    checker.report(genid, Violation::new("predictable-session-id", message));
}
