//! Python: `import a.b as c`, `from a import b as c`.

use tree_sitter::Node;

use super::{SemanticModel, node_text};
use crate::lang::PythonField;

pub(super) const OBSERVED: &[&str] = &["import_statement", "import_from_statement"];

pub(super) fn observe(model: &mut SemanticModel, node: Node<'_>, text: &str) {
    let mut cursor = node.walk();
    match node.kind() {
        "import_statement" => {
            for name in node.children_by_field_name("name", &mut cursor) {
                match name.kind() {
                    // `import a.b` binds `a`, and `a.b.f` then resolves as written.
                    "dotted_name" => {
                        let dotted = node_text(name, text);
                        let head = dotted.split('.').next().unwrap_or(dotted);
                        model.bind(head, head);
                    }
                    "aliased_import" => {
                        if let (Some(module), Some(alias)) =
                            (name.py_field("name"), name.py_field("alias"))
                        {
                            model.bind(node_text(alias, text), node_text(module, text));
                        }
                    }
                    _ => {}
                }
            }
        }
        "import_from_statement" => {
            let Some(module) = node.py_field("module_name") else {
                return;
            };
            let module = node_text(module, text);
            for name in node.children_by_field_name("name", &mut cursor) {
                match name.kind() {
                    "dotted_name" => {
                        let member = node_text(name, text);
                        model.bind(member, join_module(module, member));
                    }
                    "aliased_import" => {
                        if let (Some(member), Some(alias)) =
                            (name.py_field("name"), name.py_field("alias"))
                        {
                            model.bind(
                                node_text(alias, text),
                                join_module(module, node_text(member, text)),
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

/// `a.b` + `c` -> `a.b.c`; `.` + `c` -> `.c` (relative to the package).
fn join_module(module: &str, member: &str) -> String {
    if module.ends_with('.') {
        format!("{module}{member}")
    } else {
        format!("{module}.{member}")
    }
}

pub(super) fn qualified(model: &SemanticModel, expr: Node<'_>, text: &str) -> Option<String> {
    match expr.kind() {
        "identifier" => {
            let name = node_text(expr, text);
            Some(model.binding(name).unwrap_or(name).to_string())
        }
        "attribute" => {
            let object = qualified(model, expr.py_field("object")?, text)?;
            let attribute = node_text(expr.py_field("attribute")?, text);
            Some(format!("{object}.{attribute}"))
        }
        "parenthesized_expression" => qualified(model, expr.named_child(0)?, text),
        _ => None,
    }
}
