//! Go: import specs, with or without a package alias.

use tree_sitter::Node;

use super::{SemanticModel, node_text, string_literal};

pub(super) const OBSERVED: &[&str] = &["import_spec"];

pub(super) fn observe(model: &mut SemanticModel, node: Node<'_>, text: &str) {
    let Some(path) = node
        .child_by_field_name("path")
        .and_then(|p| string_literal(p, text))
    else {
        return;
    };
    let local = match node.child_by_field_name("name") {
        Some(name) => match node_text(name, text) {
            "_" | "." => return,
            alias => alias.to_string(),
        },
        None => default_package_name(&path).to_string(),
    };
    model.bind(local, path);
}

/// The package name an import path declares by convention: the last path
/// element, skipping a major-version suffix (`.../v2`) and `gopkg.in`'s
/// `.vN`.
fn default_package_name(path: &str) -> &str {
    let mut parts = path.rsplit('/');
    let mut last = parts.next().unwrap_or(path);
    if last.len() >= 2 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit()) {
        last = parts.next().unwrap_or(last);
    }
    match last.split_once(".v") {
        Some((name, version)) if version.chars().all(|c| c.is_ascii_digit()) => name,
        _ => last,
    }
}

pub(super) fn qualified(model: &SemanticModel, expr: Node<'_>, text: &str) -> Option<String> {
    match expr.kind() {
        "identifier" | "package_identifier" | "type_identifier" => {
            let name = node_text(expr, text);
            Some(model.binding(name).unwrap_or(name).to_string())
        }
        "selector_expression" => {
            let operand = qualified(model, expr.child_by_field_name("operand")?, text)?;
            let field = node_text(expr.child_by_field_name("field")?, text);
            Some(format!("{operand}.{field}"))
        }
        "qualified_type" => {
            let package = node_text(expr.child_by_field_name("package")?, text);
            let name = node_text(expr.child_by_field_name("name")?, text);
            Some(format!(
                "{}.{name}",
                model.binding(package).unwrap_or(package)
            ))
        }
        "parenthesized_expression" => qualified(model, expr.named_child(0)?, text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::default_package_name;

    #[test]
    fn package_names_follow_go_conventions() {
        assert_eq!(default_package_name("crypto/md5"), "md5");
        assert_eq!(default_package_name("github.com/x/y/v2"), "y");
        assert_eq!(default_package_name("gopkg.in/yaml.v3"), "yaml");
    }
}
