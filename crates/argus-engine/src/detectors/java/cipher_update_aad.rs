use super::super::prelude::*;
use super::crypto::variable_is;
use super::{descendants, enclosing_method, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds `cipher.updateAAD(...)` called after `cipher.update(...)` or
    /// `cipher.doFinal(...)` on the same `javax.crypto.Cipher` in the same
    /// method, with no `cipher.init(...)` in between.
    ///
    /// ## Why is this bad?
    /// For AES-GCM (and ChaCha20-Poly1305) the additional authenticated
    /// data must be supplied before any plaintext or ciphertext. After
    /// `update`, the JDK provider throws `IllegalStateException` ("Update
    /// has been called; no more AAD data"); other providers may ignore or
    /// misorder the data, so the header that was meant to be authenticated
    /// is not, or decryption fails to verify.
    ///
    /// ## Example
    /// ```java
    /// byte[] out = cipher.update(plaintext);
    /// cipher.updateAAD(header);
    /// byte[] tag = cipher.doFinal();
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// cipher.updateAAD(header);
    /// byte[] out = cipher.update(plaintext);
    /// byte[] tag = cipher.doFinal();
    /// ```
    ///
    /// ## References
    /// - [CWE-325: Missing Cryptographic Step](https://cwe.mitre.org/data/definitions/325.html)
    /// - [javax.crypto.Cipher.updateAAD](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/javax/crypto/Cipher.html#updateAAD(byte%5B%5D))
    pub static SPEC = {
        ids: &["java/cipher-update-aad@v1.0"],
        languages: &[Language::Java],
        name: "Cipher updateAAD after update",
        category: Category::Security,
        cwes: &[325],
        tags: &["cryptography"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Call updateAAD with all associated data before the first update or doFinal call of each encryption or decryption.",
        keywords: &["updateAAD"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

const CIPHER: &[&str] = &["javax.crypto.Cipher"];
const CIPHER_GET_INSTANCE: &[&str] = &["javax.crypto.Cipher.getInstance"];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if method_name(call, text) != Some("updateAAD") {
        return;
    }
    let Some(recv) = receiver(call) else {
        return;
    };
    if !matches!(recv.kind(), "identifier" | "field_access")
        || !variable_is(checker, recv, CIPHER, CIPHER_GET_INSTANCE)
    {
        return;
    }
    let Some(method) = enclosing_method(call) else {
        return;
    };
    let name = node_text(recv, text);
    let mut last_data = None;
    for node in descendants(method) {
        if node.start_byte() >= call.start_byte() {
            break;
        }
        if node.kind() != "method_invocation"
            || receiver(node).is_none_or(|r| node_text(r, text) != name)
        {
            continue;
        }
        match method_name(node, text) {
            Some("update" | "doFinal") => last_data = Some(node),
            Some("init") => last_data = None,
            _ => {}
        }
    }
    let Some(data) = last_data else {
        return;
    };
    // Calls in different branches of an `if` or `switch` never both run.
    if !same_path(data, call) {
        return;
    }
    let what = method_name(data, text).unwrap_or("update");
    checker.report(
        call,
        Violation::new(
            "aad-after-update",
            format!("updateAAD is called after {what} on the same cipher: associated data must come before any data (the JDK throws IllegalStateException and the header is not authenticated)"),
        ),
    );
}

/// Whether `earlier` is not in a branch that excludes `later`: no `if`
/// holds them in different arms.
fn same_path(earlier: Node<'_>, later: Node<'_>) -> bool {
    let mut up = earlier.parent();
    while let Some(n) = up {
        if later.start_byte() >= n.start_byte() && later.end_byte() <= n.end_byte() {
            // The nearest common ancestor.
            if n.kind() == "if_statement" {
                let consequence = n.child_by_field_name("consequence");
                let alternative = n.child_by_field_name("alternative");
                let within = |b: Option<Node<'_>>, x: Node<'_>| {
                    b.is_some_and(|b| {
                        x.start_byte() >= b.start_byte() && x.end_byte() <= b.end_byte()
                    })
                };
                if (within(consequence, earlier) && within(alternative, later))
                    || (within(alternative, earlier) && within(consequence, later))
                {
                    return false;
                }
            }
            if matches!(n.kind(), "switch_block" | "switch_expression") {
                return false;
            }
            return true;
        }
        up = n.parent();
    }
    true
}
