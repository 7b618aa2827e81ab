//! CloudFormation templates on the YAML and JSON trees: telling a template
//! from any other YAML/JSON file, and navigating `Resources` without caring
//! which of the two syntaxes the template uses.

use tree_sitter::{Node, Tree};

use super::Grammar;

/// A resource of a template: its logical id, its `Type` and the mapping node
/// holding its members (`Type`, `Properties`, ...).
#[derive(Debug, Clone, Copy)]
pub struct Resource<'t> {
    pub logical_id_node: Node<'t>,
    pub body: Node<'t>,
}

/// Whether a parsed YAML/JSON document is a CloudFormation template: a
/// top-level mapping with `AWSTemplateFormatVersion` or `Resources`.
pub fn is_template(tree: &Tree, text: &str) -> bool {
    // Cheap textual check first: most YAML/JSON files are not templates.
    if !text.contains("AWSTemplateFormatVersion") && !text.contains("Resources") {
        return false;
    }
    top_level_mapping(tree.root_node()).is_some_and(|mapping| {
        pairs(mapping).any(|pair| {
            matches!(
                pair_key(pair, text).as_deref(),
                Some("AWSTemplateFormatVersion" | "Resources")
            )
        })
    })
}

fn top_level_mapping(root: Node<'_>) -> Option<Node<'_>> {
    // YAML: stream > document > block_node > block_mapping;
    // JSON: document > object.
    let mut node = root;
    loop {
        if is_mapping(node) {
            return Some(node);
        }
        let mut cursor = node.walk();
        node = node
            .named_children(&mut cursor)
            .find(|c| !Grammar::Yaml.is_comment(c.kind()))?;
    }
}

pub fn is_mapping(node: Node<'_>) -> bool {
    matches!(node.kind(), "block_mapping" | "flow_mapping" | "object")
}

pub fn is_pair(node: Node<'_>) -> bool {
    matches!(node.kind(), "block_mapping_pair" | "flow_pair" | "pair")
}

/// The key/value pairs of a mapping node.
pub fn pairs<'t>(mapping: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    let mut cursor = mapping.walk();
    let children: Vec<Node<'t>> = mapping
        .named_children(&mut cursor)
        .filter(|n| is_pair(*n))
        .collect();
    children.into_iter()
}

/// The key of a pair as plain text (quotes removed).
pub fn pair_key(pair: Node<'_>, text: &str) -> Option<String> {
    scalar(pair.child_by_field_name("key")?, text)
}

/// The value node of a pair.
pub fn pair_value(pair: Node<'_>) -> Option<Node<'_>> {
    pair.child_by_field_name("value")
}

/// The member `key` of a mapping-valued node (a pair's value, or a mapping).
pub fn member<'t>(value: Node<'t>, key: &str, text: &str) -> Option<Node<'t>> {
    let mapping = mapping_of(value)?;
    pairs(mapping).find(|p| pair_key(*p, text).as_deref() == Some(key))
}

/// The mapping inside a YAML block/flow node, or the node itself.
pub fn mapping_of(value: Node<'_>) -> Option<Node<'_>> {
    if is_mapping(value) {
        return Some(value);
    }
    let mut cursor = value.walk();
    value.named_children(&mut cursor).find(|c| is_mapping(*c))
}

/// The scalar a node denotes, unquoted; `None` for mappings, sequences and
/// tagged values such as `!Ref X` (whose value is not a literal).
pub fn scalar(node: Node<'_>, text: &str) -> Option<String> {
    let raw = node.utf8_text(text.as_bytes()).ok()?;
    match node.kind() {
        "block_node" | "flow_node" => {
            let mut cursor = node.walk();
            let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
            if children.iter().any(|c| c.kind() == "tag") {
                return None;
            }
            let inner = children
                .into_iter()
                .find(|c| !matches!(c.kind(), "anchor" | "comment"))?;
            scalar(inner, text)
        }
        "plain_scalar" | "string_scalar" | "integer_scalar" | "float_scalar" | "boolean_scalar" => {
            Some(raw.trim().to_string())
        }
        "double_quote_scalar" | "string" => Some(unquote(raw, '"')),
        "single_quote_scalar" => Some(raw.trim_matches('\'').replace("''", "'")),
        "number" | "true" | "false" | "null" => Some(raw.to_string()),
        _ => None,
    }
}

fn unquote(raw: &str, quote: char) -> String {
    let inner = raw
        .strip_prefix(quote)
        .and_then(|r| r.strip_suffix(quote))
        .unwrap_or(raw);
    if !inner.contains('\\') {
        return inner.to_string();
    }
    serde_json::from_str::<String>(&format!("\"{inner}\"")).unwrap_or_else(|_| inner.to_string())
}

/// The resource enclosing `node`, if `node` is inside `Resources.<Id>`.
pub fn enclosing_resource<'t>(node: Node<'t>, text: &str) -> Option<Resource<'t>> {
    let mut current = Some(node);
    while let Some(n) = current {
        if is_pair(n) && is_resources_member(n, text) {
            return Some(Resource {
                logical_id_node: n.child_by_field_name("key")?,
                body: pair_value(n)?,
            });
        }
        current = n.parent();
    }
    None
}

impl<'t> Resource<'t> {
    pub fn logical_id(&self, text: &str) -> Option<String> {
        scalar(self.logical_id_node, text)
    }

    /// The resource's `Type`, e.g. `AWS::S3::Bucket`.
    pub fn resource_type(&self, text: &str) -> Option<String> {
        let pair = member(self.body, "Type", text)?;
        scalar(pair_value(pair)?, text)
    }

    /// The pair `Properties.<name>` of the resource.
    pub fn property(&self, name: &str, text: &str) -> Option<Node<'t>> {
        let properties = member(self.body, "Properties", text)?;
        member(pair_value(properties)?, name, text)
    }
}

/// Whether `pair` is `<Id>: {...}` directly under the top-level `Resources`.
fn is_resources_member(pair: Node<'_>, text: &str) -> bool {
    let Some(mapping) = pair.parent().filter(|m| is_mapping(*m)) else {
        return false;
    };
    // The mapping is the value of the `Resources` pair (possibly wrapped in a
    // YAML block/flow node).
    let mut up = mapping.parent();
    while let Some(n) = up.filter(|n| matches!(n.kind(), "block_node" | "flow_node")) {
        up = n.parent();
    }
    let Some(resources) = up.filter(|n| is_pair(*n)) else {
        return false;
    };
    if pair_key(resources, text).as_deref() != Some("Resources") {
        return false;
    }
    resources
        .parent()
        .is_some_and(|top| top_level_mapping(root_of(top)) == Some(top))
}

fn root_of(node: Node<'_>) -> Node<'_> {
    let mut n = node;
    while let Some(p) = n.parent() {
        n = p;
    }
    n
}

/// The logical id when `node` is a resource's pair (for fingerprint scopes).
pub fn resource_scope(_grammar: Grammar, node: Node<'_>, text: &str) -> Option<String> {
    (is_pair(node) && is_resources_member(node, text))
        .then(|| pair_key(node, text))
        .flatten()
        .map(|id| format!("Resources.{id}"))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::lang::{ParseOutcome, parse};

    fn tree(grammar: Grammar, text: &str) -> Tree {
        match parse(grammar, text, Duration::from_secs(5)) {
            ParseOutcome::Parsed(t) => t,
            ParseOutcome::TimedOut => panic!("timeout"),
        }
    }

    fn find<'t>(node: Node<'t>, pred: &dyn Fn(Node<'t>) -> bool) -> Option<Node<'t>> {
        if pred(node) {
            return Some(node);
        }
        let mut cursor = node.walk();
        let children: Vec<_> = node.children(&mut cursor).collect();
        children.into_iter().find_map(|c| find(c, pred))
    }

    #[test]
    fn recognises_templates_in_both_syntaxes() {
        let yaml = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n";
        let json = r#"{"Resources": {"Logs": {"Type": "AWS::S3::Bucket", "Properties": {"AccessControl": "PublicRead"}}}}"#;
        for (grammar, text) in [(Grammar::Yaml, yaml), (Grammar::Json, json)] {
            let t = tree(grammar, text);
            assert!(is_template(&t, text));
            let access = find(t.root_node(), &|n| {
                is_pair(n) && pair_key(n, text).as_deref() == Some("AccessControl")
            })
            .unwrap();
            let resource = enclosing_resource(access, text).unwrap();
            assert_eq!(resource.logical_id(text).as_deref(), Some("Logs"));
            assert_eq!(
                resource.resource_type(text).as_deref(),
                Some("AWS::S3::Bucket")
            );
            let prop = resource.property("AccessControl", text).unwrap();
            assert_eq!(
                scalar(pair_value(prop).unwrap(), text).as_deref(),
                Some("PublicRead")
            );
        }
    }

    #[test]
    fn other_documents_are_not_templates() {
        let text = "name: ci\non: push\njobs:\n  Resources: 1\n";
        assert!(!is_template(&tree(Grammar::Yaml, text), text));
        let text = r#"{"dependencies": {"Resources": "1.0"}}"#;
        assert!(!is_template(&tree(Grammar::Json, text), text));
    }
}
