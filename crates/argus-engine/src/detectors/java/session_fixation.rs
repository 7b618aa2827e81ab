use super::super::prelude::*;
use super::web::{calls_in, name_words, string_value, strip};
use super::{call_args, descendants, enclosing_method, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds logins that keep the session the user had before logging in:
    /// - Spring Security's `sessionFixation().none()` (also
    ///   `sessionFixation(f -> f.none())` and
    ///   `sessionFixation(SessionFixationConfigurer::none)`), which turns
    ///   off the session id change Spring makes at login;
    /// - servlet login code that checks a password (a call or comparison
    ///   involving a password or credential: `checkPassword(...)`,
    ///   `authenticate(user, password)`, `BCrypt.checkpw(...)`) and then
    ///   stores the logged-in user in the session
    ///   (`session.setAttribute("user", ...)`, `"principal"`, `"userId"`,
    ///   `"loggedIn"`, `"authenticated"`, ...) without calling
    ///   `session.invalidate()` and getting a new session, or
    ///   `request.changeSessionId()`, first.
    ///
    /// `HttpServletRequest.login(...)` is not reported: the container
    /// changes the session id itself.
    ///
    /// ## Why is this bad?
    /// An attacker who can plant a session id in the victim's browser (a
    /// link with `;jsessionid=...`, a cookie set from a sibling sub-domain)
    /// waits for the victim to log in with it; the session is then
    /// authenticated, and the attacker, who knows its id, is logged in as
    /// the victim.
    ///
    /// ## Example
    /// ```java
    /// if (users.checkPassword(name, password)) {
    ///     request.getSession().setAttribute("user", name);
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// if (users.checkPassword(name, password)) {
    ///     request.changeSessionId();
    ///     request.getSession().setAttribute("user", name);
    /// }
    /// ```
    ///
    /// ## References
    /// - [CWE-384: Session Fixation](https://cwe.mitre.org/data/definitions/384.html)
    /// - [OWASP Session Management Cheat Sheet: Renew the Session ID After Any Privilege Level Change](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#renew-the-session-id-after-any-privilege-level-change)
    /// - [Spring Security: Session Fixation Attack Protection](https://docs.spring.io/spring-security/reference/servlet/authentication/session-management.html#ns-session-fixation)
    pub static SPEC = {
        ids: &["java/session-fixation@v1.0"],
        languages: &[Language::Java],
        name: "Session fixation",
        category: Category::Security,
        cwes: &[384],
        tags: &["sessions", "authentication", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Give the user a new session id when they log in (`request.changeSessionId()`, or invalidate the old session and create a new one); keep Spring Security's default session fixation protection.",
        keywords: &["sessionFixation", "setAttribute"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

/// Session attribute names that mark a session as logged in.
const LOGIN_ATTRIBUTES: &[&str] = &[
    "user",
    "username",
    "userid",
    "user_id",
    "principal",
    "loggedin",
    "logged_in",
    "authenticated",
    "auth",
    "currentuser",
    "current_user",
    "loginuser",
    "login_user",
    "account",
    "accountid",
    "role",
    "roles",
    "admin",
    "isadmin",
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    match method_name(call, text) {
        Some("sessionFixation") => check_spring(call, checker),
        Some("setAttribute") => check_servlet(call, checker),
        _ => {}
    }
}

fn check_spring(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if !text.contains("org.springframework.security") {
        return;
    }
    // The `none` name to replace.
    let none: Option<Node<'_>> = match call_args(call).first().map(|a| strip(*a)) {
        None => call
            .parent()
            .filter(|p| {
                p.kind() == "method_invocation"
                    && p.child_by_field_name("object") == Some(call)
                    && method_name(*p, text) == Some("none")
            })
            .and_then(|p| p.child_by_field_name("name")),
        Some(arg) if arg.kind() == "method_reference" => {
            let count = arg.named_child_count();
            arg.named_child((count as u32).saturating_sub(1))
                .filter(|n| node_text(*n, text) == "none")
        }
        Some(arg) if arg.kind() == "lambda_expression" => arg
            .child_by_field_name("body")
            .and_then(|body| {
                descendants(body).into_iter().find(|n| {
                    n.kind() == "method_invocation"
                        && method_name(*n, text) == Some("none")
                        && receiver(*n).is_some()
                })
            })
            .and_then(|n| n.child_by_field_name("name")),
        Some(_) => None,
    };
    let Some(none) = none else {
        return;
    };
    let at = call.child_by_field_name("name").unwrap_or(call);
    checker.report(
        at,
        Violation::new(
            "none",
            "Session fixation protection is turned off: the session id is kept at login",
        )
        .with_fix(Fix::replace(
            "Migrate the session to a new id at login",
            none.byte_range(),
            "migrateSession",
        )),
    );
}

/// Whether the attribute name marks a logged-in session.
fn login_attribute(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let compact: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    LOGIN_ATTRIBUTES.contains(&lower.as_str()) || LOGIN_ATTRIBUTES.contains(&compact.as_str())
}

/// Whether an expression involves a password or credential check.
fn password_check(node: Node<'_>, text: &str) -> bool {
    descendants(node).into_iter().any(|n| {
        matches!(n.kind(), "identifier" | "string_literal")
            && name_words(node_text(n, text)).iter().any(|w| {
                matches!(
                    w.as_str(),
                    "password" | "passwd" | "pwd" | "checkpw" | "credentials" | "credential"
                )
            })
    })
}

fn check_servlet(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let args = call_args(call);
    if args.len() != 2 {
        return;
    }
    let Some(attribute) = string_value(args[0], text) else {
        return;
    };
    if !login_attribute(&attribute) {
        return;
    }
    // The receiver must be a session: `request.getSession()`, or a
    // variable named or assigned like one.
    let Some(object) = receiver(call).map(strip) else {
        return;
    };
    let session = match object.kind() {
        "method_invocation" => method_name(object, text) == Some("getSession"),
        "identifier" => node_text(object, text)
            .to_ascii_lowercase()
            .contains("session"),
        _ => false,
    };
    if !session {
        return;
    }
    let Some(method) = enclosing_method(call) else {
        return;
    };
    // The attribute is set after (or under) a password check.
    let checked = descendants(method).into_iter().any(|n| {
        n.start_byte() < call.start_byte()
            && match n.kind() {
                "if_statement" => n
                    .child_by_field_name("condition")
                    .is_some_and(|c| password_check(c, text)),
                "method_invocation" => {
                    method_name(n, text).is_some_and(|m| {
                        let words = name_words(m);
                        words.iter().any(|w| {
                            matches!(
                                w.as_str(),
                                "authenticate" | "verify" | "check" | "checkpw" | "matches"
                            )
                        })
                    }) && call_args(n).into_iter().any(|a| password_check(a, text))
                }
                _ => false,
            }
    });
    if !checked {
        return;
    }
    let renewed = calls_in(method).into_iter().any(|c| {
        c.start_byte() < call.start_byte()
            && matches!(
                method_name(c, text),
                Some("invalidate" | "changeSessionId" | "renewSession" | "migrateSession")
            )
    });
    if renewed {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "login-keeps-session",
            format!(
                "The session is marked logged in (`{attribute}`) after a password check without a new session id"
            ),
        ),
    );
}
