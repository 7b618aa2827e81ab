//! Java detectors.

// Java: XML parsers and deserializer configuration.
pub mod deserialization_config;
pub mod xml;
pub mod xml_external_entity;
//
pub mod insecure_hashing;
//
// Java: cryptography and TLS.
pub mod aws_kms_reencryption;
pub mod cipher_update_aad;
mod crypto;
pub mod improper_certificate_validation;
pub mod insecure_connection;
pub mod insecure_cryptography;
pub mod partial_encryption;
pub mod unverified_hostname;
pub mod weak_random_number_generation;
//
// Java: web configuration, credentials and files.
pub mod clear_text_credentials;
pub mod cross_site_request_forgery;
pub mod hardcoded_credentials;
pub mod incorrect_authentication_exploitation;
pub mod insecure_cookie;
pub mod insecure_cors_policy;
pub mod insecure_temporary_file;
pub mod ldap_authentication;
pub mod loose_file_permissions;
pub mod sensitive_information_leak;
pub mod session_fixation;
pub mod weak_obfuscation_of_request;
mod web;
//
// Java: AWS and code quality.
pub mod amazon_sqs_enable_long_polling;
pub mod aws_dynamodb_getitem_null_check;
pub mod iterate_on_map_entries;
pub mod lambda_client_reuse;
pub mod missing_check_on_createnewfile;
pub mod missing_file_deletion_result_check;
pub mod missing_getcause_on_invocationtargetexception;
pub mod missing_position_check_before_substring;
pub mod missing_timeout_check_on_awaittermination;
pub mod missing_timeout_check_on_latch_await;
mod quality;
pub mod resource_leak;
pub mod s3_verify_bucket_owner;
pub mod simple_date_format_time_zone;
pub mod stream_min_max_vs_sort;
pub mod string_equality_check;
pub mod untrusted_ami_images;
//
// Java: taint.
pub mod code_injection;
pub mod cross_site_scripting;
pub mod expression_injection;
pub mod http_response_splitting;
pub mod ldap_injection;
pub mod log_injection;
pub mod open_redirect;
pub mod os_command_injection;
pub mod path_traversal;
pub mod server_side_request_forgery;
mod sql_fix;
pub mod sql_injection;
pub mod template_injection;
pub mod unsafe_reflection;
pub mod untrusted_data_in_decision;
pub mod untrusted_deserialization;
pub mod xpath_injection;
//

use tree_sitter::Node;

use crate::lang::Grammar;
use crate::semantic::{node_text, positional_arguments, string_literal};

/// The string a Java expression is known to hold: a literal, or the name of
/// a `final` field of an enclosing class initialised with a literal.
pub fn constant_string(expr: Node<'_>, text: &str) -> Option<String> {
    if let Some(value) = string_literal(expr, text) {
        return Some(value);
    }
    if expr.kind() != "identifier" {
        return None;
    }
    let name = &text[expr.byte_range()];
    let mut scope = expr.parent();
    while let Some(node) = scope {
        if node.kind() == "class_body"
            || node.kind() == "interface_body"
            || node.kind() == "enum_body_declarations"
        {
            let mut cursor = node.walk();
            for member in node.named_children(&mut cursor) {
                if member.kind() != "field_declaration" && member.kind() != "constant_declaration" {
                    continue;
                }
                let is_final = member.kind() == "constant_declaration"
                    || member
                        .named_child(0)
                        .filter(|m| m.kind() == "modifiers")
                        .is_some_and(|m| {
                            text[m.byte_range()]
                                .split_whitespace()
                                .any(|w| w == "final")
                        });
                if !is_final {
                    continue;
                }
                let mut inner = member.walk();
                for declarator in member.children_by_field_name("declarator", &mut inner) {
                    let declared = declarator
                        .child_by_field_name("name")
                        .map(|n| &text[n.byte_range()]);
                    if declared == Some(name) {
                        return declarator
                            .child_by_field_name("value")
                            .and_then(|v| string_literal(v, text));
                    }
                }
            }
        }
        scope = node.parent();
    }
    None
}

/// The arguments of a method call or object creation.
pub fn call_args(call: Node<'_>) -> Vec<Node<'_>> {
    positional_arguments(Grammar::Java, call)
}

/// The method name of a call (`execute` in `stmt.execute(sql)`).
pub fn method_name<'t>(call: Node<'_>, text: &'t str) -> Option<&'t str> {
    (call.kind() == "method_invocation")
        .then(|| call.child_by_field_name("name"))
        .flatten()
        .map(|n| node_text(n, text))
}

/// The object a method is called on (`stmt` in `stmt.execute(sql)`).
pub fn receiver(call: Node<'_>) -> Option<Node<'_>> {
    (call.kind() == "method_invocation")
        .then(|| call.child_by_field_name("object"))
        .flatten()
}

/// The method, constructor or lambda a node is in.
pub fn enclosing_method(node: Node<'_>) -> Option<Node<'_>> {
    let mut up = node.parent();
    while let Some(n) = up {
        if matches!(
            n.kind(),
            "method_declaration"
                | "constructor_declaration"
                | "lambda_expression"
                | "compact_constructor_declaration"
                | "static_initializer"
        ) {
            return Some(n);
        }
        up = n.parent();
    }
    None
}

/// The class or enum a node is declared in.
pub fn enclosing_class(node: Node<'_>) -> Option<Node<'_>> {
    let mut up = node.parent();
    while let Some(n) = up {
        if matches!(
            n.kind(),
            "class_declaration"
                | "enum_declaration"
                | "record_declaration"
                | "interface_declaration"
        ) {
            return Some(n);
        }
        up = n.parent();
    }
    None
}

/// Every node under `node`, itself first, in source order, without
/// comments.
pub fn descendants(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if matches!(n.kind(), "line_comment" | "block_comment") {
            continue;
        }
        out.push(n);
        let mut cursor = n.walk();
        let children: Vec<Node<'_>> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

/// The value of a `true`/`false` literal.
pub fn bool_literal(node: Node<'_>) -> Option<bool> {
    match node.kind() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// The value of an integer literal (`2048`, `0x800`, `1_024`).
pub fn int_literal(node: Node<'_>, text: &str) -> Option<i64> {
    let raw = node_text(node, text).replace('_', "");
    let raw = raw.trim_end_matches(['L', 'l']);
    match node.kind() {
        "decimal_integer_literal" => raw.parse().ok(),
        "hex_integer_literal" => {
            i64::from_str_radix(raw.trim_start_matches("0x").trim_start_matches("0X"), 16).ok()
        }
        "octal_integer_literal" => i64::from_str_radix(raw.trim_start_matches('0'), 8)
            .ok()
            .or(Some(0)),
        _ => None,
    }
}

/// Whether a call removes line breaks from a string: `replace("\n", ..)`,
/// `replaceAll("[\r\n]", ..)`, `strip`-style helpers that remove them.
pub fn removes_line_breaks(call: Node<'_>, text: &str) -> bool {
    let Some(method) = method_name(call, text) else {
        return false;
    };
    if !matches!(
        method,
        "replace"
            | "replaceAll"
            | "replaceChars"
            | "remove"
            | "removeAll"
            | "deleteWhitespace"
            | "normalizeSpace"
    ) {
        return false;
    }
    if matches!(method, "deleteWhitespace" | "normalizeSpace") {
        return true;
    }
    let args = call_args(call);
    let pattern = match method {
        "replaceChars" | "remove" | "removeAll" => args.get(1),
        _ => args.first(),
    };
    pattern.is_some_and(|p| {
        let written = node_text(*p, text);
        written.contains("\\n")
            || written.contains("\\r")
            || written.contains("\\R")
            || written.contains("\\s")
            || written.contains("\\v")
            || written.contains("\n")
            || written.contains("\r")
    })
}

/// The text of a one-line Java string literal, quotes removed and simple
/// escapes resolved (`"name = '"` -> `name = '`).
pub fn literal_text(node: Node<'_>, text: &str) -> Option<String> {
    let written = node_text(node, text);
    let inner = written.strip_prefix('"')?.strip_suffix('"')?;
    if inner.starts_with("\"\"") {
        return None;
    }
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '\'' => out.push('\''),
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            _ => return None,
        }
    }
    Some(out)
}
