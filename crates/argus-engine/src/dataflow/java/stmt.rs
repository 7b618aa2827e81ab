//! Statements: declarations, assignments, branches joined, loops run
//! twice, dead branches of constant conditions skipped, allow-list checks
//! that validate a variable on one side of a branch.

use tree_sitter::Node;

use super::{Interpreter, unwrap};
use crate::dataflow::frame::{Frame, join_states};
use crate::dataflow::value::{Known, Value};
use crate::semantic::{node_text, string_literal};

impl<'t> Interpreter<'_, 't> {
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
        if !self.step() {
            return;
        }
        match node.kind() {
            "block"
            | "constructor_body"
            | "switch_block_statement_group"
            | "synchronized_statement" => {
                if node.kind() == "synchronized_statement"
                    && let Some(lock) = node.named_child(0)
                {
                    self.eval(lock, frame);
                }
                match node.child_by_field_name("body") {
                    Some(body) => self.exec_block(body, frame),
                    None => self.exec_block(node, frame),
                }
            }
            "local_variable_declaration" => {
                let mut cursor = node.walk();
                let declarators: Vec<Node<'t>> = node
                    .children_by_field_name("declarator", &mut cursor)
                    .collect();
                for declarator in declarators {
                    self.declare(declarator, frame);
                }
            }
            "expression_statement" => {
                if let Some(expr) = node.named_child(0) {
                    self.eval(expr, frame);
                }
            }
            "return_statement" => {
                if let Some(expr) = node.named_child(0) {
                    let value = self.eval(expr, frame);
                    self.check_return(expr, &value, frame);
                    frame.returns.join(&value.data_with_request());
                }
                frame.reachable = false;
            }
            "throw_statement" => {
                if let Some(expr) = node.named_child(0) {
                    self.eval(expr, frame);
                }
                frame.reachable = false;
            }
            "yield_statement" => {
                if let Some(expr) = node.named_child(0) {
                    self.eval(expr, frame);
                }
            }
            "if_statement" => self.exec_if(node, frame),
            "while_statement" | "do_statement" => {
                let condition = node.child_by_field_name("condition");
                let known = condition.and_then(|c| self.eval(c, frame).known);
                if node.kind() == "while_statement" && known == Some(Known::Bool(false)) {
                    return;
                }
                if let Some(body) = node.child_by_field_name("body") {
                    self.exec_loop(body, None, frame);
                }
            }
            "for_statement" => {
                let mut cursor = node.walk();
                let inits: Vec<Node<'t>> =
                    node.children_by_field_name("init", &mut cursor).collect();
                for init in inits {
                    if init.kind() == "local_variable_declaration" {
                        self.exec(init, frame);
                    } else {
                        self.eval(init, frame);
                    }
                }
                if let Some(condition) = node.child_by_field_name("condition") {
                    self.eval(condition, frame);
                }
                let mut cursor = node.walk();
                let updates: Vec<Node<'t>> =
                    node.children_by_field_name("update", &mut cursor).collect();
                if let Some(body) = node.child_by_field_name("body") {
                    self.exec_loop(body, Some(&updates), frame);
                }
            }
            "enhanced_for_statement" => {
                let iterable = node
                    .child_by_field_name("value")
                    .map(|v| self.eval(v, frame))
                    .unwrap_or_default();
                let element = self.elements(&iterable);
                if let Some(name) = node.child_by_field_name("name") {
                    let name = node_text(name, self.text).to_string();
                    frame.env.insert(name, element);
                }
                if let Some(body) = node.child_by_field_name("body") {
                    self.exec_loop(body, None, frame);
                }
            }
            "try_statement" | "try_with_resources_statement" => self.exec_try(node, frame),
            "switch_expression" | "switch_statement" => {
                self.eval(node, frame);
            }
            "labeled_statement" => {
                if let Some(inner) = node.named_children(&mut node.walk()).last() {
                    self.exec(inner, frame);
                }
            }
            "explicit_constructor_invocation" => {
                if let Some(args) = node.child_by_field_name("arguments") {
                    let mut cursor = args.walk();
                    let list: Vec<Node<'t>> = args.named_children(&mut cursor).collect();
                    for a in list {
                        self.eval(a, frame);
                    }
                }
            }
            "local_class_declaration"
            | "class_declaration"
            | "record_declaration"
            | "enum_declaration"
            | "interface_declaration" => {}
            "break_statement" | "continue_statement" => frame.reachable = false,
            kind if kind.ends_with("_expression") || kind == "method_invocation" => {
                self.eval(node, frame);
            }
            _ => {}
        }
    }

    /// `T x = value;`
    fn declare(&mut self, declarator: Node<'t>, frame: &mut Frame) {
        let text = self.text;
        let Some(name) = declarator.child_by_field_name("name") else {
            return;
        };
        let name = node_text(name, text).to_string();
        self.forget_container(&name, frame);
        let Some(value_node) = declarator.child_by_field_name("value") else {
            frame.env.insert(name, Value::default());
            return;
        };
        self.bind_value(&name, value_node, frame);
    }

    /// Binds `name` to what `value_node` evaluates to: containers created
    /// empty or from literal elements keep their entries apart.
    pub(super) fn bind_value(&mut self, name: &str, value_node: Node<'t>, frame: &mut Frame) {
        let inner = unwrap(value_node);
        let written = node_text(inner, self.text);
        self.resolved_paths.retain(|p| p != name);
        if RESOLVING.iter().any(|m| written.contains(m)) {
            self.resolved_paths.push(name.to_string());
        }
        if self.is_response_writer(inner) {
            self.writers.push(name.to_string());
        } else {
            self.writers.retain(|w| w != name);
        }
        if let Some(entries) = self.container_literal(inner, frame) {
            self.forget_container(name, frame);
            frame.containers.insert(name.to_string());
            let mut wild = Value::default();
            for (key, value) in entries {
                match key {
                    Some(k) => {
                        frame.env.insert(entry_key(name, &k), value);
                    }
                    None => wild.join(&value),
                }
            }
            frame.env.insert(name.to_string(), wild);
            return;
        }
        let value = self.eval(value_node, frame);
        frame.env.insert(name.to_string(), value);
    }

    /// Drops the constant-key entries of a variable being rebound.
    pub(super) fn forget_container(&mut self, name: &str, frame: &mut Frame) {
        if frame.containers.remove(name) {
            let prefix = entry_key(name, "");
            frame.env.retain(|k, _| !k.starts_with(&prefix));
        }
    }

    fn exec_if(&mut self, node: Node<'t>, frame: &mut Frame) {
        let Some(condition) = node.child_by_field_name("condition") else {
            return;
        };
        let known = self.eval(condition, frame).known;
        let consequence = node.child_by_field_name("consequence");
        let alternative = node.child_by_field_name("alternative");
        match known {
            Some(Known::Bool(true)) => {
                if let Some(c) = consequence {
                    self.exec(c, frame);
                }
                return;
            }
            Some(Known::Bool(false)) => {
                if let Some(a) = alternative {
                    self.exec(a, frame);
                }
                return;
            }
            _ => {}
        }
        let (when_true, when_false) = self.validated(condition, frame);
        let before = frame.state();
        self.sanitize_names(&when_true, frame);
        if let Some(c) = consequence {
            self.exec(c, frame);
        }
        let after_true = frame.state();
        frame.restore(before);
        self.sanitize_names(&when_false, frame);
        if let Some(a) = alternative {
            self.exec(a, frame);
        }
        let after_false = frame.state();
        frame.restore(join_states(vec![after_true, after_false]));
    }

    fn sanitize_names(&mut self, names: &[String], frame: &mut Frame) {
        let all = self.all_slots();
        for name in names {
            if let Some(value) = frame.env.get(name).cloned() {
                frame.env.insert(name.clone(), value.sanitized(all));
            }
        }
    }

    /// Runs a loop body twice (a value assigned late in the body reaches
    /// its start on the next turn), then joins with not running it.
    fn exec_loop(&mut self, body: Node<'t>, updates: Option<&[Node<'t>]>, frame: &mut Frame) {
        let before = frame.state();
        for _ in 0..2 {
            self.exec(body, frame);
            frame.reachable = true;
            for update in updates.unwrap_or(&[]) {
                self.eval(*update, frame);
            }
        }
        let after = frame.state();
        frame.restore(join_states(vec![before, after]));
        frame.reachable = true;
    }

    fn exec_try(&mut self, node: Node<'t>, frame: &mut Frame) {
        if let Some(resources) = node.child_by_field_name("resources") {
            let mut cursor = resources.walk();
            let list: Vec<Node<'t>> = resources.named_children(&mut cursor).collect();
            for resource in list {
                match (
                    resource.child_by_field_name("name"),
                    resource.child_by_field_name("value"),
                ) {
                    (Some(name), Some(value)) => {
                        let name = node_text(name, self.text).to_string();
                        self.bind_value(&name, value, frame);
                    }
                    _ => {
                        self.eval(resource, frame);
                    }
                }
            }
        }
        let before = frame.state();
        if let Some(body) = node.child_by_field_name("body") {
            self.exec(body, frame);
        }
        let after_body = frame.state();
        let mut ends = vec![after_body.clone()];
        let mut cursor = node.walk();
        let clauses: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        let mut finally = None;
        for clause in clauses {
            match clause.kind() {
                "catch_clause" => {
                    // The exception may come from anywhere in the body.
                    let mut entry = join_states(vec![before.clone(), {
                        let mut s = after_body.clone();
                        s.2 = true;
                        s
                    }]);
                    entry.2 = true;
                    frame.restore(entry);
                    if let Some(body) = clause.child_by_field_name("body") {
                        self.exec(body, frame);
                    }
                    ends.push(frame.state());
                }
                "finally_clause" => finally = clause.named_child(0),
                _ => {}
            }
        }
        frame.restore(join_states(ends));
        if let Some(block) = finally {
            let reachable = frame.reachable;
            frame.reachable = true;
            self.exec(block, frame);
            frame.reachable = reachable && frame.reachable;
        }
    }

    /// Variables a condition proves safe when it holds and when it does
    /// not: allow-list membership, equality with a literal, a whole-string
    /// regex match, a path checked to stay inside a directory, a name
    /// checked for `..`.
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
                match condition.child_by_field_name("operand") {
                    Some(inner) => {
                        let (t, f) = self.validated(inner, frame);
                        (f, t)
                    }
                    None => none(),
                }
            }
            "binary_expression" => {
                let (Some(left), Some(operator), Some(right)) = (
                    condition.child_by_field_name("left"),
                    condition.child_by_field_name("operator"),
                    condition.child_by_field_name("right"),
                ) else {
                    return none();
                };
                match node_text(operator, text) {
                    "&&" => {
                        let (lt, lf) = self.validated(left, frame);
                        let (rt, rf) = self.validated(right, frame);
                        (
                            [lt, rt].concat(),
                            lf.into_iter().filter(|n| rf.contains(n)).collect(),
                        )
                    }
                    "||" => {
                        let (lt, lf) = self.validated(left, frame);
                        let (rt, rf) = self.validated(right, frame);
                        (
                            lt.into_iter().filter(|n| rt.contains(n)).collect(),
                            [lf, rf].concat(),
                        )
                    }
                    _ => none(),
                }
            }
            "method_invocation" => {
                let Some(method) = condition.child_by_field_name("name") else {
                    return none();
                };
                let method = node_text(method, text);
                let object = condition.child_by_field_name("object").map(unwrap);
                let args: Vec<Node<'t>> = crate::detectors::java::call_args(condition);
                let subject_of = |n: Node<'t>| innermost_variable(n, text);
                match method {
                    // `ALLOWED.contains(x)`, `allowed.containsKey(x)`.
                    "contains" | "containsKey" | "containsValue" => {
                        let Some(first) = args.first() else {
                            return none();
                        };
                        // `name.contains("..")`: the name is rejected when it holds.
                        if let Some(needle) = string_literal(*first, text) {
                            if (needle.contains("..") || needle == "/" || needle == "\\")
                                && let Some(name) = object.and_then(subject_of)
                            {
                                return (Vec::new(), vec![name]);
                            }
                            return none();
                        }
                        // The collection must not itself be input.
                        let collection_safe =
                            object.is_some_and(|o| !self.peek(o, frame).is_tainted());
                        match (collection_safe, subject_of(*first)) {
                            (true, Some(name)) => (vec![name], Vec::new()),
                            _ => none(),
                        }
                    }
                    "equals" | "equalsIgnoreCase" => {
                        let Some(first) = args.first() else {
                            return none();
                        };
                        let (subject, other) = match object {
                            Some(o) if string_literal(o, text).is_some() || self.is_constant(o) => {
                                (Some(*first), o)
                            }
                            Some(o) => (Some(o), *first),
                            None => (None, *first),
                        };
                        if string_literal(other, text).is_none() && !self.is_constant(other) {
                            return none();
                        }
                        match subject.and_then(subject_of) {
                            Some(name) => (vec![name], Vec::new()),
                            None => none(),
                        }
                    }
                    // `x.matches("[a-z]+")`: Java matches the whole string.
                    "matches" => {
                        let Some(regex) = args.first().and_then(|a| string_literal(*a, text))
                        else {
                            return none();
                        };
                        if !restrictive_regex(&regex) {
                            return none();
                        }
                        match object.and_then(subject_of) {
                            Some(name) => (vec![name], Vec::new()),
                            None => none(),
                        }
                    }
                    "isNumeric" | "isAlphanumeric" | "isAlpha" | "isDigits" | "isCreatable"
                    | "isValid" | "isValidFileName" => {
                        match args.first().copied().and_then(subject_of) {
                            Some(name) => (vec![name], Vec::new()),
                            None => none(),
                        }
                    }
                    // `file.getCanonicalPath().startsWith(base)`.
                    "startsWith" => {
                        let Some(o) = object else {
                            return none();
                        };
                        let written = node_text(o, text);
                        let resolved = RESOLVING.iter().any(|m| written.contains(m))
                            || self.resolved_paths.iter().any(|p| p == written);
                        match (resolved, subject_of(o)) {
                            (true, Some(name)) => (vec![name], Vec::new()),
                            _ => none(),
                        }
                    }
                    _ => none(),
                }
            }
            _ => none(),
        }
    }

    fn is_constant(&self, node: Node<'t>) -> bool {
        let node = unwrap(node);
        match node.kind() {
            "identifier" => self.constants.contains_key(node_text(node, self.text)),
            "field_access" => node.child_by_field_name("field").is_some_and(|f| {
                node_text(f, self.text)
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
            }),
            _ => false,
        }
    }

    /// What `return expr` of a web handler does: Spring's `"redirect:"`
    /// view names are redirects.
    fn check_return(&mut self, expr: Node<'t>, value: &Value, frame: &mut Frame) {
        if !frame.route || !value.is_tainted() {
            return;
        }
        if !starts_with_literal(expr, self.text, "redirect:") {
            return;
        }
        self.check_sinks(
            expr,
            &["redirect:".to_string()],
            None,
            &[(expr, value.clone())],
            None,
            frame,
        );
    }
}

/// Calls that resolve `..` in a path.
const RESOLVING: &[&str] = &[
    "normalize",
    "getCanonicalPath",
    "toRealPath",
    "getCanonicalFile",
];

/// The variable a condition is about: `x`, `x.trim()`, `this.x`,
/// `file.getCanonicalPath()` -> `file`.
fn innermost_variable(node: Node<'_>, text: &str) -> Option<String> {
    let node = unwrap(node);
    match node.kind() {
        "identifier" => Some(node_text(node, text).to_string()),
        "method_invocation" => innermost_variable(node.child_by_field_name("object")?, text),
        "object_creation_expression" => {
            let args = crate::detectors::java::call_args(node);
            args.last().and_then(|a| innermost_variable(*a, text))
        }
        _ => None,
    }
}

/// A regex that admits no path separators, quotes or line breaks beyond
/// what its classes list (`[a-zA-Z0-9_-]+`, `\\d{4}`).
fn restrictive_regex(regex: &str) -> bool {
    !regex.contains(".*")
        && !regex.contains(".+")
        && !regex.contains("\\S")
        && !regex.contains("[^")
        && !regex.contains("\\W")
}

/// Whether an expression is string building that starts with `literal`.
pub(super) fn starts_with_literal(node: Node<'_>, text: &str, literal: &str) -> bool {
    let node = unwrap(node);
    match node.kind() {
        "string_literal" => string_literal(node, text).is_some_and(|s| s.starts_with(literal)),
        "binary_expression" => node
            .child_by_field_name("left")
            .is_some_and(|l| starts_with_literal(l, text, literal)),
        _ => false,
    }
}

/// The environment key of a constant-key entry of a container.
pub(super) fn entry_key(container: &str, key: &str) -> String {
    format!("{container}\u{0}{key}")
}
