use super::super::prelude::*;
use super::{
    Part, call_args, callee_names, credential_name, end_name, is_imported, js_string,
    number_literal, outermost_concatenation, render_parts, resolve_value, string_parts, unwrap,
};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds credentials stored or sent in ways that expose them:
    ///
    /// - a password, token, JWT or secret written to `localStorage` or
    ///   `sessionStorage` (`localStorage.setItem("token", jwt)`,
    ///   `sessionStorage.password = pw`), judged by the key's name;
    /// - a password, secret or token put into the query string of a URL
    ///   given to `fetch`, `axios`, `got`, `request`, `superagent`, `ky` or
    ///   `http(s).get`/`request` (`` `/login?user=${u}&password=${p}` ``);
    /// - a run-time password embedded in an `http(s)://user:password@host`
    ///   URL;
    /// - a password hashed with one fast SHA-2/SHA-3 digest
    ///   (`crypto.createHash("sha256").update(password)`,
    ///   `crypto.hash("sha512", password)`, `CryptoJS.SHA256(password)`);
    ///   MD5 and SHA-1 belong to `insecure-hashing`, and hashing tokens or
    ///   API keys with SHA-256 is fine (they are random, not guessable);
    /// - `bcrypt`/`bcryptjs` with a cost factor below 10 (`hash`,
    ///   `hashSync`, `genSalt`, `genSaltSync`), as a literal or a local
    ///   constant.
    ///
    /// Storage keys and query parameters named like `tokenExpiry` or
    /// `passwordPolicy`, literal values (`setItem("token", "")` clears it)
    /// and digests of non-password data are not reported.
    ///
    /// ## Why is this bad?
    /// Web storage is readable by every script on the page, so one XSS
    /// flaw or compromised dependency steals the credential; it survives
    /// the session too. Query strings end up in server and proxy logs,
    /// browser history and `Referer` headers. A single SHA-256 runs
    /// billions of times per second on a GPU, so a leaked table of such
    /// hashes gives up most passwords, and a low bcrypt cost does the same
    /// more slowly.
    ///
    /// ## Example
    /// ```javascript
    /// const bcrypt = require("bcrypt");
    ///
    /// localStorage.setItem("token", response.accessToken);
    /// fetch(`/api/login?user=${user}&password=${password}`);
    /// const hash = await bcrypt.hash(password, 4);
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const bcrypt = require("bcrypt");
    ///
    /// // The server sets the session in an HttpOnly, Secure cookie.
    /// fetch("/api/login", { method: "POST", body: JSON.stringify({ user, password }) });
    /// const hash = await bcrypt.hash(password, 12);
    /// ```
    ///
    /// ## References
    /// - [CWE-522: Insufficiently Protected Credentials](https://cwe.mitre.org/data/definitions/522.html)
    /// - [CWE-598: Use of GET Request Method With Sensitive Query Strings](https://cwe.mitre.org/data/definitions/598.html)
    /// - [CWE-916: Use of Password Hash With Insufficient Computational Effort](https://cwe.mitre.org/data/definitions/916.html)
    /// - [OWASP HTML5 Security Cheat Sheet: Local Storage](https://cheatsheetseries.owasp.org/cheatsheets/HTML5_Security_Cheat_Sheet.html#local-storage)
    /// - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &[
            "javascript/insufficiently-protected-credentials@v1.0",
            "typescript/insufficiently-protected-credentials@v1.0",
        ],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Insufficiently protected credentials",
        category: Category::Security,
        cwes: &[522, 598, 916, 922],
        tags: &["credentials", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Keep session tokens in HttpOnly cookies, send credentials in a POST body over HTTPS, and hash passwords with bcrypt (cost 10 or more), scrypt or Argon2.",
        keywords: &["storage", "passw", "token", "secret", "bcrypt", "sha", "://"],
        check: Check::Node {
            kinds: &["call_expression", "assignment_expression", "template_string", "binary_expression"],
            run: check,
        },
    };
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "call_expression" => {
            check_storage_call(node, checker);
            check_request_url(node, checker);
            check_fast_hash(node, checker);
            check_bcrypt(node, checker);
        }
        "assignment_expression" => check_storage_assignment(node, checker),
        _ => check_url_userinfo(node, checker),
    }
}

/// `localStorage`, `sessionStorage`, optionally through `window`.
fn web_storage(node: Node<'_>, text: &str) -> Option<&'static str> {
    match node_text(unwrap(node), text)
        .trim_start_matches("window.")
        .trim_start_matches("globalThis.")
    {
        "localStorage" => Some("localStorage"),
        "sessionStorage" => Some("sessionStorage"),
        _ => None,
    }
}

fn storage_violation(storage: &str, word: &str) -> Violation {
    Violation::new(
        "web-storage",
        format!(
            "a {word} is stored in {storage}: every script on the page (an XSS payload, a compromised dependency) can read it"
        ),
    )
}

fn check_storage_call(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some((receiver, method)) = method_call(call) else {
        return;
    };
    if node_text(method, text) != "setItem" {
        return;
    }
    let Some(storage) = web_storage(receiver, text) else {
        return;
    };
    let args = call_args(call);
    let (Some(key), Some(value)) = (args.first(), args.get(1)) else {
        return;
    };
    let Some(word) = js_string(*key, text).and_then(|k| credential_name(&k)) else {
        return;
    };
    if is_constant(*value, text) {
        return;
    }
    checker.report(call, storage_violation(storage, &word));
}

fn check_storage_assignment(assignment: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let (Some(left), Some(right)) = (assignment.js_field("left"), assignment.js_field("right"))
    else {
        return;
    };
    if !matches!(left.kind(), "member_expression" | "subscript_expression") {
        return;
    }
    let Some(storage) = left.js_field("object").and_then(|o| web_storage(o, text)) else {
        return;
    };
    let Some(word) = end_name(left, text).and_then(credential_name) else {
        return;
    };
    if is_constant(right, text) {
        return;
    }
    checker.report(assignment, storage_violation(storage, &word));
}

/// A literal value (`""`, `null`, `"true"`): nothing secret is stored.
fn is_constant(value: Node<'_>, text: &str) -> bool {
    let value = unwrap(value);
    js_string(value, text).is_some()
        || matches!(
            value.kind(),
            "null" | "undefined" | "true" | "false" | "number"
        )
}

/// Request functions whose first argument is the URL.
const REQUESTS: &[&str] = &[
    "fetch",
    "window.fetch",
    "globalThis.fetch",
    "node-fetch",
    "undici.fetch",
    "undici.request",
    "axios",
    "axios.get",
    "axios.post",
    "axios.put",
    "axios.patch",
    "axios.delete",
    "axios.head",
    "axios.request",
    "got",
    "got.get",
    "got.post",
    "got.put",
    "got.patch",
    "got.delete",
    "request",
    "request.get",
    "request.post",
    "superagent.get",
    "superagent.post",
    "superagent.put",
    "superagent.delete",
    "ky",
    "ky.get",
    "ky.post",
    "http.get",
    "http.request",
    "https.get",
    "https.request",
];

/// Query parameters carrying a credential.
const QUERY_NAMES: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "client_secret",
    "clientsecret",
    "token",
    "access_token",
    "accesstoken",
    "refresh_token",
    "id_token",
    "auth_token",
    "api_key",
    "apikey",
    "private_key",
];

fn check_request_url(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = callee_names(call, checker);
    if !names.iter().any(|n| REQUESTS.contains(&n.as_str())) {
        return;
    }
    // Only the global `fetch` may be unbound; other names must come from
    // an import.
    if let Some(function) = call.js_field("function")
        && !node_text(function, text).ends_with("fetch")
        && !is_imported(function, checker)
    {
        return;
    }
    let Some(url) = call_args(call).into_iter().next() else {
        return;
    };
    let url = resolve_value(url, text);
    let parts = string_parts(url, text);
    for (i, part) in parts.iter().enumerate() {
        if !matches!(part, Part::Value(_)) || i == 0 {
            continue;
        }
        let before = render_parts(&parts[..i]);
        let Some(name) = query_name_before(&before) else {
            continue;
        };
        checker.report(
            call,
            Violation::new(
                "query-string",
                format!(
                    "the request URL carries `{name}` in its query string: URLs are written to server and proxy logs, browser history and Referer headers"
                ),
            ),
        );
        return;
    }
}

/// The credential parameter a piece of URL ends with (`...&password=`).
fn query_name_before(before: &str) -> Option<String> {
    let stripped = before.strip_suffix('=')?;
    let start = stripped.rfind(['?', '&'])? + 1;
    let name = &stripped[start..];
    let lower = name.to_ascii_lowercase();
    QUERY_NAMES
        .contains(&lower.as_str())
        .then(|| name.to_string())
}

/// `` `https://${user}:${password}@host` ``: a run-time password in the
/// user information of an HTTP URL.
fn check_url_userinfo(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if !outermost_concatenation(node, text) {
        return;
    }
    let parts = string_parts(node, text);
    if !parts.iter().any(|p| matches!(p, Part::Value(_))) {
        return;
    }
    let rendered = render_parts(&parts);
    let lower = rendered.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))
    else {
        return;
    };
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let Some(at) = authority.rfind('@') else {
        return;
    };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.find(':') else {
        return;
    };
    if !userinfo[colon + 1..].contains('\u{0}') {
        return;
    }
    checker.report(
        node,
        Violation::new(
            "url-userinfo",
            "a password is embedded in an http(s):// URL: it shows up in logs, error messages and proxies wherever the URL is printed",
        ),
    );
}

/// SHA-2/SHA-3 digests: fast, unsalted, made for data, not passwords.
fn fast_digest(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("sha2")
        || lower.starts_with("sha3")
        || lower.starts_with("sha-2")
        || lower.starts_with("sha-3")
        || lower.starts_with("sha384")
        || lower.starts_with("sha512")
        || lower.starts_with("sha-384")
        || lower.starts_with("sha-512")
}

/// Whether an expression hashed is a password (not a token or API key,
/// which are random and may be stored as a SHA-256 digest).
fn password_data(node: Node<'_>, text: &str) -> Option<String> {
    let node = unwrap(node);
    let mut candidates = vec![node];
    if node.kind() == "binary_expression" {
        candidates.clear();
        if let Some(l) = node.js_field("left") {
            candidates.push(unwrap(l));
        }
        if let Some(r) = node.js_field("right") {
            candidates.push(unwrap(r));
        }
    }
    if node.kind() == "template_string" {
        candidates = string_parts(node, text)
            .into_iter()
            .filter_map(|p| match p {
                Part::Value(v) => Some(v),
                Part::Text(_) => None,
            })
            .collect();
    }
    candidates.into_iter().find_map(|c| {
        let word = credential_name(end_name(c, text)?)?;
        matches!(
            word.as_str(),
            "password" | "passwd" | "passphrase" | "pwd" | "pass_word" | "pass_phrase"
        )
        .then_some(word)
    })
}

fn fast_hash_violation(algorithm: &str, word: &str) -> Violation {
    Violation::new(
        "fast-hash",
        format!(
            "a password (`{word}`) is hashed with one {algorithm} digest: fast hashes are brute-forced at billions of guesses per second"
        ),
    )
}

fn check_fast_hash(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = callee_names(call, checker);
    let args = call_args(call);
    // `crypto.hash("sha256", password)`.
    if names.iter().any(|n| n == "crypto.hash") {
        if let (Some(alg), Some(data)) =
            (args.first().and_then(|a| js_string(*a, text)), args.get(1))
            && fast_digest(&alg)
            && let Some(word) = password_data(*data, text)
        {
            checker.report(call, fast_hash_violation(&alg, &word));
        }
        return;
    }
    // `CryptoJS.SHA256(password)`.
    if let Some(alg) = names.iter().find_map(|n| {
        let member = n.strip_prefix("crypto-js.")?;
        (fast_digest(member) && member.chars().all(|c| c.is_ascii_alphanumeric()))
            .then(|| member.to_string())
    }) {
        if let Some(word) = args.first().and_then(|d| password_data(*d, text)) {
            checker.report(call, fast_hash_violation(&alg, &word));
        }
        return;
    }
    // `crypto.createHash("sha256").update(password)`.
    let Some((receiver, method)) = method_call(call) else {
        return;
    };
    if node_text(method, text) != "update" {
        return;
    }
    let receiver = unwrap(receiver);
    if receiver.kind() != "call_expression"
        || !callee_names(receiver, checker)
            .iter()
            .any(|n| n == "crypto.createHash")
    {
        return;
    }
    let Some(alg) = call_args(receiver)
        .first()
        .and_then(|a| js_string(*a, text))
        .filter(|a| fast_digest(a))
    else {
        return;
    };
    if let Some(word) = args.first().and_then(|d| password_data(*d, text)) {
        checker.report(call, fast_hash_violation(&alg, &word));
    }
}

const BCRYPT: &[&str] = &["bcrypt", "bcryptjs", "bcrypt-nodejs", "bcrypt-ts"];

fn check_bcrypt(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = callee_names(call, checker);
    let Some(position) = names.iter().find_map(|n| {
        let (module, function) = n.rsplit_once('.')?;
        if !BCRYPT.contains(&module) {
            return None;
        }
        match function {
            "hash" | "hashSync" => Some(1),
            "genSalt" | "genSaltSync" => Some(0),
            _ => None,
        }
    }) else {
        return;
    };
    let Some(rounds) = call_args(call).get(position).copied() else {
        return;
    };
    let inline = unwrap(rounds).kind() == "number";
    let Some(cost) = number_literal(resolve_value(rounds, text), text) else {
        return;
    };
    if cost >= 10 {
        return;
    }
    let mut violation = Violation::new(
        "bcrypt-cost",
        format!(
            "bcrypt cost factor {cost} is below 10: each guess against the stored hashes is cheap"
        ),
    );
    if inline {
        violation = violation.with_fix(Fix::replace(
            "Use bcrypt cost factor 10",
            unwrap(rounds).byte_range(),
            "10",
        ));
    }
    checker.report(call, violation);
}
