//! Java detectors.

pub mod insecure_hashing;

use tree_sitter::Node;

use crate::semantic::string_literal;

/// The string a Java expression is known to hold: a literal, or the name of
/// a `final` field of an enclosing class initialised with a literal.
pub fn constant_string(expr: Node<'_>, text: &str) -> Option<String> {
    if let Some(value) = string_literal(expr, text) {
        return Some(value);
    }
    if expr.kind() != "identifier" {
        return None;
    }
    let name = &text[expr.byte_range()];
    let mut scope = expr.parent();
    while let Some(node) = scope {
        if node.kind() == "class_body"
            || node.kind() == "interface_body"
            || node.kind() == "enum_body_declarations"
        {
            let mut cursor = node.walk();
            for member in node.named_children(&mut cursor) {
                if member.kind() != "field_declaration" && member.kind() != "constant_declaration" {
                    continue;
                }
                let is_final = member.kind() == "constant_declaration"
                    || member
                        .named_child(0)
                        .filter(|m| m.kind() == "modifiers")
                        .is_some_and(|m| {
                            text[m.byte_range()]
                                .split_whitespace()
                                .any(|w| w == "final")
                        });
                if !is_final {
                    continue;
                }
                let mut inner = member.walk();
                for declarator in member.children_by_field_name("declarator", &mut inner) {
                    let declared = declarator
                        .child_by_field_name("name")
                        .map(|n| &text[n.byte_range()]);
                    if declared == Some(name) {
                        return declarator
                            .child_by_field_name("value")
                            .and_then(|v| string_literal(v, text));
                    }
                }
            }
        }
        scope = node.parent();
    }
    None
}
