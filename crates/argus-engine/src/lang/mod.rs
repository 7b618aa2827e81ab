//! tree-sitter glue: which grammar parses which file, parsing with a time
//! budget, and the per-grammar facts detectors and fingerprints need
//! (comment kinds, the nodes that name an enclosing scope).

pub mod cloudformation;
mod fields;
pub mod notebook;

pub use fields::{JsField, PythonField};

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use argus_model::Language;
use tree_sitter::{Node, ParseOptions, Parser, Tree};

/// A tree-sitter grammar argus links in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grammar {
    Java,
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    CSharp,
    Go,
    Ruby,
    Hcl,
    Yaml,
    Json,
}

impl Grammar {
    pub const ALL: [Grammar; 11] = [
        Grammar::Java,
        Grammar::Python,
        Grammar::JavaScript,
        Grammar::TypeScript,
        Grammar::Tsx,
        Grammar::CSharp,
        Grammar::Go,
        Grammar::Ruby,
        Grammar::Hcl,
        Grammar::Yaml,
        Grammar::Json,
    ];

    pub fn ts_language(self) -> tree_sitter::Language {
        match self {
            Grammar::Java => tree_sitter_java::LANGUAGE.into(),
            Grammar::Python => tree_sitter_python::LANGUAGE.into(),
            Grammar::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Grammar::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Grammar::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Grammar::CSharp => tree_sitter_c_sharp::LANGUAGE.into(),
            Grammar::Go => tree_sitter_go::LANGUAGE.into(),
            Grammar::Ruby => tree_sitter_ruby::LANGUAGE.into(),
            Grammar::Hcl => tree_sitter_hcl::LANGUAGE.into(),
            Grammar::Yaml => tree_sitter_yaml::LANGUAGE.into(),
            Grammar::Json => tree_sitter_json::LANGUAGE.into(),
        }
    }

    /// The grammars that parse files of a language.
    pub fn for_language(language: Language) -> &'static [Grammar] {
        match language {
            Language::Java => &[Grammar::Java],
            Language::Python => &[Grammar::Python],
            Language::JavaScript => &[Grammar::JavaScript],
            Language::TypeScript => &[Grammar::TypeScript, Grammar::Tsx],
            Language::CSharp => &[Grammar::CSharp],
            Language::Go => &[Grammar::Go],
            Language::Ruby => &[Grammar::Ruby],
            Language::Terraform => &[Grammar::Hcl],
            Language::CloudFormation => &[Grammar::Yaml, Grammar::Json],
        }
    }

    /// Whether a node of this kind is a comment.
    pub fn is_comment(self, kind: &str) -> bool {
        matches!(kind, "comment" | "line_comment" | "block_comment")
    }

    /// Index into per-grammar tables.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The result of parsing one file.
pub enum ParseOutcome {
    Parsed(Tree),
    /// The parser ran past its time budget and gave up.
    TimedOut,
}

/// Parses `text`, giving up after `budget`.
pub fn parse(grammar: Grammar, text: &str, budget: Duration) -> ParseOutcome {
    let mut parser = Parser::new();
    parser
        .set_language(&grammar.ts_language())
        .expect("linked grammars match the tree-sitter ABI");
    let deadline = Instant::now() + budget;
    let mut timed_out = false;
    let mut progress = |_: &tree_sitter::ParseState| {
        if Instant::now() >= deadline {
            timed_out = true;
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let bytes = text.as_bytes();
    let tree = parser.parse_with_options(
        &mut |offset, _| bytes.get(offset..).unwrap_or_default(),
        None,
        Some(ParseOptions::new().progress_callback(&mut progress)),
    );
    match tree {
        Some(tree) if !timed_out => ParseOutcome::Parsed(tree),
        _ => ParseOutcome::TimedOut,
    }
}

/// Whether `tree` nests deeper than `limit` levels (walked without
/// recursion, stopping at the first node past the limit).
pub fn deeper_than(tree: &Tree, limit: u64) -> bool {
    let mut cursor = tree.walk();
    let mut depth: u64 = 0;
    loop {
        if cursor.goto_first_child() {
            depth += 1;
            if depth > limit {
                return true;
            }
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return false;
            }
            depth -= 1;
        }
    }
}

/// The name a node gives to the scope it opens (function, method, class,
/// resource block), if it opens one. Used to anchor fingerprints to code
/// rather than to line numbers.
pub fn scope_name(grammar: Grammar, node: Node<'_>, text: &str) -> Option<String> {
    let by_field = |field: &str| {
        node.child_by_field_name(field)
            .and_then(|n| n.utf8_text(text.as_bytes()).ok())
            .map(str::to_string)
    };
    match (grammar, node.kind()) {
        (Grammar::Python, "function_definition" | "class_definition") => by_field("name"),
        (
            Grammar::Java,
            "method_declaration"
            | "constructor_declaration"
            | "class_declaration"
            | "interface_declaration"
            | "enum_declaration"
            | "record_declaration",
        ) => by_field("name"),
        (
            Grammar::JavaScript | Grammar::TypeScript | Grammar::Tsx,
            "function_declaration"
            | "generator_function_declaration"
            | "method_definition"
            | "class_declaration"
            | "class",
        ) => by_field("name"),
        (Grammar::JavaScript | Grammar::TypeScript | Grammar::Tsx, "variable_declarator") => {
            // `const handler = (event) => {...}` names the arrow function.
            let value = node.child_by_field_name("value")?;
            matches!(
                value.kind(),
                "arrow_function" | "function_expression" | "function"
            )
            .then(|| by_field("name"))
            .flatten()
        }
        (
            Grammar::CSharp,
            "method_declaration"
            | "constructor_declaration"
            | "class_declaration"
            | "struct_declaration"
            | "interface_declaration"
            | "record_declaration"
            | "local_function_statement",
        ) => by_field("name"),
        (Grammar::Go, "function_declaration" | "method_declaration") => by_field("name"),
        (Grammar::Ruby, "method" | "singleton_method" | "class" | "module") => by_field("name"),
        (Grammar::Hcl, "block") => {
            // `resource "aws_s3_bucket" "logs"` -> `resource.aws_s3_bucket.logs`
            let mut parts = Vec::new();
            let mut cursor = node.walk();
            for child in node.children(&mut cursor) {
                match child.kind() {
                    "identifier" => parts.push(child.utf8_text(text.as_bytes()).ok()?.to_string()),
                    "string_lit" => parts.push(
                        child
                            .utf8_text(text.as_bytes())
                            .ok()?
                            .trim_matches('"')
                            .to_string(),
                    ),
                    "block_start" => break,
                    _ => {}
                }
            }
            (!parts.is_empty()).then(|| parts.join("."))
        }
        (Grammar::Yaml | Grammar::Json, _) => cloudformation::resource_scope(grammar, node, text),
        _ => None,
    }
}

/// `outer.inner.fn` for the scopes enclosing `node`, outermost first.
pub fn enclosing_scopes(grammar: Grammar, node: Node<'_>, text: &str) -> String {
    let mut names = Vec::new();
    let mut current = node.parent();
    while let Some(n) = current {
        if let Some(name) = scope_name(grammar, n, text) {
            names.push(name);
        }
        current = n.parent();
    }
    names.reverse();
    names.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_loads_and_parses() {
        let samples = [
            (Grammar::Java, "class A { void f() {} }"),
            (Grammar::Python, "def f():\n    return 1\n"),
            (Grammar::JavaScript, "const a = <div>{x}</div>;"),
            (Grammar::TypeScript, "let a: number = 1;"),
            (Grammar::Tsx, "const a = <A<string> x={1} />;"),
            (Grammar::CSharp, "class A { void F() {} }"),
            (Grammar::Go, "package main\nfunc main() {}\n"),
            (Grammar::Ruby, "def f; end"),
            (Grammar::Hcl, "resource \"a\" \"b\" { x = 1 }\n"),
            (Grammar::Yaml, "a: 1\n"),
            (Grammar::Json, "{\"a\": 1}"),
        ];
        for (grammar, text) in samples {
            match parse(grammar, text, Duration::from_secs(5)) {
                ParseOutcome::Parsed(tree) => {
                    assert!(!tree.root_node().has_error(), "{grammar:?}: {text}")
                }
                ParseOutcome::TimedOut => panic!("{grammar:?} timed out"),
            }
        }
    }

    #[test]
    fn modern_syntax_parses() {
        let samples = [
            // PEP 701 f-strings, match, type parameters.
            (
                Grammar::Python,
                "def f[T](x: T) -> T:\n    match x:\n        case {\"a\": y}:\n            return f\"{x[\"a\"]}\"\n    return x\n",
            ),
            // Records, sealed types, switch expressions, text blocks.
            (
                Grammar::Java,
                "sealed interface S permits R {}\nrecord R(int a) implements S {}\nclass C { String f(int k) { var s = \"\"\"\n  hi\n  \"\"\"; return switch (k) { case 1 -> s; default -> \"\"; }; } }\n",
            ),
        ];
        for (grammar, text) in samples {
            let ParseOutcome::Parsed(tree) = parse(grammar, text, Duration::from_secs(5)) else {
                panic!("timed out")
            };
            assert!(
                !tree.root_node().has_error(),
                "{grammar:?} failed on:\n{text}\n{}",
                tree.root_node().to_sexp()
            );
        }
    }
}
