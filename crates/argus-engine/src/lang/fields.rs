//! Field lookups by id for Python and for JavaScript/TypeScript.
//! tree-sitter's `child_by_field_name` compares the name with every field
//! name of the grammar on each call; the taint engines and the detectors
//! make millions of such calls, which took a tenth of a scan. The ids are
//! resolved once here.

use std::collections::HashMap;
use std::num::NonZeroU16;
use std::sync::OnceLock;

use tree_sitter::Node;

use super::Grammar;

/// `node.py_field("left")`: `child_by_field_name` for nodes of a Python
/// tree.
pub trait PythonField<'t> {
    fn py_field(&self, name: &str) -> Option<Node<'t>>;
}

impl<'t> PythonField<'t> for Node<'t> {
    #[inline]
    fn py_field(&self, name: &str) -> Option<Node<'t>> {
        self.child_by_field_id(python_field_id(name)?.get())
    }
}

fn python_field_id(name: &str) -> Option<NonZeroU16> {
    static IDS: OnceLock<FieldIds> = OnceLock::new();
    IDS.get_or_init(|| field_ids(Grammar::Python))
        .get(name)
        .copied()
}

/// `node.js_field("left")`: `child_by_field_name` for nodes of a
/// JavaScript, TypeScript or TSX tree (each grammar numbers its fields its
/// own way; the node's grammar is told apart by its count of node kinds).
pub trait JsField<'t> {
    fn js_field(&self, name: &str) -> Option<Node<'t>>;
}

impl<'t> JsField<'t> for Node<'t> {
    #[inline]
    fn js_field(&self, name: &str) -> Option<Node<'t>> {
        let kinds = self.language().node_kind_count();
        match js_field_ids().iter().find(|(count, _)| *count == kinds) {
            Some((_, ids)) => self.child_by_field_id(ids.get(name)?.get()),
            None => self.child_by_field_name(name),
        }
    }
}

type FieldIds = HashMap<String, NonZeroU16>;

fn field_ids(grammar: Grammar) -> FieldIds {
    let language = grammar.ts_language();
    (1..=language.field_count() as u16)
        .filter_map(|id| {
            let name = language.field_name_for_id(id)?;
            Some((name.to_string(), NonZeroU16::new(id)?))
        })
        .collect()
}

/// The field ids of the three grammars, by their count of node kinds.
fn js_field_ids() -> &'static [(usize, FieldIds)] {
    static IDS: OnceLock<Vec<(usize, FieldIds)>> = OnceLock::new();
    IDS.get_or_init(|| {
        [Grammar::JavaScript, Grammar::TypeScript, Grammar::Tsx]
            .into_iter()
            .map(|g| (g.ts_language().node_kind_count(), field_ids(g)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_same_children_as_lookups_by_name() {
        let text = "x = f(a, b=1)\n";
        let crate::lang::ParseOutcome::Parsed(tree) =
            crate::lang::parse(Grammar::Python, text, std::time::Duration::from_secs(5))
        else {
            panic!("parse timed out");
        };
        let assignment = tree
            .root_node()
            .named_child(0)
            .unwrap()
            .named_child(0)
            .unwrap();
        for field in ["left", "right", "operator", "nonexistent"] {
            assert_eq!(
                assignment.py_field(field),
                assignment.child_by_field_name(field),
                "{field}"
            );
        }
        let call = assignment.py_field("right").unwrap();
        assert_eq!(
            call.py_field("function").map(|f| &text[f.byte_range()]),
            Some("f")
        );
    }

    #[test]
    fn tells_the_javascript_grammars_apart() {
        let counts: std::collections::HashSet<usize> =
            js_field_ids().iter().map(|(count, _)| *count).collect();
        assert_eq!(counts.len(), 3, "JS, TS and TSX need distinct kind counts");
        for (grammar, text) in [
            (Grammar::JavaScript, "x = f(a);\n"),
            (Grammar::TypeScript, "x = f<T>(a);\n"),
            (Grammar::Tsx, "x = <A b={f(a)} />;\n"),
        ] {
            let crate::lang::ParseOutcome::Parsed(tree) =
                crate::lang::parse(grammar, text, std::time::Duration::from_secs(5))
            else {
                panic!("parse timed out");
            };
            let assignment = tree
                .root_node()
                .named_child(0)
                .unwrap()
                .named_child(0)
                .unwrap();
            for field in ["left", "right", "operator", "nonexistent"] {
                assert_eq!(
                    assignment.js_field(field),
                    assignment.child_by_field_name(field),
                    "{grammar:?} {field}"
                );
            }
        }
    }
}
