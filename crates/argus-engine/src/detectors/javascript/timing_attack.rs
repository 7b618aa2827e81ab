use super::super::context::words;
use super::super::prelude::*;
use super::{FUNCTION_KINDS, crypto_module_binding, enclosing_function, unwrap};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds secrets compared with `===`, `==`, `!==` or `!=` against a
    /// value the caller controls. One side must be a stored or computed
    /// secret: a name saying password, token, secret, signature, HMAC,
    /// digest, API key, OTP or CSRF token, an environment variable with
    /// such a name, or the result of `createHmac(...).digest(...)`
    /// (directly or through a variable). The other side must come from
    /// the request (`req.headers`, `req.query`, `req.body`, `ctx.request`,
    /// ...) or be a parameter of an enclosing function, directly or
    /// through a variable. A name that is just `token` is as often a lexer
    /// or syntax-tree token as a secret, so it counts only when the other
    /// side is request data.
    ///
    /// Comparisons with `null`, `undefined`, literals, `typeof` results or
    /// lengths are not reported, nor are two values that both come from
    /// the caller (a password and its confirmation).
    ///
    /// ## Why is this bad?
    /// `===` on strings stops at the first differing character, so the
    /// time it takes reveals how much of a guess is right. Over many
    /// requests an attacker measures it and recovers a valid HMAC, token
    /// or API key one character at a time.
    ///
    /// ## Example
    /// ```javascript
    /// const crypto = require("crypto");
    /// function verifyWebhook(req, secret) {
    ///   const expected = crypto.createHmac("sha256", secret).update(req.rawBody).digest("hex");
    ///   return req.headers["x-signature"] === expected;
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const crypto = require("crypto");
    /// function verifyWebhook(req, secret) {
    ///   const expected = crypto.createHmac("sha256", secret).update(req.rawBody).digest("hex");
    ///   const given = Buffer.from(String(req.headers["x-signature"]));
    ///   const wanted = Buffer.from(expected);
    ///   return given.length === wanted.length && crypto.timingSafeEqual(given, wanted);
    /// }
    /// ```
    /// `crypto.timingSafeEqual` throws when the lengths differ, so a plain
    /// rewrite is not safe. The automatic fix is offered only for digest
    /// and HMAC comparisons in files that bind `crypto`: it compares
    /// SHA-256 digests of both sides, which always have the same length,
    /// in constant time. Passwords should not be compared at all: store
    /// a scrypt, argon2 or bcrypt hash and use its verify function.
    ///
    /// ## References
    /// - [CWE-208: Observable Timing Discrepancy](https://cwe.mitre.org/data/definitions/208.html)
    /// - [Node.js crypto.timingSafeEqual](https://nodejs.org/api/crypto.html#cryptotimingsafeequala-b)
    /// - [Coda Hale: A Lesson In Timing Attacks](https://codahale.com/a-lesson-in-timing-attacks/)
    pub static SPEC = {
        ids: &["javascript/timing-attack@v1.0", "typescript/timing-attack@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Timing attack",
        category: Category::Security,
        cwes: &[208],
        tags: &["cryptography", "authentication"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Compare secrets with crypto.timingSafeEqual on equal-length buffers (hash both sides first if lengths may differ); verify passwords with a password-hashing library.",
        keywords: &["password", "passwd", "token", "secret", "signature", "hmac", "digest", "apikey", "api_key", "otp", "csrf"],
        check: Check::Node { kinds: &["binary_expression"], run: check },
    };
}

const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "signature",
    "sig",
    "hmac",
    "digest",
    "apikey",
    "otp",
    "totp",
    "csrf",
    "xsrf",
    "passphrase",
    "passcode",
];

/// Words that make a `...Token` name a credential (`resetToken`,
/// `accessToken`, `csrfToken`).
const TOKEN_QUALIFIERS: &[&str] = &[
    "access",
    "refresh",
    "reset",
    "auth",
    "api",
    "session",
    "bearer",
    "verification",
    "verify",
    "confirm",
    "confirmation",
    "invite",
    "invitation",
    "unsubscribe",
    "id",
    "magic",
    "login",
    "activation",
    "activate",
    "recovery",
    "remember",
    "admin",
    "webhook",
    "secret",
    "security",
    "password",
    "email",
    "signup",
    "registration",
    "oauth",
    "client",
    "user",
    "device",
    "push",
];

/// Words that make a name a property of a secret rather than the secret
/// (`tokenType`, `passwordLength`, `secretName`).
const NOT_THE_SECRET: &[&str] = &[
    "type",
    "length",
    "len",
    "name",
    "id",
    "count",
    "expires",
    "expiry",
    "expiration",
    "exp",
    "kind",
    "status",
    "version",
    "hint",
    "field",
    "label",
    "header",
    "algorithm",
    "alg",
    "url",
    "path",
    "prefix",
    "format",
    "encoding",
    "mode",
    "policy",
    "strength",
    "required",
    "enabled",
    "changed",
    "at",
    "date",
    "time",
    "created",
    "updated",
    "first",
    "last",
    "next",
    "prev",
    "previous",
    "before",
    "after",
    "opening",
    "closing",
    "open",
    "close",
    "start",
    "end",
    "line",
    "current",
    "curly",
    "paren",
    "bracket",
    "punctuator",
    "comma",
    "semi",
    "construction",
];

/// Roots of request data.
const REQUEST_ROOTS: &[&str] = &["req", "request", "ctx", "event", "context"];
const REQUEST_PARTS: &[&str] = &[
    "headers",
    "header",
    "query",
    "body",
    "params",
    "cookies",
    "signedCookies",
    "get",
    "queryStringParameters",
    "payload",
];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(operator) = node.js_field("operator").map(|o| node_text(o, text)) else {
        return;
    };
    if !matches!(operator, "===" | "==" | "!==" | "!=") {
        return;
    }
    let (Some(left), Some(right)) = (
        node.js_field("left").map(unwrap),
        node.js_field("right").map(unwrap),
    ) else {
        return;
    };
    if trivial(left, text) || trivial(right, text) {
        return;
    }
    let function = enclosing_function(node);
    let left_untrusted = untrusted(left, function, text, 0);
    let right_untrusted = untrusted(right, function, text, 0);
    if left_untrusted == right_untrusted {
        return;
    }
    let (secret, given) = if left_untrusted {
        (right, left)
    } else {
        (left, right)
    };
    let Some(kind) = secret_kind(secret, function, text, 0) else {
        return;
    };
    // A bare `token` is as often a lexer or AST token as a secret: it
    // counts only against request data.
    if kind == "token" && !from_request(given, function, text) {
        return;
    }
    let kind = if kind == "token" {
        "secret token"
    } else {
        kind
    };
    let mut violation = Violation::new(
        "non-constant-time-comparison",
        format!(
            "comparing a {kind} with `{operator}` takes longer the more leading characters match: an attacker can time the comparison and recover the value; use crypto.timingSafeEqual"
        ),
    );
    if kind == "digest"
        && let Some(crypto) = crypto_module_binding(checker)
    {
        let hash = |side: Node<'_>| {
            format!(
                "{crypto}.createHash(\"sha256\").update(String({})).digest()",
                node_text(side, text)
            )
        };
        let negate = if operator.starts_with('!') { "!" } else { "" };
        violation = violation.with_fix(Fix::replace(
            "Compare in constant time (crypto.timingSafeEqual of SHA-256 digests)",
            node.byte_range(),
            format!(
                "{negate}{crypto}.timingSafeEqual({}, {})",
                hash(secret),
                hash(given)
            ),
        ));
    }
    checker.report(node, violation);
}

/// Operands no secret comparison has: `null`, literals, `typeof x`,
/// `x.length`.
fn trivial(node: Node<'_>, text: &str) -> bool {
    match node.kind() {
        "null" | "undefined" | "true" | "false" | "number" | "string" | "template_string"
        | "regex" | "array" | "object" => true,
        "identifier" => node_text(node, text) == "undefined",
        "unary_expression" => true,
        "member_expression" => node
            .js_field("property")
            .is_some_and(|p| matches!(node_text(p, text), "length" | "size" | "byteLength")),
        _ => false,
    }
}

/// Whether a value comes from the caller: request data, or a parameter of
/// the enclosing function, directly or through a variable of that
/// function.
fn untrusted(node: Node<'_>, function: Option<Node<'_>>, text: &str, depth: usize) -> bool {
    let node = unwrap(node);
    if depth > 2 {
        return false;
    }
    match node.kind() {
        "identifier" => {
            let name = node_text(node, text);
            let Some(function) = function else {
                return false;
            };
            if let Some(value) = local_value(function, name, text) {
                return untrusted(value, Some(function), text, depth + 1);
            }
            // A parameter of this or an enclosing function.
            let mut scope = Some(function);
            while let Some(f) = scope {
                if is_parameter(f, name, text) {
                    return true;
                }
                scope = enclosing_function(f);
            }
            false
        }
        "member_expression" | "subscript_expression" | "call_expression" => {
            let source = node_text(node, text);
            let mut parts = source.split(['.', '[', '(']);
            let root = parts.next().unwrap_or("");
            let rest: Vec<&str> = parts.collect();
            REQUEST_ROOTS.contains(&root)
                && rest.iter().any(|p| {
                    REQUEST_PARTS.contains(&p.trim_end_matches([']', ')'])) || *p == "request"
                })
        }
        "await_expression" => node
            .named_child(0)
            .is_some_and(|n| untrusted(n, function, text, depth + 1)),
        _ => false,
    }
}

/// Whether a value is request data, directly or through a variable.
fn from_request(node: Node<'_>, function: Option<Node<'_>>, text: &str) -> bool {
    let node = unwrap(node);
    match node.kind() {
        "identifier" => function
            .and_then(|f| local_value(f, node_text(node, text), text))
            .is_some_and(|v| from_request(v, function, text)),
        "member_expression" | "subscript_expression" | "call_expression" => {
            untrusted(node, None, text, 0)
        }
        "await_expression" => node
            .named_child(0)
            .is_some_and(|n| from_request(n, function, text)),
        _ => false,
    }
}

/// What kind of secret a value is, by its name or how it was computed.
fn secret_kind(
    node: Node<'_>,
    function: Option<Node<'_>>,
    text: &str,
    depth: usize,
) -> Option<&'static str> {
    let node = unwrap(node);
    if depth > 2 {
        return None;
    }
    if is_digest(node, function, text) {
        return Some("digest");
    }
    let name = match node.kind() {
        "identifier" => node_text(node, text),
        "member_expression" => node.js_field("property").map(|p| node_text(p, text))?,
        "subscript_expression" => {
            let index = node.js_field("index")?;
            if index.kind() != "string" {
                return None;
            }
            node_text(index, text).trim_matches(['"', '\''])
        }
        _ => return None,
    };
    if node.kind() == "identifier"
        && let Some(function) = function
        && let Some(value) = local_value(function, name, text)
        && let Some(kind) = secret_kind(value, Some(function), text, depth + 1)
    {
        return Some(kind);
    }
    let words = words(name);
    // `tokenType`, `passwordLength`: a property of the secret, named after it.
    let first_secret = words
        .iter()
        .position(|w| SECRET_WORDS.contains(&w.as_str()) || w == "key")
        .unwrap_or(0);
    if words[first_secret..]
        .iter()
        .any(|w| NOT_THE_SECRET.contains(&w.as_str()))
    {
        return None;
    }
    let pair = words.windows(2).any(|p| {
        matches!(
            (p[0].as_str(), p[1].as_str()),
            ("api", "key") | ("secret", "key") | ("access", "key")
        )
    });
    let secret = words.iter().any(|w| SECRET_WORDS.contains(&w.as_str())) || pair;
    secret.then(|| {
        if words
            .iter()
            .any(|w| matches!(w.as_str(), "signature" | "sig" | "hmac" | "digest"))
        {
            "signature"
        } else if words.iter().any(|w| {
            matches!(
                w.as_str(),
                "password" | "passwd" | "pwd" | "passphrase" | "passcode"
            )
        }) {
            "password"
        } else if words.iter().all(|w| {
            w == "token"
                || w == "tokens"
                || !SECRET_WORDS.contains(&w.as_str()) && !TOKEN_QUALIFIERS.contains(&w.as_str())
        }) && !pair
        {
            // `token`, `esmCodeToken`: no word says it is a credential.
            "token"
        } else {
            "secret token"
        }
    })
}

/// `....digest("hex")` called on an HMAC (`createHmac(...)....digest("hex")`,
/// or `hmac.digest("hex")` after `const hmac = createHmac(...)`).
fn is_digest(node: Node<'_>, scope: Option<Node<'_>>, text: &str) -> bool {
    if node.kind() != "call_expression" {
        return false;
    }
    let Some(function) = node.js_field("function") else {
        return false;
    };
    let mut receiver = function.js_field("object");
    while let Some(r) =
        receiver.filter(|r| matches!(r.kind(), "call_expression" | "member_expression"))
    {
        receiver = r.js_field("function").or_else(|| r.js_field("object"));
    }
    let hmac_variable = receiver
        .filter(|r| r.kind() == "identifier")
        .zip(scope)
        .and_then(|(r, f)| local_value(f, node_text(r, text), text))
        .is_some_and(|v| node_text(v, text).contains("createHmac"));
    function.kind() == "member_expression"
        && function
            .js_field("property")
            .is_some_and(|p| node_text(p, text) == "digest")
        && (node_text(function, text).contains("createHmac") || hmac_variable)
        && node
            .js_field("arguments")
            .and_then(|a| a.named_child(0))
            .is_some_and(|e| e.kind() == "string")
}

fn is_parameter(function: Node<'_>, name: &str, text: &str) -> bool {
    let parameters = function
        .js_field("parameters")
        .or_else(|| function.js_field("parameter"));
    let Some(parameters) = parameters else {
        return false;
    };
    let mut stack = vec![parameters];
    while let Some(n) = stack.pop() {
        // Default values are not the parameter's own name.
        if n.kind() == "assignment_pattern" {
            if let Some(left) = n.js_field("left") {
                stack.push(left);
            }
            continue;
        }
        if matches!(
            n.kind(),
            "identifier" | "shorthand_property_identifier_pattern"
        ) && node_text(n, text) == name
        {
            return true;
        }
        if n.kind() == "type_annotation" {
            continue;
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    false
}

/// Whether a declaration target binds `name`: the identifier itself or a
/// destructuring pattern (`const { signature } = req.body`).
fn binds(target: Node<'_>, name: &str, text: &str) -> bool {
    match target.kind() {
        "identifier" => node_text(target, text) == name,
        "object_pattern" | "array_pattern" => {
            let mut stack = vec![target];
            while let Some(n) = stack.pop() {
                if matches!(
                    n.kind(),
                    "identifier" | "shorthand_property_identifier_pattern"
                ) && node_text(n, text) == name
                    && n.parent()
                        .is_none_or(|p| p.kind() != "pair_pattern" || p.js_field("key") != Some(n))
                {
                    return true;
                }
                if n.kind() == "assignment_pattern" || n.kind() == "object_assignment_pattern" {
                    if let Some(left) = n.js_field("left") {
                        stack.push(left);
                    }
                    continue;
                }
                let mut cursor = n.walk();
                stack.extend(n.named_children(&mut cursor));
            }
            false
        }
        _ => false,
    }
}

/// The value a variable declared in `function` (not in nested functions)
/// is initialised with, when it is declared once.
fn local_value<'t>(function: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
    let body = function.js_field("body")?;
    let mut stack = vec![body];
    let mut found = None;
    while let Some(n) = stack.pop() {
        if n != body && FUNCTION_KINDS.contains(&n.kind()) {
            continue;
        }
        if n.kind() == "variable_declarator"
            && n.js_field("name").is_some_and(|t| binds(t, name, text))
        {
            if found.is_some() {
                return None;
            }
            found = n.js_field("value");
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    found
}
