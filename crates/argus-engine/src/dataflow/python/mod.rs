//! The taint engine for Python: an abstract interpreter over the
//! tree-sitter tree, one function at a time.
//!
//! Each function is run with its parameters as symbolic inputs, which gives
//! its summary: which parameters reach which sinks, and which flow to the
//! return value. Summaries of the file's functions are computed first (a
//! few rounds, so calls between them settle), then a last round reports
//! what real sources reach. Statements update an environment of abstract
//! values; branches are joined, loops run twice, constant conditions prune
//! dead branches, and validation in a condition (`if x.isdigit():`, `if x
//! not in ALLOWED: abort(400)`) cleans the value on the path it guards.

mod expr;
mod sinks;
pub mod sources;
mod stmt;

use std::collections::HashMap;

use tree_sitter::Node;

use super::frame::{Frame, Reporter, Summary, join_states};
use super::project::{self, ExportedSink, ExportedSummary, LocatedStep, ProjectSummaries};
use super::value::{Hop, Origin, Taint, Value};
use super::{ActiveSpec, Options, Step, TaintFinding, TaintRules, Threat};
use crate::lang::PythonField;
use crate::semantic::{SemanticModel, node_text};
use crate::text::LineIndex;

/// Rounds of summary computation before the reporting round; calls nested
/// deeper than this between functions of one file are followed partly.
const SUMMARY_ROUNDS: usize = 3;

/// The file being analysed and what the rest of the project offers.
#[derive(Clone, Copy)]
pub struct FileContext<'a> {
    /// Relative to the scan root, `/`-separated.
    pub path: &'a str,
    pub project: Option<&'a ProjectSummaries>,
}

/// Runs every active taint spec over a Python file.
pub fn analyze(
    root: Node<'_>,
    text: &str,
    semantic: &SemanticModel,
    specs: &[ActiveSpec],
    options: Options<'_>,
    file: FileContext<'_>,
) -> Vec<TaintFinding> {
    if specs.is_empty() || !may_read_input(text, semantic, options, file.project) {
        return Vec::new();
    }
    let mut interpreter = Interpreter::new(root, text, semantic, specs, options);
    interpreter.project = file.project;
    interpreter.module = project::module_names(file.path)
        .into_iter()
        .next()
        .unwrap_or_default();
    interpreter.run();
    interpreter.report.findings
}

/// Whether a file can read input at all: findings start at a source, so
/// a file without any is not worth interpreting (its functions are still
/// summarised for the files that import it).
fn may_read_input(
    text: &str,
    semantic: &SemanticModel,
    options: Options<'_>,
    project: Option<&ProjectSummaries>,
) -> bool {
    options.local_threats
        || options.rules.has_sources()
        || sources::is_web_file(semantic)
        || project.is_some_and(ProjectSummaries::returns_input)
        || memchr::memmem::find(text.as_bytes(), b"event").is_some()
        || memchr::memmem::find(text.as_bytes(), b".recv").is_some()
}

/// The summaries of a module's functions, for calls from other files.
pub fn summarize(
    root: Node<'_>,
    text: &str,
    semantic: &SemanticModel,
    specs: &[ActiveSpec],
    rules: &TaintRules,
    file: FileContext<'_>,
) -> Vec<(String, ExportedSummary)> {
    if specs.is_empty() {
        return Vec::new();
    }
    let options = Options {
        local_threats: false,
        rules,
    };
    let path = file.path;
    let mut interpreter = Interpreter::new(root, text, semantic, specs, options);
    // Summaries of the modules this one imports (summarised before it)
    // make paths through several files.
    interpreter.project = file.project;
    interpreter.module = project::module_names(path)
        .into_iter()
        .next()
        .unwrap_or_default();
    interpreter.settle_summaries();
    let index = LineIndex::new(text);
    let locate_step = |step: &Step| -> LocatedStep {
        match step {
            Step::Here(range, message) => LocatedStep {
                location: index.location(path, text, range.clone()),
                message: message.clone(),
            },
            Step::There(located) => located.clone(),
        }
    };
    let mut out = Vec::new();
    for (function, summary) in interpreter.functions.iter().zip(&interpreter.summaries) {
        if function.class.is_some()
            || (summary.sinks.is_empty() && summary.returns.taints.is_empty())
        {
            continue;
        }
        let mut exported = ExportedSummary {
            params: function.params.iter().map(|p| p.name.clone()).collect(),
            ..ExportedSummary::default()
        };
        for taint in &summary.returns.taints {
            match taint.origin {
                Origin::Param(p) => exported
                    .returns
                    .push((p, project::detectors_of(taint.safe, specs))),
                Origin::Source(Threat::Remote) if exported.returns_source.is_none() => {
                    let steps: Vec<LocatedStep> = taint
                        .hop
                        .path()
                        .into_iter()
                        .map(|(r, m)| locate_step(&Step::Here(r, m)))
                        .collect();
                    let origin = taint.hop.origin().note.clone();
                    exported.returns_source = Some((origin, steps));
                }
                Origin::Source(_) => {}
            }
        }
        for sink in &summary.sinks {
            let location = index.location(path, text, sink.sink.clone());
            exported.sinks.push(ExportedSink {
                param: sink.param,
                detector: specs[sink.slot].detector,
                safe_for: project::detectors_of(sink.safe, specs),
                path: sink.path.iter().map(&locate_step).collect(),
                rule: sink.rule,
                what: sink.what.clone(),
                place: format!("{path}:{}", location.start_line),
            });
        }
        out.push((function.name.clone(), exported));
    }
    out
}

/// A function of the file.
struct Function<'t> {
    node: Node<'t>,
    name: String,
    /// The class it is a method of.
    class: Option<String>,
    params: Vec<Param<'t>>,
    /// Registered as a web route by a decorator.
    route: bool,
}

struct Param<'t> {
    name: String,
    node: Node<'t>,
    /// Remote input when the framework calls the function.
    source: Option<&'static str>,
    /// The web request object.
    request: bool,
}

struct Interpreter<'a, 't> {
    root: Node<'t>,
    text: &'t str,
    semantic: &'a SemanticModel,
    specs: &'a [ActiveSpec],
    options: Options<'a>,
    /// The file imports a web framework.
    web: bool,
    /// ... one whose views take the request as a parameter.
    request_parameters: bool,
    /// Slots of the specs for which only line breaks are dangerous.
    line_break_slots: u64,
    /// Some spec has a sink on item assignment (`.__setitem__`).
    item_sinks: bool,
    /// The file uses Starlette, whose request `url` is built decoded.
    starlette: bool,
    functions: Vec<Function<'t>>,
    /// Function name (or `Class.method`) -> index.
    by_name: HashMap<String, usize>,
    summaries: Vec<Summary>,
    /// Module-level names (constants, imported sources) seen by functions.
    globals: HashMap<String, Value>,
    report: Reporter<'a, 't>,
    /// Functions being run, to stop at recursion.
    active: Vec<usize>,
    /// Summaries of the other files of the project.
    project: Option<&'a ProjectSummaries>,
    /// This file's module path (`app.views`), for relative imports.
    module: String,
}

impl<'a, 't> Interpreter<'a, 't> {
    fn new(
        root: Node<'t>,
        text: &'t str,
        semantic: &'a SemanticModel,
        specs: &'a [ActiveSpec],
        options: Options<'a>,
    ) -> Self {
        let web = sources::is_web_file(semantic);
        let mut interpreter = Interpreter {
            root,
            text,
            semantic,
            specs,
            options,
            web,
            request_parameters: sources::takes_request_parameter(semantic),
            line_break_slots: specs
                .iter()
                .enumerate()
                .filter(|(_, active)| active.spec.line_breaks_only)
                .fold(0, |mask, (slot, _)| mask | (1 << slot)),
            item_sinks: specs
                .iter()
                .any(|s| s.spec.sinks.iter().any(|k| k.callee == ".__setitem__")),
            starlette: semantic.imports_any(&["starlette", "fastapi"]),
            functions: Vec::new(),
            by_name: HashMap::new(),
            summaries: Vec::new(),
            globals: HashMap::new(),
            report: Reporter::new(root, text, semantic, specs, options),
            active: Vec::new(),
            project: None,
            module: String::new(),
        };
        interpreter.collect_functions(root, None);
        interpreter.summaries = vec![Summary::default(); interpreter.functions.len()];
        interpreter
    }

    fn run(&mut self) {
        self.settle_summaries();
        self.report.collecting = true;
        self.run_module();
        for i in 0..self.functions.len() {
            self.run_function(i);
        }
    }

    /// The summary rounds: until summaries settle, or the round limit.
    fn settle_summaries(&mut self) {
        for _ in 0..SUMMARY_ROUNDS {
            self.run_module();
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
    }

    /// Runs the module's top-level statements; what they bind is visible
    /// to functions.
    fn run_module(&mut self) {
        let mut frame = Frame::new(None, false);
        self.exec_block(self.root, &mut frame);
        self.globals = frame.env;
    }

    fn run_function(&mut self, index: usize) -> Summary {
        let function = &self.functions[index];
        let node = function.node;
        let mut frame = Frame::new(function.class.clone(), function.route);
        for (i, param) in function.params.iter().enumerate() {
            let name = &param.name;
            let range = param.node.byte_range();
            let mut value = Value::default();
            if let Ok(i) = u8::try_from(i)
                && name != "self"
                && name != "cls"
            {
                value.taints.push(Taint {
                    origin: Origin::Param(i),
                    hop: Hop::start(range.clone(), format!("parameter `{name}`")),
                    safe: 0,
                });
            }
            if let Some(what) = param.source {
                value.taints.push(Taint {
                    origin: Origin::Source(Threat::Remote),
                    hop: Hop::start(range.clone(), format!("{what} `{name}`")),
                    safe: 0,
                });
            }
            if param.request {
                value.request = Some(Hop::start(range, format!("request `{name}`")));
            }
            frame.env.insert(name.clone(), value);
        }
        self.active.push(index);
        if let Some(body) = node.py_field("body") {
            self.exec_block(body, &mut frame);
        }
        self.active.pop();
        Summary {
            returns: frame.returns,
            sinks: frame.sinks,
        }
    }

    /// Finds every function definition, with its class and parameters.
    fn collect_functions(&mut self, node: Node<'t>, class: Option<String>) {
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "function_definition" => self.add_function(child, class.clone(), &[]),
                "decorated_definition" => {
                    let Some(definition) = child.py_field("definition") else {
                        continue;
                    };
                    let mut c = child.walk();
                    let decorators: Vec<Node<'t>> = child
                        .named_children(&mut c)
                        .filter(|d| d.kind() == "decorator")
                        .collect();
                    match definition.kind() {
                        "function_definition" => {
                            self.add_function(definition, class.clone(), &decorators)
                        }
                        "class_definition" => self.add_class(definition),
                        _ => {}
                    }
                }
                "class_definition" => self.add_class(child),
                // Definitions are statements: only compound statements can
                // hold more of them.
                "block"
                | "if_statement"
                | "elif_clause"
                | "else_clause"
                | "for_statement"
                | "while_statement"
                | "try_statement"
                | "except_clause"
                | "except_group_clause"
                | "finally_clause"
                | "with_statement"
                | "match_statement"
                | "case_clause" => self.collect_functions(child, class.clone()),
                _ => {}
            }
        }
    }

    fn add_class(&mut self, class: Node<'t>) {
        let name = class
            .py_field("name")
            .map(|n| node_text(n, self.text).to_string());
        if let Some(body) = class.py_field("body") {
            self.collect_functions(body, name);
        }
    }

    fn add_function(&mut self, node: Node<'t>, class: Option<String>, decorators: &[Node<'t>]) {
        let text = self.text;
        let Some(name) = node.py_field("name") else {
            return;
        };
        let name = node_text(name, text).to_string();
        let route = decorators.iter().find_map(|d| self.route_path(*d));
        let is_route = route.is_some();
        let mut params = Vec::new();
        if let Some(list) = node.py_field("parameters") {
            let mut cursor = list.walk();
            let nodes: Vec<Node<'t>> = list.named_children(&mut cursor).collect();
            let names: Vec<String> = nodes
                .iter()
                .map(|p| param_name(*p, text).unwrap_or_default())
                .collect();
            let lambda = names.len() >= 2 && names[0] == "event" && names[1] == "context";
            // Views take the request first (after `self`); a `request`
            // further down is usually something else (an HTTP client's).
            let first = usize::from(matches!(
                names.first().map(String::as_str),
                Some("self" | "cls")
            ));
            for (position, (p, param_name)) in nodes.iter().zip(names).enumerate() {
                if param_name.is_empty() {
                    continue;
                }
                let request = self.request_parameters
                    && ((param_name == "request" && position == first)
                        || sources::request_annotation(*p, text));
                let source = if lambda && param_name == "event" {
                    Some("the Lambda event")
                } else if is_route
                    && !request
                    && param_name != "self"
                    && !sources::safe_annotation(*p, text)
                    && !dependency_default(*p, text)
                    && !route
                        .as_deref()
                        .is_some_and(|r| typed_converter(r, &param_name))
                {
                    Some("route parameter")
                } else {
                    None
                };
                params.push(Param {
                    name: param_name,
                    node: *p,
                    source,
                    request,
                });
            }
        }
        let key = match &class {
            Some(c) => format!("{c}.{name}"),
            None => name.clone(),
        };
        let index = self.functions.len();
        self.by_name.entry(key).or_insert(index);
        self.functions.push(Function {
            node,
            name,
            class,
            params,
            route: is_route,
        });
        // Nested functions and classes.
        if let Some(body) = node.py_field("body") {
            self.collect_functions(body, None);
        }
    }

    /// The path of a route decorator (`@app.route("/u/<name>")`), or an
    /// empty string for a route whose path is not a literal.
    fn route_path(&self, decorator: Node<'t>) -> Option<String> {
        let call = decorator.named_child(0).filter(|c| c.kind() == "call")?;
        let function = call.py_field("function")?;
        if function.kind() != "attribute" {
            return None;
        }
        let method = node_text(function.py_field("attribute")?, self.text);
        if !sources::ROUTE_DECORATORS.contains(&method) || !self.web {
            return None;
        }
        let first = crate::semantic::positional_arguments(crate::lang::Grammar::Python, call)
            .into_iter()
            .next();
        Some(
            first
                .and_then(|a| crate::semantic::string_literal(a, self.text))
                .unwrap_or_default(),
        )
    }
}

/// The name a parameter node binds.
fn param_name(param: Node<'_>, text: &str) -> Option<String> {
    let name = match param.kind() {
        "identifier" => param,
        "typed_parameter" => param.named_child(0)?,
        "default_parameter" | "typed_default_parameter" => param.py_field("name")?,
        "list_splat_pattern" | "dictionary_splat_pattern" => param.named_child(0)?,
        _ => return None,
    };
    let name = if name.kind() == "identifier" {
        name
    } else {
        name.named_child(0)?
    };
    Some(node_text(name, text).to_string())
}

/// FastAPI dependencies (`db = Depends(get_db)`) are not request data.
fn dependency_default(param: Node<'_>, text: &str) -> bool {
    param
        .py_field("value")
        .filter(|v| v.kind() == "call")
        .and_then(|v| v.py_field("function"))
        .is_some_and(|f| {
            let name = node_text(f, text);
            name.ends_with("Depends") || name.ends_with("Security")
        })
}

/// Flask converters that only let numbers through (`<int:id>`).
fn typed_converter(route: &str, param: &str) -> bool {
    ["int", "float", "uuid"]
        .iter()
        .any(|c| route.contains(&format!("<{c}:{param}>")))
}

/// Shared by expressions and statements: the dotted path of a simple
/// reference (`x`, `self.name`, `a.b.c`), used as an environment key.
fn reference_path(node: Node<'_>, text: &str) -> Option<String> {
    match node.kind() {
        "identifier" => Some(node_text(node, text).to_string()),
        "attribute" => {
            let object = reference_path(node.py_field("object")?, text)?;
            let attribute = node_text(node.py_field("attribute")?, text);
            Some(format!("{object}.{attribute}"))
        }
        _ => None,
    }
}

/// The environment key of `base[key]` for a constant key.
fn entry_key(base: &str, key: &str) -> String {
    format!("{base}[{key}]")
}
