//! Stable finding identity for tracking across revisions.
//!
//! A fingerprint is built from what a finding *is*, not where it is: the
//! detector (without its version, so a detector update does not reopen every
//! finding), the flagged code with whitespace and comments folded away, the
//! names of the enclosing function/class/resource, and for taint findings
//! the source and sink expressions. Paths and line numbers are left out, so
//! a fingerprint survives line shifts, reindentation and moving the function
//! to another file, and changes when the flagged code changes.

use sha2::{Digest, Sha256};
use tree_sitter::Node;

use crate::lang::Grammar;

/// Prefix of every fingerprint, naming the algorithm version.
pub const VERSION: &str = "v1";

/// The parts a fingerprint is made of.
#[derive(Debug, Clone, Copy)]
pub struct FingerprintInput<'a> {
    /// Detector id without version.
    pub detector: &'a str,
    pub scope: &'a str,
    /// Normalized code of the flagged node.
    pub code: &'a str,
    /// Extra identity (taint source and sink; keyed secret hash).
    pub extra: &'a str,
}

/// `v1:<32 hex>` for the input.
pub fn fingerprint(input: FingerprintInput<'_>) -> String {
    let mut hasher = Sha256::new();
    for part in [
        VERSION,
        input.detector,
        input.scope,
        input.code,
        input.extra,
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    format!("{VERSION}:{}", hex::encode(&digest[..16]))
}

/// The key of secret digests: `ARGUS_FINGERPRINT_KEY` when set (share it
/// between CI and developers so baselines match, and keep it secret so a
/// baseline cannot be used to test guesses), otherwise a fixed key.
fn secret_key() -> &'static [u8] {
    static KEY: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        std::env::var("ARGUS_FINGERPRINT_KEY")
            .ok()
            .filter(|k| !k.is_empty())
            .map_or_else(
                || b"argus secret fingerprint v1".to_vec(),
                String::into_bytes,
            )
    })
}

/// A keyed digest (HMAC-SHA-256) of a secret's value: what fingerprints
/// and baselines hold instead of the value.
pub fn secret_digest(value: &str) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac =
        hmac::Hmac::<Sha256>::new_from_slice(secret_key()).expect("HMAC takes keys of any length");
    mac.update(value.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// The id of the n-th finding with a fingerprint in one scan.
pub fn finding_id(fingerprint: &str, occurrence: u32) -> String {
    let mut hasher = Sha256::new();
    hasher.update(fingerprint.as_bytes());
    hasher.update(occurrence.to_le_bytes());
    hex::encode(&hasher.finalize()[..16])
}

/// The tokens of a node's subtree, comments dropped, joined by single
/// spaces: the same code reformatted or re-commented gives the same text.
pub fn normalized_code(grammar: Grammar, node: Node<'_>, text: &str) -> String {
    let mut out = String::new();
    let mut cursor = node.walk();
    loop {
        let current = cursor.node();
        let is_comment = grammar.is_comment(current.kind());
        if !is_comment && current.child_count() > 0 && !is_atomic(current.kind()) {
            cursor.goto_first_child();
            continue;
        }
        if !is_comment {
            let raw = &text[current.byte_range()];
            let token = if is_atomic(current.kind()) {
                raw.to_string()
            } else {
                raw.split_whitespace().collect::<Vec<_>>().join(" ")
            };
            if !token.is_empty() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&token);
            }
        }
        // Next sibling, or climb until one exists (never above `node`).
        loop {
            if cursor.node() == node {
                return out;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// Nodes whose text is taken whole: string literals keep their inner
/// spacing (it is part of the value).
fn is_atomic(kind: &str) -> bool {
    matches!(
        kind,
        "string"
            | "string_literal"
            | "interpreted_string_literal"
            | "raw_string_literal"
            | "template_string"
            | "string_lit"
            | "double_quote_scalar"
            | "single_quote_scalar"
            | "verbatim_string_literal"
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::lang::{ParseOutcome, parse};

    fn code(grammar: Grammar, text: &str) -> String {
        let ParseOutcome::Parsed(tree) = parse(grammar, text, Duration::from_secs(5)) else {
            panic!()
        };
        normalized_code(grammar, tree.root_node(), text)
    }

    #[test]
    fn folds_layout_and_comments() {
        let a = code(Grammar::Python, "h = hashlib.md5(data)\n");
        let b = code(Grammar::Python, "h = hashlib.md5(  # legacy\n    data\n)\n");
        assert_eq!(a, b);
        assert_ne!(a, code(Grammar::Python, "h = hashlib.md5(other)\n"));
        // Spacing inside strings is meaningful.
        assert_ne!(
            code(Grammar::Python, "x = 'a  b'\n"),
            code(Grammar::Python, "x = 'a b'\n")
        );
    }

    #[test]
    fn fingerprints_are_prefixed_and_input_sensitive() {
        let base = FingerprintInput {
            detector: "python/insecure-hashing",
            scope: "f",
            code: "hashlib.md5(x)",
            extra: "",
        };
        let fp = fingerprint(base);
        assert!(fp.starts_with("v1:") && fp.len() == 35);
        assert_ne!(fp, fingerprint(FingerprintInput { scope: "g", ..base }));
        // Length-prefixing keeps part boundaries apart.
        assert_ne!(
            fingerprint(FingerprintInput {
                scope: "ab",
                code: "c",
                ..base
            }),
            fingerprint(FingerprintInput {
                scope: "a",
                code: "bc",
                ..base
            })
        );
    }
}
