//! Matching calls (and route returns) against the sinks of the active
//! specs.

use tree_sitter::Node;

use super::expr::Arguments;
use super::{Frame, Interpreter, entry_key, reference_path};
use crate::dataflow::value::Value;
use crate::dataflow::{Arg, Sink};
use crate::lang::PythonField;
use crate::semantic::node_text;

/// MongoDB operators whose value is JavaScript run by the server.
const JS_OPERATORS: &[&str] = &["$where", "$function", "$accumulator"];

/// Only the taints that may be objects rather than strings: parsed JSON
/// bodies (`request.json`, `get_json()`, `json.loads(...)`) and events.
fn structured(mut value: Value) -> Value {
    value.taints.retain(|t| {
        let origin = &t.hop.origin().note;
        origin.contains("json") || origin.contains("Lambda event")
    });
    value
}

impl<'t> Interpreter<'_, 't> {
    pub(super) fn check_sinks(
        &mut self,
        call: Node<'t>,
        names: &[String],
        method: Option<&str>,
        arguments: &Arguments<'t>,
        frame: &mut Frame,
    ) {
        for slot in 0..self.specs.len() {
            let Some(sink) = self.report.sink_for(slot, call, names, method) else {
                continue;
            };
            let selected = self.select(sink, arguments, frame);
            let what = self.describe(sink, call);
            self.report
                .reach_sink(frame, slot, sink, call, selected, &what);
        }
    }

    /// `target[key] = value` is the call `target.__setitem__(key, value)`
    /// for the sinks (`response["Location"] = url`): a sink named
    /// `.__setitem__` sees the assignment statement as its call, the base
    /// as receiver, the key and the value as arguments 0 and 1.
    pub(super) fn check_item_assignment(
        &mut self,
        target: Node<'t>,
        value_node: Option<Node<'t>>,
        value: &Value,
        frame: &mut Frame,
    ) {
        let wanted = self.item_sinks;
        let (Some(base), Some(key)) = (target.py_field("value"), target.py_field("subscript"))
        else {
            return;
        };
        if !wanted {
            return;
        }
        let statement = target
            .parent()
            .filter(|p| p.kind() == "assignment")
            .unwrap_or(target);
        let receiver = self.eval(base, frame);
        let key_value = self.eval(key, frame);
        let arguments = Arguments {
            positional: vec![
                (key, key_value),
                (value_node.unwrap_or(target), value.clone()),
            ],
            keywords: Vec::new(),
            receiver: Some((base, receiver)),
        };
        self.check_sinks(statement, &[], Some("__setitem__"), &arguments, frame);
    }

    /// "an SQL query run by `cursor.execute`"
    fn describe(&self, sink: &Sink, call: Node<'t>) -> String {
        let callee = call
            .py_field("function")
            .or_else(|| call.py_field("left"))
            .map(|f| node_text(f, self.text))
            .unwrap_or_default();
        let callee: String = callee.chars().take(60).collect();
        sink.what.replace("{callee}", &format!("`{callee}`"))
    }

    /// The argument values a sink cares about.
    fn select(
        &mut self,
        sink: &Sink,
        arguments: &Arguments<'t>,
        frame: &mut Frame,
    ) -> Vec<(Node<'t>, Value)> {
        let mut out = Vec::new();
        for arg in sink.args {
            match *arg {
                Arg::At(index, keyword) => {
                    if let Some((n, v)) = arguments.at(index, keyword) {
                        out.push((n, v.clone()));
                    }
                }
                Arg::Keyword(keyword) => {
                    if let Some((n, v)) = arguments.keyword(keyword) {
                        out.push((n, v.clone()));
                    }
                }
                Arg::Any => {
                    out.extend(arguments.positional.iter().cloned());
                    out.extend(arguments.keywords.iter().map(|(_, n, v)| (*n, v.clone())));
                }
                Arg::Receiver => {
                    if let Some((n, v)) = &arguments.receiver {
                        out.push((*n, v.clone()));
                    }
                }
                Arg::QueryDocument(index, keyword) => {
                    let Some((node, value)) = arguments.at(index, keyword) else {
                        continue;
                    };
                    let value = value.clone();
                    out.extend(self.query_document(node, value, frame));
                }
                Arg::Program(index, keyword) => {
                    let Some((node, value)) = arguments.at(index, keyword) else {
                        continue;
                    };
                    let value = value.clone();
                    out.push(self.program_of(node, value, frame));
                }
            }
        }
        out
    }

    /// The dangerous parts of a MongoDB query document.
    fn query_document(
        &mut self,
        node: Node<'t>,
        whole: Value,
        frame: &mut Frame,
    ) -> Vec<(Node<'t>, Value)> {
        let text = self.text;
        let mut out = Vec::new();
        match node.kind() {
            "dictionary" => {
                let mut cursor = node.walk();
                let pairs: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                for pair in pairs {
                    let (Some(key), Some(value)) = (pair.py_field("key"), pair.py_field("value"))
                    else {
                        continue;
                    };
                    let v = self.eval(value, frame);
                    let operator = crate::semantic::string_literal(key, text)
                        .is_some_and(|k| JS_OPERATORS.contains(&k.as_str()));
                    out.push((value, if operator { v } else { structured(v) }));
                }
            }
            _ => {
                let entries = reference_path(node, text).filter(|p| frame.containers.contains(p));
                match entries {
                    Some(path) => {
                        let prefix = format!("{path}[");
                        for (key, value) in frame.env.iter().filter(|(k, _)| k.starts_with(&prefix))
                        {
                            let operator = JS_OPERATORS
                                .iter()
                                .any(|o| key.ends_with(&format!("['{o}']")));
                            let value = value.clone();
                            out.push((node, if operator { value } else { structured(value) }));
                        }
                    }
                    None => out.push((node, structured(whole))),
                }
            }
        }
        out
    }

    /// For a command given as an argument vector, the program it runs (the
    /// first element); for a string, the whole command.
    fn program_of(&mut self, node: Node<'t>, whole: Value, frame: &mut Frame) -> (Node<'t>, Value) {
        match node.kind() {
            "list" | "tuple" => match node.named_child(0) {
                Some(first) if first.kind() != "list_splat" => {
                    let v = self.eval(first, frame);
                    (first, v)
                }
                _ => (node, whole),
            },
            _ => {
                if let Some(path) = reference_path(node, self.text)
                    && frame.containers.contains(&path)
                    && let Some(first) = frame.env.get(&entry_key(&path, "0"))
                {
                    return (node, first.clone());
                }
                (node, whole)
            }
        }
    }

    /// What a web route returns is the response body: HTML unless the
    /// view says otherwise. Only strings built in the return statement
    /// count (a dict is serialised as JSON).
    pub(super) fn route_return(&mut self, value: Node<'t>, result: &Value, frame: &mut Frame) {
        let builds_string = match value.kind() {
            "string" => value
                .named_children(&mut value.walk())
                .any(|c| c.kind() == "interpolation"),
            "binary_operator" | "concatenated_string" => true,
            "call" => value
                .py_field("function")
                .filter(|f| f.kind() == "attribute")
                .and_then(|f| f.py_field("attribute"))
                .is_some_and(|m| matches!(node_text(m, self.text), "format" | "join")),
            _ => false,
        };
        if !builds_string {
            return;
        }
        for slot in 0..self.specs.len() {
            let Some((rule, what)) = self.specs[slot].spec.route_return else {
                continue;
            };
            for taint in result.taints.clone() {
                self.report.reach(
                    frame,
                    slot,
                    &taint,
                    Vec::new(),
                    value.byte_range(),
                    rule,
                    what,
                    Vec::new(),
                );
            }
        }
    }
}
