use super::super::prelude::*;
use super::{descendants, enclosing_method, method_name};

detector! {
    /// ## What it does
    /// Finds AWS KMS ciphertext re-encrypted by hand: in one method, the
    /// result of a KMS client's `decrypt` (SDK v1 `DecryptRequest`, SDK v2
    /// `DecryptRequest.builder()`) flows, directly or through local
    /// variables, into the request of an `encrypt` call.
    ///
    /// ## Why is this bad?
    /// Decrypting and encrypting again brings the plaintext (often a data
    /// key) into the application's memory, logs and heap dumps, and needs
    /// `kms:Decrypt` permission on the source key. `ReEncrypt` does the
    /// same inside KMS: the plaintext never leaves the service, and the
    /// caller only needs `kms:ReEncrypt*`.
    ///
    /// ## Example
    /// ```java
    /// ByteBuffer plaintext = kms.decrypt(new DecryptRequest().withCiphertextBlob(blob)).getPlaintext();
    /// kms.encrypt(new EncryptRequest().withKeyId(newKeyId).withPlaintext(plaintext));
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// kms.reEncrypt(new ReEncryptRequest()
    ///     .withCiphertextBlob(blob)
    ///     .withDestinationKeyId(newKeyId));
    /// ```
    ///
    /// ## References
    /// - [CWE-316: Cleartext Storage of Sensitive Information in Memory](https://cwe.mitre.org/data/definitions/316.html)
    /// - [AWS KMS ReEncrypt](https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html)
    pub static SPEC = {
        ids: &["java/aws-kms-reencryption@v1.0"],
        languages: &[Language::Java],
        name: "AWS KMS re-encryption through plaintext",
        category: Category::Security,
        cwes: &[316],
        tags: &["aws", "cryptography"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Use the KMS ReEncrypt API to move ciphertext to another key without exposing the plaintext.",
        keywords: &["DecryptRequest"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

const KMS_PACKAGES: &[&str] = &[
    "com.amazonaws.services.kms",
    "software.amazon.awssdk.services.kms",
];

/// Whether a call is a KMS `decrypt`: its request is a `DecryptRequest`.
fn is_kms_decrypt(call: Node<'_>, text: &str) -> bool {
    matches!(method_name(call, text), Some("decrypt" | "decryptAsync"))
        && call.child_by_field_name("arguments").is_some_and(|a| {
            node_text(a, text).contains("DecryptRequest") || decrypt_request_variable(a, text)
        })
}

/// `kms.decrypt(request)` with `DecryptRequest request = ...` declared in
/// the same method.
fn decrypt_request_variable(args: Node<'_>, text: &str) -> bool {
    let Some(arg) = args.named_child(0).filter(|a| a.kind() == "identifier") else {
        return false;
    };
    let name = node_text(arg, text);
    enclosing_method(args).is_some_and(|m| {
        descendants(m).into_iter().any(|d| {
            d.kind() == "local_variable_declaration"
                && d.child_by_field_name("type")
                    .is_some_and(|t| node_text(t, text).ends_with("DecryptRequest"))
                && d.child_by_field_name("declarator")
                    .and_then(|v| v.child_by_field_name("name"))
                    .is_some_and(|n| node_text(n, text) == name)
        })
    })
}

/// Whether `node` mentions one of `names` or holds a KMS decrypt call.
fn mentions(node: Node<'_>, names: &[String], text: &str) -> bool {
    descendants(node).into_iter().any(|d| {
        (d.kind() == "identifier" && names.iter().any(|n| n == node_text(d, text)))
            || (d.kind() == "method_invocation" && is_kms_decrypt(d, text))
    })
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if !matches!(method_name(call, text), Some("encrypt" | "encryptAsync"))
        || !checker.semantic.imports_any(KMS_PACKAGES)
    {
        return;
    }
    let Some(args) = call.child_by_field_name("arguments") else {
        return;
    };
    let Some(method) = enclosing_method(call) else {
        return;
    };
    // Variables holding decrypted data, in source order.
    let mut tainted: Vec<String> = Vec::new();
    for node in descendants(method) {
        if node.start_byte() >= call.start_byte() {
            break;
        }
        let (name, value) = match node.kind() {
            "variable_declarator" => (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ),
            "assignment_expression" => (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ),
            _ => continue,
        };
        let (Some(name), Some(value)) = (name, value) else {
            continue;
        };
        if name.kind() == "identifier" && mentions(value, &tainted, text) {
            tainted.push(node_text(name, text).to_string());
        }
    }
    // `EncryptRequest` set up with `request.setPlaintext(plaintext)`.
    let mut builder_args = vec![args];
    if let Some(request) = args.named_child(0).filter(|a| a.kind() == "identifier") {
        let request = node_text(request, text);
        for node in descendants(method) {
            if node.start_byte() >= call.start_byte() {
                break;
            }
            if node.kind() == "method_invocation"
                && super::receiver(node).is_some_and(|r| node_text(r, text) == request)
                && let Some(a) = node.child_by_field_name("arguments")
            {
                builder_args.push(a);
            }
        }
    }
    if !builder_args.iter().any(|a| mentions(*a, &tainted, text)) {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "decrypt-then-encrypt",
            "KMS-decrypted data is encrypted again here: the plaintext passes through this process; use ReEncrypt so it never leaves KMS",
        ),
    );
}
