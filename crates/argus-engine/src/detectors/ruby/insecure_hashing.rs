use super::super::common::weak_hash_violation;
use super::super::prelude::*;
use crate::fix::replace_string_value;

detector! {
    /// ## What it does
    /// Finds MD5 and SHA-1 digests: `Digest::MD5`, `Digest::SHA1`,
    /// `OpenSSL::Digest::MD5`, `OpenSSL::Digest::SHA1`, and
    /// `OpenSSL::Digest.new("MD5")` / `OpenSSL::Digest.digest("SHA1", ...)`.
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
    /// ```ruby
    /// require "digest"
    ///
    /// token_digest = Digest::MD5.hexdigest(token)
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// require "digest"
    ///
    /// token_digest = Digest::SHA256.hexdigest(token)
    /// ```
    /// For passwords use bcrypt (`has_secure_password`) or argon2.
    ///
    /// ## References
    /// - [CWE-328: Use of Weak Hash](https://cwe.mitre.org/data/definitions/328.html)
    /// - [Ruby Digest](https://docs.ruby-lang.org/en/master/Digest.html)
    pub static SPEC = {
        ids: &["ruby/insecure-hashing@v1.0"],
        languages: &[Language::Ruby],
        name: "Insecure hashing",
        category: Category::Security,
        cwes: &[328, 327],
        tags: &["cryptography", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Use Digest::SHA256 (or OpenSSL::Digest::SHA256); for passwords use bcrypt or argon2.",
        keywords: &["md5", "sha1"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// Weak digest classes: (constant path, rule, algorithm).
const CLASSES: &[(&str, &str, &str)] = &[
    ("Digest::MD5", "md5", "MD5"),
    ("Digest::SHA1", "sha1", "SHA-1"),
    ("OpenSSL::Digest::MD5", "md5", "MD5"),
    ("OpenSSL::Digest::SHA1", "sha1", "SHA-1"),
];

const WEAK_NAMES: &[(&str, &str, &str)] = &[("md5", "md5", "MD5"), ("sha1", "sha1", "SHA-1")];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(receiver) = call.child_by_field_name("receiver") else {
        return;
    };
    let Some(receiver_name) = checker
        .semantic
        .qualified_names(receiver, text)
        .into_iter()
        .next()
    else {
        return;
    };
    let receiver_name = receiver_name.trim_start_matches("::");
    if let Some(&(_, rule, display)) = CLASSES.iter().find(|(c, ..)| *c == receiver_name) {
        let Some(mut violation) = weak_hash_violation(call, rule, display, checker) else {
            return;
        };
        if receiver.kind() == "scope_resolution"
            && let Some(name) = receiver.child_by_field_name("name")
        {
            violation = violation.with_fix(Fix::replace("Use SHA256", name.byte_range(), "SHA256"));
        }
        checker.report(call, violation);
        return;
    }
    // `OpenSSL::Digest.new("MD5")`, `OpenSSL::Digest.digest("SHA1", data)`
    let method = call
        .child_by_field_name("method")
        .map(|m| checker.text_of(m));
    if receiver_name != "OpenSSL::Digest" || !matches!(method, Some("new" | "digest" | "hexdigest"))
    {
        return;
    }
    let Some(argument) = positional_arguments(checker.grammar, call)
        .into_iter()
        .next()
    else {
        return;
    };
    let Some(value) = string_literal(argument, text) else {
        return;
    };
    let Some(&(_, rule, display)) = WEAK_NAMES
        .iter()
        .find(|(n, ..)| value.eq_ignore_ascii_case(n))
    else {
        return;
    };
    let Some(mut violation) = weak_hash_violation(call, rule, display, checker) else {
        return;
    };
    if let Some(edit) = replace_string_value(argument, text, "SHA256") {
        violation = violation.with_fix(Fix::new("Use SHA256", vec![edit]));
    }
    checker.report(call, violation);
}
