//! The detector framework.
//!
//! A detector is a static [`DetectorSpec`] declared with [`detector!`] in its
//! own file: its metadata, its documentation (the doc comment, in the fixed
//! sections *What it does*, *Why is this bad?*, *Example*, *Use instead*,
//! *References*) and a check function. [`registry`] holds every detector and
//! the tables that let one walk of a file dispatch each node to the
//! detectors that asked for its kind.

mod checker;
mod common;
pub mod context;
mod doc;
mod registry;

pub mod cloudformation;
pub mod csharp;
pub mod go;
pub mod java;
pub mod javascript;
pub mod meta;
pub mod python;
pub mod ruby;
pub mod terraform;

use argus_model::{Access, Category, Effort, Language};
use tree_sitter::Node;

pub use checker::{Checker, RawFinding, Violation};
pub use doc::parse_doc;
pub use registry::{Detector, Registry, registry};

/// Declares a detector: the doc comment above `static` becomes the spec's
/// `doc`, so the documentation is written once, next to the code.
#[macro_export]
macro_rules! detector {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $name:ident = { $($field:ident : $value:expr),* $(,)? };
    ) => {
        $vis static $name: $crate::detectors::DetectorSpec = $crate::detectors::DetectorSpec {
            doc: concat!($($doc, "\n"),*),
            $($field: $value),*
        };
    };
}

/// A check run on every node of the listed kinds.
pub type NodeCheck = fn(Node<'_>, &mut Checker<'_>);

/// How a detector looks at a file.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// Called for each node whose kind is listed, during the one walk of the
    /// file's tree (after the semantic model of the file is complete).
    Node {
        kinds: &'static [&'static str],
        run: NodeCheck,
    },
    /// Sinks and sanitizers for the dataflow engine, which follows what the
    /// file's sources reach; optionally also a node check for patterns
    /// that are weaknesses whatever the data (`yaml.load` without a safe
    /// loader).
    Taint {
        spec: &'static crate::dataflow::TaintSpec,
        kinds: &'static [&'static str],
        run: Option<NodeCheck>,
    },
    /// Findings produced by the engine itself (e.g. malformed suppressions).
    Engine,
}

impl Check {
    /// The node kinds and check function run during the walk, if any.
    pub fn node_check(&self) -> Option<(&'static [&'static str], NodeCheck)> {
        match *self {
            Check::Node { kinds, run } => Some((kinds, run)),
            Check::Taint {
                kinds,
                run: Some(run),
                ..
            } => Some((kinds, run)),
            _ => None,
        }
    }
}

/// A detector's static definition.
#[derive(Debug)]
pub struct DetectorSpec {
    /// One id per language in `languages` (same order), or a single id for a
    /// detector that applies to every file (`languages` empty).
    pub ids: &'static [&'static str],
    pub languages: &'static [Language],
    pub name: &'static str,
    pub category: Category,
    /// Most specific first.
    pub cwes: &'static [u16],
    pub tags: &'static [&'static str],
    pub access: Access,
    pub effort: Effort,
    /// What to do about a finding, in one or two sentences.
    pub remediation: &'static str,
    /// The doc comment, Markdown.
    pub doc: &'static str,
    /// Words one of which must occur in a file for the detector to be able
    /// to fire (case-insensitive). Empty: always runs.
    pub keywords: &'static [&'static str],
    pub check: Check,
}

/// What detector files need.
pub mod prelude {
    pub use argus_model::{Access, Category, Effort, Language};
    pub use tree_sitter::Node;

    pub use super::{Check, Checker, Violation};
    pub use crate::dataflow::{Arg, FixSite, Sink, TaintSpec};
    pub use crate::detector;
    pub use crate::fix::{Edit, Fix};
    pub use crate::lang::PythonField;
    pub use crate::semantic::{
        argument, call_arguments, keyword_argument, method_call, node_text, positional_arguments,
        string_literal,
    };
}
