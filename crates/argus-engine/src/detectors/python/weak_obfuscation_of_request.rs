use super::super::prelude::*;
use super::{FStringPart, fstring_parts};

detector! {
    /// ## What it does
    /// Finds credentials that are only base64-encoded in a request sent
    /// over plain `http://`:
    ///
    /// - an `Authorization: Basic` header built by hand from
    ///   `base64.b64encode(...)`;
    /// - a password, secret or token field of the body or query
    ///   (`data=`, `json=`, `params=`) whose value is base64-encoded.
    ///
    /// The request is a `requests`/`httpx` call, a session or pool method
    /// (`.get`, `.post`, `.request`, ...), `urllib.request.Request` or
    /// `urlopen`, or `.request` on an `http.client.HTTPConnection`. Its URL
    /// must be known to use plain HTTP (a literal, f-string or
    /// concatenation starting with `http://`, or a variable assigned one in
    /// the same function) to a host other than the local machine. Basic
    /// authentication over HTTPS is not reported.
    ///
    /// ## Why is this bad?
    /// Base64 is an encoding, not encryption: anyone who sees the request
    /// (a proxy, a shared network, a log of the traffic) decodes the
    /// password in one step. Over plain HTTP the request travels in the
    /// clear.
    ///
    /// ## Example
    /// ```python
    /// import base64
    /// import requests
    ///
    /// def fetch(user, password):
    ///     token = base64.b64encode(f"{user}:{password}".encode()).decode()
    ///     headers = {"Authorization": "Basic " + token}
    ///     return requests.get("http://reports.example.com/daily", headers=headers)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import requests
    ///
    /// def fetch(user, password):
    ///     return requests.get("https://reports.example.com/daily", auth=(user, password))
    /// ```
    ///
    /// ## References
    /// - [CWE-522: Insufficiently Protected Credentials](https://cwe.mitre.org/data/definitions/522.html)
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [RFC 7617: The 'Basic' HTTP Authentication Scheme, Security Considerations](https://www.rfc-editor.org/rfc/rfc7617#section-4)
    /// - [Requests: Authentication](https://requests.readthedocs.io/en/latest/user/authentication/)
    pub static SPEC = {
        ids: &["python/weak-obfuscation-of-request@v1.0"],
        languages: &[Language::Python],
        name: "Weak obfuscation of request",
        category: Category::Security,
        cwes: &[522, 319],
        tags: &["cryptography", "network", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Send credentials over HTTPS only, through the client's authentication support (auth=(user, password)); base64 does not protect them.",
        keywords: &["b64encode", "encodebytes", "encodestring"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

const BASE64: &[&str] = &[
    "base64.b64encode",
    "base64.standard_b64encode",
    "base64.urlsafe_b64encode",
    "base64.encodebytes",
    "base64.encodestring",
];

/// Methods and functions sending an HTTP request.
const REQUEST_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request", "urlopen", "Request",
];

const PLAIN_CONNECTIONS: &[&str] = &[
    "http.client.HTTPConnection",
    "httplib.HTTPConnection",
    "urllib3.HTTPConnectionPool",
];

/// Words of a body field holding a credential.
const CREDENTIAL_FIELDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "token",
    "credential",
    "credentials",
    "apikey",
    "api_key",
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(function) = call.py_field("function") else {
        return;
    };
    let name = match function.kind() {
        "attribute" => function.py_field("attribute"),
        "identifier" => Some(function),
        _ => None,
    }
    .map(|n| node_text(n, text));
    let Some(name) = name.filter(|n| REQUEST_METHODS.contains(n)) else {
        return;
    };
    if !plain_http_request(call, function, name, checker) {
        return;
    }
    let headers = keyword_argument(call, "headers", text).or_else(|| {
        (name == "Request")
            .then(|| positional_arguments(checker.grammar, call).get(2).copied())
            .flatten()
    });
    if let Some(headers) = headers
        && let Some(dict) = resolve(headers, checker, 0).filter(|d| d.kind() == "dictionary")
        && let Some(header) = dictionary_entries(dict, text)
            .into_iter()
            .find(|(key, value)| {
                key.eq_ignore_ascii_case("authorization")
                    && node_text(*value, text).contains("Basic")
                    && contains_base64(*value, checker, 0)
            })
    {
        let _ = header;
        let violation = Violation::new(
            "basic-over-http",
            "the Authorization header carries base64-encoded credentials (Basic) over plain http://: anyone on the path decodes them",
        );
        checker.report(call, violation);
        return;
    }
    for keyword in ["data", "json", "params"] {
        let Some(body) = keyword_argument(call, keyword, text) else {
            continue;
        };
        let Some(dict) = resolve(body, checker, 0).filter(|d| d.kind() == "dictionary") else {
            continue;
        };
        if let Some((field, _)) = dictionary_entries(dict, text)
            .into_iter()
            .find(|(key, value)| is_credential_field(key) && contains_base64(*value, checker, 0))
        {
            let violation = Violation::new(
                "base64-credential",
                format!(
                    "the field \"{field}\" is only base64-encoded and sent over plain http://: base64 is not encryption"
                ),
            );
            checker.report(call, violation);
            return;
        }
    }
}

fn is_credential_field(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    CREDENTIAL_FIELDS.contains(&lower.as_str())
        || crate::detectors::context::words(key)
            .iter()
            .any(|w| matches!(w.as_str(), "password" | "passwd" | "secret" | "token"))
}

/// Whether the request goes over plain HTTP to another machine.
fn plain_http_request(
    call: Node<'_>,
    function: Node<'_>,
    name: &str,
    checker: &Checker<'_>,
) -> bool {
    let text = checker.text;
    let positional = positional_arguments(checker.grammar, call);
    // `conn.request("GET", "/path", ...)` on an `HTTPConnection`.
    if name == "request"
        && let Some(object) = function.py_field("object")
        && let Some(origin) = resolve(object, checker, 0).filter(|o| o.kind() == "call")
        && checker
            .semantic
            .call_matches(origin, text, PLAIN_CONNECTIONS)
            .is_some()
    {
        let host = argument(origin, 0, "host", text).and_then(|h| string_literal(h, text));
        return !host.is_some_and(|h| is_local_host(&h));
    }
    let url = keyword_argument(call, "url", text).or_else(|| {
        let first_is_method = positional
            .first()
            .and_then(|m| string_literal(*m, text))
            .is_some_and(|m| m.chars().all(|c| c.is_ascii_uppercase()) && !m.is_empty());
        let index = usize::from(name == "request" && first_is_method);
        positional.get(index).copied()
    });
    let Some(url) = url else {
        return false;
    };
    let Some(prefix) = leading_literal(url, checker, 0) else {
        return false;
    };
    let Some(rest) = prefix.strip_prefix("http://") else {
        return false;
    };
    // The host may be interpolated (`f"http://{host}/"`): the scheme is
    // what matters; only a host written as the local machine is exempt.
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    !is_local_host(authority)
}

fn is_local_host(authority: &str) -> bool {
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(bracketed) = host.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or(host)
    };
    host == "localhost" || host == "::1" || host.starts_with("127.") || host.ends_with(".localhost")
}

/// The literal text a string expression starts with: a literal, an
/// f-string's first part, the left of a concatenation, or what a local
/// variable was assigned.
fn leading_literal(node: Node<'_>, checker: &Checker<'_>, depth: usize) -> Option<String> {
    let text = checker.text;
    match node.kind() {
        "string" => string_literal(node, text).or_else(|| {
            let (_, parts) = fstring_parts(node, text)?;
            match parts.first()? {
                FStringPart::Literal(first) => Some(first.to_string()),
                FStringPart::Expression(_) => None,
            }
        }),
        "concatenated_string" => leading_literal(node.named_child(0)?, checker, depth),
        "binary_operator" => leading_literal(node.py_field("left")?, checker, depth),
        "parenthesized_expression" => leading_literal(node.named_child(0)?, checker, depth),
        "identifier" => leading_literal(resolve(node, checker, depth)?, checker, depth + 1),
        _ => None,
    }
}

/// An identifier's value: the last assignment to it before `node` in the
/// same function (or module body); any other node is its own value.
fn resolve<'t>(node: Node<'t>, checker: &Checker<'_>, depth: usize) -> Option<Node<'t>> {
    if node.kind() != "identifier" {
        return Some(node);
    }
    if depth > 4 {
        return None;
    }
    let text = checker.text;
    let name = node_text(node, text);
    let mut scope = node;
    while let Some(parent) = scope.parent() {
        scope = parent;
        if scope.kind() == "function_definition" {
            break;
        }
    }
    let mut stack = vec![scope];
    let mut last: Option<Node<'t>> = None;
    while let Some(current) = stack.pop() {
        if current.start_byte() >= node.start_byte() {
            continue;
        }
        if current != scope && matches!(current.kind(), "function_definition" | "class_definition")
        {
            continue;
        }
        if current.kind() == "assignment"
            && current
                .py_field("left")
                .is_some_and(|l| l.kind() == "identifier" && node_text(l, text) == name)
            && current.end_byte() <= node.start_byte()
            && let Some(right) = current.py_field("right")
            && last.is_none_or(|l| right.start_byte() > l.start_byte())
        {
            last = Some(right);
        }
        let mut cursor = current.walk();
        stack.extend(current.named_children(&mut cursor));
    }
    let value = last?;
    if value.kind() == "identifier" {
        resolve(value, checker, depth + 1)
    } else {
        Some(value)
    }
}

/// `(key, value)` of the string-keyed entries of a dictionary literal.
fn dictionary_entries<'t>(dict: Node<'t>, text: &str) -> Vec<(String, Node<'t>)> {
    let mut cursor = dict.walk();
    dict.named_children(&mut cursor)
        .filter(|p| p.kind() == "pair")
        .filter_map(|pair| {
            let key = string_literal(pair.py_field("key")?, text)?;
            Some((key, pair.py_field("value")?))
        })
        .collect()
}

/// Whether an expression computes a base64 encoding (directly, or through
/// local variables).
fn contains_base64(node: Node<'_>, checker: &Checker<'_>, depth: usize) -> bool {
    if depth > 4 {
        return false;
    }
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        match current.kind() {
            "call"
                if checker
                    .semantic
                    .call_matches(current, checker.text, BASE64)
                    .is_some() =>
            {
                return true;
            }
            "identifier" => {
                let is_name = current.parent().is_none_or(|p| {
                    p.kind() != "attribute" || p.py_field("object") == Some(current)
                });
                if is_name
                    && let Some(value) = resolve(current, checker, depth)
                    && contains_base64(value, checker, depth + 1)
                {
                    return true;
                }
            }
            _ => {}
        }
        let mut cursor = current.walk();
        stack.extend(current.named_children(&mut cursor));
    }
    false
}
