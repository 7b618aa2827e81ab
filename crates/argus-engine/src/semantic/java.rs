//! Java: single-type, on-demand and static imports; `java.lang` is always open.

use tree_sitter::Node;

use super::{SemanticModel, node_text};

pub(super) const OBSERVED: &[&str] = &["import_declaration"];

pub(super) fn observe(model: &mut SemanticModel, node: Node<'_>, text: &str) {
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
    let wildcard = children.iter().any(|c| c.kind() == "asterisk");
    let Some(path) = children
        .iter()
        .find(|c| matches!(c.kind(), "scoped_identifier" | "identifier"))
    else {
        return;
    };
    let path = node_text(*path, text);
    if wildcard {
        model.open_namespace(path);
    } else {
        let simple = path.rsplit('.').next().unwrap_or(path);
        model.bind(simple, path);
    }
}

pub(super) fn qualified(model: &SemanticModel, expr: Node<'_>, text: &str) -> Vec<String> {
    match expr.kind() {
        "identifier" | "type_identifier" => {
            let name = node_text(expr, text);
            match model.binding(name) {
                Some(bound) => vec![bound.to_string()],
                None => model.with_open_namespaces(name, "."),
            }
        }
        // `java.security.MessageDigest` written out, as an expression or a type.
        "field_access" | "scoped_identifier" | "scoped_type_identifier" => {
            let (object, field) = match expr.kind() {
                "field_access" => (
                    expr.child_by_field_name("object"),
                    expr.child_by_field_name("field"),
                ),
                "scoped_identifier" => (
                    expr.child_by_field_name("scope"),
                    expr.child_by_field_name("name"),
                ),
                _ => (
                    expr.named_child(0),
                    expr.named_child(expr.named_child_count().saturating_sub(1) as u32),
                ),
            };
            let (Some(object), Some(field)) = (object, field) else {
                return Vec::new();
            };
            let field = node_text(field, text);
            let written = format!("{}.{field}", node_text(object, text));
            let mut names: Vec<String> = qualified(model, object, text)
                .into_iter()
                .map(|o| format!("{o}.{field}"))
                .collect();
            if !names.contains(&written) {
                names.push(written);
            }
            names
        }
        "generic_type" => expr
            .named_child(0)
            .map(|t| qualified(model, t, text))
            .unwrap_or_default(),
        "parenthesized_expression" => expr
            .named_child(0)
            .map(|e| qualified(model, e, text))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

pub(super) fn callee(model: &SemanticModel, call: Node<'_>, text: &str) -> Vec<String> {
    match call.kind() {
        "method_invocation" => {
            let Some(name) = call.child_by_field_name("name") else {
                return Vec::new();
            };
            let name = node_text(name, text);
            match call.child_by_field_name("object") {
                Some(object) => qualified(model, object, text)
                    .into_iter()
                    .map(|o| format!("{o}.{name}"))
                    .collect(),
                // A statically imported method, or one of this class.
                None => match model.binding(name) {
                    Some(bound) => vec![bound.to_string()],
                    None => model.with_open_namespaces(name, "."),
                },
            }
        }
        "object_creation_expression" => call
            .child_by_field_name("type")
            .map(|t| qualified(model, t, text))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}
