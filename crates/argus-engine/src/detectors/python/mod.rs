//! Python detectors.

pub mod assert_used_for_security;
pub mod aws_kms_reencryption;
pub mod aws_logged_credentials;
pub mod aws_polling_instead_of_waiter;
pub mod aws_unchecked_batch_failures;
pub mod boto3;
pub mod catch_and_rethrow_exception;
pub mod clear_text_credentials;
pub mod code_injection;
pub mod cross_site_request_forgery;
pub mod cross_site_scripting;
pub mod default_argument_mutable_objects;
pub mod deprecated_method;
pub mod detect_activated_debug_feature;
pub mod dict_get_method;
pub mod do_not_auto_add_or_warning_missing_hostkey_policy;
pub mod docker_arbitrary_container_run;
pub mod equality_vs_identity;
pub mod hardcoded_credentials;
pub mod hardcoded_ip_address;
pub mod hashlib_constructor;
pub mod header_injection;
pub mod improper_authentication;
pub mod improper_certificate_validation;
pub mod improper_privilege_management;
pub mod insecure_connection;
pub mod insecure_cookie;
pub mod insecure_cors_policy;
pub mod insecure_cryptography;
pub mod insecure_hashing;
pub mod insecure_random;
pub mod insecure_socket_bind;
pub mod insecure_temp_file;
pub mod iterating_sequence_modification;
pub mod jwt_verification_disabled;
pub mod lambda_client_reuse;
pub mod lambda_override_reserved;
pub mod ldap_authentication;
pub mod ldap_injection;
pub mod leaky_subprocess_timeout;
pub mod log_injection;
pub mod loose_file_permissions;
pub mod missing_pagination;
pub mod module_injection;
pub mod multidimension_list_using_replication;
pub mod naive_datatime_time_zone_issues;
pub mod nosql_injection;
pub mod open_redirect;
pub mod os_command_injection;
pub mod path_traversal;
pub mod pytorch_avoid_softmax_with_nllloss_rule;
pub mod pytorch_miss_call_to_zero_grad;
pub mod pytorch_redundant_softmax;
pub mod pytorch_sigmoid_before_bceloss;
pub mod regular_expression_dos;
pub mod resource_leak;
pub mod s3_verify_bucket_owner;
pub mod server_side_request_forgery;
pub mod sns_set_return_subscription_arn;
pub mod sns_unauthenticated_unsubscribe;
pub mod socket_connection_timeout;
pub mod sql_injection;
pub mod stack_trace_exposure;
pub mod string_concatenation;
pub mod swallow_exceptions;
pub mod template_injection;
pub mod tensorflow_redundant_softmax;
pub mod unrestricted_file_upload;
pub mod untrusted_ami_images;
pub mod untrusted_deserialization;
pub mod weak_obfuscation_of_request;
pub mod xml_external_entity;
pub mod xpath_injection;
pub mod zip_bomb_attack;

use tree_sitter::Node;

use crate::fix::Edit;
use crate::lang::PythonField;

/// An edit deleting a call argument together with the comma and spaces
/// that follow it (`f(a, b)` -> `f(b)`).
pub fn remove_argument(argument: Node<'_>, text: &str) -> Edit {
    let mut end = argument.end_byte();
    if let Some(comma) = argument.next_sibling().filter(|n| n.kind() == ",") {
        end = comma.end_byte();
        end += text[end..].len() - text[end..].trim_start_matches([' ', '\t']).len();
    }
    Edit::replace(argument.start_byte()..end, "")
}

/// An edit deleting a keyword (or last) argument with the comma before it
/// when it is the last one (`f(a, shell=True)` -> `f(a)`).
pub fn remove_keyword_argument(argument: Node<'_>, text: &str) -> Edit {
    if argument.next_sibling().is_some_and(|n| n.kind() == ",") {
        return remove_argument(argument, text);
    }
    match argument.prev_sibling().filter(|p| p.kind() == ",") {
        Some(comma) => Edit::replace(comma.start_byte()..argument.end_byte(), ""),
        None => Edit::replace(argument.byte_range(), ""),
    }
}

/// `NAME = value` written as a statement of the module itself (the shape
/// of a settings module): the name and the value.
pub fn module_setting<'t>(assignment: Node<'t>, text: &'t str) -> Option<(&'t str, Node<'t>)> {
    assignment
        .parent()
        .filter(|p| p.kind() == "expression_statement")?
        .parent()
        .filter(|m| m.kind() == "module")?;
    let name = assignment
        .py_field("left")
        .filter(|l| l.kind() == "identifier")?;
    let value = assignment.py_field("right")?;
    Some((node_text_of(name, text), value))
}

/// Every `NAME = value` at the top level of the module holding `node`.
pub fn module_settings<'t>(node: Node<'t>, text: &'t str) -> Vec<(&'t str, Node<'t>)> {
    let mut module = node;
    while let Some(parent) = module.parent() {
        module = parent;
    }
    let mut cursor = module.walk();
    module
        .named_children(&mut cursor)
        .filter_map(|statement| statement.named_child(0))
        .filter(|a| matches!(a.kind(), "assignment" | "augmented_assignment"))
        .filter_map(|a| module_setting(a, text))
        .collect()
}

/// The `attribute` node naming the method of `module.method(...)` when the
/// callee is written that way (not through an imported bare name).
pub fn method_name_node(call: Node<'_>) -> Option<Node<'_>> {
    crate::semantic::method_call(call).map(|(_, method)| method)
}

/// An edit adding `import module` to a file that does not import it yet:
/// before the first import (after `from __future__` imports and the module
/// docstring). `None` when the module is already imported.
pub fn add_import(root: Node<'_>, text: &str, module: &str) -> Option<Option<Edit>> {
    let mut cursor = root.walk();
    let statements: Vec<Node<'_>> = root.named_children(&mut cursor).collect();
    let already = statements.iter().any(|s| {
        s.kind() == "import_statement"
            && s.named_children(&mut s.walk())
                .any(|n| node_text_of(n, text) == module)
    });
    if already {
        return Some(None);
    }
    let is_future = |s: &Node<'_>| {
        s.kind() == "future_import_statement"
            || (s.kind() == "import_from_statement"
                && s.py_field("module_name")
                    .is_some_and(|m| node_text_of(m, text) == "__future__"))
    };
    let is_docstring = |s: &Node<'_>| {
        s.kind() == "expression_statement" && s.named_child(0).is_some_and(|c| c.kind() == "string")
    };
    let anchor = statements
        .iter()
        .find(|s| !is_future(s) && !is_docstring(s) && s.kind() != "comment")?;
    let at = anchor.start_byte();
    Some(Some(Edit::replace(at..at, format!("import {module}\n"))))
}

/// The function definition holding `node`; `None` at module level, in a
/// class body or in a lambda (whose code runs elsewhere).
pub fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut up = node.parent();
    while let Some(n) = up {
        match n.kind() {
            "function_definition" => return Some(n),
            "lambda" | "class_definition" => return None,
            _ => up = n.parent(),
        }
    }
    None
}

/// The function holding `node`, or the module outside any.
pub fn enclosing_scope(node: Node<'_>) -> Node<'_> {
    let mut scope = node;
    while let Some(parent) = scope.parent() {
        scope = parent;
        if scope.kind() == "function_definition" {
            break;
        }
    }
    scope
}

/// `s.replace("\n", ...)`, `.replace("\r", ...)` or `.translate(...)`:
/// a call removing line breaks (a sanitizer for logs and headers).
pub fn strips_line_breaks(call: Node<'_>, text: &str) -> bool {
    let Some((_, method)) = crate::semantic::method_call(call) else {
        return false;
    };
    match node_text_of(method, text) {
        "replace" => crate::semantic::positional_arguments(crate::lang::Grammar::Python, call)
            .first()
            .is_some_and(|a| {
                let first = node_text_of(*a, text);
                first.contains("\\n") || first.contains("\\r")
            }),
        "translate" => true,
        _ => false,
    }
}

/// The statements (comments left out) of the block of a clause (`except`,
/// `else`, `finally`, a function).
pub fn block_statements(clause: Node<'_>) -> Option<Vec<Node<'_>>> {
    let body = clause
        .named_children(&mut clause.walk())
        .find(|c| c.kind() == "block")?;
    let statements = body
        .named_children(&mut body.walk())
        .filter(|s| s.kind() != "comment")
        .collect();
    Some(statements)
}

/// The parameter names of a function definition, in order (`""` for a
/// bare `*` or `/`).
pub fn parameter_names<'t>(function: Node<'_>, text: &'t str) -> Vec<&'t str> {
    let Some(parameters) = function.py_field("parameters") else {
        return Vec::new();
    };
    parameters
        .named_children(&mut parameters.walk())
        .map(|p| {
            let id = if p.kind() == "identifier" {
                Some(p)
            } else {
                p.py_field("name")
                    .or_else(|| p.named_child(0))
                    .filter(|n| n.kind() == "identifier")
            };
            id.map_or("", |id| node_text_of(id, text))
        })
        .collect()
}

/// Every identifier node spelling `name` under `node` (nested functions
/// included: a closure using the name counts as a use).
pub fn identifiers_named<'t>(node: Node<'t>, name: &str, text: &str, out: &mut Vec<Node<'t>>) {
    if node.kind() == "identifier" && node_text_of(node, text) == name {
        out.push(node);
        return;
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        identifiers_named(child, name, text, out);
    }
}

/// The other places the function holding `target` (a variable being
/// assigned) names that variable; `None` outside a function.
pub fn other_uses<'t>(target: Node<'t>, text: &str) -> Option<Vec<Node<'t>>> {
    let function = enclosing_function(target)?;
    let mut uses = Vec::new();
    identifiers_named(function, node_text_of(target, text), text, &mut uses);
    uses.retain(|u| u.id() != target.id());
    Some(uses)
}

fn node_text_of<'t>(node: Node<'_>, text: &'t str) -> &'t str {
    &text[node.byte_range()]
}

/// A piece of an f-string: literal text or an interpolated expression.
pub enum FStringPart<'t> {
    Literal(&'t str),
    Expression(Node<'t>),
}

/// The parts of an f-string whose interpolations are plain expressions (no
/// conversion or format spec), with its prefix letters other than `f` and
/// its quote; `None` for anything else.
pub fn fstring_parts<'t>(node: Node<'t>, text: &'t str) -> Option<(String, Vec<FStringPart<'t>>)> {
    if node.kind() != "string" {
        return None;
    }
    let mut opening = None;
    let mut parts = Vec::new();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "string_start" => opening = Some(node_text_of(child, text)),
            "string_content" | "escape_sequence" => {
                parts.push(FStringPart::Literal(node_text_of(child, text)))
            }
            "interpolation" => {
                if child.py_field("type_conversion").is_some()
                    || child.py_field("format_specifier").is_some()
                {
                    return None;
                }
                parts.push(FStringPart::Expression(child.py_field("expression")?));
            }
            "string_end" => {}
            _ => return None,
        }
    }
    let opening = opening?;
    if !opening.contains(['f', 'F']) {
        return None;
    }
    let start: String = opening
        .chars()
        .filter(|c| !matches!(c, 'f' | 'F'))
        .collect();
    Some((start, parts))
}
