//! JavaScript and TypeScript: ES imports and CommonJS `require`.

use tree_sitter::Node;

use super::{SemanticModel, node_text, string_literal};
use crate::lang::JsField;

pub(super) const OBSERVED: &[&str] = &["import_statement", "variable_declarator"];

/// `node:crypto` and `crypto` are the same module.
fn module_name(raw: &str) -> &str {
    raw.strip_prefix("node:").unwrap_or(raw)
}

pub(super) fn observe(model: &mut SemanticModel, node: Node<'_>, text: &str) {
    match node.kind() {
        "import_statement" => observe_import(model, node, text),
        "variable_declarator" => observe_require(model, node, text),
        _ => {}
    }
}

fn observe_import(model: &mut SemanticModel, node: Node<'_>, text: &str) {
    let Some(source) = node
        .js_field("source")
        .and_then(|s| string_literal(s, text))
    else {
        return;
    };
    let module = module_name(&source).to_string();
    let mut cursor = node.walk();
    let Some(clause) = node
        .named_children(&mut cursor)
        .find(|c| c.kind() == "import_clause")
    else {
        return;
    };
    let mut cursor = clause.walk();
    for part in clause.named_children(&mut cursor) {
        match part.kind() {
            // `import crypto from 'crypto'`
            "identifier" => model.bind(node_text(part, text), module.clone()),
            // `import * as crypto from 'crypto'`
            "namespace_import" => {
                if let Some(name) = part.named_child(0) {
                    model.bind(node_text(name, text), module.clone());
                }
            }
            // `import { createHash as h } from 'crypto'`
            "named_imports" => {
                let mut inner = part.walk();
                for spec in part
                    .named_children(&mut inner)
                    .filter(|s| s.kind() == "import_specifier")
                {
                    let Some(name) = spec.js_field("name") else {
                        continue;
                    };
                    let local = spec.js_field("alias").unwrap_or(name);
                    let imported = node_text(name, text).trim_matches(['"', '\'']);
                    let qualified = if imported == "default" {
                        module.clone()
                    } else {
                        format!("{module}.{imported}")
                    };
                    model.bind(node_text(local, text), qualified);
                }
            }
            _ => {}
        }
    }
}

/// `const c = require('crypto')`, `const { createHash: h } = require('crypto')`,
/// `const h = require('crypto').createHash`.
fn observe_require(model: &mut SemanticModel, node: Node<'_>, text: &str) {
    let (Some(target), Some(value)) = (node.js_field("name"), node.js_field("value")) else {
        return;
    };
    let Some(qualified) = required(value, text) else {
        return;
    };
    match target.kind() {
        "identifier" => model.bind(node_text(target, text), qualified),
        "object_pattern" => {
            let mut cursor = target.walk();
            for prop in target.named_children(&mut cursor) {
                match prop.kind() {
                    "shorthand_property_identifier_pattern" => {
                        let name = node_text(prop, text);
                        model.bind(name, format!("{qualified}.{name}"));
                    }
                    "pair_pattern" => {
                        if let (Some(key), Some(local)) =
                            (prop.js_field("key"), prop.js_field("value"))
                            && local.kind() == "identifier"
                        {
                            model.bind(
                                node_text(local, text),
                                format!("{qualified}.{}", node_text(key, text)),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// The module path a `require(...)` expression (or a member of one) denotes.
fn required(value: Node<'_>, text: &str) -> Option<String> {
    match value.kind() {
        "call_expression" => require_module(value, text),
        "member_expression" => {
            let object = required(value.js_field("object")?, text)?;
            let property = node_text(value.js_field("property")?, text);
            Some(format!("{object}.{property}"))
        }
        "await_expression" | "parenthesized_expression" => required(value.named_child(0)?, text),
        _ => None,
    }
}

fn require_module(call: Node<'_>, text: &str) -> Option<String> {
    let function = call.js_field("function")?;
    if function.kind() != "identifier" || node_text(function, text) != "require" {
        return None;
    }
    let args = call.js_field("arguments")?;
    let first = args.named_child(0)?;
    string_literal(first, text).map(|m| module_name(&m).to_string())
}

pub(super) fn qualified(model: &SemanticModel, expr: Node<'_>, text: &str) -> Option<String> {
    match expr.kind() {
        "identifier" => {
            let name = node_text(expr, text);
            Some(model.binding(name).unwrap_or(name).to_string())
        }
        "member_expression" => {
            let object = qualified(model, expr.js_field("object")?, text)?;
            let property = node_text(expr.js_field("property")?, text);
            Some(format!("{object}.{property}"))
        }
        "call_expression" => require_module(expr, text),
        "parenthesized_expression" | "non_null_expression" | "as_expression" => {
            qualified(model, expr.named_child(0)?, text)
        }
        _ => None,
    }
}
