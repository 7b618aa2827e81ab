use super::super::prelude::*;
use super::{
    FUNCTION_KINDS, call_args, callee_matches, callee_names, const_value, js_string,
    number_literal, object_property, unwrap,
};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds keys, IVs and salts made in a way that defeats the cipher or
    /// key derivation they feed:
    ///
    /// - constant IVs for `crypto.createCipheriv`/`createDecipheriv` and
    ///   Web Crypto's `subtle.encrypt` (string literals, `Buffer.from("...")`,
    ///   `Buffer.alloc(16)`, `new Uint8Array(12)`, directly or through a
    ///   `const` never filled with random bytes);
    /// - constant salts for `crypto.pbkdf2(Sync)`, `crypto.scrypt(Sync)` and
    ///   Web Crypto's PBKDF2;
    /// - PBKDF2 with fewer than 10,000 iterations (the floor NIST SP
    ///   800-63B sets; OWASP now asks for 600,000 with SHA-256, so passing
    ///   this check is not a recommendation) or with an MD5/MD4 digest, and
    ///   scrypt with a cost `N` below Node's default of 16384;
    /// - key, IV or salt material computed from `Math.random()` in the call
    ///   itself or in the `const` it passes.
    ///
    /// PBKDF2 with HMAC-SHA1 is not reported: it is still a sound PRF and
    /// OWASP gives an iteration count for it. IVs of ECB mode and RC4
    /// (which take none) are left to `insecure-cryptography`.
    ///
    /// ## Why is this bad?
    /// A constant IV makes CBC leak which messages share a prefix and makes
    /// CTR and GCM reuse keystream, which reveals the XOR of plaintexts and,
    /// for GCM, lets an attacker forge messages. A constant salt lets one
    /// precomputed table crack every password at once. Few iterations make
    /// brute force cheap. `Math.random()` is predictable: its state can be
    /// recovered from a few outputs.
    ///
    /// ## Example
    /// ```javascript
    /// const crypto = require("crypto");
    /// const iv = Buffer.alloc(16, 0);
    /// const cipher = crypto.createCipheriv("aes-256-cbc", key, iv);
    /// const hash = crypto.pbkdf2Sync(password, "salt", 1000, 32, "sha256");
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const crypto = require("crypto");
    /// const iv = crypto.randomBytes(16); // store it next to the ciphertext
    /// const cipher = crypto.createCipheriv("aes-256-cbc", key, iv);
    /// const salt = crypto.randomBytes(16);
    /// const hash = crypto.pbkdf2Sync(password, salt, 600000, 32, "sha256");
    /// ```
    ///
    /// ## References
    /// - [CWE-1204: Generation of Weak Initialization Vector (IV)](https://cwe.mitre.org/data/definitions/1204.html)
    /// - [CWE-760: Use of a One-Way Hash with a Predictable Salt](https://cwe.mitre.org/data/definitions/760.html)
    /// - [CWE-916: Use of Password Hash With Insufficient Computational Effort](https://cwe.mitre.org/data/definitions/916.html)
    /// - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    /// - [NIST SP 800-63B, 5.1.1.2 Memorized Secret Verifiers](https://pages.nist.gov/800-63-3/sp800-63b.html#memsecretver)
    /// - [Node.js crypto.pbkdf2](https://nodejs.org/api/crypto.html#cryptopbkdf2password-salt-iterations-keylen-digest-callback)
    pub static SPEC = {
        ids: &["javascript/cryptographic-key-generator@v1.0", "typescript/cryptographic-key-generator@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Weak key, IV or salt generation",
        category: Category::Security,
        cwes: &[1204, 760, 916, 330],
        tags: &["cryptography", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Make IVs and salts with crypto.randomBytes for every message or password and store them alongside; derive keys with scrypt or PBKDF2 at a high work factor.",
        keywords: &["cipheriv", "pbkdf2", "scrypt", "subtle"],
        check: Check::Node { kinds: &["call_expression"], run: check },
    };
}

const CIPHERS: &[&str] = &["crypto.createCipheriv", "crypto.createDecipheriv"];
const PBKDF2: &[&str] = &["crypto.pbkdf2", "crypto.pbkdf2Sync"];
const SCRYPT: &[&str] = &["crypto.scrypt", "crypto.scryptSync"];
const SUBTLE_DERIVE: &[&str] = &[
    "crypto.subtle.deriveKey",
    "crypto.subtle.deriveBits",
    "window.crypto.subtle.deriveKey",
    "window.crypto.subtle.deriveBits",
    "globalThis.crypto.subtle.deriveKey",
    "globalThis.crypto.subtle.deriveBits",
    "crypto.webcrypto.subtle.deriveKey",
    "crypto.webcrypto.subtle.deriveBits",
];
const SUBTLE_ENCRYPT: &[&str] = &[
    "crypto.subtle.encrypt",
    "window.crypto.subtle.encrypt",
    "globalThis.crypto.subtle.encrypt",
    "crypto.webcrypto.subtle.encrypt",
];

/// NIST SP 800-63B's floor for PBKDF2 iterations.
const MIN_ITERATIONS: i64 = 10_000;
/// Node's default scrypt cost.
const MIN_SCRYPT_COST: i64 = 16_384;

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let args = call_args(call);
    if callee_matches(call, checker, CIPHERS).is_some() {
        let algorithm = args
            .first()
            .and_then(|a| js_string(*a, text))
            .map(|a| a.to_ascii_lowercase());
        if let Some(key) = args.get(1) {
            report_random(call, *key, "key", checker);
        }
        let Some(iv) = args.get(2) else { return };
        // ECB and RC4 take no IV: the cipher is the problem there.
        if algorithm
            .as_deref()
            .is_some_and(|a| a.contains("ecb") || a.starts_with("rc4") || a.starts_with("id-aes"))
        {
            return;
        }
        if !report_random(call, *iv, "IV", checker)
            && is_constant(*iv, text, 0)
            && !is_empty(*iv, text)
        {
            report_constant_iv(call, checker);
        }
        return;
    }
    if callee_matches(call, checker, PBKDF2).is_some() {
        if let Some(salt) = args.get(1) {
            check_salt(call, *salt, "PBKDF2", checker);
        }
        if let Some(iterations) = args.get(2) {
            check_iterations(call, *iterations, checker);
        }
        if let Some(digest) = args.get(4).and_then(|d| js_string(*d, text))
            && matches!(digest.to_ascii_lowercase().as_str(), "md5" | "md4")
        {
            checker.report(
                call,
                Violation::new(
                    "weak-kdf-digest",
                    format!("PBKDF2 with {digest}: MD5-based derivation is cheap to brute-force and deprecated; use sha256 or sha512"),
                ),
            );
        }
        return;
    }
    if callee_matches(call, checker, SCRYPT).is_some() {
        if let Some(salt) = args.get(1) {
            check_salt(call, *salt, "scrypt", checker);
        }
        if let Some(options) = args.get(3).filter(|o| unwrap(**o).kind() == "object") {
            let cost = object_property(*options, "N", text)
                .or_else(|| object_property(*options, "cost", text))
                .and_then(|n| number_literal(n, text));
            if let Some(cost) = cost.filter(|c| *c < MIN_SCRYPT_COST) {
                checker.report(
                    call,
                    Violation::new(
                        "low-work-factor",
                        format!("scrypt cost N = {cost} is below Node's default of {MIN_SCRYPT_COST}: brute-forcing the derived key is cheap"),
                    ),
                );
            }
        }
        return;
    }
    if callee_matches(call, checker, SUBTLE_DERIVE).is_some() {
        let Some(params) = args.first() else { return };
        let is_pbkdf2 = object_property(*params, "name", text)
            .and_then(|n| js_string(n, text))
            .is_some_and(|n| n.eq_ignore_ascii_case("pbkdf2"));
        if !is_pbkdf2 {
            return;
        }
        if let Some(salt) = object_property(*params, "salt", text) {
            check_salt(call, salt, "PBKDF2", checker);
        }
        if let Some(iterations) = object_property(*params, "iterations", text) {
            check_iterations(call, iterations, checker);
        }
        return;
    }
    if callee_matches(call, checker, SUBTLE_ENCRYPT).is_some() {
        let Some(params) = args.first() else { return };
        let Some(iv) = object_property(*params, "iv", text)
            .or_else(|| object_property(*params, "counter", text))
        else {
            return;
        };
        if !report_random(call, iv, "IV", checker) && is_constant(iv, text, 0) {
            report_constant_iv(call, checker);
        }
    }
}

fn report_constant_iv(call: Node<'_>, checker: &mut Checker<'_>) {
    checker.report(
        call,
        Violation::new(
            "static-iv",
            "the IV is a constant: CBC then shows which messages share a prefix, and CTR/GCM reuse keystream (GCM also loses its integrity); use crypto.randomBytes for every message",
        ),
    );
}

fn check_salt(call: Node<'_>, salt: Node<'_>, kdf: &str, checker: &mut Checker<'_>) {
    if report_random(call, salt, "salt", checker) || !is_constant(salt, checker.text, 0) {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "static-salt",
            format!("the {kdf} salt is a constant: one precomputed table cracks every password derived with it; use crypto.randomBytes(16) per password and store it"),
        ),
    );
}

fn check_iterations(call: Node<'_>, iterations: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let value = number_literal(iterations, text)
        .or_else(|| const_value(iterations, text).and_then(|v| number_literal(v, text)));
    let Some(count) = value.filter(|c| *c < MIN_ITERATIONS) else {
        return;
    };
    checker.report(
        call,
        Violation::new(
            "low-iteration-count",
            format!("PBKDF2 with {count} iterations makes brute force cheap: NIST asks for at least {MIN_ITERATIONS}, OWASP for 600,000 with SHA-256"),
        ),
    );
}

/// Reports `Math.random()` in key material; whether it did.
fn report_random(
    call: Node<'_>,
    argument: Node<'_>,
    what: &str,
    checker: &mut Checker<'_>,
) -> bool {
    let text = checker.text;
    let from_random = contains_math_random(argument, checker)
        || const_value(argument, text).is_some_and(|v| contains_math_random(v, checker));
    if from_random {
        checker.report(
            call,
            Violation::new(
                "predictable-key-material",
                format!("the {what} comes from Math.random(), whose output is predictable; use crypto.randomBytes"),
            ),
        );
    }
    from_random
}

/// Whether an expression calls `Math.random()` (outside nested functions).
fn contains_math_random(node: Node<'_>, checker: &Checker<'_>) -> bool {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if FUNCTION_KINDS.contains(&n.kind()) {
            continue;
        }
        if n.kind() == "call_expression"
            && callee_names(n, checker).iter().any(|c| c == "Math.random")
        {
            return checker.semantic.binding("Math").is_none();
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    false
}

/// Callees whose result is fixed by their (literal) arguments.
const CONSTANT_MAKERS: &[&str] = &["from", "alloc", "encode", "of"];

/// Whether an expression always denotes the same bytes: literals,
/// `Buffer.from("...")`, `Buffer.alloc(16)`, `new Uint8Array(12)`,
/// `encoder.encode("...")`, or a `const` bound to one of these and never
/// filled afterwards.
fn is_constant(node: Node<'_>, text: &str, depth: usize) -> bool {
    if depth > 3 {
        return false;
    }
    let node = unwrap(node);
    match node.kind() {
        "string" => true,
        "template_string" => js_string(node, text).is_some(),
        "array" => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor)
                .all(|e| number_literal(e, text).is_some())
        }
        "number" => true,
        "identifier" => {
            let Some(value) = const_value(node, text) else {
                return false;
            };
            is_constant(value, text, depth + 1) && !filled_later(node_text(node, text), text)
        }
        "call_expression" | "new_expression" => {
            let function = match node.kind() {
                "new_expression" => node.js_field("constructor"),
                _ => node.js_field("function"),
            };
            let Some(function) = function else {
                return false;
            };
            let name = node_text(function, text);
            let method = name.rsplit('.').next().unwrap_or(name);
            let buffer_like = name.starts_with("Buffer")
                || name.ends_with("Array")
                || name.contains("Uint8Array")
                || method == "encode";
            let args = call_args(node);
            if node.kind() == "new_expression" {
                // `new Uint8Array(12)`, `new Buffer("...")`.
                return buffer_like
                    && !args.is_empty()
                    && args.iter().all(|a| is_constant(*a, text, depth + 1));
            }
            if !(buffer_like && CONSTANT_MAKERS.contains(&method)) || args.is_empty() {
                return false;
            }
            match method {
                // `Buffer.alloc(16)` and `Buffer.alloc(16, 0)` are zeros.
                "alloc" => args.iter().all(|a| is_constant(*a, text, depth + 1)),
                // `Buffer.from(iv, "hex")`: the data decides.
                _ => is_constant(args[0], text, depth + 1),
            }
        }
        _ => false,
    }
}

/// `""` or `Buffer.alloc(0)`: ciphers that take an IV reject an empty one,
/// so an empty IV means a cipher without one (`des-ede3` is ECB).
fn is_empty(node: Node<'_>, text: &str) -> bool {
    let node = unwrap(node);
    if js_string(node, text).is_some_and(|s| s.is_empty()) {
        return true;
    }
    node.kind() == "call_expression"
        && call_args(node).len() == 1
        && number_literal(call_args(node)[0], text) == Some(0)
}

/// Whether the file fills the buffer `name` after creating it
/// (`crypto.randomFillSync(iv)`, `iv.set(...)`, `iv.fill(...)`).
fn filled_later(name: &str, text: &str) -> bool {
    ["randomFill(", "randomFillSync(", "getRandomValues("]
        .iter()
        .any(|f| text.contains(&format!("{f}{name}")))
        || [".fill(", ".set(", ".write(", ".writeUInt", ".writeInt"]
            .iter()
            .any(|m| text.contains(&format!("{name}{m}")))
}
