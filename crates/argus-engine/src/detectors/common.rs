//! Behaviour shared by the detectors of one concept across languages, so
//! the same weakness is judged and worded the same everywhere.

use tree_sitter::Node;

use super::context::{Context, gather};
use super::{Checker, Violation};
use crate::lang::scope_name;

/// A violation for a weak hash at `node`, when the surroundings show it
/// protects something (`None` for cache keys, ETags and code whose purpose
/// nothing reveals). The node's own arguments count as hashed data.
pub fn weak_hash_violation(
    node: Node<'_>,
    rule: &'static str,
    algorithm: &str,
    checker: &Checker<'_>,
) -> Option<Violation> {
    let text = checker.text;
    let grammar = checker.grammar;
    let mut evidence = gather(node, text, &|n| scope_name(grammar, n, text));
    if let Some(args) = node.child_by_field_name("arguments") {
        evidence.data.insert(0, args);
    }
    match evidence.context(text) {
        Context::Sensitive(word) => Some(Violation::new(
            rule,
            format!(
                "{algorithm} is a broken hash function and protects sensitive data here (`{word}`): collisions and brute force are practical"
            ),
        )),
        Context::NotSecurity | Context::Unknown => None,
    }
}
