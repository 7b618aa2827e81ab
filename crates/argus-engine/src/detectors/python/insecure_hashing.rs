use super::super::common::weak_hash_violation;
use super::super::prelude::*;
use super::{method_name_node, remove_argument};
use crate::fix::replace_string_value;

detector! {
    /// ## What it does
    /// Finds MD5, MD4 and SHA-1 used through `hashlib`, `hashlib.new`,
    /// PyCryptodome (`Crypto.Hash`) and `cryptography`'s `hashes` module,
    /// unless the call declares `usedforsecurity=False`.
    ///
    /// Only weak digests that protect something are reported: the hashed
    /// data, the variable receiving the digest, the call it feeds (`sign`,
    /// `verify`) or the enclosing function must name a password, token,
    /// secret, key, session, PIN or similar. Digests used as cache keys,
    /// ETags, nonces of fresh randomness or unnamed checksums are not
    /// findings.
    ///
    /// ## Why is this bad?
    /// These algorithms are broken: collisions for MD5 and SHA-1 can be
    /// computed cheaply, and their speed makes brute-forcing hashed secrets
    /// practical. A digest made with them cannot protect a password, sign
    /// data, or prove that content was not tampered with.
    ///
    /// ## Example
    /// ```python
    /// import hashlib
    ///
    /// def fingerprint(document: bytes) -> str:
    ///     return hashlib.md5(document).hexdigest()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import hashlib
    ///
    /// def fingerprint(document: bytes) -> str:
    ///     return hashlib.sha256(document).hexdigest()
    /// ```
    /// For passwords use a password hash (`hashlib.scrypt`, argon2, bcrypt).
    /// When the digest is not a security control (a cache key, a protocol
    /// that mandates MD5), say so with `usedforsecurity=False`.
    ///
    /// ## References
    /// - [CWE-328: Use of Weak Hash](https://cwe.mitre.org/data/definitions/328.html)
    /// - [Python hashlib: usedforsecurity](https://docs.python.org/3/library/hashlib.html#hash-algorithms)
    /// - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["python/insecure-hashing@v1.0"],
        languages: &[Language::Python],
        name: "Insecure hashing",
        category: Category::Security,
        cwes: &[328, 327],
        tags: &["cryptography", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Use SHA-256 or stronger (SHA-3, BLAKE2); for passwords use scrypt, argon2 or bcrypt. If the digest is not a security control, pass usedforsecurity=False.",
        keywords: &["md5", "md4", "sha1"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// (callee, rule, algorithm as people write it)
const WEAK_CALLS: &[(&str, &str, &str)] = &[
    ("hashlib.md5", "md5", "MD5"),
    ("hashlib.sha1", "sha1", "SHA-1"),
    ("Crypto.Hash.MD5.new", "md5", "MD5"),
    ("Crypto.Hash.MD4.new", "md4", "MD4"),
    ("Crypto.Hash.SHA1.new", "sha1", "SHA-1"),
    ("Cryptodome.Hash.MD5.new", "md5", "MD5"),
    ("Cryptodome.Hash.MD4.new", "md4", "MD4"),
    ("Cryptodome.Hash.SHA1.new", "sha1", "SHA-1"),
    ("cryptography.hazmat.primitives.hashes.MD5", "md5", "MD5"),
    (
        "cryptography.hazmat.primitives.hashes.SHA1",
        "sha1",
        "SHA-1",
    ),
];

/// Names `hashlib.new` accepts for the weak algorithms (case-insensitive).
const WEAK_NAMES: &[(&str, &str, &str)] = &[
    ("md5", "md5", "MD5"),
    ("md4", "md4", "MD4"),
    ("sha1", "sha1", "SHA-1"),
    ("sha-1", "sha1", "SHA-1"),
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if declared_not_for_security(call, text) {
        return;
    }
    let names = checker.semantic.callee_names(call, text);
    let called = |target: &str| names.iter().any(|n| n == target);
    if let Some(&(target, rule, algorithm)) = WEAK_CALLS.iter().find(|(t, _, _)| called(t)) {
        let Some(mut violation) = weak_hash_violation(call, rule, algorithm, checker) else {
            return;
        };
        if let Some(attribute) = method_name_node(call) {
            let replacement = if target.starts_with("hashlib.") {
                "sha256"
            } else {
                "SHA256"
            };
            let is_module_call =
                target.starts_with("hashlib.") || target.starts_with("cryptography.");
            if is_module_call {
                violation = violation.with_fix(Fix::replace(
                    format!("Use SHA-256 ({replacement})"),
                    attribute.byte_range(),
                    replacement,
                ));
            }
        }
        if target.starts_with("hashlib.") {
            violation = with_not_for_security_fix(violation, call);
        }
        checker.report(call, violation);
        return;
    }
    if !called("hashlib.new") {
        return;
    }
    let Some(algorithm) = argument(call, 0, "name", text) else {
        return;
    };
    let Some(value) = string_literal(algorithm, text) else {
        return;
    };
    let Some(&(_, rule, display)) = WEAK_NAMES
        .iter()
        .find(|(n, _, _)| value.eq_ignore_ascii_case(n))
    else {
        return;
    };
    let Some(mut violation) = weak_hash_violation(call, rule, display, checker) else {
        return;
    };
    let positional = positional_arguments(checker.grammar, call).first() == Some(&algorithm);
    let fix = match method_name_node(call) {
        // `hashlib.new("md5", x)` -> `hashlib.sha256(x)`
        Some(method) if positional => Some(Fix::new(
            "Use SHA-256 (hashlib.sha256)",
            vec![
                Edit::replace(method.byte_range(), "sha256"),
                remove_argument(algorithm, text),
            ],
        )),
        _ => replace_string_value(algorithm, text, "sha256")
            .map(|edit| Fix::new("Use SHA-256", vec![edit])),
    };
    if let Some(fix) = fix {
        violation = violation.with_fix(fix);
    }
    violation = with_not_for_security_fix(violation, call);
    checker.report(call, violation);
}

/// `usedforsecurity=False` says the digest is not a security control.
fn declared_not_for_security(call: Node<'_>, text: &str) -> bool {
    keyword_argument(call, "usedforsecurity", text).is_some_and(|v| node_text(v, text) == "False")
}

/// The alternative fix for non-security uses (Python 3.9+).
fn with_not_for_security_fix(violation: Violation, call: Node<'_>) -> Violation {
    let Some(args) = call_arguments(call).filter(|a| a.kind() == "argument_list") else {
        return violation;
    };
    let Some(close) = args
        .child(args.child_count().saturating_sub(1))
        .filter(|c| c.kind() == ")")
    else {
        return violation;
    };
    let previous = close.prev_sibling().map(|p| p.kind());
    let insertion = match previous {
        Some("(") => "usedforsecurity=False",
        Some(",") => " usedforsecurity=False",
        _ => ", usedforsecurity=False",
    };
    let at = close.start_byte();
    violation.with_fix(Fix::replace(
        "Declare a non-security use (usedforsecurity=False)",
        at..at,
        insertion,
    ))
}
