//! Python field lookups by id. tree-sitter's `child_by_field_name`
//! compares the name with every field name of the grammar on each call;
//! the taint engine and the Python detectors make millions of such calls,
//! which took a tenth of a scan. The ids are resolved once here.

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
    static IDS: OnceLock<HashMap<String, NonZeroU16>> = OnceLock::new();
    IDS.get_or_init(|| {
        let language = Grammar::Python.ts_language();
        (1..=language.field_count() as u16)
            .filter_map(|id| {
                let name = language.field_name_for_id(id)?;
                Some((name.to_string(), NonZeroU16::new(id)?))
            })
            .collect()
    })
    .get(name)
    .copied()
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
}
