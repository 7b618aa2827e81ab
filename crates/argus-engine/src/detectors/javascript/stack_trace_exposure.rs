use super::super::prelude::*;
use super::{call_args, callee_names, end_name, koa_body_value, response_payload, unwrap};
use crate::detectors::context::words;
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds error details sent back to the client:
    ///
    /// - a response carrying an error's stack trace: `res.send(err.stack)`,
    ///   `res.status(500).json({ error: err.message, stack: err.stack })`,
    ///   `` reply.send(`${e.stack}`) ``, Koa's `ctx.body = err.stack` (the
    ///   stack of anything named like an error: `err`, `error`, `e`, `ex`,
    ///   `exception`, `dbError`);
    /// - the caught error object itself sent as the response
    ///   (`res.status(500).send(err)`, `res.json(error)`) inside a `catch`
    ///   block, an Express error handler `(err, req, res, next)`, or a
    ///   callback whose parameter is named like an error
    ///   (`db.query(sql, (err, rows) => ...)`, `.catch((error) => ...)`);
    ///   serialised, it carries every enumerable field of the error (SQL
    ///   text, hosts, request configuration with headers);
    /// - the `errorhandler` middleware mounted without a check of the
    ///   environment (`app.use(errorhandler())` outside
    ///   `if (process.env.NODE_ENV === "development")`).
    ///
    /// Logging the error and sending a generic message, `err.message` on
    /// its own, and responses built by a function (which may sanitise)
    /// are not reported.
    ///
    /// ## Why is this bad?
    /// A stack trace or the fields of an unexpected error tell an attacker
    /// which libraries and versions run, file paths, SQL statements and
    /// hosts, and which inputs reach which code: reconnaissance for the
    /// next attack.
    ///
    /// ## Example
    /// ```javascript
    /// app.get("/orders/:id", async (req, res) => {
    ///   try {
    ///     res.json(await loadOrder(req.params.id));
    ///   } catch (err) {
    ///     res.status(500).send(err.stack);
    ///   }
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.get("/orders/:id", async (req, res) => {
    ///   try {
    ///     res.json(await loadOrder(req.params.id));
    ///   } catch (err) {
    ///     logger.error(err);
    ///     res.status(500).json({ error: "internal error" });
    ///   }
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-209: Generation of Error Message Containing Sensitive Information](https://cwe.mitre.org/data/definitions/209.html)
    /// - [CWE-497: Exposure of Sensitive System Information to an Unauthorized Control Sphere](https://cwe.mitre.org/data/definitions/497.html)
    /// - [OWASP Error Handling Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html)
    /// - [Express: Error handling](https://expressjs.com/en/guide/error-handling.html)
    pub static SPEC = {
        ids: &["javascript/stack-trace-exposure@v1.0", "typescript/stack-trace-exposure@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Stack trace exposure",
        category: Category::Security,
        cwes: &[209, 497],
        tags: &["information-disclosure", "error-handling", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Log the error on the server and send the client a generic error message.",
        keywords: &["stack", "catch", "err", "errorhandler"],
        check: Check::Node { kinds: &["call_expression", "assignment_expression"], run: check },
    };
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if node.kind() == "assignment_expression" {
        if let Some(value) = koa_body_value(node, text) {
            check_payload(node, value, checker);
        }
        return;
    }
    if let Some(payload) = response_payload(node, text) {
        // Fastify's `reply.send(error)` hands the error to the error
        // handler, which sends only its status and message.
        if root_name(node, text) == Some("reply") && stack_read(payload, text).is_none() {
            return;
        }
        check_payload(node, payload, checker);
        return;
    }
    check_errorhandler(node, checker);
}

/// The identifier a method chain starts from (`res` for
/// `res.status(500).send(x)`).
fn root_name<'t>(call: Node<'_>, text: &'t str) -> Option<&'t str> {
    let mut node = call;
    loop {
        node = unwrap(node);
        node = match node.kind() {
            "call_expression" => node.js_field("function")?,
            "member_expression" => node.js_field("object")?,
            "identifier" => return Some(node_text(node, text)),
            _ => return None,
        };
    }
}

/// Whether a name denotes an error (`err`, `error`, `e`, `dbError`).
fn error_name(name: &str) -> bool {
    matches!(name, "e" | "ex" | "er")
        || words(name)
            .last()
            .is_some_and(|w| matches!(w.as_str(), "err" | "error" | "exception" | "exc"))
}

/// The first `<error>.stack` in an expression (nested functions excluded).
fn stack_read<'t>(node: Node<'t>, text: &str) -> Option<Node<'t>> {
    let node = unwrap(node);
    match node.kind() {
        "arrow_function" | "function_expression" | "function" => return None,
        "member_expression"
            if node
                .js_field("property")
                .is_some_and(|p| node_text(p, text) == "stack")
                && node
                    .js_field("object")
                    .and_then(|o| end_name(o, text))
                    .is_some_and(error_name) =>
        {
            return Some(node);
        }
        // A function builds the response: it may sanitise.
        "call_expression" => {
            let function = node.js_field("function")?;
            let name = node_text(function, text);
            if !matches!(name, "JSON.stringify" | "String") && !name.ends_with(".join") {
                return None;
            }
        }
        _ => {}
    }
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
    children.into_iter().find_map(|c| stack_read(c, text))
}

fn check_payload(at: Node<'_>, payload: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if let Some(stack) = stack_read(payload, text) {
        checker.report(
            at,
            Violation::new(
                "stack",
                format!(
                    "`{}` is sent in the response: the client sees internal error details",
                    node_text(stack, text)
                ),
            ),
        );
        return;
    }
    let payload = unwrap(payload);
    if payload.kind() == "identifier" && is_caught_error(payload, text) {
        checker.report(
            at,
            Violation::new(
                "error-object",
                format!(
                    "the caught error `{}` is sent as the response: its fields (SQL, hosts, request configuration) reach the client",
                    node_text(payload, text)
                ),
            ),
        );
    }
}

/// Whether an identifier is the parameter of an enclosing `catch`, or the
/// first parameter of an enclosing Express error handler
/// `(err, req, res, next)`.
fn is_caught_error(identifier: Node<'_>, text: &str) -> bool {
    let name = node_text(identifier, text);
    let mut scope = identifier.parent();
    while let Some(node) = scope {
        match node.kind() {
            "catch_clause"
                if node
                    .js_field("parameter")
                    .is_some_and(|p| node_text(p, text) == name) =>
            {
                return true;
            }
            "arrow_function" | "function_expression" | "function_declaration" | "function" => {
                if let Some(single) = node.js_field("parameter") {
                    // `err => res.send(err)`.
                    if node_text(single, text) == name {
                        return error_name(name);
                    }
                    scope = node.parent();
                    continue;
                }
                let Some(parameters) = node.js_field("parameters") else {
                    return false;
                };
                let mut cursor = parameters.walk();
                let params: Vec<Node<'_>> = parameters
                    .named_children(&mut cursor)
                    .filter(|p| p.kind() != "comment")
                    .collect();
                if params.len() == 4 {
                    let first = params[0];
                    let first = first.js_field("pattern").unwrap_or(first);
                    return node_text(first, text) == name;
                }
                if params
                    .iter()
                    .any(|p| node_text(*p, text).split(':').next().map(str::trim) == Some(name))
                {
                    // A callback's error parameter (`(err, rows) => ...`,
                    // `.catch((error) => ...)`); any other parameter is
                    // not an error we know of.
                    return error_name(name);
                }
            }
            _ => {}
        }
        scope = node.parent();
    }
    false
}

/// `app.use(errorhandler())` outside a development-only branch.
fn check_errorhandler(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some((_, method)) = method_call(call) else {
        return;
    };
    if node_text(method, text) != "use" {
        return;
    }
    let mounts = call_args(call).into_iter().any(|a| {
        let a = unwrap(a);
        a.kind() == "call_expression"
            && callee_names(a, checker).iter().any(|n| n == "errorhandler")
    });
    if !mounts {
        return;
    }
    let mut scope = call.parent();
    while let Some(node) = scope {
        if matches!(
            node.kind(),
            "if_statement" | "ternary_expression" | "binary_expression"
        ) {
            let condition = node
                .js_field("condition")
                .or_else(|| node.js_field("left"))
                .map_or("", |c| node_text(c, text));
            let lower = condition.to_ascii_lowercase();
            if lower.contains("env") || lower.contains("dev") || lower.contains("debug") {
                return;
            }
        }
        scope = node.parent();
    }
    checker.report(
        call,
        Violation::new(
            "dev-error-handler",
            "the errorhandler middleware sends stack traces to the client and is mounted without checking that this is a development environment",
        ),
    );
}
