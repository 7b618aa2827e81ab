//! What the interpreters of every language share: the state of a function
//! being run, the summaries of functions, and the reporting of tainted
//! data reaching a sink.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use super::value::{Hop, Origin, Taint, Value};
use super::{ActiveSpec, FixSite, Options, Sink, Step, TaintFinding, Threat};
use crate::semantic::SemanticModel;

/// A parameter reaching a sink inside a function.
#[derive(Clone)]
pub(crate) struct ParamSink {
    pub(crate) param: u8,
    pub(crate) slot: usize,
    pub(crate) safe: u64,
    /// Parameter first, sink last.
    pub(crate) path: Vec<Step>,
    pub(crate) sink: Range<usize>,
    pub(crate) rule: &'static str,
    pub(crate) what: String,
    pub(crate) fixes: Vec<crate::fix::Fix>,
}

/// What a call to a function does with its arguments.
#[derive(Clone, Default)]
pub(crate) struct Summary {
    /// Taints of the return value (parameters and sources).
    pub(crate) returns: Value,
    pub(crate) sinks: Vec<ParamSink>,
}

impl Summary {
    pub(crate) fn signature(&self) -> Vec<(i32, u64)> {
        let mut out: Vec<(i32, u64)> = self
            .returns
            .taints
            .iter()
            .map(|t| match t.origin {
                Origin::Param(p) => (i32::from(p), t.safe),
                Origin::Source(_) => (-1, t.safe),
            })
            .collect();
        out.push((-2, self.returns.request.is_some() as u64));
        out.extend(
            self.sinks
                .iter()
                .map(|s| (1000 + i32::from(s.param) * 64 + s.slot as i32, s.safe)),
        );
        out
    }
}

/// The state of one function being run.
pub(crate) struct Frame {
    pub(crate) env: HashMap<String, Value>,
    /// Variables with constant-key entries (`d['k']`) in `env`.
    pub(crate) containers: HashSet<String>,
    pub(crate) reachable: bool,
    pub(crate) returns: Value,
    pub(crate) sinks: Vec<ParamSink>,
    pub(crate) class: Option<String>,
    pub(crate) route: bool,
}

impl Frame {
    pub(crate) fn new(class: Option<String>, route: bool) -> Frame {
        Frame {
            env: HashMap::new(),
            containers: HashSet::new(),
            reachable: true,
            returns: Value::default(),
            sinks: Vec::new(),
            class,
            route,
        }
    }

    /// The environment part, for joining branches.
    pub(crate) fn state(&self) -> State {
        (self.env.clone(), self.containers.clone(), self.reachable)
    }

    pub(crate) fn restore(&mut self, state: State) {
        self.env = state.0;
        self.containers = state.1;
        self.reachable = state.2;
    }
}

/// A frame's environment, container keys and reachability, saved at a
/// branch.
pub(crate) type State = (HashMap<String, Value>, HashSet<String>, bool);

/// Joins the states reached at the end of branches; unreachable ones
/// (after `return`, `raise`, `abort()`) do not count.
pub(crate) fn join_states(states: Vec<State>) -> State {
    let live: Vec<State> = states.into_iter().filter(|s| s.2).collect();
    let mut iter = live.into_iter();
    let Some(mut first) = iter.next() else {
        return (HashMap::new(), HashSet::new(), false);
    };
    for other in iter {
        for (name, value) in other.0 {
            match first.0.get_mut(&name) {
                Some(mine) => mine.join(&value),
                None => {
                    // Bound on one path only: keep its taint, drop its
                    // constant (it may be unbound or anything else).
                    let mut v = value;
                    v.known = None;
                    first.0.insert(name, v);
                }
            }
        }
        first.1.extend(other.1);
    }
    first
}

/// Where an interpreter's findings go: findings for sources (in the
/// reporting round only), summary entries for parameters.
pub(crate) struct Reporter<'a, 't> {
    root: Node<'t>,
    semantic: &'a SemanticModel,
    pub(crate) text: &'t str,
    pub(crate) specs: &'a [ActiveSpec],
    pub(crate) options: Options<'a>,
    /// The reporting round.
    pub(crate) collecting: bool,
    pub(crate) findings: Vec<TaintFinding>,
    reported: HashSet<(usize, usize)>,
}

impl<'a, 't> Reporter<'a, 't> {
    pub(crate) fn new(
        root: Node<'t>,
        text: &'t str,
        semantic: &'a SemanticModel,
        specs: &'a [ActiveSpec],
        options: Options<'a>,
    ) -> Self {
        Reporter {
            root,
            semantic,
            text,
            specs,
            options,
            collecting: false,
            findings: Vec::new(),
            reported: HashSet::new(),
        }
    }

    /// Whether a taint from this origin counts for the spec in `slot`.
    /// The bits of the specs for which a call is a sanitizer: listed by
    /// the spec, sanitizing in this form, or declared by the user.
    pub(crate) fn sanitizer_mask(
        &self,
        call: tree_sitter::Node<'_>,
        names: &[String],
        method: Option<&str>,
    ) -> u64 {
        let mut mask = 0u64;
        for (slot, active) in self.specs.iter().enumerate() {
            let spec = active.spec;
            let listed = spec.sanitizers.iter().any(|s| match s.strip_prefix('.') {
                Some(m) => method == Some(m),
                None => names.iter().any(|n| n == s),
            });
            let conditional = spec.sanitizes.is_some_and(|f| f(call, self.text));
            let user = self.options.rules.sanitizes(active.detector, names, method);
            if listed || conditional || user {
                mask |= 1 << slot;
            }
        }
        mask
    }

    /// Applies the safe prefixes of the specs: string building whose
    /// literal start leaves the input nothing dangerous to change.
    pub(crate) fn apply_prefix(&self, value: Value, prefix: &str) -> Value {
        if !value.is_tainted() {
            return value;
        }
        let mask = self
            .specs
            .iter()
            .enumerate()
            .filter(|(_, s)| s.spec.safe_prefix.is_some_and(|f| f(prefix)))
            .fold(0u64, |m, (i, _)| m | (1 << i));
        if mask == 0 {
            return value;
        }
        let mut out = value;
        for taint in &mut out.taints {
            taint.safe |= mask;
        }
        out
    }

    /// A string appended to a start that input cannot move (a URL whose
    /// host is fixed) is as safe as the start for the specs judged by
    /// prefix.
    pub(crate) fn after_fixed_start(&self, start: &Value, appended: Value) -> Value {
        if !start.is_tainted() || !appended.is_tainted() {
            return appended;
        }
        let prefix_slots = self
            .specs
            .iter()
            .enumerate()
            .filter(|(_, s)| s.spec.safe_prefix.is_some())
            .fold(0u64, |m, (i, _)| m | (1 << i));
        let fixed = start
            .taints
            .iter()
            .fold(prefix_slots, |mask, t| mask & t.safe);
        if fixed == 0 {
            return appended;
        }
        appended.sanitized(fixed)
    }

    /// The first sink of the spec in `slot` (its own, then the user's)
    /// that a call matches: by qualified name, or `.method` on any object,
    /// and the sink's condition on the call.
    pub(crate) fn sink_for(
        &self,
        slot: usize,
        call: Node<'t>,
        names: &[String],
        method: Option<&str>,
    ) -> Option<&'a Sink> {
        let active = &self.specs[slot];
        active
            .spec
            .sinks
            .iter()
            .chain(self.options.rules.sinks_of(active.detector))
            .find(|sink| {
                let matched = match sink.callee.strip_prefix('.') {
                    Some(m) => method == Some(m),
                    None => names.iter().any(|n| n == sink.callee),
                };
                matched
                    && sink
                        .when
                        .is_none_or(|when| when(call, self.text, self.semantic))
            })
    }

    /// Reports the values selected at a sink call that are tainted for
    /// the spec in `slot`, with the spec's fixes (built in the reporting
    /// round only); `what` completes "<input> reaches ...".
    pub(crate) fn reach_sink(
        &mut self,
        frame: &mut Frame,
        slot: usize,
        sink: &Sink,
        call: Node<'t>,
        selected: Vec<(Node<'t>, Value)>,
        what: &str,
    ) {
        let spec = self.specs[slot].spec;
        for (node, value) in selected {
            let live: Vec<Taint> = value
                .taints
                .into_iter()
                .filter(|t| !t.is_safe_for(slot))
                .collect();
            if live.is_empty() {
                continue;
            }
            let fixes = match spec.fix {
                Some(build) if self.collecting => build(&FixSite {
                    call,
                    argument: node,
                    text: self.text,
                    semantic: self.semantic,
                    root: self.root,
                }),
                _ => Vec::new(),
            };
            for taint in live {
                self.reach(
                    frame,
                    slot,
                    &taint,
                    Vec::new(),
                    call.byte_range(),
                    sink.rule,
                    what,
                    fixes.clone(),
                );
            }
        }
    }

    /// Applies the summary of the function `name` at a call: parameters
    /// that reach sinks inside make findings (or summary entries of the
    /// caller) for the arguments bound to them, and the return value
    /// carries those arguments and whatever input the function reads.
    pub(crate) fn apply_summary<'v>(
        &mut self,
        frame: &mut Frame,
        name: &str,
        summary: &Summary,
        call: Range<usize>,
        argument: impl Fn(usize) -> Option<(Range<usize>, &'v Value)>,
    ) -> Value {
        for sink in &summary.sinks {
            let Some((at, value)) = argument(sink.param as usize) else {
                continue;
            };
            for taint in &value.taints {
                let mut taint = taint.clone();
                taint.safe |= sink.safe;
                let mut prefix = vec![Step::Here(at.clone(), format!("passed to `{name}`"))];
                prefix.extend(sink.path.iter().cloned());
                self.reach(
                    frame,
                    sink.slot,
                    &taint,
                    prefix,
                    sink.sink.clone(),
                    sink.rule,
                    &sink.what,
                    sink.fixes.clone(),
                );
            }
        }
        let mut out = Value::default();
        let note = format!("returned by `{name}`");
        for taint in &summary.returns.taints {
            match taint.origin {
                Origin::Param(p) => {
                    if let Some((_, value)) = argument(p as usize) {
                        let v = value.data().sanitized(taint.safe);
                        out.join(&v.step(call.clone(), &note));
                    }
                }
                Origin::Source(_) => {
                    let v = Value {
                        taints: vec![taint.clone()],
                        ..Value::default()
                    };
                    out.join(&v.step(call.clone(), &note));
                }
            }
        }
        if summary.returns.request.is_some() {
            out.request = Some(Hop::start(call, "request"));
        }
        out
    }

    pub(crate) fn counts(&self, slot: usize, threat: Threat) -> bool {
        match threat {
            Threat::Remote => true,
            Threat::Local => self.options.local_threats && self.specs[slot].spec.local_sources,
        }
    }

    /// Records that `taint` reaches the sink at `sink` for the spec in
    /// `slot`: a finding for a source, a summary entry for a parameter.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn reach(
        &mut self,
        frame: &mut Frame,
        slot: usize,
        taint: &Taint,
        prefix: Vec<Step>,
        sink: Range<usize>,
        rule: &'static str,
        what: &str,
        fixes: Vec<crate::fix::Fix>,
    ) {
        if taint.is_safe_for(slot) {
            return;
        }
        let mut path: Vec<Step> = taint
            .hop
            .path()
            .into_iter()
            .map(|(range, note)| Step::Here(range, note))
            .collect();
        path.extend(prefix);
        // A path ending in another file already ends at its sink.
        let ends_here = match path.last() {
            Some(Step::Here(range, _)) => *range != sink,
            Some(Step::There(_)) => false,
            None => true,
        };
        if ends_here {
            path.push(Step::Here(sink.clone(), format!("reaches {what}")));
        }
        match taint.origin {
            Origin::Param(param) => {
                if frame.sinks.iter().any(|s| {
                    s.param == param && s.slot == slot && s.sink == sink && s.safe == taint.safe
                }) {
                    return;
                }
                frame.sinks.push(ParamSink {
                    param,
                    slot,
                    safe: taint.safe,
                    path,
                    sink,
                    rule,
                    what: what.to_string(),
                    fixes,
                });
            }
            Origin::Source(threat) => {
                if !self.collecting || !self.counts(slot, threat) {
                    return;
                }
                let detector = self.specs[slot].detector;
                if !self.reported.insert((detector, sink.start)) {
                    return;
                }
                let origin = taint.hop.origin();
                let source = self.text[origin.range.clone()].to_string();
                self.findings.push(TaintFinding {
                    detector,
                    range: sink,
                    rule,
                    message: format!("{} reaches {what} unsanitized", capitalize(&origin.note)),
                    path,
                    source,
                    fixes,
                });
            }
        }
    }
}

pub(crate) fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
