//! The rewrite of a JDBC `Statement` run with concatenated SQL into a
//! `PreparedStatement` with `?` placeholders:
//!
//! ```java
//! ResultSet rs = stmt.executeQuery("SELECT * FROM t WHERE name = '" + name + "'");
//! ```
//! becomes
//! ```java
//! PreparedStatement prepared = connection.prepareStatement("SELECT * FROM t WHERE name = ?");
//! prepared.setString(1, name);
//! ResultSet rs = prepared.executeQuery();
//! ```
//! when the SQL is concatenated in the call and the connection that made
//! the statement is known (`connection.createStatement()` in the call or
//! in the statement's declaration in the same method).

use tree_sitter::Node;

use super::{call_args, enclosing_method, literal_text, method_name, receiver};
use crate::dataflow::FixSite;
use crate::fix::{Edit, Fix};
use crate::semantic::node_text;

/// One piece of the concatenated SQL.
enum Part<'t> {
    Text(String),
    Value(Node<'t>),
}

pub fn prepared_statement_fix(site: &FixSite<'_>) -> Vec<Fix> {
    build(site).into_iter().collect()
}

fn build(site: &FixSite<'_>) -> Option<Fix> {
    let text = site.text;
    let call = site.call;
    let method = method_name(call, text)?;
    if !matches!(
        method,
        "executeQuery" | "executeUpdate" | "execute" | "executeLargeUpdate"
    ) {
        return None;
    }
    let args = call_args(call);
    if args.len() != 1 || args[0] != site.argument || site.argument.kind() != "binary_expression" {
        return None;
    }
    let connection = connection_of(receiver(call)?, text)?;
    let mut parts = Vec::new();
    flatten(site.argument, text, &mut parts)?;
    let (sql, bound) = placeholders(&parts, text)?;
    if bound.is_empty() {
        return None;
    }
    let statement = enclosing_statement(call)?;
    let method_text = enclosing_method(call)
        .map(|m| node_text(m, text))
        .unwrap_or("");
    let name = ["prepared", "preparedStatement", "preparedQuery"]
        .into_iter()
        .find(|n| !method_text.contains(n))?;
    let indent = indentation(text, statement.start_byte());
    let mut inserted = format!(
        "PreparedStatement {name} = {connection}.prepareStatement({});\n",
        java_string(&sql)
    );
    for (i, (value, setter)) in bound.iter().enumerate() {
        inserted.push_str(&format!("{indent}{name}.{setter}({}, {value});\n", i + 1));
    }
    inserted.push_str(&indent);
    let mut edits = vec![
        Edit::replace(statement.start_byte()..statement.start_byte(), inserted),
        Edit::replace(call.byte_range(), format!("{name}.{method}()")),
    ];
    if let Some(import) = import_edit(site.root, text) {
        edits.push(import);
    }
    edits.sort_by_key(|e| e.range.start);
    Some(Fix::new(
        "Run the query as a PreparedStatement with `?` placeholders bound to the input",
        edits,
    ))
}

/// The connection a statement was created from: `c.createStatement()`
/// written in the call, or in the declaration of the statement variable.
fn connection_of(statement: Node<'_>, text: &str) -> Option<String> {
    if let Some(conn) = created_by(statement, text) {
        return Some(conn);
    }
    if statement.kind() != "identifier" {
        return None;
    }
    let name = node_text(statement, text);
    let method = enclosing_method(statement)?;
    let mut stack = vec![method];
    while let Some(node) = stack.pop() {
        if node.kind() == "variable_declarator"
            && node.child_by_field_name("name").map(|n| node_text(n, text)) == Some(name)
        {
            return node
                .child_by_field_name("value")
                .and_then(|v| created_by(v, text));
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    None
}

/// `connection` of `connection.createStatement()`.
fn created_by(node: Node<'_>, text: &str) -> Option<String> {
    (node.kind() == "method_invocation" && method_name(node, text) == Some("createStatement"))
        .then(|| receiver(node))
        .flatten()
        .filter(|c| matches!(c.kind(), "identifier" | "field_access" | "this"))
        .map(|c| node_text(c, text).to_string())
}

fn flatten<'t>(node: Node<'t>, text: &str, parts: &mut Vec<Part<'t>>) -> Option<()> {
    match node.kind() {
        "binary_expression" => {
            let operator = node.child_by_field_name("operator")?;
            if node_text(operator, text) != "+" {
                parts.push(Part::Value(node));
                return Some(());
            }
            flatten(node.child_by_field_name("left")?, text, parts)?;
            flatten(node.child_by_field_name("right")?, text, parts)
        }
        "string_literal" => {
            parts.push(Part::Text(literal_text(node, text)?));
            Some(())
        }
        "parenthesized_expression" => flatten(node.named_child(0)?, text, parts),
        _ => {
            parts.push(Part::Value(node));
            Some(())
        }
    }
}

/// The SQL with `?` for every value, and the values with their setter:
/// `setString` for a value between quotes, `setObject` otherwise.
fn placeholders(parts: &[Part<'_>], text: &str) -> Option<(String, Vec<(String, &'static str)>)> {
    let mut sql = String::new();
    let mut bound = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        match &parts[i] {
            Part::Text(t) => sql.push_str(t),
            Part::Value(node) => {
                let value = node_text(*node, text).to_string();
                let next_quoted =
                    matches!(parts.get(i + 1), Some(Part::Text(t)) if t.starts_with('\''));
                if sql.ends_with('\'') && next_quoted {
                    sql.pop();
                    sql.push('?');
                    bound.push((value, "setString"));
                    if let Some(Part::Text(t)) = parts.get(i + 1) {
                        sql.push_str(&t[1..]);
                    }
                    i += 2;
                    continue;
                }
                // An unbalanced quote: the value is part of a longer
                // string literal in the SQL; no safe rewrite.
                if sql.ends_with('\'') || next_quoted || sql.ends_with('%') || !value_position(&sql)
                {
                    return None;
                }
                sql.push('?');
                bound.push((value, "setObject"));
            }
        }
        i += 1;
    }
    Some((sql, bound))
}

/// Whether SQL ending like this expects a single value next (after a
/// comparison, `LIKE`, `LIMIT`, `OFFSET`), not an identifier, a list or
/// a clause.
fn value_position(before: &str) -> bool {
    let before = before.trim_end();
    if before.ends_with(['=', '<', '>']) {
        return true;
    }
    let last = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    matches!(
        last.as_str(),
        "LIKE" | "LIMIT" | "OFFSET" | "IN" | "VALUES" | "AND" | "OR" | "NOT" | "IS" | "BETWEEN"
    ) && !before.is_empty()
}

/// The statement a call is part of.
fn enclosing_statement(node: Node<'_>) -> Option<Node<'_>> {
    let mut up = node.parent();
    while let Some(n) = up {
        if matches!(
            n.kind(),
            "expression_statement" | "local_variable_declaration" | "return_statement"
        ) {
            return Some(n);
        }
        if matches!(
            n.kind(),
            "lambda_expression" | "method_declaration" | "block"
        ) {
            return None;
        }
        up = n.parent();
    }
    None
}

fn indentation(text: &str, at: usize) -> String {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..at]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect()
}

fn java_string(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `import java.sql.PreparedStatement;` after the last import, unless the
/// file imports it (or `java.sql.*`).
fn import_edit(root: Node<'_>, text: &str) -> Option<Edit> {
    if text.contains("import java.sql.PreparedStatement;") || text.contains("import java.sql.*;") {
        return None;
    }
    let mut cursor = root.walk();
    let last = root
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "import_declaration")
        .last()?;
    let at = last.end_byte();
    Some(Edit::replace(
        at..at,
        "\nimport java.sql.PreparedStatement;",
    ))
}
