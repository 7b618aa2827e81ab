use super::super::prelude::*;
use super::{enclosing_function, identifiers};

detector! {
    /// ## What it does
    /// Finds TCP connections opened without a timeout:
    /// `socket.create_connection(address)` without a `timeout`, and a
    /// socket created with `socket.socket(...)` in a function and connected
    /// there with `.connect(...)` when nothing in the function calls
    /// `.settimeout(...)` or `.setblocking(...)` on it. Files that set a
    /// process-wide default with `socket.setdefaulttimeout` are not
    /// reported, nor are datagram and Unix-domain sockets.
    ///
    /// ## Why is this bad?
    /// Without a timeout a socket blocks for as long as the operating system
    /// lets it: a peer that accepts nothing or stops answering hangs the
    /// connect, and every later `recv`, for minutes or forever. One slow or
    /// hostile endpoint can tie up every worker of a service.
    ///
    /// ## Example
    /// ```python
    /// import socket
    ///
    /// connection = socket.create_connection((host, port))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import socket
    ///
    /// connection = socket.create_connection((host, port), timeout=10)
    /// ```
    ///
    /// ## References
    /// - [Python socket: Notes on socket timeouts](https://docs.python.org/3/library/socket.html#notes-on-socket-timeouts)
    /// - [CWE-400: Uncontrolled Resource Consumption](https://cwe.mitre.org/data/definitions/400.html)
    pub static SPEC = {
        ids: &["python/socket-connection-timeout@v1.0"],
        languages: &[Language::Python],
        name: "Socket connection without a timeout",
        category: Category::Quality,
        cwes: &[400, 1088],
        tags: &["reliability", "availability"],
        access: Access::CrashOrSlowdown,
        effort: Effort::NotExploitable,
        remediation: "Pass a timeout to socket.create_connection, or call settimeout() on the socket before connect().",
        keywords: &["socket"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if text.contains("setdefaulttimeout") {
        return;
    }
    match checker
        .semantic
        .call_matches(call, text, &["socket.create_connection", "socket.socket"])
    {
        Some("socket.create_connection") => {
            if call_arguments(call).is_none_or(|a| a.kind() != "argument_list")
                || argument(call, 1, "timeout", text).is_some()
                || has_unpacking(call)
            {
                return;
            }
            checker.report(
                call,
                Violation::new(
                    "no-timeout",
                    "socket.create_connection() without a timeout blocks as long as the peer does",
                ),
            );
        }
        Some("socket.socket") => check_socket(call, checker),
        _ => {}
    }
}

/// `s = socket.socket(...)` then `s.connect(...)` with no `s.settimeout`.
fn check_socket(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if call_arguments(call).is_none_or(|a| a.kind() != "argument_list") || has_unpacking(call) {
        return;
    }
    // Stream sockets over IP only: AF_INET (the default) or AF_INET6 and
    // SOCK_STREAM (the default).
    let family = argument(call, 0, "family", text).map(|f| node_text(f, text));
    let kind = argument(call, 1, "type", text).map(|t| node_text(t, text));
    if family.is_some_and(|f| !f.ends_with("AF_INET") && !f.ends_with("AF_INET6"))
        || kind.is_some_and(|k| !k.ends_with("SOCK_STREAM"))
        || argument(call, 3, "fileno", text).is_some()
    {
        return;
    }
    let Some(assignment) = call.parent().filter(|p| p.kind() == "assignment") else {
        return;
    };
    let Some(target) = assignment
        .child_by_field_name("left")
        .filter(|l| l.kind() == "identifier")
    else {
        return;
    };
    let Some(function) = enclosing_function(call) else {
        return;
    };
    let name = node_text(target, text);
    let mut uses = Vec::new();
    identifiers(function, name, text, &mut uses);
    let mut connect = None;
    for use_ in uses {
        if use_.id() == target.id() {
            continue;
        }
        let Some((method, method_call)) = method_call(use_, text) else {
            // Passed, stored or returned: someone else may set a timeout.
            return;
        };
        match method {
            "settimeout" | "setblocking" => return,
            "connect" if connect.is_none() => connect = Some(method_call),
            _ => {}
        }
    }
    let Some(connect) = connect else {
        return;
    };
    checker.report(
        connect,
        Violation::new(
            "no-timeout",
            format!(
                "`{name}.connect()` on a socket without a timeout blocks as long as the peer does"
            ),
        ),
    );
}

fn has_unpacking(call: Node<'_>) -> bool {
    call_arguments(call).is_some_and(|arguments| {
        let mut cursor = arguments.walk();
        arguments
            .named_children(&mut cursor)
            .any(|a| matches!(a.kind(), "list_splat" | "dictionary_splat"))
    })
}

/// `name.method(...)`: the method's name and the call.
fn method_call<'t>(identifier: Node<'t>, text: &'t str) -> Option<(&'t str, Node<'t>)> {
    let attribute = identifier
        .parent()
        .filter(|p| p.kind() == "attribute")
        .filter(|p| {
            p.child_by_field_name("object")
                .is_some_and(|o| o.id() == identifier.id())
        })?;
    let call = attribute.parent().filter(|p| {
        p.kind() == "call"
            && p.child_by_field_name("function")
                .is_some_and(|f| f.id() == attribute.id())
    })?;
    let method = attribute.child_by_field_name("attribute")?;
    Some((node_text(method, text), call))
}
