use super::super::prelude::*;
use super::{FUNCTION_KINDS, configured_by_option, property_key, remove_member, unwrap};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds TLS hostname verification replaced by a function that accepts
    /// every certificate: a `checkServerIdentity` option (for `tls.connect`,
    /// `https.request`, `https.Agent`, axios, got, ws, database drivers)
    /// or an assignment to `tls.checkServerIdentity`, whose function never
    /// returns an error and never throws (`() => undefined`, `() => {}`,
    /// `function () { return null; }`, lodash's `noop`).
    ///
    /// A function that does its own checks (pinning a fingerprint and
    /// returning an `Error` otherwise) or delegates to
    /// `tls.checkServerIdentity` is not reported, nor is code that only
    /// runs when a TLS option asks for it (`if (options.tlsInsecure)`): a
    /// library implementing its user's explicit setting.
    ///
    /// ## Why is this bad?
    /// Certificate validation proves only that a trusted CA signed the
    /// certificate; the hostname check proves it was issued for the server
    /// the client meant to reach. Without it, any valid certificate for any
    /// domain, which anyone can get for a domain they own, lets an attacker
    /// on the network path impersonate the server.
    ///
    /// ## Example
    /// ```javascript
    /// const tls = require("tls");
    /// const socket = tls.connect({ host, port, checkServerIdentity: () => undefined });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const tls = require("tls");
    /// const socket = tls.connect({ host, port });
    /// ```
    /// The fix removes the option, which restores Node's default check. To
    /// reach a server under another name, set `servername` to the name on
    /// its certificate.
    ///
    /// ## References
    /// - [CWE-297: Improper Validation of Certificate with Host Mismatch](https://cwe.mitre.org/data/definitions/297.html)
    /// - [Node.js tls.checkServerIdentity](https://nodejs.org/api/tls.html#tlscheckserveridentityhostname-cert)
    /// - [OWASP Transport Layer Security Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["javascript/unverified-hostname@v1.0", "typescript/unverified-hostname@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Unverified hostname",
        category: Category::Security,
        cwes: &[297, 295],
        tags: &["tls", "cryptography", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Leave checkServerIdentity at Node's default (tls.checkServerIdentity); to connect under another name, set servername instead of disabling the check.",
        keywords: &["checkserveridentity"],
        check: Check::Node { kinds: &["pair", "method_definition", "assignment_expression"], run: check },
    };
}

const KEY: &str = "checkServerIdentity";

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let (value, removable) = match node.kind() {
        "pair" => {
            if property_key(node, text) != Some(KEY) {
                return;
            }
            let Some(value) = node.js_field("value") else {
                return;
            };
            (value, true)
        }
        "method_definition" => {
            // `{ checkServerIdentity() {} }`
            if node.js_field("name").map(|n| node_text(n, text)) != Some(KEY)
                || node.parent().is_none_or(|p| p.kind() != "object")
            {
                return;
            }
            (node, true)
        }
        _ => {
            let Some(left) = node.js_field("left") else {
                return;
            };
            if left.kind() != "member_expression"
                || left.js_field("property").map(|p| node_text(p, text)) != Some(KEY)
            {
                return;
            }
            let Some(right) = node.js_field("right") else {
                return;
            };
            (right, false)
        }
    };
    if !accepts_everything(value, checker, 0) || configured_by_option(node, text) {
        return;
    }
    let mut violation = Violation::new(
        "hostname-not-verified",
        "checkServerIdentity never rejects a certificate: a valid certificate for any other domain is accepted, so an attacker on the network path can impersonate the server",
    );
    // Removing a property restores the default; an assignment to
    // `tls.checkServerIdentity` has no safe automatic rewrite.
    if removable && let Some(edit) = remove_member(node) {
        violation =
            violation.with_fix(Fix::new("Restore Node's hostname verification", vec![edit]));
    }
    checker.report(node, violation);
}

/// Whether a function value never returns an error and never throws.
fn accepts_everything(value: Node<'_>, checker: &Checker<'_>, depth: usize) -> bool {
    let text = checker.text;
    let value = unwrap(value);
    match value.kind() {
        "arrow_function"
        | "function_expression"
        | "function"
        | "function_declaration"
        | "method_definition" => {
            let Some(body) = value.js_field("body") else {
                return false;
            };
            if body.kind() != "statement_block" {
                return is_falsy(body, text);
            }
            block_accepts_everything(body, text)
        }
        "identifier" | "member_expression" if depth == 0 => {
            let names = checker.semantic.qualified_names(value, text);
            if names.iter().any(|n| {
                matches!(
                    n.as_str(),
                    "lodash.noop" | "lodash/noop" | "underscore.noop" | "_.noop"
                )
            }) {
                return true;
            }
            // A function declared in this file.
            if value.kind() != "identifier" {
                return false;
            }
            let name = node_text(value, text);
            find_function(value, name, text).is_some_and(|f| accepts_everything(f, checker, 1))
        }
        _ => false,
    }
}

/// Whether a function body has no `throw` and only falsy `return`s.
fn block_accepts_everything(body: Node<'_>, text: &str) -> bool {
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        if n != body && FUNCTION_KINDS.contains(&n.kind()) {
            continue;
        }
        match n.kind() {
            "throw_statement" => return false,
            "return_statement" => {
                if let Some(value) = n.named_child(0)
                    && !is_falsy(value, text)
                {
                    return false;
                }
            }
            _ => {}
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    true
}

/// `undefined`, `null`, `false`, `void 0`, `""`, `0`.
fn is_falsy(node: Node<'_>, text: &str) -> bool {
    let node = unwrap(node);
    match node.kind() {
        "undefined" | "null" | "false" => true,
        "identifier" => node_text(node, text) == "undefined",
        "unary_expression" => node_text(node, text).starts_with("void"),
        "number" => node_text(node, text) == "0",
        "string" => node_text(node, text).len() == 2,
        _ => false,
    }
}

/// The declaration of function `name` in the file.
fn find_function<'t>(from: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
    let mut root = from;
    while let Some(parent) = root.parent() {
        root = parent;
    }
    let mut stack = vec![root];
    let mut found = None;
    while let Some(n) = stack.pop() {
        match n.kind() {
            "function_declaration"
                if n.js_field("name")
                    .is_some_and(|i| node_text(i, text) == name) =>
            {
                if found.is_some() {
                    return None;
                }
                found = Some(n);
            }
            "variable_declarator"
                if n.js_field("name")
                    .is_some_and(|i| node_text(i, text) == name) =>
            {
                let value = n.js_field("value").map(unwrap)?;
                if !matches!(
                    value.kind(),
                    "arrow_function" | "function_expression" | "function"
                ) || found.is_some()
                {
                    return None;
                }
                found = Some(value);
            }
            _ => {}
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    found
}
