use super::super::common::weak_hash_violation;
use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds MD4, MD5 and SHA-1 digests: `md5.New()`, `md5.Sum(...)`,
    /// `sha1.New()`, `sha1.Sum(...)` from `crypto/md5`, `crypto/sha1` and
    /// `golang.org/x/crypto/md4`, whatever name the package is imported
    /// under.
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
    /// ```go
    /// import "crypto/md5"
    ///
    /// func checksum(data []byte) [16]byte {
    ///     return md5.Sum(data)
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```go
    /// import "crypto/sha256"
    ///
    /// func checksum(data []byte) [32]byte {
    ///     return sha256.Sum256(data)
    /// }
    /// ```
    /// For passwords use `golang.org/x/crypto/argon2`, `bcrypt` or `scrypt`.
    ///
    /// ## References
    /// - [CWE-328: Use of Weak Hash](https://cwe.mitre.org/data/definitions/328.html)
    /// - [crypto/md5: not for security](https://pkg.go.dev/crypto/md5)
    pub static SPEC = {
        ids: &["go/insecure-hashing@v1.0"],
        languages: &[Language::Go],
        name: "Insecure hashing",
        category: Category::Security,
        cwes: &[328, 327],
        tags: &["cryptography", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Use crypto/sha256 or crypto/sha512 (sha256.Sum256, sha256.New); for passwords use argon2, bcrypt or scrypt from golang.org/x/crypto.",
        keywords: &["crypto/md5", "crypto/sha1", "crypto/md4"],
        check: Check::Node { kinds: &["call_expression"], run: check },
    };
}

const WEAK: &[(&str, &str, &str)] = &[
    ("crypto/md5", "md5", "MD5"),
    ("crypto/sha1", "sha1", "SHA-1"),
    ("golang.org/x/crypto/md4", "md4", "MD4"),
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let names = checker.semantic.callee_names(call, checker.text);
    for &(package, rule, display) in WEAK {
        let hit = names.iter().any(|n| {
            n.strip_prefix(package)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|function| matches!(function, "New" | "Sum"))
        });
        if hit {
            // No automatic fix: the import and the digest size change too.
            if let Some(violation) = weak_hash_violation(call, rule, display, checker) {
                checker.report(call, violation);
            }
            return;
        }
    }
}
