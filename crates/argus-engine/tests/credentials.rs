//! A credential a code detector finds is redacted wherever the finding is
//! shown, like a secret the secrets scan finds.

mod common;

use std::path::Path;

#[test]
fn code_detector_credentials_are_redacted_in_messages_and_snippets() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/python/creds_redaction.py");
    let text = "import jwt\n\n\ndef sign(claims):\n    return jwt.encode(claims, \"orbit-signing-key-2024\", algorithm=\"HS256\")\n";
    let report = common::analyze(&path, text);
    let finding = report
        .findings
        .iter()
        .find(|f| f.detector_id.starts_with("python/hardcoded-credentials"))
        .expect("the hardcoded JWT key is reported");
    assert!(!finding.message.contains("orbit-signing-key-2024"));
    assert!(
        report
            .findings
            .iter()
            .flat_map(|f| &f.snippet)
            .all(|line| !line.content.contains("orbit-signing-key-2024")),
        "a snippet shows the key"
    );
    assert!(
        finding
            .snippet
            .iter()
            .any(|l| l.content.contains("\"or…24\"")),
        "{:?}",
        finding.snippet
    );
}

#[test]
fn javascript_credentials_are_redacted_in_messages_and_snippets() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/javascript/creds_redaction.js");
    let text = "const jwt = require(\"jsonwebtoken\");\n\nfunction sign(claims) {\n  return jwt.sign(claims, \"orbit-signing-key-2024\");\n}\n";
    let report = common::analyze(&path, text);
    let finding = report
        .findings
        .iter()
        .find(|f| {
            f.detector_id
                .starts_with("javascript/hardcoded-credentials")
        })
        .expect("the hardcoded JWT key is reported");
    assert!(!finding.message.contains("orbit-signing-key-2024"));
    assert!(
        report
            .findings
            .iter()
            .flat_map(|f| &f.snippet)
            .all(|line| !line.content.contains("orbit-signing-key-2024")),
        "a snippet shows the key"
    );
}
