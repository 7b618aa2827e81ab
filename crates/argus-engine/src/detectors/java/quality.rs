//! Helpers shared by the Java AWS and code-quality detectors: where a local
//! name is declared and with which type, the other uses of a local, and the
//! calls made on an AWS SDK request object (v1 setters and `with...`
//! chains, v2 builder chains).

use tree_sitter::Node;

use super::super::checker::Checker;
use super::{descendants, method_name, receiver};
use crate::semantic::node_text;

/// The outermost method, constructor or initializer a node is in (lambdas
/// see the locals of the method around them).
pub fn outer_method(node: Node<'_>) -> Option<Node<'_>> {
    let mut up = node.parent();
    while let Some(n) = up {
        match n.kind() {
            "method_declaration"
            | "constructor_declaration"
            | "compact_constructor_declaration"
            | "static_initializer" => return Some(n),
            "class_body" | "enum_body" | "interface_body" => return None,
            _ => {}
        }
        up = n.parent();
    }
    None
}

/// Where a name is declared, as (declaration node, type node, name node).
pub struct Declaration<'t> {
    pub kind: DeclKind,
    pub ty: Node<'t>,
    pub name: Node<'t>,
    /// The initial value, when the declaration has one.
    pub value: Option<Node<'t>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclKind {
    Local,
    Parameter,
    Field,
}

/// The declaration of the local, parameter or field an identifier names:
/// the last declaration of that name in the enclosing method before the
/// identifier, else a field of an enclosing class.
pub fn declaration<'t>(ident: Node<'t>, text: &str) -> Option<Declaration<'t>> {
    if ident.kind() != "identifier" {
        return None;
    }
    let name = node_text(ident, text);
    if let Some(method) = outer_method(ident) {
        let mut found = None;
        for node in descendants(method) {
            if node.start_byte() > ident.start_byte() {
                break;
            }
            if let Some(decl) = declares(node, name, text) {
                found = Some(decl);
            }
        }
        if found.is_some() {
            return found;
        }
    }
    field_declaration(ident, name, text)
}

/// The declaration of `name` a node makes, if any.
fn declares<'t>(node: Node<'t>, name: &str, text: &str) -> Option<Declaration<'t>> {
    match node.kind() {
        "local_variable_declaration" => {
            let ty = node.child_by_field_name("type")?;
            let mut cursor = node.walk();
            let declarators: Vec<Node<'t>> = node
                .children_by_field_name("declarator", &mut cursor)
                .collect();
            declarators.into_iter().find_map(|d| {
                let n = d.child_by_field_name("name")?;
                (node_text(n, text) == name).then(|| Declaration {
                    kind: DeclKind::Local,
                    ty,
                    name: n,
                    value: d.child_by_field_name("value"),
                })
            })
        }
        "formal_parameter" | "catch_formal_parameter" | "enhanced_for_statement" | "resource" => {
            let n = node.child_by_field_name("name")?;
            if node_text(n, text) != name {
                return None;
            }
            let ty = if node.kind() == "catch_formal_parameter" {
                let mut cursor = node.walk();
                let found = node
                    .named_children(&mut cursor)
                    .find(|c| c.kind() == "catch_type");
                found?
            } else {
                node.child_by_field_name("type")?
            };
            Some(Declaration {
                kind: if node.kind() == "resource" || node.kind() == "enhanced_for_statement" {
                    DeclKind::Local
                } else {
                    DeclKind::Parameter
                },
                ty,
                name: n,
                value: node.child_by_field_name("value"),
            })
        }
        _ => None,
    }
}

fn field_declaration<'t>(ident: Node<'t>, name: &str, text: &str) -> Option<Declaration<'t>> {
    let mut up = ident.parent();
    while let Some(scope) = up {
        if matches!(scope.kind(), "class_body" | "enum_body_declarations") {
            let mut cursor = scope.walk();
            for member in scope.named_children(&mut cursor) {
                if member.kind() != "field_declaration" {
                    continue;
                }
                let Some(ty) = member.child_by_field_name("type") else {
                    continue;
                };
                let mut inner = member.walk();
                for d in member.children_by_field_name("declarator", &mut inner) {
                    if let Some(n) = d.child_by_field_name("name")
                        && node_text(n, text) == name
                    {
                        return Some(Declaration {
                            kind: DeclKind::Field,
                            ty,
                            name: n,
                            value: d.child_by_field_name("value"),
                        });
                    }
                }
            }
        }
        up = scope.parent();
    }
    None
}

/// Whether a type node (or, for `var`, the creation initialising it) names
/// one of `types` (qualified names).
pub fn type_is(decl: &Declaration<'_>, types: &[&str], checker: &Checker<'_>) -> bool {
    let text = checker.text;
    let ty = if node_text(decl.ty, text) == "var" {
        match decl
            .value
            .filter(|v| v.kind() == "object_creation_expression")
            .and_then(|v| v.child_by_field_name("type"))
        {
            Some(t) => t,
            None => return false,
        }
    } else {
        decl.ty
    };
    checker
        .semantic
        .qualified_names(ty, text)
        .iter()
        .any(|n| types.contains(&n.as_str()))
}

/// Whether an expression is a local, parameter or field declared with one
/// of `types`, or a `new` of one of them.
pub fn expression_is(expr: Node<'_>, types: &[&str], checker: &Checker<'_>) -> bool {
    let text = checker.text;
    match expr.kind() {
        "identifier" => declaration(expr, text).is_some_and(|d| type_is(&d, types, checker)),
        "field_access"
            if expr
                .child_by_field_name("object")
                .is_some_and(|o| o.kind() == "this") =>
        {
            expr.child_by_field_name("field")
                .and_then(|f| field_declaration(f, node_text(f, text), text))
                .is_some_and(|d| type_is(&d, types, checker))
        }
        "object_creation_expression" => expr.child_by_field_name("type").is_some_and(|t| {
            checker
                .semantic
                .qualified_names(t, text)
                .iter()
                .any(|n| types.contains(&n.as_str()))
        }),
        "parenthesized_expression" => expr
            .named_child(0)
            .is_some_and(|e| expression_is(e, types, checker)),
        _ => false,
    }
}

/// The identifiers in `scope` that read or write the variable `name`
/// (not field names after a dot, method names or declarations).
pub fn uses_of<'t>(scope: Node<'t>, name: &str, text: &str) -> Vec<Node<'t>> {
    descendants(scope)
        .into_iter()
        .filter(|n| n.kind() == "identifier" && node_text(*n, text) == name)
        .filter(|n| {
            let Some(parent) = n.parent() else {
                return true;
            };
            let is = |field: &str| {
                parent
                    .child_by_field_name(field)
                    .is_some_and(|c| c.id() == n.id())
            };
            match parent.kind() {
                "field_access" => !is("field"),
                "method_invocation" => !is("name"),
                "variable_declarator"
                | "formal_parameter"
                | "catch_formal_parameter"
                | "enhanced_for_statement"
                | "resource" => !is("name"),
                "method_declaration" | "class_declaration" | "labeled_statement" => false,
                _ => true,
            }
        })
        .collect()
}

/// Whether a call's value is thrown away (`f.delete();`).
pub fn result_ignored(call: Node<'_>) -> bool {
    call.parent()
        .is_some_and(|p| p.kind() == "expression_statement")
}

/// The calls made on a request object: the `with...`/builder calls chained
/// on `start` (a `new Request(...)` or a `Request.builder()` call) and, when
/// the chain is stored in a local variable, the calls made on that variable
/// in the same method. `None` when the request leaves the method or is
/// handed to code we cannot see (it might be completed there), except to
/// the calls accepted by `sink` (the client operations).
pub fn request_calls<'t>(
    start: Node<'t>,
    text: &str,
    sink: &dyn Fn(Node<'t>) -> bool,
) -> Option<Request<'t>> {
    let mut calls = Vec::new();
    let mut top = start;
    while let Some(parent) = top.parent() {
        match parent.kind() {
            "method_invocation"
                if parent
                    .child_by_field_name("object")
                    .is_some_and(|o| o.id() == top.id()) =>
            {
                calls.push(parent);
                top = parent;
            }
            "parenthesized_expression" => top = parent,
            _ => break,
        }
    }
    let parent = top.parent()?;
    let variable = match parent.kind() {
        "variable_declarator" => parent.child_by_field_name("name"),
        "assignment_expression" => parent
            .child_by_field_name("left")
            .filter(|l| l.kind() == "identifier"),
        "argument_list" => {
            let call = parent.parent()?;
            return sink(call).then_some(Request { calls, sunk: true });
        }
        "expression_statement" => {
            return Some(Request { calls, sunk: false });
        }
        _ => return None,
    };
    let variable = variable?;
    let decl = declaration(variable, text)?;
    if decl.kind == DeclKind::Field {
        return None;
    }
    let name = node_text(variable, text);
    let scope = outer_method(variable)?;
    let mut sunk = false;
    for use_ in uses_of(scope, name, text) {
        if use_.id() == variable.id() {
            continue;
        }
        let parent = use_.parent()?;
        match parent.kind() {
            "method_invocation"
                if parent
                    .child_by_field_name("object")
                    .is_some_and(|o| o.id() == use_.id()) =>
            {
                calls.push(parent);
                // `req.withX(a).withY(b)` on a stored request.
                let mut top = parent;
                while let Some(up) = top.parent() {
                    if up.kind() == "method_invocation"
                        && up
                            .child_by_field_name("object")
                            .is_some_and(|o| o.id() == top.id())
                    {
                        calls.push(up);
                        top = up;
                    } else {
                        break;
                    }
                }
            }
            "argument_list" if parent.parent().is_some_and(sink) => sunk = true,
            _ => return None,
        }
    }
    Some(Request { calls, sunk })
}

/// What is done with a request object in its method.
pub struct Request<'t> {
    /// The calls made on it (setters, `with...`, builder methods).
    pub calls: Vec<Node<'t>>,
    /// Whether it is passed to a client operation.
    pub sunk: bool,
}

impl Request<'_> {
    /// Whether one of the calls made on the request is named `name`.
    pub fn calls_any(&self, names: &[&str], text: &str) -> bool {
        self.calls
            .iter()
            .filter_map(|c| method_name(*c, text))
            .any(|n| names.contains(&n))
    }
}

const FILE: &[&str] = &["java.io.File"];

/// Whether an expression is a `java.io.File`: a variable declared `File`,
/// `new File(...)`, or `getParentFile()`/`getAbsoluteFile()`/
/// `getCanonicalFile()` of one, or `path.toFile()`.
pub fn is_file(expr: Node<'_>, checker: &Checker<'_>) -> bool {
    let text = checker.text;
    if expr.kind() == "method_invocation" {
        return match method_name(expr, text) {
            Some("getParentFile" | "getAbsoluteFile" | "getCanonicalFile") => {
                receiver(expr).is_some_and(|r| is_file(r, checker))
            }
            Some("toFile") => super::call_args(expr).is_empty(),
            _ => false,
        };
    }
    expression_is(expr, FILE, checker)
}

/// A `java.io.File` method call whose boolean result is thrown away:
/// `(receiver, method)` when `call` is `file.<method>()`, one of `methods`,
/// as a statement.
pub fn ignored_file_call<'t>(
    call: Node<'t>,
    methods: &[&'static str],
    checker: &Checker<'_>,
) -> Option<(Node<'t>, &'static str)> {
    let text = checker.text;
    let name = method_name(call, text)?;
    let method = *methods.iter().find(|m| **m == name)?;
    let object = receiver(call)?;
    if !super::call_args(call).is_empty() || !result_ignored(call) || !is_file(object, checker) {
        return None;
    }
    Some((object, method))
}

/// A timed wait whose boolean result is thrown away: `call` is
/// `x.<method>(timeout, unit)` as a statement. Returns the receiver.
pub fn ignored_timed_wait<'t>(call: Node<'t>, method: &str, text: &str) -> Option<Node<'t>> {
    let args = super::call_args(call);
    if method_name(call, text) != Some(method) || args.len() != 2 || !result_ignored(call) {
        return None;
    }
    // `await(Long.MAX_VALUE, unit)` waits for good: there is no timeout.
    if node_text(args[0], text).contains("MAX_VALUE") {
        return None;
    }
    let object = receiver(call)?;
    // The outcome is read another way (`isTerminated()`, `getCount()`).
    let object_text = node_text(object, text);
    let queried = outer_method(call).is_some_and(|scope| {
        descendants(scope).into_iter().any(|n| {
            matches!(
                method_name(n, text),
                Some("isTerminated" | "getCount" | "isDone" | "isShutdown")
            ) && receiver(n).is_some_and(|r| node_text(r, text) == object_text)
        })
    });
    (!queried).then_some(object)
}
