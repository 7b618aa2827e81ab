//! What the audit log must never hold: secrets (upload URL signatures,
//! credentials) are replaced as CloudTrail does, and URLs lose their query
//! strings, where pre-signed URLs carry their signatures.

use serde_json::Value;

/// CloudTrail's placeholder for a value it will not log.
pub const HIDDEN: &str = "HIDDEN_DUE_TO_SECURITY_REASONS";

/// Member names whose values are secrets, matched case-insensitively on
/// their parts.
const SECRET_NAMES: [&str; 6] = [
    "signature",
    "secret",
    "password",
    "credential",
    "securitytoken",
    "sessiontoken",
];

/// Redacts secrets in place, at any depth.
pub fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, member) in map.iter_mut() {
                if is_secret_name(key) {
                    *member = Value::String(HIDDEN.into());
                } else {
                    redact(member);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        Value::String(text) => {
            if let Some(stripped) = without_query(text) {
                *text = stripped;
            }
        }
        _ => {}
    }
}

fn is_secret_name(key: &str) -> bool {
    let key = key.to_ascii_lowercase().replace(['-', '_'], "");
    SECRET_NAMES.iter().any(|name| key.contains(name))
}

/// A URL without its query string, when the string is a URL with one.
fn without_query(text: &str) -> Option<String> {
    let lower = text.get(..8)?.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return None;
    }
    let (base, _) = text.split_once('?')?;
    Some(base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_and_url_queries_are_removed_at_any_depth() {
        let mut value = json!({
            "X-Argus-Signature": "abc123",
            "X-Amz-Signature": "def456",
            "X-Argus-Expires": "1700000000",
            "nextToken": "page-2",
            "tags": {"team": "appsec"},
            "nested": [{"secretAccessKey": "s3cr3t"}],
            "s3Url": "https://bucket.example/key.zip?X-Amz-Signature=def456&X-Amz-Credential=AKID",
            "note": "not a url? keep it",
        });
        redact(&mut value);
        let text = value.to_string();
        for secret in ["abc123", "def456", "s3cr3t", "AKID"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(value["X-Argus-Expires"], "1700000000");
        assert_eq!(value["nextToken"], "page-2");
        assert_eq!(value["tags"]["team"], "appsec");
        assert_eq!(value["s3Url"], "https://bucket.example/key.zip");
        assert_eq!(value["note"], "not a url? keep it");
        assert_eq!(value["nested"][0]["secretAccessKey"], HIDDEN);
    }
}
