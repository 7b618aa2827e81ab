//! JavaScript and TypeScript detectors: one implementation per concept,
//! registered under both `javascript/` and `typescript/` ids.
//!
//! The helpers below read the shapes every JS detector meets: option
//! objects (`{ httpOnly: false }`), literals, and callees bound by
//! `require`/`import`.

use tree_sitter::Node;

use super::Checker;
use crate::fix::Edit;
use crate::lang::JsField;
use crate::semantic::{node_text, string_literal};

// Cryptography and TLS.
pub mod cryptographic_key_generator;
pub mod improper_certificate_validation;
pub mod insecure_connection;
pub mod insecure_cryptography;
pub mod insecure_hashing;
pub mod insecure_random;
pub mod jwt_verification_disabled;
pub mod timing_attack;
pub mod unverified_hostname;

// Web configuration.
pub mod cross_site_request_forgery;
pub mod dns_prefetching;
pub mod do_not_disable_html_autoescape;
pub mod file_and_directory_information_exposure;
pub mod improper_restriction_of_frames;
pub mod insecure_cookie;
pub mod insecure_cors_policy;
pub mod limit_on_request_content_length;
pub mod origins_verified_cross_origin_communications;
pub mod session_fixation;

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
pub mod code_injection;
pub mod cross_site_scripting;
pub mod file_injection;
pub mod header_injection;
pub mod insecure_object_attribute_modification;
pub mod log_injection;
pub mod new_function_detected;
pub mod non_literal_regular_expression;
pub mod nosql_injection;
pub mod open_redirect;
pub mod os_command_injection;
pub mod path_traversal;
pub mod sendfile_injection;
pub mod server_side_request_forgery;
pub mod sql_injection;
pub mod untrusted_deserialization;
pub mod xml_external_entity;
pub mod xpath_injection;

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
            let key = member.js_field("key")?;
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
            "pair" => member.js_field("value"),
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
            let operand = node.js_field("argument")?;
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
    let Some(args) = call.js_field("arguments") else {
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
        "new_expression" => call.js_field("constructor"),
        _ => call.js_field("function"),
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
        match head.js_field("object") {
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
            "pair" => Edit::replace(member.js_field("value")?.byte_range(), value),
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

// --- helpers: taint ---

/// The name that best describes the receiver of a method call: the last
/// property of `this.db`, the function of `getConnection()`, the
/// identifier of `pool`.
pub fn receiver_name<'t>(call: Node<'_>, text: &'t str) -> Option<&'t str> {
    let function = unwrap(call.js_field("function")?);
    let mut object = unwrap(function.js_field("object")?);
    loop {
        match object.kind() {
            "identifier" | "this" => return Some(node_text(object, text)),
            "member_expression" => {
                return object.js_field("property").map(|p| node_text(p, text));
            }
            "call_expression" => object = unwrap(object.js_field("function")?),
            "await_expression" => object = unwrap(object.named_child(0)?),
            _ => return None,
        }
    }
}

/// Whether the receiver of a method call is named with one of `words`
/// (lower case; whole name or one of its words).
pub fn receiver_named(call: Node<'_>, text: &str, words: &[&str]) -> bool {
    let Some(name) = receiver_name(call, text) else {
        return false;
    };
    let lower = name.to_ascii_lowercase();
    words.contains(&lower.as_str())
        || super::context::words(name)
            .iter()
            .any(|w| words.contains(&w.as_str()))
}

/// The `exec` of `const { exec } = require("child_process")` or `import {
/// exec } from "child_process"`: the binding node, to add a sibling after.
pub fn destructured_require<'t>(root: Node<'t>, text: &str, name: &str) -> Option<Node<'t>> {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "shorthand_property_identifier_pattern" if node_text(node, text) == name => {
                return Some(node);
            }
            "import_specifier"
                if node
                    .js_field("alias")
                    .or_else(|| node.js_field("name"))
                    .is_some_and(|n| node_text(n, text) == name) =>
            {
                return Some(node);
            }
            "statement_block" | "class_body" => continue,
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    None
}

/// Whether a name is bound at the top of the file (import, require or
/// declaration).
pub fn is_bound(root: Node<'_>, text: &str, name: &str) -> bool {
    destructured_require(root, text, name).is_some() || {
        let mut cursor = root.walk();
        root.named_children(&mut cursor).any(|statement| {
            let mut c = statement.walk();
            statement
                .named_children(&mut c)
                .filter(|d| d.kind() == "variable_declarator")
                .any(|d| {
                    d.js_field("name")
                        .is_some_and(|n| node_text(n, text) == name)
                })
        })
    }
}

// --- helpers: cryptography and TLS ---

/// The first of `targets` that a call or `new` expression invokes.
pub fn callee_matches<'a>(
    call: Node<'_>,
    checker: &Checker<'_>,
    targets: &[&'a str],
) -> Option<&'a str> {
    let names = callee_names(call, checker);
    targets
        .iter()
        .find(|t| names.iter().any(|n| n == *t))
        .copied()
}

/// Node kinds that open a function.
pub const FUNCTION_KINDS: &[&str] = &[
    "function_declaration",
    "function_expression",
    "function",
    "arrow_function",
    "method_definition",
    "generator_function_declaration",
    "generator_function",
];

/// The innermost function enclosing `node`.
pub fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut up = node.parent();
    while let Some(n) = up {
        if FUNCTION_KINDS.contains(&n.kind()) {
            return Some(n);
        }
        up = n.parent();
    }
    None
}

/// The value a name is initialised with when the file declares it exactly
/// once, with `const`, and never assigns it (`const SALT = "pepper"`).
pub fn const_value<'t>(identifier: Node<'t>, text: &str) -> Option<Node<'t>> {
    let identifier = unwrap(identifier);
    if identifier.kind() != "identifier" {
        return None;
    }
    let name = node_text(identifier, text);
    let mut root = identifier;
    while let Some(parent) = root.parent() {
        root = parent;
    }
    let mut found = None;
    let mut declarations = 0;
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "variable_declarator"
                if n.js_field("name")
                    .is_some_and(|t| t.kind() == "identifier" && node_text(t, text) == name) =>
            {
                declarations += 1;
                let is_const = n
                    .parent()
                    .is_some_and(|d| node_text(d, text).starts_with("const"));
                found = is_const.then(|| n.js_field("value")).flatten();
            }
            "assignment_expression" | "augmented_assignment_expression"
                if n.js_field("left")
                    .is_some_and(|t| node_text(t, text) == name) =>
            {
                return None;
            }
            _ => {}
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    (declarations == 1).then_some(found).flatten()
}

/// Whether the file is Node.js code: it imports or requires a Node
/// built-in module, or uses `require`, `module.exports` or `process`.
pub fn is_node_code(checker: &Checker<'_>) -> bool {
    const BUILTINS: &[&str] = &[
        "crypto",
        "fs",
        "path",
        "http",
        "https",
        "net",
        "tls",
        "os",
        "child_process",
        "url",
        "util",
        "stream",
        "events",
        "buffer",
        "zlib",
    ];
    checker.semantic.imports_any(BUILTINS)
        || checker.text.contains("require(")
        || checker.text.contains("module.exports")
        || checker.text.contains("process.env")
}

/// The local name under which the file binds the whole Node `crypto`
/// module, when that is the plain name `crypto`.
pub fn crypto_module_binding(checker: &Checker<'_>) -> Option<&'static str> {
    (checker.semantic.binding("crypto") == Some("crypto")).then_some("crypto")
}

/// An edit adding `crypto` as the Node module at the top of a file that
/// does not bind the name `crypto` at all (`import * as crypto` in ES
/// modules, `const crypto = require("crypto")` in CommonJS).
pub fn add_crypto_import(node: Node<'_>, checker: &Checker<'_>) -> Option<Edit> {
    let text = checker.text;
    if checker.semantic.binding("crypto").is_some() || mentions_word(text, "crypto") {
        return None;
    }
    let mut root = node;
    while let Some(parent) = root.parent() {
        root = parent;
    }
    let mut cursor = root.walk();
    let children: Vec<Node<'_>> = root.named_children(&mut cursor).collect();
    let esm = children
        .iter()
        .any(|c| c.kind() == "import_statement" || c.kind() == "export_statement");
    let is_directive = |c: &Node<'_>| {
        c.kind() == "expression_statement" && c.named_child(0).is_some_and(|s| s.kind() == "string")
    };
    let anchor = children.iter().find(|c| {
        !c.kind().contains("comment") && c.kind() != "hash_bang_line" && !is_directive(c)
    })?;
    let line = if esm {
        "import * as crypto from \"crypto\";\n"
    } else {
        "const crypto = require(\"crypto\");\n"
    };
    Some(Edit::replace(
        anchor.start_byte()..anchor.start_byte(),
        line,
    ))
}

/// Whether `word` occurs in `text` as a whole identifier.
fn mentions_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices(word).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(ident)
            && !text[i + word.len()..].chars().next().is_some_and(ident)
    })
}

/// An edit removing member `member` of an object literal with its comma.
pub fn remove_member(member: Node<'_>) -> Option<Edit> {
    let next = member.next_sibling();
    if let Some(comma) = next.filter(|n| n.kind() == ",") {
        let end = comma
            .next_sibling()
            .map_or(comma.end_byte(), |n| n.start_byte());
        return Some(Edit::replace(member.start_byte()..end, ""));
    }
    if let Some(comma) = member.prev_sibling().filter(|n| n.kind() == ",") {
        return Some(Edit::replace(comma.start_byte()..member.end_byte(), ""));
    }
    Some(Edit::replace(member.byte_range(), ""))
}

/// Whether `node` only runs when a configuration option asks for it: it
/// sits in an `if`, `case` or `?:` whose condition names TLS verification
/// (`if (options.tlsInsecure)`, `case 'no-verify':`,
/// `strictSSL === false ? ... : ...`). Such code implements a user's
/// explicit choice rather than making one.
pub fn configured_by_option(node: Node<'_>, text: &str) -> bool {
    const OPTION_WORDS: &[&str] = &[
        "insecure",
        "verify",
        "reject",
        "strictssl",
        "selfsigned",
        "self_signed",
        "allowinvalid",
        "allow_invalid",
        "skipverif",
        "unauthorized",
    ];
    let names_option = |condition: Node<'_>| {
        let lower = node_text(condition, text).to_ascii_lowercase();
        OPTION_WORDS.iter().any(|w| lower.contains(w))
    };
    let mut current = node;
    while let Some(parent) = current.parent() {
        if FUNCTION_KINDS.contains(&parent.kind()) && parent.kind() != "arrow_function" {
            return false;
        }
        let condition = match parent.kind() {
            "if_statement" => parent
                .js_field("condition")
                .filter(|c| c.byte_range() != current.byte_range()),
            "ternary_expression" => parent
                .js_field("condition")
                .filter(|c| c.byte_range() != current.byte_range()),
            "switch_case" => parent.js_field("value"),
            _ => None,
        };
        if condition.is_some_and(names_option) {
            return true;
        }
        current = parent;
    }
    false
}

// --- helpers: web ---

/// Whether a node is a function (declaration, expression, arrow, method).
pub fn is_function(node: Node<'_>) -> bool {
    FUNCTION_KINDS.contains(&node.kind())
}

/// Every node of a subtree, the root first (comments excluded).
pub fn descendants(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind() == "comment" {
            continue;
        }
        out.push(n);
        let mut cursor = n.walk();
        let children: Vec<Node<'_>> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

/// The receiver and method name of a member call (`res.cookie(...)` ->
/// (`res`, `"cookie"`)).
pub fn member_call<'t>(call: Node<'t>, text: &'t str) -> Option<(Node<'t>, &'t str)> {
    if call.kind() != "call_expression" {
        return None;
    }
    let function = unwrap(call.js_field("function")?);
    if function.kind() != "member_expression" {
        return None;
    }
    let object = function.js_field("object")?;
    let property = function.js_field("property")?;
    Some((object, node_text(property, text)))
}

/// The last word of an expression's name (`this.res` -> `res`,
/// `ctx.response` -> `response`), lower-case.
pub fn last_word(node: Node<'_>, text: &str) -> Option<String> {
    let node = unwrap(node);
    let name = match node.kind() {
        "identifier" | "this" => node_text(node, text),
        "member_expression" => node_text(node.js_field("property")?, text),
        _ => return None,
    };
    super::context::words(name).pop()
}

/// The headers a call sets, lower-case name first: `res.setHeader(n, v)`,
/// `res.header(n, v)`, `res.set(n, v)`, `ctx.set(n, v)`, `res.append(n, v)`,
/// `headers.set(n, v)`, and the object forms `res.set({...})`,
/// `res.writeHead(200, {...})`, `reply.headers({...})`. Only names written
/// as literals count.
pub fn header_assignments<'t>(call: Node<'t>, text: &str) -> Vec<(String, Node<'t>)> {
    let Some((_, method)) = member_call(call, text) else {
        return Vec::new();
    };
    let args = call_args(call);
    let mut out = Vec::new();
    match method {
        "setHeader" | "header" | "set" | "append" | "appendHeader" if args.len() == 2 => {
            if let Some(name) = js_string(args[0], text) {
                out.push((name.to_ascii_lowercase(), args[1]));
            }
        }
        "set" | "header" | "headers" | "writeHead" => {
            let object = match method {
                "writeHead" => args.iter().rev().find(|a| unwrap(**a).kind() == "object"),
                _ if args.len() == 1 => args.first(),
                _ => None,
            };
            if let Some(object) = object.map(|o| unwrap(*o)).filter(|o| o.kind() == "object") {
                let mut cursor = object.walk();
                for member in object.named_children(&mut cursor) {
                    if member.kind() != "pair" {
                        continue;
                    }
                    if let (Some(key), Some(value)) =
                        (property_key(member, text), member.js_field("value"))
                    {
                        out.push((key.to_ascii_lowercase(), value));
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// Edits giving several properties of an object literal a value: existing
/// members are replaced, missing ones are appended together (one edit).
pub fn set_properties(object: Node<'_>, values: &[(&str, &str)], text: &str) -> Vec<Edit> {
    let object = unwrap(object);
    let mut edits = Vec::new();
    let mut missing = Vec::new();
    for &(key, value) in values {
        if object_property(object, key, text).is_some() {
            edits.extend(set_property(object, key, value, text));
        } else {
            missing.push(format!("{key}: {value}"));
        }
    }
    if missing.is_empty() {
        return edits;
    }
    let mut cursor = object.walk();
    let last = object
        .named_children(&mut cursor)
        .filter(|m| m.kind() != "comment")
        .last();
    edits.push(match last {
        Some(last) => Edit::replace(
            last.end_byte()..last.end_byte(),
            format!(", {}", missing.join(", ")),
        ),
        None => Edit::replace(object.byte_range(), format!("{{ {} }}", missing.join(", "))),
    });
    edits
}

/// The function an argument denotes: a function literal, or the name of a
/// function declared in the file (`function onMessage(e) {}`, `const
/// onMessage = (e) => {}`).
pub fn resolve_function<'t>(node: Node<'t>, text: &str) -> Option<Node<'t>> {
    let node = unwrap(node);
    if is_function(node) {
        return Some(node);
    }
    if node.kind() != "identifier" {
        return None;
    }
    let name = node_text(node, text);
    // The nearest scope declaring the name wins.
    let mut scope = node.parent();
    while let Some(s) = scope {
        if (is_function(s) || s.parent().is_none())
            && let Some(found) = declared_function(s, name, text)
        {
            return Some(found);
        }
        scope = s.parent();
    }
    None
}

fn declared_function<'t>(scope: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
    descendants(scope).into_iter().find_map(|n| match n.kind() {
        "function_declaration" | "generator_function_declaration" => n
            .js_field("name")
            .filter(|id| node_text(*id, text) == name)
            .map(|_| n),
        "variable_declarator" => {
            let declared = n.js_field("name")?;
            let value = unwrap(n.js_field("value")?);
            (node_text(declared, text) == name && is_function(value)).then_some(value)
        }
        _ => None,
    })
}

/// The name a function goes by: its own, the variable or property it is
/// assigned to, or the method name.
pub fn function_name<'t>(function: Node<'_>, text: &'t str) -> Option<&'t str> {
    if let Some(name) = function.js_field("name") {
        return Some(node_text(name, text));
    }
    let parent = function.parent()?;
    match parent.kind() {
        "variable_declarator" => parent.js_field("name").map(|n| node_text(n, text)),
        "pair" => property_key(parent, text),
        "assignment_expression" => {
            let left = unwrap(parent.js_field("left")?);
            match left.kind() {
                "member_expression" => left.js_field("property").map(|p| node_text(p, text)),
                _ => Some(node_text(left, text)),
            }
        }
        _ => None,
    }
}

/// Whether an expression reads request input: `req.query.x`,
/// `req.body.x`, `req.params.x`, `req.headers[...]`, `req.cookies.x`,
/// `ctx.query.x`, `ctx.request.body.x`.
pub fn reads_request_input(node: Node<'_>, text: &str) -> bool {
    let node = unwrap(node);
    if !matches!(node.kind(), "member_expression" | "subscript_expression") {
        return false;
    }
    let flat: String = node_text(node, text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut parts = flat.split(['.', '[']);
    let Some(head) = parts.next() else {
        return false;
    };
    if !matches!(head, "req" | "request" | "ctx" | "context") {
        return false;
    }
    let mut next = parts.next();
    if next == Some("request") {
        next = parts.next();
    }
    matches!(
        next,
        Some("query" | "body" | "params" | "headers" | "header" | "cookies" | "signedCookies")
    )
}

/// Modules exporting helmet's API.
const HELMETS: &[&str] = &["helmet", "koa-helmet", "@fastify/helmet", "fastify-helmet"];

/// The options a helmet call configures: `helmet({...})` and
/// `fastify.register(helmet, {...})` give `("", options)`;
/// `helmet.frameguard({...})` and an imported `frameguard({...})` give
/// `("frameguard", options)`.
pub fn helmet_options<'t>(call: Node<'t>, checker: &Checker<'_>) -> Option<(String, Node<'t>)> {
    let text = checker.text;
    let function = call.js_field("function")?;
    let args = call_args(call);
    if let Some((_, "register")) = member_call(call, text) {
        let plugin = unwrap(*args.first()?);
        let names = checker.semantic.qualified_names(plugin, text);
        let imported = plugin.kind() != "identifier"
            || checker.semantic.binding(node_text(plugin, text)).is_some();
        return (imported && names.iter().any(|n| HELMETS.contains(&n.as_str())))
            .then(|| Some((String::new(), unwrap(*args.get(1)?))))
            .flatten();
    }
    if !is_imported(function, checker) {
        return None;
    }
    let names = checker.semantic.qualified_names(unwrap(function), text);
    names.iter().find_map(|name| {
        HELMETS.iter().find_map(|module| {
            let rest = name.strip_prefix(module)?;
            let sub = match rest {
                "" | ".default" => "",
                _ => rest.strip_prefix('.')?,
            };
            Some((sub.to_string(), unwrap(*args.first()?)))
        })
    })
}

/// Like [`object_property`], but a method member (`{ origin(o, cb) {} }`)
/// counts too: the method itself is returned.
pub fn object_member<'t>(object: Node<'t>, key: &str, text: &str) -> Option<Node<'t>> {
    let object = unwrap(object);
    if object.kind() != "object" {
        return None;
    }
    let mut cursor = object.walk();
    let members: Vec<Node<'t>> = object.named_children(&mut cursor).collect();
    members.into_iter().rev().find_map(|member| {
        if member.kind() == "method_definition" {
            let name = member.js_field("name")?;
            return (node_text(name, text).trim_matches(['"', '\'']) == key).then_some(member);
        }
        if property_key(member, text)? != key {
            return None;
        }
        match member.kind() {
            "pair" => member.js_field("value"),
            _ => Some(member),
        }
    })
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
                    "export_statement" => statement.js_field("declaration"),
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
                            .js_field("name")
                            .is_some_and(|n| n.kind() == "identifier" && node_text(n, text) == name)
                        && let Some(value) = declarator.js_field("value")
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
        "member_expression" => node.js_field("property").map(|p| node_text(p, text)),
        "subscript_expression" => {
            let index = node.js_field("index")?;
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
                let property = receiver.js_field("property")?;
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
    let left = unwrap(assignment.js_field("left")?);
    if left.kind() != "member_expression" {
        return None;
    }
    let property = left.js_field("property")?;
    let object = unwrap(left.js_field("object")?);
    let object_name = node_text(object, text);
    (node_text(property, text) == "body"
        && matches!(
            object_name,
            "ctx" | "context" | "this" | "ctx.response" | "this.response"
        ))
    .then(|| assignment.js_field("right"))
    .flatten()
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
                .js_field("operator")
                .is_some_and(|o| node_text(o, text) == "+") =>
        {
            let mut parts = Vec::new();
            if let Some(left) = node.js_field("left") {
                parts.extend(string_parts(left, text));
            }
            if let Some(right) = node.js_field("right") {
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
                    .js_field("operator")
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
                .js_field("function")
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
                "pair" => m.js_field("value").is_some_and(|v| is_process_env(v, text)),
                _ => false,
            })
        }
        _ => false,
    }
}
