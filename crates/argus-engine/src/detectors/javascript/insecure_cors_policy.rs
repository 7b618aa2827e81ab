use super::super::prelude::*;
use super::{
    bool_literal, call_args, callee_names, descendants, enclosing_function, header_assignments,
    is_function, is_imported, js_string, member_call, object_property, unwrap,
};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds CORS configurations that let other web sites make
    /// credentialed requests and read the answers:
    /// - the `cors` middleware (also `@fastify/cors`, `@koa/cors` and
    ///   NestJS `enableCors`) with `credentials: true` and `origin: true`
    ///   (the caller's origin is reflected), an origin callback that
    ///   accepts every origin, `origin: "*"` or no origin (every origin),
    ///   or `origin: "null"` (sandboxed frames of any site);
    /// - an origin regular expression that is not anchored at its end
    ///   (`/example\.com/` also matches `example.com.attacker.net`) or
    ///   has an unescaped dot in the host (`/^https:\/\/app.example\.com$/`
    ///   matches `appxexample.com`), with or without credentials;
    /// - `Access-Control-Allow-Origin` set to the request's `Origin`
    ///   header without any check of it, to `*` or to `null`, in a file
    ///   that also sends `Access-Control-Allow-Credentials: true`.
    ///
    /// A plain `cors()` is not reported: it answers `*` without
    /// credentials, which is how a public API shares data that any site
    /// could fetch anyway; browsers never attach cookies to such requests.
    ///
    /// ## Why is this bad?
    /// With credentials allowed, the browser sends the user's cookies on
    /// cross-origin requests and lets the calling page read the answers.
    /// When every origin is allowed (the server reflects the caller's
    /// origin), any site the user visits can act as them and read their
    /// data. A `*` with credentials is refused by browsers, and the usual
    /// workaround is reflecting the origin.
    ///
    /// ## Example
    /// ```javascript
    /// app.use(cors({ origin: true, credentials: true }));
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.use(cors({ origin: ["https://app.example.com"], credentials: true }));
    /// ```
    ///
    /// ## References
    /// - [CWE-942: Permissive Cross-domain Policy with Untrusted Domains](https://cwe.mitre.org/data/definitions/942.html)
    /// - [CWE-346: Origin Validation Error](https://cwe.mitre.org/data/definitions/346.html)
    /// - [cors middleware options](https://github.com/expressjs/cors#configuration-options)
    /// - [MDN: Access-Control-Allow-Credentials](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Access-Control-Allow-Credentials)
    /// - [PortSwigger: CORS vulnerabilities](https://portswigger.net/web-security/cors)
    pub static SPEC = {
        ids: &["javascript/insecure-cors-policy@v1.0", "typescript/insecure-cors-policy@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Insecure CORS policy",
        category: Category::Security,
        cwes: &[942, 346],
        tags: &["cors", "web"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "List the origins allowed to send credentials explicitly (exact strings or anchored patterns); never combine credentials with every origin.",
        keywords: &["cors", "access-control-allow"],
        check: Check::Node { kinds: &["call_expression"], run: check },
    };
}

const CORS_MODULES: &[&str] = &[
    "cors",
    "@fastify/cors",
    "fastify-cors",
    "@koa/cors",
    "koa-cors",
    "kcors",
    "hono/cors.cors",
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    if let Some(options) = cors_options(call, checker) {
        check_options(call, options, checker);
    }
    check_headers(call, checker);
}

/// The options object of a CORS middleware: `cors({...})`,
/// `fastify.register(cors, {...})`, `app.enableCors({...})`,
/// `NestFactory.create(AppModule, { cors: {...} })`.
fn cors_options<'t>(call: Node<'t>, checker: &Checker<'_>) -> Option<Node<'t>> {
    let text = checker.text;
    let args = call_args(call);
    let function = call.js_field("function")?;
    let names = callee_names(call, checker);
    if names.iter().any(|n| CORS_MODULES.contains(&n.as_str())) && is_imported(function, checker) {
        return args.first().map(|a| unwrap(*a));
    }
    let (_, method) = member_call(call, text)?;
    match method {
        "enableCors" => args.first().map(|a| unwrap(*a)),
        "register" if args.len() >= 2 => {
            let plugin = unwrap(args[0]);
            let plugin_names = checker.semantic.qualified_names(plugin, text);
            let imported = match plugin.kind() {
                "identifier" => checker.semantic.binding(node_text(plugin, text)).is_some(),
                _ => true,
            };
            (imported
                && plugin_names
                    .iter()
                    .any(|n| CORS_MODULES.contains(&n.as_str())))
            .then(|| unwrap(args[1]))
        }
        "create" if names.iter().any(|n| n.ends_with("NestFactory.create")) => args
            .get(1)
            .and_then(|o| object_property(*o, "cors", text))
            .map(unwrap),
        _ => None,
    }
}

fn check_options(call: Node<'_>, options: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if options.kind() != "object" {
        return;
    }
    let credentials = object_property(options, "credentials", text)
        .is_some_and(|v| bool_literal(v, text) == Some(true));
    let origin = super::object_member(options, "origin", text).map(unwrap);
    // Regular expressions restrict origins whether or not credentials go.
    if let Some(origin) = origin {
        let patterns: Vec<Node<'_>> = match origin.kind() {
            "regex" => vec![origin],
            "array" => {
                let mut cursor = origin.walk();
                origin
                    .named_children(&mut cursor)
                    .map(unwrap)
                    .filter(|e| e.kind() == "regex")
                    .collect()
            }
            _ => Vec::new(),
        };
        for pattern in patterns {
            if let Some(problem) = regex_problem(pattern, text) {
                checker.report(
                    pattern,
                    Violation::new(
                        "origin-pattern",
                        format!("the CORS origin pattern {problem}, so sites the pattern was meant to exclude are allowed"),
                    ),
                );
            }
        }
    }
    if !credentials {
        return;
    }
    let problem = match origin {
        None => Some("every origin (no origin list)"),
        Some(origin) => {
            if bool_literal(origin, text) == Some(true) {
                Some("every origin (origin: true reflects the caller's origin)")
            } else if let Some(value) = js_string(origin, text) {
                match value.trim() {
                    "*" => Some("every origin ('*')"),
                    "null" => Some("the 'null' origin, which sandboxed frames of any site send"),
                    _ => None,
                }
            } else if is_function(origin) && accepts_everything(origin, text) {
                Some("every origin (the origin callback accepts all of them)")
            } else {
                None
            }
        }
    };
    if let Some(problem) = problem {
        checker.report(
            call,
            Violation::new(
                "credentials-any-origin",
                format!("CORS allows credentialed requests from {problem}: any web site can act as the user and read the answers"),
            ),
        );
    }
}

/// What is wrong with an origin regular expression, if anything.
fn regex_problem(regex: Node<'_>, text: &str) -> Option<&'static str> {
    let pattern = node_text(regex.js_field("pattern")?, text);
    if !pattern.ends_with('$') || pattern.ends_with("\\$") {
        return Some("is not anchored at its end (`$`)");
    }
    // An unescaped `.` between letters of a host name matches any
    // character: `app.example` matches `appxexample`.
    let bytes = pattern.as_bytes();
    let mut in_class = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' => in_class = true,
            b']' => in_class = false,
            b'.' if !in_class
                && i > 0
                && bytes[i - 1].is_ascii_alphanumeric()
                && bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphabetic()) =>
            {
                return Some("has an unescaped `.` in a host name (it matches any character)");
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// An origin callback that calls back `(null, true)` without deciding
/// anything: no condition, comparison or lookup in its body.
fn accepts_everything(function: Node<'_>, text: &str) -> bool {
    let Some(body) = function.js_field("body") else {
        return false;
    };
    let mut allows = false;
    for node in descendants(body) {
        match node.kind() {
            "if_statement" | "ternary_expression" | "switch_statement" | "binary_expression" => {
                return false;
            }
            "call_expression" => {
                let args = call_args(node);
                let flat: Vec<&str> = args.iter().map(|a| node_text(*a, text)).collect();
                if flat == ["null", "true"] {
                    allows = true;
                } else if !args.is_empty() {
                    return false;
                }
            }
            _ => {}
        }
    }
    allows
}

/// Whether an expression is the request's `Origin` header:
/// `req.headers.origin`, `req.get("origin")`, `req.header("Origin")`,
/// `request.headers.get("origin")`, `ctx.get("Origin")`, or a variable
/// initialised from one of them in the same function.
fn request_origin(node: Node<'_>, scope: Node<'_>, text: &str, depth: usize) -> bool {
    let node = unwrap(node);
    match node.kind() {
        "member_expression" | "subscript_expression" => {
            let flat = node_text(node, text).to_ascii_lowercase();
            flat.contains("header") && flat.trim_end_matches([']', '"', '\'']).ends_with("origin")
        }
        "call_expression" => {
            let args = call_args(node);
            member_call(node, text)
                .is_some_and(|(_, m)| matches!(m, "get" | "header" | "getHeader"))
                && args.len() == 1
                && js_string(args[0], text).is_some_and(|s| s.eq_ignore_ascii_case("origin"))
        }
        "binary_expression" => node
            .js_field("left")
            .is_some_and(|l| request_origin(l, scope, text, depth)),
        "identifier" if depth < 3 => {
            let name = node_text(node, text);
            descendants(scope).into_iter().any(|n| {
                n.kind() == "variable_declarator"
                    && n.js_field("name")
                        .is_some_and(|d| node_text(d, text) == name)
                    && n.js_field("value")
                        .is_some_and(|v| request_origin(v, scope, text, depth + 1))
            })
        }
        _ => false,
    }
}

/// Whether the function checks the origin before answering: a condition
/// or a lookup that mentions it.
fn checks_origin(scope: Node<'_>, text: &str) -> bool {
    descendants(scope).into_iter().any(|n| {
        let condition = match n.kind() {
            "if_statement" | "while_statement" => n.js_field("condition"),
            "ternary_expression" => n.js_field("condition"),
            "call_expression" => member_call(n, text)
                .filter(|(_, m)| {
                    matches!(
                        *m,
                        "includes" | "indexOf" | "has" | "test" | "match" | "some" | "find"
                    )
                })
                .map(|_| n),
            "switch_statement" => n.js_field("value"),
            _ => None,
        };
        condition.is_some_and(|c| node_text(c, text).to_ascii_lowercase().contains("origin"))
    })
}

fn check_headers(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let headers = header_assignments(call, text);
    let Some((_, value)) = headers
        .iter()
        .find(|(name, _)| name == "access-control-allow-origin")
    else {
        return;
    };
    let mut root = call;
    while let Some(parent) = root.parent() {
        root = parent;
    }
    let scope = enclosing_function(call).unwrap_or(root);
    let problem = if let Some(literal) = js_string(*value, text) {
        match literal.trim() {
            "*" => "'*'",
            "null" => "'null' (sandboxed frames of any site)",
            _ => return,
        }
    } else if request_origin(*value, scope, text, 0) && !checks_origin(scope, text) {
        "the request's own Origin header, unchecked"
    } else {
        return;
    };
    if !sends_credentials(root, text) {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "credentials-any-origin",
            format!("Access-Control-Allow-Origin is {problem} while Access-Control-Allow-Credentials is true: other web sites can read the user's authenticated answers"),
        ),
    );
}

/// Whether the file sends `Access-Control-Allow-Credentials: true`.
fn sends_credentials(root: Node<'_>, text: &str) -> bool {
    if !text
        .to_ascii_lowercase()
        .contains("access-control-allow-credentials")
    {
        return false;
    }
    descendants(root)
        .into_iter()
        .filter(|n| n.kind() == "call_expression")
        .any(|n| {
            header_assignments(n, text).iter().any(|(name, value)| {
                name == "access-control-allow-credentials"
                    && (bool_literal(*value, text) == Some(true)
                        || js_string(*value, text).is_some_and(|v| v.trim() == "true"))
            })
        })
}
