//! Behaviour shared by the detectors of one concept across languages, so
//! the same weakness is judged and worded the same everywhere.

use tree_sitter::Node;

use super::context::{Context, gather, words};
use super::{Checker, Violation};
use crate::lang::scope_name;

/// A violation for a weak hash at `node`, when the surroundings show it
/// protects something (`None` for cache keys, ETags and code whose purpose
/// nothing reveals). The node's own arguments count as hashed data.
pub fn weak_hash_violation(
    node: Node<'_>,
    rule: &'static str,
    algorithm: &str,
    checker: &Checker<'_>,
) -> Option<Violation> {
    let text = checker.text;
    let grammar = checker.grammar;
    let mut evidence = gather(node, text, &|n| scope_name(grammar, n, text));
    if let Some(args) = node.child_by_field_name("arguments") {
        evidence.data.insert(0, args);
    }
    match evidence.context(text) {
        Context::Sensitive(word) => Some(Violation::new(
            rule,
            format!(
                "{algorithm} is a broken hash function and protects sensitive data here (`{word}`): collisions and brute force are practical"
            ),
        )),
        Context::NotSecurity | Context::Unknown => None,
    }
}

/// A redirect target that input cannot move off the site: a local path (`/account/...`, not `//host`) or a written-out host.
pub fn fixed_target(prefix: &str) -> bool {
    // Input after a `?` or `#` only reaches the query or the fragment.
    if prefix.contains(['?', '#']) {
        return true;
    }
    if let Some(rest) = prefix.strip_prefix('/') {
        return !rest.is_empty() && !rest.starts_with(['/', '\\']);
    }
    prefix
        .split_once("://")
        .is_some_and(|(_, rest)| rest.find(['/', '?', '#']).is_some_and(|i| i > 0))
}

/// A URL whose host input cannot change: `https://host/...`, where the
/// input can only change the path.
pub fn fixed_host(prefix: &str) -> bool {
    // Input after a `?` or `#` only reaches the query or the fragment.
    if prefix.contains(['?', '#']) {
        return true;
    }
    let Some((scheme, rest)) = prefix.split_once("://") else {
        return false;
    };
    !scheme.is_empty()
        && scheme.chars().all(|c| c.is_ascii_alphabetic())
        && rest.find(['/', '?', '#']).is_some_and(|i| i > 0)
}

/// Words with which a value declares itself not to be a secret
/// (`"upgrade-test-not-secret"`).
const DECLARED_NOT_SECRET: &[&str] = &["not-secret", "not_secret", "notsecret", "not a secret"];

/// Whether the value of a credential literal is no real secret: empty,
/// a placeholder, template or reference (`changeme`, `<password>`,
/// `${DB_PASSWORD}`, `xxxx`), a documented example, or a value declaring
/// itself not secret. Shared by the hardcoded-credentials detectors of
/// every language.
pub fn not_a_secret(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    value.trim().is_empty()
        || crate::secrets::validate::is_placeholder(value)
        || DECLARED_NOT_SECRET.iter().any(|w| lower.contains(w))
}

/// Words saying random numbers serve no security purpose (timing,
/// sampling, tests, layout and animation), shared by the weak-randomness
/// detectors of every language.
const RANDOM_NOT_SECURITY: &[&str] = &[
    "jitter",
    "backoff",
    "delay",
    "sleep",
    "wait",
    "retry",
    "retries",
    "timeout",
    "interval",
    "ttl",
    "expiry",
    "expires",
    "expire",
    "lifetime",
    "length",
    "len",
    "size",
    "count",
    "color",
    "colour",
    "sample",
    "sampling",
    "shuffle",
    "test",
    "tests",
    "testing",
    "fake",
    "faker",
    "mock",
    "dummy",
    "example",
    "demo",
    "weight",
    "weights",
    "probability",
    "chance",
    "port",
    "shard",
    "partition",
    "index",
    "idx",
    "offset",
    "position",
    "cache",
    "seed",
    "noise",
    "boundary",
    "delimiter",
    "separator",
    "multipart",
    "animation",
    "animate",
    "duration",
    "opacity",
    "width",
    "height",
    "speed",
    "velocity",
    "angle",
    "rotation",
    "particle",
    "hue",
    "style",
    "classname",
    "placeholder",
    "skeleton",
];

/// Words naming a secret on their own.
const SENSITIVE: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "passcode",
    "secret",
    "token",
    "otp",
    "totp",
    "hotp",
    "mfa",
    "pin",
    "nonce",
    "salt",
    "csrf",
    "xsrf",
    "credential",
    "apikey",
    "sessionid",
];

/// (qualifier, noun) pairs naming a secret together: `api_key`,
/// `session_id`, `verification_code`.
const QUALIFIED: &[(&[&str], &[&str])] = &[
    (
        &[
            "api",
            "secret",
            "private",
            "signing",
            "access",
            "encryption",
            "session",
            "auth",
            "hmac",
            "aes",
            "crypto",
            "license",
            "activation",
        ],
        &["key"],
    ),
    (&["session"], &["id", "key"]),
    (
        &[
            "verification",
            "verify",
            "auth",
            "activation",
            "activate",
            "confirm",
            "confirmation",
            "reset",
            "login",
            "security",
            "sms",
            "access",
            "invite",
            "invitation",
            "recovery",
            "one",
        ],
        &["code", "link", "url"],
    ),
];

/// What one name says about a random value stored or returned under
/// it: no security purpose (`retry_jitter`), a secret (`reset_token`,
/// `api_keys`), or nothing. Shared by the weak-randomness detectors.
pub fn judge_random_target(name: &str) -> Option<Context> {
    let raw = words(name);
    if raw
        .iter()
        .any(|w| RANDOM_NOT_SECURITY.contains(&w.as_str()))
    {
        return Some(Context::NotSecurity);
    }
    // `api_keys`, `reset_tokens`: plurals name the same things.
    let words: Vec<String> = raw
        .iter()
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.len() >= 2 && !stem.ends_with('s') => stem.to_string(),
            _ => w.clone(),
        })
        .collect();
    if let Some(word) = words.iter().find(|w| SENSITIVE.contains(&w.as_str())) {
        return Some(Context::Sensitive(word.clone()));
    }
    words
        .windows(2)
        .find(|pair| {
            QUALIFIED.iter().any(|(qualifiers, nouns)| {
                qualifiers.contains(&pair[0].as_str()) && nouns.contains(&pair[1].as_str())
            })
        })
        .map(|pair| Context::Sensitive(format!("{}_{}", pair[0], pair[1])))
}
