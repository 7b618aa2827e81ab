use super::super::common::weak_hash_violation;
use super::super::prelude::*;
use crate::fix::replace_string_value;

detector! {
    /// ## What it does
    /// Finds MD5 and SHA-1 in .NET: `MD5.Create()`, `SHA1.HashData(...)`,
    /// the `*CryptoServiceProvider`, `*Managed` and `*Cng` classes,
    /// `HashAlgorithm.Create("MD5")`, `CryptoConfig.CreateFromName("SHA1")`
    /// and `HashAlgorithmName.MD5`/`SHA1`.
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
    /// ```csharp
    /// using var md5 = MD5.Create();
    /// var hash = md5.ComputeHash(Encoding.UTF8.GetBytes(token));
    /// ```
    ///
    /// ## Use instead
    /// ```csharp
    /// using var sha = SHA256.Create();
    /// var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(token));
    /// ```
    /// For passwords use `Rfc2898DeriveBytes.Pbkdf2` with SHA-256 and a high
    /// iteration count, or ASP.NET Core's `PasswordHasher`.
    ///
    /// ## References
    /// - [CWE-328: Use of Weak Hash](https://cwe.mitre.org/data/definitions/328.html)
    /// - [CA5351: Do not use broken cryptographic algorithms](https://learn.microsoft.com/dotnet/fundamentals/code-analysis/quality-rules/ca5351)
    pub static SPEC = {
        ids: &["csharp/insecure-hashing@v1.0"],
        languages: &[Language::CSharp],
        name: "Insecure hashing",
        category: Category::Security,
        cwes: &[328, 327],
        tags: &["cryptography", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Use SHA256 or stronger; for passwords use Rfc2898DeriveBytes.Pbkdf2 with SHA-256 or ASP.NET Core's PasswordHasher.",
        keywords: &["md5", "sha1"],
        check: Check::Node {
            kinds: &["invocation_expression", "object_creation_expression", "member_access_expression"],
            run: check,
        },
    };
}

const NS: &str = "System.Security.Cryptography";

/// Weak algorithm classes: (class, rule, algorithm).
const CLASSES: &[(&str, &str, &str)] = &[("MD5", "md5", "MD5"), ("SHA1", "sha1", "SHA-1")];

/// Weak implementation classes instantiated with `new`.
const IMPLEMENTATIONS: &[(&str, &str, &str)] = &[
    ("MD5CryptoServiceProvider", "md5", "MD5"),
    ("MD5Cng", "md5", "MD5"),
    ("SHA1CryptoServiceProvider", "sha1", "SHA-1"),
    ("SHA1Managed", "sha1", "SHA-1"),
    ("SHA1Cng", "sha1", "SHA-1"),
];

/// Factories taking an algorithm name.
const BY_NAME: &[&str] = &["HashAlgorithm.Create", "CryptoConfig.CreateFromName"];

const WEAK_NAMES: &[(&str, &str, &str)] = &[
    ("md5", "md5", "MD5"),
    ("sha1", "sha1", "SHA-1"),
    ("sha", "sha1", "SHA-1"),
    ("system.security.cryptography.md5", "md5", "MD5"),
    ("system.security.cryptography.sha1", "sha1", "SHA-1"),
];

fn qualified(class: &str) -> String {
    format!("{NS}.{class}")
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "invocation_expression" => check_invocation(node, checker),
        "object_creation_expression" => {
            let names = checker.semantic.callee_names(node, checker.text);
            if let Some(&(_, rule, display)) = IMPLEMENTATIONS
                .iter()
                .find(|(c, ..)| names.contains(&qualified(c)))
                && let Some(violation) = weak_hash_violation(node, rule, display, checker)
            {
                checker.report(node, violation);
            }
        }
        "member_access_expression" => check_algorithm_name(node, checker),
        _ => {}
    }
}

fn check_invocation(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = checker.semantic.callee_names(call, text);
    // `MD5.Create()`, `SHA1.HashData(data)`
    for &(class, rule, display) in CLASSES {
        let method = ["Create", "HashData", "HashDataAsync"]
            .into_iter()
            .find(|m| names.contains(&format!("{}.{m}", qualified(class))));
        let Some(method) = method else { continue };
        let Some(mut violation) = weak_hash_violation(call, rule, display, checker) else {
            return;
        };
        if (method != "Create" || result_type_is_flexible(call, text))
            && let Some(class_node) = call
                .child_by_field_name("function")
                .filter(|f| f.kind() == "member_access_expression")
                .and_then(|f| f.child_by_field_name("expression"))
                .filter(|e| e.kind() == "identifier")
        {
            violation = violation.with_fix(Fix::replace(
                "Use SHA256",
                class_node.byte_range(),
                "SHA256",
            ));
        }
        checker.report(call, violation);
        return;
    }
    // `HashAlgorithm.Create("MD5")`
    if BY_NAME.iter().any(|f| names.contains(&qualified(f))) {
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
}

/// `HashAlgorithmName.MD5` passed to signing or key derivation.
fn check_algorithm_name(access: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = checker.semantic.qualified_names(access, text);
    for (class, rule, display) in CLASSES {
        if names.contains(&format!("{NS}.HashAlgorithmName.{class}")) {
            let Some(mut violation) = weak_hash_violation(access, rule, display, checker) else {
                return;
            };
            if let Some(name) = access.child_by_field_name("name") {
                violation =
                    violation.with_fix(Fix::replace("Use SHA256", name.byte_range(), "SHA256"));
            }
            checker.report(access, violation);
            return;
        }
    }
}

/// Whether `MD5.Create()` can become `SHA256.Create()` without changing a
/// declared type: its value lands in a `var` or `HashAlgorithm` variable,
/// or is used directly (`MD5.Create().ComputeHash(...)`).
fn result_type_is_flexible(call: Node<'_>, text: &str) -> bool {
    let Some(parent) = call.parent() else {
        return false;
    };
    match parent.kind() {
        "member_access_expression" => true,
        "variable_declarator" | "equals_value_clause" => {
            let declaration = std::iter::successors(Some(parent), |n| n.parent())
                .find(|n| n.kind() == "variable_declaration");
            declaration
                .and_then(|d| d.child_by_field_name("type"))
                .is_some_and(|t| matches!(&text[t.byte_range()], "var" | "HashAlgorithm"))
        }
        _ => false,
    }
}
