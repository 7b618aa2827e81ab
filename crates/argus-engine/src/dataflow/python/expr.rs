//! Expressions: names, attributes, subscripts, string building,
//! containers, comprehensions and calls.

use std::rc::Rc;

use tree_sitter::Node;

use super::sources::{
    ARGUMENT_PROPAGATING_METHODS, ATTRIBUTE_SOURCES, CALL_SOURCES, CONTAINER_WRITES,
    ENCODED_LOCATION, PROPAGATING_METHODS, PROPAGATORS, REQUEST_GLOBALS, REQUEST_INPUT,
    REQUEST_LOCATION, TORNADO_ARGUMENTS, UNIVERSAL_SANITIZERS,
};
use super::stmt::constant_key;
use super::{Frame, Interpreter, entry_key, reference_path};
use crate::dataflow::project::{ExportedSummary, mask_of};
use crate::dataflow::value::{Hop, Known, Value};
use crate::dataflow::{Step, Threat};
use crate::lang::PythonField;
use crate::semantic::node_text;

/// The evaluated arguments of a call.
pub(super) struct Arguments<'t> {
    pub positional: Vec<(Node<'t>, Value)>,
    pub keywords: Vec<(&'t str, Node<'t>, Value)>,
    /// The object of a method call.
    pub receiver: Option<(Node<'t>, Value)>,
}

impl<'t> Arguments<'t> {
    /// The n-th positional argument or the keyword of that name.
    pub fn at(&self, index: usize, keyword: &str) -> Option<(Node<'t>, &Value)> {
        self.positional
            .get(index)
            .map(|(n, v)| (*n, v))
            .or_else(|| self.keyword(keyword))
    }

    pub fn keyword(&self, keyword: &str) -> Option<(Node<'t>, &Value)> {
        self.keywords
            .iter()
            .find(|(k, ..)| *k == keyword)
            .map(|(_, n, v)| (*n, v))
    }

    /// The arguments bound to parameters: by position after `skip` leading
    /// parameters (`self` of a method), and by keyword.
    pub fn bind(&self, params: &[String], skip: usize) -> Vec<Option<(Node<'t>, Value)>> {
        let mut bound: Vec<Option<(Node<'t>, Value)>> = vec![None; params.len()];
        for (i, (node, value)) in self.positional.iter().enumerate() {
            if let Some(slot) = bound.get_mut(i + skip) {
                *slot = Some((*node, value.clone()));
            }
        }
        for (keyword, node, value) in &self.keywords {
            if let Some(i) = params.iter().position(|p| p == keyword) {
                bound[i] = Some((*node, value.clone()));
            }
        }
        bound
    }

    pub fn all_values(&self) -> impl Iterator<Item = &Value> {
        self.positional
            .iter()
            .map(|(_, v)| v)
            .chain(self.keywords.iter().map(|(_, _, v)| v))
    }
}

impl<'t> Interpreter<'_, 't> {
    /// The value of a node's field, or nothing when the field is absent.
    pub(super) fn eval_field(&mut self, node: Node<'t>, field: &str, frame: &mut Frame) -> Value {
        match node.py_field(field) {
            Some(child) => self.eval(child, frame),
            None => Value::default(),
        }
    }

    pub(super) fn eval(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        if crate::budget::exceeded() {
            return Value::default();
        }
        let text = self.text;
        match node.kind() {
            "identifier" => self.eval_name(node, frame),
            "true" => Value::known(Known::Bool(true)),
            "false" => Value::known(Known::Bool(false)),
            "none" => Value::known(Known::None),
            "integer" => node_text(node, text)
                .replace('_', "")
                .parse::<i64>()
                .map(|i| Value::known(Known::Int(i)))
                .unwrap_or_default(),
            "string" => self.eval_strings(&[node], frame),
            "concatenated_string" => {
                let mut cursor = node.walk();
                let parts: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                self.eval_strings(&parts, frame)
            }
            "interpolation" => match node.py_field("expression") {
                Some(e) => self.eval(e, frame).data(),
                None => Value::default(),
            },
            "binary_operator" => self.eval_binary(node, frame),
            "boolean_operator" => {
                let left = self.eval_field(node, "left", frame);
                let right = self.eval_field(node, "right", frame);
                let operator = node.py_field("operator").map(|o| node_text(o, text));
                match (&left.known, operator) {
                    (Some(k), Some("and")) if !k.truthy() => left,
                    (Some(k), Some("and")) if k.truthy() => right,
                    (Some(k), Some("or")) if k.truthy() => left,
                    (Some(k), Some("or")) if !k.truthy() => right,
                    _ => {
                        let mut out = left;
                        out.join(&right);
                        out.known = None;
                        out
                    }
                }
            }
            "not_operator" => {
                let inner = self.eval_field(node, "argument", frame);
                match inner.known {
                    Some(k) => Value::known(Known::Bool(!k.truthy())),
                    None => Value::default(),
                }
            }
            "comparison_operator" => self.eval_comparison(node, frame),
            "unary_operator" => node
                .py_field("argument")
                .map(|n| self.eval(n, frame).data())
                .unwrap_or_default(),
            "conditional_expression" => {
                let mut cursor = node.walk();
                let parts: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                if parts.len() != 3 {
                    return Value::default();
                }
                let condition = self.eval(parts[1], frame);
                match condition.known.as_ref().map(Known::truthy) {
                    Some(true) => self.eval(parts[0], frame),
                    Some(false) => self.eval(parts[2], frame),
                    None => {
                        let mut a = self.eval(parts[0], frame);
                        let b = self.eval(parts[2], frame);
                        a.join(&b);
                        a
                    }
                }
            }
            "parenthesized_expression"
            | "await"
            | "list_splat"
            | "dictionary_splat"
            | "starred_expression" => match node.named_child(0) {
                Some(inner) => self.eval(inner, frame),
                None => Value::default(),
            },
            "attribute" => self.eval_attribute(node, frame),
            "subscript" => self.eval_subscript(node, frame),
            "call" => self.eval_call(node, frame),
            "list" | "tuple" | "set" | "expression_list" => {
                let mut cursor = node.walk();
                let items: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                let values: Vec<Value> = items.iter().map(|i| self.eval(*i, frame)).collect();
                Value::union(&values)
            }
            "dictionary" => {
                let mut cursor = node.walk();
                let items: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                let mut values = Vec::new();
                for item in items {
                    if item.kind() == "pair" {
                        for field in ["key", "value"] {
                            if let Some(n) = item.py_field(field) {
                                values.push(self.eval(n, frame));
                            }
                        }
                    } else {
                        values.push(self.eval(item, frame));
                    }
                }
                Value::union(&values)
            }
            "list_comprehension"
            | "set_comprehension"
            | "generator_expression"
            | "dictionary_comprehension" => self.eval_comprehension(node, frame),
            "named_expression" => {
                let value = self.eval_field(node, "value", frame);
                if let Some(name) = node.py_field("name") {
                    self.assign(name, None, value.clone(), frame);
                }
                value
            }
            "assignment" => {
                // `a = b = value` nests assignments.
                let value_node = node.py_field("right");
                let value = value_node.map(|v| self.eval(v, frame)).unwrap_or_default();
                if let Some(left) = node.py_field("left") {
                    self.assign(left, value_node, value.clone(), frame);
                }
                value
            }
            "augmented_assignment" => {
                let right = self.eval_field(node, "right", frame);
                let Some(left) = node.py_field("left") else {
                    return Value::default();
                };
                let mut value = self.eval(left, frame);
                let operator = node.py_field("operator").map(|o| node_text(o, text));
                if operator == Some("+=") && value.known.is_some() {
                    if let Some(Known::Str(prefix)) = &value.known {
                        let prefix = prefix.to_string();
                        let right = self.report.apply_prefix(right, &prefix);
                        value.join(&right);
                    }
                } else {
                    value.join(&right);
                }
                value.known = None;
                self.assign(left, None, value.clone(), frame);
                value
            }
            "yield" => {
                if let Some(inner) = node.named_child(0) {
                    let v = self.eval(inner, frame);
                    frame.returns.join(&v.data());
                }
                Value::default()
            }
            "lambda" => Value::default(),
            _ => Value::default(),
        }
    }

    fn eval_name(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let name = node_text(node, self.text);
        if let Some(value) = frame.env.get(name) {
            let mut value = value.clone();
            if frame.containers.contains(name) {
                let prefix = format!("{name}[");
                let entries: Vec<Value> = frame
                    .env
                    .iter()
                    .filter(|(k, _)| k.starts_with(&prefix))
                    .map(|(_, v)| v.data())
                    .collect();
                for entry in &entries {
                    value.join(entry);
                }
            }
            return value;
        }
        // Module-level names, read through rather than copied into every
        // function's environment (branches clone environments).
        if let Some(value) = self.globals.get(name) {
            return value.clone();
        }
        if let Some(qualified) = self.semantic.binding(name) {
            return self.qualified_source(node, qualified);
        }
        Value::default()
    }

    /// The value of an imported name or attribute path that is a source.
    fn qualified_source(&self, node: Node<'t>, qualified: &str) -> Value {
        if REQUEST_GLOBALS.contains(&qualified) {
            return Value {
                request: Some(Hop::start(node.byte_range(), "request")),
                ..Value::default()
            };
        }
        if let Some((_, threat, what)) = ATTRIBUTE_SOURCES.iter().find(|(q, ..)| *q == qualified) {
            let written = node_text(node, self.text);
            return Value::source(
                *threat,
                Hop::start(node.byte_range(), format!("{what} (`{written}`)")),
            );
        }
        Value::default()
    }

    fn eval_attribute(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let text = self.text;
        if let Some(path) = reference_path(node, text)
            && let Some(value) = frame.env.get(&path).or_else(|| self.globals.get(&path))
        {
            return value.clone();
        }
        let Some(object) = node.py_field("object") else {
            return Value::default();
        };
        let attribute = node
            .py_field("attribute")
            .map(|a| node_text(a, text))
            .unwrap_or_default();
        // `flask.request`, `sys.argv` written out.
        if let Some(qualified) = self.semantic.qualified_names(node, text).into_iter().next() {
            let value = self.qualified_source(node, &qualified);
            if value.is_tainted() || value.request.is_some() {
                return value;
            }
        }
        let base = self.eval(object, frame);
        // `self.request` in a web file.
        if attribute == "request" && self.web && node_text(object, text) == "self" {
            return Value {
                request: Some(Hop::start(node.byte_range(), "request")),
                ..Value::default()
            };
        }
        if base.request.is_some() && REQUEST_INPUT.contains(&attribute) {
            let written = node_text(node, text);
            return self.request_input(
                attribute,
                node.byte_range(),
                format!("request input `{written}`"),
            );
        }
        base.data()
    }

    fn eval_subscript(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let text = self.text;
        let Some(base) = node.py_field("value") else {
            return Value::default();
        };
        let mut cursor = node.walk();
        let keys: Vec<Node<'t>> = node
            .children_by_field_name("subscript", &mut cursor)
            .collect();
        for key in &keys {
            if key.kind() != "slice" {
                self.eval(*key, frame);
            }
        }
        if let (Some(path), [key]) = (reference_path(base, text), keys.as_slice())
            && let Some(key) = constant_key(*key, text)
            && frame.containers.contains(&path)
        {
            if let Some(entry) = frame.env.get(&entry_key(&path, &key)) {
                return entry.clone();
            }
            return frame.env.get(&path).map(Value::data).unwrap_or_default();
        }
        let value = self.eval(base, frame);
        // A tuple from a function may hold a known constant elsewhere; the
        // element is as tainted as the whole.
        value.data()
    }

    /// A string literal, or adjacent literals (`"a" f"{b}"`): a constant
    /// when nothing is interpolated; otherwise each interpolated value,
    /// made safe for what the text before it fixes (earlier values
    /// standing in as `x`).
    fn eval_strings(&mut self, strings: &[Node<'t>], frame: &mut Frame) -> Value {
        let text = self.text;
        let mut prefix = String::new();
        let mut values = Vec::new();
        for string in strings {
            let mut cursor = string.walk();
            let children: Vec<Node<'t>> = string.named_children(&mut cursor).collect();
            for child in children {
                match child.kind() {
                    "string_content" | "escape_sequence" => prefix.push_str(node_text(child, text)),
                    "interpolation" => {
                        let value = self.eval(child, frame);
                        values.push(self.report.apply_prefix(value, &prefix));
                        prefix.push('x');
                    }
                    _ => {}
                }
            }
        }
        if values.is_empty() {
            return Value::known(Known::Str(Rc::from(prefix.as_str())));
        }
        Value::union(&values)
    }

    fn eval_binary(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let text = self.text;
        let left = self.eval_field(node, "left", frame);
        let right = self.eval_field(node, "right", frame);
        let operator = node
            .py_field("operator")
            .map(|o| node_text(o, text))
            .unwrap_or_default();
        match (&left.known, &right.known, operator) {
            (Some(Known::Str(a)), Some(Known::Str(b)), "+") => {
                return Value::known(Known::Str(Rc::from(format!("{a}{b}").as_str())));
            }
            (Some(Known::Int(a)), Some(Known::Int(b)), "+") => {
                return Value::known(Known::Int(a.wrapping_add(*b)));
            }
            _ => {}
        }
        let right = match (&left.known, operator) {
            (Some(Known::Str(s)), "+") => self.report.apply_prefix(right, s),
            (Some(Known::Str(s)), "%") => {
                let format = s.to_string();
                self.format_values(&format, node, right, frame)
            }
            _ => right,
        };
        let mut out = Value::union([&left, &right]);
        out.known = None;
        out
    }

    /// For `"fmt" % (a, b)`: each value made safe for what the format's
    /// text before it fixes (earlier values standing in as `x`).
    fn format_values(
        &mut self,
        format: &str,
        node: Node<'t>,
        whole: Value,
        frame: &mut Frame,
    ) -> Value {
        let Some(right) = node.py_field("right") else {
            return whole;
        };
        let elements: Vec<Node<'t>> = if right.kind() == "tuple" {
            let mut c = right.walk();
            right.named_children(&mut c).collect()
        } else {
            vec![right]
        };
        let mut pieces = format.split('%');
        let mut prefix = pieces.next().unwrap_or("").to_string();
        let mut values = Vec::new();
        for (element, piece) in elements.iter().zip(pieces) {
            let value = self.eval(*element, frame);
            values.push(self.report.apply_prefix(value, &prefix));
            prefix.push('x');
            prefix.push_str(piece.get(1..).unwrap_or(""));
        }
        if values.len() != elements.len() {
            return whole;
        }
        Value::union(&values)
    }

    fn eval_comparison(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let mut cursor = node.walk();
        let operands: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        let values: Vec<Value> = operands.iter().map(|o| self.eval(*o, frame)).collect();
        let operators: Vec<&str> = {
            let mut c = node.walk();
            node.children_by_field_name("operators", &mut c)
                .map(|o| node_text(o, self.text))
                .collect()
        };
        if let ([a, b], [op]) = (values.as_slice(), operators.as_slice())
            && let (Some(x), Some(y)) = (&a.known, &b.known)
        {
            match *op {
                "==" | "is" => return Value::known(Known::Bool(x == y)),
                "!=" => return Value::known(Known::Bool(x != y)),
                _ => {}
            }
        }
        Value::default()
    }

    fn eval_comprehension(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let saved = frame.state();
        let mut cursor = node.walk();
        let clauses: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        for clause in &clauses {
            match clause.kind() {
                "for_in_clause" => {
                    let iterable = self.eval_field(*clause, "right", frame);
                    if let Some(left) = clause.py_field("left") {
                        self.assign(left, None, iterable.data(), frame);
                    }
                }
                "if_clause" => {
                    if let Some(c) = clause.named_child(0) {
                        self.eval(c, frame);
                    }
                }
                _ => {}
            }
        }
        let out = match node.py_field("body") {
            Some(body) if body.kind() == "pair" => {
                let mut values = Vec::new();
                for field in ["key", "value"] {
                    if let Some(n) = body.py_field(field) {
                        values.push(self.eval(n, frame));
                    }
                }
                Value::union(&values)
            }
            Some(body) => self.eval(body, frame).data(),
            None => Value::default(),
        };
        let reachable = frame.reachable;
        frame.restore(saved);
        frame.reachable = reachable;
        out
    }

    pub(super) fn eval_arguments(
        &mut self,
        call: Node<'t>,
        receiver: Option<(Node<'t>, Value)>,
        frame: &mut Frame,
    ) -> Arguments<'t> {
        let text = self.text;
        let mut out = Arguments {
            positional: Vec::new(),
            keywords: Vec::new(),
            receiver,
        };
        let Some(args) = call.py_field("arguments") else {
            return out;
        };
        if args.kind() == "generator_expression" {
            let value = self.eval(args, frame);
            out.positional.push((args, value));
            return out;
        }
        let mut cursor = args.walk();
        let items: Vec<Node<'t>> = args.named_children(&mut cursor).collect();
        for item in items {
            match item.kind() {
                "keyword_argument" => {
                    let (Some(name), Some(value)) = (item.py_field("name"), item.py_field("value"))
                    else {
                        continue;
                    };
                    let v = self.eval(value, frame);
                    out.keywords.push((node_text(name, text), value, v));
                }
                "comment" => {}
                _ => {
                    let v = self.eval(item, frame);
                    out.positional.push((item, v));
                }
            }
        }
        out
    }

    fn eval_call(&mut self, call: Node<'t>, frame: &mut Frame) -> Value {
        let text = self.text;
        let Some(function) = call.py_field("function") else {
            return Value::default();
        };
        let names = self.semantic.callee_names(call, text);
        let is = |target: &str| names.iter().any(|n| n == target);
        let method = (function.kind() == "attribute")
            .then(|| function.py_field("attribute"))
            .flatten()
            .map(|m| node_text(m, text));
        let object = (function.kind() == "attribute")
            .then(|| function.py_field("object"))
            .flatten();
        let receiver = match object {
            Some(o) => Some((o, self.eval(o, frame))),
            None => {
                if function.kind() != "identifier" {
                    self.eval(function, frame);
                }
                None
            }
        };
        let arguments = self.eval_arguments(call, receiver, frame);
        self.check_sinks(call, &names, method, &arguments, frame);

        // Sanitizers of some detectors: the data stays tainted for the
        // others.
        let mask = self.report.sanitizer_mask(call, &names, method);
        let receiver_value = arguments.receiver.as_ref().map(|(_, v)| v);

        // Writes into a container held in a variable.
        if let (Some(m), Some(o)) = (method, object)
            && CONTAINER_WRITES.contains(&m)
            && let Some(path) = reference_path(o, text)
        {
            let written = Value::union(arguments.all_values());
            if written.is_tainted() {
                frame.env.entry(path).or_default().join(&written);
            }
        }

        if UNIVERSAL_SANITIZERS.iter().any(|s| is(s)) {
            return Value::default();
        }
        // The user's sources win over what the code of the function says
        // (it may be part of the scanned project).
        if let Some(source) = self.options.rules.source(&names, method) {
            let short: String = node_text(call, text).chars().take(60).collect();
            return Value::source(
                source.threat,
                Hop::start(call.byte_range(), format!("{} (`{short}`)", source.what)),
            );
        }

        // Calls into functions of this file.
        if let Some(index) = self.resolve(function, frame) {
            let value = self.apply_summary(index, call, &arguments, frame);
            return if mask != 0 {
                value.sanitized(mask)
            } else {
                value
            };
        }

        // Calls into functions of other files of the project.
        if let Some(summary) = self.project_summary(&names) {
            let value = self.apply_exported(summary, call, &arguments, frame);
            return if mask != 0 {
                value.sanitized(mask)
            } else {
                value
            };
        }

        let mut result = Value::default();
        // Sources.
        if let Some((_, threat, what)) =
            CALL_SOURCES
                .iter()
                .find(|(q, ..)| match q.strip_prefix('.') {
                    Some(m) => method == Some(m),
                    None => is(q) && self.semantic.binding(q).is_none_or(|b| b == *q),
                })
        {
            let written = node_text(call, text);
            let short: String = written.chars().take(60).collect();
            result.join(&Value::source(
                *threat,
                Hop::start(call.byte_range(), format!("{what} (`{short}`)")),
            ));
        }
        if let (Some(m), Some(o)) = (method, object)
            && TORNADO_ARGUMENTS.contains(&m)
            && node_text(o, text) == "self"
            && self.web
        {
            result.join(&Value::source(
                Threat::Remote,
                Hop::start(call.byte_range(), format!("request input `self.{m}()`")),
            ));
        }
        // Methods: request accessors, and methods handing on their data.
        if let (Some(m), Some(receiver)) = (method, receiver_value) {
            if receiver.request.is_some() && REQUEST_INPUT.contains(&m) {
                let written = node_text(function, text);
                result.join(&self.request_input(
                    m,
                    call.byte_range(),
                    format!("request input `{written}()`"),
                ));
            } else if PROPAGATING_METHODS.contains(&m) {
                let mut values = vec![receiver.data()];
                if ARGUMENT_PROPAGATING_METHODS.contains(&m) {
                    values.extend(arguments.all_values().map(Value::data));
                }
                result.join(&Value::union(&values));
            }
        }
        // Known propagators.
        if PROPAGATORS.iter().any(|p| is(p)) || self.options.rules.propagates(&names, method) {
            result.join(&Value::union(arguments.all_values()));
            if let Some(r) = receiver_value {
                result.join(&r.data());
            }
        }
        // `"...{}".format(x)`: a literal prefix fixes the start.
        if method == Some("format")
            && let Some(Known::Str(s)) = receiver_value.and_then(|r| r.known.clone())
        {
            let prefix = s.split('{').next().unwrap_or("").to_string();
            result = self.report.apply_prefix(result, &prefix);
        }
        // A sanitizer of some detectors hands the data on, safe for them.
        if mask != 0 {
            let mut values: Vec<Value> = arguments.all_values().map(Value::data).collect();
            if let Some(r) = receiver_value {
                values.push(r.data());
            }
            result.join(&Value::union(&values));
            return result.sanitized(mask);
        }
        result
    }

    /// Input read from a request. The request's own path and URL start
    /// with `/` or the server's origin, so they are built like a local
    /// path: safe where only the start matters (redirects, SSRF).
    fn request_input(&self, member: &str, range: std::ops::Range<usize>, note: String) -> Value {
        let mut value = Value::source(Threat::Remote, Hop::start(range, note));
        let starlette_url = matches!(member, "url" | "base_url") && self.starlette;
        if ENCODED_LOCATION.contains(&member) && !starlette_url {
            value = value.sanitized(self.line_break_slots);
        }
        if REQUEST_LOCATION.contains(&member) {
            self.report.apply_prefix(value, "/request-path")
        } else {
            value
        }
    }

    /// The function of this file a call invokes: `f(...)` for a module
    /// function not shadowed by an import, `self.m(...)` for a method of
    /// the enclosing class.
    fn resolve(&self, function: Node<'t>, frame: &Frame) -> Option<usize> {
        let text = self.text;
        match function.kind() {
            "identifier" => {
                let name = node_text(function, text);
                if self.semantic.binding(name).is_some() || frame.env.contains_key(name) {
                    return None;
                }
                let index = *self.by_name.get(name)?;
                self.functions[index].class.is_none().then_some(index)
            }
            "attribute" => {
                let object = function.py_field("object")?;
                let object = node_text(object, text);
                if object != "self" && object != "cls" {
                    return None;
                }
                let method = node_text(function.py_field("attribute")?, text);
                let class = frame.class.as_ref()?;
                self.by_name.get(&format!("{class}.{method}")).copied()
            }
            _ => None,
        }
    }

    /// Applies a function summary at a call: the return value carries the
    /// arguments that flow to it; parameters that reach sinks inside make
    /// findings (or summary entries of the caller).
    fn apply_summary(
        &mut self,
        index: usize,
        call: Node<'t>,
        arguments: &Arguments<'t>,
        frame: &mut Frame,
    ) -> Value {
        if self.active.contains(&index) {
            return Value::union(arguments.all_values());
        }
        let function = &self.functions[index];
        let name = function.name.clone();
        let method = function.class.is_some() && arguments.receiver.is_some();
        let params: Vec<String> = function.params.iter().map(|p| p.name.clone()).collect();
        let bound = arguments.bind(&params, usize::from(method));
        let summary = self.summaries[index].clone();
        self.report
            .apply_summary(frame, &name, &summary, call.byte_range(), |i| {
                bound
                    .get(i)?
                    .as_ref()
                    .map(|(node, value)| (node.byte_range(), value))
            })
    }
}

impl<'a, 't> Interpreter<'a, 't> {
    /// The summary of an imported function of another file.
    fn project_summary(&self, names: &[String]) -> Option<&'a ExportedSummary> {
        let project = self.project?;
        names.iter().find_map(|n| project.get(n, &self.module))
    }

    /// Applies a summary from another file: its sinks make findings at
    /// this call (the path goes on into the other file), its returns carry
    /// the arguments and any input it reads itself.
    fn apply_exported(
        &mut self,
        summary: &ExportedSummary,
        call: Node<'t>,
        arguments: &Arguments<'t>,
        frame: &mut Frame,
    ) -> Value {
        let name = call
            .py_field("function")
            .map(|f| node_text(f, self.text).to_string())
            .unwrap_or_default();
        let bound = arguments.bind(&summary.params, 0);
        for sink in &summary.sinks {
            let Some(slot) = self.specs.iter().position(|s| s.detector == sink.detector) else {
                continue;
            };
            let Some(Some((node, value))) = bound.get(sink.param as usize) else {
                continue;
            };
            let safe = mask_of(&sink.safe_for, self.specs);
            let what = format!("{} ({}) through `{name}`", sink.what, sink.place);
            for taint in value.taints.clone() {
                let mut taint = taint;
                taint.safe |= safe;
                let mut prefix = vec![Step::Here(node.byte_range(), format!("passed to `{name}`"))];
                prefix.extend(sink.path.iter().cloned().map(Step::There));
                self.report.reach(
                    frame,
                    slot,
                    &taint,
                    prefix,
                    call.byte_range(),
                    sink.rule,
                    &what,
                    Vec::new(),
                );
            }
        }
        let note = format!("returned by `{name}`");
        let mut out = Value::default();
        for (param, safe_for) in &summary.returns {
            if let Some(Some((_, value))) = bound.get(*param as usize) {
                let v = value.data().sanitized(mask_of(safe_for, self.specs));
                out.join(&v.step(call.byte_range(), &note));
            }
        }
        if let Some((origin, steps)) = &summary.returns_source {
            let place = steps
                .first()
                .map(|s| format!(" ({}:{})", s.location.path, s.location.start_line))
                .unwrap_or_default();
            out.join(&Value::source(
                Threat::Remote,
                Hop::start(
                    call.byte_range(),
                    format!("{origin}{place}, returned by `{name}`"),
                ),
            ));
        }
        out
    }
}
