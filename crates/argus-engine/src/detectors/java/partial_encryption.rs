use super::super::prelude::*;
use super::crypto::{asymmetric_transformation, cipher_transformation};
use super::{call_args, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds `cipher.update(data)` and `cipher.update(data, offset, length)`
    /// called as a statement on a symmetric `javax.crypto.Cipher` (one made
    /// by `Cipher.getInstance` with a known non-RSA transformation), so the
    /// bytes it returns are thrown away and only what `doFinal` returns is
    /// kept. Public-key ciphers (RSA, ElGamal, IES) are not reported: they
    /// return nothing from `update` and everything from `doFinal`.
    ///
    /// The forms of `update` that write into an output buffer
    /// (`update(input, offset, length, output)`, `update(ByteBuffer,
    /// ByteBuffer)`) are not reported.
    ///
    /// ## Why is this bad?
    /// `update` returns the blocks it has encrypted or decrypted so far;
    /// `doFinal` only returns the rest. Dropping what `update` returns
    /// loses all but the last part of the message: the stored ciphertext
    /// cannot be decrypted to the original, or the decrypted plaintext is
    /// silently truncated. Code "working" this way usually only does so
    /// for messages shorter than one block.
    ///
    /// ## Example
    /// ```java
    /// cipher.update(header);
    /// byte[] encrypted = cipher.doFinal(body);
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// ByteArrayOutputStream out = new ByteArrayOutputStream();
    /// out.write(cipher.update(header));
    /// out.write(cipher.doFinal(body));
    /// byte[] encrypted = out.toByteArray();
    /// ```
    /// (or use `CipherOutputStream`). For AES-GCM associated data that
    /// must be authenticated but not encrypted, use `updateAAD`.
    ///
    /// ## References
    /// - [CWE-325: Missing Cryptographic Step](https://cwe.mitre.org/data/definitions/325.html)
    /// - [javax.crypto.Cipher.update](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/javax/crypto/Cipher.html#update(byte%5B%5D))
    pub static SPEC = {
        ids: &["java/partial-encryption@v1.0"],
        languages: &[Language::Java],
        name: "Partial encryption",
        category: Category::Security,
        cwes: &[325],
        tags: &["cryptography"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Keep the output of every Cipher.update call together with the output of doFinal (or use CipherOutputStream).",
        keywords: &["Cipher"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if method_name(call, text) != Some("update")
        || call
            .parent()
            .is_none_or(|p| p.kind() != "expression_statement")
    {
        return;
    }
    let args = call_args(call);
    if !(args.len() == 1 || args.len() == 3) {
        return;
    }
    let Some(recv) = receiver(call) else {
        return;
    };
    if !matches!(recv.kind(), "identifier" | "field_access") {
        return;
    }
    // Only a cipher known to be symmetric: public-key ciphers (RSA,
    // ElGamal, IES) buffer everything until doFinal and return nothing
    // from update, and a cipher handed in may be one.
    let Some(transformation) = cipher_transformation(checker, recv, call) else {
        return;
    };
    if asymmetric_transformation(&transformation) {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "update-output-dropped",
            "The bytes this Cipher.update returns are thrown away: only the output of doFinal is kept, so all but the last part of the message is lost",
        ),
    );
}
