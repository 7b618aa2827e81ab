//! Python detectors.

pub mod hashlib_constructor;
pub mod insecure_hashing;

use tree_sitter::Node;

use crate::fix::Edit;

/// An edit deleting a call argument together with the comma and spaces
/// that follow it (`f(a, b)` -> `f(b)`).
pub fn remove_argument(argument: Node<'_>, text: &str) -> Edit {
    let mut end = argument.end_byte();
    if let Some(comma) = argument.next_sibling().filter(|n| n.kind() == ",") {
        end = comma.end_byte();
        end += text[end..].len() - text[end..].trim_start_matches([' ', '\t']).len();
    }
    Edit::replace(argument.start_byte()..end, "")
}

/// The `attribute` node naming the method of `module.method(...)` when the
/// callee is written that way (not through an imported bare name).
pub fn method_name_node(call: Node<'_>) -> Option<Node<'_>> {
    call.child_by_field_name("function")
        .filter(|f| f.kind() == "attribute")
        .and_then(|f| f.child_by_field_name("attribute"))
}
