use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds sockets bound to every network interface:
    /// `sock.bind(("0.0.0.0", port))`, `sock.bind(("", port))` and
    /// `sock.bind(("::", port))`, in files that use the `socket` module.
    ///
    /// Binding to a given address (`"127.0.0.1"`, a host read from
    /// configuration) is not reported, nor is `app.run(host="0.0.0.0")`,
    /// where listening on all interfaces is the usual deployment choice
    /// behind a proxy or in a container.
    ///
    /// ## Why is this bad?
    /// A listener on all interfaces is reachable from every network the
    /// machine is attached to, including public ones, not only from the
    /// local processes or the private network it was written for. Internal
    /// services (debug ports, unauthenticated admin or IPC endpoints)
    /// become remotely reachable.
    ///
    /// ## Example
    /// ```python
    /// import socket
    ///
    /// server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    /// server.bind(("0.0.0.0", 9000))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    /// import socket
    ///
    /// server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    /// server.bind((os.environ.get("LISTEN_ADDRESS", "127.0.0.1"), 9000))
    /// ```
    ///
    /// ## References
    /// - [CWE-200: Exposure of Sensitive Information to an Unauthorized Actor](https://cwe.mitre.org/data/definitions/200.html)
    /// - [CWE-605: Multiple Binds to the Same Port](https://cwe.mitre.org/data/definitions/605.html)
    /// - [Python socket: socket.bind](https://docs.python.org/3/library/socket.html#socket.socket.bind)
    /// - [Bandit B104: hardcoded_bind_all_interfaces](https://bandit.readthedocs.io/en/latest/plugins/b104_hardcoded_bind_all_interfaces.html)
    pub static SPEC = {
        ids: &["python/insecure-socket-bind@v1.0"],
        languages: &[Language::Python],
        name: "Socket bound to all interfaces",
        category: Category::Security,
        cwes: &[200, 605],
        tags: &["network", "configuration"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Bind to the interface that must serve (127.0.0.1 for local use) or take the address from configuration.",
        keywords: &["bind"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// Addresses meaning "every interface".
const ANY_ADDRESS: &[&str] = &["0.0.0.0", "", "::", "::0", "0:0:0:0:0:0:0:0"];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let is_bind = super::method_name_node(call).is_some_and(|m| node_text(m, text) == "bind");
    if !is_bind {
        return;
    }
    if !checker.semantic.imports("socket") {
        return;
    }
    let positional = positional_arguments(checker.grammar, call);
    let [address] = positional.as_slice() else {
        return;
    };
    if address.kind() != "tuple" {
        return;
    }
    let Some(host) = address.named_child(0).filter(|h| h.kind() == "string") else {
        return;
    };
    let Some(value) = string_literal(host, text) else {
        return;
    };
    if !ANY_ADDRESS.contains(&value.as_str()) {
        return;
    }
    let shown = if value.is_empty() { "\"\"" } else { &value };
    let violation = Violation::new(
        "bind-all",
        format!(
            "the socket listens on every network interface ({shown}), reachable from any network the host is on"
        ),
    );
    checker.report(call, violation);
}
