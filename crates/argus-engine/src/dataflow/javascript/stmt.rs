//! Statements: declarations, destructuring, branches, loops, `try`,
//! `switch`, returns, and what conditions prove about a value.

use tree_sitter::Node;

use super::sources::{ALLOWLIST_METHODS, RECEIVER_CHECKS, VALIDATING_CALLS};
use super::{Interpreter, reference_path, unwrap};
use crate::dataflow::Threat;
use crate::dataflow::frame::{Frame, join_states};
use crate::dataflow::value::{Hop, Known, Value};
use crate::lang::JsField;
use crate::semantic::node_text;

impl<'t> Interpreter<'_, 't> {
    pub(super) fn exec_block(&mut self, block: Node<'t>, frame: &mut Frame) {
        let mut cursor = block.walk();
        let children: Vec<Node<'t>> = block.named_children(&mut cursor).collect();
        for child in children {
            if !frame.reachable {
                break;
            }
            self.exec(child, frame);
        }
    }

    fn exec(&mut self, node: Node<'t>, frame: &mut Frame) {
        if !self.step() {
            frame.reachable = false;
            return;
        }
        match node.kind() {
            "expression_statement" => {
                if let Some(expr) = node.named_child(0) {
                    self.eval(expr, frame);
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                let mut cursor = node.walk();
                let declarators: Vec<Node<'t>> = node
                    .named_children(&mut cursor)
                    .filter(|d| d.kind() == "variable_declarator")
                    .collect();
                for declarator in declarators {
                    let Some(name) = declarator.js_field("name") else {
                        continue;
                    };
                    let Some(value) = declarator.js_field("value") else {
                        self.bind_pattern(name, Value::default(), frame);
                        continue;
                    };
                    // Named functions run on their own.
                    if self.by_node.contains_key(&unwrap(value).id()) {
                        continue;
                    }
                    let v = self.eval(value, frame);
                    self.bind_pattern(name, v, frame);
                }
            }
            "export_statement" => {
                if let Some(declaration) = node.js_field("declaration") {
                    self.exec(declaration, frame);
                } else if let Some(value) = node.js_field("value") {
                    self.eval(value, frame);
                }
            }
            "statement_block" | "program" => self.exec_block(node, frame),
            "if_statement" => self.exec_if(node, frame),
            "for_statement" => {
                if let Some(init) = node.js_field("initializer") {
                    self.exec(init, frame);
                }
                let body = node.js_field("body");
                self.exec_loop(node.js_field("condition"), body, None, frame);
            }
            "for_in_statement" => {
                let right = node.js_field("right");
                let collection = right.map(|r| self.eval(r, frame)).unwrap_or_default();
                let of = node
                    .js_field("operator")
                    .is_some_and(|o| node_text(o, self.text) == "of");
                let element = if of || collection.is_tainted() {
                    // Keys of an object from outside are outside data too
                    // (`__proto__` among them).
                    collection.data()
                } else {
                    Value::default()
                };
                let left = node.js_field("left");
                self.exec_loop(
                    None,
                    node.js_field("body"),
                    left.map(|l| (l, element)),
                    frame,
                );
            }
            "while_statement" => {
                let condition = node.js_field("condition");
                self.exec_loop(condition, node.js_field("body"), None, frame);
            }
            "do_statement" => {
                if let Some(body) = node.js_field("body") {
                    self.exec(body, frame);
                }
                let condition = node.js_field("condition");
                self.exec_loop(condition, node.js_field("body"), None, frame);
            }
            "try_statement" => self.exec_try(node, frame),
            "switch_statement" => self.exec_switch(node, frame),
            "return_statement" => {
                if let Some(value) = node.named_child(0) {
                    let v = self.eval(value, frame);
                    frame.returns.join(&v.data_with_request());
                }
                frame.reachable = false;
            }
            "throw_statement" => {
                if let Some(value) = node.named_child(0) {
                    self.eval(value, frame);
                }
                frame.reachable = false;
            }
            "labeled_statement" => {
                if let Some(body) = node.js_field("body") {
                    self.exec(body, frame);
                }
            }
            "class_declaration" | "abstract_class_declaration" => {
                // Static blocks and field initialisers run at definition.
                if let Some(body) = node.js_field("body") {
                    let mut cursor = body.walk();
                    let members: Vec<Node<'t>> = body.named_children(&mut cursor).collect();
                    for member in members {
                        if member.kind() == "class_static_block"
                            && let Some(b) = member.js_field("body")
                        {
                            self.exec_block(b, frame);
                        }
                    }
                }
            }
            // Declarations run on their own (functions) or do nothing.
            _ => {}
        }
    }

    /// Loops run twice, so values built across iterations reach the
    /// statements before them; the body may also not run at all.
    fn exec_loop(
        &mut self,
        condition: Option<Node<'t>>,
        body: Option<Node<'t>>,
        binding: Option<(Node<'t>, Value)>,
        frame: &mut Frame,
    ) {
        let before = frame.state();
        let mut ends = vec![before];
        for _ in 0..2 {
            if let Some(condition) = condition {
                let value = self.eval(condition, frame);
                if value.known.as_ref().is_some_and(|k| !truthy(k)) {
                    break;
                }
            }
            if let Some((left, value)) = &binding {
                let target = match left.kind() {
                    "lexical_declaration" | "variable_declaration" => left
                        .named_child(0)
                        .and_then(|d| d.js_field("name").or(Some(d)))
                        .unwrap_or(*left),
                    _ => *left,
                };
                self.assign_to(target, value.clone(), frame);
            }
            if let Some(body) = body {
                self.exec(body, frame);
            }
            // `break`/`continue`/`return` inside: the loop's end is still
            // reached on other iterations.
            frame.reachable = true;
            ends.push(frame.state());
        }
        frame.restore(join_states(ends));
    }

    fn exec_if(&mut self, node: Node<'t>, frame: &mut Frame) {
        let Some(condition) = node.js_field("condition") else {
            return;
        };
        let value = self.eval(condition, frame);
        let (valid_if_true, valid_if_false) = self.validated(condition, frame);
        let consequence = node.js_field("consequence");
        let alternative = node.js_field("alternative").and_then(|a| a.named_child(0));
        match value.known.as_ref().map(truthy) {
            Some(true) => {
                if let Some(c) = consequence {
                    self.exec(c, frame);
                }
                return;
            }
            Some(false) => {
                if let Some(a) = alternative {
                    self.exec(a, frame);
                }
                return;
            }
            None => {}
        }
        let before = frame.state();
        for name in &valid_if_true {
            clean(frame, name);
        }
        if let Some(c) = consequence {
            self.exec(c, frame);
        }
        let after_consequence = frame.state();
        frame.restore(before);
        for name in &valid_if_false {
            clean(frame, name);
        }
        if let Some(a) = alternative {
            self.exec(a, frame);
        }
        let after_alternative = frame.state();
        frame.restore(join_states(vec![after_consequence, after_alternative]));
    }

    fn exec_try(&mut self, node: Node<'t>, frame: &mut Frame) {
        let before = frame.state();
        if let Some(body) = node.js_field("body") {
            self.exec_block(body, frame);
        }
        let mut ends = vec![frame.state()];
        if let Some(handler) = node.js_field("handler") {
            // The handler may start anywhere in the body.
            let mut start = join_states(vec![before, frame.state()]);
            start.2 = true;
            frame.restore(start);
            if let Some(parameter) = handler.js_field("parameter") {
                self.bind_pattern(parameter, Value::default(), frame);
            }
            if let Some(body) = handler.js_field("body") {
                self.exec_block(body, frame);
            }
            ends.push(frame.state());
        }
        frame.restore(join_states(ends));
        if let Some(finalizer) = node.js_field("finalizer")
            && let Some(body) = finalizer.js_field("body")
        {
            let reachable = frame.reachable;
            frame.reachable = true;
            self.exec_block(body, frame);
            frame.reachable = frame.reachable && reachable;
        }
    }

    fn exec_switch(&mut self, node: Node<'t>, frame: &mut Frame) {
        if let Some(value) = node.js_field("value") {
            self.eval(value, frame);
        }
        let Some(body) = node.js_field("body") else {
            return;
        };
        let before = frame.state();
        let mut ends = Vec::new();
        let mut has_default = false;
        let mut cursor = body.walk();
        let cases: Vec<Node<'t>> = body.named_children(&mut cursor).collect();
        for case in cases {
            has_default |= case.kind() == "switch_default";
            frame.restore(before.clone());
            let mut c = case.walk();
            let statements: Vec<Node<'t>> = case.children_by_field_name("body", &mut c).collect();
            for statement in statements {
                if !frame.reachable {
                    break;
                }
                if statement.kind() == "break_statement" {
                    break;
                }
                self.exec(statement, frame);
            }
            ends.push(frame.state());
        }
        if !has_default {
            ends.push(before);
        }
        frame.restore(join_states(ends));
    }

    /// Binds a declaration pattern (`x`, `{ a, b: c }`, `[a, b]`) to a
    /// value. Members of a request destructured by name are input
    /// (`const { query } = req`).
    pub(super) fn bind_pattern(&mut self, pattern: Node<'t>, value: Value, frame: &mut Frame) {
        let text = self.text;
        match pattern.kind() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                frame
                    .env
                    .insert(node_text(pattern, text).to_string(), value);
            }
            "required_parameter" | "optional_parameter" => {
                if let Some(inner) = pattern.js_field("pattern") {
                    self.bind_pattern(inner, value, frame);
                }
            }
            "assignment_pattern" | "object_assignment_pattern" => {
                let Some(left) = pattern.js_field("left") else {
                    return;
                };
                let mut v = value;
                if let Some(right) = pattern.js_field("right") {
                    let default = self.eval(right, frame);
                    v.join(&default);
                }
                self.bind_pattern(left, v, frame);
            }
            "object_pattern" => {
                let mut cursor = pattern.walk();
                let members: Vec<Node<'t>> = pattern.named_children(&mut cursor).collect();
                for member in members {
                    match member.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let key = node_text(member, text);
                            let v = self.member_of(value.clone(), Some(key), None, member);
                            self.bind_pattern(member, v, frame);
                        }
                        "pair_pattern" => {
                            let (Some(key), Some(target)) =
                                (member.js_field("key"), member.js_field("value"))
                            else {
                                continue;
                            };
                            let key = node_text(key, text).trim_matches(['"', '\'']);
                            let v = self.member_of(value.clone(), Some(key), None, member);
                            self.bind_pattern(target, v, frame);
                        }
                        "object_assignment_pattern" => {
                            let key = member
                                .js_field("left")
                                .map(|l| node_text(l, text))
                                .unwrap_or("");
                            let v = self.member_of(value.clone(), Some(key), None, member);
                            self.bind_pattern(member, v, frame);
                        }
                        "rest_pattern" => {
                            if let Some(inner) = member.named_child(0) {
                                self.bind_pattern(inner, value.data(), frame);
                            }
                        }
                        _ => {}
                    }
                }
            }
            "array_pattern" => {
                let mut cursor = pattern.walk();
                let members: Vec<Node<'t>> = pattern.named_children(&mut cursor).collect();
                for member in members {
                    let inner = if member.kind() == "rest_pattern" {
                        member.named_child(0)
                    } else {
                        Some(member)
                    };
                    if let Some(inner) = inner {
                        self.bind_pattern(inner, value.data(), frame);
                    }
                }
            }
            "rest_pattern" => {
                if let Some(inner) = pattern.named_child(0) {
                    self.bind_pattern(inner, value.data(), frame);
                }
            }
            // `this` parameters, decorators and the like bind nothing.
            _ => {}
        }
    }

    /// Assigns to an assignment target (identifier, member, pattern).
    pub(super) fn assign_to(&mut self, target: Node<'t>, value: Value, frame: &mut Frame) {
        let target = unwrap(target);
        match target.kind() {
            "identifier" => {
                frame
                    .env
                    .insert(node_text(target, self.text).to_string(), value);
            }
            "member_expression" | "subscript_expression" => {
                if let Some(path) = reference_path(target, self.text) {
                    frame.env.insert(path, value.clone());
                }
                // The object now holds the data; the path or query of a
                // URL object cannot change its host.
                let url_part = target.js_field("property").is_some_and(|p| {
                    matches!(
                        node_text(p, self.text),
                        "pathname" | "search" | "hash" | "query"
                    )
                });
                let value = if url_part {
                    self.report.apply_prefix(value, "https://fixed-host/")
                } else {
                    value
                };
                if value.is_tainted()
                    && let Some(object) = target.js_field("object")
                    && let Some(base) = reference_path(object, self.text)
                {
                    let entry = frame
                        .env
                        .entry(base.clone())
                        .or_insert_with(|| self.globals.get(&base).cloned().unwrap_or_default());
                    entry.join(&value.data());
                }
            }
            _ => self.bind_pattern(target, value, frame),
        }
    }

    /// The references a condition proves safe when it is true and when
    /// it is false: allow-list membership, comparison with a literal,
    /// anchored patterns, validators, and emptiness.
    pub(super) fn validated(
        &mut self,
        condition: Node<'t>,
        frame: &Frame,
    ) -> (Vec<String>, Vec<String>) {
        let text = self.text;
        let none = || (Vec::new(), Vec::new());
        let condition = unwrap(condition);
        match condition.kind() {
            "unary_expression" if node_text(condition, text).starts_with('!') => {
                match condition.js_field("argument") {
                    Some(inner) => {
                        let (t, f) = self.validated(inner, frame);
                        (f, t)
                    }
                    None => none(),
                }
            }
            "binary_expression" => {
                let (Some(left), Some(operator), Some(right)) = (
                    condition.js_field("left"),
                    condition.js_field("operator"),
                    condition.js_field("right"),
                ) else {
                    return none();
                };
                let operator = node_text(operator, text);
                match operator {
                    "&&" | "||" => {
                        let (lt, lf) = self.validated(left, frame);
                        let (rt, rf) = self.validated(right, frame);
                        let both = |a: Vec<String>, b: Vec<String>| -> Vec<String> {
                            a.into_iter().filter(|n| b.contains(n)).collect()
                        };
                        if operator == "&&" {
                            ([lt, rt].concat(), both(lf, rf))
                        } else {
                            (both(lt, rt), [lf, rf].concat())
                        }
                    }
                    "===" | "==" | "!==" | "!=" => {
                        let (subject, other) = if is_literal(right) {
                            (left, right)
                        } else if is_literal(left) {
                            (right, left)
                        } else {
                            return none();
                        };
                        // `x === undefined` proves nothing useful.
                        if matches!(other.kind(), "undefined" | "null") {
                            return none();
                        }
                        let Some(name) = reference_path(subject, text) else {
                            return none();
                        };
                        if operator.starts_with('=') {
                            (vec![name], Vec::new())
                        } else {
                            (Vec::new(), vec![name])
                        }
                    }
                    _ => none(),
                }
            }
            "call_expression" => {
                let Some(function) = condition.js_field("function").map(unwrap) else {
                    return none();
                };
                let args = super::expr::argument_nodes(condition);
                if function.kind() == "member_expression"
                    && let (Some(object), Some(property)) =
                        (function.js_field("object"), function.js_field("property"))
                {
                    let method = node_text(property, text);
                    // `ALLOWED.includes(x)`: the receiver is not input.
                    if ALLOWLIST_METHODS.contains(&method) && !self.is_tainted_ref(object, frame) {
                        return match args.first().and_then(|a| reference_path(*a, text)) {
                            Some(name) => (vec![name], Vec::new()),
                            None => none(),
                        };
                    }
                    // `/^[\w-]+$/.test(x)`
                    if method == "test" && is_anchored_regex(object, text) {
                        return match args.first().and_then(|a| reference_path(*a, text)) {
                            Some(name) => (vec![name], Vec::new()),
                            None => none(),
                        };
                    }
                    if RECEIVER_CHECKS.contains(&method)
                        && let Some(name) = reference_path(object, text)
                    {
                        return (vec![name], Vec::new());
                    }
                }
                let names = self.semantic.qualified_names(function, text);
                let short = node_text(function, text);
                let validating = names
                    .iter()
                    .map(String::as_str)
                    .chain(std::iter::once(short))
                    .any(|n| {
                        VALIDATING_CALLS.contains(&n)
                            || n.rsplit('.').next().is_some_and(|last| {
                                last.starts_with("isValid")
                                    || (n.starts_with("validator.") && last.starts_with("is"))
                            })
                    });
                if !validating {
                    return none();
                }
                match args.first().and_then(|a| reference_path(*a, text)) {
                    Some(name) => (vec![name], Vec::new()),
                    None => none(),
                }
            }
            // An empty value carries nothing to inject.
            "identifier" | "member_expression" => match reference_path(condition, text) {
                Some(name) => (Vec::new(), vec![name]),
                None => none(),
            },
            _ => none(),
        }
    }

    fn is_tainted_ref(&self, node: Node<'t>, frame: &Frame) -> bool {
        reference_path(node, self.text).is_some_and(|p| {
            frame
                .env
                .get(&p)
                .or_else(|| self.globals.get(&p))
                .is_some_and(Value::is_tainted)
        })
    }

    /// The value of a source at a node, with its note.
    pub(super) fn source_at(&self, node: Node<'t>, threat: Threat, what: &str) -> Value {
        let written: String = node_text(node, self.text).chars().take(60).collect();
        Value::source(
            threat,
            Hop::start(node.byte_range(), format!("{what} `{written}`")),
        )
    }
}

/// Marks a validated reference clean on the current path.
fn clean(frame: &mut Frame, name: &str) {
    match frame.env.get_mut(name) {
        Some(value) => {
            value.taints.clear();
            value.request = None;
        }
        None => {
            frame.env.insert(name.to_string(), Value::default());
        }
    }
}

fn truthy(known: &Known) -> bool {
    known.truthy()
}

fn is_literal(node: Node<'_>) -> bool {
    matches!(
        unwrap(node).kind(),
        "string" | "number" | "true" | "false" | "null" | "undefined"
    ) || (node.kind() == "template_string" && node.named_child_count() == 0)
}

/// A regex literal anchored at both ends (`/^\d+$/`), which leaves no room
/// for anything but what it allows.
fn is_anchored_regex(node: Node<'_>, text: &str) -> bool {
    let node = unwrap(node);
    if node.kind() != "regex" {
        return false;
    }
    let Some(pattern) = node.js_field("pattern") else {
        return false;
    };
    let pattern = node_text(pattern, text);
    pattern.starts_with('^') && pattern.ends_with('$') && !pattern.contains('|')
}
