//! Helpers shared by the Java cryptography and TLS detectors: finding the
//! declaration of a variable, its declared type, and telling logging from
//! work.

use tree_sitter::Node;

use super::super::Checker;
use super::{descendants, enclosing_method, method_name, receiver};
use crate::semantic::node_text;

/// Where a name is declared: its type node and, for variables and fields,
/// the initial value.
#[derive(Debug, Clone, Copy)]
pub struct Declaration<'t> {
    pub kind: DeclarationKind,
    pub ty: Option<Node<'t>>,
    pub value: Option<Node<'t>>,
    /// The declared name's node.
    pub name: Node<'t>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclarationKind {
    Local,
    Parameter,
    Field,
}

/// Whether the call invokes one of `targets` (qualified names).
pub fn calls(checker: &Checker<'_>, call: Node<'_>, targets: &[&str]) -> bool {
    checker
        .semantic
        .callee_names(call, checker.text)
        .iter()
        .any(|n| targets.contains(&n.as_str()))
}

/// Whether a type node names one of `targets` (qualified names).
pub fn type_is(checker: &Checker<'_>, ty: Node<'_>, targets: &[&str]) -> bool {
    checker
        .semantic
        .qualified_names(ty, checker.text)
        .iter()
        .any(|n| targets.contains(&n.as_str()))
}

/// The declarators of a local variable declaration, field or constant.
fn declarators<'t>(decl: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = decl.walk();
    decl.children_by_field_name("declarator", &mut cursor)
        .collect()
}

/// The declaration of the variable, parameter or field `ident` refers to:
/// the nearest local declared before it or parameter of an enclosing
/// method or lambda, else a field of an enclosing class.
pub fn declaration_of<'t>(ident: Node<'t>, text: &str) -> Option<Declaration<'t>> {
    if ident.kind() != "identifier" {
        // `this.field`
        if ident.kind() == "field_access"
            && ident
                .child_by_field_name("object")
                .is_some_and(|o| o.kind() == "this")
            && let Some(field) = ident.child_by_field_name("field")
        {
            return field_declaration(ident, node_text(field, text), text);
        }
        return None;
    }
    let name = node_text(ident, text);
    let mut scope = enclosing_method(ident);
    while let Some(method) = scope {
        let mut found = None;
        for node in descendants(method) {
            if node.start_byte() >= ident.start_byte() {
                break;
            }
            match node.kind() {
                "local_variable_declaration" | "resource" | "enhanced_for_statement" => {
                    let ds = if node.kind() == "local_variable_declaration" {
                        declarators(node)
                    } else {
                        vec![node]
                    };
                    for d in ds {
                        if d.child_by_field_name("name")
                            .is_some_and(|n| node_text(n, text) == name)
                        {
                            let ty = if node.kind() == "local_variable_declaration" {
                                node.child_by_field_name("type")
                            } else {
                                d.child_by_field_name("type")
                            };
                            found = Some(Declaration {
                                kind: DeclarationKind::Local,
                                ty,
                                value: d.child_by_field_name("value"),
                                name: d.child_by_field_name("name")?,
                            });
                        }
                    }
                }
                "formal_parameter" | "spread_parameter" => {
                    if let Some(n) = node
                        .child_by_field_name("name")
                        .filter(|n| node_text(*n, text) == name)
                    {
                        found = Some(Declaration {
                            kind: DeclarationKind::Parameter,
                            ty: node.child_by_field_name("type"),
                            value: None,
                            name: n,
                        });
                    }
                }
                _ => {}
            }
        }
        if found.is_some() {
            return found;
        }
        scope = enclosing_method(method);
    }
    field_declaration(ident, name, text)
}

fn field_declaration<'t>(from: Node<'t>, name: &str, text: &str) -> Option<Declaration<'t>> {
    let mut scope = from.parent();
    while let Some(node) = scope {
        if matches!(
            node.kind(),
            "class_body" | "interface_body" | "enum_body_declarations"
        ) {
            let mut cursor = node.walk();
            for member in node.named_children(&mut cursor) {
                if !matches!(member.kind(), "field_declaration" | "constant_declaration") {
                    continue;
                }
                for d in declarators(member) {
                    if let Some(n) = d
                        .child_by_field_name("name")
                        .filter(|n| node_text(*n, text) == name)
                    {
                        return Some(Declaration {
                            kind: DeclarationKind::Field,
                            ty: member.child_by_field_name("type"),
                            value: d.child_by_field_name("value"),
                            name: n,
                        });
                    }
                }
            }
        }
        scope = node.parent();
    }
    None
}

/// Whether the declaration of a field carries `final`.
pub fn is_final_field(decl: &Declaration<'_>, text: &str) -> bool {
    decl.kind == DeclarationKind::Field
        && decl
            .name
            .parent()
            .and_then(|d| d.parent())
            .is_some_and(|member| {
                member.kind() == "constant_declaration"
                    || member
                        .named_child(0)
                        .filter(|m| m.kind() == "modifiers")
                        .is_some_and(|m| {
                            node_text(m, text).split_whitespace().any(|w| w == "final")
                        })
            })
}

/// Whether the variable or field `ident` refers to is declared with one of
/// the types `targets`, or initialised by a call to one of `factories`.
pub fn variable_is(
    checker: &Checker<'_>,
    ident: Node<'_>,
    targets: &[&str],
    factories: &[&str],
) -> bool {
    let Some(decl) = declaration_of(ident, checker.text) else {
        return false;
    };
    decl.ty.is_some_and(|t| type_is(checker, t, targets))
        || decl.value.is_some_and(|v| {
            matches!(v.kind(), "method_invocation" | "object_creation_expression")
                && calls(checker, v, factories)
        })
}

/// Receivers and methods of logging and printing calls.
const LOGGERS: &[&str] = &["log", "logger", "logging", "out", "err"];
const LOG_METHODS: &[&str] = &[
    "trace", "debug", "info", "warn", "warning", "error", "fatal", "println", "print", "printf",
    "log", "severe", "fine", "finer", "finest", "config",
];

/// Whether a call only logs or prints (`LOG.debug(...)`, `System.out.println`).
pub fn is_logging_call(call: Node<'_>, text: &str) -> bool {
    let Some(name) = method_name(call, text) else {
        return false;
    };
    let on_logger = receiver(call).is_some_and(|r| {
        let last = node_text(r, text).rsplit('.').next().unwrap_or("");
        let lower = last.to_ascii_lowercase();
        LOGGERS.iter().any(|l| lower == *l || lower.ends_with(l))
    });
    on_logger || (receiver(call).is_none() && LOG_METHODS.contains(&name))
}

/// Hosts that are no remote peer: loopback, documentation and reserved
/// names, and private networks.
pub fn local_or_example_host(host: &str) -> bool {
    let host = host.trim_start_matches('[');
    let host = host
        .split(['/', '?', '#', ']'])
        .next()
        .unwrap_or("")
        .rsplit('@')
        .next()
        .unwrap_or("");
    let host = if host.matches(':').count() == 1 {
        host.split(':').next().unwrap_or("")
    } else {
        host
    };
    let lower = host.to_ascii_lowercase();
    if lower.is_empty()
        || !lower
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'))
    {
        // Empty, templated (`%s`, `{host}`, `${host}`) or otherwise not a
        // written-out host.
        return true;
    }
    let private_ip = {
        let octets: Vec<u8> = lower.split('.').filter_map(|o| o.parse().ok()).collect();
        octets.len() == 4
            && (octets[0] == 10
                || octets[0] == 127
                || octets[0] == 0
                || (octets[0] == 192 && octets[1] == 168)
                || (octets[0] == 172 && (16..32).contains(&octets[1]))
                || (octets[0] == 169 && octets[1] == 254))
    };
    private_ip
        || lower == "localhost"
        || lower == "::1"
        || lower == "::"
        || lower.ends_with(".localhost")
        || lower.ends_with(".local")
        || lower.ends_with(".test")
        || lower.ends_with(".example")
        || lower.ends_with(".invalid")
        || lower.ends_with(".internal")
        || ["example.com", "example.org", "example.net"]
            .iter()
            .any(|d| lower == *d || lower.ends_with(&format!(".{d}")))
        || !lower.contains('.') && !lower.contains(':')
}

/// The transformation a `Cipher` variable was made for: the constant
/// given to the `Cipher.getInstance` call that initialises it, or that the
/// enclosing method last assigned to it before `at`.
pub fn cipher_transformation(
    checker: &Checker<'_>,
    recv: Node<'_>,
    at: Node<'_>,
) -> Option<String> {
    const GET_INSTANCE: &[&str] = &["javax.crypto.Cipher.getInstance"];
    let text = checker.text;
    let from_call = |call: Node<'_>| -> Option<String> {
        if call.kind() != "method_invocation" || !calls(checker, call, GET_INSTANCE) {
            return None;
        }
        super::constant_string(*super::call_args(call).first()?, text)
    };
    let name = node_text(recv, text);
    let mut assigned = None;
    if let Some(method) = enclosing_method(at) {
        for node in descendants(method) {
            if node.start_byte() >= at.start_byte() {
                break;
            }
            if node.kind() == "assignment_expression"
                && node
                    .child_by_field_name("left")
                    .is_some_and(|l| node_text(l, text) == name)
            {
                assigned = node.child_by_field_name("right");
            }
        }
    }
    if let Some(value) = assigned {
        return from_call(value);
    }
    from_call(declaration_of(recv, text)?.value?)
}

/// Whether a transformation names a public-key cipher, which buffers all
/// input until `doFinal` (`RSA/ECB/OAEPWithSHA-256AndMGF1Padding`,
/// `ElGamal`, `ECIES`).
pub fn asymmetric_transformation(transformation: &str) -> bool {
    let algorithm = transformation
        .split('/')
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    [
        "RSA", "ELGAMAL", "ECIES", "IES", "DHIES", "ECDH", "SM2", "NTRU", "MCELIECE",
    ]
    .iter()
    .any(|a| algorithm.starts_with(a))
}
