//! The taint engine for Java: an abstract interpreter over the tree-sitter
//! tree, like the Python and JavaScript ones.
//!
//! Every method and constructor of the file (inner classes included) is
//! run with its parameters as symbolic inputs, which gives its summary;
//! the reporting round runs them again with the parameters that a web
//! framework fills from the request (Servlet request objects, Spring MVC
//! and JAX-RS annotated parameters, Lambda handler input, WebSocket
//! messages) bound to input. Declared types tell which sinks a call
//! reaches (`Statement.executeQuery`); lambdas and anonymous classes run
//! where they appear, with the variables they capture. Collections keep
//! apart entries with constant keys and list elements at constant
//! positions; constant conditions prune dead branches.

mod expr;
mod sinks;
pub mod sources;
mod stmt;

use std::collections::HashMap;

use tree_sitter::Node;

use super::frame::{Frame, Reporter, Summary};
use super::value::{Hop, Known, Origin, Taint, Value};
use super::{ActiveSpec, Options, TaintFinding, Threat};
use crate::semantic::{SemanticModel, node_text, string_literal};
use sources::{
    FRAMEWORK_PARAMETER_TYPES, HANDLER_ANNOTATIONS, INERT_TYPES, PARAMETER_ANNOTATIONS,
    REQUEST_TYPES,
};

/// Rounds of summary computation before the reporting round.
const SUMMARY_ROUNDS: usize = 3;

/// Expression evaluations allowed per file.
const STEP_BUDGET: usize = 2_000_000;

/// Runs every active taint spec over a Java file.
pub fn analyze(
    root: Node<'_>,
    text: &str,
    semantic: &SemanticModel,
    specs: &[ActiveSpec],
    options: Options<'_>,
) -> Vec<TaintFinding> {
    if specs.is_empty() || !may_read_input(text, options) {
        return Vec::new();
    }
    let mut interpreter = Interpreter::new(root, text, semantic, specs, options);
    interpreter.run();
    interpreter.report.findings
}

/// Whether a file can read input at all (findings start at a source).
fn may_read_input(text: &str, options: Options<'_>) -> bool {
    const WORDS: &[&[u8]] = &[
        b"Request",
        b"Param",
        b"Header",
        b"Cookie",
        b"Mapping",
        b"handleRequest",
        b"Payload",
        b"OnMessage",
        b"Part",
        b"MultipartFile",
        b"UriInfo",
        b"HttpExchange",
        b"FileItem",
        b"@ModelAttribute",
    ];
    options.local_threats
        || options.rules.has_sources()
        || WORDS
            .iter()
            .any(|w| memchr::memmem::find(text.as_bytes(), w).is_some())
}

/// A method or constructor of the file.
struct Function<'t> {
    node: Node<'t>,
    name: String,
    class: Option<String>,
    params: Vec<Node<'t>>,
    varargs: bool,
}

struct Interpreter<'a, 't> {
    text: &'t str,
    semantic: &'a SemanticModel,
    specs: &'a [ActiveSpec],
    options: Options<'a>,
    /// Slots of the specs for which only line breaks are dangerous.
    line_break_slots: u64,
    functions: Vec<Function<'t>>,
    /// `name` and `Class.name` -> functions of that name.
    by_name: HashMap<String, Vec<usize>>,
    summaries: Vec<Summary>,
    /// Classes declared in the file.
    classes: Vec<String>,
    /// Field name -> declared type node (every class of the file).
    field_types: HashMap<String, Node<'t>>,
    /// Constants: `static final` fields initialised with a literal.
    constants: HashMap<String, Known>,
    /// Input stored in fields, visible to every method.
    fields: HashMap<String, Value>,
    /// The declared types of the current method's variables.
    types: HashMap<String, Node<'t>>,
    /// Variables holding a response's writer or output stream.
    writers: Vec<String>,
    /// Variables holding a normalized or canonical path.
    resolved_paths: Vec<String>,
    report: Reporter<'a, 't>,
    /// Functions being run, to stop at recursion.
    active: Vec<usize>,
    budget: usize,
    /// Expressions being evaluated, nested.
    depth: usize,
}

impl<'a, 't> Interpreter<'a, 't> {
    fn new(
        root: Node<'t>,
        text: &'t str,
        semantic: &'a SemanticModel,
        specs: &'a [ActiveSpec],
        options: Options<'a>,
    ) -> Self {
        let mut interpreter = Interpreter {
            text,
            semantic,
            specs,
            options,
            line_break_slots: specs
                .iter()
                .enumerate()
                .filter(|(_, active)| active.spec.line_breaks_only)
                .fold(0, |mask, (slot, _)| mask | (1 << slot)),
            functions: Vec::new(),
            by_name: HashMap::new(),
            summaries: Vec::new(),
            classes: Vec::new(),
            field_types: HashMap::new(),
            constants: HashMap::new(),
            fields: HashMap::new(),
            types: HashMap::new(),
            writers: Vec::new(),
            resolved_paths: Vec::new(),
            report: Reporter::new(root, text, semantic, specs, options),
            active: Vec::new(),
            budget: STEP_BUDGET,
            depth: 0,
        };
        interpreter.collect(root, None);
        interpreter.summaries = vec![Summary::default(); interpreter.functions.len()];
        interpreter
    }

    fn run(&mut self) {
        for _ in 0..SUMMARY_ROUNDS {
            let mut changed = false;
            for i in 0..self.functions.len() {
                let summary = self.run_function(i);
                if summary.signature() != self.summaries[i].signature() {
                    changed = true;
                }
                self.summaries[i] = summary;
            }
            if !changed {
                break;
            }
        }
        self.report.collecting = true;
        for i in 0..self.functions.len() {
            self.run_function(i);
        }
    }

    fn run_function(&mut self, index: usize) -> Summary {
        let function = &self.functions[index];
        let node = function.node;
        let params = function.params.clone();
        let class = function.class.clone();
        let route = is_handler(node, self.text);
        let mut frame = Frame::new(class, route);
        self.types = self.local_types(node);
        self.writers.clear();
        self.resolved_paths.clear();
        self.bind_params(node, &params, route, &mut frame);
        self.active.push(index);
        if let Some(body) = node.child_by_field_name("body") {
            self.exec_block(body, &mut frame);
        }
        self.active.pop();
        Summary {
            returns: frame.returns,
            sinks: frame.sinks,
        }
    }

    /// Binds the parameters of a function: symbolic inputs for its
    /// summary, and request input where a framework fills them.
    fn bind_params(
        &mut self,
        function: Node<'t>,
        params: &[Node<'t>],
        route: bool,
        frame: &mut Frame,
    ) {
        let text = self.text;
        let lambda_handler = self.is_lambda_handler(function, params);
        let main = is_main(function, text);
        for (i, param) in params.iter().enumerate() {
            let Some(name) = param
                .child_by_field_name("name")
                .or_else(|| last_identifier(*param))
            else {
                continue;
            };
            let name = node_text(name, text).to_string();
            let mut value = Value::default();
            if let Ok(p) = u8::try_from(i) {
                value.taints.push(Taint {
                    origin: Origin::Param(p),
                    hop: Hop::start(param.byte_range(), format!("parameter `{name}`")),
                    safe: 0,
                });
            }
            let type_name = param
                .child_by_field_name("type")
                .map(|t| base_type(node_text(t, text)))
                .unwrap_or_default();
            if REQUEST_TYPES.contains(&type_name.as_str()) && type_name != "Part" {
                value.request = Some(Hop::start(param.byte_range(), format!("request `{name}`")));
            }
            let inert = INERT_TYPES.contains(&type_name.as_str());
            let source: Option<(Threat, String)> =
                if let Some(what) = parameter_annotation(*param, text) {
                    (!inert).then(|| (Threat::Remote, format!("{what} `{name}`")))
                } else if lambda_handler && i == 0 {
                    Some((Threat::Remote, format!("the Lambda event `{name}`")))
                } else if main && i == 0 {
                    Some((Threat::Local, format!("command-line argument `{name}`")))
                } else if route
                    && !inert
                    && value.request.is_none()
                    && !has_any_annotation(*param)
                    && !FRAMEWORK_PARAMETER_TYPES.contains(&type_name.as_str())
                    && !type_name.is_empty()
                {
                    Some((Threat::Remote, format!("request input `{name}`")))
                } else {
                    None
                };
            if let Some((threat, what)) = source {
                value.join(&Value::source(threat, Hop::start(param.byte_range(), what)));
            }
            frame.env.insert(name, value);
        }
    }

    /// `handleRequest(input, context)` of an AWS Lambda handler class.
    fn is_lambda_handler(&self, function: Node<'t>, params: &[Node<'t>]) -> bool {
        let text = self.text;
        let named = function
            .child_by_field_name("name")
            .is_some_and(|n| node_text(n, text) == "handleRequest");
        named
            && (params.len() == 2 || params.len() == 3)
            && params
                .last()
                .and_then(|p| p.child_by_field_name("type"))
                .is_some_and(|t| node_text(t, text).ends_with("Context"))
    }

    /// Finds the methods, constructors, fields and constants of the file.
    fn collect(&mut self, node: Node<'t>, class: Option<&str>) {
        let text = self.text;
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        for child in children {
            match child.kind() {
                "class_declaration"
                | "interface_declaration"
                | "enum_declaration"
                | "record_declaration" => self.collect_class(child),
                "method_declaration"
                | "constructor_declaration"
                | "compact_constructor_declaration" => {
                    let name = child
                        .child_by_field_name("name")
                        .map(|n| node_text(n, text).to_string())
                        .unwrap_or_default();
                    self.add_function(child, name, class);
                    // Inner classes of method bodies.
                    if let Some(body) = child.child_by_field_name("body") {
                        self.collect_nested(body);
                    }
                }
                "field_declaration" | "constant_declaration" => self.collect_field(child),
                // Anonymous classes run where they appear.
                "object_creation_expression" => {}
                _ => self.collect(child, class),
            }
        }
    }

    /// Local and inner classes declared inside a method body.
    fn collect_nested(&mut self, node: Node<'t>) {
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        for child in children {
            match child.kind() {
                "class_declaration" | "record_declaration" | "enum_declaration" => {
                    self.collect_class(child);
                }
                "object_creation_expression" | "lambda_expression" => {}
                _ => self.collect_nested(child),
            }
        }
    }

    /// A class, enum, record or interface, at any depth.
    fn collect_class(&mut self, declaration: Node<'t>) {
        let text = self.text;
        let name = declaration
            .child_by_field_name("name")
            .map(|n| node_text(n, text).to_string());
        if let Some(n) = &name {
            self.classes.push(n.clone());
        }
        if let Some(body) = declaration.child_by_field_name("body") {
            self.collect(body, name.as_deref());
        }
    }

    fn collect_field(&mut self, field: Node<'t>) {
        let text = self.text;
        let Some(type_node) = field.child_by_field_name("type") else {
            return;
        };
        let modifiers = field
            .named_child(0)
            .filter(|m| m.kind() == "modifiers")
            .map(|m| node_text(m, text))
            .unwrap_or("");
        let constant = field.kind() == "constant_declaration"
            || (modifiers.split_whitespace().any(|w| w == "final")
                && modifiers.split_whitespace().any(|w| w == "static"));
        let mut cursor = field.walk();
        for declarator in field.children_by_field_name("declarator", &mut cursor) {
            let Some(name) = declarator.child_by_field_name("name") else {
                continue;
            };
            let name = node_text(name, text).to_string();
            if constant
                && let Some(value) = declarator.child_by_field_name("value")
                && let Some(known) = literal_value(value, text)
            {
                self.constants.insert(name.clone(), known);
            }
            self.field_types.insert(name, type_node);
        }
    }

    fn add_function(&mut self, node: Node<'t>, name: String, class: Option<&str>) {
        let mut params = Vec::new();
        let mut varargs = false;
        if let Some(list) = node.child_by_field_name("parameters") {
            let mut cursor = list.walk();
            for p in list.named_children(&mut cursor) {
                match p.kind() {
                    "formal_parameter" => params.push(p),
                    "spread_parameter" => {
                        params.push(p);
                        varargs = true;
                    }
                    _ => {}
                }
            }
        }
        let index = self.functions.len();
        self.by_name.entry(name.clone()).or_default().push(index);
        if let Some(c) = class {
            self.by_name
                .entry(format!("{c}.{name}"))
                .or_default()
                .push(index);
        }
        self.functions.push(Function {
            node,
            name,
            class: class.map(str::to_string),
            params,
            varargs,
        });
    }

    /// The declared types of a function's parameters and locals.
    fn local_types(&self, function: Node<'t>) -> HashMap<String, Node<'t>> {
        let text = self.text;
        let mut types = HashMap::new();
        let mut stack = vec![function];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "formal_parameter"
                | "spread_parameter"
                | "catch_formal_parameter"
                | "resource"
                | "enhanced_for_statement" => {
                    if let (Some(t), Some(n)) = (
                        node.child_by_field_name("type"),
                        node.child_by_field_name("name")
                            .or_else(|| last_identifier(node)),
                    ) {
                        types.insert(node_text(n, text).to_string(), t);
                    }
                }
                "local_variable_declaration" => {
                    if let Some(t) = node.child_by_field_name("type") {
                        let mut cursor = node.walk();
                        for d in node.children_by_field_name("declarator", &mut cursor) {
                            if let Some(n) = d.child_by_field_name("name") {
                                types.insert(node_text(n, text).to_string(), t);
                            }
                        }
                    }
                }
                _ => {}
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor));
        }
        types
    }

    /// Functions of the file a call may run: by name and arity, preferring
    /// the caller's class.
    fn resolve(&self, key: &str, arity: usize) -> Option<usize> {
        let candidates = self.by_name.get(key)?;
        candidates.iter().copied().find(|&i| {
            let f = &self.functions[i];
            f.params.len() == arity || (f.varargs && arity + 1 >= f.params.len())
        })
    }

    /// Spends one step of the budget; false when the file's budget is
    /// exhausted.
    fn step(&mut self) -> bool {
        if self.budget == 0 || crate::budget::exceeded() {
            return false;
        }
        self.budget -= 1;
        true
    }

    /// The bits of every active spec.
    fn all_slots(&self) -> u64 {
        if self.specs.len() >= 64 {
            u64::MAX
        } else {
            (1u64 << self.specs.len()) - 1
        }
    }
}

/// Whether a method is a web handler: annotated as a Spring, JAX-RS or
/// WebSocket endpoint.
fn is_handler(function: Node<'_>, text: &str) -> bool {
    annotations(function, text)
        .iter()
        .any(|a| HANDLER_ANNOTATIONS.contains(&a.as_str()))
}

/// `public static void main(String[] args)`.
fn is_main(function: Node<'_>, text: &str) -> bool {
    function
        .child_by_field_name("name")
        .is_some_and(|n| node_text(n, text) == "main")
        && function
            .named_child(0)
            .filter(|m| m.kind() == "modifiers")
            .is_some_and(|m| node_text(m, text).contains("static"))
}

/// The simple names of the annotations on a declaration.
pub(super) fn annotations(declaration: Node<'_>, text: &str) -> Vec<String> {
    let Some(modifiers) = declaration
        .named_child(0)
        .filter(|m| m.kind() == "modifiers")
    else {
        return Vec::new();
    };
    let mut cursor = modifiers.walk();
    modifiers
        .named_children(&mut cursor)
        .filter(|a| matches!(a.kind(), "annotation" | "marker_annotation"))
        .filter_map(|a| a.child_by_field_name("name"))
        .map(|n| {
            let written = node_text(n, text);
            written.rsplit('.').next().unwrap_or(written).to_string()
        })
        .collect()
}

fn has_any_annotation(param: Node<'_>) -> bool {
    let Some(modifiers) = param.named_child(0).filter(|m| m.kind() == "modifiers") else {
        return false;
    };
    let mut cursor = modifiers.walk();
    modifiers
        .named_children(&mut cursor)
        .any(|a| matches!(a.kind(), "annotation" | "marker_annotation"))
}

/// What a request-binding annotation on a parameter binds.
fn parameter_annotation(param: Node<'_>, text: &str) -> Option<&'static str> {
    annotations(param, text).iter().find_map(|a| {
        PARAMETER_ANNOTATIONS
            .iter()
            .find(|(name, _)| name == a)
            .map(|(_, what)| *what)
    })
}

/// `List<String>` -> `List`, `String[]` -> `String`, `a.b.C` -> `C`.
pub(super) fn base_type(written: &str) -> String {
    let base = written.split('<').next().unwrap_or(written);
    let base = base.trim_end_matches("[]").trim_end_matches("...").trim();
    base.rsplit('.').next().unwrap_or(base).to_string()
}

/// The identifier naming a declaration when it has no `name` field.
fn last_identifier(node: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = node.walk();
    let found = node
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "identifier" || c.kind() == "variable_declarator")
        .last();
    match found {
        Some(d) if d.kind() == "variable_declarator" => d.child_by_field_name("name"),
        other => other,
    }
}

/// The constant a literal expression denotes.
pub(super) fn literal_value(node: Node<'_>, text: &str) -> Option<Known> {
    match node.kind() {
        "true" => Some(Known::Bool(true)),
        "false" => Some(Known::Bool(false)),
        "null_literal" => Some(Known::None),
        "decimal_integer_literal" => node_text(node, text)
            .replace('_', "")
            .trim_end_matches(['L', 'l'])
            .parse()
            .ok()
            .map(Known::Int),
        "string_literal" => crate::detectors::java::literal_text(node, text)
            .or_else(|| string_literal(node, text))
            .map(|s| Known::Str(s.as_str().into())),
        "parenthesized_expression" => node.named_child(0).and_then(|n| literal_value(n, text)),
        _ => None,
    }
}

/// The node inside parentheses and casts.
pub(super) fn unwrap(mut node: Node<'_>) -> Node<'_> {
    loop {
        match node.kind() {
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => node = inner,
                None => return node,
            },
            "cast_expression" => match node.child_by_field_name("value") {
                Some(inner) => node = inner,
                None => return node,
            },
            _ => return node,
        }
    }
}
