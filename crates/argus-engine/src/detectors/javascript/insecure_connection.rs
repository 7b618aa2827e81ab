use super::super::prelude::*;
use super::{
    call_args, callee_names, const_value, js_string, object_property, property_key, unwrap,
};
use crate::fix::replace_string_value;
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds connections made without encryption where encryption is
    /// expected, and TLS set up with broken protocol versions or ciphers:
    ///
    /// - `http://`, `ws://` and `ftp://` URLs written in the code and passed
    ///   to a network client (`http.get`/`request`, `fetch`, axios and its
    ///   `baseURL`, got and its `prefixUrl`, request, superagent, needle,
    ///   undici, `new WebSocket`, socket.io-client, `new EventSource`), as a
    ///   literal, a template with a literal host, a concatenation starting
    ///   with one, or a `const` holding one;
    /// - `minVersion`/`maxVersion` of `TLSv1`, `TLSv1.1` or `SSLv3` (and
    ///   `tls.DEFAULT_MIN_VERSION`), and `secureProtocol` naming an SSLv2,
    ///   SSLv3, TLS 1.0 or TLS 1.1 method;
    /// - `ciphers` lists enabling NULL, anonymous, EXPORT, RC4, DES/3DES or
    ///   MD5 suites (entries negated with `!` or `-` are fine).
    ///
    /// Local and reserved hosts are not reported: `localhost`,
    /// loopback, private and link-local addresses (cloud metadata services
    /// speak plain HTTP), single-label names (`http://db:5432`, service
    /// names inside a cluster), and the `.local`, `.internal`, `.test`,
    /// `.example`, `.invalid` domains and `example.com`. URLs that are not
    /// requested (XML namespaces, schema ids, links in documentation) are
    /// not reported either.
    ///
    /// ## Why is this bad?
    /// Plain HTTP, WebSocket and FTP traffic can be read and changed by
    /// anyone on the network path: credentials, session cookies and API
    /// responses leak, and injected responses can carry malicious code or
    /// data. SSLv3, TLS 1.0 and 1.1 and the listed cipher suites have
    /// practical attacks (POODLE, BEAST, Sweet32, RC4 biases, FREAK) and
    /// are deprecated (RFC 8996).
    ///
    /// ## Example
    /// ```javascript
    /// const axios = require("axios");
    /// const tls = require("tls");
    /// const response = await axios.get("http://api.partner.com/orders");
    /// const socket = tls.connect({ host, port, minVersion: "TLSv1" });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const axios = require("axios");
    /// const tls = require("tls");
    /// const response = await axios.get("https://api.partner.com/orders");
    /// const socket = tls.connect({ host, port, minVersion: "TLSv1.2" });
    /// ```
    /// The fix switches `http://` to `https://` and `ws://` to `wss://`,
    /// raises the minimum version to TLS 1.2 and replaces a pinned
    /// `secureProtocol` with the negotiating `TLS_method`.
    ///
    /// ## References
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    /// - [RFC 8996: Deprecating TLS 1.0 and TLS 1.1](https://www.rfc-editor.org/rfc/rfc8996)
    /// - [Node.js tls.createSecureContext options](https://nodejs.org/api/tls.html#tlscreatesecurecontextoptions)
    /// - [OWASP Transport Layer Security Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["javascript/insecure-connection@v1.0", "typescript/insecure-connection@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Insecure connection",
        category: Category::Security,
        cwes: &[319, 327, 757],
        tags: &["cryptography", "network", "tls"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Use https://, wss:// or FTPS; allow only TLS 1.2 and later with the default cipher list.",
        keywords: &["http://", "ws://", "ftp://", "minversion", "maxversion", "secureprotocol", "ciphers", "default_min_version"],
        check: Check::Node { kinds: &["call_expression", "new_expression", "pair", "assignment_expression"], run: check },
    };
}

/// Clients whose first argument is a URL (or options holding one).
const CLIENTS: &[&str] = &[
    "http.get",
    "http.request",
    "fetch",
    "window.fetch",
    "globalThis.fetch",
    "node-fetch",
    "node-fetch.default",
    "cross-fetch",
    "isomorphic-fetch",
    "undici.fetch",
    "undici.request",
    "undici.stream",
    "axios",
    "axios.default",
    "axios.get",
    "axios.post",
    "axios.put",
    "axios.patch",
    "axios.delete",
    "axios.head",
    "axios.options",
    "axios.request",
    "axios.create",
    "got",
    "got.default",
    "got.get",
    "got.post",
    "got.put",
    "got.patch",
    "got.delete",
    "got.head",
    "got.stream",
    "got.extend",
    "got.paginate",
    "request",
    "request.get",
    "request.post",
    "request.put",
    "request.patch",
    "request.del",
    "request.delete",
    "request.head",
    "request-promise",
    "request-promise-native",
    "superagent",
    "superagent.get",
    "superagent.post",
    "superagent.put",
    "superagent.patch",
    "superagent.delete",
    "superagent.del",
    "superagent.head",
    "needle",
    "needle.get",
    "needle.post",
    "needle.put",
    "needle.delete",
    "needle.head",
    "needle.request",
    "WebSocket",
    "window.WebSocket",
    "ws",
    "ws.WebSocket",
    "isomorphic-ws",
    "reconnecting-websocket",
    "socket.io-client",
    "socket.io-client.io",
    "socket.io-client.connect",
    "EventSource",
    "eventsource",
    "ky",
    "ky.get",
    "ky.post",
    "ky.create",
    "ofetch",
    "ofetch.ofetch",
    "node-fetch-native",
    "phin",
    "bent",
];

/// Option properties holding the URL a client requests.
const URL_KEYS: &[&str] = &["url", "uri", "baseURL", "baseUrl", "prefixUrl", "href"];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "pair" => check_pair(node, checker),
        "assignment_expression" => check_default_version(node, checker),
        _ => check_client(node, checker),
    }
}

fn check_client(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let mut names = callee_names(call, checker);
    // TypeScript parses `await axios.get<T>(url)` as a call of `await axios.get`.
    if let Some(inner) = call
        .js_field("function")
        .filter(|f| f.kind() == "await_expression")
        .and_then(|f| f.named_child(0))
    {
        names.extend(checker.semantic.qualified_names(unwrap(inner), text));
    }
    if !names.iter().any(|n| CLIENTS.contains(&n.as_str())) {
        return;
    }
    let Some(first) = call_args(call).first().copied() else {
        return;
    };
    let url = if unwrap(first).kind() == "object" {
        URL_KEYS
            .iter()
            .find_map(|k| object_property(first, k, text))
    } else {
        Some(first)
    };
    let Some(url) = url else { return };
    let Some((literal, scheme, host)) = url_literal(url, text, 0) else {
        return;
    };
    if is_local(&host) {
        return;
    }
    let (secure, what) = match scheme {
        "http" => (Some("https"), "HTTP"),
        "ws" => (Some("wss"), "WebSocket"),
        "ftp" => (None, "FTP"),
        _ => return,
    };
    let mut violation = Violation::new(
        "cleartext-url",
        format!(
            "`{scheme}://{host}` is requested over plain {what}: anyone on the network path can read and change the traffic"
        ),
    );
    if let Some(secure) = secure {
        // The scheme starts right after the opening quote or backtick.
        let start = literal.start_byte() + 1;
        violation = violation.with_fix(Fix::replace(
            format!("Use {secure}://"),
            start..start + scheme.len(),
            secure,
        ));
    }
    checker.report(call, violation);
}

/// The literal a URL expression starts with, its scheme and host:
/// `"http://h/x"`, `` `http://h/${id}` ``, `"http://h" + path`, or a
/// `const` holding one.
fn url_literal<'t>(
    url: Node<'t>,
    text: &str,
    depth: usize,
) -> Option<(Node<'t>, &'static str, String)> {
    if depth > 3 {
        return None;
    }
    let url = unwrap(url);
    match url.kind() {
        "string" | "template_string" => {
            let raw = node_text(url, text);
            let body = &raw[1..];
            let prefix = body.split("${").next()?;
            let (scheme, rest) = ["http", "ws", "ftp"]
                .iter()
                .find_map(|s| Some((*s, prefix.strip_prefix(s)?.strip_prefix("://")?)))?;
            // The host must be written out in full.
            let end = rest.find(['/', ':', '?', '#', '"', '\'', '`'])?;
            let host = &rest[..end];
            if host.is_empty() || host.contains(['$', '{', '@', ' ', '\\']) {
                return None;
            }
            Some((url, scheme, host.to_ascii_lowercase()))
        }
        "binary_expression" => {
            let operator = url.js_field("operator").map(|o| node_text(o, text));
            if operator != Some("+") {
                return None;
            }
            url_literal(url.js_field("left")?, text, depth + 1)
        }
        "identifier" => url_literal(const_value(url, text)?, text, depth + 1),
        _ => None,
    }
}

/// Hosts whose traffic stays on the machine or the local network, or that
/// are reserved for examples and tests.
fn is_local(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if !host.contains('.') {
        // `localhost`, `::1`, single-label service names.
        return true;
    }
    const LOCAL_SUFFIXES: &[&str] = &[
        ".localhost",
        ".local",
        ".internal",
        ".test",
        ".example",
        ".invalid",
        ".lan",
        ".home.arpa",
        ".localdomain",
        ".svc",
        ".cluster.local",
    ];
    const EXAMPLE: &[&str] = &["example.com", "example.org", "example.net"];
    if LOCAL_SUFFIXES.iter().any(|s| host.ends_with(s))
        || EXAMPLE
            .iter()
            .any(|e| host == *e || host.ends_with(&format!(".{e}")))
    {
        return true;
    }
    let octets: Vec<u8> = host.split('.').filter_map(|p| p.parse().ok()).collect();
    if octets.len() == 4 && host.split('.').count() == 4 {
        return matches!(
            (octets[0], octets[1]),
            (127, _) | (10, _) | (0, _) | (192, 168) | (169, 254)
        ) || (octets[0] == 172 && (16..=31).contains(&octets[1]));
    }
    false
}

/// TLS versions broken or deprecated (RFC 8996).
fn weak_version(version: &str) -> bool {
    matches!(version, "TLSv1" | "TLSv1.0" | "TLSv1.1" | "SSLv3" | "SSLv2")
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
        "minVersion" | "maxVersion" => {
            let Some(version) = js_string(value, text) else {
                return;
            };
            if !weak_version(&version) {
                return;
            }
            let replacement = if key == "minVersion" {
                "TLSv1.2"
            } else {
                "TLSv1.3"
            };
            report_version(pair, value, &version, replacement, checker);
        }
        "secureProtocol" => {
            let Some(method) = js_string(value, text) else {
                return;
            };
            let weak = [
                "SSLv2",
                "SSLv3",
                "TLSv1_method",
                "TLSv1_client",
                "TLSv1_server",
                "TLSv1_1",
            ]
            .iter()
            .any(|p| method.starts_with(p));
            if !weak {
                return;
            }
            let replacement = if method.contains("_client_") {
                "TLS_client_method"
            } else if method.contains("_server_") {
                "TLS_server_method"
            } else {
                "TLS_method"
            };
            let mut violation = Violation::new(
                "weak-tls-version",
                format!(
                    "secureProtocol `{method}` pins a broken, deprecated protocol version (POODLE, BEAST; RFC 8996)"
                ),
            );
            if let Some(edit) = replace_string_value(unwrap(value), text, replacement) {
                violation = violation.with_fix(Fix::new(
                    format!("Negotiate the best version ({replacement})"),
                    vec![edit],
                ));
            }
            checker.report(pair, violation);
        }
        "ciphers" => {
            let Some(list) = js_string(value, text) else {
                return;
            };
            if let Some(suite) = weak_suite(&list) {
                checker.report(
                    pair,
                    Violation::new(
                        "weak-cipher-suite",
                        format!("the cipher list enables `{suite}`, a suite without encryption, without authentication or with a broken cipher"),
                    ),
                );
            }
        }
        _ => {}
    }
}

/// `tls.DEFAULT_MIN_VERSION = "TLSv1"`.
fn check_default_version(assignment: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let (Some(left), Some(right)) = (assignment.js_field("left"), assignment.js_field("right"))
    else {
        return;
    };
    let names = checker.semantic.qualified_names(left, text);
    let replacement = if names.iter().any(|n| n == "tls.DEFAULT_MIN_VERSION") {
        "TLSv1.2"
    } else if names.iter().any(|n| n == "tls.DEFAULT_MAX_VERSION") {
        "TLSv1.3"
    } else {
        return;
    };
    let Some(version) = js_string(right, text) else {
        return;
    };
    if weak_version(&version) {
        report_version(assignment, right, &version, replacement, checker);
    }
}

fn report_version(
    node: Node<'_>,
    value: Node<'_>,
    version: &str,
    replacement: &str,
    checker: &mut Checker<'_>,
) {
    let mut violation = Violation::new(
        "weak-tls-version",
        format!(
            "`{version}` allows a broken, deprecated protocol version (POODLE, BEAST; RFC 8996)"
        ),
    );
    if let Some(edit) = replace_string_value(unwrap(value), checker.text, replacement) {
        violation = violation.with_fix(Fix::new(format!("Use {replacement}"), vec![edit]));
    }
    checker.report(node, violation);
}

/// The first entry of an OpenSSL cipher list that enables a weak suite.
fn weak_suite(list: &str) -> Option<&str> {
    list.split([':', ',', ' '])
        .filter(|e| !e.is_empty() && !e.starts_with(['!', '-']))
        .find(|entry| {
            let upper = entry.trim_start_matches('+').to_ascii_uppercase();
            upper.split('-').any(|part| {
                matches!(
                    part,
                    "NULL"
                        | "ENULL"
                        | "ANULL"
                        | "EXPORT"
                        | "EXP"
                        | "EXPORT40"
                        | "EXPORT56"
                        | "RC4"
                        | "DES"
                        | "3DES"
                        | "CBC3"
                        | "MD5"
                        | "LOW"
                        | "ADH"
                        | "AECDH"
                        | "RC2"
                )
            })
        })
}
