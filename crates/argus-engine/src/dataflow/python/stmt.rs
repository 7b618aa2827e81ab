//! Statements: assignments, branches, loops, `with`, `try`, returns.

use tree_sitter::Node;

use super::sources::{TERMINATING_CALLS, VALIDATING_CALLS, VALIDATING_METHODS};
use super::{Frame, Interpreter, entry_key, join_states, reference_path};
use crate::dataflow::value::{Known, Value};
use crate::lang::PythonField;
use crate::semantic::{node_text, string_literal};

impl<'t> Interpreter<'_, 't> {
    /// Runs the statements of a block (or of the module).
    pub(super) fn exec_block(&mut self, block: Node<'t>, frame: &mut Frame) {
        let mut cursor = block.walk();
        let statements: Vec<Node<'t>> = block.named_children(&mut cursor).collect();
        for statement in statements {
            if !frame.reachable {
                break;
            }
            self.exec(statement, frame);
        }
    }

    fn exec(&mut self, node: Node<'t>, frame: &mut Frame) {
        if crate::budget::exceeded() {
            return;
        }
        match node.kind() {
            "expression_statement" => {
                let mut cursor = node.walk();
                let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                for child in children {
                    self.eval(child, frame);
                    if child.kind() == "call" && self.terminates(child) {
                        frame.reachable = false;
                    }
                }
            }
            "return_statement" => {
                if let Some(value) = node.named_child(0) {
                    let result = self.eval(value, frame);
                    if frame.route {
                        self.route_return(value, &result, frame);
                    }
                    // The join keeps a returned request object too.
                    frame
                        .returns
                        .join(&result.step(value.byte_range(), "returned"));
                }
                frame.reachable = false;
            }
            "raise_statement" | "break_statement" | "continue_statement" => {
                if let Some(value) = node.named_child(0) {
                    self.eval(value, frame);
                }
                frame.reachable = false;
            }
            "if_statement" => self.exec_if(node, frame),
            "for_statement" => self.exec_for(node, frame),
            "while_statement" => self.exec_while(node, frame),
            "try_statement" => self.exec_try(node, frame),
            "with_statement" => self.exec_with(node, frame),
            "match_statement" => self.exec_match(node, frame),
            "block" => self.exec_block(node, frame),
            "assert_statement" => {
                if let Some(condition) = node.named_child(0) {
                    self.eval(condition, frame);
                    let (valid, _) = self.validated(condition, frame);
                    for name in valid {
                        frame.env.insert(name, Value::default());
                    }
                }
            }
            "delete_statement" => {}
            // Definitions are run as functions of their own.
            "function_definition" | "class_definition" | "decorated_definition" => {}
            _ => {}
        }
    }

    /// Whether a call ends the request or the program (`abort(403)`).
    fn terminates(&self, call: Node<'t>) -> bool {
        let names = self.semantic.callee_names(call, self.text);
        names
            .iter()
            .any(|n| TERMINATING_CALLS.contains(&n.as_str()))
    }

    fn exec_if(&mut self, node: Node<'t>, frame: &mut Frame) {
        // if / elif chain as (condition, body) pairs, then else.
        let mut arms: Vec<(Option<Node<'t>>, Option<Node<'t>>)> =
            vec![(node.py_field("condition"), node.py_field("consequence"))];
        let mut cursor = node.walk();
        for alternative in node.children_by_field_name("alternative", &mut cursor) {
            match alternative.kind() {
                "elif_clause" => arms.push((
                    alternative.py_field("condition"),
                    alternative.py_field("consequence"),
                )),
                _ => arms.push((None, alternative.py_field("body"))),
            }
        }
        let has_else = arms.last().is_some_and(|(c, _)| c.is_none());
        let mut ends = Vec::new();
        for (condition, body) in arms {
            let Some(condition) = condition else {
                // else
                if let Some(body) = body {
                    self.exec_block(body, frame);
                }
                ends.push(frame.state());
                break;
            };
            let value = self.eval(condition, frame);
            let (valid_if_true, valid_if_false) = self.validated(condition, frame);
            match value.known.as_ref().map(Known::truthy) {
                // Always true: the rest of the chain is dead.
                Some(true) => {
                    if let Some(body) = body {
                        self.exec_block(body, frame);
                    }
                    ends.push(frame.state());
                    frame.reachable = false;
                    break;
                }
                // Never true: skip the body.
                Some(false) => continue,
                None => {}
            }
            let before = frame.state();
            for name in &valid_if_true {
                clean(frame, name);
            }
            if let Some(body) = body {
                self.exec_block(body, frame);
            }
            ends.push(frame.state());
            frame.restore(before);
            for name in &valid_if_false {
                clean(frame, name);
            }
        }
        if !has_else {
            ends.push(frame.state());
        }
        frame.restore(join_states(ends));
    }

    fn exec_for(&mut self, node: Node<'t>, frame: &mut Frame) {
        let iterable = self.eval_field(node, "right", frame);
        let element = iterable.data();
        // The loop may not run at all.
        let mut ends = vec![frame.state()];
        // Twice, so values carried from one iteration to the next are seen.
        for _ in 0..2 {
            if let Some(left) = node.py_field("left") {
                self.assign(left, None, element.clone(), frame);
            }
            if let Some(body) = node.py_field("body") {
                self.exec_block(body, frame);
            }
            frame.reachable = true;
            ends.push(frame.state());
        }
        frame.restore(join_states(ends));
        if let Some(alternative) = node.py_field("alternative")
            && let Some(body) = alternative.py_field("body")
        {
            self.exec_block(body, frame);
        }
    }

    fn exec_while(&mut self, node: Node<'t>, frame: &mut Frame) {
        let condition = node.py_field("condition");
        let value = condition.map(|c| self.eval(c, frame)).unwrap_or_default();
        if value.known.as_ref().is_some_and(|k| !k.truthy()) {
            return;
        }
        let mut ends = vec![frame.state()];
        for _ in 0..2 {
            if let Some(body) = node.py_field("body") {
                self.exec_block(body, frame);
            }
            frame.reachable = true;
            if let Some(c) = condition {
                self.eval(c, frame);
            }
            ends.push(frame.state());
        }
        frame.restore(join_states(ends));
    }

    fn exec_try(&mut self, node: Node<'t>, frame: &mut Frame) {
        let before = frame.state();
        if let Some(body) = node.py_field("body") {
            self.exec_block(body, frame);
        }
        let mut cursor = node.walk();
        let clauses: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        let mut ends = Vec::new();
        let mut finally = None;
        let mut else_body = None;
        // The handlers may start anywhere in the body: from the state
        // before it or after it, joined.
        let body_end = frame.state();
        let mut handler_start = join_states(vec![before, body_end.clone()]);
        handler_start.2 = true;
        for clause in clauses {
            match clause.kind() {
                "except_clause" | "except_group_clause" => {
                    frame.restore(handler_start.clone());
                    let mut c = clause.walk();
                    let blocks: Vec<Node<'t>> = clause
                        .named_children(&mut c)
                        .filter(|n| n.kind() == "block")
                        .collect();
                    for block in blocks {
                        self.exec_block(block, frame);
                    }
                    ends.push(frame.state());
                }
                "else_clause" => else_body = clause.py_field("body"),
                "finally_clause" => finally = Some(clause),
                _ => {}
            }
        }
        frame.restore(body_end);
        if let Some(body) = else_body {
            self.exec_block(body, frame);
        }
        ends.push(frame.state());
        frame.restore(join_states(ends));
        if let Some(finally) = finally {
            let reachable = frame.reachable;
            frame.reachable = true;
            let mut c = finally.walk();
            let blocks: Vec<Node<'t>> = finally
                .named_children(&mut c)
                .filter(|n| n.kind() == "block")
                .collect();
            for block in blocks {
                self.exec_block(block, frame);
            }
            frame.reachable &= reachable;
        }
    }

    fn exec_with(&mut self, node: Node<'t>, frame: &mut Frame) {
        let mut cursor = node.walk();
        let clauses: Vec<Node<'t>> = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "with_clause")
            .collect();
        for clause in clauses {
            let mut c = clause.walk();
            let items: Vec<Node<'t>> = clause.named_children(&mut c).collect();
            for item in items {
                let Some(value) = item.py_field("value") else {
                    continue;
                };
                if value.kind() == "as_pattern" {
                    let Some(expression) = value.named_child(0) else {
                        continue;
                    };
                    let result = self.eval(expression, frame);
                    if let Some(target) = value.py_field("alias").and_then(|a| a.named_child(0)) {
                        self.assign(target, None, result, frame);
                    }
                } else {
                    self.eval(value, frame);
                }
            }
        }
        if let Some(body) = node.py_field("body") {
            self.exec_block(body, frame);
        }
    }

    fn exec_match(&mut self, node: Node<'t>, frame: &mut Frame) {
        if let Some(subject) = node.py_field("subject") {
            self.eval(subject, frame);
        }
        let Some(body) = node.py_field("body") else {
            return;
        };
        let before = frame.state();
        let mut ends = vec![before.clone()];
        let mut cursor = body.walk();
        let cases: Vec<Node<'t>> = body.named_children(&mut cursor).collect();
        for case in cases {
            frame.restore(before.clone());
            if let Some(consequence) = case.py_field("consequence") {
                self.exec_block(consequence, frame);
            }
            ends.push(frame.state());
        }
        frame.restore(join_states(ends));
    }

    /// Binds `value` to an assignment target. `value_node`, when given, is
    /// the expression assigned, so `a, b = x, y` pairs the parts.
    pub(super) fn assign(
        &mut self,
        target: Node<'t>,
        value_node: Option<Node<'t>>,
        value: Value,
        frame: &mut Frame,
    ) {
        let text = self.text;
        match target.kind() {
            "identifier" => {
                let name = node_text(target, text).to_string();
                let stepped = if value.is_tainted() {
                    value.step(target.byte_range(), &format!("assigned to `{name}`"))
                } else {
                    value
                };
                forget_entries(frame, &name);
                let entries = value_node
                    .map(|v| self.literal_entries(v, frame))
                    .unwrap_or_default();
                if entries.is_empty() {
                    frame.env.insert(name, stepped);
                } else {
                    // A literal with constant keys: each entry is tracked on
                    // its own, so `d["safe"]` is not tainted by `d["input"]`.
                    let note = format!("assigned to `{name}`");
                    for (key, entry) in entries {
                        let entry = if entry.is_tainted() {
                            entry.step(target.byte_range(), &note)
                        } else {
                            entry
                        };
                        frame.env.insert(entry_key(&name, &key), entry);
                    }
                    frame.containers.insert(name.clone());
                    frame.env.insert(name, Value::default());
                }
            }
            "attribute" => {
                if let Some(path) = reference_path(target, text) {
                    let stepped = value.step(target.byte_range(), &format!("assigned to `{path}`"));
                    forget_entries(frame, &path);
                    frame.env.insert(path, stepped);
                } else if let Some(object) = target.py_field("object") {
                    self.eval(object, frame);
                }
            }
            "subscript" => {
                let Some(base) = target.py_field("value") else {
                    return;
                };
                self.check_item_assignment(target, value_node, &value, frame);
                let key = target
                    .py_field("subscript")
                    .and_then(|k| constant_key(k, text));
                match (reference_path(base, text), key) {
                    (Some(path), Some(key)) => {
                        frame.containers.insert(path.clone());
                        frame.env.insert(entry_key(&path, &key), value);
                    }
                    (Some(path), None) => {
                        frame.env.entry(path).or_default().join(&value.data());
                    }
                    _ => {}
                }
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "expression_list" => {
                let mut cursor = target.walk();
                let targets: Vec<Node<'t>> = target.named_children(&mut cursor).collect();
                let parts: Option<Vec<Node<'t>>> = value_node
                    .filter(|v| matches!(v.kind(), "expression_list" | "tuple" | "list"))
                    .map(|v| {
                        let mut c = v.walk();
                        v.named_children(&mut c).collect()
                    })
                    .filter(|p: &Vec<Node<'t>>| p.len() == targets.len());
                match parts {
                    Some(parts) => {
                        for (t, p) in targets.into_iter().zip(parts) {
                            let v = self.eval(p, frame);
                            self.assign(t, Some(p), v, frame);
                        }
                    }
                    None => {
                        for t in targets {
                            self.assign(t, None, value.data(), frame);
                        }
                    }
                }
            }
            "list_splat_pattern" | "parenthesized_expression" => {
                if let Some(inner) = target.named_child(0) {
                    self.assign(inner, None, value, frame);
                }
            }
            _ => {}
        }
    }

    /// The entries of a dict literal with only constant keys, or of a list
    /// or tuple literal, by key (`'k'`, `0`); empty for anything else.
    fn literal_entries(&mut self, node: Node<'t>, frame: &mut Frame) -> Vec<(String, Value)> {
        let text = self.text;
        let mut cursor = node.walk();
        let items: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        let mut out = Vec::new();
        match node.kind() {
            "dictionary" => {
                for item in items {
                    let (Some(key), Some(value)) = (item.py_field("key"), item.py_field("value"))
                    else {
                        return Vec::new();
                    };
                    let Some(key) = constant_key(key, text) else {
                        return Vec::new();
                    };
                    let v = self.eval(value, frame);
                    out.push((key, v));
                }
            }
            "list" | "tuple" => {
                for (i, item) in items.into_iter().enumerate() {
                    if matches!(item.kind(), "list_splat" | "comment") {
                        return Vec::new();
                    }
                    let v = self.eval(item, frame);
                    out.push((i.to_string(), v));
                }
            }
            _ => {}
        }
        out
    }

    /// Names a condition proves safe when it is true, and when it is false.
    pub(super) fn validated(
        &mut self,
        condition: Node<'t>,
        frame: &Frame,
    ) -> (Vec<String>, Vec<String>) {
        let text = self.text;
        match condition.kind() {
            "not_operator" => {
                let Some(inner) = condition.py_field("argument") else {
                    return (Vec::new(), Vec::new());
                };
                let (t, f) = self.validated(inner, frame);
                (f, t)
            }
            "parenthesized_expression" => match condition.named_child(0) {
                Some(inner) => self.validated(inner, frame),
                None => (Vec::new(), Vec::new()),
            },
            "boolean_operator" => {
                let operator = condition.py_field("operator").map(|o| node_text(o, text));
                let (Some(left), Some(right)) =
                    (condition.py_field("left"), condition.py_field("right"))
                else {
                    return (Vec::new(), Vec::new());
                };
                let (lt, lf) = self.validated(left, frame);
                let (rt, rf) = self.validated(right, frame);
                let both = |a: Vec<String>, b: Vec<String>| -> Vec<String> {
                    a.into_iter().filter(|n| b.contains(n)).collect()
                };
                if operator == Some("and") {
                    // True: both hold. False: one of them failed, so only
                    // what either failure proves.
                    ([lt, rt].concat(), both(lf, rf))
                } else {
                    (both(lt, rt), [lf, rf].concat())
                }
            }
            // A false (empty) value carries nothing to inject.
            "identifier" | "attribute" => match reference_path(condition, text) {
                Some(name) => (Vec::new(), vec![name]),
                None => (Vec::new(), Vec::new()),
            },
            "comparison_operator" => {
                // `x in ALLOWED`, `x not in ALLOWED`, `x == "literal"`
                let mut cursor = condition.walk();
                let operands: Vec<Node<'t>> = condition.named_children(&mut cursor).collect();
                let operators: Vec<String> = {
                    let mut c = condition.walk();
                    condition
                        .children_by_field_name("operators", &mut c)
                        .map(|o| {
                            node_text(o, text)
                                .split_whitespace()
                                .collect::<Vec<_>>()
                                .join(" ")
                        })
                        .collect()
                };
                if operands.len() != 2 || operators.len() != 1 {
                    return (Vec::new(), Vec::new());
                }
                let Some(name) = reference_path(operands[0], text) else {
                    return (Vec::new(), Vec::new());
                };
                let other_literal = matches!(
                    operands[1].kind(),
                    "string" | "integer" | "float" | "true" | "false" | "none"
                );
                let allowlist = !frame
                    .env
                    .get(node_text(operands[1], text))
                    .is_some_and(Value::is_tainted)
                    && matches!(
                        operands[1].kind(),
                        "identifier" | "attribute" | "list" | "tuple" | "set" | "dictionary"
                    );
                match operators[0].as_str() {
                    "in" if allowlist => (vec![name], Vec::new()),
                    "not in" if allowlist => (Vec::new(), vec![name]),
                    "==" if other_literal => (vec![name], Vec::new()),
                    "!=" if other_literal => (Vec::new(), vec![name]),
                    _ => (Vec::new(), Vec::new()),
                }
            }
            "call" => {
                let Some(function) = condition.py_field("function") else {
                    return (Vec::new(), Vec::new());
                };
                if function.kind() == "attribute"
                    && let Some(method) = function.py_field("attribute")
                    && VALIDATING_METHODS.contains(&node_text(method, text))
                    && let Some(object) = function.py_field("object")
                    && let Some(name) = reference_path(object, text)
                {
                    return (vec![name], Vec::new());
                }
                let names = self.semantic.callee_names(condition, text);
                let method = (function.kind() == "attribute")
                    .then(|| function.py_field("attribute"))
                    .flatten()
                    .map(|m| format!(".{}", node_text(m, text)));
                let validating = names
                    .iter()
                    .map(String::as_str)
                    .chain(method.as_deref())
                    .any(|n| VALIDATING_CALLS.contains(&n));
                if !validating {
                    return (Vec::new(), Vec::new());
                }
                // The validated value is the first argument; for
                // `re.match(pattern, value)` the second.
                let args =
                    crate::semantic::positional_arguments(crate::lang::Grammar::Python, condition);
                let is_re = names.iter().any(|n| n == "re.match" || n == "re.fullmatch");
                let keyword = ["url", "string", "obj"]
                    .iter()
                    .find_map(|k| crate::semantic::keyword_argument(condition, k, text));
                let subject = if is_re { args.get(1) } else { args.first() };
                match subject
                    .copied()
                    .or(keyword)
                    .and_then(|s| reference_path(s, text))
                {
                    Some(name) => (vec![name], Vec::new()),
                    None => (Vec::new(), Vec::new()),
                }
            }
            _ => (Vec::new(), Vec::new()),
        }
    }
}

/// Drops what is known about a name and its entries: it was reassigned.
fn forget_entries(frame: &mut Frame, name: &str) {
    if frame.containers.remove(name) {
        let prefix = format!("{name}[");
        frame.env.retain(|k, _| !k.starts_with(&prefix));
    }
}

/// Marks a validated name clean on the current path.
fn clean(frame: &mut Frame, name: &str) {
    if let Some(value) = frame.env.get_mut(name) {
        value.taints.clear();
        value.request = None;
    } else {
        frame.env.insert(name.to_string(), Value::default());
    }
}

/// A constant subscript key as written (`'k'`, `0`).
pub(super) fn constant_key(key: Node<'_>, text: &str) -> Option<String> {
    match key.kind() {
        "string" => string_literal(key, text).map(|s| format!("'{s}'")),
        "integer" => Some(node_text(key, text).to_string()),
        _ => None,
    }
}
