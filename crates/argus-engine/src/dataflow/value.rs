//! What the engine knows about a value: the taints it carries (each with
//! the path it came by), whether it is a web request object, and its
//! constant value when one is known.

use std::ops::Range;
use std::rc::Rc;

use super::Threat;

/// Longest path kept for a taint; later hops are not recorded (the taint
/// itself still flows).
const MAX_HOPS: u16 = 24;

/// One step of a taint's path, newest last; shared between the values it
/// flowed into.
#[derive(Debug)]
pub struct Hop {
    pub range: Range<usize>,
    pub note: String,
    pub prev: Option<Rc<Hop>>,
    depth: u16,
}

impl Hop {
    pub fn start(range: Range<usize>, note: impl Into<String>) -> Rc<Hop> {
        Rc::new(Hop {
            range,
            note: note.into(),
            prev: None,
            depth: 1,
        })
    }

    /// The path from the first hop to this one.
    pub fn path(self: &Rc<Hop>) -> Vec<(Range<usize>, String)> {
        let mut out = Vec::new();
        let mut hop = Some(self);
        while let Some(h) = hop {
            out.push((h.range.clone(), h.note.clone()));
            hop = h.prev.as_ref();
        }
        out.reverse();
        out
    }

    /// The first hop: where the data came from.
    pub fn origin(self: &Rc<Hop>) -> &Hop {
        let mut hop: &Hop = self;
        while let Some(prev) = &hop.prev {
            hop = prev;
        }
        hop
    }
}

/// Where a taint started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Input from outside.
    Source(Threat),
    /// A parameter of the function being summarised.
    Param(u8),
}

/// Data from an origin, on its way.
#[derive(Debug, Clone)]
pub struct Taint {
    pub origin: Origin,
    pub hop: Rc<Hop>,
    /// One bit per active detector of the file: the data was made safe for
    /// that detector's sinks (escaped, quoted, validated).
    pub safe: u64,
}

impl Taint {
    pub fn is_safe_for(&self, slot: usize) -> bool {
        slot < 64 && self.safe & (1 << slot) != 0
    }
}

/// A constant the engine can fold.
#[derive(Debug, Clone, PartialEq)]
pub enum Known {
    Bool(bool),
    Int(i64),
    Str(Rc<str>),
    None,
}

impl Known {
    /// Python truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Known::Bool(b) => *b,
            Known::Int(i) => *i != 0,
            Known::Str(s) => !s.is_empty(),
            Known::None => false,
        }
    }
}

/// The abstract value of an expression or a variable.
#[derive(Debug, Clone, Default)]
pub struct Value {
    /// At most one taint per origin.
    pub taints: Vec<Taint>,
    /// A web request object: reading its user-controlled attributes yields
    /// remote input.
    pub request: Option<Rc<Hop>>,
    pub known: Option<Known>,
}

impl Value {
    pub fn known(known: Known) -> Value {
        Value {
            known: Some(known),
            ..Value::default()
        }
    }

    pub fn source(threat: Threat, hop: Rc<Hop>) -> Value {
        Value {
            taints: vec![Taint {
                origin: Origin::Source(threat),
                hop,
                safe: 0,
            }],
            ..Value::default()
        }
    }

    pub fn is_tainted(&self) -> bool {
        !self.taints.is_empty()
    }

    /// Merges what another value may be (a join of two paths, or of two
    /// operands of string building). Constants survive only when equal.
    pub fn join(&mut self, other: &Value) {
        for taint in &other.taints {
            match self.taints.iter_mut().find(|t| t.origin == taint.origin) {
                // Safe only if safe on both paths; the path kept is the
                // one that is not (it is the one a finding will show).
                Some(mine) => {
                    if mine.safe & !taint.safe != 0 {
                        mine.hop = taint.hop.clone();
                    }
                    mine.safe &= taint.safe;
                }
                None => self.taints.push(taint.clone()),
            }
        }
        if self.request.is_none() {
            self.request = other.request.clone();
        }
        if self.known != other.known {
            self.known = None;
        }
    }

    /// The join of several values; constants do not survive (the result is
    /// built from them, not equal to them).
    pub fn union<'v>(values: impl IntoIterator<Item = &'v Value>) -> Value {
        let mut out = Value::default();
        for value in values {
            for taint in &value.taints {
                match out.taints.iter_mut().find(|t| t.origin == taint.origin) {
                    Some(mine) => {
                        if mine.safe & !taint.safe != 0 {
                            mine.hop = taint.hop.clone();
                        }
                        mine.safe &= taint.safe;
                    }
                    None => out.taints.push(taint.clone()),
                }
            }
        }
        out
    }

    /// The same taints, one hop further.
    pub fn step(&self, range: Range<usize>, note: &str) -> Value {
        let mut out = self.clone();
        for taint in &mut out.taints {
            if taint.hop.depth < MAX_HOPS && taint.hop.range != range {
                taint.hop = Rc::new(Hop {
                    range: range.clone(),
                    note: note.to_string(),
                    prev: Some(taint.hop.clone()),
                    depth: taint.hop.depth + 1,
                });
            }
        }
        out
    }

    /// The taints, made safe for the detectors in `mask`.
    pub fn sanitized(mut self, mask: u64) -> Value {
        for taint in &mut self.taints {
            taint.safe |= mask;
        }
        self.known = None;
        self
    }

    /// Only the taints (no request object, no constant): what a value built
    /// from this one carries.
    pub fn data(&self) -> Value {
        Value {
            taints: self.taints.clone(),
            ..Value::default()
        }
    }

    /// The taints and the request object, without constants: what a
    /// function's return carries.
    pub fn data_with_request(&self) -> Value {
        Value {
            taints: self.taints.clone(),
            request: self.request.clone(),
            known: None,
        }
    }
}
