use super::super::common::weak_hash_violation;
use super::super::prelude::*;
use super::constant_string;
use crate::fix::replace_string_value;

detector! {
    /// ## What it does
    /// Finds MD2, MD4, MD5 and SHA-1 digests: `MessageDigest.getInstance`
    /// with one of those names (as a literal or a `final` constant), Apache
    /// Commons Codec and Spring `DigestUtils` helpers, and Guava's
    /// `Hashing.md5()`/`Hashing.sha1()`.
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
    /// ```java
    /// MessageDigest digest = MessageDigest.getInstance("MD5");
    /// byte[] hash = digest.digest(token.getBytes(StandardCharsets.UTF_8));
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// MessageDigest digest = MessageDigest.getInstance("SHA-256");
    /// byte[] hash = digest.digest(token.getBytes(StandardCharsets.UTF_8));
    /// ```
    /// For passwords use a password hash (PBKDF2 with many iterations,
    /// bcrypt, scrypt or Argon2).
    ///
    /// ## References
    /// - [CWE-328: Use of Weak Hash](https://cwe.mitre.org/data/definitions/328.html)
    /// - [Java Security Standard Algorithm Names](https://docs.oracle.com/en/java/javase/17/docs/specs/security/standard-names.html#messagedigest-algorithms)
    /// - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["java/insecure-hashing@v1.0"],
        languages: &[Language::Java],
        name: "Insecure hashing",
        category: Category::Security,
        cwes: &[328, 327],
        tags: &["cryptography", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Use SHA-256 or stronger (SHA-512, SHA3-256); for passwords use PBKDF2, bcrypt, scrypt or Argon2.",
        keywords: &["md5", "md4", "md2", "sha1", "sha-1", "\"sha\"", "shaHex", "getShaDigest"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

const GET_INSTANCE: &[&str] = &["java.security.MessageDigest.getInstance"];

/// Weak algorithm names `MessageDigest.getInstance` accepts.
const WEAK_NAMES: &[(&str, &str, &str)] = &[
    ("md2", "md2", "MD2"),
    ("md4", "md4", "MD4"),
    ("md5", "md5", "MD5"),
    ("sha", "sha1", "SHA-1"),
    ("sha1", "sha1", "SHA-1"),
    ("sha-1", "sha1", "SHA-1"),
];

/// Helper methods computing a weak digest: (class, method, rule, algorithm,
/// SHA-256 replacement in the same class).
const HELPERS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "org.apache.commons.codec.digest.DigestUtils",
        "md2",
        "md2",
        "MD2",
        "sha256",
    ),
    (
        "org.apache.commons.codec.digest.DigestUtils",
        "md2Hex",
        "md2",
        "MD2",
        "sha256Hex",
    ),
    (
        "org.apache.commons.codec.digest.DigestUtils",
        "md5",
        "md5",
        "MD5",
        "sha256",
    ),
    (
        "org.apache.commons.codec.digest.DigestUtils",
        "md5Hex",
        "md5",
        "MD5",
        "sha256Hex",
    ),
    (
        "org.apache.commons.codec.digest.DigestUtils",
        "sha",
        "sha1",
        "SHA-1",
        "sha256",
    ),
    (
        "org.apache.commons.codec.digest.DigestUtils",
        "shaHex",
        "sha1",
        "SHA-1",
        "sha256Hex",
    ),
    (
        "org.apache.commons.codec.digest.DigestUtils",
        "sha1",
        "sha1",
        "SHA-1",
        "sha256",
    ),
    (
        "org.apache.commons.codec.digest.DigestUtils",
        "sha1Hex",
        "sha1",
        "SHA-1",
        "sha256Hex",
    ),
    (
        "org.apache.commons.codec.digest.DigestUtils",
        "getMd2Digest",
        "md2",
        "MD2",
        "getSha256Digest",
    ),
    (
        "org.apache.commons.codec.digest.DigestUtils",
        "getMd5Digest",
        "md5",
        "MD5",
        "getSha256Digest",
    ),
    (
        "org.apache.commons.codec.digest.DigestUtils",
        "getShaDigest",
        "sha1",
        "SHA-1",
        "getSha256Digest",
    ),
    (
        "org.apache.commons.codec.digest.DigestUtils",
        "getSha1Digest",
        "sha1",
        "SHA-1",
        "getSha256Digest",
    ),
    (
        "com.google.common.hash.Hashing",
        "md5",
        "md5",
        "MD5",
        "sha256",
    ),
    (
        "com.google.common.hash.Hashing",
        "sha1",
        "sha1",
        "SHA-1",
        "sha256",
    ),
    (
        "org.springframework.util.DigestUtils",
        "md5Digest",
        "md5",
        "MD5",
        "",
    ),
    (
        "org.springframework.util.DigestUtils",
        "md5DigestAsHex",
        "md5",
        "MD5",
        "",
    ),
    (
        "org.springframework.util.DigestUtils",
        "appendMd5DigestAsHex",
        "md5",
        "MD5",
        "",
    ),
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = checker.semantic.callee_names(call, text);
    if names.iter().any(|n| GET_INSTANCE.contains(&n.as_str())) {
        let Some(argument) = positional_arguments(checker.grammar, call)
            .into_iter()
            .next()
        else {
            return;
        };
        let Some(value) = constant_string(argument, text) else {
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
        // Only a literal at the call site is safe to rewrite: a constant may
        // be shared with code that needs the old algorithm.
        if argument.kind() == "string_literal"
            && let Some(edit) = replace_string_value(argument, text, "SHA-256")
        {
            violation = violation.with_fix(Fix::new("Use SHA-256", vec![edit]));
        }
        checker.report(call, violation);
        return;
    }
    let helper = HELPERS.iter().find(|(class, method, ..)| {
        names
            .iter()
            .any(|n| n.strip_suffix(method).and_then(|c| c.strip_suffix('.')) == Some(class))
    });
    let Some(&(_, _, rule, display, replacement)) = helper else {
        return;
    };
    let Some(mut violation) = weak_hash_violation(call, rule, display, checker) else {
        return;
    };
    // A statically imported helper cannot be renamed without its import.
    if !replacement.is_empty()
        && call.child_by_field_name("object").is_some()
        && let Some(name) = call.child_by_field_name("name")
    {
        violation = violation.with_fix(Fix::replace(
            format!("Use SHA-256 ({replacement})"),
            name.byte_range(),
            replacement,
        ));
    }
    checker.report(call, violation);
}
