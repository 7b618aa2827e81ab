use super::super::context::words;
use super::super::prelude::*;
use super::{
    call_args, descendants, js_string, last_word, member_call, object_property, resolve_function,
    unwrap,
};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds cross-origin messaging between windows that does not check
    /// who is on the other side:
    /// - `parent.postMessage(data, "*")` (and `window.top`, `opener`,
    ///   `iframe.contentWindow`, a popup, `{ targetOrigin: "*" }`): the
    ///   message goes to whatever page the target window holds at that
    ///   moment; messages made only of literals carry nothing, and a window
    ///   posting to itself (`window.postMessage(x, "*")`) is its only
    ///   recipient, so neither is reported;
    /// - `window.addEventListener("message", handler)` and
    ///   `window.onmessage = handler` whose handler reads `event.data`
    ///   without looking at `event.origin` (or `event.source`): a handler
    ///   that compares the origin against a literal or an allowlist is fine;
    /// - origin checks that a look-alike domain passes:
    ///   `event.origin.indexOf("example.com")`, `.includes(...)`,
    ///   `.startsWith("https://example.com")` (`https://example.com.evil.io`
    ///   passes), `.endsWith("example.com")` without a leading dot.
    ///
    /// Messages that are not cross-origin are not reported: a worker's
    /// `self.onmessage`, `worker.onmessage`, `MessagePort`s, WebSockets and
    /// `process.on("message")`. A bare `addEventListener("message")` counts
    /// only in files that use `window` or `document` (not in workers).
    ///
    /// ## Why is this bad?
    /// Any site can hold a reference to the application's window (by
    /// framing it or opening it) and post messages to it; a handler that
    /// acts on them without checking the origin lets that site drive the
    /// application (navigate, store data, run code). In the other
    /// direction, a message posted to `*` is delivered even after the
    /// target frame navigated to an attacker's page.
    ///
    /// ## Example
    /// ```javascript
    /// window.addEventListener("message", (event) => {
    ///   localStorage.setItem("token", event.data.token);
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// window.addEventListener("message", (event) => {
    ///   if (event.origin !== "https://login.example.com") return;
    ///   localStorage.setItem("token", event.data.token);
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-346: Origin Validation Error](https://cwe.mitre.org/data/definitions/346.html)
    /// - [CWE-345: Insufficient Verification of Data Authenticity](https://cwe.mitre.org/data/definitions/345.html)
    /// - [MDN: Window.postMessage security concerns](https://developer.mozilla.org/en-US/docs/Web/API/Window/postMessage#security_concerns)
    /// - [OWASP HTML5 Security Cheat Sheet: Web Messaging](https://cheatsheetseries.owasp.org/cheatsheets/HTML5_Security_Cheat_Sheet.html#web-messaging)
    pub static SPEC = {
        ids: &["javascript/origins-verified-cross-origin-communications@v1.0", "typescript/origins-verified-cross-origin-communications@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Unverified cross-origin communication",
        category: Category::Security,
        cwes: &[346, 345],
        tags: &["postmessage", "web"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Post messages to an exact target origin, and check event.origin against an exact allowlist before using event.data.",
        keywords: &["message"],
        check: Check::Node { kinds: &["call_expression", "assignment_expression"], run: check },
    };
}

/// Receivers that are browser windows (what `postMessage(msg, origin)`
/// and `message` events between origins belong to).
const WINDOWS: &[&str] = &[
    "window",
    "parent",
    "top",
    "opener",
    "contentwindow",
    "frames",
];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "call_expression" => {
            check_post_message(node, checker);
            check_listener(node, checker);
            check_weak_comparison(node, checker);
        }
        _ => check_onmessage(node, checker),
    }
}

/// `win.postMessage(data, "*")` (any receiver: workers and ports take a
/// transfer list, never an origin, as second argument).
fn check_post_message(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    // A window posting to itself (`window.postMessage(token, "*")`, the
    // `setImmediate` polyfill trick, or a bare `postMessage`) is the only
    // recipient: no other page receives the message.
    let Some((receiver, "postMessage")) = member_call(call, text) else {
        return;
    };
    let receiver = unwrap(receiver);
    if receiver.kind() == "identifier"
        && words(node_text(receiver, text))
            .first()
            .is_some_and(|w| matches!(w.as_str(), "window" | "self" | "global" | "root"))
    {
        return;
    }
    let args = call_args(call);
    let Some(&data) = args.first() else { return };
    let Some(target) = args.get(1).map(|t| unwrap(*t)) else {
        return;
    };
    let origin = if target.kind() == "object" {
        match object_property(target, "targetOrigin", text) {
            Some(origin) => origin,
            None => return,
        }
    } else {
        target
    };
    if js_string(origin, text).as_deref() != Some("*") || only_literals(data, text) {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "post-message-any-origin",
            "postMessage with target origin '*': the message is delivered to whatever page the target window holds, including an attacker's",
        ),
    );
}

/// A message made only of literals (`{ type: "ready" }`, `"loaded"`,
/// `JSON.stringify({ event: "listening" })`).
fn only_literals(data: Node<'_>, text: &str) -> bool {
    let data = unwrap(data);
    if data.kind() == "call_expression"
        && data
            .js_field("function")
            .is_some_and(|f| node_text(f, text) == "JSON.stringify")
    {
        let args = call_args(data);
        return args.len() == 1 && only_literals(args[0], text);
    }
    descendants(data).into_iter().all(|n| {
        !matches!(
            n.kind(),
            "identifier"
                | "member_expression"
                | "call_expression"
                | "subscript_expression"
                | "shorthand_property_identifier"
                | "spread_element"
                | "this"
        )
    })
}

/// Whether a receiver is a browser window.
fn is_window(receiver: Node<'_>, text: &str) -> bool {
    let receiver = unwrap(receiver);
    if receiver.kind() == "subscript_expression" {
        return receiver
            .js_field("object")
            .is_some_and(|o| is_window(o, text));
    }
    last_word(receiver, text).is_some_and(|w| WINDOWS.contains(&w.as_str()))
        || matches!(node_text(receiver, text), "globalThis" | "self.window")
}

/// A bare `addEventListener(...)` / `onmessage = ...` is the window's in a
/// page script; in a worker it is the worker's.
fn page_script(text: &str) -> bool {
    (text.contains("window") || text.contains("document"))
        && !text.contains("importScripts")
        && !text.contains("WorkerGlobalScope")
}

/// `window.addEventListener("message", handler)`.
fn check_listener(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let function = match call.js_field("function").map(unwrap) {
        Some(f) => f,
        None => return,
    };
    let window = match function.kind() {
        "identifier" if node_text(function, text) == "addEventListener" => page_script(text),
        "member_expression" => {
            function
                .js_field("property")
                .is_some_and(|p| node_text(p, text) == "addEventListener")
                && function
                    .js_field("object")
                    .is_some_and(|o| is_window(o, text))
        }
        _ => false,
    };
    if !window {
        return;
    }
    let args = call_args(call);
    if args.len() < 2 || js_string(args[0], text).as_deref() != Some("message") {
        return;
    }
    check_handler(call, args[1], checker);
}

/// `window.onmessage = handler`.
fn check_onmessage(assignment: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let (Some(left), Some(right)) = (
        assignment.js_field("left").map(unwrap),
        assignment.js_field("right"),
    ) else {
        return;
    };
    let window = match left.kind() {
        "identifier" => node_text(left, text) == "onmessage" && page_script(text),
        "member_expression" => {
            left.js_field("property")
                .is_some_and(|p| node_text(p, text) == "onmessage")
                && left.js_field("object").is_some_and(|o| is_window(o, text))
        }
        _ => false,
    };
    if window {
        check_handler(assignment, right, checker);
    }
}

fn check_handler(at: Node<'_>, handler: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(function) = resolve_function(handler, text) else {
        return;
    };
    let Some(body) = function.js_field("body") else {
        return;
    };
    // The event parameter, or its destructured names.
    let parameter = function.js_field("parameter").or_else(|| {
        let parameters = function.js_field("parameters")?;
        let mut cursor = parameters.walk();
        let first = parameters.named_children(&mut cursor).next()?;
        Some(first.js_field("pattern").unwrap_or(first))
    });
    let Some(parameter) = parameter else {
        return;
    };
    let (uses_data, checks_origin) = match parameter.kind() {
        "identifier" => {
            let name = node_text(parameter, text);
            let mut uses_data = false;
            let mut checks = false;
            for node in descendants(body) {
                if node.kind() == "identifier" && node_text(node, text) == name {
                    let parent = node.parent();
                    match parent {
                        Some(p)
                            if p.kind() == "member_expression"
                                && p.js_field("object") == Some(node) =>
                        {
                            match p.js_field("property").map(|q| node_text(q, text)) {
                                Some("data") if !logged(p, text) => uses_data = true,
                                Some("origin" | "source") => checks = true,
                                _ => {}
                            }
                        }
                        // The whole event handed to another function,
                        // which may check it (not for logging).
                        Some(p) if p.kind() == "arguments" => {
                            let logging = p
                                .parent()
                                .is_some_and(|c| node_text(c, text).starts_with("console."));
                            if !logging {
                                checks = true;
                            }
                        }
                        Some(p) if p.kind() == "variable_declarator" => checks = true,
                        _ => {}
                    }
                }
            }
            (uses_data, checks)
        }
        "object_pattern" => {
            let names = node_text(parameter, text);
            (
                names.contains("data"),
                names.contains("origin") || names.contains("source"),
            )
        }
        _ => return,
    };
    if !uses_data || checks_origin {
        return;
    }
    checker.report(
        at,
        Violation::new(
            "message-origin-unchecked",
            "the message handler uses event.data without checking event.origin: any site that frames or opens this page can send it messages",
        ),
    );
}

/// Whether an expression is only an argument of a `console.*` call.
fn logged(node: Node<'_>, text: &str) -> bool {
    node.parent()
        .filter(|p| p.kind() == "arguments")
        .and_then(|p| p.parent())
        .and_then(|call| call.js_field("function"))
        .is_some_and(|f| node_text(f, text).starts_with("console."))
}

/// `event.origin.indexOf("example.com")`, `.includes(...)`,
/// `.startsWith("https://example.com")`, `.endsWith("example.com")`.
fn check_weak_comparison(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some((receiver, method)) = member_call(call, text) else {
        return;
    };
    if !matches!(
        method,
        "indexOf" | "includes" | "startsWith" | "endsWith" | "search" | "match"
    ) {
        return;
    }
    let receiver = unwrap(receiver);
    let is_event_origin = receiver.kind() == "member_expression"
        && receiver
            .js_field("property")
            .is_some_and(|p| node_text(p, text) == "origin")
        && receiver
            .js_field("object")
            .and_then(|o| last_word(o, text))
            .is_some_and(|w| {
                matches!(w.as_str(), "e" | "event" | "evt" | "ev" | "msg" | "message")
            });
    if !is_event_origin {
        return;
    }
    let Some(argument) = call_args(call).first().copied() else {
        return;
    };
    let Some(literal) = js_string(argument, text) else {
        return;
    };
    let weak = match method {
        "indexOf" | "includes" | "search" | "match" => true,
        "startsWith" => !literal.ends_with('/'),
        _ => !literal.starts_with('.') && !literal.starts_with("//") && literal.contains('.'),
    };
    if !weak {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "weak-origin-check",
            format!("the origin check `{method}(\"{literal}\")` also accepts look-alike domains (such as {literal}.attacker.example): compare the whole origin"),
        ),
    );
}
