//! Helpers shared by the Java web configuration, credentials and files
//! detectors.

use tree_sitter::Node;

use super::{constant_string, descendants, enclosing_method, method_name, receiver};
use crate::semantic::node_text;

/// The method invocations under `node`, in source order.
pub fn calls_in(node: Node<'_>) -> Vec<Node<'_>> {
    descendants(node)
        .into_iter()
        .filter(|n| n.kind() == "method_invocation")
        .collect()
}

/// The method, constructor or initializer a node is in, or the whole class
/// body for a field initializer (whatever holds the code that runs with it).
pub fn scope_of(node: Node<'_>) -> Node<'_> {
    let mut scope = enclosing_method(node);
    // A lambda is judged with the method around it.
    while let Some(s) = scope {
        if s.kind() != "lambda_expression" {
            break;
        }
        scope = enclosing_method(s).or(Some(s));
        if scope == Some(s) {
            break;
        }
    }
    scope.unwrap_or_else(|| {
        let mut top = node;
        while let Some(p) = top.parent() {
            top = p;
        }
        top
    })
}

/// The name of the variable (local, field or assigned identifier) an
/// expression is stored in: `c` in `Cookie c = new Cookie(..)` and in
/// `c = new Cookie(..)`, `c` in `this.c = ...`.
pub fn assigned_name<'t>(expr: Node<'_>, text: &'t str) -> Option<&'t str> {
    let mut expr = expr;
    while let Some(p) = expr.parent() {
        if matches!(p.kind(), "parenthesized_expression" | "cast_expression") {
            expr = p;
        } else {
            break;
        }
    }
    let parent = expr.parent()?;
    match parent.kind() {
        "variable_declarator" => parent
            .child_by_field_name("name")
            .map(|n| node_text(n, text)),
        "assignment_expression" => {
            let left = parent.child_by_field_name("left")?;
            match left.kind() {
                "identifier" => Some(node_text(left, text)),
                "field_access" => left
                    .child_by_field_name("field")
                    .map(|n| node_text(n, text)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The value a local variable or field named `name` is initialised with
/// or assigned, searching `scope` (the first one in source order).
pub fn value_of<'t>(name: &str, scope: Node<'t>, text: &str) -> Option<Node<'t>> {
    for n in descendants(scope) {
        match n.kind() {
            "variable_declarator" => {
                if n.child_by_field_name("name")
                    .is_some_and(|x| node_text(x, text) == name)
                    && let Some(v) = n.child_by_field_name("value")
                {
                    return Some(v);
                }
            }
            "assignment_expression" => {
                if n.child_by_field_name("left")
                    .is_some_and(|x| x.kind() == "identifier" && node_text(x, text) == name)
                    && let Some(v) = n.child_by_field_name("right")
                {
                    return Some(v);
                }
            }
            _ => {}
        }
    }
    None
}

/// `expr` without parentheses and casts.
pub fn strip(expr: Node<'_>) -> Node<'_> {
    let mut expr = expr;
    loop {
        match expr.kind() {
            "parenthesized_expression" => match expr.named_child(0) {
                Some(inner) => expr = inner,
                None => return expr,
            },
            "cast_expression" => match expr.child_by_field_name("value") {
                Some(inner) => expr = inner,
                None => return expr,
            },
            _ => return expr,
        }
    }
}

/// The string an expression holds: a literal, a `final` constant, or a
/// local variable of the enclosing method initialised with a literal.
pub fn string_value(expr: Node<'_>, text: &str) -> Option<String> {
    let expr = strip(expr);
    if let Some(v) = constant_string(expr, text) {
        return Some(v);
    }
    if expr.kind() == "identifier" {
        let method = enclosing_method(expr)?;
        let value = value_of(node_text(expr, text), method, text)?;
        if value.end_byte() <= expr.start_byte() {
            return constant_string(strip(value), text);
        }
    }
    None
}

/// The operands of a chain of `+`, in order (the expression itself when it
/// is no concatenation).
pub fn concat_parts(expr: Node<'_>) -> Vec<Node<'_>> {
    // Iterative: generated code concatenates thousands of strings.
    let mut parts = Vec::new();
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        let e = strip(e);
        if e.kind() == "binary_expression"
            && e.child_by_field_name("operator").map(|o| o.kind()) == Some("+")
            && let (Some(l), Some(r)) = (
                e.child_by_field_name("left"),
                e.child_by_field_name("right"),
            )
        {
            stack.push(r);
            stack.push(l);
        } else {
            parts.push(e);
        }
    }
    parts
}

/// The leading whitespace of the line `byte` is on.
pub fn indent_at(text: &str, byte: usize) -> &str {
    let start = text[..byte].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    let len = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..len]
}

/// The statement a node is part of (its outermost ancestor below a block).
pub fn statement_of(node: Node<'_>) -> Node<'_> {
    let mut n = node;
    while let Some(p) = n.parent() {
        if matches!(
            p.kind(),
            "block" | "switch_block_statement_group" | "constructor_body" | "class_body"
        ) {
            return n;
        }
        n = p;
    }
    n
}

/// Whether a call is `<object>.<method>(...)` with `object` the identifier
/// `var`.
pub fn is_call_on(call: Node<'_>, var: &str, methods: &[&str], text: &str) -> bool {
    method_name(call, text).is_some_and(|m| methods.contains(&m))
        && receiver(call).is_some_and(|r| {
            let r = strip(r);
            (r.kind() == "identifier" && node_text(r, text) == var)
                || (r.kind() == "field_access"
                    && r.child_by_field_name("field")
                        .is_some_and(|f| node_text(f, text) == var))
        })
}

/// The calls of a builder chain `a.b(..).c(..).d(..)` that `call` ends,
/// innermost first (`call` last).
pub fn chain(call: Node<'_>) -> Vec<Node<'_>> {
    let mut out = vec![call];
    let mut cur = call;
    while let Some(obj) = receiver(cur).map(strip) {
        if obj.kind() != "method_invocation" {
            break;
        }
        out.push(obj);
        cur = obj;
    }
    out.reverse();
    out
}

/// The outermost call of the builder chain `call` is part of.
pub fn chain_end(call: Node<'_>) -> Node<'_> {
    let mut cur = call;
    while let Some(p) = cur.parent() {
        if p.kind() == "method_invocation" && p.child_by_field_name("object") == Some(cur) {
            cur = p;
        } else {
            break;
        }
    }
    cur
}

/// Words in an identifier, lower case (`dbPassword` -> `db`, `password`;
/// `API_KEY` -> `api`, `key`).
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let boundary = c.is_uppercase()
            && i > 0
            && (chars[i - 1].is_lowercase()
                || (chars[i - 1].is_uppercase()
                    && chars.get(i + 1).is_some_and(|n| n.is_lowercase())));
        if boundary && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Last words of a name saying it holds something about a secret rather
/// than the secret (`passwordFile`, `PASSWORD_KEY`, `secretName`).
const NOT_THE_SECRET: &[&str] = &[
    "file",
    "path",
    "dir",
    "name",
    "names",
    "key",
    "keys",
    "prop",
    "property",
    "properties",
    "field",
    "param",
    "parameter",
    "attr",
    "attribute",
    "header",
    "label",
    "msg",
    "message",
    "prompt",
    "pattern",
    "regex",
    "env",
    "var",
    "variable",
    "type",
    "mode",
    "id",
    "prefix",
    "suffix",
    "length",
    "len",
    "size",
    "count",
    "hash",
    "hashed",
    "digest",
    "policy",
    "encoder",
    "expired",
    "expiry",
    "required",
    "enabled",
    "changed",
    "valid",
    "validator",
    "mask",
    "masked",
    "callback",
    "handler",
    "provider",
    "column",
    "url",
    "uri",
    "location",
    "ref",
    "reference",
    "arn",
    "option",
    "setting",
    "config",
    "placeholder",
    "hint",
    "text",
    "title",
    "description",
    "error",
    "exception",
    "field",
    "input",
    "form",
    "reset",
    "change",
    "rule",
    "rules",
    "strength",
    "min",
    "max",
    "manager",
    "store",
    "factory",
    "service",
    "util",
    "utils",
    "helper",
    "class",
    "algorithm",
    "alg",
    "format",
    "char",
    "chars",
    "charset",
    "encoding",
    "length",
    "holder",
    "source",
    "resolver",
    "template",
    "tag",
    "index",
    "pos",
    "action",
    "command",
    "cmd",
    "flag",
    "version",
    "timeout",
    "ttl",
    "prefixes",
    "request",
    "response",
    "event",
    "listener",
    "query",
    "sql",
    "spec",
    "entry",
    "dialog",
    "view",
    "button",
    "box",
    "panel",
    "editor",
    "component",
    "widget",
    "pane",
    "menu",
    "item",
];

/// Whether an identifier names a credential value (`password`, `dbPasswd`,
/// `clientSecret`, `apiKey`, `authToken`) rather than something about one
/// (`passwordFile`, `PASSWORD_PROPERTY`, `secretName`).
pub fn names_credential(name: &str) -> bool {
    let words = name_words(name);
    let Some(last) = words.last() else {
        return false;
    };
    let joined = words.concat();
    let credential_at_end = matches!(
        last.as_str(),
        "password" | "passwd" | "pwd" | "passphrase" | "secret" | "pass"
    ) || joined.ends_with("password")
        || joined.ends_with("passwd")
        || joined.ends_with("apikey")
        || joined.ends_with("secretkey")
        || joined.ends_with("accesskey") && joined.contains("secret")
        || joined.ends_with("authtoken")
        || joined.ends_with("accesstoken")
        || joined.ends_with("refreshtoken")
        || joined.ends_with("bearertoken")
        || joined.ends_with("apitoken")
        || joined.ends_with("sessiontoken")
        || joined.ends_with("privatekey")
        || joined.ends_with("clientsecret");
    if !credential_at_end {
        return false;
    }
    // `pass` alone is too often "a pass of a loop"; only `userPass`-like.
    if last == "pass" && words.len() == 1 {
        return false;
    }
    !NOT_THE_SECRET.contains(&last.as_str())
        || joined.ends_with("apikey")
        || joined.ends_with("secretkey")
        || joined.ends_with("privatekey")
        || joined.ends_with("accesskey")
}

/// Whether a string literal's value is a password-like key name rather than
/// a value (`"password"`, `"db.password"`, `"javax.net.ssl.keyStorePassword"`).
pub fn mentions_credential_word(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    ["pass", "pwd", "secret", "token", "key", "credential"]
        .iter()
        .any(|w| lower.contains(w))
}

/// The names of the parameters a method declares with a type whose name
/// contains `type_word` (`HttpServletResponse`).
pub fn params_of_type<'t>(method: Node<'_>, type_word: &str, text: &'t str) -> Vec<&'t str> {
    let Some(params) = method.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut cursor = params.walk();
    params
        .named_children(&mut cursor)
        .filter(|p| p.kind() == "formal_parameter")
        .filter(|p| {
            p.child_by_field_name("type")
                .is_some_and(|t| node_text(t, text).contains(type_word))
        })
        .filter_map(|p| p.child_by_field_name("name").map(|n| node_text(n, text)))
        .collect()
}

/// Whether the host of an `http://` URL is the local machine or a
/// documentation placeholder.
pub fn local_host(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host
        .trim_start_matches('[')
        .split(']')
        .next()
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    host.is_empty()
        || host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "0.0.0.0"
        || host == "::1"
        || host == "example.com"
        || host.ends_with(".example.com")
        || host.ends_with(".local")
        || host.ends_with(".test")
}

/// Whether the URL names an explicit port (`http://h:8080/`).
pub fn has_port(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    host.rsplit(']').next().unwrap_or("").contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_credential_names() {
        assert_eq!(name_words("dbPassword"), vec!["db", "password"]);
        assert_eq!(name_words("API_KEY"), vec!["api", "key"]);
        assert!(names_credential("password"));
        assert!(names_credential("DB_PASSWORD"));
        assert!(names_credential("apiKey"));
        assert!(names_credential("clientSecret"));
        assert!(!names_credential("passwordFile"));
        assert!(!names_credential("PASSWORD_PROPERTY"));
        assert!(!names_credential("secretName"));
        assert!(!names_credential("keyStore"));
        assert!(!names_credential("pass"));
    }

    #[test]
    fn hosts() {
        assert!(local_host("http://localhost:8080/x"));
        assert!(local_host("http://127.0.0.1/x"));
        assert!(!local_host("http://api.corp.net/x"));
        assert!(has_port("http://h:8080/"));
        assert!(!has_port("http://h/"));
    }
}
