use super::super::prelude::*;
use super::{
    bool_literal, callee_names, configured_by_option, js_string, object_property, property_key,
    unwrap,
};
use crate::fix::replace_string_value;
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds TLS certificate validation switched off:
    ///
    /// - `rejectUnauthorized: false` in the options of `https`, `tls`,
    ///   `https.Agent` (axios `httpsAgent`, node-fetch `agent`), got's
    ///   `https: { ... }`, `ws`, `pg`/`mysql` `ssl: { ... }`, nodemailer's
    ///   `tls: { ... }` and any other client taking Node's TLS options;
    /// - `strictSSL: false` (request, npm clients), and assignments of
///   `false` to an options object's `rejectUnauthorized` or `strictSSL`;
    /// - `NODE_TLS_REJECT_UNAUTHORIZED` set to `"0"` in `process.env` or in
    ///   the environment given to a child process.
    ///
    /// On servers (`tls.createServer`, `https.createServer`)
    /// `rejectUnauthorized` only matters with `requestCert: true`, so
    /// `rejectUnauthorized: false` without it is not reported. Values read
    /// from configuration (`rejectUnauthorized: process.env.PGSSL_VERIFY !==
    /// "false"`) are a deliberate choice and are not reported either, nor is
    /// code that only runs when an option asks for it (`if
    /// (options.tlsInsecure) { ... }`, `case "no-verify":`): a library
    /// implementing its user's explicit setting. Test
    /// code is reported: a disabled check there tends to travel.
    ///
    /// ## Why is this bad?
    /// Without certificate validation, anyone on the network path (a
    /// public Wi-Fi, a compromised router, a malicious proxy) can present
    /// their own certificate, read and change all traffic, and collect the
    /// credentials sent over the connection. `NODE_TLS_REJECT_UNAUTHORIZED=0`
    /// does this for every connection the process makes.
    ///
    /// ## Example
    /// ```javascript
    /// const https = require("https");
    /// const agent = new https.Agent({ rejectUnauthorized: false });
    /// process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const fs = require("fs");
    /// const https = require("https");
    /// const agent = new https.Agent({ ca: fs.readFileSync("internal-ca.pem") });
    /// ```
    /// The fix sets the option back to `true` (and the variable to `"1"`);
    /// to trust a private or self-signed certificate, pass it as `ca`.
    ///
    /// ## References
    /// - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    /// - [Node.js tls.connect options](https://nodejs.org/api/tls.html#tlsconnectoptions-callback)
    /// - [Node.js NODE_TLS_REJECT_UNAUTHORIZED](https://nodejs.org/api/cli.html#node_tls_reject_unauthorizedvalue)
    /// - [OWASP Transport Layer Security Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["javascript/improper-certificate-validation@v1.0", "typescript/improper-certificate-validation@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Improper certificate validation",
        category: Category::Security,
        cwes: &[295],
        tags: &["tls", "cryptography", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Keep certificate validation on (rejectUnauthorized: true, the default); to trust a private CA or self-signed certificate, pass it as the `ca` option instead.",
        keywords: &["rejectunauthorized", "strictssl", "node_tls_reject_unauthorized"],
        check: Check::Node { kinds: &["pair", "assignment_expression"], run: check },
    };
}

const ENV_VARIABLE: &str = "NODE_TLS_REJECT_UNAUTHORIZED";

/// Server constructors, whose `rejectUnauthorized` concerns client
/// certificates and only with `requestCert: true`.
const SERVERS: &[&str] = &[
    "tls.createServer",
    "https.createServer",
    "tls.Server",
    "https.Server",
    "http2.createSecureServer",
    "tls.createSecureContext",
];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "pair" => check_pair(node, checker),
        _ => check_assignment(node, checker),
    }
}

fn check_pair(pair: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(key) = property_key(pair, text) else {
        return;
    };
    let Some(value) = pair.js_field("value") else {
        return;
    };
    match key {
        "rejectUnauthorized" | "strictSSL" => {
            if bool_literal(value, text) != Some(false) {
                return;
            }
            if key == "rejectUnauthorized" && server_without_client_certificates(pair, checker) {
                return;
            }
            report_disabled(pair, key, value, checker);
        }
        ENV_VARIABLE => report_env(pair, value, checker),
        _ => {}
    }
}

fn report_disabled(node: Node<'_>, key: &str, value: Node<'_>, checker: &mut Checker<'_>) {
    if configured_by_option(node, checker.text) {
        return;
    }
    let message = if key == "strictSSL" {
        "strictSSL: false turns off TLS certificate validation: anyone on the network path can impersonate the server and read or change the traffic"
    } else {
        "rejectUnauthorized: false accepts any TLS certificate: anyone on the network path can impersonate the server and read or change the traffic"
    };
    checker.report(
        node,
        Violation::new("validation-disabled", message).with_fix(Fix::replace(
            "Validate certificates",
            unwrap(value).byte_range(),
            "true",
        )),
    );
}

/// `process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"`,
/// `options.rejectUnauthorized = false`.
fn check_assignment(assignment: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let (Some(left), Some(right)) = (assignment.js_field("left"), assignment.js_field("right"))
    else {
        return;
    };
    let name = match left.kind() {
        "member_expression" => left
            .js_field("property")
            .map(|p| node_text(p, text).to_string()),
        "subscript_expression" => left.js_field("index").and_then(|i| js_string(i, text)),
        _ => None,
    };
    if let Some(key) = name
        .as_deref()
        .filter(|n| matches!(*n, "rejectUnauthorized" | "strictSSL"))
    {
        if bool_literal(right, text) == Some(false) {
            report_disabled(assignment, key, right, checker);
        }
        return;
    }
    if name.as_deref() != Some(ENV_VARIABLE) {
        return;
    }
    let object = left.js_field("object").map(|o| node_text(o, text));
    if !object.is_some_and(|o| o.ends_with("env")) {
        return;
    }
    report_env(assignment, right, checker);
}

fn report_env(node: Node<'_>, value: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if configured_by_option(node, text) {
        return;
    }
    let value = unwrap(value);
    let disabled = js_string(value, text).is_some_and(|v| v == "0")
        || (value.kind() == "number" && node_text(value, text) == "0");
    if !disabled {
        return;
    }
    let edit = if value.kind() == "number" {
        Some(Edit::replace(value.byte_range(), "1"))
    } else {
        replace_string_value(value, text, "1")
    };
    let mut violation = Violation::new(
        "validation-disabled",
        "NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS certificate validation for every connection of the process: anyone on the network path can impersonate any server",
    );
    if let Some(edit) = edit {
        violation = violation.with_fix(Fix::new("Validate certificates", vec![edit]));
    }
    checker.report(node, violation);
}

/// Whether the pair is in the options of a TLS server that does not ask
/// for client certificates.
fn server_without_client_certificates(pair: Node<'_>, checker: &Checker<'_>) -> bool {
    let text = checker.text;
    let Some(object) = pair.parent() else {
        return false;
    };
    let Some(call) = object
        .parent()
        .filter(|a| a.kind() == "arguments")
        .and_then(|a| a.parent())
    else {
        return false;
    };
    let names = callee_names(call, checker);
    if !names.iter().any(|n| SERVERS.contains(&n.as_str())) {
        return false;
    }
    object_property(object, "requestCert", text)
        .is_none_or(|v| bool_literal(v, text) == Some(false))
}
