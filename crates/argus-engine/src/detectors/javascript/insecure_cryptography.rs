use super::super::prelude::*;
use super::{
    call_args, callee_matches, callee_names, is_imported, js_string, number_literal,
    object_property, unwrap,
};
use crate::fix::replace_string_value;
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds broken ciphers, modes, paddings and key sizes:
    ///
    /// - Node's `crypto.createCipheriv`/`createDecipheriv` with DES, 3DES,
    ///   RC2, RC4, Blowfish, CAST5 or IDEA, or with any cipher in ECB mode;
    /// - the deprecated `crypto.createCipher`/`createDecipher` (no IV, key
    ///   derived with one round of MD5);
    /// - `crypto.publicEncrypt`/`privateDecrypt` with
    ///   `RSA_PKCS1_PADDING` or `RSA_NO_PADDING`;
    /// - RSA, DSA and Diffie-Hellman keys below 2048 bits
    ///   (`generateKeyPair(Sync)`, `crypto.subtle.generateKey`,
    ///   `createDiffieHellman`, `getDiffieHellman('modp2')`, node-forge's
    ///   `pki.rsa.generateKeyPair`, `new NodeRSA({ b })`) and elliptic
    ///   curves below 224 bits (`secp160k1`, `prime192v1`, ...);
    /// - crypto-js `DES`, `TripleDES`, `RC4` and `RC4Drop`, and
    ///   `mode: CryptoJS.mode.ECB`;
    /// - node-forge `cipher.createCipher('DES-CBC' | '3DES-CBC' | 'AES-ECB', ...)`.
    ///
    /// AES in CBC or CTR mode without authentication is not reported here,
    /// nor is crypto-js `Rabbit` (an eSTREAM cipher with no practical
    /// attack). Static IVs and salts, weak key derivation and keys from
    /// `Math.random` are the concern of `cryptographic-key-generator`.
    ///
    /// ## Why is this bad?
    /// DES keys are brute-forced in hours; 64-bit block ciphers (3DES,
    /// Blowfish, CAST5, IDEA, RC2) leak plaintext after a few gigabytes
    /// under one key (Sweet32); RC4's keystream is biased. ECB encrypts
    /// equal blocks to equal ciphertext, so patterns in the data show
    /// through. PKCS#1 v1.5 encryption padding allows Bleichenbacher's
    /// padding-oracle attack, and unpadded RSA is malleable and
    /// deterministic. RSA keys of 1024 bits and curves of 192 bits or less
    /// are within reach of well-funded attackers.
    ///
    /// ## Example
    /// ```javascript
    /// const crypto = require("crypto");
    /// const cipher = crypto.createCipheriv("des-ede3-cbc", key, iv);
    /// const pair = crypto.generateKeyPairSync("rsa", { modulusLength: 1024 });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const crypto = require("crypto");
    /// const cipher = crypto.createCipheriv("aes-256-gcm", key, crypto.randomBytes(12));
    /// const pair = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    /// ```
    /// Only the key size is fixed automatically: another cipher changes key
    /// and IV sizes and the format of stored ciphertext.
    ///
    /// ## References
    /// - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    /// - [CWE-326: Inadequate Encryption Strength](https://cwe.mitre.org/data/definitions/326.html)
    /// - [Node.js crypto.createCipheriv](https://nodejs.org/api/crypto.html#cryptocreatecipherivalgorithm-key-iv-options)
    /// - [NIST SP 800-131A Rev. 2: Transitioning the Use of Cryptographic Algorithms and Key Lengths](https://csrc.nist.gov/pubs/sp/800/131/a/r2/final)
    /// - [Sweet32: Birthday attacks on 64-bit block ciphers](https://sweet32.info/)
    pub static SPEC = {
        ids: &["javascript/insecure-cryptography@v1.0", "typescript/insecure-cryptography@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Insecure cryptography",
        category: Category::Security,
        cwes: &[327, 326],
        tags: &["cryptography", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Use AES in an authenticated mode (GCM, or ChaCha20-Poly1305) with a fresh random nonce per message, RSA-OAEP, RSA/DSA/DH keys of at least 2048 bits and curves of at least 224 bits.",
        keywords: &["cipher", "crypto", "generatekey", "diffiehellman", "encrypt", "forge", "node-rsa"],
        check: Check::Node { kinds: &["call_expression", "new_expression"], run: check },
    };
}

const NODE_CIPHERS: &[&str] = &[
    "crypto.createCipheriv",
    "crypto.createDecipheriv",
    "node-forge.cipher.createCipher",
    "node-forge.cipher.createDecipher",
    "node-forge.createCipher",
    "node-forge.createDecipher",
];

const DEPRECATED: &[&str] = &["crypto.createCipher", "crypto.createDecipher"];

const RSA_ENCRYPTION: &[&str] = &["crypto.publicEncrypt", "crypto.privateDecrypt"];

const KEY_PAIR: &[&str] = &["crypto.generateKeyPair", "crypto.generateKeyPairSync"];

const SUBTLE_GENERATE: &[&str] = &[
    "crypto.subtle.generateKey",
    "window.crypto.subtle.generateKey",
    "globalThis.crypto.subtle.generateKey",
    "crypto.webcrypto.subtle.generateKey",
];

const FORGE_RSA: &[&str] = &[
    "node-forge.pki.rsa.generateKeyPair",
    "node-forge.rsa.generateKeyPair",
];

/// crypto-js ciphers that are broken, by qualified callee.
const CRYPTO_JS_WEAK: &[(&str, &str)] = &[
    ("crypto-js.DES", "DES"),
    ("crypto-js.TripleDES", "3DES"),
    ("crypto-js.RC4", "RC4"),
    ("crypto-js.RC4Drop", "RC4"),
    ("crypto-js/tripledes", "3DES"),
    ("crypto-js/rc4", "RC4"),
];

/// The broken cipher a cipher name denotes, with why.
fn weak_cipher(name: &str) -> Option<(&'static str, &'static str)> {
    let n = name.to_ascii_lowercase();
    const SMALL_BLOCK: &str =
        "has a 64-bit block: ciphertexts collide after a few gigabytes under one key (Sweet32)";
    if n.starts_with("des-ede") || n.starts_with("des3") || n.starts_with("3des") {
        return Some(("3DES", SMALL_BLOCK));
    }
    if n.starts_with("des") {
        return Some(("DES", "has a 56-bit key that is brute-forced in hours"));
    }
    if n.starts_with("rc4") || n == "arcfour" {
        return Some(("RC4", "has a biased keystream that leaks plaintext"));
    }
    if n.starts_with("rc2") {
        return Some(("RC2", SMALL_BLOCK));
    }
    if n == "bf" || n.starts_with("bf-") || n.starts_with("blowfish") {
        return Some(("Blowfish", SMALL_BLOCK));
    }
    if n.starts_with("cast") {
        return Some(("CAST5", SMALL_BLOCK));
    }
    if n.starts_with("idea") {
        return Some(("IDEA", SMALL_BLOCK));
    }
    None
}

fn is_ecb(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with("-ecb") || n == "ecb"
}

/// The key size (in bits) below which RSA, DSA and DH keys are weak.
const MIN_BITS: i64 = 2048;

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let args = call_args(call);
    if let Some(target) = callee_matches(call, checker, NODE_CIPHERS) {
        let Some(name) = args.first().and_then(|a| js_string(*a, text)) else {
            return;
        };
        if let Some((display, why)) = weak_cipher(&name) {
            let rule = if target.contains("Decipher") {
                "weak-decipher"
            } else {
                "weak-cipher"
            };
            checker.report(
                call,
                Violation::new(rule, format!("`{name}` uses {display}, which {why}")),
            );
        } else if is_ecb(&name) {
            checker.report(
                call,
                Violation::new(
                    "ecb-mode",
                    format!("`{name}` uses ECB mode: equal plaintext blocks encrypt to equal ciphertext blocks, so patterns in the data show through"),
                ),
            );
        }
        return;
    }
    if callee_matches(call, checker, DEPRECATED).is_some() {
        checker.report(
            call,
            Violation::new(
                "cipher-without-iv",
                "crypto.createCipher/createDecipher derive the key with one round of MD5 and no salt and reuse the same IV for every message with the same password (deprecated, removed in Node.js 22); use createCipheriv with a key from scrypt and a random IV",
            ),
        );
        return;
    }
    if callee_matches(call, checker, RSA_ENCRYPTION).is_some() {
        let Some(padding) = args
            .first()
            .and_then(|o| object_property(*o, "padding", text))
        else {
            return;
        };
        let padding_text = node_text(padding, text);
        if padding_text.ends_with("RSA_PKCS1_PADDING") {
            checker.report(
                call,
                Violation::new(
                    "rsa-pkcs1-padding",
                    "RSA encryption with PKCS#1 v1.5 padding is open to Bleichenbacher's padding-oracle attack; use RSA_PKCS1_OAEP_PADDING",
                ),
            );
        } else if padding_text.ends_with("RSA_NO_PADDING") {
            checker.report(
                call,
                Violation::new(
                    "rsa-no-padding",
                    "RSA encryption without padding is deterministic and malleable; use RSA_PKCS1_OAEP_PADDING",
                ),
            );
        }
        return;
    }
    if callee_matches(call, checker, KEY_PAIR).is_some() {
        let (Some(kind), Some(options)) =
            (args.first().and_then(|a| js_string(*a, text)), args.get(1))
        else {
            return;
        };
        match kind.to_ascii_lowercase().as_str() {
            "rsa" | "rsa-pss" | "dsa" => report_small_key(
                call,
                *options,
                "modulusLength",
                &kind.to_ascii_uppercase(),
                checker,
            ),
            "dh" => report_small_key(call, *options, "primeLength", "Diffie-Hellman", checker),
            "ec" => report_weak_curve(call, *options, checker),
            _ => {}
        }
        return;
    }
    if callee_matches(call, checker, SUBTLE_GENERATE).is_some() {
        if let Some(algorithm) = args.first() {
            report_small_key(call, *algorithm, "modulusLength", "RSA", checker);
        }
        return;
    }
    if callee_matches(call, checker, &["crypto.createDiffieHellman"]).is_some() {
        if let Some(bits) = args.first().filter(|a| number_literal(**a, text).is_some()) {
            report_bits(call, *bits, "Diffie-Hellman", checker);
        }
        return;
    }
    if callee_matches(
        call,
        checker,
        &["crypto.getDiffieHellman", "crypto.createDiffieHellmanGroup"],
    )
    .is_some()
    {
        let Some(group) = args.first() else { return };
        let Some(name) = js_string(*group, text) else {
            return;
        };
        let bits = match name.as_str() {
            "modp1" => 768,
            "modp2" => 1024,
            "modp5" => 1536,
            _ => return,
        };
        let mut violation = Violation::new(
            "weak-key-size",
            format!("Diffie-Hellman group `{name}` has a {bits}-bit prime; use at least 2048 bits"),
        );
        if let Some(edit) = replace_string_value(unwrap(*group), text, "modp14") {
            violation = violation.with_fix(Fix::new("Use the 2048-bit group modp14", vec![edit]));
        }
        checker.report(call, violation);
        return;
    }
    if callee_matches(call, checker, FORGE_RSA).is_some() {
        let Some(first) = args.first() else { return };
        if number_literal(*first, text).is_some() {
            report_bits(call, *first, "RSA", checker);
        } else {
            report_small_key(call, *first, "bits", "RSA", checker);
        }
        return;
    }
    if call.kind() == "new_expression" {
        if callee_matches(call, checker, &["node-rsa"]).is_some()
            && let Some(options) = args.first()
        {
            report_small_key(call, *options, "b", "RSA", checker);
        }
        return;
    }
    check_crypto_js(call, &args, checker);
}

/// crypto-js: `CryptoJS.DES.encrypt(...)`, `{ mode: CryptoJS.mode.ECB }`.
fn check_crypto_js(call: Node<'_>, args: &[Node<'_>], checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(function) = call.js_field("function").map(unwrap) else {
        return;
    };
    if function.kind() != "member_expression" || !is_imported(function, checker) {
        return;
    }
    let Some(method) = function.js_field("property").map(|p| node_text(p, text)) else {
        return;
    };
    if method != "encrypt" && method != "decrypt" {
        return;
    }
    let names = callee_names(call, checker);
    let Some(owner) = names
        .iter()
        .find_map(|n| n.strip_suffix(&format!(".{method}")))
    else {
        return;
    };
    if !owner.starts_with("crypto-js") {
        return;
    }
    if let Some((_, display)) = CRYPTO_JS_WEAK.iter().find(|(q, _)| *q == owner) {
        let why = weak_cipher(display).map_or("", |(_, why)| why);
        checker.report(
            call,
            Violation::new("weak-cipher", format!("crypto-js {display} {why}")),
        );
        return;
    }
    if let Some(mode) = args.get(2).and_then(|o| object_property(*o, "mode", text))
        && node_text(mode, text).ends_with("ECB")
    {
        checker.report(
            call,
            Violation::new(
                "ecb-mode",
                "crypto-js in ECB mode: equal plaintext blocks encrypt to equal ciphertext blocks, so patterns in the data show through",
            ),
        );
    }
}

/// Reports a key whose size, property `key` of `options`, is a literal
/// below 2048 bits.
fn report_small_key(
    call: Node<'_>,
    options: Node<'_>,
    key: &str,
    algorithm: &str,
    checker: &mut Checker<'_>,
) {
    if let Some(bits) = object_property(options, key, checker.text) {
        report_bits(call, bits, algorithm, checker);
    }
}

fn report_bits(call: Node<'_>, bits_node: Node<'_>, algorithm: &str, checker: &mut Checker<'_>) {
    let Some(bits) = number_literal(bits_node, checker.text) else {
        return;
    };
    if bits >= MIN_BITS || bits <= 0 {
        return;
    }
    let literal = unwrap(bits_node);
    checker.report(
        call,
        Violation::new(
            "weak-key-size",
            format!("{bits}-bit {algorithm} keys are too short to resist factoring or discrete-logarithm attacks; use at least {MIN_BITS} bits"),
        )
        .with_fix(Fix::replace(
            format!("Use a {MIN_BITS}-bit key"),
            literal.byte_range(),
            MIN_BITS.to_string(),
        )),
    );
}

/// The size in bits an elliptic curve name states (`secp160k1` -> 160,
/// `prime192v1` -> 192, `P-256` -> 256), when it states one.
fn curve_bits(name: &str) -> Option<i64> {
    let digits: String = name
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok().filter(|b| *b >= 100)
}

fn report_weak_curve(call: Node<'_>, options: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(curve) = object_property(options, "namedCurve", text) else {
        return;
    };
    let Some(name) = js_string(curve, text) else {
        return;
    };
    let Some(bits) = curve_bits(&name).filter(|b| *b < 224) else {
        return;
    };
    let mut violation = Violation::new(
        "weak-curve",
        format!(
            "the {bits}-bit curve `{name}` gives less than 112 bits of security; use P-256 or stronger"
        ),
    );
    if let Some(edit) = replace_string_value(unwrap(curve), text, "prime256v1") {
        violation = violation.with_fix(Fix::new("Use the P-256 curve (prime256v1)", vec![edit]));
    }
    checker.report(call, violation);
}
