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

/// Accessors reading the plaintext of a decrypt result.
const PLAINTEXT: &[&str] = &["getPlaintext", "plaintext"];

/// Whether `expr` is a KMS decrypt result: the call itself, or awaited
/// (`kms.decrypt(...).join()`, `.get()`).
fn decrypt_result(expr: Node<'_>, text: &str) -> bool {
    let mut e = expr;
    loop {
        if e.kind() != "method_invocation" {
            return false;
        }
        if is_kms_decrypt(e, text) {
            return true;
        }
        if !matches!(method_name(e, text), Some("join" | "get")) {
            return false;
        }
        match super::receiver(e) {
            Some(r) => e = r,
            None => return false,
        }
    }
}

/// Whether `node` carries decrypted plaintext: a variable holding it, or
/// the plaintext read from a decrypt result (not its key id).
fn carries(node: Node<'_>, responses: &[String], plaintexts: &[String], text: &str) -> bool {
    descendants(node).into_iter().any(|d| {
        let read_plaintext = || {
            d.parent().is_some_and(|p| {
                p.kind() == "method_invocation"
                    && p.child_by_field_name("object") == Some(d)
                    && method_name(p, text).is_some_and(|m| PLAINTEXT.contains(&m))
            })
        };
        match d.kind() {
            "identifier" => {
                let name = node_text(d, text);
                plaintexts.iter().any(|n| n == name)
                    || (responses.iter().any(|n| n == name) && read_plaintext())
            }
            "method_invocation" => decrypt_result(d, text) && read_plaintext(),
            _ => false,
        }
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
    // Variables holding decrypt results and decrypted data, in source
    // order.
    let mut responses: Vec<String> = Vec::new();
    let mut plaintexts: Vec<String> = Vec::new();
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
        if name.kind() != "identifier" {
            continue;
        }
        let name = node_text(name, text).to_string();
        if decrypt_result(value, text) {
            responses.push(name);
        } else if carries(value, &responses, &plaintexts, text) {
            plaintexts.push(name);
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
    if !builder_args
        .iter()
        .any(|a| carries(*a, &responses, &plaintexts, text))
    {
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
