//! The taint engine for JavaScript and TypeScript: an abstract interpreter
//! over the tree-sitter tree, like the Python one.
//!
//! Named functions (declarations, functions bound to a name, class and
//! object methods) are run with their parameters as symbolic inputs, which
//! gives their summaries; the module is run last and, with it, every
//! anonymous function where it appears (route handlers, callbacks), with
//! the variables it closes over. Callbacks of element-wise methods and of
//! `then` receive what their receiver carries. Web handlers are found by
//! their framework (Express, Koa, Fastify, Hapi, Next.js, NestJS, Node's
//! `http`), Lambda handlers by their `event`, socket handlers by the event
//! they listen to, and browser code reads the location, the referrer,
//! cookies and `postMessage` data.

mod expr;
mod sinks;
pub mod sources;
mod stmt;

use std::collections::HashMap;

use tree_sitter::Node;

use super::frame::{Frame, Reporter, Summary};
use super::value::{Hop, Origin, Taint, Value};
use super::{ActiveSpec, Options, TaintFinding, Threat};
use crate::lang::JsField;
use crate::semantic::{SemanticModel, node_text};

/// Rounds of summary computation before the reporting round.
const SUMMARY_ROUNDS: usize = 3;

/// Expression evaluations allowed per file, so that deeply nested
/// callbacks run inline cannot make a file take unbounded time.
const STEP_BUDGET: usize = 2_000_000;

/// Runs every active taint spec over a JavaScript or TypeScript file.
pub fn analyze(
    root: Node<'_>,
    text: &str,
    semantic: &SemanticModel,
    specs: &[ActiveSpec],
    options: Options<'_>,
) -> Vec<TaintFinding> {
    if specs.is_empty() || !may_read_input(text, semantic, options) {
        return Vec::new();
    }
    let mut interpreter = Interpreter::new(root, text, semantic, specs, options);
    interpreter.run();
    interpreter.report.findings
}

/// Whether a file can read input at all (findings start at a source).
fn may_read_input(text: &str, semantic: &SemanticModel, options: Options<'_>) -> bool {
    const WORDS: &[&[u8]] = &[
        b"req",
        b"ctx",
        b"event",
        b"location",
        b"document.",
        b"message",
        b"window.name",
        b"@Body",
        b"@Query",
        b"@Param",
        b"@Headers",
    ];
    options.local_threats
        || options.rules.has_sources()
        || semantic.imports_any(sources::WEB_FRAMEWORKS)
        || WORDS
            .iter()
            .any(|w| memchr::memmem::find(text.as_bytes(), w).is_some())
}

/// What the caller knows about the parameters of a function it hands over.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Callback {
    /// Nothing: the parameters are whatever the callee passes.
    Plain,
    /// A handler registered for a web route or middleware.
    Route,
    /// A socket message handler: its parameters are the message.
    Message,
    /// A browser `message` event handler.
    PostMessage,
}

/// A named function of the file.
struct Function<'t> {
    node: Node<'t>,
    name: String,
    class: Option<String>,
    params: Vec<Node<'t>>,
}

struct Interpreter<'a, 't> {
    root: Node<'t>,
    text: &'t str,
    semantic: &'a SemanticModel,
    specs: &'a [ActiveSpec],
    options: Options<'a>,
    /// The file imports a web framework.
    web: bool,
    /// The file imports Koa, whose handlers take `ctx`.
    koa: bool,
    /// Slots of the specs for which only line breaks are dangerous.
    line_break_slots: u64,
    functions: Vec<Function<'t>>,
    by_name: HashMap<String, usize>,
    by_node: HashMap<usize, usize>,
    summaries: Vec<Summary>,
    globals: HashMap<String, Value>,
    report: Reporter<'a, 't>,
    /// Functions being run, to stop at recursion.
    active: Vec<usize>,
    /// Expression evaluations left.
    budget: usize,
    /// What the next callback's first parameter receives (the elements of
    /// a tainted array for `forEach`).
    callback_input: Option<Value>,
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
            root,
            text,
            semantic,
            specs,
            options,
            web: semantic.imports_any(sources::WEB_FRAMEWORKS),
            koa: semantic.imports_any(&["koa", "@koa/router", "koa-router"]),
            line_break_slots: specs
                .iter()
                .enumerate()
                .filter(|(_, active)| active.spec.line_breaks_only)
                .fold(0, |mask, (slot, _)| mask | (1 << slot)),
            functions: Vec::new(),
            by_name: HashMap::new(),
            by_node: HashMap::new(),
            summaries: Vec::new(),
            globals: HashMap::new(),
            report: Reporter::new(root, text, semantic, specs, options),
            active: Vec::new(),
            budget: STEP_BUDGET,
            callback_input: None,
        };
        interpreter.collect_functions(root, None, None);
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
        self.run_module();
        for i in 0..self.functions.len() {
            self.run_function(i);
        }
    }

    /// Runs the module's top-level statements (and the callbacks they
    /// register); what they bind is visible to functions.
    fn run_module(&mut self) {
        let mut frame = Frame::new(None, false);
        self.exec_block(self.root, &mut frame);
        self.globals = frame.env;
    }

    fn run_function(&mut self, index: usize) -> Summary {
        let function = &self.functions[index];
        let node = function.node;
        let params = function.params.clone();
        let mut frame = Frame::new(function.class.clone(), false);
        self.bind_params(node, &params, Callback::Plain, true, &mut frame);
        self.active.push(index);
        self.exec_body(node, &mut frame);
        self.active.pop();
        Summary {
            returns: frame.returns,
            sinks: frame.sinks,
        }
    }

    /// Runs a function's body: a block, or the expression of an arrow
    /// function (its value is returned).
    fn exec_body(&mut self, function: Node<'t>, frame: &mut Frame) {
        let Some(body) = function.js_field("body") else {
            return;
        };
        if body.kind() == "statement_block" {
            self.exec_block(body, frame);
        } else {
            let value = self.eval(body, frame);
            frame.returns.join(&value);
        }
    }

    /// Binds the parameters of a function being run: symbolic inputs for a
    /// summary, request objects and input for handlers.
    fn bind_params(
        &mut self,
        function: Node<'t>,
        params: &[Node<'t>],
        context: Callback,
        symbolic: bool,
        frame: &mut Frame,
    ) {
        let text = self.text;
        let names: Vec<String> = params
            .iter()
            .map(|p| param_name(*p, text).unwrap_or_default())
            .collect();
        let second = names.get(1).map(String::as_str).unwrap_or("");
        let handler_pair = matches!(second, "res" | "response" | "reply" | "h" | "resp");
        let exported_route = self.is_exported_route(function);
        let mut callback_input = self.callback_input.take();
        for (i, param) in params.iter().enumerate() {
            let name = names[i].as_str();
            let mut value = Value::default();
            if symbolic && let Ok(p) = u8::try_from(i) {
                value.taints.push(Taint {
                    origin: Origin::Param(p),
                    hop: Hop::start(param.byte_range(), format!("parameter `{name}`")),
                    safe: 0,
                });
            }
            if i == 0
                && let Some(input) = callback_input.take()
            {
                value.join(&input);
            }
            let typed = type_annotation(*param, text);
            let request = typed.is_some_and(is_request_type)
                || (i == 0
                    && ((matches!(name, "req" | "request")
                        && (handler_pair
                            || context == Callback::Route
                            || self.web
                            || exported_route))
                        || (matches!(name, "ctx" | "context")
                            && (self.koa || context == Callback::Route)
                            && typed.is_none_or(|t| t.contains("Context")))));
            if request {
                value.request = Some(Hop::start(param.byte_range(), format!("request `{name}`")));
            }
            let source = if let Some(what) = nest_decorator(*param, text) {
                Some(what)
            } else if i == 0 && name == "event" && (second == "context" || second == "ctx") {
                Some("the Lambda event")
            } else if context == Callback::Message
                && !matches!(name, "cb" | "callback" | "ack" | "fn" | "done")
            {
                Some("a socket message")
            } else if context == Callback::PostMessage && i == 0 {
                Some("a cross-origin message")
            } else {
                None
            };
            if let Some(what) = source {
                let mut input = Value::source(
                    Threat::Remote,
                    Hop::start(param.byte_range(), format!("{what} `{name}`")),
                );
                // The browser's console is not a log file.
                if context == Callback::PostMessage {
                    input = input.sanitized(self.line_break_slots);
                }
                value.join(&input);
            }
            self.bind_pattern(*param, value, frame);
        }
    }

    /// Next.js route handlers: exported functions named after HTTP methods.
    fn is_exported_route(&self, function: Node<'t>) -> bool {
        let Some(name) = function.js_field("name") else {
            return false;
        };
        matches!(
            node_text(name, self.text),
            "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS"
        ) && function
            .parent()
            .is_some_and(|p| p.kind() == "export_statement")
    }

    /// Finds the named functions of the file.
    fn collect_functions(&mut self, node: Node<'t>, class: Option<&str>, object: Option<&str>) {
        let text = self.text;
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "function_declaration" | "generator_function_declaration" => {
                    if let Some(name) = child.js_field("name") {
                        self.add_function(child, node_text(name, text).to_string(), None);
                    }
                    self.collect_nested(child);
                }
                "class_declaration" | "abstract_class_declaration" | "class" => {
                    let name = child
                        .js_field("name")
                        .map(|n| node_text(n, text).to_string());
                    if let Some(body) = child.js_field("body") {
                        self.collect_functions(body, name.as_deref().or(Some("")), None);
                    }
                }
                "method_definition" => {
                    if let Some(name) = child.js_field("name") {
                        let name = node_text(name, text);
                        let key = match (class, object) {
                            (Some(c), _) => format!("{c}.{name}"),
                            (None, Some(o)) => format!("{o}.{name}"),
                            (None, None) => name.to_string(),
                        };
                        self.add_function(child, key, class.map(str::to_string));
                    }
                    self.collect_nested(child);
                }
                "variable_declarator" => {
                    let (Some(name), Some(value)) =
                        (child.js_field("name"), child.js_field("value"))
                    else {
                        self.collect_functions(child, None, None);
                        continue;
                    };
                    let value = unwrap(value);
                    if name.kind() == "identifier" && is_function(value) {
                        self.add_function(value, node_text(name, text).to_string(), None);
                        self.collect_nested(value);
                    } else if name.kind() == "identifier" && value.kind() == "object" {
                        self.collect_functions(value, None, Some(node_text(name, text)));
                    } else {
                        self.collect_functions(child, None, None);
                    }
                }
                "pair" => {
                    let (Some(key), Some(value)) = (child.js_field("key"), child.js_field("value"))
                    else {
                        continue;
                    };
                    let value = unwrap(value);
                    if is_function(value) && object.is_some() {
                        let key = format!("{}.{}", object.unwrap_or(""), node_text(key, text));
                        self.add_function(value, key, None);
                        self.collect_nested(value);
                    } else {
                        self.collect_functions(child, None, None);
                    }
                }
                "public_field_definition" | "field_definition" => {
                    // `handler = (req, res) => {...}` in a class body.
                    let name = child
                        .js_field("name")
                        .or_else(|| child.js_field("property"));
                    let value = child.js_field("value").map(unwrap);
                    if let (Some(name), Some(value), Some(c)) = (name, value, class)
                        && is_function(value)
                    {
                        let key = format!("{c}.{}", node_text(name, text));
                        self.add_function(value, key, Some(c.to_string()));
                        self.collect_nested(value);
                    }
                }
                // Anonymous functions run where they appear; their own
                // named functions are still collected.
                "arrow_function" | "function_expression" | "function" => self.collect_nested(child),
                _ => self.collect_functions(child, class, object),
            }
        }
    }

    fn collect_nested(&mut self, function: Node<'t>) {
        if let Some(body) = function.js_field("body") {
            self.collect_functions(body, None, None);
        }
    }

    fn add_function(&mut self, node: Node<'t>, name: String, class: Option<String>) {
        let params = function_params(node);
        let index = self.functions.len();
        self.by_name.entry(name.clone()).or_insert(index);
        if let Some(short) = name.rsplit('.').next()
            && short != name
        {
            self.by_name.entry(format!(".{short}")).or_insert(index);
        }
        self.by_node.insert(node.id(), index);
        self.functions.push(Function {
            node,
            name,
            class,
            params,
        });
    }

    /// Spends one step of the budget; false when the file's budget is
    /// exhausted (the rest of the file is not interpreted).
    fn step(&mut self) -> bool {
        if self.budget == 0 || crate::budget::exceeded() {
            return false;
        }
        self.budget -= 1;
        true
    }
}

/// Whether a node is a function value.
fn is_function(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "arrow_function" | "function_expression" | "function" | "generator_function"
    )
}

/// The parameter nodes of a function (the single unparenthesised
/// parameter of an arrow function included).
fn function_params(function: Node<'_>) -> Vec<Node<'_>> {
    if let Some(single) = function.js_field("parameter") {
        return vec![single];
    }
    let Some(list) = function.js_field("parameters") else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter(|p| p.kind() != "comment" && p.kind() != "decorator")
        .collect()
}

/// The name a simple parameter binds (`req`, `req: Request`, `req = {}`).
fn param_name(param: Node<'_>, text: &str) -> Option<String> {
    let inner = match param.kind() {
        "required_parameter" | "optional_parameter" => param.js_field("pattern")?,
        "assignment_pattern" => param.js_field("left")?,
        _ => param,
    };
    (inner.kind() == "identifier").then(|| node_text(inner, text).to_string())
}

/// The type annotation of a TypeScript parameter, as written.
fn type_annotation<'t>(param: Node<'_>, text: &'t str) -> Option<&'t str> {
    let annotation = param.js_field("type")?;
    Some(node_text(annotation, text).trim_start_matches(':').trim())
}

fn is_request_type(annotation: &str) -> bool {
    let base = annotation.split('<').next().unwrap_or("").trim();
    let base = base.rsplit('.').next().unwrap_or(base);
    matches!(
        base,
        "Request"
            | "NextRequest"
            | "NextApiRequest"
            | "FastifyRequest"
            | "IncomingMessage"
            | "ExpressRequest"
            | "HttpRequest"
    ) || (base.ends_with("Request") && annotation.contains("express"))
}

/// NestJS parameter decorators that inject request input
/// (`@Body() dto`, `@Query('q') q`).
fn nest_decorator(param: Node<'_>, text: &str) -> Option<&'static str> {
    let mut cursor = param.walk();
    let decorator = param
        .named_children(&mut cursor)
        .find(|c| c.kind() == "decorator")?;
    let written = node_text(decorator, text);
    let name = written
        .trim_start_matches('@')
        .split(['(', ' '])
        .next()
        .unwrap_or("");
    match name {
        "Body" => Some("the request body"),
        "Query" => Some("the query string"),
        "Param" => Some("a route parameter"),
        "Headers" => Some("the request headers"),
        "UploadedFile" | "UploadedFiles" => Some("an uploaded file"),
        _ => None,
    }
}

/// The expression inside parentheses and TypeScript-only wrappers.
fn unwrap(mut node: Node<'_>) -> Node<'_> {
    while matches!(
        node.kind(),
        "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
    ) {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The dotted path of a simple reference (`x`, `this.name`, `a.b.c`,
/// `a["b"]`), used as an environment key.
fn reference_path(node: Node<'_>, text: &str) -> Option<String> {
    let node = unwrap(node);
    match node.kind() {
        "identifier" | "this" | "shorthand_property_identifier" => {
            Some(node_text(node, text).to_string())
        }
        "member_expression" => {
            let object = reference_path(node.js_field("object")?, text)?;
            let property = node.js_field("property")?;
            if property.kind() == "private_property_identifier" {
                return Some(format!("{object}.{}", node_text(property, text)));
            }
            Some(format!("{object}.{}", node_text(property, text)))
        }
        "subscript_expression" => {
            let object = reference_path(node.js_field("object")?, text)?;
            let index = node.js_field("index")?;
            let key = crate::semantic::string_literal(index, text)?;
            Some(format!("{object}.{key}"))
        }
        _ => None,
    }
}
