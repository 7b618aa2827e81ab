//! Expressions: names and fields, string building, calls (sources,
//! sanitizers, summaries, propagation, containers), object creation,
//! lambdas and anonymous classes run inline.

use std::rc::Rc;

use tree_sitter::Node;

use super::sources::{
    ARGUMENT_PROPAGATORS, NO_LINE_BREAKS, NON_PROPAGATING_METHODS, NON_PROPAGATING_TYPES,
    PROPAGATING_LANG_TYPES, PROPAGATING_PACKAGES, REQUEST_INPUT, REQUEST_TYPES, RETURN_TYPES,
    STATIC_PROPAGATORS, SUPERTYPES, UNIVERSAL_SANITIZERS, jakarta_alias,
};
use super::stmt::entry_key;
use super::{Interpreter, base_type, literal_value, unwrap};
use crate::dataflow::Threat;
use crate::dataflow::frame::{Frame, join_states};
use crate::dataflow::value::{Hop, Known, Value};
use crate::detectors::java::call_args;
use crate::semantic::{node_text, string_literal};

/// Methods that add their arguments to the object they are called on.
const MUTATORS: &[&str] = &[
    "add",
    "addAll",
    "put",
    "putAll",
    "append",
    "insert",
    "push",
    "offer",
    "addFirst",
    "addLast",
    "putIfAbsent",
    "setProperty",
    "addElement",
];

/// Deepest expression nesting evaluated.
const MAX_DEPTH: usize = 300;

/// Methods reading one entry of a container.
const READERS: &[&str] = &[
    "get",
    "getOrDefault",
    "remove",
    "getFirst",
    "getLast",
    "peek",
    "poll",
    "pop",
    "getProperty",
    "elementAt",
];

impl<'t> Interpreter<'_, 't> {
    pub(super) fn eval(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        // Generated code nests thousands deep (`a + b + ...`); past this
        // depth the value is unknown rather than the stack exhausted.
        if !self.step() || self.depth >= MAX_DEPTH {
            return Value::default();
        }
        self.depth += 1;
        let value = self.eval_node(node, frame);
        self.depth -= 1;
        value
    }

    fn eval_node(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let text = self.text;
        match node.kind() {
            "identifier" => self.eval_name(node, frame),
            "parenthesized_expression" | "cast_expression" => {
                let inner = node.child_by_field_name("value").or_else(|| {
                    node.named_child(node.named_child_count().saturating_sub(1) as u32)
                });
                match inner {
                    Some(i) => self.eval(i, frame),
                    None => Value::default(),
                }
            }
            "string_literal" | "text_block" => {
                match crate::detectors::java::literal_text(node, text)
                    .or_else(|| string_literal(node, text))
                {
                    Some(s) => Value::known(Known::Str(Rc::from(s.as_str()))),
                    None => Value::default(),
                }
            }
            "true" | "false" | "null_literal" | "decimal_integer_literal" => {
                literal_value(node, text)
                    .map(Value::known)
                    .unwrap_or_default()
            }
            "field_access" => self.eval_field(node, frame),
            "binary_expression" => self.eval_binary(node, frame),
            "unary_expression" => {
                let operand = node.child_by_field_name("operand");
                let value = operand.map(|o| self.eval(o, frame)).unwrap_or_default();
                match (node_text(node, text).starts_with('!'), value.known) {
                    (true, Some(Known::Bool(b))) => Value::known(Known::Bool(!b)),
                    _ => Value::default(),
                }
            }
            "ternary_expression" => {
                let condition = node.child_by_field_name("condition");
                let known = condition.and_then(|c| self.eval(c, frame).known);
                let consequence = node.child_by_field_name("consequence");
                let alternative = node.child_by_field_name("alternative");
                match known {
                    Some(Known::Bool(true)) => {
                        consequence.map(|c| self.eval(c, frame)).unwrap_or_default()
                    }
                    Some(Known::Bool(false)) => {
                        alternative.map(|a| self.eval(a, frame)).unwrap_or_default()
                    }
                    _ => {
                        let (when_true, when_false) = match condition {
                            Some(c) => self.validated(c, frame),
                            None => (Vec::new(), Vec::new()),
                        };
                        let mut a = consequence.map(|c| self.eval(c, frame)).unwrap_or_default();
                        let mut b = alternative.map(|c| self.eval(c, frame)).unwrap_or_default();
                        let all = self.all_slots();
                        if consequence.is_some_and(|c| is_named(c, &when_true, text)) {
                            a = a.sanitized(all);
                        }
                        if alternative.is_some_and(|c| is_named(c, &when_false, text)) {
                            b = b.sanitized(all);
                        }
                        a.join(&b);
                        a
                    }
                }
            }
            "assignment_expression" => self.eval_assignment(node, frame),
            "method_invocation" => self.eval_call(node, frame),
            "object_creation_expression" => self.eval_new(node, frame),
            "array_creation_expression" => match node.child_by_field_name("value") {
                Some(init) => self.eval(init, frame),
                None => Value::default(),
            },
            "array_initializer" => {
                let mut cursor = node.walk();
                let items: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                let values: Vec<Value> = items.into_iter().map(|i| self.eval(i, frame)).collect();
                Value::union(&values)
            }
            "array_access" => {
                if let Some(index) = node.child_by_field_name("index") {
                    self.eval(index, frame);
                }
                node.child_by_field_name("array")
                    .map(|a| self.eval(a, frame).data())
                    .unwrap_or_default()
            }
            "lambda_expression" => {
                self.run_lambda(node, Value::default(), frame);
                Value::default()
            }
            "switch_expression" => self.eval_switch(node, frame),
            "instanceof_expression" => {
                if let Some(left) = node.child_by_field_name("left") {
                    self.eval(left, frame);
                }
                Value::default()
            }
            "update_expression" => Value::default(),
            _ => Value::default(),
        }
    }

    /// The value of an expression without running it again (conditions).
    pub(super) fn peek(&self, node: Node<'t>, frame: &Frame) -> Value {
        let node = unwrap(node);
        match node.kind() {
            "identifier" => {
                let name = node_text(node, self.text);
                frame
                    .env
                    .get(name)
                    .or_else(|| self.fields.get(name))
                    .cloned()
                    .unwrap_or_default()
            }
            _ => Value::default(),
        }
    }

    fn eval_name(&mut self, node: Node<'t>, frame: &Frame) -> Value {
        let name = node_text(node, self.text);
        if frame.containers.contains(name) {
            let prefix = entry_key(name, "");
            let entries: Vec<&Value> = frame
                .env
                .iter()
                .filter(|(k, _)| k.starts_with(&prefix) || k.as_str() == name)
                .map(|(_, v)| v)
                .collect();
            return Value::union(entries);
        }
        if let Some(value) = frame.env.get(name) {
            return value.clone();
        }
        if let Some(known) = self.constants.get(name) {
            return Value::known(known.clone());
        }
        let mut value = self.fields.get(name).cloned().unwrap_or_default();
        // A request injected into a field (`@Autowired HttpServletRequest`).
        if let Some(t) = self.field_types.get(name)
            && REQUEST_TYPES.contains(&base_type(node_text(*t, self.text)).as_str())
        {
            value.request = Some(Hop::start(node.byte_range(), format!("request `{name}`")));
        }
        value
    }

    fn eval_field(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let text = self.text;
        let (Some(object), Some(field)) = (
            node.child_by_field_name("object"),
            node.child_by_field_name("field"),
        ) else {
            return Value::default();
        };
        let field = node_text(field, text);
        if object.kind() == "this" {
            if let Some(v) = frame.env.get(&format!("this.{field}")) {
                return v.clone();
            }
            return self.fields.get(field).cloned().unwrap_or_default();
        }
        // `Constants.NAME`: a constant of this file.
        if let Some(known) = self.constants.get(field)
            && node_text(object, text)
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        {
            return Value::known(known.clone());
        }
        self.eval(object, frame).data()
    }

    fn eval_binary(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let text = self.text;
        let (Some(left), Some(operator), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("operator"),
            node.child_by_field_name("right"),
        ) else {
            return Value::default();
        };
        let operator = node_text(operator, text);
        let l = self.eval(left, frame);
        let r = self.eval(right, frame);
        match operator {
            "+" => self
                .concatenate(&l, &r)
                .step(node.byte_range(), "concatenated"),
            "&&" | "||" => match (&l.known, &r.known) {
                (Some(Known::Bool(a)), Some(Known::Bool(b))) => {
                    Value::known(Known::Bool(if operator == "&&" {
                        *a && *b
                    } else {
                        *a || *b
                    }))
                }
                (Some(Known::Bool(false)), _) if operator == "&&" => {
                    Value::known(Known::Bool(false))
                }
                (Some(Known::Bool(true)), _) if operator == "||" => Value::known(Known::Bool(true)),
                _ => Value::default(),
            },
            "==" | "!=" => match (&l.known, &r.known) {
                (Some(a), Some(b)) if !matches!(a, Known::Str(_)) => {
                    Value::known(Known::Bool((a == b) == (operator == "==")))
                }
                _ => Value::default(),
            },
            ">" | "<" | ">=" | "<=" => match (&l.known, &r.known) {
                (Some(Known::Int(a)), Some(Known::Int(b))) => {
                    Value::known(Known::Bool(match operator {
                        ">" => a > b,
                        "<" => a < b,
                        ">=" => a >= b,
                        _ => a <= b,
                    }))
                }
                _ => Value::default(),
            },
            _ => Value::default(),
        }
    }

    /// `left + right` for strings: constants fold; input after a literal
    /// start is judged by that start (a fixed host, a `?`).
    pub(super) fn concatenate(&self, l: &Value, r: &Value) -> Value {
        if let (Some(Known::Str(a)), Some(Known::Str(b))) = (&l.known, &r.known) {
            return Value::known(Known::Str(Rc::from(format!("{a}{b}").as_str())));
        }
        if let (Some(Known::Str(a)), Some(Known::Int(b))) = (&l.known, &r.known) {
            return Value::known(Known::Str(Rc::from(format!("{a}{b}").as_str())));
        }
        match &l.known {
            Some(Known::Str(prefix)) => self.report.apply_prefix(Value::union([l, r]), prefix),
            _ => {
                let right = self.report.after_fixed_start(l, r.clone());
                Value::union([l, &right])
            }
        }
    }

    fn eval_assignment(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let text = self.text;
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return Value::default();
        };
        let operator = node
            .child_by_field_name("operator")
            .map(|o| node_text(o, text))
            .unwrap_or("=");
        let left = unwrap(left);
        match left.kind() {
            "identifier" => {
                let name = node_text(left, text).to_string();
                let local = frame.env.contains_key(&name) || self.types.contains_key(&name);
                if operator == "=" {
                    if local {
                        self.bind_value(&name, right, frame);
                        return frame.env.get(&name).cloned().unwrap_or_default();
                    }
                    let value = self.eval(right, frame);
                    self.store_field(&name, &value);
                    return value;
                }
                let value = self.eval(right, frame);
                let current = self.eval_name(left, frame);
                let joined = self.concatenate(&current, &value);
                if local {
                    frame.env.insert(name, joined.clone());
                } else {
                    self.store_field(&name, &joined);
                }
                joined
            }
            "field_access" => {
                let value = self.eval(right, frame);
                if let (Some(object), Some(field)) = (
                    left.child_by_field_name("object"),
                    left.child_by_field_name("field"),
                ) && object.kind() == "this"
                {
                    let field = node_text(field, text).to_string();
                    let mut stored = value.clone();
                    if operator != "=" {
                        stored.join(&self.fields.get(&field).cloned().unwrap_or_default());
                    }
                    frame.env.insert(format!("this.{field}"), stored.clone());
                    self.store_field(&field, &stored);
                }
                value
            }
            "array_access" => {
                let value = self.eval(right, frame);
                if let Some(array) = left.child_by_field_name("array").map(unwrap)
                    && array.kind() == "identifier"
                {
                    let name = node_text(array, text).to_string();
                    let mut current = frame.env.get(&name).cloned().unwrap_or_default();
                    current.join(&value.data());
                    frame.env.insert(name, current);
                }
                value
            }
            _ => self.eval(right, frame),
        }
    }

    /// Input stored in a field is seen by every method of the file.
    fn store_field(&mut self, name: &str, value: &Value) {
        let sources: Vec<_> = value
            .taints
            .iter()
            .filter(|t| matches!(t.origin, crate::dataflow::value::Origin::Source(_)))
            .cloned()
            .collect();
        if sources.is_empty() && value.request.is_none() {
            return;
        }
        let stored = Value {
            taints: sources,
            request: value.request.clone(),
            known: None,
        };
        self.fields
            .entry(name.to_string())
            .or_default()
            .join(&stored);
    }

    fn eval_switch(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        if let Some(condition) = node.child_by_field_name("condition") {
            self.eval(condition, frame);
        }
        let Some(body) = node.child_by_field_name("body") else {
            return Value::default();
        };
        let before = frame.state();
        let mut ends = Vec::new();
        let mut values = Vec::new();
        let mut cursor = body.walk();
        let groups: Vec<Node<'t>> = body.named_children(&mut cursor).collect();
        let has_default = node_text(body, self.text).contains("default");
        for group in groups {
            frame.restore(before.clone());
            match group.kind() {
                "switch_rule" => {
                    if let Some(last) =
                        group.named_child(group.named_child_count().saturating_sub(1) as u32)
                    {
                        if last.kind().ends_with("expression")
                            || last.kind() == "method_invocation"
                            || last.kind() == "identifier"
                        {
                            values.push(self.eval(last, frame));
                        } else {
                            self.exec_block_like(last, frame);
                        }
                    }
                }
                _ => self.exec_block(group, frame),
            }
            frame.reachable = true;
            ends.push(frame.state());
        }
        if !has_default {
            ends.push(before);
        }
        frame.restore(join_states(ends));
        Value::union(&values)
    }

    fn exec_block_like(&mut self, node: Node<'t>, frame: &mut Frame) {
        if node.kind() == "block" {
            self.exec_block(node, frame);
        } else {
            self.eval(node, frame);
        }
    }

    /// Runs a lambda where it is passed: its parameters receive `input`
    /// (the elements of the receiver for `forEach`, `map`, `filter`); the
    /// result is what it returns.
    pub(super) fn run_lambda(
        &mut self,
        lambda: Node<'t>,
        input: Value,
        frame: &mut Frame,
    ) -> Value {
        let text = self.text;
        let mut bound = Vec::new();
        if let Some(params) = lambda.child_by_field_name("parameters") {
            let names: Vec<Node<'t>> = match params.kind() {
                "identifier" => vec![params],
                _ => {
                    let mut cursor = params.walk();
                    params
                        .named_children(&mut cursor)
                        .filter_map(|p| match p.kind() {
                            "identifier" => Some(p),
                            _ => p.child_by_field_name("name"),
                        })
                        .collect()
                }
            };
            for name in names {
                let name = node_text(name, text).to_string();
                frame.env.insert(name.clone(), input.clone());
                bound.push(name);
            }
        }
        let Some(body) = lambda.child_by_field_name("body") else {
            return Value::default();
        };
        let result = if body.kind() == "block" {
            let saved_returns = std::mem::take(&mut frame.returns);
            let saved_reachable = frame.reachable;
            let saved_route = frame.route;
            frame.route = false;
            self.exec_block(body, frame);
            frame.reachable = saved_reachable;
            frame.route = saved_route;
            std::mem::replace(&mut frame.returns, saved_returns)
        } else {
            self.eval(body, frame)
        };
        for name in bound {
            frame.env.remove(&name);
        }
        result
    }

    /// The methods of an anonymous class, run where the class is created,
    /// with the variables they capture.
    fn run_anonymous_class(&mut self, body: Node<'t>, frame: &mut Frame) {
        let mut cursor = body.walk();
        let methods: Vec<Node<'t>> = body
            .named_children(&mut cursor)
            .filter(|m| m.kind() == "method_declaration")
            .collect();
        for method in methods {
            let Some(block) = method.child_by_field_name("body") else {
                continue;
            };
            let saved_returns = std::mem::take(&mut frame.returns);
            let saved_reachable = frame.reachable;
            let saved_route = frame.route;
            frame.route = false;
            self.exec_block(block, frame);
            frame.reachable = saved_reachable;
            frame.route = saved_route;
            frame.returns = saved_returns;
        }
    }

    fn eval_new(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let text = self.text;
        let args = call_args(node);
        let values: Vec<(Node<'t>, Value)> =
            args.iter().map(|a| (*a, self.eval(*a, frame))).collect();
        if let Some(body) = node
            .named_children(&mut node.walk())
            .find(|c| c.kind() == "class_body")
        {
            self.run_anonymous_class(body, frame);
        }
        let type_node = node.child_by_field_name("type");
        let written = type_node
            .map(|t| base_type(node_text(t, text)))
            .unwrap_or_default();
        let mut names = type_node
            .map(|t| self.semantic.qualified_names(t, text))
            .unwrap_or_default();
        add_aliases(&mut names);
        let reported = self.check_sinks(node, &names, None, &values, None, frame);
        if let Some(source) = self.options.rules.source(&names, None) {
            let (threat, what) = (source.threat, source.what.clone());
            return Value::source(threat, Hop::start(node.byte_range(), what));
        }
        let mask = self.report.sanitizer_mask(node, &names, None);
        let library = names.iter().any(|n| {
            if n.starts_with("java.lang.") {
                PROPAGATING_LANG_TYPES.contains(&n.as_str())
            } else {
                PROPAGATING_PACKAGES.iter().any(|p| n.starts_with(p))
            }
        });
        if NON_PROPAGATING_TYPES.contains(&written.as_str()) || !library {
            let mut value = Value::default();
            if REQUEST_TYPES.iter().any(|t| written.contains(t)) {
                value.request = values.iter().find_map(|(_, v)| v.request.clone());
            }
            return value.sanitized(mask);
        }
        let mut value = Value::union(values.iter().map(|(_, v)| v));
        // Wrapping a request keeps it a request.
        if REQUEST_TYPES.iter().any(|t| written.contains(t)) {
            value.request = values.iter().find_map(|(_, v)| v.request.clone());
        }
        // `new StringBuilder("literal")` keeps the literal as its start.
        if matches!(
            written.as_str(),
            "StringBuilder" | "StringBuffer" | "String"
        ) && let [(_, only)] = values.as_slice()
            && only.known.is_some()
        {
            value.known = only.known.clone();
        }
        value.sanitized(mask | reported)
    }

    fn eval_call(&mut self, call: Node<'t>, frame: &mut Frame) -> Value {
        let text = self.text;
        let Some(method) = call.child_by_field_name("name").map(|n| node_text(n, text)) else {
            return Value::default();
        };
        let object = call.child_by_field_name("object").map(unwrap);
        let receiver = match object {
            Some(o) if !matches!(o.kind(), "this" | "super") => self.eval(o, frame),
            _ => Value::default(),
        };
        // Lambdas passed to a method of a tainted receiver see its data.
        let element = self.elements(&receiver);
        let args = call_args(call);
        let mut values: Vec<(Node<'t>, Value)> = Vec::with_capacity(args.len());
        for a in &args {
            let v = if unwrap(*a).kind() == "lambda_expression" {
                self.run_lambda(unwrap(*a), element.clone(), frame)
            } else {
                self.eval(*a, frame)
            };
            values.push((*a, v));
        }
        let names = self.call_names(call, object, method);
        let receiver_arg = object.map(|o| (o, receiver.clone()));
        let reported = self.check_sinks(call, &names, Some(method), &values, receiver_arg, frame);

        // Request input.
        if receiver.request.is_some()
            && let Some((_, what)) = REQUEST_INPUT.iter().find(|(m, _)| *m == method)
        {
            let written: String = node_text(call, text).chars().take(80).collect();
            let mut value = Value::source(
                Threat::Remote,
                Hop::start(call.byte_range(), format!("{what} (`{written}`)")),
            );
            if NO_LINE_BREAKS.contains(&method) {
                value = value.sanitized(self.line_break_slots);
            }
            return value.sanitized(self.report.sanitizer_mask(call, &names, Some(method)));
        }
        if is_any(
            &names,
            &["java.lang.System.getenv", "java.lang.System.getProperty"],
        ) {
            let what = if method == "getenv" {
                "an environment variable"
            } else {
                "a system property"
            };
            let written: String = node_text(call, text).chars().take(80).collect();
            return Value::source(
                Threat::Local,
                Hop::start(call.byte_range(), format!("{what} (`{written}`)")),
            );
        }
        if let Some(source) = self.options.rules.source(&names, Some(method)) {
            let (threat, what) = (source.threat, source.what.clone());
            return Value::source(threat, Hop::start(call.byte_range(), what));
        }
        let mut mask = self.report.sanitizer_mask(call, &names, Some(method)) | reported;
        if UNIVERSAL_SANITIZERS
            .iter()
            .any(|s| names.iter().any(|n| names_end_with(n, s)))
            || (method == "valueOf"
                && object.is_some_and(|o| {
                    let w = node_text(o, text);
                    w != "String" && w.chars().next().is_some_and(char::is_uppercase)
                }))
        {
            mask |= self.all_slots();
        }

        // Containers with constant keys and positions.
        if let Some(o) = object
            && o.kind() == "identifier"
        {
            let name = node_text(o, text).to_string();
            if frame.containers.contains(&name)
                && let Some(value) = self.container_call(&name, method, &values, frame)
            {
                return value.sanitized(mask);
            }
            if MUTATORS.contains(&method) {
                let added = Value::union(values.iter().map(|(_, v)| v));
                if added.is_tainted() {
                    let current = frame.env.get(&name).cloned().unwrap_or_default();
                    let updated = if matches!(method, "append" | "insert") {
                        self.concatenate(&current, &added)
                    } else {
                        let mut c = current;
                        c.join(&added.data());
                        c
                    };
                    frame.env.insert(name.clone(), updated);
                } else if matches!(method, "append") {
                    // Keep a constant start known.
                    let current = frame.env.get(&name).cloned().unwrap_or_default();
                    if current.known.is_some() || !current.is_tainted() {
                        let updated = self.concatenate(&current, &added);
                        frame.env.insert(name.clone(), updated);
                    }
                }
            }
        }

        if NON_PROPAGATING_METHODS.contains(&method) {
            return Value::default();
        }
        // Calls into methods of this file.
        if let Some(index) = self.resolve_call(object, method, args.len()) {
            let summary = self.summaries[index].clone();
            let function_name = self.functions[index].name.clone();
            let value = self.report.apply_summary(
                frame,
                &function_name,
                &summary,
                call.byte_range(),
                |i| values.get(i).map(|(n, v)| (n.byte_range(), v)),
            );
            let mut value = value;
            value.join(&receiver.data());
            return value.sanitized(mask);
        }
        let static_propagator = STATIC_PROPAGATORS
            .iter()
            .any(|p| names.iter().any(|n| names_end_with(n, p)));
        let argument_propagator = ARGUMENT_PROPAGATORS.contains(&method)
            || self.options.rules.propagates(&names, Some(method));
        let mut value = receiver.data();
        if static_propagator || argument_propagator {
            match method {
                "format" | "formatted" => {
                    // `String.format("https://host/%s", x)`: judged by
                    // the text before the first conversion.
                    let (template, rest): (Option<&Value>, Vec<&Value>) = if method == "formatted" {
                        (Some(&receiver), values.iter().map(|(_, v)| v).collect())
                    } else {
                        (
                            values.first().map(|(_, v)| v),
                            values.iter().skip(1).map(|(_, v)| v).collect(),
                        )
                    };
                    let mut args = Value::union(rest);
                    if let Some(Known::Str(t)) = template.and_then(|t| t.known.clone()) {
                        let prefix = t.split('%').next().unwrap_or("").to_string();
                        args = self.report.apply_prefix(args, &prefix);
                    }
                    value.join(&args);
                    if let Some(t) = template {
                        value.join(&t.data());
                    }
                }
                "append" | "concat" | "insert" => {
                    let added = Value::union(values.iter().map(|(_, v)| v));
                    value = self.concatenate(&receiver, &added);
                }
                _ => {
                    for (_, v) in &values {
                        value.join(&v.data());
                    }
                }
            }
            value = value.step(call.byte_range(), &format!("passed through `{method}`"));
        }
        if receiver.request.is_some()
            && matches!(
                method,
                "getRequest" | "getHttpServletRequest" | "getNativeRequest"
            )
        {
            value.request = receiver.request.clone();
        }
        value.sanitized(mask)
    }

    /// What iterating a value yields: its data.
    pub(super) fn elements(&self, value: &Value) -> Value {
        value.data()
    }

    /// Calls on a container variable with constant-key entries: `put`,
    /// `get`, `add`, `set`.
    fn container_call(
        &mut self,
        name: &str,
        method: &str,
        values: &[(Node<'t>, Value)],
        frame: &mut Frame,
    ) -> Option<Value> {
        let key_of = |v: &Value| match &v.known {
            Some(Known::Str(s)) => Some(s.to_string()),
            Some(Known::Int(i)) => Some(format!("[{i}]")),
            _ => None,
        };
        match (method, values) {
            ("put" | "putIfAbsent" | "setProperty" | "set", [(_, key), (_, value)]) => {
                match key_of(key) {
                    Some(k) => {
                        frame.env.insert(entry_key(name, &k), value.clone());
                    }
                    None => {
                        let mut wild = frame.env.get(name).cloned().unwrap_or_default();
                        wild.join(&value.data());
                        frame.env.insert(name.to_string(), wild);
                    }
                }
                Some(Value::default())
            }
            ("add" | "addLast" | "offer", [(_, value)]) => {
                let length_key = entry_key(name, "#length");
                match frame.env.get(&length_key).and_then(|v| v.known.clone()) {
                    Some(Known::Int(n)) => {
                        frame
                            .env
                            .insert(entry_key(name, &format!("[{n}]")), value.clone());
                        frame
                            .env
                            .insert(length_key, Value::known(Known::Int(n + 1)));
                    }
                    _ => {
                        let mut wild = frame.env.get(name).cloned().unwrap_or_default();
                        wild.join(&value.data());
                        frame.env.insert(name.to_string(), wild);
                    }
                }
                Some(Value::default())
            }
            (m, [(_, key), ..]) if READERS.contains(&m) => {
                let wild = frame.env.get(name).cloned().unwrap_or_default().data();
                let mut out = match key_of(key) {
                    Some(k) => frame
                        .env
                        .get(&entry_key(name, &k))
                        .cloned()
                        .unwrap_or_default(),
                    None => {
                        let prefix = entry_key(name, "");
                        Value::union(
                            frame
                                .env
                                .iter()
                                .filter(|(k, _)| k.starts_with(&prefix) && !k.ends_with("#length"))
                                .map(|(_, v)| v),
                        )
                    }
                };
                out.join(&wild);
                // `getOrDefault(k, fallback)`.
                if m == "getOrDefault"
                    && let Some((_, fallback)) = values.get(1)
                {
                    out.join(fallback);
                }
                Some(out)
            }
            _ => None,
        }
    }

    /// Containers created in place: `new HashMap<>()`, `new ArrayList<>()`
    /// (empty), `List.of(a, b)`, `Arrays.asList(a, b)`, `Map.of("k", v)`.
    /// `None` when the expression is no container literal.
    pub(super) fn container_literal(
        &mut self,
        node: Node<'t>,
        frame: &mut Frame,
    ) -> Option<Vec<(Option<String>, Value)>> {
        let text = self.text;
        match node.kind() {
            "object_creation_expression" => {
                let written = base_type(node_text(node.child_by_field_name("type")?, text));
                let container = matches!(
                    written.as_str(),
                    "HashMap"
                        | "LinkedHashMap"
                        | "TreeMap"
                        | "ArrayList"
                        | "LinkedList"
                        | "Properties"
                        | "ConcurrentHashMap"
                        | "ArrayDeque"
                );
                if !container
                    || !call_args(node).is_empty()
                    || node
                        .named_children(&mut node.walk())
                        .any(|c| c.kind() == "class_body")
                {
                    return None;
                }
                Some(vec![(
                    Some("#length".to_string()),
                    Value::known(Known::Int(0)),
                )])
            }
            "method_invocation" => {
                let written = node_text(node.child_by_field_name("object")?, text);
                let method = node_text(node.child_by_field_name("name")?, text);
                let args = call_args(node);
                match (written, method) {
                    ("List" | "Arrays" | "Set" | "Stream", "of" | "asList") => {
                        let mut out = Vec::new();
                        for (i, a) in args.iter().enumerate() {
                            let v = self.eval(*a, frame);
                            out.push((Some(format!("[{i}]")), v));
                        }
                        out.push((
                            Some("#length".to_string()),
                            Value::known(Known::Int(args.len() as i64)),
                        ));
                        Some(out)
                    }
                    ("Map", "of") if args.len().is_multiple_of(2) => {
                        let mut out = Vec::new();
                        for pair in args.chunks(2) {
                            let key = self.eval(pair[0], frame);
                            let value = self.eval(pair[1], frame);
                            match key.known {
                                Some(Known::Str(k)) => out.push((Some(k.to_string()), value)),
                                _ => out.push((None, value)),
                            }
                        }
                        Some(out)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The names a call is known by: qualified callee names, and
    /// `Type.method` for the declared type of its receiver.
    pub(super) fn call_names(
        &self,
        call: Node<'t>,
        object: Option<Node<'t>>,
        method: &str,
    ) -> Vec<String> {
        let mut names = self.semantic.callee_names(call, self.text);
        if let Some(object) = object {
            for t in self.receiver_types(object) {
                names.push(format!("{t}.{method}"));
            }
        }
        add_aliases(&mut names);
        names
    }

    /// The types an expression is known to have: declared types of
    /// variables and fields (with their supertypes), return types of
    /// well-known factories, the writer of a response.
    fn receiver_types(&self, object: Node<'t>) -> Vec<String> {
        let text = self.text;
        let object = unwrap(object);
        let mut out = Vec::new();
        let declared = match object.kind() {
            "identifier" => {
                let name = node_text(object, text);
                if self.writers.iter().any(|w| w == name) {
                    out.push("ResponseWriter".to_string());
                }
                self.types
                    .get(name)
                    .or_else(|| self.field_types.get(name))
                    .copied()
            }
            "field_access" => object
                .child_by_field_name("field")
                .and_then(|f| self.field_types.get(node_text(f, text)).copied()),
            "method_invocation" => {
                if self.is_response_writer(object) {
                    out.push("ResponseWriter".to_string());
                }
                if let Some(m) = object.child_by_field_name("name") {
                    let m = node_text(m, text);
                    out.extend(
                        RETURN_TYPES
                            .iter()
                            .filter(|(r, _)| *r == m)
                            .map(|(_, t)| t.to_string()),
                    );
                }
                None
            }
            "object_creation_expression" => object.child_by_field_name("type"),
            _ => None,
        };
        if let Some(t) = declared {
            let written = base_type(node_text(t, text));
            out.extend(self.semantic.qualified_names(t, text));
            out.push(written.clone());
            out.extend(
                SUPERTYPES
                    .iter()
                    .filter(|(sub, _)| *sub == written)
                    .map(|(_, sup)| sup.to_string()),
            );
        }
        out
    }

    /// `response.getWriter()` or `response.getOutputStream()`.
    pub(super) fn is_response_writer(&self, node: Node<'t>) -> bool {
        let text = self.text;
        let node = unwrap(node);
        if node.kind() != "method_invocation" {
            return false;
        }
        let method = node.child_by_field_name("name").map(|n| node_text(n, text));
        if !matches!(method, Some("getWriter" | "getOutputStream")) {
            return false;
        }
        let Some(object) = node.child_by_field_name("object").map(unwrap) else {
            return false;
        };
        let declared = match object.kind() {
            "identifier" => {
                let name = node_text(object, text);
                self.types
                    .get(name)
                    .or_else(|| self.field_types.get(name))
                    .copied()
            }
            _ => None,
        };
        match declared {
            Some(t) => {
                let written = base_type(node_text(t, text));
                matches!(
                    written.as_str(),
                    "HttpServletResponse" | "ServletResponse" | "HttpServletResponseWrapper"
                )
            }
            None => matches!(
                node_text(object, text),
                "response" | "resp" | "res" | "httpResponse" | "servletResponse"
            ),
        }
    }

    /// The method of this file a call runs: unqualified or on `this`, a
    /// class of this file, or a variable declared with one.
    fn resolve_call(&self, object: Option<Node<'t>>, method: &str, arity: usize) -> Option<usize> {
        let text = self.text;
        match object {
            None => self.resolve(method, arity),
            Some(o) if matches!(o.kind(), "this" | "super") => self.resolve(method, arity),
            Some(o) if o.kind() == "identifier" => {
                let name = node_text(o, text);
                let class = if self.classes.iter().any(|c| c == name) {
                    Some(name.to_string())
                } else {
                    self.types
                        .get(name)
                        .or_else(|| self.field_types.get(name))
                        .map(|t| base_type(node_text(*t, text)))
                        .filter(|t| self.classes.iter().any(|c| c == t))
                };
                class.and_then(|c| self.resolve(&format!("{c}.{method}"), arity))
            }
            _ => None,
        }
    }
}

/// `name` is `suffix` or ends with `.suffix` (`java.lang.Integer.parseInt`
/// for `Integer.parseInt`), without allocating.
fn names_end_with(name: &str, suffix: &str) -> bool {
    name == suffix
        || (name.len() > suffix.len()
            && name.ends_with(suffix)
            && name.as_bytes()[name.len() - suffix.len() - 1] == b'.')
}

fn is_any(names: &[String], targets: &[&str]) -> bool {
    names.iter().any(|n| targets.contains(&n.as_str()))
}

/// Adds the `javax.` spelling of `jakarta.` names.
fn add_aliases(names: &mut Vec<String>) {
    let aliases: Vec<String> = names.iter().filter_map(|n| jakarta_alias(n)).collect();
    names.extend(aliases);
}

/// Whether an expression is a variable listed in `names`.
fn is_named(node: Node<'_>, names: &[String], text: &str) -> bool {
    let node = unwrap(node);
    node.kind() == "identifier" && names.iter().any(|n| n == node_text(node, text))
}
