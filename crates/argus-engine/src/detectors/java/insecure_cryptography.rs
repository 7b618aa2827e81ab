use super::super::prelude::*;
use super::crypto::{DeclarationKind, calls, declaration_of, is_final_field, variable_is};
use super::{
    call_args, constant_string, descendants, enclosing_method, int_literal, method_name, receiver,
};
use crate::fix::replace_string_value;

detector! {
    /// ## What it does
    /// Finds weak uses of the Java Cryptography Architecture:
    /// - `Cipher.getInstance` with a broken cipher (DES, DESede/3DES, RC2,
    ///   RC4/ARCFOUR, Blowfish, password-based DES/RC2/RC4), with ECB mode
    ///   (including a bare `"AES"`, which means `AES/ECB/PKCS5Padding`), or
    ///   RSA without OAEP padding (`"RSA"`, `"RSA/ECB/PKCS1Padding"`,
    ///   `"RSA/ECB/NoPadding"`). Names may be literals or `final` constants.
    /// - Constant initialisation vectors: `new IvParameterSpec(...)` and
    ///   `new GCMParameterSpec(bits, ...)` given a literal array, a zeroed
    ///   `new byte[n]`, `"...".getBytes()`, or a variable or `final` field
    ///   holding one that nothing else writes to.
    /// - Small keys: `KeyPairGenerator.initialize(n)` with n < 2048 for RSA,
    ///   DSA and Diffie-Hellman or n < 224 for EC, `KeyGenerator.init(n)`
    ///   with n < 128, and weak named curves (`new ECGenParameterSpec("secp160r1")`).
    ///
    /// ## Why is this bad?
    /// DES keys are brute-forced in hours, RC4 and 64-bit block ciphers leak
    /// plaintext (Sweet32, RC4 biases). ECB encrypts equal blocks to equal
    /// ciphertext, revealing patterns. RSA with PKCS#1 v1.5 padding is open
    /// to padding-oracle attacks (Bleichenbacher). A constant IV makes CBC
    /// and CTR deterministic, and reusing a GCM nonce with the same key
    /// destroys both confidentiality and authenticity. RSA keys below 2048
    /// bits and curves below 224 bits can be broken by well-funded
    /// attackers.
    ///
    /// ## Example
    /// ```java
    /// Cipher cipher = Cipher.getInstance("AES/ECB/PKCS5Padding");
    /// Cipher rsa = Cipher.getInstance("RSA");
    /// cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(new byte[16]));
    /// keyPairGenerator.initialize(1024);
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    /// byte[] iv = new byte[12];
    /// new SecureRandom().nextBytes(iv);
    /// cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
    /// Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
    /// keyPairGenerator.initialize(3072);
    /// ```
    /// The fix rewrites a literal `"AES"` or `"AES/ECB/..."` to
    /// `"AES/GCM/NoPadding"` (the cipher then needs a `GCMParameterSpec`
    /// with a fresh random 12-byte IV, stored with the ciphertext), `"RSA"`
    /// and `"RSA/ECB/PKCS1Padding"` to `"RSA/ECB/OAEPWithSHA-256AndMGF1Padding"`,
    /// small RSA/DSA/DH key sizes to 2048 (EC to 256, AES to 256) and weak
    /// curves to `secp256r1`. Data encrypted the old way cannot be decrypted
    /// with the new settings.
    ///
    /// ## References
    /// - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    /// - [CWE-329: Generation of Predictable IV with CBC Mode](https://cwe.mitre.org/data/definitions/329.html)
    /// - [CWE-326: Inadequate Encryption Strength](https://cwe.mitre.org/data/definitions/326.html)
    /// - [Java Security Standard Algorithm Names](https://docs.oracle.com/en/java/javase/17/docs/specs/security/standard-names.html)
    /// - [OWASP Cryptographic Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["java/insecure-cryptography@v1.0"],
        languages: &[Language::Java],
        name: "Insecure cryptography",
        category: Category::Security,
        cwes: &[327, 326, 329],
        tags: &["cryptography", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Use AES/GCM/NoPadding with a fresh random IV per message, RSA with OAEP padding, RSA/DSA/DH keys of at least 2048 bits and curves of at least 256 bits.",
        keywords: &["Cipher", "IvParameterSpec", "GCMParameterSpec", "KeyPairGenerator", "KeyGenerator", "ECGenParameterSpec"],
        check: Check::Node { kinds: &["method_invocation", "object_creation_expression"], run: check },
    };
}

const CIPHER_GET_INSTANCE: &[&str] = &["javax.crypto.Cipher.getInstance"];
const IV_SPEC: &[&str] = &["javax.crypto.spec.IvParameterSpec"];
const GCM_SPEC: &[&str] = &["javax.crypto.spec.GCMParameterSpec"];
const EC_SPEC: &[&str] = &["java.security.spec.ECGenParameterSpec"];
const KEY_PAIR_GENERATOR: &[&str] = &["java.security.KeyPairGenerator"];
const KEY_PAIR_GENERATOR_GET: &[&str] = &["java.security.KeyPairGenerator.getInstance"];
const KEY_GENERATOR: &[&str] = &["javax.crypto.KeyGenerator"];
const KEY_GENERATOR_GET: &[&str] = &["javax.crypto.KeyGenerator.getInstance"];

/// Broken ciphers, upper-case, with the name shown in messages.
const WEAK_CIPHERS: &[(&str, &str)] = &[
    ("DES", "DES"),
    ("DESEDE", "Triple DES"),
    ("TRIPLEDES", "Triple DES"),
    ("3DES", "Triple DES"),
    ("DESEDEWRAP", "Triple DES"),
    ("RC2", "RC2"),
    ("RC4", "RC4"),
    ("ARCFOUR", "RC4"),
    ("ARC4", "RC4"),
    ("BLOWFISH", "Blowfish"),
];

/// Curves with fewer than 224 bits.
const WEAK_CURVES: &[&str] = &[
    "secp112r1",
    "secp112r2",
    "secp128r1",
    "secp128r2",
    "secp160k1",
    "secp160r1",
    "secp160r2",
    "secp192k1",
    "secp192r1",
    "prime192v1",
    "prime192v2",
    "prime192v3",
    "sect113r1",
    "sect113r2",
    "sect131r1",
    "sect131r2",
    "sect163k1",
    "sect163r1",
    "sect163r2",
    "sect193r1",
    "sect193r2",
    "c2pnb163v1",
    "c2pnb163v2",
    "c2pnb163v3",
    "c2pnb176w1",
    "c2tnb191v1",
    "c2tnb191v2",
    "c2tnb191v3",
    "brainpoolP160r1",
    "brainpoolP160t1",
    "brainpoolP192r1",
    "brainpoolP192t1",
    "P-192",
    "B-163",
    "K-163",
    "NIST P-192",
];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    if node.kind() == "method_invocation" {
        if calls(checker, node, CIPHER_GET_INSTANCE) {
            check_cipher(node, checker);
        } else if matches!(method_name(node, checker.text), Some("initialize" | "init")) {
            check_key_size(node, checker);
        }
        return;
    }
    if calls(checker, node, IV_SPEC) {
        if let Some(&iv) = call_args(node).first() {
            check_iv(node, iv, checker);
        }
    } else if calls(checker, node, GCM_SPEC) {
        if let Some(&iv) = call_args(node).get(1) {
            check_iv(node, iv, checker);
        }
    } else if calls(checker, node, EC_SPEC) {
        let Some(&arg) = call_args(node).first() else {
            return;
        };
        let Some(curve) = constant_string(arg, checker.text) else {
            return;
        };
        // A provider's table of supported curves (`table.put(192, new
        // ECGenParameterSpec("prime192v1"))`) generates nothing.
        if node
            .parent()
            .filter(|p| p.kind() == "argument_list")
            .and_then(|p| p.parent())
            .is_some_and(|call| {
                call.kind() == "method_invocation"
                    && !matches!(method_name(call, checker.text), Some("initialize" | "init"))
            })
        {
            return;
        }
        if WEAK_CURVES
            .iter()
            .any(|c| c.eq_ignore_ascii_case(curve.trim()))
        {
            let mut violation = Violation::new(
                "weak-curve",
                format!(
                    "The elliptic curve `{curve}` has fewer than 224 bits: its keys can be broken"
                ),
            );
            if arg.kind() == "string_literal"
                && let Some(edit) = replace_string_value(arg, checker.text, "secp256r1")
            {
                violation = violation.with_fix(Fix::new("Use the curve secp256r1", vec![edit]));
            }
            checker.report(node, violation);
        }
    }
}

fn check_cipher(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(&arg) = call_args(call).first() else {
        return;
    };
    let Some(transformation) = constant_string(arg, text) else {
        return;
    };
    let parts: Vec<String> = transformation
        .split('/')
        .map(|p| p.trim().to_ascii_uppercase())
        .collect();
    let algorithm = parts[0].as_str();
    let mode = parts.get(1).map(String::as_str);
    let padding = parts.get(2).map(String::as_str);
    let literal = arg.kind() == "string_literal";
    let base = algorithm.split('_').next().unwrap_or(algorithm);

    if let Some(&(_, display)) = WEAK_CIPHERS.iter().find(|(n, _)| *n == base) {
        checker.report(
            call,
            Violation::new(
                "weak-cipher",
                format!("{display} is a broken cipher: use AES/GCM/NoPadding"),
            ),
        );
        return;
    }
    if algorithm.starts_with("PBEWITH")
        && ["ANDDES", "ANDTRIPLEDES", "ANDRC2", "ANDRC4"]
            .iter()
            .any(|w| algorithm.contains(w))
    {
        checker.report(
            call,
            Violation::new(
                "weak-cipher",
                format!("`{transformation}` encrypts with a broken cipher (DES, RC2 or RC4): use PBKDF2 to derive an AES key and AES/GCM/NoPadding"),
            ),
        );
        return;
    }
    if algorithm == "RSA" {
        let pkcs1 = padding.is_none_or(|p| p == "PKCS1PADDING");
        let none = padding == Some("NOPADDING");
        if !(pkcs1 || none) {
            return;
        }
        let message = if none {
            "RSA without padding (textbook RSA) is deterministic and malleable: use OAEP padding (RSA/ECB/OAEPWithSHA-256AndMGF1Padding)"
        } else {
            "RSA with PKCS#1 v1.5 padding (the default for \"RSA\") is open to padding-oracle attacks: use OAEP padding (RSA/ECB/OAEPWithSHA-256AndMGF1Padding)"
        };
        let mut violation = Violation::new("rsa-no-oaep", message);
        if literal
            && pkcs1
            && let Some(edit) =
                replace_string_value(arg, text, "RSA/ECB/OAEPWithSHA-256AndMGF1Padding")
        {
            violation = violation.with_fix(Fix::new(
                "Use RSA with OAEP padding (RSA/ECB/OAEPWithSHA-256AndMGF1Padding); data encrypted with PKCS#1 v1.5 padding must be re-encrypted",
                vec![edit],
            ));
        }
        checker.report(call, violation);
        return;
    }
    let block_cipher = matches!(
        base,
        "AES"
            | "AESWRAP"
            | "ARIA"
            | "CAMELLIA"
            | "SEED"
            | "SM4"
            | "TWOFISH"
            | "SERPENT"
            | "CAST5"
            | "CAST6"
            | "IDEA"
    );
    if !block_cipher || base == "AESWRAP" {
        return;
    }
    let ecb = match mode {
        None => true,
        Some(m) => m == "ECB",
    };
    if !ecb {
        return;
    }
    let shown = if mode.is_none() {
        format!("\"{transformation}\" means {algorithm}/ECB/PKCS5Padding: ECB mode")
    } else {
        "ECB mode".to_string()
    };
    let mut violation = Violation::new(
        "ecb-mode",
        format!(
            "{shown} encrypts equal blocks to equal ciphertext and reveals patterns in the data: use AES/GCM/NoPadding"
        ),
    );
    if literal
        && base == "AES"
        && let Some(edit) = replace_string_value(arg, text, "AES/GCM/NoPadding")
    {
        violation = violation.with_fix(Fix::new(
            "Use AES/GCM/NoPadding; then initialise the cipher with a GCMParameterSpec(128, iv) holding a fresh random 12-byte IV for every encryption, and store the IV with the ciphertext",
            vec![edit],
        ));
    }
    checker.report(call, violation);
}

/// Whether `expr` is a constant byte array: a literal array, a zeroed
/// `new byte[n]`, or `"...".getBytes(...)`.
fn constant_bytes(expr: Node<'_>, text: &str) -> bool {
    match expr.kind() {
        "array_initializer" => true,
        "array_creation_expression" => {
            let type_is_byte = expr
                .child_by_field_name("type")
                .is_some_and(|t| node_text(t, text) == "byte");
            type_is_byte
                && (expr.child_by_field_name("value").is_some()
                    || expr.child_by_field_name("dimensions").is_some())
        }
        "method_invocation" => {
            method_name(expr, text) == Some("getBytes")
                && receiver(expr).is_some_and(|r| r.kind() == "string_literal")
        }
        "parenthesized_expression" => expr.named_child(0).is_some_and(|e| constant_bytes(e, text)),
        _ => false,
    }
}

/// Whether something in `scope` may write into the array variable `name`:
/// it is passed to a method (`random.nextBytes(iv)`, `System.arraycopy`),
/// assigned, or one of its elements is assigned.
fn filled(scope: Node<'_>, name: &str, decl_name: Node<'_>, text: &str) -> bool {
    descendants(scope).into_iter().any(|n| {
        if n.kind() != "identifier"
            || node_text(n, text) != name
            || n.byte_range() == decl_name.byte_range()
        {
            return false;
        }
        let Some(parent) = n.parent() else {
            return false;
        };
        match parent.kind() {
            "argument_list" => parent
                .parent()
                .is_some_and(|c| c.kind() != "object_creation_expression"),
            "assignment_expression" => parent.child_by_field_name("left") == Some(n),
            "array_access" => {
                parent.child_by_field_name("array") == Some(n)
                    && parent.parent().is_some_and(|a| {
                        a.kind() == "assignment_expression"
                            && a.child_by_field_name("left") == Some(parent)
                    })
            }
            "field_access" => {
                // `this.iv = ...`
                parent.child_by_field_name("field") == Some(n)
                    && parent
                        .child_by_field_name("object")
                        .is_some_and(|o| o.kind() == "this")
                    && parent.parent().is_some_and(|a| {
                        a.kind() == "assignment_expression"
                            && a.child_by_field_name("left") == Some(parent)
                    })
            }
            _ => false,
        }
    })
}

/// Whether a spec goes straight to `init(Cipher.DECRYPT_MODE, ...)` or
/// `UNWRAP_MODE`: decryption must use whatever IV the sender's protocol
/// fixed (OpenPGP CFB and CMS key transport use a zero IV with a fresh
/// key).
fn used_to_decrypt(creation: Node<'_>, text: &str) -> bool {
    creation
        .parent()
        .filter(|p| p.kind() == "argument_list")
        .and_then(|p| p.parent())
        .filter(|call| method_name(*call, text) == Some("init"))
        .and_then(|call| call_args(call).first().copied())
        .is_some_and(|mode| {
            let mode = node_text(mode, text);
            mode.ends_with("DECRYPT_MODE") || mode.ends_with("UNWRAP_MODE")
        })
}

fn check_iv(creation: Node<'_>, iv: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if used_to_decrypt(creation, text) {
        return;
    }
    let constant = if constant_bytes(iv, text) {
        true
    } else if iv.kind() == "identifier" {
        let Some(decl) = declaration_of(iv, text) else {
            return;
        };
        let Some(value) = decl.value else {
            return;
        };
        if !constant_bytes(value, text) {
            return;
        }
        let name = node_text(iv, text);
        match decl.kind {
            DeclarationKind::Local => {
                enclosing_method(iv).is_some_and(|m| !filled(m, name, decl.name, text))
            }
            DeclarationKind::Field => {
                is_final_field(&decl, text)
                    && decl
                        .name
                        .parent()
                        .and_then(|d| d.parent())
                        .and_then(|f| f.parent())
                        .is_some_and(|body| !filled(body, name, decl.name, text))
            }
            DeclarationKind::Parameter => false,
        }
    } else {
        false
    };
    if constant {
        checker.report(
            creation,
            Violation::new(
                "static-iv",
                "This IV is a constant: the same key and IV encrypt equal messages identically (and a reused GCM nonce breaks authentication); generate a fresh random IV with SecureRandom for every encryption and store it with the ciphertext",
            ),
        );
    }
}

/// The integer value of a literal or a `final` int constant.
fn constant_int(expr: Node<'_>, text: &str) -> Option<i64> {
    if let Some(v) = int_literal(expr, text) {
        return Some(v);
    }
    if expr.kind() != "identifier" {
        return None;
    }
    let decl = declaration_of(expr, text)?;
    if decl.kind != DeclarationKind::Field || !is_final_field(&decl, text) {
        return None;
    }
    int_literal(decl.value?, text)
}

/// The algorithm a generator variable was created for.
fn generator_algorithm(
    recv: Node<'_>,
    checker: &Checker<'_>,
    factories: &[&str],
) -> Option<String> {
    let decl = declaration_of(recv, checker.text)?;
    let value = decl.value?;
    if value.kind() != "method_invocation" || !calls(checker, value, factories) {
        return None;
    }
    constant_string(*call_args(value).first()?, checker.text)
}

fn check_key_size(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(recv) = receiver(call) else {
        return;
    };
    let args = call_args(call);
    let Some(&size_arg) = args.first() else {
        return;
    };
    let Some(size) = constant_int(size_arg, text) else {
        return;
    };
    let keypair = method_name(call, text) == Some("initialize")
        && variable_is(checker, recv, KEY_PAIR_GENERATOR, KEY_PAIR_GENERATOR_GET);
    let symmetric = method_name(call, text) == Some("init")
        && variable_is(checker, recv, KEY_GENERATOR, KEY_GENERATOR_GET);
    if keypair {
        let Some(algorithm) = generator_algorithm(recv, checker, KEY_PAIR_GENERATOR_GET) else {
            return;
        };
        let upper = algorithm.to_ascii_uppercase();
        let (minimum, replacement) = match upper.as_str() {
            "RSA" | "DSA" | "DH" | "DIFFIEHELLMAN" | "RSASSA-PSS" => (2048, "2048"),
            "EC" | "ECDSA" | "ECDH" => (224, "256"),
            _ => return,
        };
        if size >= minimum {
            return;
        }
        report_size(
            call,
            size_arg,
            size,
            &algorithm,
            minimum,
            replacement,
            checker,
        );
    } else if symmetric {
        let Some(algorithm) = generator_algorithm(recv, checker, KEY_GENERATOR_GET) else {
            return;
        };
        let upper = algorithm.to_ascii_uppercase();
        if !(upper == "AES" || upper.starts_with("HMAC")) || size >= 128 {
            return;
        }
        let replacement = if upper == "AES" { "256" } else { "" };
        report_size(call, size_arg, size, &algorithm, 128, replacement, checker);
    }
}

fn report_size(
    call: Node<'_>,
    size_arg: Node<'_>,
    size: i64,
    algorithm: &str,
    minimum: i64,
    replacement: &str,
    checker: &mut Checker<'_>,
) {
    let mut violation = Violation::new(
        "small-key",
        format!(
            "{size}-bit {algorithm} keys are too small to resist brute force or factoring: use at least {minimum} bits"
        ),
    );
    if !replacement.is_empty() && int_literal(size_arg, checker.text).is_some() {
        violation = violation.with_fix(Fix::replace(
            format!("Use {replacement}-bit keys"),
            size_arg.byte_range(),
            replacement,
        ));
    }
    checker.report(call, violation);
}
