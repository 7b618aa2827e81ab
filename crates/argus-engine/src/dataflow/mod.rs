//! The taint engine: which values come from outside, how they travel, and
//! which of them reach a dangerous call unchanged.
//!
//! Detectors declare their part as data — a [`TaintSpec`] with sinks and
//! sanitizers — and the engine runs all the active specs of a file in one
//! pass per function. Sources are shared per language (a web request is a
//! web request for every detector). Propagation follows assignments,
//! string building, containers (constant keys kept apart), attributes,
//! comprehensions, `with` targets, returns and calls into functions of the
//! same file through summaries; conditions that are constant prune dead
//! branches. Each finding carries its path, source to sink.
//!
//! The engine knows nothing of reporting: it hands back [`TaintFinding`]s
//! and the detector framework turns them into findings.

mod frame;
pub mod java;
pub mod javascript;
pub mod project;
pub mod python;
pub mod rules;
mod value;

use std::ops::Range;

use tree_sitter::Node;

use crate::fix::Fix;
use crate::semantic::SemanticModel;

pub use project::{LocatedStep, ProjectSummaries};
pub use rules::TaintRules;
pub use value::{Hop, Known, Taint, Value};

/// One step of a taint path: in the analysed file, or in another file of
/// the project (through a cross-file summary).
#[derive(Debug, Clone)]
pub enum Step {
    Here(Range<usize>, String),
    There(LocatedStep),
}

/// Where tainted data may come from. Remote input (a web request, a socket,
/// a Lambda event) is what an attacker controls from outside; local input
/// (command-line arguments, the environment, files, the terminal) is what
/// the operator of the program controls, and counts only when the scan's
/// threat model includes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Threat {
    Remote,
    Local,
}

/// Which arguments of a sink call are dangerous.
#[derive(Debug, Clone, Copy)]
pub enum Arg {
    /// The n-th positional argument, or the keyword argument of that name.
    At(usize, &'static str),
    /// Only the keyword argument of that name.
    Keyword(&'static str),
    /// Any argument.
    Any,
    /// The object the method is called on (`tainted.format(...)`).
    Receiver,
    /// A command: the n-th argument when it is a string, or its first
    /// element when it is a list (the program run).
    Program(usize, &'static str),
    /// A MongoDB query document: JavaScript operators (`$where`,
    /// `$function`, `$accumulator`) built from any input, and values that
    /// may be objects themselves (parsed JSON), which can smuggle in
    /// operators such as `$ne`.
    QueryDocument(usize, &'static str),
}

/// A condition on the call for it to be a sink (`shell=True`).
pub type SinkCondition = fn(Node<'_>, &str, &SemanticModel) -> bool;

/// A dangerous call.
#[derive(Debug, Clone, Copy)]
pub struct Sink {
    /// Qualified name of the callee (`os.system`), or `.name` for a method
    /// of that name on any object (`.execute`).
    pub callee: &'static str,
    pub args: &'static [Arg],
    /// Extra condition on the call; `None`: always a sink.
    pub when: Option<SinkCondition>,
    /// The rule of the detector that fires.
    pub rule: &'static str,
    /// What happens, completing "<input> reaches ..." (`an SQL query run by
    /// cursor.execute`).
    pub what: &'static str,
}

impl Sink {
    pub const fn new(
        callee: &'static str,
        args: &'static [Arg],
        rule: &'static str,
        what: &'static str,
    ) -> Sink {
        Sink {
            callee,
            args,
            when: None,
            rule,
            what,
        }
    }

    /// The same sink, only when `condition` holds for the call.
    pub const fn when(self, condition: SinkCondition) -> Sink {
        Sink {
            when: Some(condition),
            ..self
        }
    }
}

/// The taint part of a detector: its sinks and what makes data safe for
/// them.
#[derive(Debug)]
pub struct TaintSpec {
    pub sinks: &'static [Sink],
    /// Qualified names (or `.method` names) of calls whose result is safe
    /// for these sinks (`shlex.quote` for commands).
    pub sanitizers: &'static [&'static str],
    /// Whether local input (argv, environment, files) counts as a source
    /// when the threat model includes it. Path and URL sinks fed from the
    /// command line are a program's purpose, not a weakness.
    pub local_sources: bool,
    /// String building whose literal prefix passes this test leaves the
    /// input nothing dangerous to change (a URL with its scheme and host
    /// written out, a redirect to a local path).
    pub safe_prefix: Option<fn(&str) -> bool>,
    /// Calls that sanitize only in some forms (`s.replace("\n", "")`).
    pub sanitizes: Option<fn(Node<'_>, &str) -> bool>,
    /// Rule and description when what a web route returns is a sink (the
    /// HTML body of a Flask view).
    pub route_return: Option<(&'static str, &'static str)>,
    /// Safe rewrites of the sink call.
    pub fix: Option<SinkFix>,
    /// Only line breaks make input dangerous here (logs, headers): a URL
    /// the framework hands over percent-encoded is safe.
    pub line_breaks_only: bool,
}

/// Builds the fixes for a sink call.
pub type SinkFix = fn(&FixSite<'_>) -> Vec<Fix>;

/// What a fix builder sees: the sink call, the tainted argument, the file.
pub struct FixSite<'t> {
    pub call: Node<'t>,
    pub argument: Node<'t>,
    pub text: &'t str,
    pub semantic: &'t SemanticModel,
    pub root: Node<'t>,
}

impl TaintSpec {
    /// No sinks, no sanitizers, remote sources only: the base that detector
    /// specs complete (`..TaintSpec::DEFAULT`).
    pub const DEFAULT: TaintSpec = TaintSpec {
        sinks: &[],
        sanitizers: &[],
        local_sources: false,
        safe_prefix: None,
        sanitizes: None,
        route_return: None,
        fix: None,
        line_breaks_only: false,
    };
}

/// An active taint detector of a file: its registry index and spec.
#[derive(Debug, Clone, Copy)]
pub struct ActiveSpec {
    pub detector: usize,
    pub spec: &'static TaintSpec,
}

/// A tainted value reaching a sink.
#[derive(Debug, Clone)]
pub struct TaintFinding {
    /// Registry index of the detector.
    pub detector: usize,
    /// The sink call.
    pub range: Range<usize>,
    pub rule: &'static str,
    pub message: String,
    /// Source first, sink last.
    pub path: Vec<Step>,
    /// The text of the source expression, for the fingerprint.
    pub source: String,
    pub fixes: Vec<Fix>,
}

/// Options of the engine for one scan.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Local input counts as a source too.
    pub local_threats: bool,
    /// The user's own sources, sinks, sanitizers and propagators.
    pub rules: &'a TaintRules,
}
