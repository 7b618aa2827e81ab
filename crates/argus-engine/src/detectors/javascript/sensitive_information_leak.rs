use super::super::prelude::*;
use super::{
    call_args, callee_names, credential_name, dumps_process_env, is_log_call, js_string,
    koa_body_value, property_key, response_payload, unwrap,
};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds the whole environment, or secret environment variables, handed
    /// to someone who should not have them:
    ///
    /// - `process.env` sent in an HTTP response (`res.json(process.env)`,
    ///   `res.send(JSON.stringify(process.env))`, `reply.send({ env:
    ///   process.env })`, Koa's `ctx.body = process.env`);
    /// - `process.env` written to a log (`console.log(process.env)`,
    ///   `logger.info({ ...process.env })`);
    /// - environment variables compiled into a client bundle: webpack's
    ///   `DefinePlugin` or Vite's `define` given all of `process.env`
    ///   (`"process.env": JSON.stringify(process.env)`) or a variable named
    ///   like a secret (`"process.env.STRIPE_SECRET_KEY"`), and webpack's
    ///   `EnvironmentPlugin` listing one (`["API_TOKEN"]`).
    ///
    /// Single, non-secret variables (`process.env.NODE_ENV`,
    /// `process.env.PUBLIC_URL`) and Next.js `NEXT_PUBLIC_*` variables,
    /// public by convention, are not reported.
    ///
    /// ## Why is this bad?
    /// The environment holds the application's database passwords, API
    /// keys and signing secrets. A response or a client bundle gives them
    /// to anyone who asks; a log gives them to everyone who can read logs,
    /// and to every system the logs are shipped to.
    ///
    /// ## Example
    /// ```javascript
    /// const webpack = require("webpack");
    ///
    /// app.get("/debug/config", (req, res) => res.json(process.env));
    /// new webpack.DefinePlugin({ "process.env": JSON.stringify(process.env) });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const webpack = require("webpack");
    ///
    /// app.get("/debug/config", (req, res) => res.json({ version: pkg.version }));
    /// new webpack.DefinePlugin({ "process.env.NODE_ENV": JSON.stringify(process.env.NODE_ENV) });
    /// ```
    ///
    /// ## References
    /// - [CWE-200: Exposure of Sensitive Information to an Unauthorized Actor](https://cwe.mitre.org/data/definitions/200.html)
    /// - [CWE-526: Cleartext Storage of Sensitive Information in an Environment Variable](https://cwe.mitre.org/data/definitions/526.html)
    /// - [CWE-532: Insertion of Sensitive Information into Log File](https://cwe.mitre.org/data/definitions/532.html)
    /// - [webpack DefinePlugin](https://webpack.js.org/plugins/define-plugin/)
    pub static SPEC = {
        ids: &[
            "javascript/sensitive-information-leak@v1.0",
            "typescript/sensitive-information-leak@v1.0",
        ],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Sensitive information leak",
        category: Category::Security,
        cwes: &[200, 526, 532],
        tags: &["information-disclosure", "secrets", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Send, log or bundle only the specific, non-secret values needed (for example NODE_ENV), never the whole environment or a secret variable.",
        keywords: &["process.env"],
        check: Check::Node {
            kinds: &["call_expression", "new_expression", "assignment_expression"],
            run: check,
        },
    };
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    match node.kind() {
        "assignment_expression" => {
            if let Some(value) = koa_body_value(node, text)
                && dumps_process_env(value, text)
            {
                report_response(node, checker);
            }
        }
        "new_expression" => check_bundle(node, checker),
        _ => {
            if let Some(payload) = response_payload(node, text) {
                if dumps_process_env(payload, text) {
                    report_response(node, checker);
                }
                return;
            }
            if is_log_call(node, checker) {
                if call_args(node).iter().any(|a| dumps_process_env(*a, text)) {
                    checker.report(
                        node,
                        Violation::new(
                            "env-logged",
                            "every environment variable, secrets included, is written to the log",
                        ),
                    );
                }
                return;
            }
            check_vite_define(node, checker);
        }
    }
}

fn report_response(node: Node<'_>, checker: &mut Checker<'_>) {
    checker.report(
        node,
        Violation::new(
            "env-in-response",
            "the response carries process.env: every client sees the application's secrets",
        ),
    );
}

/// The name of a secret environment variable (`STRIPE_SECRET_KEY`), not a
/// public one (`NEXT_PUBLIC_*`).
fn secret_variable(name: &str) -> Option<String> {
    if name.starts_with("NEXT_PUBLIC_") {
        return None;
    }
    credential_name(name)
}

/// `new webpack.DefinePlugin({...})`, `new webpack.EnvironmentPlugin([...])`.
fn check_bundle(new: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = callee_names(new, checker);
    let is = |plugin: &str| {
        names
            .iter()
            .any(|n| n == plugin || n.ends_with(&format!(".{plugin}")))
    };
    let Some(argument) = call_args(new).into_iter().next() else {
        return;
    };
    if is("DefinePlugin") {
        check_definitions(argument, checker);
    } else if is("EnvironmentPlugin") {
        let argument = unwrap(argument);
        let mut cursor = argument.walk();
        let entries: Vec<Node<'_>> = argument.named_children(&mut cursor).collect();
        let variable = entries.into_iter().find_map(|entry| {
            let name = match argument.kind() {
                "array" => js_string(entry, text)?,
                "object" => property_key(entry, text)?.to_string(),
                _ => return None,
            };
            secret_variable(&name).map(|_| name)
        });
        if let Some(variable) = variable {
            report_bundle(new, &variable, checker);
        }
    }
}

/// Vite: `defineConfig({ define: {...} })`.
fn check_vite_define(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if !callee_names(call, checker)
        .iter()
        .any(|n| n == "vite.defineConfig")
    {
        return;
    }
    if let Some(define) = call_args(call)
        .first()
        .and_then(|c| super::object_property(*c, "define", text))
    {
        check_definitions(define, checker);
    }
}

/// A definitions object compiled into the bundle.
fn check_definitions(definitions: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let definitions = unwrap(definitions);
    if definitions.kind() != "object" {
        return;
    }
    let mut cursor = definitions.walk();
    let members: Vec<Node<'_>> = definitions.named_children(&mut cursor).collect();
    for member in members {
        if member.kind() == "spread_element" {
            continue;
        }
        let Some(key) = property_key(member, text) else {
            continue;
        };
        let value = member.js_field("value");
        if value.is_some_and(|v| dumps_process_env(v, text)) {
            report_bundle(member, "process.env", checker);
            return;
        }
        let variable = key
            .strip_prefix("process.env.")
            .or_else(|| key.strip_prefix("import.meta.env."));
        if let Some(variable) = variable
            && secret_variable(variable).is_some()
            && value.is_some_and(|v| text[v.byte_range()].contains("process.env"))
        {
            report_bundle(member, key, checker);
            return;
        }
    }
}

fn report_bundle(at: Node<'_>, what: &str, checker: &mut Checker<'_>) {
    checker.report(
        at,
        Violation::new(
            "env-in-bundle",
            format!(
                "`{what}` is compiled into the client bundle: anyone who downloads the JavaScript reads it"
            ),
        ),
    );
}
