//! Terraform detectors.

pub mod public_read_bucket_acl;

use tree_sitter::Node;

/// The `(type, name)` labels of the `resource` block enclosing an attribute.
pub fn enclosing_resource<'t>(node: Node<'t>, text: &str) -> Option<(String, Node<'t>)> {
    let mut current = node.parent();
    while let Some(n) = current {
        if n.kind() == "block" {
            let mut cursor = n.walk();
            let children: Vec<Node<'t>> = n.named_children(&mut cursor).collect();
            let keyword = children.first().map(|c| &text[c.byte_range()]);
            if keyword == Some("resource") {
                let resource_type = children.get(1).and_then(|c| string_value(*c, text))?;
                return Some((resource_type, n));
            }
            return None;
        }
        current = n.parent();
    }
    None
}

/// The value of a literal string expression without interpolation.
pub fn string_value(node: Node<'_>, text: &str) -> Option<String> {
    let raw = text[node.byte_range()].trim();
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains("${") && !inner.contains("%{")).then(|| inner.to_string())
}

/// The name and value nodes of an `attribute` (`name = value`).
pub fn attribute_parts<'t>(attribute: Node<'t>, text: &str) -> Option<(String, Node<'t>)> {
    let name = attribute.named_child(0)?;
    let value = attribute.named_child(1)?;
    Some((text[name.byte_range()].to_string(), value))
}
