//! The per-file semantic layer: which names are bound to which imported
//! modules, types and functions, so detectors ask "is this call
//! `hashlib.md5`?" instead of matching the spelling at the call site.
//!
//! The model is filled during the single walk of a file (import-like nodes
//! are handed to [`SemanticModel::observe`]) and queried afterwards, when the
//! detectors run on the nodes the walk collected.

mod csharp;
mod go;
mod java;
mod javascript;
mod python;
mod ruby;

use std::collections::HashMap;

use tree_sitter::Node;

use crate::lang::Grammar;

/// What the imports of one file bind.
#[derive(Debug)]
pub struct SemanticModel {
    grammar: Grammar,
    /// Local name -> qualified name (`h` -> `hashlib.md5`).
    bindings: HashMap<String, String>,
    /// Namespaces whose members are all in scope (Java `import p.*;`, C#
    /// `using N;`), in the order they were declared.
    open_namespaces: Vec<String>,
}

impl SemanticModel {
    pub fn new(grammar: Grammar) -> Self {
        let open_namespaces = match grammar {
            Grammar::Java => vec!["java.lang".to_string()],
            _ => Vec::new(),
        };
        SemanticModel {
            grammar,
            bindings: HashMap::new(),
            open_namespaces,
        }
    }

    /// The model of a whole tree, for analyses outside the one walk (the
    /// project summaries read each module before the walk).
    pub fn for_tree(grammar: Grammar, root: Node<'_>, text: &str) -> Self {
        let mut model = SemanticModel::new(grammar);
        let observed = Self::observed_kinds(grammar);
        let mut cursor = root.walk();
        'walk: loop {
            let node = cursor.node();
            if observed.contains(&node.kind()) {
                model.observe(node, text);
            }
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    break 'walk;
                }
            }
        }
        model
    }

    /// Node kinds the walk must hand to [`observe`](Self::observe).
    pub fn observed_kinds(grammar: Grammar) -> &'static [&'static str] {
        match grammar {
            Grammar::Python => python::OBSERVED,
            Grammar::Java => java::OBSERVED,
            Grammar::JavaScript | Grammar::TypeScript | Grammar::Tsx => javascript::OBSERVED,
            Grammar::Go => go::OBSERVED,
            Grammar::CSharp => csharp::OBSERVED,
            Grammar::Ruby | Grammar::Hcl | Grammar::Yaml | Grammar::Json => &[],
        }
    }

    /// Records the bindings an import-like node introduces.
    pub fn observe(&mut self, node: Node<'_>, text: &str) {
        match self.grammar {
            Grammar::Python => python::observe(self, node, text),
            Grammar::Java => java::observe(self, node, text),
            Grammar::JavaScript | Grammar::TypeScript | Grammar::Tsx => {
                javascript::observe(self, node, text)
            }
            Grammar::Go => go::observe(self, node, text),
            Grammar::CSharp => csharp::observe(self, node, text),
            Grammar::Ruby | Grammar::Hcl | Grammar::Yaml | Grammar::Json => {}
        }
    }

    pub(crate) fn bind(&mut self, local: impl Into<String>, qualified: impl Into<String>) {
        self.bindings.insert(local.into(), qualified.into());
    }

    pub(crate) fn open_namespace(&mut self, namespace: impl Into<String>) {
        let namespace = namespace.into();
        if !self.open_namespaces.contains(&namespace) {
            self.open_namespaces.push(namespace);
        }
    }

    /// The qualified name a local name is bound to by an import.
    pub fn binding(&self, name: &str) -> Option<&str> {
        self.bindings.get(name).map(String::as_str)
    }

    /// The qualified names the file's imports bind.
    pub fn bound_modules(&self) -> impl Iterator<Item = &str> {
        self.bindings.values().map(String::as_str)
    }

    /// Whether an import binds `module` or something inside it
    /// (`imports("django.conf")` for `from django.conf import settings`).
    pub fn imports(&self, module: &str) -> bool {
        self.bindings.values().any(|qualified| {
            qualified
                .strip_prefix(module)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
    }

    /// Whether an import binds one of these modules or something inside.
    pub fn imports_any(&self, modules: &[&str]) -> bool {
        modules.iter().any(|module| self.imports(module))
    }

    /// Every qualified name an expression may denote: the imported binding
    /// when there is one, otherwise the name in each open namespace, and the
    /// name as written.
    pub fn qualified_names(&self, expr: Node<'_>, text: &str) -> Vec<String> {
        match self.grammar {
            Grammar::Python => python::qualified(self, expr, text).into_iter().collect(),
            Grammar::Java => java::qualified(self, expr, text),
            Grammar::JavaScript | Grammar::TypeScript | Grammar::Tsx => {
                javascript::qualified(self, expr, text)
                    .into_iter()
                    .collect()
            }
            Grammar::Go => go::qualified(self, expr, text).into_iter().collect(),
            Grammar::CSharp => csharp::qualified(self, expr, text),
            Grammar::Ruby => ruby::qualified(expr, text).into_iter().collect(),
            Grammar::Hcl | Grammar::Yaml | Grammar::Json => Vec::new(),
        }
    }

    /// The qualified names of what a call (or object creation) invokes.
    pub fn callee_names(&self, call: Node<'_>, text: &str) -> Vec<String> {
        match self.grammar {
            Grammar::Java => java::callee(self, call, text),
            Grammar::Ruby => ruby::callee(call, text).into_iter().collect(),
            _ => match call_function(self.grammar, call) {
                Some(function) => self.qualified_names(function, text),
                None => Vec::new(),
            },
        }
    }

    /// The first of `targets` that the call invokes.
    pub fn call_matches<'a>(
        &self,
        call: Node<'_>,
        text: &str,
        targets: &[&'a str],
    ) -> Option<&'a str> {
        let names = self.callee_names(call, text);
        targets
            .iter()
            .find(|target| names.iter().any(|n| n == *target))
            .copied()
    }

    /// Names in scope with a given prefix, for wildcard-style resolution.
    fn with_open_namespaces(&self, name: &str, separator: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .open_namespaces
            .iter()
            .map(|ns| format!("{ns}{separator}{name}"))
            .collect();
        names.push(name.to_string());
        names
    }
}

/// The node naming the function a call invokes, for grammars where that is
/// one field of the call.
pub fn call_function(grammar: Grammar, call: Node<'_>) -> Option<Node<'_>> {
    let field = match (grammar, call.kind()) {
        (Grammar::JavaScript | Grammar::TypeScript | Grammar::Tsx, "new_expression") => {
            "constructor"
        }
        (Grammar::CSharp | Grammar::Java, "object_creation_expression") => "type",
        (Grammar::Ruby, _) => "method",
        _ => "function",
    };
    call.child_by_field_name(field)
}

/// The argument list node of a call.
/// `object.method(...)` (Python, JavaScript): the object and the method's
/// name node.
pub fn method_call(call: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    use crate::lang::{JsField, PythonField};
    match call.kind() {
        "call" => {
            let function = call
                .py_field("function")
                .filter(|f| f.kind() == "attribute")?;
            Some((
                function.py_field("object")?,
                function.py_field("attribute")?,
            ))
        }
        _ => {
            let function = call
                .js_field("function")
                .filter(|f| f.kind() == "member_expression")?;
            Some((function.js_field("object")?, function.js_field("property")?))
        }
    }
}

pub fn call_arguments(call: Node<'_>) -> Option<Node<'_>> {
    call.child_by_field_name("arguments")
}

/// The positional (non-keyword) arguments of a call, skipping punctuation
/// and comments.
pub fn positional_arguments<'t>(grammar: Grammar, call: Node<'t>) -> Vec<Node<'t>> {
    let Some(args) = call_arguments(call) else {
        return Vec::new();
    };
    let mut cursor = args.walk();
    args.named_children(&mut cursor)
        .filter(|a| !grammar.is_comment(a.kind()))
        .filter(|a| !matches!(a.kind(), "keyword_argument" | "pair"))
        .map(|a| {
            // C# wraps each argument in an `argument` node.
            if a.kind() == "argument" {
                a.named_child(a.named_child_count().saturating_sub(1) as u32)
                    .unwrap_or(a)
            } else {
                a
            }
        })
        .collect()
}

/// The argument of a Python call for the parameter at `position` named
/// `name`: given by position or by keyword.
pub fn argument<'t>(call: Node<'t>, position: usize, name: &str, text: &str) -> Option<Node<'t>> {
    keyword_argument(call, name, text).or_else(|| {
        positional_arguments(Grammar::Python, call)
            .get(position)
            .copied()
    })
}

/// A keyword argument `name=value` of a Python call.
pub fn keyword_argument<'t>(call: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
    let args = call_arguments(call)?;
    let mut cursor = args.walk();
    args.named_children(&mut cursor)
        .filter(|a| a.kind() == "keyword_argument")
        .find(|a| {
            a.child_by_field_name("name")
                .and_then(|n| n.utf8_text(text.as_bytes()).ok())
                == Some(name)
        })
        .and_then(|a| a.child_by_field_name("value"))
}

/// The value of a string literal node, for the common literal kinds of every
/// grammar; `None` for anything that is not a plain literal (interpolation,
/// concatenation, identifiers).
pub fn string_literal(node: Node<'_>, text: &str) -> Option<String> {
    let raw = node.utf8_text(text.as_bytes()).ok()?;
    match node.kind() {
        "string"
        | "string_literal"
        | "interpreted_string_literal"
        | "raw_string_literal"
        | "template_string"
        | "verbatim_string_literal" => {}
        _ => return None,
    }
    // Interpolations make the value unknown.
    let mut cursor = node.walk();
    if node.named_children(&mut cursor).any(|c| {
        matches!(
            c.kind(),
            "interpolation"
                | "template_substitution"
                | "string_interpolation"
                | "escape_interpolation"
        )
    }) {
        return None;
    }
    let body = raw
        .trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '@')
        .trim_start_matches(['"', '\'', '`'])
        .trim_end_matches(['"', '\'', '`']);
    Some(body.to_string())
}

/// The text of a node.
pub fn node_text<'t>(node: Node<'_>, text: &'t str) -> &'t str {
    &text[node.byte_range()]
}
