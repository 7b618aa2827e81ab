//! Matching calls, property assignments and JSX attributes against the
//! sinks of the active specs.
//!
//! Property assignments are sinks named `.<property>=` (`.innerHTML=`);
//! nested computed assignments `a[k1][k2] = v` are the sink `.[][]=` with
//! the outer key as argument 0 (prototype pollution); a JSX attribute is
//! the sink `<attribute>=` with its expression as argument 0.

use tree_sitter::Node;

use super::expr::Arguments;
use super::{Interpreter, unwrap};
use crate::dataflow::frame::Frame;
use crate::dataflow::value::Value;
use crate::dataflow::{Arg, Sink};
use crate::lang::JsField;
use crate::semantic::{node_text, string_literal};

/// MongoDB operators whose value is JavaScript run by the server.
const JS_OPERATORS: &[&str] = &["$where", "$function", "$accumulator"];

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
            let selected = self.select(slot, sink, arguments, frame);
            let what = self.describe(sink, call);
            self.report
                .reach_sink(frame, slot, sink, call, selected, &what);
        }
    }

    /// Property assignments that are sinks (`el.innerHTML = html`,
    /// `location.href = url`, `a[k1][k2] = v`).
    pub(super) fn check_assignment(
        &mut self,
        assignment: Node<'t>,
        left: Node<'t>,
        right: Node<'t>,
        value: &Value,
        frame: &mut Frame,
    ) {
        let text = self.text;
        let left = unwrap(left);
        match left.kind() {
            "member_expression" => {
                let (Some(object), Some(property)) =
                    (left.js_field("object"), left.js_field("property"))
                else {
                    return;
                };
                let method = format!("{}=", node_text(property, text));
                let names: Vec<String> = self
                    .semantic
                    .qualified_names(left, text)
                    .into_iter()
                    .map(|n| format!("{n}="))
                    .collect();
                if !self.wants(&method) && !names.iter().any(|n| self.wants(n)) {
                    return;
                }
                let receiver = self.eval(object, frame);
                let arguments = Arguments {
                    positional: vec![(right, value.clone())],
                    receiver: Some((object, receiver)),
                };
                self.check_sinks(assignment, &names, Some(&method), &arguments, frame);
            }
            "identifier" => {
                // `location = url` in the browser.
                let name = format!("{}=", node_text(left, text));
                if frame.env.contains_key(node_text(left, text)) {
                    return;
                }
                let arguments = Arguments {
                    positional: vec![(right, value.clone())],
                    receiver: None,
                };
                self.check_sinks(assignment, &[name], None, &arguments, frame);
            }
            "subscript_expression" => {
                let Some(object) = left.js_field("object").map(unwrap) else {
                    return;
                };
                if object.kind() != "subscript_expression" || !self.wants("[][]=") {
                    return;
                }
                let Some(outer_key) = object.js_field("index") else {
                    return;
                };
                if string_literal(outer_key, text).is_some() {
                    return;
                }
                let key = self.eval(outer_key, frame);
                let inner_key = left.js_field("index").map(|k| (k, self.eval(k, frame)));
                let mut positional = vec![(outer_key, key)];
                positional.extend(inner_key);
                positional.push((right, value.clone()));
                let arguments = Arguments {
                    positional,
                    receiver: None,
                };
                self.check_sinks(assignment, &[], Some("[][]="), &arguments, frame);
            }
            _ => {}
        }
    }

    /// A JSX attribute given an expression (`dangerouslySetInnerHTML`,
    /// `href`).
    pub(super) fn check_jsx_attribute(
        &mut self,
        attribute: Node<'t>,
        name: &str,
        expression: Node<'t>,
        value: &Value,
        frame: &mut Frame,
    ) {
        let callee = format!("{name}=");
        if !self.wants(&callee) {
            return;
        }
        // `{{ __html: x }}`: the HTML is the `__html` member.
        let (node, value) = match unwrap(expression).kind() {
            "object" => {
                let html =
                    crate::detectors::javascript::object_property(expression, "__html", self.text);
                match html {
                    Some(h) => {
                        let v = self.eval(h, frame);
                        (h, v)
                    }
                    None => (expression, value.clone()),
                }
            }
            _ => (expression, value.clone()),
        };
        let arguments = Arguments {
            positional: vec![(node, value)],
            receiver: None,
        };
        self.check_sinks(attribute, &[callee], None, &arguments, frame);
    }

    /// Whether some active spec has a sink of this pseudo-callee.
    fn wants(&self, callee: &str) -> bool {
        self.specs.iter().any(|s| {
            s.spec
                .sinks
                .iter()
                .any(|k| k.callee.strip_prefix('.').unwrap_or(k.callee) == callee)
        })
    }

    /// "an SQL query run by `db.query`"
    fn describe(&self, sink: &Sink, call: Node<'t>) -> String {
        let callee = call
            .js_field("function")
            .or_else(|| call.js_field("constructor"))
            .or_else(|| call.js_field("left"))
            .map(|f| node_text(f, self.text))
            .or_else(|| call.named_child(0).map(|n| node_text(n, self.text)))
            .unwrap_or_default();
        let callee: String = callee.chars().take(60).collect();
        sink.what.replace("{callee}", &format!("`{callee}`"))
    }

    /// The argument values a sink cares about. Keywords are properties of
    /// an options object among the arguments (`{ url }`, `{ shell: true }`).
    fn select(
        &mut self,
        slot: usize,
        sink: &Sink,
        arguments: &Arguments<'t>,
        frame: &mut Frame,
    ) -> Vec<(Node<'t>, Value)> {
        let mut out = Vec::new();
        for arg in sink.args {
            match *arg {
                Arg::At(index, _) => {
                    if let Some((n, v)) = arguments.positional.get(index) {
                        out.push((*n, v.clone()));
                    }
                }
                Arg::Keyword(keyword) => {
                    for (node, _) in &arguments.positional {
                        if let Some(member) =
                            crate::detectors::javascript::object_property(*node, keyword, self.text)
                        {
                            let v = self.eval(member, frame);
                            out.push((member, v));
                        }
                    }
                }
                // Loggers and `console` serialise objects with their
                // strings escaped: only text can break a line.
                Arg::Any if self.specs[slot].spec.line_breaks_only => out.extend(
                    arguments
                        .positional
                        .iter()
                        .filter(|(n, _)| unwrap(*n).kind() != "object")
                        .cloned(),
                ),
                Arg::Any => out.extend(arguments.positional.iter().cloned()),
                Arg::Receiver => {
                    if let Some((n, v)) = &arguments.receiver {
                        out.push((*n, v.clone()));
                    }
                }
                Arg::QueryDocument(index, _) => {
                    let Some((node, value)) = arguments.positional.get(index) else {
                        continue;
                    };
                    let (node, value) = (*node, value.clone());
                    out.extend(self.query_document(node, value, frame));
                }
                Arg::Program(index, _) => {
                    let Some((node, value)) = arguments.positional.get(index) else {
                        continue;
                    };
                    let node = *node;
                    match unwrap(node).kind() {
                        "array" => {
                            if let Some(first) = unwrap(node).named_child(0)
                                && first.kind() != "spread_element"
                            {
                                let v = self.eval(first, frame);
                                out.push((first, v));
                            }
                        }
                        _ => out.push((node, value.clone())),
                    }
                }
            }
        }
        out
    }

    /// The dangerous parts of a MongoDB query document: JavaScript
    /// operators built from any input, and values that may be objects
    /// (which smuggle in operators such as `$ne`).
    fn query_document(
        &mut self,
        node: Node<'t>,
        whole: Value,
        frame: &mut Frame,
    ) -> Vec<(Node<'t>, Value)> {
        let text = self.text;
        let inner = unwrap(node);
        if inner.kind() != "object" {
            return vec![(node, Self::structured(&whole))];
        }
        let mut out = Vec::new();
        let mut cursor = inner.walk();
        let members: Vec<Node<'t>> = inner.named_children(&mut cursor).collect();
        for member in members {
            match member.kind() {
                "pair" => {
                    let (Some(key), Some(value)) =
                        (member.js_field("key"), member.js_field("value"))
                    else {
                        continue;
                    };
                    let key = node_text(key, text).trim_matches(['"', '\'']);
                    if JS_OPERATORS.contains(&key) {
                        let v = self.eval(value, frame);
                        out.push((value, v));
                    } else if unwrap(value).kind() == "object" {
                        let v = self.eval(value, frame);
                        out.extend(self.query_document(value, v, frame));
                    } else if builds_string(value, text) {
                        // A string cannot hold an operator.
                        self.eval(value, frame);
                    } else {
                        let v = self.eval(value, frame);
                        out.push((value, Self::structured(&v)));
                    }
                }
                "shorthand_property_identifier" | "spread_element" => {
                    let v = self.eval(member, frame);
                    out.push((member, Self::structured(&v)));
                }
                _ => {}
            }
        }
        out
    }
}

/// An expression whose value is a string whatever its parts (a template
/// literal, a concatenation with a string literal, `String(x)`).
fn builds_string(node: Node<'_>, text: &str) -> bool {
    let node = unwrap(node);
    match node.kind() {
        "template_string" | "string" => true,
        "binary_expression" => {
            node.js_field("operator")
                .is_some_and(|o| node_text(o, text) == "+")
                && [node.js_field("left"), node.js_field("right")]
                    .into_iter()
                    .flatten()
                    .any(|side| builds_string(side, text))
        }
        "call_expression" => node
            .js_field("function")
            .is_some_and(|f| matches!(node_text(f, text), "String" | "JSON.stringify")),
        _ => false,
    }
}
