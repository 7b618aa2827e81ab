//! Expressions: names, members, string building, objects and arrays,
//! assignments, calls (into summaries, known propagators and sanitizers),
//! callbacks run where they are passed, and JSX.

use std::rc::Rc;

use tree_sitter::Node;

use super::sources::{
    BROWSER_SOURCES, CONTAINERS, ELEMENT_CALLBACKS, LIFECYCLE_EVENTS, LOCAL_SOURCES,
    NO_LINE_BREAKS, NON_PROPAGATING_METHODS, PARSERS, PROPAGATORS, REQUEST_INPUT, REQUEST_LOCATION,
    REQUEST_VIEWS, SANITIZING_METHODS, UNIVERSAL_SANITIZERS,
};
use super::{Callback, Interpreter, function_params, is_function, reference_path, unwrap};
use crate::dataflow::Threat;
use crate::dataflow::frame::Frame;
use crate::dataflow::value::{Hop, Known, Origin, Value};
use crate::lang::JsField;
use crate::semantic::{node_text, string_literal};

/// The evaluated arguments of a call.
pub(super) struct Arguments<'t> {
    pub positional: Vec<(Node<'t>, Value)>,
    /// The object of a method call.
    pub receiver: Option<(Node<'t>, Value)>,
}

impl<'t> Arguments<'t> {
    pub fn all_values(&self) -> impl Iterator<Item = &Value> {
        self.positional.iter().map(|(_, v)| v)
    }
}

/// The argument nodes of a call or `new` expression.
pub(super) fn argument_nodes(call: Node<'_>) -> Vec<Node<'_>> {
    let Some(args) = call.js_field("arguments") else {
        return Vec::new();
    };
    if args.kind() != "arguments" {
        // A tagged template: the template is the argument.
        return vec![args];
    }
    let mut cursor = args.walk();
    args.named_children(&mut cursor)
        .filter(|a| a.kind() != "comment")
        .collect()
}

impl<'t> Interpreter<'_, 't> {
    pub(super) fn eval(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        if !self.step() {
            return Value::default();
        }
        let text = self.text;
        match node.kind() {
            "identifier" | "shorthand_property_identifier" => self.eval_name(node, frame),
            "this" => frame.env.get("this").cloned().unwrap_or_default(),
            "string" => match string_literal(node, text) {
                Some(s) => Value::known(Known::Str(Rc::from(s.as_str()))),
                None => Value::default(),
            },
            "number" => Value::known(Known::Int(node_text(node, text).parse().unwrap_or(1))),
            "true" => Value::known(Known::Bool(true)),
            "false" => Value::known(Known::Bool(false)),
            "null" | "undefined" => Value::known(Known::None),
            "template_string" => self.eval_template(node, frame),
            "member_expression" => self.eval_member(node, frame),
            "subscript_expression" => self.eval_subscript(node, frame),
            "call_expression" => self.eval_call(node, frame),
            "new_expression" => self.eval_call(node, frame),
            "assignment_expression" => {
                let (Some(left), Some(right)) = (node.js_field("left"), node.js_field("right"))
                else {
                    return Value::default();
                };
                let value = self.eval(right, frame);
                self.check_assignment(node, left, right, &value, frame);
                self.assign_to(left, value.clone(), frame);
                value
            }
            "augmented_assignment_expression" => {
                let (Some(left), Some(right)) = (node.js_field("left"), node.js_field("right"))
                else {
                    return Value::default();
                };
                let old = self.eval(left, frame);
                let new = self.eval(right, frame);
                let operator = node
                    .js_field("operator")
                    .map(|o| node_text(o, text))
                    .unwrap_or("");
                let mut value = if operator == "+=" {
                    Value::union([&old, &new])
                } else {
                    // Arithmetic and logical updates: numbers and booleans,
                    // or one of the operands (`x ||= y`).
                    if matches!(operator, "||=" | "&&=" | "??=") {
                        Value::union([&old, &new])
                    } else {
                        Value::default()
                    }
                };
                value = value.step(node.byte_range(), "appended");
                self.check_assignment(node, left, right, &value, frame);
                self.assign_to(left, value.clone(), frame);
                value
            }
            "binary_expression" => self.eval_binary(node, frame),
            "unary_expression" => {
                if let Some(argument) = node.js_field("argument") {
                    self.eval(argument, frame);
                }
                // `!x`, `typeof x`, `-x`, `+x`: booleans, type names, numbers.
                Value::default()
            }
            "update_expression" => Value::default(),
            "ternary_expression" => {
                let condition = node.js_field("condition");
                let known = condition
                    .map(|c| self.eval(c, frame))
                    .and_then(|v| v.known.map(|k| k.truthy()));
                let consequence = node.js_field("consequence");
                let alternative = node.js_field("alternative");
                let eval_arm = |this: &mut Self, arm: Option<Node<'t>>, frame: &mut Frame| {
                    arm.map(|a| this.eval(a, frame)).unwrap_or_default()
                };
                match known {
                    Some(true) => eval_arm(self, consequence, frame),
                    Some(false) => eval_arm(self, alternative, frame),
                    None => {
                        // What the condition proves holds in each arm.
                        let (if_true, if_false) = match condition {
                            Some(c) => self.validated(c, frame),
                            None => (Vec::new(), Vec::new()),
                        };
                        let before = frame.state();
                        for name in &if_true {
                            frame.env.insert(name.clone(), Value::default());
                        }
                        let mut a = eval_arm(self, consequence, frame);
                        frame.restore(before.clone());
                        for name in &if_false {
                            frame.env.insert(name.clone(), Value::default());
                        }
                        let b = eval_arm(self, alternative, frame);
                        frame.restore(before);
                        a.join(&b);
                        a
                    }
                }
            }
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
            | "await_expression"
            | "spread_element"
            | "yield_expression" => {
                let mut cursor = node.walk();
                let inner = node
                    .named_children(&mut cursor)
                    .filter(|c| !c.kind().contains("type"))
                    .last();
                match inner {
                    Some(inner) => self.eval(inner, frame),
                    None => Value::default(),
                }
            }
            "sequence_expression" => {
                let mut cursor = node.walk();
                let parts: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                let mut last = Value::default();
                for part in parts {
                    last = self.eval(part, frame);
                }
                last
            }
            "object" => self.eval_object(node, frame),
            "array" => {
                let mut cursor = node.walk();
                let elements: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                let values: Vec<Value> = elements.iter().map(|e| self.eval(*e, frame)).collect();
                Value::union(&values)
            }
            "arrow_function" | "function_expression" | "function" | "generator_function" => {
                if !self.by_node.contains_key(&node.id()) {
                    self.run_inline(node, Callback::Plain, frame);
                }
                Value::default()
            }
            "jsx_element" | "jsx_self_closing_element" | "jsx_fragment" => {
                self.eval_jsx(node, frame);
                Value::default()
            }
            "class" => Value::default(),
            _ => {
                // Anything else: evaluate the parts for their effects.
                let mut cursor = node.walk();
                let parts: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                for part in parts {
                    self.eval(part, frame);
                }
                Value::default()
            }
        }
    }

    fn eval_name(&mut self, node: Node<'t>, frame: &Frame) -> Value {
        let name = node_text(node, self.text);
        if let Some(value) = frame.env.get(name).or_else(|| self.globals.get(name)) {
            return value.clone();
        }
        if let Some((_, what)) = BROWSER_SOURCES.iter().find(|(g, _)| *g == name) {
            return self.browser_source(node, what);
        }
        Value::default()
    }

    fn browser_source(&self, node: Node<'t>, what: &str) -> Value {
        // The browser's console is not a log file.
        let mut value = self
            .source_at(node, Threat::Remote, what)
            .sanitized(self.line_break_slots);
        // The whole location starts with the page's own origin.
        let written = node_text(node, self.text);
        if written.ends_with("location") || written.ends_with("href") || written.ends_with("URL") {
            value = self.report.apply_prefix(value, "https://this-page/");
        }
        value
    }

    fn eval_member(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let text = self.text;
        if let Some(path) = reference_path(node, text)
            && let Some(value) = frame.env.get(&path).or_else(|| self.globals.get(&path))
        {
            return value.clone();
        }
        let (Some(object), Some(property)) = (node.js_field("object"), node.js_field("property"))
        else {
            return Value::default();
        };
        let written = node_text(node, text);
        // Globals of the browser and of Node, unless shadowed.
        let head = written.split(['.', '?']).next().unwrap_or("");
        if !frame.env.contains_key(head) && !self.globals.contains_key(head) {
            if let Some((_, what)) = BROWSER_SOURCES.iter().find(|(g, _)| *g == written) {
                return self.browser_source(node, what);
            }
            if let Some((_, what)) = LOCAL_SOURCES.iter().find(|(g, _)| *g == written) {
                return self.source_at(node, Threat::Local, what);
            }
        }
        let base = self.eval(object, frame);
        self.member_of(base, Some(node_text(property, text)), Some(object), node)
    }

    /// A member read from a value (`base.key`, `base["key"]`, or a
    /// destructured `{ key }`; `key` is `None` when computed): request
    /// input for a request, nothing for sizes, settings and where uploads
    /// are stored, otherwise what the value carries, named after the whole
    /// read when `inner` is the expression the base came from.
    pub(super) fn member_of(
        &mut self,
        base: Value,
        key: Option<&str>,
        inner: Option<Node<'t>>,
        at: Node<'t>,
    ) -> Value {
        if base.request.is_some() {
            return key
                .and_then(|k| self.request_member(k, at))
                .unwrap_or_default();
        }
        // Sizes are numbers; a base path is the application's setting.
        if matches!(key, Some("length" | "size" | "byteLength" | "basePath")) {
            return Value::default();
        }
        // Multer chooses where an upload is stored.
        if matches!(key, Some("path" | "destination" | "filename"))
            && base.is_tainted()
            && base
                .taints
                .iter()
                .all(|t| t.hop.origin().note.to_ascii_lowercase().contains("file"))
        {
            return Value::default();
        }
        let value = match inner {
            Some(inner) => self.widen_source(base, inner, at),
            None => base.data(),
        };
        self.open_container(value)
    }

    /// `req.query` read as `req.query.id`: a source created at the inner
    /// expression is named after the whole one, for a readable message.
    fn widen_source(&self, base: Value, inner: Node<'t>, outer: Node<'t>) -> Value {
        let mut value = base.data();
        for taint in &mut value.taints {
            if taint.hop.prev.is_none()
                && taint.hop.range == inner.byte_range()
                && matches!(taint.origin, Origin::Source(_))
                && let Some(at) = taint.hop.note.find('`')
            {
                let what = taint.hop.note[..at].trim_end();
                let written: String = node_text(outer, self.text).chars().take(60).collect();
                taint.hop = Hop::start(outer.byte_range(), format!("{what} `{written}`"));
            }
        }
        value
    }

    /// The members of a request container (`req.body.user`) are strings
    /// that may hold line breaks, whatever the container was safe for.
    pub(super) fn open_container(&self, mut value: Value) -> Value {
        for taint in &mut value.taints {
            let note = &taint.hop.origin().note;
            if CONTAINERS.iter().any(|c| note.contains(&format!(".{c}")))
                && !NO_LINE_BREAKS
                    .iter()
                    .any(|k| note.contains(&format!(".{k}")))
            {
                taint.safe &= !self.line_break_slots;
            }
        }
        value
    }

    /// A member of a request object: input, another view of the request,
    /// or something the server decides.
    pub(super) fn request_member(&mut self, key: &str, at: Node<'t>) -> Option<Value> {
        if REQUEST_VIEWS.contains(&key) {
            return Some(Value {
                request: Some(Hop::start(at.byte_range(), "request")),
                ..Value::default()
            });
        }
        if !REQUEST_INPUT.contains(&key) {
            return None;
        }
        let mut value = self.source_at(at, Threat::Remote, "request input");
        // A container read whole is an object, which loggers print with
        // its strings quoted; its members are strings again.
        if NO_LINE_BREAKS.contains(&key) || CONTAINERS.contains(&key) {
            value = value.sanitized(self.line_break_slots);
        }
        if REQUEST_LOCATION.contains(&key) {
            value = self.report.apply_prefix(value, "/request-path");
        }
        Some(value)
    }

    fn eval_subscript(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let text = self.text;
        if let Some(path) = reference_path(node, text)
            && let Some(value) = frame.env.get(&path).or_else(|| self.globals.get(&path))
        {
            return value.clone();
        }
        let (Some(object), Some(index)) = (node.js_field("object"), node.js_field("index")) else {
            return Value::default();
        };
        let base = self.eval(object, frame);
        self.eval(index, frame);
        let key = string_literal(index, text);
        self.member_of(base, key.as_deref(), Some(object), node)
    }

    fn eval_template(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let text = self.text;
        let mut cursor = node.walk();
        let parts: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        let substitutions: Vec<Node<'t>> = parts
            .iter()
            .copied()
            .filter(|p| p.kind() == "template_substitution")
            .collect();
        if substitutions.is_empty() {
            return match string_literal(node, text) {
                Some(s) => Value::known(Known::Str(Rc::from(s.as_str()))),
                None => Value::default(),
            };
        }
        // Each substitution is judged by the text before it: input after
        // a written-out host, or after a `?`, changes only what follows.
        let start = node.start_byte() + 1;
        let mut values = Vec::new();
        for (i, substitution) in substitutions.iter().enumerate() {
            let Some(expression) = substitution.named_child(0) else {
                continue;
            };
            let value = self.eval(expression, frame);
            let before = &text[start..substitution.start_byte()];
            // After an earlier substitution only a `?` or `#` fixes
            // anything.
            let prefix = if i == 0 { before } else { query_part(before) };
            let mut value = self.report.apply_prefix(value, prefix);
            // `${base}/path/${id}`: what the start fixes holds for the rest.
            if i > 0
                && text[start..substitutions[0].start_byte()].is_empty()
                && let Some(first) = values.first()
            {
                value = self.report.after_fixed_start(first, value);
            }
            values.push(value);
        }
        Value::union(&values).step(node.byte_range(), "built into a string")
    }

    fn eval_binary(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let text = self.text;
        let (Some(left), Some(operator), Some(right)) = (
            node.js_field("left"),
            node.js_field("operator"),
            node.js_field("right"),
        ) else {
            return Value::default();
        };
        let operator = node_text(operator, text);
        let l = self.eval(left, frame);
        let r = self.eval(right, frame);
        match operator {
            "+" => {
                if let (Some(Known::Str(a)), Some(Known::Str(b))) = (&l.known, &r.known) {
                    return Value::known(Known::Str(Rc::from(format!("{a}{b}").as_str())));
                }
                let value = match &l.known {
                    Some(Known::Str(prefix)) => {
                        let prefix = prefix.to_string();
                        self.report.apply_prefix(Value::union([&l, &r]), &prefix)
                    }
                    // `base + "?q=" + input`: the input is in the query.
                    _ if has_query_separator(left, text) => {
                        let right_part = self.report.apply_prefix(r.clone(), "?");
                        Value::union([&l, &right_part])
                    }
                    // `base + "/user/" + input`: the input follows a path
                    // segment the code wrote.
                    _ if middle_path_segment(left, text) => {
                        let right_part = self.report.apply_prefix(r.clone(), "/segment/");
                        let right_part = self.report.after_fixed_start(&l, right_part);
                        Value::union([&l, &right_part])
                    }
                    _ => {
                        let right_part = self.report.after_fixed_start(&l, r.clone());
                        Value::union([&l, &right_part])
                    }
                };
                value.step(node.byte_range(), "concatenated")
            }
            // `a || b`, `a ?? b`: either operand.
            "||" | "??" => {
                if let Some(known) = &l.known
                    && known.truthy()
                    && operator == "||"
                {
                    return l;
                }
                let mut v = l.clone();
                v.join(&r);
                v
            }
            "&&" => {
                let mut v = r.clone();
                if l.known.as_ref().is_some_and(|k| !k.truthy()) {
                    return l;
                }
                v.known = None;
                v
            }
            "===" | "==" | "!==" | "!=" => {
                if let (Some(a), Some(b)) = (&l.known, &r.known) {
                    let equal = a == b;
                    return Value::known(Known::Bool(equal == operator.starts_with('=')));
                }
                Value::default()
            }
            // Arithmetic, comparisons, `in`, `instanceof`: numbers and
            // booleans.
            _ => Value::default(),
        }
    }

    fn eval_object(&mut self, node: Node<'t>, frame: &mut Frame) -> Value {
        let mut cursor = node.walk();
        let members: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        let mut values = Vec::new();
        for member in members {
            match member.kind() {
                "pair" => {
                    if let Some(key) = member.js_field("key")
                        && key.kind() == "computed_property_name"
                    {
                        self.eval(key, frame);
                    }
                    if let Some(value) = member.js_field("value") {
                        if self.by_node.contains_key(&unwrap(value).id()) {
                            continue;
                        }
                        values.push(self.eval(value, frame));
                    }
                }
                "shorthand_property_identifier" | "spread_element" => {
                    values.push(self.eval(member, frame));
                }
                _ => {}
            }
        }
        Value::union(&values)
    }

    fn eval_call(&mut self, call: Node<'t>, frame: &mut Frame) -> Value {
        let text = self.text;
        let is_new = call.kind() == "new_expression";
        let Some(function) = call
            .js_field(if is_new { "constructor" } else { "function" })
            .map(unwrap)
        else {
            return Value::default();
        };
        // An immediately invoked function: its result.
        if is_function(function) {
            let returns = self.run_inline(function, Callback::Plain, frame);
            for argument in argument_nodes(call) {
                self.eval(argument, frame);
            }
            return returns;
        }
        let names = self.semantic.qualified_names(function, text);
        let is = |target: &str| names.iter().any(|n| n == target);
        let (object, method) = match function.kind() {
            "member_expression" => (
                function.js_field("object"),
                function.js_field("property").map(|p| node_text(p, text)),
            ),
            _ => (None, None),
        };
        let receiver = object.map(|o| (o, self.eval(o, frame)));
        let receiver_value = receiver.as_ref().map(|(_, v)| v.clone());

        // Request accessors: `req.get('x')`, `request.json()`.
        if let (Some(m), Some(r)) = (method, &receiver_value)
            && r.request.is_some()
            && let Some(value) = self.request_member(m, call)
        {
            for argument in argument_nodes(call) {
                self.eval(argument, frame);
            }
            return value;
        }

        // Callbacks: what they are handed.
        let context = self.callback_context(call, method, receiver_value.as_ref());
        if let (Some(m), Some(r)) = (method, &receiver_value)
            && ELEMENT_CALLBACKS.contains(&m)
            && r.is_tainted()
        {
            self.callback_input = Some(r.data().step(call.byte_range(), "element"));
        }
        let mut positional = Vec::new();
        for argument in argument_nodes(call) {
            let value = if is_function(unwrap(argument))
                && !self.by_node.contains_key(&unwrap(argument).id())
            {
                self.run_inline(unwrap(argument), context, frame);
                Value::default()
            } else {
                self.eval(argument, frame)
            };
            positional.push((argument, value));
        }
        self.callback_input = None;
        let arguments = Arguments {
            positional,
            receiver,
        };
        self.check_sinks(call, &names, method, &arguments, frame);

        let mask = self.report.sanitizer_mask(call, &names, method);
        if UNIVERSAL_SANITIZERS.iter().any(|s| is(s))
            || method.is_some_and(|m| SANITIZING_METHODS.contains(&m))
        {
            return Value::default();
        }
        if let Some(source) = self.options.rules.source(&names, method) {
            let what = source.what.clone();
            return self.source_at(call, source.threat, &what);
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
        let mut result = Value::default();
        if let (Some(m), Some(r)) = (method, &receiver_value)
            && r.is_tainted()
            && !NON_PROPAGATING_METHODS.contains(&m)
        {
            result.join(&r.data());
            // `s.concat(x)`, `s.replace(a, x)`: the arguments too.
            if matches!(
                m,
                "concat" | "replace" | "replaceAll" | "join" | "padStart" | "padEnd"
            ) {
                for v in arguments.all_values() {
                    result.join(&v.data());
                }
            }
        }
        if PROPAGATORS.iter().any(|p| is(p)) || self.options.rules.propagates(&names, method) {
            let mut values: Vec<Value> = arguments.all_values().cloned().collect();
            // What was safe about a whole URL (its start) is not about the
            // parts a parser takes out of it (`new URL(path, base)` keeps
            // what the base fixes).
            if PARSERS.iter().any(|p| is(p))
                && let Some(first) = values.first_mut()
            {
                for taint in &mut first.taints {
                    taint.safe &= self.line_break_slots;
                }
            }
            result.join(&Value::union(&values));
        }
        // `[a, b].join("")`, `"".concat(a)`: building from the arguments.
        if matches!(method, Some("concat" | "join" | "format"))
            && receiver_value.as_ref().is_some_and(|r| !r.is_tainted())
        {
            let mut appended = Value::union(arguments.all_values());
            // `"/signin?".concat(x)`: the literal start fixes what it fixes.
            if method == Some("concat")
                && let Some(Known::Str(start)) =
                    receiver_value.as_ref().and_then(|r| r.known.clone())
            {
                appended = self.report.apply_prefix(appended, &start);
            }
            result.join(&appended);
            if method == Some("join")
                && let Some((o, _)) = &arguments.receiver
                && unwrap(*o).kind() == "array"
            {
                let v = self.eval(*o, frame);
                result.join(&v);
            }
        }
        if result.is_tainted() {
            result = result.step(call.byte_range(), "passed through a call");
        }
        if mask != 0 {
            let mut values: Vec<Value> = arguments.all_values().map(Value::data).collect();
            if let Some(r) = &receiver_value {
                values.push(r.data());
            }
            result.join(&Value::union(&values));
            return result.sanitized(mask);
        }
        result
    }

    /// What a function passed to this call receives.
    fn callback_context(
        &self,
        call: Node<'t>,
        method: Option<&str>,
        receiver: Option<&Value>,
    ) -> Callback {
        let text = self.text;
        let first = argument_nodes(call).into_iter().next();
        let event = first.and_then(|f| string_literal(f, text));
        match method {
            Some("on" | "once" | "addListener" | "addEventListener" | "prependListener") => {
                let event = event.unwrap_or_default();
                if receiver.is_some_and(|r| r.request.is_some()) && event == "data" {
                    return Callback::Message;
                }
                if event == "message" && method == Some("addEventListener") {
                    return Callback::PostMessage;
                }
                let Some(object) = call.js_field("function").and_then(|f| f.js_field("object"))
                else {
                    return Callback::Plain;
                };
                let owner = node_text(object, text).to_ascii_lowercase();
                if owner == "window" || owner == "self" || owner == "globalthis" {
                    return if event == "message" {
                        Callback::PostMessage
                    } else {
                        Callback::Plain
                    };
                }
                let words = crate::detectors::context::words(node_text(object, text));
                let socket = words.iter().any(|w| {
                    matches!(
                        w.as_str(),
                        "socket"
                            | "ws"
                            | "websocket"
                            | "client"
                            | "conn"
                            | "connection"
                            | "io"
                            | "peer"
                            | "channel"
                    )
                }) && !owner.contains("process")
                    && !owner.starts_with('$');
                // A socket in browser code hears the application's own
                // server; only a server's sockets hear clients.
                if socket
                    && self.web
                    && !event.is_empty()
                    && !LIFECYCLE_EVENTS.contains(&event.as_str())
                {
                    Callback::Message
                } else {
                    Callback::Plain
                }
            }
            Some(
                "get" | "post" | "put" | "patch" | "delete" | "del" | "all" | "use" | "head"
                | "options" | "route" | "handle" | "createServer",
            ) if self.web => Callback::Route,
            _ => {
                let names = self.semantic.callee_names(call, text);
                if names.iter().any(|n| {
                    matches!(
                        n.as_str(),
                        "http.createServer"
                            | "https.createServer"
                            | "http2.createServer"
                            | "http2.createSecureServer"
                            | "express"
                            | "connect"
                    )
                }) {
                    Callback::Route
                } else {
                    Callback::Plain
                }
            }
        }
    }

    /// Runs an anonymous function where it appears, closing over the
    /// current variables; what it does to them may happen. Returns what it
    /// returns.
    pub(super) fn run_inline(
        &mut self,
        function: Node<'t>,
        context: Callback,
        frame: &mut Frame,
    ) -> Value {
        if self.active.len() > 24 {
            return Value::default();
        }
        let mut inner = Frame::new(frame.class.clone(), frame.route);
        inner.env = frame.env.clone();
        let params = function_params(function);
        self.bind_params(function, &params, context, false, &mut inner);
        self.active.push(usize::MAX);
        self.exec_body(function, &mut inner);
        self.active.pop();
        for (name, value) in inner.env {
            if let Some(outer) = frame.env.get_mut(&name)
                && value.is_tainted()
            {
                outer.join(&value.data());
            }
        }
        frame.sinks.extend(inner.sinks);
        inner.returns
    }

    /// The named function of this file a call invokes.
    fn resolve(&self, function: Node<'t>, frame: &Frame) -> Option<usize> {
        let text = self.text;
        match function.kind() {
            "identifier" => {
                let name = node_text(function, text);
                if self.semantic.binding(name).is_some() || frame.env.contains_key(name) {
                    return None;
                }
                self.by_name.get(name).copied()
            }
            "member_expression" => {
                let object = function.js_field("object")?;
                let property = node_text(function.js_field("property")?, text);
                let owner = node_text(object, text);
                if owner == "this" {
                    let class = frame.class.as_deref()?;
                    return self.by_name.get(&format!("{class}.{property}")).copied();
                }
                self.by_name.get(&format!("{owner}.{property}")).copied()
            }
            _ => None,
        }
    }

    /// Applies a function summary at a call.
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
        let name = self.functions[index].name.clone();
        let summary = self.summaries[index].clone();
        self.report
            .apply_summary(frame, &name, &summary, call.byte_range(), |i| {
                arguments
                    .positional
                    .get(i)
                    .map(|(node, value)| (node.byte_range(), value))
            })
    }

    /// JSX: attributes and children are expressions; `dangerouslySetInnerHTML`
    /// is an assignment of HTML.
    fn eval_jsx(&mut self, node: Node<'t>, frame: &mut Frame) {
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        for child in children {
            match child.kind() {
                "jsx_attribute" => {
                    let mut c = child.walk();
                    let parts: Vec<Node<'t>> = child.named_children(&mut c).collect();
                    let name = parts
                        .first()
                        .map(|n| node_text(*n, self.text))
                        .unwrap_or("");
                    let Some(value) = parts.get(1).copied() else {
                        continue;
                    };
                    let expression = match value.kind() {
                        "jsx_expression" => value.named_child(0),
                        _ => None,
                    };
                    let Some(expression) = expression else {
                        continue;
                    };
                    let v = self.eval(expression, frame);
                    self.check_jsx_attribute(child, name, expression, &v, frame);
                }
                "jsx_expression" => {
                    if let Some(inner) = child.named_child(0) {
                        self.eval(inner, frame);
                    }
                }
                "jsx_element"
                | "jsx_self_closing_element"
                | "jsx_opening_element"
                | "jsx_fragment" => self.eval_jsx(child, frame),
                _ => {}
            }
        }
    }

    /// Whether a message value's taints may be objects rather than
    /// strings (parsed bodies, query strings with nested keys, events,
    /// messages).
    pub(super) fn structured(value: &Value) -> Value {
        let mut out = value.data();
        out.taints.retain(|t| {
            let note = &t.hop.origin().note;
            [
                "body",
                "query",
                "json",
                "JSON",
                "event",
                "message",
                "payload",
                "parameter",
            ]
            .iter()
            .any(|w| note.contains(w))
        });
        out
    }
}

/// What follows an unknown start in a string: only a `?` or `#` in it
/// fixes anything about the input after it.
fn query_part(before: &str) -> &str {
    if before.contains(['?', '#']) { "?" } else { "" }
}

/// Whether a string being built already holds a `?` or `#` (written in one
/// of its literal parts).
fn has_query_separator(node: Node<'_>, text: &str) -> bool {
    let node = unwrap(node);
    match node.kind() {
        "string" | "template_string" => {
            let mut written = node_text(node, text).to_string();
            // Only the literal parts of a template.
            let mut cursor = node.walk();
            for part in node.named_children(&mut cursor) {
                if part.kind() == "template_substitution" {
                    written = written.replace(node_text(part, text), "");
                }
            }
            written.contains(['?', '#'])
        }
        "binary_expression" => [node.js_field("left"), node.js_field("right")]
            .into_iter()
            .flatten()
            .any(|side| has_query_separator(side, text)),
        _ => false,
    }
}

/// Whether a string being built ends with a literal path segment after
/// some start (`base + "/user/"`): what follows stays under that path for
/// a redirect, whatever the (configured) start.
fn middle_path_segment(node: Node<'_>, text: &str) -> bool {
    let node = unwrap(node);
    if node.kind() != "binary_expression" {
        return false;
    }
    let Some(last) = node.js_field("right").map(unwrap) else {
        return false;
    };
    string_literal(last, text).is_some_and(|s| {
        s.strip_prefix('/')
            .is_some_and(|rest| !rest.is_empty() && !rest.starts_with(['/', '\\']))
    })
}
