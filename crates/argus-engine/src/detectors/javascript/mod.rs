//! JavaScript and TypeScript detectors: one implementation per concept,
//! registered under both `javascript/` and `typescript/` ids.
//!
//! The helpers below read the shapes every JS detector meets: option
//! objects (`{ httpOnly: false }`), literals, and callees bound by
//! `require`/`import`.

use tree_sitter::Node;

use super::Checker;
use crate::fix::Edit;
use crate::semantic::{node_text, string_literal};

// Cryptography and TLS.
pub mod insecure_hashing;

// Web configuration.

// Credentials, files and logs.
pub mod hardcoded_credentials;
pub mod improper_access_control;
pub mod insecure_temp_file;
pub mod insufficiently_protected_credentials;
pub mod least_privilege_violation;
pub mod logging_of_sensitive_information;
pub mod loose_file_permissions;
pub mod sensitive_information_leak;
pub mod stack_trace_exposure;
pub mod weak_obfuscation_of_request;

// Taint.

/// The expression inside parentheses and TypeScript-only wrappers
/// (`(x as Options)!`).
pub fn unwrap(mut node: Node<'_>) -> Node<'_> {
    while matches!(
        node.kind(),
        "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
    ) {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The key of an object member as written (`httpOnly`, `"Content-Type"`).
pub fn property_key<'t>(member: Node<'_>, text: &'t str) -> Option<&'t str> {
    match member.kind() {
        "pair" => {
            let key = member.child_by_field_name("key")?;
            let raw = node_text(key, text);
            Some(match key.kind() {
                "string" => raw.trim_matches(['"', '\'']),
                _ => raw,
            })
        }
        "shorthand_property_identifier" => Some(node_text(member, text)),
        _ => None,
    }
}

/// The value of property `key` of an object literal (the identifier itself
/// for a shorthand `{ secure }`); the last one wins, as in JavaScript.
pub fn object_property<'t>(object: Node<'t>, key: &str, text: &str) -> Option<Node<'t>> {
    let object = unwrap(object);
    if object.kind() != "object" {
        return None;
    }
    let mut cursor = object.walk();
    let members: Vec<Node<'t>> = object.named_children(&mut cursor).collect();
    members.into_iter().rev().find_map(|member| {
        if property_key(member, text)? != key {
            return None;
        }
        match member.kind() {
            "pair" => member.child_by_field_name("value"),
            _ => Some(member),
        }
    })
}

/// Whether the object literal has a spread (`{ ...defaults }`): a missing
/// property may come from it.
pub fn has_spread(object: Node<'_>) -> bool {
    let mut cursor = object.walk();
    unwrap(object)
        .named_children(&mut cursor)
        .any(|m| m.kind() == "spread_element")
}

/// The boolean a literal denotes (`true`, `false`, `!0`, `!1`).
pub fn bool_literal(node: Node<'_>, text: &str) -> Option<bool> {
    let node = unwrap(node);
    match node.kind() {
        "true" => Some(true),
        "false" => Some(false),
        "unary_expression" if node_text(node, text).starts_with('!') => {
            let operand = node.child_by_field_name("argument")?;
            match node_text(operand, text) {
                "0" => Some(true),
                "1" => Some(false),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The integer a numeric literal denotes (`2048`, `0o777`, `0x1ff`, `1_024`).
pub fn number_literal(node: Node<'_>, text: &str) -> Option<i64> {
    let node = unwrap(node);
    if node.kind() != "number" {
        return None;
    }
    let raw = node_text(node, text).replace('_', "");
    let lower = raw.to_ascii_lowercase();
    if let Some(octal) = lower.strip_prefix("0o") {
        i64::from_str_radix(octal, 8).ok()
    } else if let Some(hex) = lower.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(binary) = lower.strip_prefix("0b") {
        i64::from_str_radix(binary, 2).ok()
    } else if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|b| b.is_ascii_digit())
    {
        // Legacy octal (`0777`).
        i64::from_str_radix(&lower[1..], 8).ok()
    } else {
        lower.parse().ok()
    }
}

/// The string a literal (or a template without substitutions) denotes.
pub fn js_string(node: Node<'_>, text: &str) -> Option<String> {
    string_literal(unwrap(node), text)
}

/// The arguments of a call (or `new`) expression, spreads included.
pub fn call_args<'t>(call: Node<'t>) -> Vec<Node<'t>> {
    let Some(args) = call.child_by_field_name("arguments") else {
        return Vec::new();
    };
    if args.kind() != "arguments" {
        // A tagged template: `sql\`...\``.
        return vec![args];
    }
    let mut cursor = args.walk();
    args.named_children(&mut cursor)
        .filter(|a| a.kind() != "comment")
        .collect()
}

/// The qualified names of what a call or `new` expression invokes
/// (`child_process.exec` for `exec(...)` after `const { exec } =
/// require("child_process")`).
pub fn callee_names(call: Node<'_>, checker: &Checker<'_>) -> Vec<String> {
    let function = match call.kind() {
        "new_expression" => call.child_by_field_name("constructor"),
        _ => call.child_by_field_name("function"),
    };
    function
        .map(|f| checker.semantic.qualified_names(unwrap(f), checker.text))
        .unwrap_or_default()
}

/// Whether the head identifier of a callee is bound by an import or
/// `require` (a local helper named `md5` is not the package).
pub fn is_imported(function: Node<'_>, checker: &Checker<'_>) -> bool {
    let mut head = unwrap(function);
    while head.kind() == "member_expression" {
        match head.child_by_field_name("object") {
            Some(object) => head = unwrap(object),
            None => return false,
        }
    }
    match head.kind() {
        "identifier" => checker.semantic.binding(checker.text_of(head)).is_some(),
        // `require('md5')(x)`
        "call_expression" => true,
        _ => false,
    }
}

/// An edit giving property `key` of an object literal the value `value`:
/// replaces the existing value, or adds `key: value` after the last member.
pub fn set_property(object: Node<'_>, key: &str, value: &str, text: &str) -> Option<Edit> {
    let object = unwrap(object);
    if object.kind() != "object" {
        return None;
    }
    let mut cursor = object.walk();
    let members: Vec<Node<'_>> = object.named_children(&mut cursor).collect();
    if let Some(member) = members
        .iter()
        .rev()
        .find(|m| property_key(**m, text) == Some(key))
    {
        return Some(match member.kind() {
            "pair" => Edit::replace(member.child_by_field_name("value")?.byte_range(), value),
            _ => Edit::replace(member.byte_range(), format!("{key}: {value}")),
        });
    }
    match members.iter().rev().find(|m| m.kind() != "comment") {
        Some(last) => Some(Edit::replace(
            last.end_byte()..last.end_byte(),
            format!(", {key}: {value}"),
        )),
        None => Some(Edit::replace(
            object.byte_range(),
            format!("{{ {key}: {value} }}"),
        )),
    }
}

// --- helpers: credentials, files and logs ---

/// The value the nearest `const`/`let`/`var` declaration of `name`
/// visible from `at` (and written before it) gives: `'/tmp/x'` for `path`
/// after `const path = '/tmp/x'`. Only declarations of enclosing blocks
/// count; later reassignments are not followed.
pub fn declared_value<'t>(at: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
    let mut scope = at.parent();
    while let Some(block) = scope {
        if matches!(
            block.kind(),
            "statement_block" | "program" | "switch_case" | "switch_default" | "class_body"
        ) {
            let mut found = None;
            let mut cursor = block.walk();
            for statement in block.named_children(&mut cursor) {
                if statement.start_byte() >= at.start_byte() {
                    break;
                }
                let declaration = match statement.kind() {
                    "export_statement" => statement.child_by_field_name("declaration"),
                    _ => Some(statement),
                };
                let Some(declaration) = declaration
                    .filter(|d| matches!(d.kind(), "lexical_declaration" | "variable_declaration"))
                else {
                    continue;
                };
                let mut inner = declaration.walk();
                for declarator in declaration.named_children(&mut inner) {
                    if declarator.kind() == "variable_declarator"
                        && declarator
                            .child_by_field_name("name")
                            .is_some_and(|n| n.kind() == "identifier" && node_text(n, text) == name)
                        && let Some(value) = declarator.child_by_field_name("value")
                    {
                        found = Some(value);
                    }
                }
            }
            if found.is_some() {
                return found;
            }
        }
        scope = block.parent();
    }
    None
}

/// The expression itself, or for an identifier the value of its local
/// declaration (one step), wrappers removed.
pub fn resolve_value<'t>(node: Node<'t>, text: &str) -> Node<'t> {
    let node = unwrap(node);
    if node.kind() == "identifier"
        && let Some(value) = declared_value(node, node_text(node, text), text)
    {
        return unwrap(value);
    }
    node
}

/// The name an expression ends with: `userPassword` for
/// `req.body.userPassword`, `api_key` for `cfg["api_key"]`, `token` for
/// `this.token`.
pub fn end_name<'t>(node: Node<'_>, text: &'t str) -> Option<&'t str> {
    let node = unwrap(node);
    match node.kind() {
        "identifier" | "shorthand_property_identifier" | "property_identifier" => {
            Some(node_text(node, text))
        }
        "member_expression" => node
            .child_by_field_name("property")
            .map(|p| node_text(p, text)),
        "subscript_expression" => {
            let index = node.child_by_field_name("index")?;
            let raw = node_text(index, text);
            (index.kind() == "string").then(|| raw.trim_matches(['"', '\'']))
        }
        _ => None,
    }
}

/// The credential a name denotes, judged by its last word (or last two):
/// `password` for `userPassword`, `api_key` for `apiKey`, `None` for
/// `passwordPolicy`, `tokenCount` or `secretName`.
pub fn credential_name(name: &str) -> Option<String> {
    const SINGLE: &[&str] = &[
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "secret",
        "token",
        "jwt",
        "apikey",
        "ssn",
        "cvv",
        "cvc",
        "pin",
        "credentials",
    ];
    const PAIRS: &[(&str, &str)] = &[
        ("api", "key"),
        ("private", "key"),
        ("secret", "key"),
        ("signing", "key"),
        ("access", "key"),
        ("credit", "card"),
        ("card", "number"),
        ("client", "secret"),
        ("pass", "phrase"),
        ("pass", "word"),
    ];
    let words = super::context::words(name);
    let last = words.last()?;
    if words.len() >= 2 {
        let pair = (words[words.len() - 2].as_str(), last.as_str());
        if PAIRS.contains(&pair) {
            return Some(format!("{}_{}", pair.0, pair.1));
        }
    }
    SINGLE.contains(&last.as_str()).then(|| last.clone())
}

/// The bytes between the quotes of a string or template literal.
pub fn literal_content(literal: Node<'_>) -> std::ops::Range<usize> {
    let literal = unwrap(literal);
    literal.start_byte() + 1
        ..literal
            .end_byte()
            .saturating_sub(1)
            .max(literal.start_byte() + 1)
}

/// Whether an expression is `process.env` itself (not one variable of it).
pub fn is_process_env(node: Node<'_>, text: &str) -> bool {
    let node = unwrap(node);
    node.kind() == "member_expression"
        && node_text(node, text).replace(char::is_whitespace, "") == "process.env"
}

/// Names a response object usually has in Express, Koa, Fastify and
/// Node's http handlers.
const RESPONSE_NAMES: &[&str] = &["res", "response", "reply", "resp"];

/// The payload of a call sending a response body: `x` for `res.send(x)`,
/// `res.status(500).json(x)`, `reply.code(500).send(x)`, `res.end(x)`.
pub fn response_payload<'t>(call: Node<'t>, text: &str) -> Option<Node<'t>> {
    let (mut receiver, method) = crate::semantic::method_call(call)?;
    if !matches!(
        node_text(method, text),
        "send" | "json" | "jsonp" | "end" | "write"
    ) {
        return None;
    }
    // Walk down `res.status(500).type("json")` to `res`.
    loop {
        receiver = unwrap(receiver);
        match receiver.kind() {
            "call_expression" => {
                let (inner, name) = crate::semantic::method_call(receiver)?;
                if !matches!(
                    node_text(name, text),
                    "status" | "code" | "type" | "set" | "header" | "contentType" | "append"
                ) {
                    return None;
                }
                receiver = inner;
            }
            "identifier" => break,
            "member_expression" => {
                // `ctx.res`, `this.res`.
                let property = receiver.child_by_field_name("property")?;
                if !RESPONSE_NAMES.contains(&node_text(property, text)) {
                    return None;
                }
                return call_args(call).into_iter().next();
            }
            _ => return None,
        }
    }
    if !RESPONSE_NAMES.contains(&node_text(receiver, text)) {
        return None;
    }
    call_args(call).into_iter().next()
}

/// The value assigned to a Koa response body: `x` for `ctx.body = x`.
pub fn koa_body_value<'t>(assignment: Node<'t>, text: &str) -> Option<Node<'t>> {
    let left = unwrap(assignment.child_by_field_name("left")?);
    if left.kind() != "member_expression" {
        return None;
    }
    let property = left.child_by_field_name("property")?;
    let object = unwrap(left.child_by_field_name("object")?);
    let object_name = node_text(object, text);
    (node_text(property, text) == "body"
        && matches!(
            object_name,
            "ctx" | "context" | "this" | "ctx.response" | "this.response"
        ))
    .then(|| assignment.child_by_field_name("right"))
    .flatten()
}

/// Every node of a subtree, the root first (functions nested inside are
/// included; callers skip them where it matters).
pub fn descendants(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        out.push(n);
        let mut cursor = n.walk();
        let children: Vec<Node<'_>> = n.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

/// A piece of a string built at run time: literal text, or a value only
/// known at run time.
#[derive(Debug, Clone)]
pub enum Part<'t> {
    Text(String),
    Value(Node<'t>),
}

/// The pieces of a string literal, template literal or `+` concatenation
/// (`\`${base}/login?password=${pw}\`` -> value, text, value).
pub fn string_parts<'t>(node: Node<'t>, text: &str) -> Vec<Part<'t>> {
    let node = unwrap(node);
    match node.kind() {
        "string" => match js_string(node, text) {
            Some(s) => vec![Part::Text(s)],
            None => vec![Part::Value(node)],
        },
        "template_string" => {
            let mut parts = Vec::new();
            let mut cursor = node.walk();
            let mut last = node.start_byte() + 1;
            for child in node.named_children(&mut cursor) {
                if child.kind() == "template_substitution" {
                    if child.start_byte() > last {
                        parts.push(Part::Text(text[last..child.start_byte()].to_string()));
                    }
                    match child.named_child(0) {
                        Some(inner) => parts.push(Part::Value(inner)),
                        None => parts.push(Part::Value(child)),
                    }
                    last = child.end_byte();
                }
            }
            let end = node.end_byte().saturating_sub(1);
            if end > last {
                parts.push(Part::Text(text[last..end].to_string()));
            }
            parts
        }
        "binary_expression"
            if node
                .child_by_field_name("operator")
                .is_some_and(|o| node_text(o, text) == "+") =>
        {
            let mut parts = Vec::new();
            if let Some(left) = node.child_by_field_name("left") {
                parts.extend(string_parts(left, text));
            }
            if let Some(right) = node.child_by_field_name("right") {
                parts.extend(string_parts(right, text));
            }
            parts
        }
        _ => vec![Part::Value(node)],
    }
}

/// The literal text of a string's pieces, each run-time value shown as
/// `\u{0}`.
pub fn render_parts(parts: &[Part<'_>]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Text(s) => s.as_str(),
            Part::Value(_) => "\u{0}",
        })
        .collect()
}

/// Whether a string built at run time is the outermost piece of its
/// concatenation (`a + b + c` is judged once, as a whole).
pub fn outermost_concatenation(node: Node<'_>, text: &str) -> bool {
    let mut parent = node.parent();
    while let Some(p) = parent {
        match p.kind() {
            "parenthesized_expression" => parent = p.parent(),
            "binary_expression" => {
                return p
                    .child_by_field_name("operator")
                    .is_none_or(|o| node_text(o, text) != "+");
            }
            _ => return true,
        }
    }
    true
}

/// Logging libraries whose objects' methods write log records.
const LOG_MODULES: &[&str] = &[
    "winston", "pino", "bunyan", "log4js", "loglevel", "signale", "consola", "npmlog",
];

/// Whether a call writes a log record: `console.log/info/warn/error/debug/trace`,
/// or a level method (`info`, `warn`, `error`, `debug`, ...) of a logger
/// (`logger.info`, `this.log.warn`, `req.log.error`, a `winston`/`pino`/
/// `bunyan` object).
pub fn is_log_call(call: Node<'_>, checker: &Checker<'_>) -> bool {
    let text = checker.text;
    let Some((receiver, method)) = crate::semantic::method_call(call) else {
        return false;
    };
    let method = node_text(method, text);
    let receiver = unwrap(receiver);
    if node_text(receiver, text) == "console" {
        return matches!(
            method,
            "log" | "info" | "warn" | "error" | "debug" | "trace" | "dir" | "table"
        );
    }
    if !matches!(
        method,
        "info"
            | "warn"
            | "warning"
            | "error"
            | "debug"
            | "trace"
            | "fatal"
            | "verbose"
            | "silly"
            | "log"
            | "notice"
            | "critical"
            | "crit"
            | "alert"
            | "emerg"
    ) {
        return false;
    }
    let names = checker.semantic.qualified_names(receiver, text);
    if names.iter().any(|n| {
        LOG_MODULES
            .iter()
            .any(|m| n == m || n.starts_with(&format!("{m}.")))
    }) {
        return true;
    }
    end_name(receiver, text).is_some_and(|name| {
        super::context::words(name).iter().any(|w| {
            matches!(
                w.as_str(),
                "log" | "logger" | "logging" | "winston" | "pino" | "bunyan"
            )
        })
    })
}

/// Whether an expression hands over all of `process.env`: itself,
/// `JSON.stringify(process.env)`, `{ ...process.env }`, `{ env: process.env }`.
pub fn dumps_process_env(node: Node<'_>, text: &str) -> bool {
    let node = unwrap(node);
    if is_process_env(node, text) {
        return true;
    }
    match node.kind() {
        "call_expression" => {
            let stringify = node
                .child_by_field_name("function")
                .is_some_and(|f| node_text(f, text) == "JSON.stringify");
            stringify
                && call_args(node)
                    .first()
                    .is_some_and(|a| dumps_process_env(*a, text))
        }
        "object" => {
            let mut cursor = node.walk();
            let members: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
            members.into_iter().any(|m| match m.kind() {
                "spread_element" => m.named_child(0).is_some_and(|v| is_process_env(v, text)),
                "pair" => m
                    .child_by_field_name("value")
                    .is_some_and(|v| is_process_env(v, text)),
                _ => false,
            })
        }
        _ => false,
    }
}
