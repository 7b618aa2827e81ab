//! What a Python expression holds when it comes from boto3: a client or a
//! resource of some AWS service, or a session. Shared by the AWS
//! detectors, which ask "is `s3` here a boto3 S3 client?" instead of
//! trusting a variable's name.
//!
//! A name is followed to the value it was last assigned before its use in
//! the enclosing function, else at the top of the module; `self.name` to
//! an assignment of `self.name` in the enclosing class (or a class-level
//! `name = ...`). Parameters and anything else stay unknown, so the
//! detectors that need a client say nothing about them.

use tree_sitter::Node;

use super::enclosing_scope;
use crate::detectors::Checker;
use crate::lang::PythonField;
use crate::semantic::{argument, method_call, node_text, string_literal};

/// The kind of boto3 object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Client,
    Resource,
    Session,
}

/// A boto3 object and, for clients and resources, its service when it is
/// written as a literal (`boto3.client("s3")`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Boto3 {
    pub kind: Kind,
    pub service: Option<String>,
}

impl Boto3 {
    /// A client of `service`.
    pub fn is_client_of(&self, service: &str) -> bool {
        self.kind == Kind::Client && self.service.as_deref() == Some(service)
    }
}

/// How many assignments are followed from a use to the creating call.
const DEPTH: usize = 6;

/// The boto3 object an expression denotes, when it can be traced to the
/// call that made it.
pub fn boto3_object(expr: Node<'_>, checker: &Checker<'_>) -> Option<Boto3> {
    resolve(expr, checker, DEPTH)
}

/// The receiver of a method call (`s3` in `s3.get_object(...)`) as a boto3
/// object, with the method's name.
pub fn method_on_boto3<'t>(call: Node<'t>, checker: &Checker<'t>) -> Option<(&'t str, Boto3)> {
    let (object, method) = method_call(call)?;
    Some((checker.text_of(method), boto3_object(object, checker)?))
}

/// The method name of `x.method(...)`.
pub fn method_name<'t>(call: Node<'_>, text: &'t str) -> Option<&'t str> {
    method_call(call).map(|(_, m)| node_text(m, text))
}

fn resolve(expr: Node<'_>, checker: &Checker<'_>, depth: usize) -> Option<Boto3> {
    if depth == 0 {
        return None;
    }
    match expr.kind() {
        "parenthesized_expression" => resolve(expr.named_child(0)?, checker, depth - 1),
        "call" => creation(expr, checker, depth),
        "identifier" => {
            let value = assigned_value(expr, checker.text)?;
            resolve(value, checker, depth - 1)
        }
        "attribute" => {
            let object = expr.py_field("object")?;
            let attribute = checker.text_of(expr.py_field("attribute")?);
            // `resource.meta.client`: the resource's own client.
            if attribute == "client"
                && object.kind() == "attribute"
                && object
                    .py_field("attribute")
                    .is_some_and(|a| checker.text_of(a) == "meta")
            {
                let owner = resolve(object.py_field("object")?, checker, depth - 1)?;
                return (owner.kind == Kind::Resource).then_some(Boto3 {
                    kind: Kind::Client,
                    service: owner.service,
                });
            }
            if object.kind() == "identifier" && checker.text_of(object) == "self" {
                // Every value the attribute is given must say the same.
                let values = self_attribute_values(expr, attribute, checker.text);
                let mut resolved = None;
                for value in values {
                    let this = resolve(value, checker, depth - 1)?;
                    if resolved.as_ref().is_some_and(|r| *r != this) {
                        return None;
                    }
                    resolved = Some(this);
                }
                return resolved;
            }
            None
        }
        _ => None,
    }
}

/// `boto3.client("s3")`, `boto3.resource("s3")`, `boto3.Session(...)`,
/// `session.client("s3")` on a session.
fn creation(call: Node<'_>, checker: &Checker<'_>, depth: usize) -> Option<Boto3> {
    let text = checker.text;
    let service = || argument(call, 0, "service_name", text).and_then(|s| string_literal(s, text));
    let names = checker.semantic.callee_names(call, text);
    let named = |targets: &[&str]| names.iter().any(|n| targets.contains(&n.as_str()));
    if named(&["boto3.client", "boto3.session.Session.client"]) {
        return Some(Boto3 {
            kind: Kind::Client,
            service: service(),
        });
    }
    if named(&["boto3.resource"]) {
        return Some(Boto3 {
            kind: Kind::Resource,
            service: service(),
        });
    }
    if named(&[
        "boto3.Session",
        "boto3.session.Session",
        "boto3.session.Session",
        "botocore.session.get_session",
        "botocore.session.Session",
    ]) {
        return Some(Boto3 {
            kind: Kind::Session,
            service: None,
        });
    }
    let function = call
        .py_field("function")
        .filter(|f| f.kind() == "attribute")?;
    let method = checker.text_of(function.py_field("attribute")?);
    let kind = match method {
        "client" | "create_client" => Kind::Client,
        "resource" => Kind::Resource,
        _ => return None,
    };
    let service = service();
    match resolve(function.py_field("object")?, checker, depth - 1) {
        Some(owner) => (owner.kind == Kind::Session).then_some(Boto3 { kind, service }),
        // A session handed in from elsewhere (`session.client("s3")`,
        // `self.session.resource("dynamodb")`): in a file using boto3, the
        // service name written out says what it makes.
        None => service
            .filter(|s| is_service_name(s) && uses_boto(checker))
            .map(|s| Boto3 {
                kind,
                service: Some(s),
            }),
    }
}

/// An AWS service name as boto3 spells it (`s3`, `ec2`, `dynamodb`,
/// `resourcegroupstaggingapi`, `sagemaker-runtime`).
fn is_service_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 40
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The value last assigned to the name `identifier` before its use: in the
/// enclosing function, else among the module's statements.
pub fn assigned_value<'t>(identifier: Node<'t>, text: &str) -> Option<Node<'t>> {
    let name = node_text(identifier, text);
    let scope = enclosing_scope(identifier);
    let before = identifier.start_byte();
    let found = last_assignment(scope, name, text, Some(before));
    if found.is_some() || scope.kind() == "module" {
        return found;
    }
    let mut module = scope;
    while let Some(parent) = module.parent() {
        module = parent;
    }
    last_assignment(module, name, text, None)
}

/// The right side of the last `name = value` (or `with value as name`) in
/// `scope`, not inside nested functions or classes, starting before
/// `before` when given.
fn last_assignment<'t>(
    scope: Node<'t>,
    name: &str,
    text: &str,
    before: Option<usize>,
) -> Option<Node<'t>> {
    let mut found: Option<Node<'t>> = None;
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        if before.is_some_and(|b| node.start_byte() >= b) {
            continue;
        }
        if node != scope && matches!(node.kind(), "function_definition" | "class_definition") {
            continue;
        }
        let value = match node.kind() {
            "assignment" => node
                .py_field("left")
                .filter(|l| l.kind() == "identifier" && node_text(*l, text) == name)
                .and_then(|_| node.py_field("right")),
            "as_pattern" => node
                .py_field("alias")
                .filter(|a| node_text(*a, text).trim() == name)
                .and_then(|_| node.named_child(0)),
            _ => None,
        };
        if let Some(value) = value
            && found.is_none_or(|f| f.start_byte() < value.start_byte())
        {
            found = Some(value);
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found
}

/// The values of `self.attribute`: assignments `self.attribute = value` in
/// the methods of the enclosing class, or `attribute = value` in its body
/// (`None` resets left out).
fn self_attribute_values<'t>(expr: Node<'t>, attribute: &str, text: &str) -> Vec<Node<'t>> {
    let mut class = expr.parent();
    while let Some(n) = class {
        if n.kind() == "class_definition" {
            break;
        }
        class = n.parent();
    }
    let Some(body) = class.and_then(|c| c.py_field("body")) else {
        return Vec::new();
    };
    let mut stack = vec![body];
    let mut found = Vec::new();
    while let Some(node) = stack.pop() {
        if node.kind() == "class_definition" {
            continue;
        }
        if node.kind() == "assignment"
            && let (Some(left), Some(right)) = (node.py_field("left"), node.py_field("right"))
        {
            let class_level = left.kind() == "identifier"
                && node_text(left, text) == attribute
                && node.parent().and_then(|p| p.parent()) == Some(body);
            let on_self = left.kind() == "attribute"
                && node_text(left, text).replace(' ', "") == format!("self.{attribute}");
            if class_level || on_self {
                // A client made lazily is reset to `None` elsewhere.
                if right.kind() == "none" {
                    continue;
                }
                found.push(right);
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found
}

/// Whether the file may use boto3 or botocore at all.
pub fn uses_boto(checker: &Checker<'_>) -> bool {
    checker
        .semantic
        .imports_any(&["boto3", "botocore", "aioboto3", "aiobotocore"])
}

/// An edit adding `keyword` (`Name="value"`) as the last argument of a call
/// written with an argument list; `None` when the list ends with `*args` or
/// `**kwargs`-style splats only a reader can judge.
pub fn append_keyword(call: Node<'_>, keyword: &str, text: &str) -> Option<crate::fix::Edit> {
    let args = call.py_field("arguments")?;
    if args.kind() != "argument_list" {
        return None;
    }
    let close = args.child(args.child_count().checked_sub(1)?)?;
    if close.kind() != ")" {
        return None;
    }
    let mut cursor = args.walk();
    let named: Vec<Node<'_>> = args
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect();
    let at = close.start_byte();
    let Some(last) = named.last() else {
        return Some(crate::fix::Edit::replace(at..at, keyword.to_string()));
    };
    let trailing_comma = text[last.end_byte()..at].contains(',');
    let insertion = if trailing_comma {
        // Keep the layout of a multi-line call: a new line like the last.
        let indent = &text[..last.start_byte()];
        let line_start = indent.rfind('\n').map_or(0, |i| i + 1);
        let prefix = &text[line_start..last.start_byte()];
        if prefix.trim().is_empty() && text[last.end_byte()..at].contains('\n') {
            let comma = last.end_byte() + text[last.end_byte()..at].find(',')? + 1;
            return Some(crate::fix::Edit::replace(
                comma..comma,
                format!("\n{prefix}{keyword},"),
            ));
        }
        format!(" {keyword}")
    } else {
        return Some(crate::fix::Edit::replace(
            last.end_byte()..last.end_byte(),
            format!(", {keyword}"),
        ));
    };
    Some(crate::fix::Edit::replace(at..at, insertion))
}

/// Whether a call passes `**kwargs` (whose keys are unknown here).
pub fn has_splat(call: Node<'_>) -> bool {
    call.py_field("arguments").is_some_and(|args| {
        let mut cursor = args.walk();
        args.named_children(&mut cursor)
            .any(|a| a.kind() == "dictionary_splat")
    })
}
