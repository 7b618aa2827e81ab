use super::super::prelude::*;
use super::{
    Part, call_args, callee_names, credential_name, is_imported, js_string, object_property,
    property_key, render_parts, resolve_value, string_parts,
};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds credentials that are only base64-encoded in a request sent
    /// over plain `http://`:
    ///
    /// - an `Authorization` header built by hand from a base64 encoding
    ///   (`"Basic " + Buffer.from(user + ":" + pass).toString("base64")`,
    ///   `` `Basic ${btoa(`${user}:${pass}`)}` ``);
    /// - a password, secret or token field of the body whose value is
    ///   base64-encoded (`{ password: btoa(password) }`).
    ///
    /// The request is `fetch`, `axios` (`axios(config)`, `axios.get`,
    /// `axios.post`, ...), `got`, or Node's `http.request`/`http.get`. Its
    /// URL must be known to use plain HTTP -- a literal, template or
    /// concatenation starting with `http://` (or a local constant holding
    /// one), or `http.request` to a literal host -- and to reach a host
    /// other than the local machine. Basic authentication over HTTPS is not
    /// reported.
    ///
    /// ## Why is this bad?
    /// Base64 is an encoding, not encryption: anyone who sees the request
    /// (a proxy, a shared network, a log of the traffic) decodes the
    /// password in one step. Over plain HTTP the request travels in the
    /// clear.
    ///
    /// ## Example
    /// ```javascript
    /// const token = Buffer.from(`${user}:${password}`).toString("base64");
    /// await fetch("http://reports.example.com/daily", {
    ///   headers: { Authorization: `Basic ${token}` },
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const token = Buffer.from(`${user}:${password}`).toString("base64");
    /// await fetch("https://reports.example.com/daily", {
    ///   headers: { Authorization: `Basic ${token}` },
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-522: Insufficiently Protected Credentials](https://cwe.mitre.org/data/definitions/522.html)
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [RFC 7617: The 'Basic' HTTP Authentication Scheme, Security Considerations](https://www.rfc-editor.org/rfc/rfc7617#section-4)
    pub static SPEC = {
        ids: &[
            "javascript/weak-obfuscation-of-request@v1.0",
            "typescript/weak-obfuscation-of-request@v1.0",
        ],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Weak obfuscation of request",
        category: Category::Security,
        cwes: &[522, 319],
        tags: &["cryptography", "network", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Send credentials over HTTPS only; base64 does not protect them.",
        keywords: &["base64", "btoa"],
        check: Check::Node { kinds: &["call_expression"], run: check },
    };
}

/// A request: where its URL, configuration (headers) and body are.
struct Request<'t> {
    url: Option<Node<'t>>,
    config: Option<Node<'t>>,
    body: Option<Node<'t>>,
    /// Node's `http` module: plain HTTP whatever the options say.
    plain_module: bool,
}

fn request<'t>(call: Node<'t>, checker: &Checker<'_>) -> Option<Request<'t>> {
    let text = checker.text;
    let names = callee_names(call, checker);
    let args = call_args(call);
    let function = call.js_field("function")?;
    let name = names.first()?.as_str();
    let global_fetch = matches!(name, "fetch" | "window.fetch" | "globalThis.fetch");
    if !global_fetch && !is_imported(function, checker) {
        return None;
    }
    let arg = |i: usize| args.get(i).copied();
    let request = match name {
        "fetch" | "window.fetch" | "globalThis.fetch" | "node-fetch" | "undici.fetch" => {
            let init = arg(1).map(|i| resolve_value(i, text));
            Request {
                url: arg(0),
                config: init,
                body: init.and_then(|i| object_property(i, "body", text)),
                plain_module: false,
            }
        }
        "axios" | "axios.request" => {
            let first = arg(0).map(|a| resolve_value(a, text));
            match first {
                Some(config) if config.kind() == "object" => Request {
                    url: object_property(config, "url", text),
                    config: Some(config),
                    body: object_property(config, "data", text),
                    plain_module: false,
                },
                _ => Request {
                    url: arg(0),
                    config: arg(1),
                    body: arg(1).and_then(|c| object_property(c, "data", text)),
                    plain_module: false,
                },
            }
        }
        "axios.get" | "axios.delete" | "axios.head" | "axios.options" => Request {
            url: arg(0),
            config: arg(1),
            body: None,
            plain_module: false,
        },
        "axios.post" | "axios.put" | "axios.patch" => Request {
            url: arg(0),
            config: arg(2),
            body: arg(1),
            plain_module: false,
        },
        "got" | "got.get" | "got.post" | "got.put" | "got.patch" | "got.delete" => {
            let options = arg(1).map(|o| resolve_value(o, text));
            Request {
                url: arg(0),
                config: options,
                body: options.and_then(|o| {
                    object_property(o, "json", text).or_else(|| object_property(o, "form", text))
                }),
                plain_module: false,
            }
        }
        "http.request" | "http.get" => {
            let first = arg(0).map(|a| resolve_value(a, text));
            match first {
                Some(options) if options.kind() == "object" => Request {
                    url: None,
                    config: Some(options),
                    body: None,
                    plain_module: object_property(options, "hostname", text)
                        .or_else(|| object_property(options, "host", text))
                        .and_then(|h| js_string(h, text))
                        .is_some_and(|h| !local_host(&h)),
                },
                _ => Request {
                    url: arg(0),
                    config: arg(1),
                    body: None,
                    plain_module: false,
                },
            }
        }
        _ => return None,
    };
    Some(request)
}

fn local_host(host: &str) -> bool {
    let host = host.split(':').next().unwrap_or(host);
    matches!(
        host,
        "localhost" | "127.0.0.1" | "0.0.0.0" | "[" | "" | "host.docker.internal"
    ) || host.starts_with("127.")
        || host.starts_with("[::1]")
        || host.ends_with(".localhost")
}

/// Whether a URL expression is known to use plain HTTP to another host.
fn plain_http(url: Node<'_>, text: &str) -> bool {
    // Constants in a template or concatenation (`${BASE}/invoices`).
    let parts: Vec<Part<'_>> = string_parts(resolve_value(url, text), text)
        .into_iter()
        .map(|p| match p {
            Part::Value(v) => match js_string(resolve_value(v, text), text) {
                Some(s) => Part::Text(s),
                None => Part::Value(v),
            },
            text_part => text_part,
        })
        .collect();
    let rendered = render_parts(&parts);
    let Some(rest) = rendered.strip_prefix("http://") else {
        return false;
    };
    let host = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host = host.rsplit('@').next().unwrap_or(host);
    !host.starts_with('\u{0}') && !local_host(host)
}

/// Whether an expression is a base64 encoding (`btoa(x)`,
/// `Buffer.from(x).toString("base64")`, `base64.encode(x)`), directly, in
/// a template or concatenation, or through a local constant.
fn base64_encoded(node: Node<'_>, checker: &Checker<'_>, depth: usize) -> bool {
    let text = checker.text;
    if depth > 3 {
        return false;
    }
    let node = resolve_value(node, text);
    match node.kind() {
        "call_expression" => {
            let Some(function) = node.js_field("function") else {
                return false;
            };
            let raw = node_text(function, text);
            if matches!(raw, "btoa" | "window.btoa" | "globalThis.btoa") {
                return true;
            }
            if let Some((_, method)) = method_call(node)
                && node_text(method, text) == "toString"
                && call_args(node)
                    .first()
                    .and_then(|a| js_string(*a, text))
                    .is_some_and(|e| e == "base64")
            {
                return true;
            }
            callee_names(node, checker).iter().any(|n| {
                matches!(
                    n.as_str(),
                    "base-64.encode"
                        | "js-base64.Base64.encode"
                        | "js-base64.encode"
                        | "js-base64.Base64.btoa"
                )
            })
        }
        "template_string" | "binary_expression" => {
            string_parts(node, text).iter().any(|p| match p {
                Part::Value(v) => *v != node && base64_encoded(*v, checker, depth + 1),
                Part::Text(_) => false,
            })
        }
        _ => false,
    }
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(request) = request(call, checker) else {
        return;
    };
    let plain = request.plain_module || request.url.is_some_and(|u| plain_http(u, text));
    if !plain {
        return;
    }
    let headers = request
        .config
        .and_then(|c| object_property(c, "headers", text))
        .map(|h| resolve_value(h, text));
    if let Some(headers) = headers
        && headers.kind() == "object"
    {
        let mut cursor = headers.walk();
        let members: Vec<Node<'_>> = headers.named_children(&mut cursor).collect();
        let encoded = members.into_iter().any(|m| {
            property_key(m, text).is_some_and(|k| k.eq_ignore_ascii_case("authorization"))
                && m.js_field("value")
                    .is_some_and(|v| base64_encoded(v, checker, 0))
        });
        if encoded {
            checker.report(
                call,
                Violation::new(
                    "basic-over-http",
                    "the Authorization header carries base64-encoded credentials over plain http://: anyone on the path decodes them",
                ),
            );
            return;
        }
    }
    let Some(body) = request.body else {
        return;
    };
    let mut body = resolve_value(body, text);
    // `JSON.stringify({...})`, `new URLSearchParams({...})`.
    if matches!(body.kind(), "call_expression" | "new_expression")
        && let Some(inner) = call_args(body).first()
    {
        body = resolve_value(*inner, text);
    }
    if body.kind() != "object" {
        return;
    }
    let mut cursor = body.walk();
    let members: Vec<Node<'_>> = body.named_children(&mut cursor).collect();
    for member in members {
        let Some(key) = property_key(member, text) else {
            continue;
        };
        if credential_name(key).is_none() {
            continue;
        }
        if member
            .js_field("value")
            .is_some_and(|v| base64_encoded(v, checker, 0))
        {
            checker.report(
                call,
                Violation::new(
                    "base64-credential",
                    format!(
                        "the field \"{key}\" is only base64-encoded and sent over plain http://: base64 is not encryption"
                    ),
                ),
            );
            return;
        }
    }
}
