use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds Django settings whose `PASSWORD_HASHERS` list starts with a
    /// hasher that stores passwords in a recoverable or cheaply crackable
    /// form: `UnsaltedMD5PasswordHasher`, `UnsaltedSHA1PasswordHasher`,
    /// `MD5PasswordHasher`, `SHA1PasswordHasher` or `CryptPasswordHasher`.
    /// Django hashes every new or changed password with the first entry;
    /// the others only verify old hashes.
    ///
    /// ## Why is this bad?
    /// These hashers are a single fast hash (or DES `crypt`): a leaked
    /// user table is cracked at billions of guesses per second, and the
    /// unsalted ones fall to precomputed tables at once, which is as good
    /// as storing the passwords in clear text.
    ///
    /// ## Example
    /// ```python
    /// PASSWORD_HASHERS = [
    ///     "django.contrib.auth.hashers.UnsaltedSHA1PasswordHasher",
    /// ]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// PASSWORD_HASHERS = [
    ///     "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ///     # Kept to verify old hashes; Django upgrades them at the next login.
    ///     "django.contrib.auth.hashers.UnsaltedSHA1PasswordHasher",
    /// ]
    /// ```
    ///
    /// ## References
    /// - [CWE-916: Use of Password Hash With Insufficient Computational Effort](https://cwe.mitre.org/data/definitions/916.html)
    /// - [CWE-312: Cleartext Storage of Sensitive Information](https://cwe.mitre.org/data/definitions/312.html)
    /// - [Django: Password management, using Argon2/PBKDF2](https://docs.djangoproject.com/en/stable/topics/auth/passwords/)
    pub static SPEC = {
        ids: &["python/clear-text-credentials@v1.0"],
        languages: &[Language::Python],
        name: "Weak password storage",
        category: Category::Security,
        cwes: &[916, 312, 328],
        tags: &["passwords", "cryptography", "django"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Put a slow, salted hasher first in PASSWORD_HASHERS (Argon2, PBKDF2 or scrypt); keep the old one after it so Django upgrades stored hashes at login.",
        keywords: &["PASSWORD_HASHERS"],
        check: Check::Node { kinds: &["assignment"], run: check },
    };
}

const WEAK: &[&str] = &[
    "UnsaltedMD5PasswordHasher",
    "UnsaltedSHA1PasswordHasher",
    "MD5PasswordHasher",
    "SHA1PasswordHasher",
    "CryptPasswordHasher",
];

const STRONG: &str = "django.contrib.auth.hashers.PBKDF2PasswordHasher";

fn check(assignment: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some((name, value)) = super::module_setting(assignment, text) else {
        return;
    };
    if name != "PASSWORD_HASHERS" || !matches!(value.kind(), "list" | "tuple") {
        return;
    }
    let mut cursor = value.walk();
    let Some(first) = value
        .named_children(&mut cursor)
        .find(|c| c.kind() != "comment")
    else {
        return;
    };
    let Some(hasher) = string_literal(first, text) else {
        return;
    };
    let Some(weak) = hasher
        .strip_prefix("django.contrib.auth.hashers.")
        .filter(|h| WEAK.contains(h))
    else {
        return;
    };
    // Same indentation as the entry, on its own line when the list is.
    let line_start = text[..first.start_byte()].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..first.start_byte()];
    let separator = if indent.trim().is_empty() {
        format!(",\n{indent}")
    } else {
        ", ".to_string()
    };
    let quote = if node_text(first, text).starts_with('\'') {
        '\''
    } else {
        '"'
    };
    let at = first.start_byte();
    let violation = Violation::new(
        "password-hashers",
        format!("PASSWORD_HASHERS hashes new passwords with {weak}, a fast hash that cracks like clear text"),
    )
    .with_fix(Fix::new(
        "Hash new passwords with PBKDF2 (old hashes are upgraded at login)",
        vec![Edit::replace(at..at, format!("{quote}{STRONG}{quote}{separator}"))],
    ));
    checker.report(first, violation);
}
