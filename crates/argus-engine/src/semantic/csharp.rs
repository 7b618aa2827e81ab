//! C#: `using N;`, `using A = N.T;`, `using static N.T;`.

use tree_sitter::Node;

use super::{SemanticModel, node_text};

pub(super) const OBSERVED: &[&str] = &["using_directive"];

pub(super) fn observe(model: &mut SemanticModel, node: Node<'_>, text: &str) {
    let mut cursor = node.walk();
    let names: Vec<Node<'_>> = node
        .named_children(&mut cursor)
        .filter(|c| matches!(c.kind(), "identifier" | "qualified_name"))
        .collect();
    match names.as_slice() {
        // `using Alias = Some.Namespace.Type;`
        [alias, target] => model.bind(node_text(*alias, text), node_text(*target, text)),
        // `using Some.Namespace;` and `using static Some.Type;`
        [namespace] => model.open_namespace(node_text(*namespace, text)),
        _ => {}
    }
}

pub(super) fn qualified(model: &SemanticModel, expr: Node<'_>, text: &str) -> Vec<String> {
    match expr.kind() {
        "identifier" | "predefined_type" => {
            let name = node_text(expr, text);
            match model.binding(name) {
                Some(bound) => vec![bound.to_string()],
                None => model.with_open_namespaces(name, "."),
            }
        }
        "member_access_expression" | "qualified_name" => {
            let (object, member) = match expr.kind() {
                "member_access_expression" => (
                    expr.child_by_field_name("expression"),
                    expr.child_by_field_name("name"),
                ),
                _ => (
                    expr.child_by_field_name("qualifier"),
                    expr.child_by_field_name("name"),
                ),
            };
            let (Some(object), Some(member)) = (object, member) else {
                return Vec::new();
            };
            let member = node_text(member, text);
            let written = format!("{}.{member}", node_text(object, text));
            let mut names: Vec<String> = qualified(model, object, text)
                .into_iter()
                .map(|o| format!("{o}.{member}"))
                .collect();
            if !names.contains(&written) {
                names.push(written);
            }
            names
        }
        "generic_name" => expr
            .named_child(0)
            .map(|n| qualified(model, n, text))
            .unwrap_or_default(),
        "parenthesized_expression" => expr
            .named_child(0)
            .map(|e| qualified(model, e, text))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}
