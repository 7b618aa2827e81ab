//! Matching calls and object creations against the sinks of the active
//! specs.
//!
//! Java has no keyword arguments: sinks select arguments by position, the
//! receiver, or a command (`Arg::Program`): a string runs whole, an array
//! or varargs list runs its first element as the program, and a shell
//! given `-c` runs the element after it.

use tree_sitter::Node;

use super::{Interpreter, unwrap};
use crate::dataflow::frame::Frame;
use crate::dataflow::value::Value;
use crate::dataflow::{Arg, Sink};
use crate::detectors::java::call_args;
use crate::semantic::{node_text, string_literal};

/// Programs that run their `-c` argument as a script.
const SHELLS: &[&str] = &[
    "sh",
    "/bin/sh",
    "bash",
    "/bin/bash",
    "zsh",
    "/bin/zsh",
    "ksh",
    "cmd",
    "cmd.exe",
    "powershell",
    "powershell.exe",
    "pwsh",
];

impl<'t> Interpreter<'_, 't> {
    /// Reports the tainted arguments of a sink call; returns the slots of
    /// the specs whose sink it is (what the call returns has been
    /// reported already for them).
    pub(super) fn check_sinks(
        &mut self,
        call: Node<'t>,
        names: &[String],
        method: Option<&str>,
        positional: &[(Node<'t>, Value)],
        receiver: Option<(Node<'t>, Value)>,
        frame: &mut Frame,
    ) -> u64 {
        let mut matched = 0u64;
        for slot in 0..self.specs.len() {
            let Some(sink) = self.report.sink_for(slot, call, names, method) else {
                continue;
            };
            matched |= 1 << slot;
            let selected = self.select(sink, positional, receiver.as_ref(), frame);
            let what = self.describe(sink, call);
            self.report
                .reach_sink(frame, slot, sink, call, selected, &what);
        }
        matched
    }

    /// "an SQL query run by `stmt.executeQuery`"
    fn describe(&self, sink: &Sink, call: Node<'t>) -> String {
        let text = self.text;
        let short = |n: Node<'t>| -> String {
            let written = node_text(n, text);
            if n.kind() == "method_invocation" || written.contains('(') {
                let name = n
                    .child_by_field_name("name")
                    .or_else(|| n.child_by_field_name("type"))
                    .map(|m| node_text(m, text))
                    .unwrap_or("…");
                format!("{name}()")
            } else {
                written.to_string()
            }
        };
        let callee = match call.kind() {
            "method_invocation" => {
                let name = call
                    .child_by_field_name("name")
                    .map(|m| node_text(m, text))
                    .unwrap_or("");
                match call.child_by_field_name("object") {
                    Some(o) => format!("{}.{name}", short(o)),
                    None => name.to_string(),
                }
            }
            "object_creation_expression" => format!(
                "new {}",
                call.child_by_field_name("type")
                    .map(|t| node_text(t, text))
                    .unwrap_or("")
            ),
            _ => node_text(call, text)
                .split('(')
                .next()
                .unwrap_or("")
                .to_string(),
        };
        let callee: String = callee
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(60)
            .collect();
        sink.what.replace("{callee}", &format!("`{callee}`"))
    }

    fn select(
        &mut self,
        sink: &Sink,
        positional: &[(Node<'t>, Value)],
        receiver: Option<&(Node<'t>, Value)>,
        frame: &mut Frame,
    ) -> Vec<(Node<'t>, Value)> {
        let mut out = Vec::new();
        for arg in sink.args {
            match *arg {
                Arg::At(index, _) | Arg::QueryDocument(index, _) => {
                    if let Some((n, v)) = positional.get(index) {
                        out.push((*n, v.clone()));
                    }
                }
                Arg::Keyword(_) => {}
                Arg::Any => out.extend(positional.iter().cloned()),
                Arg::Receiver => {
                    if let Some((n, v)) = receiver {
                        out.push((*n, v.clone()));
                    }
                }
                Arg::Program(index, _) => out.extend(self.program(positional, index, frame)),
            }
        }
        out
    }

    /// The parts of a command that choose what runs.
    fn program(
        &mut self,
        positional: &[(Node<'t>, Value)],
        index: usize,
        frame: &mut Frame,
    ) -> Vec<(Node<'t>, Value)> {
        let text = self.text;
        let Some((node, value)) = positional.get(index) else {
            return Vec::new();
        };
        // The elements of the command, when it is written as a list:
        // varargs were evaluated with the call; array and `List.of`
        // elements are evaluated here, once, when chosen.
        let elements: Vec<(Node<'t>, Option<Value>)> = if positional.len() > index + 1 {
            positional[index..]
                .iter()
                .map(|(n, v)| (*n, Some(v.clone())))
                .collect()
        } else {
            let inner = unwrap(*node);
            let nodes: Vec<Node<'t>> = match inner.kind() {
                "array_creation_expression" => inner
                    .child_by_field_name("value")
                    .map(|init| {
                        let mut cursor = init.walk();
                        init.named_children(&mut cursor).collect()
                    })
                    .unwrap_or_default(),
                "array_initializer" => {
                    let mut cursor = inner.walk();
                    inner.named_children(&mut cursor).collect()
                }
                "method_invocation"
                    if inner
                        .child_by_field_name("name")
                        .is_some_and(|n| matches!(node_text(n, text), "of" | "asList")) =>
                {
                    call_args(inner)
                }
                _ => return vec![(*node, value.clone())],
            };
            nodes.into_iter().map(|n| (n, None)).collect()
        };
        if elements.is_empty() {
            return vec![(*node, value.clone())];
        }
        let literal = |i: usize| elements.get(i).and_then(|(e, _)| string_literal(*e, text));
        let shell = literal(0).is_some_and(|p| SHELLS.contains(&p.as_str()))
            && literal(1).is_some_and(|f| matches!(f.as_str(), "-c" | "/c" | "/C" | "-Command"));
        let skip = if shell { 2 } else { 0 };
        let take = if shell { usize::MAX } else { 1 };
        elements
            .into_iter()
            .skip(skip)
            .take(take)
            .map(|(e, known)| {
                let v = known.unwrap_or_else(|| self.eval(e, frame));
                (e, v)
            })
            .collect()
    }
}
