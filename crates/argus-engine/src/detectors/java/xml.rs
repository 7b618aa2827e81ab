//! Helpers shared by the XML parser and deserialization configuration
//! checks: following a value through parentheses and casts, finding where a
//! local name is declared, and reading the keys and values of
//! `setFeature`/`setProperty` calls.

use tree_sitter::Node;

use super::{
    bool_literal, call_args, constant_string, descendants, enclosing_class, enclosing_method,
};
use crate::semantic::{node_text, string_literal};

/// The outermost expression that is `node` wrapped in parentheses or casts.
pub fn climb(node: Node<'_>) -> Node<'_> {
    let mut node = node;
    while let Some(parent) = node.parent() {
        match parent.kind() {
            "parenthesized_expression" => node = parent,
            "cast_expression" if parent.child_by_field_name("value") == Some(node) => node = parent,
            _ => break,
        }
    }
    node
}

/// The expression inside parentheses and casts.
pub fn unwrap(node: Node<'_>) -> Node<'_> {
    let mut node = node;
    loop {
        match node.kind() {
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => node = inner,
                None => return node,
            },
            "cast_expression" => match node.child_by_field_name("value") {
                Some(inner) => node = inner,
                None => return node,
            },
            _ => return node,
        }
    }
}

/// Where a name used at `at` is declared in its method: the declared type
/// and the initial value of a local variable, or the type of a parameter
/// (value `None`). `None` when the name is not a local of the method.
pub fn local_declaration<'t>(
    at: Node<'t>,
    name: &str,
    text: &str,
) -> Option<(Option<Node<'t>>, Option<Node<'t>>)> {
    let mut method = enclosing_method(at);
    while let Some(m) = method {
        let mut found = None;
        for node in descendants(m) {
            if node.start_byte() > at.start_byte() {
                break;
            }
            match node.kind() {
                "variable_declarator"
                    if node
                        .child_by_field_name("name")
                        .is_some_and(|n| node_text(n, text) == name) =>
                {
                    let declaration = node.parent();
                    if declaration.is_some_and(|d| d.kind() == "field_declaration") {
                        continue;
                    }
                    found = Some((
                        declaration.and_then(|d| d.child_by_field_name("type")),
                        node.child_by_field_name("value"),
                    ));
                }
                "formal_parameter" | "catch_formal_parameter" | "resource"
                    if node
                        .child_by_field_name("name")
                        .is_some_and(|n| node_text(n, text) == name) =>
                {
                    found = Some((
                        node.child_by_field_name("type"),
                        node.child_by_field_name("value"),
                    ));
                }
                "identifier"
                    if node
                        .parent()
                        .is_some_and(|p| p.kind() == "lambda_expression")
                        && node_text(node, text) == name =>
                {
                    found = Some((None, None));
                }
                _ => {}
            }
        }
        if found.is_some() {
            return found;
        }
        method = enclosing_method(m);
    }
    None
}

/// The declared type and initial value of a field of an enclosing class.
pub fn field_declaration<'t>(
    at: Node<'t>,
    name: &str,
    text: &str,
) -> Option<(Option<Node<'t>>, Option<Node<'t>>)> {
    let mut class = enclosing_class(at);
    while let Some(c) = class {
        let body = c.child_by_field_name("body")?;
        let mut cursor = body.walk();
        for member in body.named_children(&mut cursor) {
            if member.kind() != "field_declaration" {
                continue;
            }
            let mut inner = member.walk();
            for declarator in member.children_by_field_name("declarator", &mut inner) {
                if declarator
                    .child_by_field_name("name")
                    .is_some_and(|n| node_text(n, text) == name)
                {
                    return Some((
                        member.child_by_field_name("type"),
                        declarator.child_by_field_name("value"),
                    ));
                }
            }
        }
        class = enclosing_class(c);
    }
    None
}

/// The simple name of a type node (`List` for `java.util.List<String>`).
pub fn simple_type_name<'t>(ty: Node<'_>, text: &'t str) -> &'t str {
    let written = node_text(ty, text);
    let base = written.split('<').next().unwrap_or(written).trim();
    base.rsplit('.').next().unwrap_or(base)
}

/// A boolean an expression is known to hold: `true`, `Boolean.FALSE`,
/// `Boolean.valueOf(false)`, `"false"`.
pub fn bool_value(expr: Node<'_>, text: &str) -> Option<bool> {
    let expr = unwrap(expr);
    if let Some(value) = bool_literal(expr) {
        return Some(value);
    }
    match node_text(expr, text) {
        "Boolean.TRUE" | "java.lang.Boolean.TRUE" | "\"true\"" => return Some(true),
        "Boolean.FALSE" | "java.lang.Boolean.FALSE" | "\"false\"" => return Some(false),
        _ => {}
    }
    if expr.kind() == "method_invocation"
        && matches!(
            expr.child_by_field_name("name").map(|n| node_text(n, text)),
            Some("valueOf" | "parseBoolean")
        )
        && let Some(arg) = call_args(expr).first()
    {
        return bool_value(*arg, text);
    }
    None
}

/// The key a `setFeature`/`setProperty`/`setAttribute` argument denotes:
/// the string it holds, or the URI of a well-known JAXP constant
/// (`XMLConstants.ACCESS_EXTERNAL_DTD`, `XMLInputFactory.SUPPORT_DTD`).
pub fn setting_key(expr: Node<'_>, text: &str) -> Option<String> {
    let expr = unwrap(expr);
    if let Some(value) = constant_string(expr, text) {
        return Some(value);
    }
    // `String FEATURE = "http://..."; factory.setFeature(FEATURE, true);`
    if expr.kind() == "identifier"
        && let Some((_, Some(value))) = local_declaration(expr, node_text(expr, text), text)
        && let Some(value) = string_literal(value, text)
    {
        return Some(value);
    }
    let last = match expr.kind() {
        "field_access" => expr.child_by_field_name("field")?,
        "identifier" => expr,
        _ => return None,
    };
    let uri = match node_text(last, text) {
        "FEATURE_SECURE_PROCESSING" => "http://javax.xml.XMLConstants/feature/secure-processing",
        "ACCESS_EXTERNAL_DTD" => "http://javax.xml.XMLConstants/property/accessExternalDTD",
        "ACCESS_EXTERNAL_SCHEMA" => "http://javax.xml.XMLConstants/property/accessExternalSchema",
        "ACCESS_EXTERNAL_STYLESHEET" => {
            "http://javax.xml.XMLConstants/property/accessExternalStylesheet"
        }
        "SUPPORT_DTD" => "javax.xml.stream.supportDTD",
        "IS_SUPPORTING_EXTERNAL_ENTITIES" => "javax.xml.stream.isSupportingExternalEntities",
        _ => return None,
    };
    Some(uri.to_string())
}

/// Whether the document an argument denotes is the application's own: a
/// class path resource, a literal path or literal XML.
pub fn own_document(arg: Node<'_>, text: &str) -> bool {
    trusted_at(arg, text, 0)
}

fn trusted_at(arg: Node<'_>, text: &str, depth: usize) -> bool {
    if depth > 6 {
        return false;
    }
    let arg = unwrap(arg);
    match arg.kind() {
        "string_literal" | "text_block" => true,
        // `new Source[] { ... }`: every element is the application's own.
        "array_creation_expression" => {
            let elements: Vec<Node<'_>> = descendants(arg)
                .into_iter()
                .filter(|n| n.parent().is_some_and(|p| p.kind() == "array_initializer"))
                .collect();
            !elements.is_empty() && elements.iter().all(|e| trusted_at(*e, text, depth + 1))
        }
        "identifier" => {
            let name = node_text(arg, text);
            if constant_string(arg, text).is_some() {
                return true;
            }
            match local_declaration(arg, name, text) {
                Some((_, Some(value))) => trusted_at(value, text, depth + 1),
                _ => false,
            }
        }
        "object_creation_expression" => {
            let args = call_args(arg);
            let ty = arg
                .child_by_field_name("type")
                .map(|t| node_text(t, text))
                .unwrap_or_default();
            let wrapped = if ty.ends_with("SAXSource") {
                args.last()
            } else {
                args.first()
            };
            wrapped.is_some_and(|a| trusted_at(*a, text, depth + 1))
        }
        "method_invocation" => {
            let name = arg
                .child_by_field_name("name")
                .map(|n| node_text(n, text))
                .unwrap_or_default();
            let lower = name.to_ascii_lowercase();
            // `getStreamFromClasspath("persistence_2_0.xsd")`.
            if lower.contains("classpath") {
                return true;
            }
            // `sb.toString()` of a builder the method fills itself.
            if name == "toString"
                && let Some(object) = arg.child_by_field_name("object")
                && object.kind() == "identifier"
                && let Some((Some(ty), _)) =
                    local_declaration(object, node_text(object, text), text)
                && matches!(simple_type_name(ty, text), "StringBuilder" | "StringBuffer")
            {
                return true;
            }
            match name {
                "getResourceAsStream"
                | "getResource"
                | "getSystemResource"
                | "getSystemResourceAsStream" => true,
                // `url.openStream()`, `"<a/>".getBytes()`, `uri.toURL()`.
                "openStream" | "getBytes" | "toURL" | "toURI" | "toExternalForm" | "toString" => {
                    arg.child_by_field_name("object")
                        .is_some_and(|o| trusted_at(o, text, depth + 1))
                }
                _ => false,
            }
        }
        _ => false,
    }
}
