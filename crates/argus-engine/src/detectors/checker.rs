//! What a check function sees and how it reports.

use std::ops::Range;

use tree_sitter::Node;

use crate::fingerprint::{normalized_code, secret_digest};
use crate::fix::Fix;
use crate::lang::{Grammar, enclosing_scopes};
use crate::semantic::SemanticModel;

/// One weakness a check found: which rule of the detector fired, what to
/// tell the user, and the fixes it offers (several when there is a choice).
#[derive(Debug, Clone)]
pub struct Violation {
    pub rule: &'static str,
    pub message: String,
    pub fixes: Vec<Fix>,
    /// Bytes of the analysed text holding a credential the violation is
    /// about: redacted in every snippet like a secret the secrets scan
    /// found, and replaced by its keyed digest in the fingerprint. A
    /// secrets finding on the same bytes makes this violation redundant.
    pub secret: Option<Range<usize>>,
}

impl Violation {
    pub fn new(rule: &'static str, message: impl Into<String>) -> Violation {
        Violation {
            rule,
            message: message.into(),
            fixes: Vec::new(),
            secret: None,
        }
    }

    /// Marks the bytes of a credential literal the violation reports.
    pub fn with_secret(mut self, range: Range<usize>) -> Violation {
        self.secret = Some(range);
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Violation {
        self.fixes.push(fix);
        self
    }
}

/// A violation pinned to a place in the analysed text, before positions,
/// snippets, fingerprints and diffs are worked out.
#[derive(Debug, Clone)]
pub struct RawFinding {
    /// Index of the detector in the registry.
    pub detector: usize,
    /// Bytes of the analysed text.
    pub range: Range<usize>,
    pub violation: Violation,
    /// Enclosing function/class/resource names, outermost first.
    pub scope: String,
    /// The flagged code with whitespace and comments folded away.
    pub code: String,
    /// For a secret, its value: fingerprinted through a keyed digest and
    /// never shown.
    pub secret: Option<String>,
    /// For a taint finding, its path: source first, sink last.
    pub flow: Vec<crate::dataflow::Step>,
    /// For a taint finding, the source expression (part of its identity).
    pub source: Option<String>,
}

/// The context of a check: the file, its semantic model, and where
/// violations go.
pub struct Checker<'a> {
    pub text: &'a str,
    pub grammar: Grammar,
    pub semantic: &'a SemanticModel,
    pub(crate) current: usize,
    pub(crate) findings: Vec<RawFinding>,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(text: &'a str, grammar: Grammar, semantic: &'a SemanticModel) -> Self {
        Checker {
            text,
            grammar,
            semantic,
            current: 0,
            findings: Vec::new(),
        }
    }

    /// Reports `violation` at `node`.
    pub fn report(&mut self, node: Node<'_>, violation: Violation) {
        let mut code = normalized_code(self.grammar, node, self.text);
        // A credential is fingerprinted through a keyed digest, never as
        // plain code (a plain hash of a short password can be reversed).
        if let Some(value) = violation.secret.clone().and_then(|r| self.text.get(r))
            && !value.is_empty()
        {
            code = code.replace(value, &secret_digest(value));
        }
        self.findings.push(RawFinding {
            detector: self.current,
            range: node.byte_range(),
            violation,
            scope: enclosing_scopes(self.grammar, node, self.text),
            code,
            secret: None,
            flow: Vec::new(),
            source: None,
        });
    }

    /// The source text of a node.
    pub fn text_of(&self, node: Node<'_>) -> &'a str {
        &self.text[node.byte_range()]
    }
}
