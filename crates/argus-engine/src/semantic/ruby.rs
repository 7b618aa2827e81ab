//! Ruby: constants are global, so a constant path names itself
//! (`::Digest::MD5` is `Digest::MD5`).

use tree_sitter::Node;

use super::node_text;

pub(super) fn qualified(expr: Node<'_>, text: &str) -> Option<String> {
    match expr.kind() {
        "constant" | "identifier" => Some(node_text(expr, text).to_string()),
        "scope_resolution" => {
            let name = node_text(expr.child_by_field_name("name")?, text);
            match expr.child_by_field_name("scope") {
                Some(scope) => Some(format!("{}::{name}", qualified(scope, text)?)),
                None => Some(name.to_string()),
            }
        }
        "call" => callee(expr, text),
        _ => None,
    }
}

/// `Receiver.method` for a call (`Digest::MD5.hexdigest`).
pub(super) fn callee(call: Node<'_>, text: &str) -> Option<String> {
    let method = node_text(call.child_by_field_name("method")?, text);
    match call.child_by_field_name("receiver") {
        Some(receiver) => Some(format!("{}.{method}", qualified(receiver, text)?)),
        None => Some(method.to_string()),
    }
}
