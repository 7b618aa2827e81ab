use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds broken or weak encryption set up through PyCryptodome /
    /// PyCrypto (`Crypto.Cipher`, `Cryptodome.Cipher`), `cryptography`,
    /// pyOpenSSL and Paramiko:
    ///
    /// - broken ciphers: DES, Triple DES, RC2, RC4, Blowfish, IDEA, CAST5,
    ///   SEED and PyCrypto's `XOR`;
    /// - the ECB mode (`AES.new(key, AES.MODE_ECB)`, `modes.ECB()`), and
    ///   PyCrypto's `AES.new(key)` whose default mode is ECB;
    /// - RSA and DSA keys generated with fewer than 2048 bits, and elliptic
    ///   curves of fewer than 224 bits (`ec.SECP192R1()`);
    /// - initialization vectors and nonces written as literals
    ///   (`AES.new(key, AES.MODE_CBC, iv=b"0000000000000000")`,
    ///   `modes.CBC(b"\x00" * 16)`).
    ///
    /// Key sizes and IVs held in variables are not reported, nor are ECB
    /// ciphers in functions that build a construction from the raw block
    /// cipher (CMAC, key wrap, ciphertext stealing, KDFs: `aes_cmac`,
    /// `aes_unwrap`), probes of what the library supports
    /// (`backend.cipher_supported(...)`), and keys generated and thrown
    /// away.
    ///
    /// ## Why is this bad?
    /// DES keys are found by brute force, RC4's key stream is biased, and
    /// 64-bit block ciphers (Triple DES, Blowfish, IDEA, CAST5) leak
    /// plaintext after a few gigabytes (Sweet32). ECB encrypts equal blocks
    /// to equal ciphertext, so the structure of the data shows through.
    /// 1024-bit RSA and DSA keys and small curves are within reach of
    /// well-funded attackers. A fixed IV makes CBC encryption deterministic
    /// and destroys CTR and GCM completely (the key stream repeats, and GCM
    /// loses its authenticity).
    ///
    /// ## Example
    /// ```python
    /// from Crypto.Cipher import AES
    ///
    /// def encrypt(key, data):
    ///     return AES.new(key, AES.MODE_ECB).encrypt(data)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from Crypto.Cipher import AES
    ///
    /// def encrypt(key, data):
    ///     cipher = AES.new(key, AES.MODE_GCM)
    ///     ciphertext, tag = cipher.encrypt_and_digest(data)
    ///     return cipher.nonce, ciphertext, tag
    /// ```
    /// Generate RSA keys with at least 2048 bits, and a fresh random IV or
    /// nonce for every message (`os.urandom(16)`, or let the library pick
    /// one).
    ///
    /// ## References
    /// - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    /// - [CWE-326: Inadequate Encryption Strength](https://cwe.mitre.org/data/definitions/326.html)
    /// - [CWE-329: Generation of Predictable IV with CBC Mode](https://cwe.mitre.org/data/definitions/329.html)
    /// - [NIST SP 800-131A Rev. 2: Transitioning the Use of Cryptographic Algorithms and Key Lengths](https://csrc.nist.gov/pubs/sp/800/131/a/r2/final)
    /// - [cryptography: Symmetric encryption](https://cryptography.io/en/latest/hazmat/primitives/symmetric-encryption/)
    pub static SPEC = {
        ids: &["python/insecure-cryptography@v1.0"],
        languages: &[Language::Python],
        name: "Insecure cryptography",
        category: Category::Security,
        cwes: &[327, 326, 329],
        tags: &["cryptography", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Use AES in an authenticated mode (GCM, or ChaCha20-Poly1305) with a fresh random nonce per message, RSA/DSA keys of at least 2048 bits and curves of at least 224 bits.",
        keywords: &["crypto", "paramiko"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// The cipher packages of PyCrypto and PyCryptodome.
const CIPHER_PACKAGES: &[&str] = &["Crypto.Cipher.", "Cryptodome.Cipher."];

/// Broken PyCrypto/PyCryptodome cipher modules: (module, display name).
const BROKEN_CIPHER_MODULES: &[(&str, &str)] = &[
    ("DES", "DES"),
    ("DES3", "Triple DES"),
    ("ARC2", "RC2"),
    ("ARC4", "RC4"),
    ("Blowfish", "Blowfish"),
    ("CAST", "CAST5"),
    ("XOR", "XOR"),
];

/// The packages of `cryptography`'s cipher algorithms (the weak ones moved
/// to `decrepit` in version 43).
const ALGORITHM_PACKAGES: &[&str] = &[
    "cryptography.hazmat.primitives.ciphers.algorithms.",
    "cryptography.hazmat.decrepit.ciphers.algorithms.",
];

const BROKEN_ALGORITHMS: &[(&str, &str)] = &[
    ("TripleDES", "Triple DES"),
    ("Blowfish", "Blowfish"),
    ("ARC4", "RC4"),
    ("IDEA", "IDEA"),
    ("CAST5", "CAST5"),
    ("SEED", "SEED"),
    ("RC2", "RC2"),
];

const MODES: &str = "cryptography.hazmat.primitives.ciphers.modes.";

/// `cryptography` curves of fewer than 224 bits.
const SMALL_CURVES: &[&str] = &["SECP192R1", "SECT163K1", "SECT163R2"];
const EC: &str = "cryptography.hazmat.primitives.asymmetric.ec.";

/// Key generators and where their size goes: (callee, position, keyword,
/// algorithm).
const KEY_GENERATORS: &[(&str, usize, &str, &str)] = &[
    (
        "cryptography.hazmat.primitives.asymmetric.rsa.generate_private_key",
        1,
        "key_size",
        "RSA",
    ),
    (
        "cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key",
        0,
        "key_size",
        "DSA",
    ),
    (
        "cryptography.hazmat.primitives.asymmetric.dsa.generate_parameters",
        0,
        "key_size",
        "DSA",
    ),
    ("Crypto.PublicKey.RSA.generate", 0, "bits", "RSA"),
    ("Crypto.PublicKey.DSA.generate", 0, "bits", "DSA"),
    ("Cryptodome.PublicKey.RSA.generate", 0, "bits", "RSA"),
    ("Cryptodome.PublicKey.DSA.generate", 0, "bits", "DSA"),
    ("paramiko.RSAKey.generate", 0, "bits", "RSA"),
    ("paramiko.DSSKey.generate", 0, "bits", "DSA"),
    ("paramiko.rsakey.RSAKey.generate", 0, "bits", "RSA"),
    ("paramiko.dsskey.DSSKey.generate", 0, "bits", "DSA"),
];

const MIN_KEY_BITS: u64 = 2048;

/// Modes of `cryptography` taking an IV or nonce first.
const IV_MODES: &[&str] = &["CBC", "CFB", "CFB8", "OFB", "CTR", "GCM"];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    if capability_probe(call, checker.text) {
        return;
    }
    let names = checker.semantic.callee_names(call, checker.text);
    if let Some(violation) = pycryptodome_cipher(call, &names, checker)
        .or_else(|| cryptography_cipher(call, &names, checker))
        .or_else(|| small_key(call, &names, checker))
        .or_else(|| small_openssl_key(call, checker))
    {
        checker.report(call, violation);
    }
}

/// `DES.new(...)`, `AES.new(key, AES.MODE_ECB)`, `AES.new(key, mode, iv=b"...")`.
fn pycryptodome_cipher(
    call: Node<'_>,
    names: &[String],
    checker: &Checker<'_>,
) -> Option<Violation> {
    let text = checker.text;
    let module = names.iter().find_map(|n| {
        let rest = CIPHER_PACKAGES.iter().find_map(|p| n.strip_prefix(p))?;
        rest.strip_suffix(".new")
    })?;
    if let Some(&(_, display)) = BROKEN_CIPHER_MODULES.iter().find(|(m, _)| *m == module) {
        return Some(Violation::new(
            "broken-cipher",
            format!("{display} is a broken cipher ({module}.new): use AES in GCM mode"),
        ));
    }
    let mode = argument(call, 1, "mode", text);
    let mode_name = mode.and_then(|m| {
        checker
            .semantic
            .qualified_names(m, text)
            .into_iter()
            .find_map(|n| {
                let rest = CIPHER_PACKAGES.iter().find_map(|p| n.strip_prefix(p))?;
                let (_, constant) = rest.split_once('.')?;
                constant.strip_prefix("MODE_").map(str::to_string)
            })
    });
    match mode_name.as_deref() {
        Some("ECB") if !builds_a_mode(call, text) => {
            return Some(Violation::new(
                "ecb-mode",
                format!("{module} in ECB mode encrypts equal blocks to equal ciphertext"),
            ));
        }
        None if mode.is_none()
            && module == "AES"
            && positional_arguments(checker.grammar, call).len() == 1
            && call_arguments(call).is_some_and(|a| a.named_child_count() == 1) =>
        {
            return Some(Violation::new(
                "ecb-mode",
                "AES.new(key) without a mode uses ECB in PyCrypto (and fails in PyCryptodome)",
            ));
        }
        _ => {}
    }
    // The IV or nonce: `iv=`, `IV=`, `nonce=`, or the third positional.
    let iv = keyword_argument(call, "iv", text)
        .or_else(|| keyword_argument(call, "IV", text))
        .or_else(|| keyword_argument(call, "nonce", text))
        .or_else(|| {
            mode_name.as_ref()?;
            positional_arguments(checker.grammar, call).get(2).copied()
        })?;
    constant_bytes(iv, text).then(|| {
        Violation::new(
            "static-iv",
            format!(
                "the {} of this {module} cipher is a constant written in the code",
                iv_word(mode_name.as_deref())
            ),
        )
    })
}

fn iv_word(mode: Option<&str>) -> &'static str {
    match mode {
        Some("CTR" | "GCM" | "EAX" | "CCM" | "OCB" | "SIV" | "GCM_SIV") => "nonce",
        _ => "IV",
    }
}

/// `algorithms.TripleDES(key)`, `modes.ECB()`, `modes.CBC(b"...")`,
/// `ec.SECP192R1()`.
fn cryptography_cipher(
    call: Node<'_>,
    names: &[String],
    checker: &Checker<'_>,
) -> Option<Violation> {
    let text = checker.text;
    for name in names {
        if let Some(algorithm) = ALGORITHM_PACKAGES.iter().find_map(|p| name.strip_prefix(p))
            && let Some(&(_, display)) = BROKEN_ALGORITHMS.iter().find(|(a, _)| *a == algorithm)
        {
            return Some(Violation::new(
                "broken-cipher",
                format!(
                    "{display} is a broken cipher (algorithms.{algorithm}): use AES in GCM mode"
                ),
            ));
        }
        if let Some(mode) = name.strip_prefix(MODES) {
            if mode == "ECB" {
                if builds_a_mode(call, text) {
                    return None;
                }
                return Some(Violation::new(
                    "ecb-mode",
                    "ECB mode (modes.ECB) encrypts equal blocks to equal ciphertext",
                ));
            }
            if IV_MODES.contains(&mode) {
                let keyword = if mode == "CTR" {
                    "nonce"
                } else {
                    "initialization_vector"
                };
                let iv = argument(call, 0, keyword, text)?;
                return constant_bytes(iv, text).then(|| {
                    Violation::new(
                        "static-iv",
                        format!(
                            "the {} of modes.{mode} is a constant written in the code",
                            iv_word(Some(mode))
                        ),
                    )
                });
            }
        }
        if let Some(curve) = name.strip_prefix(EC)
            && SMALL_CURVES.contains(&curve)
        {
            return Some(Violation::new(
                "small-key",
                format!("the elliptic curve {curve} has fewer than 224 bits"),
            ));
        }
    }
    None
}

/// Words of a function name saying that it builds a mode or a key
/// derivation out of the raw block cipher: CMAC, key wrap (RFC 3394),
/// ciphertext stealing, a KDF or PRF. ECB on single blocks is how those
/// are written.
const BLOCK_PRIMITIVE_WORDS: &[&str] = &[
    "cmac", "subkey", "wrap", "unwrap", "cts", "kdf", "prf", "derive",
];

/// The enclosing function implements a construction on the block cipher.
fn builds_a_mode(call: Node<'_>, text: &str) -> bool {
    let mut scope = call.parent();
    while let Some(node) = scope {
        if node.kind() == "function_definition"
            && let Some(name) = node.py_field("name")
        {
            return crate::detectors::context::words(node_text(name, text))
                .iter()
                .any(|w| BLOCK_PRIMITIVE_WORDS.contains(&w.as_str()));
        }
        scope = node.parent();
    }
    false
}

/// Code asking whether the library supports an algorithm
/// (`backend.cipher_supported(RC2(b"0" * 16), modes.CBC(b"0" * 8))`)
/// encrypts nothing.
fn capability_probe(call: Node<'_>, text: &str) -> bool {
    let outer = call
        .parent()
        .filter(|p| p.kind() == "argument_list")
        .and_then(|p| p.parent())
        .filter(|c| c.kind() == "call");
    outer
        .and_then(super::method_name_node)
        .is_some_and(|m| node_text(m, text) == "cipher_supported")
}

/// RSA and DSA keys generated with a literal size under 2048 bits.
fn small_key(call: Node<'_>, names: &[String], checker: &Checker<'_>) -> Option<Violation> {
    let text = checker.text;
    // A key generated and thrown away probes what the library allows.
    if call
        .parent()
        .is_some_and(|p| p.kind() == "expression_statement")
    {
        return None;
    }
    let &(_, position, keyword, algorithm) = KEY_GENERATORS
        .iter()
        .find(|(callee, ..)| names.iter().any(|n| n == callee))?;
    let size = argument(call, position, keyword, text)?;
    small_size_violation(size, algorithm, text)
}

/// pyOpenSSL: `key.generate_key(crypto.TYPE_RSA, 1024)`.
fn small_openssl_key(call: Node<'_>, checker: &Checker<'_>) -> Option<Violation> {
    let text = checker.text;
    let method = super::method_name_node(call)?;
    if node_text(method, text) != "generate_key" {
        return None;
    }
    let kind = argument(call, 0, "type", text)?;
    let algorithm = checker
        .semantic
        .qualified_names(kind, text)
        .iter()
        .find_map(|n| match n.as_str() {
            "OpenSSL.crypto.TYPE_RSA" => Some("RSA"),
            "OpenSSL.crypto.TYPE_DSA" => Some("DSA"),
            _ => None,
        })?;
    let size = argument(call, 1, "bits", text)?;
    small_size_violation(size, algorithm, text)
}

fn small_size_violation(size: Node<'_>, algorithm: &str, text: &str) -> Option<Violation> {
    if size.kind() != "integer" {
        return None;
    }
    let bits: u64 = node_text(size, text).replace('_', "").parse().ok()?;
    if bits >= MIN_KEY_BITS {
        return None;
    }
    Some(
        Violation::new(
            "small-key",
            format!("a {bits}-bit {algorithm} key is too short: use at least {MIN_KEY_BITS} bits"),
        )
        .with_fix(Fix::replace(
            format!("Generate a {MIN_KEY_BITS}-bit key"),
            size.byte_range(),
            MIN_KEY_BITS.to_string(),
        )),
    )
}

/// A bytes or string literal, or one repeated (`b"\x00" * 16`), or
/// `bytes(16)` / `bytearray(16)`: the same value on every run.
fn constant_bytes(node: Node<'_>, text: &str) -> bool {
    match node.kind() {
        // An empty nonce is PyCryptodome's CTR with the whole counter in
        // `initial_value` (OpenSSH's aes-ctr), not a fixed nonce.
        "string" => string_literal(node, text).is_some_and(|v| !v.is_empty()),
        "concatenated_string" => true,
        "parenthesized_expression" => node.named_child(0).is_some_and(|n| constant_bytes(n, text)),
        "binary_operator" => {
            let operator = node.py_field("operator").map(|o| node_text(o, text));
            let (Some(left), Some(right)) = (node.py_field("left"), node.py_field("right")) else {
                return false;
            };
            match operator {
                Some("*") => {
                    (constant_bytes(left, text) && right.kind() == "integer")
                        || (left.kind() == "integer" && constant_bytes(right, text))
                }
                Some("+") => constant_bytes(left, text) && constant_bytes(right, text),
                _ => false,
            }
        }
        "call" => {
            let Some(function) = node.py_field("function") else {
                return false;
            };
            // `"0000000000000000".encode()`
            if function.kind() == "attribute"
                && function
                    .py_field("attribute")
                    .is_some_and(|a| node_text(a, text) == "encode")
            {
                return function
                    .py_field("object")
                    .is_some_and(|o| o.kind() == "string" && string_literal(o, text).is_some());
            }
            let function = Some(node_text(function, text));
            let positional = positional_arguments(crate::lang::Grammar::Python, node);
            matches!(function, Some("bytes" | "bytearray"))
                && matches!(positional.as_slice(), [n] if n.kind() == "integer")
        }
        _ => false,
    }
}
