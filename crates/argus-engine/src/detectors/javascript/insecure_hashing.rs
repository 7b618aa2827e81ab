use super::super::common::weak_hash_violation;
use super::super::prelude::*;
use super::is_imported;
use crate::fix::replace_string_value;
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds MD4, MD5 and SHA-1 digests: Node's `crypto.createHash` and
    /// `crypto.hash`, Web Crypto's `crypto.subtle.digest`, and the `md5`,
    /// `sha1` and `crypto-js` packages.
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
    /// ```javascript
    /// const crypto = require("crypto");
    /// const etag = crypto.createHash("md5").update(body).digest("hex");
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const crypto = require("crypto");
    /// const etag = crypto.createHash("sha256").update(body).digest("hex");
    /// ```
    /// For passwords use `crypto.scrypt` or a password-hashing library
    /// (argon2, bcrypt).
    ///
    /// ## References
    /// - [CWE-328: Use of Weak Hash](https://cwe.mitre.org/data/definitions/328.html)
    /// - [Node.js crypto.createHash](https://nodejs.org/api/crypto.html#cryptocreatehashalgorithm-options)
    /// - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["javascript/insecure-hashing@v1.0", "typescript/insecure-hashing@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Insecure hashing",
        category: Category::Security,
        cwes: &[328, 327],
        tags: &["cryptography", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Use SHA-256 or stronger; for passwords use crypto.scrypt, argon2 or bcrypt.",
        keywords: &["md5", "md4", "sha1", "sha-1"],
        check: Check::Node { kinds: &["call_expression"], run: check },
    };
}

/// Calls whose first argument names the algorithm, with the replacement
/// name that call accepts.
const BY_NAME: &[(&str, &str)] = &[
    ("crypto.createHash", "sha256"),
    ("crypto.hash", "sha256"),
    ("crypto.subtle.digest", "SHA-256"),
    ("window.crypto.subtle.digest", "SHA-256"),
    ("globalThis.crypto.subtle.digest", "SHA-256"),
];

const WEAK_NAMES: &[(&str, &str, &str)] = &[
    ("md4", "md4", "MD4"),
    ("md5", "md5", "MD5"),
    ("sha1", "sha1", "SHA-1"),
    ("sha-1", "sha1", "SHA-1"),
    ("rsa-md5", "md5", "MD5"),
    ("rsa-sha1", "sha1", "SHA-1"),
];

/// Library functions computing a weak digest: (qualified name, rule,
/// algorithm, replacement member of the same library).
const LIBRARY: &[(&str, &str, &str, &str)] = &[
    ("md5", "md5", "MD5", ""),
    ("js-md5", "md5", "MD5", ""),
    ("blueimp-md5", "md5", "MD5", ""),
    ("sha1", "sha1", "SHA-1", ""),
    ("js-sha1", "sha1", "SHA-1", ""),
    ("crypto-js.MD5", "md5", "MD5", "SHA256"),
    ("crypto-js.SHA1", "sha1", "SHA-1", "SHA256"),
    ("crypto-js/md5", "md5", "MD5", ""),
    ("crypto-js/sha1", "sha1", "SHA-1", ""),
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(function) = call.js_field("function") else {
        return;
    };
    let names = checker.semantic.qualified_names(function, text);
    if let Some(&(_, replacement)) = BY_NAME.iter().find(|(t, _)| names.iter().any(|n| n == t)) {
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
            .find(|(n, _, _)| value.eq_ignore_ascii_case(n))
        else {
            return;
        };
        let Some(mut violation) = weak_hash_violation(call, rule, display, checker) else {
            return;
        };
        if !protects_password(&violation)
            && let Some(edit) = replace_string_value(argument, text, replacement)
        {
            violation =
                violation.with_fix(Fix::new(format!("Use SHA-256 ({replacement})"), vec![edit]));
        }
        checker.report(call, violation);
        return;
    }
    // Library calls count only when the name really comes from an import:
    // a local helper called `md5` is not the package.
    if !is_imported(function, checker) {
        return;
    }
    let Some(&(_, rule, display, replacement)) =
        LIBRARY.iter().find(|(t, ..)| names.iter().any(|n| n == t))
    else {
        return;
    };
    let Some(mut violation) = weak_hash_violation(call, rule, display, checker) else {
        return;
    };
    if !replacement.is_empty()
        && !protects_password(&violation)
        && function.kind() == "member_expression"
        && let Some(property) = function.js_field("property")
    {
        violation = violation.with_fix(Fix::replace(
            format!("Use SHA-256 ({replacement})"),
            property.byte_range(),
            replacement,
        ));
    }
    checker.report(call, violation);
}

/// Whether the digest protects a password: SHA-256 is no password hash
/// either (`insufficiently-protected-credentials` reports it), and the
/// remedy -- scrypt, bcrypt or Argon2 -- is more than a one-word edit, so
/// no fix is offered.
fn protects_password(violation: &Violation) -> bool {
    ["password", "passwd", "pwd", "passphrase", "passcode"]
        .iter()
        .any(|w| violation.message.contains(&format!("(`{w}`)")))
}
