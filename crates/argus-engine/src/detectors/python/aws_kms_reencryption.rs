use super::super::prelude::*;
use super::boto3::{boto3_object, method_name, uses_boto};
use super::enclosing_scope;

detector! {
    /// ## What it does
    /// Finds data decrypted with AWS KMS only to be encrypted again with
    /// KMS: a `kms.encrypt(Plaintext=...)` whose plaintext is the
    /// `Plaintext` of a `kms.decrypt(...)` response in the same function,
    /// directly or through variables.
    ///
    /// Both calls must be on boto3 KMS clients (or carry KMS's own
    /// parameters, `CiphertextBlob=` and `KeyId=`); encrypting other data
    /// after a decrypt is not reported.
    ///
    /// ## Why is this bad?
    /// The round trip brings the plaintext out of KMS into the program's
    /// memory (and into whatever logs, core dumps or swap it reaches) for
    /// no reason, and needs `kms:Decrypt` on the old key for the code that
    /// only moves data to a new key. `re_encrypt` does the same inside
    /// KMS: the plaintext never leaves it, and the caller needs only
    /// `kms:ReEncrypt*`.
    ///
    /// ## Example
    /// ```python
    /// import boto3
    ///
    /// kms = boto3.client("kms")
    /// plaintext = kms.decrypt(CiphertextBlob=blob)["Plaintext"]
    /// blob = kms.encrypt(KeyId=new_key, Plaintext=plaintext)["CiphertextBlob"]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import boto3
    ///
    /// kms = boto3.client("kms")
    /// blob = kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=new_key)["CiphertextBlob"]
    /// ```
    ///
    /// ## References
    /// - [CWE-311: Missing Encryption of Sensitive Data](https://cwe.mitre.org/data/definitions/311.html)
    /// - [AWS KMS ReEncrypt](https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html)
    pub static SPEC = {
        ids: &["python/aws-kms-reencryption@v1.0"],
        languages: &[Language::Python],
        name: "KMS re-encryption through plaintext",
        category: Category::Security,
        cwes: &[311],
        tags: &["aws", "kms", "cryptography"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Move ciphertext to another key with kms.re_encrypt(CiphertextBlob=..., DestinationKeyId=...) instead of decrypting and encrypting it again.",
        keywords: &["decrypt"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if method_name(call, text) != Some("encrypt") || !uses_boto(checker) {
        return;
    }
    if !on_kms(call, checker, &["KeyId"]) {
        return;
    }
    let Some(plaintext) = keyword_argument(call, "Plaintext", text) else {
        return;
    };
    // Names holding decrypted data, in the order they are assigned.
    let scope = enclosing_scope(call);
    let mut derived: Vec<String> = Vec::new();
    let mut assignments = Vec::new();
    collect_assignments(scope, scope, &mut assignments);
    assignments.sort_by_key(|a| a.start_byte());
    for assignment in assignments {
        if assignment.start_byte() >= call.start_byte() {
            break;
        }
        let (Some(left), Some(right)) = (assignment.py_field("left"), assignment.py_field("right"))
        else {
            continue;
        };
        if left.kind() != "identifier" {
            continue;
        }
        let name = checker.text_of(left).to_string();
        if from_decrypt(right, &derived, checker) {
            derived.push(name);
        } else {
            // Reassigned to something else: no longer decrypted data.
            derived.retain(|d| *d != name);
        }
    }
    if !from_decrypt(plaintext, &derived, checker) {
        return;
    }
    let violation = Violation::new(
        "decrypt-then-encrypt",
        "kms.encrypt is given the plaintext of a kms.decrypt: re_encrypt moves the data to the new key without exposing it",
    );
    checker.report(call, violation);
}

/// Whether the call is on a KMS client, or (client unknown) carries the
/// given KMS parameters.
fn on_kms(call: Node<'_>, checker: &Checker<'_>, signature: &[&str]) -> bool {
    let object = call.py_field("function").and_then(|f| f.py_field("object"));
    match object.and_then(|o| boto3_object(o, checker)) {
        Some(client) => client.is_client_of("kms"),
        None => signature
            .iter()
            .all(|name| keyword_argument(call, name, checker.text).is_some()),
    }
}

fn collect_assignments<'t>(scope: Node<'t>, node: Node<'t>, out: &mut Vec<Node<'t>>) {
    if node != scope && matches!(node.kind(), "function_definition" | "class_definition") {
        return;
    }
    if node.kind() == "assignment" {
        out.push(node);
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        collect_assignments(scope, child, out);
    }
}

/// Whether an expression holds decrypted data: it contains a KMS decrypt
/// call or one of the names already known to hold some.
fn from_decrypt(expr: Node<'_>, derived: &[String], checker: &Checker<'_>) -> bool {
    let mut stack = vec![expr];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "call"
                if method_name(node, checker.text) == Some("decrypt")
                    && on_kms(node, checker, &["CiphertextBlob"]) =>
            {
                return true;
            }
            "identifier" if derived.iter().any(|d| d == checker.text_of(node)) => return true,
            "lambda" => continue,
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}
