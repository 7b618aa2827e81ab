//! Private key blocks (`-----BEGIN ... PRIVATE KEY-----` to `-----END`),
//! also when written into a string with `\n` escapes.

use std::ops::Range;

use crate::detectors::DetectorSpec;

use super::detectors::{PRIVATE_KEY, SALESFORCE_PRIVATE_KEY, SSH_PRIVATE_KEY};

/// A private key found in a text.
pub struct KeyBlock {
    pub detector: &'static DetectorSpec,
    /// The key material: from the end of the `-----BEGIN ...-----` marker
    /// to the start of `-----END`, so reports locate the block at its BEGIN
    /// line and redact the body while the markers stay readable.
    pub range: Range<usize>,
    /// The key's base64 body without whitespace or escapes (its identity).
    pub body: String,
    pub kind: String,
}

const BEGIN: &str = "-----BEGIN ";
/// Base64 characters a real key body holds at least.
const MIN_BODY: usize = 64;
/// Bodies longer than this are not read further (a key is a few KiB).
const MAX_BLOCK: usize = 16 * 1024;

/// Finds private key blocks. `path` helps tell a Salesforce JWT key.
pub fn find(text: &str, path: &str) -> Vec<KeyBlock> {
    let mut blocks = Vec::new();
    let mut search_from = 0;
    while let Some(found) = text[search_from..].find(BEGIN) {
        let start = search_from + found;
        search_from = start + BEGIN.len();
        let header_end = match text[search_from..].find("-----") {
            Some(end) if end < 40 => search_from + end,
            _ => continue,
        };
        let label = &text[search_from..header_end];
        if !label.ends_with("PRIVATE KEY") && !label.ends_with("PRIVATE KEY BLOCK") {
            continue;
        }
        let body_start = header_end + 5;
        let window_end = (body_start + MAX_BLOCK).min(text.len());
        let window_end = crate::text::floor_char_boundary(text, window_end);
        let Some(end_at) = text[body_start..window_end].find("-----END") else {
            continue;
        };
        let end_marker = body_start + end_at;
        let block_end = text[end_marker + 8..]
            .find("-----")
            .map_or(end_marker + 8, |i| end_marker + 8 + i + 5);
        // Trailing whitespace and `\n` escapes belong to the markers' lines.
        let mut body = text[body_start..end_marker].trim_end();
        while let Some(rest) = body
            .strip_suffix("\\n")
            .or_else(|| body.strip_suffix("\\r"))
        {
            body = rest.trim_end();
        }
        let body_end = body_start + body.len();
        let key_material = key_body(&text[body_start..end_marker]);
        if key_material.len() < MIN_BODY || text[body_start..end_marker].contains("...") {
            continue;
        }
        let kind = label
            .trim_end_matches(" BLOCK")
            .trim_end_matches("PRIVATE KEY")
            .trim()
            .to_string();
        let detector = if kind == "OPENSSH" {
            &SSH_PRIVATE_KEY
        } else if salesforce_context(text, start, path) {
            &SALESFORCE_PRIVATE_KEY
        } else {
            &PRIVATE_KEY
        };
        blocks.push(KeyBlock {
            detector,
            range: body_start..body_end.max(body_start + 1),
            body: key_material,
            kind,
        });
        search_from = block_end;
    }
    blocks
}

/// The base64 of a key body: header lines (`Proc-Type: ...`), whitespace,
/// string quotes and `\n` escapes removed.
fn key_body(raw: &str) -> String {
    let unescaped = raw.replace("\\n", "\n").replace("\\r", "\n");
    unescaped
        .lines()
        .filter(|line| !line.contains(':'))
        .flat_map(|line| line.chars())
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect()
}

fn salesforce_context(text: &str, at: usize, path: &str) -> bool {
    let lower_path = path.to_ascii_lowercase();
    if ["salesforce", "sfdx", "force-app"]
        .iter()
        .any(|w| lower_path.contains(w))
    {
        return true;
    }
    let from = crate::text::floor_char_boundary(text, at.saturating_sub(600));
    let around = text[from..at].to_ascii_lowercase();
    ["salesforce", "sfdx", "force.com", "sf_jwt"]
        .iter()
        .any(|w| around.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmwIDAQABAoIBACiARq2wkltjtcjskFvZ7w1JAORHbEufEO1Eu27zOIlqbgyAcAl7q+/1bip4Z/x1IVES84/yTaM8p0goamMhvgry4mS8Sj";

    #[test]
    fn finds_keys_and_their_kinds() {
        let pem = format!(
            "key = \"\"\"-----BEGIN RSA PRIVATE KEY-----\n{BODY}\n-----END RSA PRIVATE KEY-----\"\"\"\n"
        );
        let found = find(&pem, "app/settings.py");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, "RSA");
        assert_eq!(found[0].detector.ids[0], "secrets/private-key@v1.0");
        assert!(pem[..found[0].range.start].ends_with("-----BEGIN RSA PRIVATE KEY-----"));
        assert!(pem[found[0].range.clone()].trim().ends_with("mS8Sj"));

        let escaped = format!(
            "{{\"key\": \"-----BEGIN PRIVATE KEY-----\\n{BODY}\\n-----END PRIVATE KEY-----\\n\"}}"
        );
        assert_eq!(
            find(&escaped, "config/sfdx/server.json")[0].detector.ids[0],
            "secrets/salesforce-private-key@v1.0"
        );
    }

    #[test]
    fn ignores_public_keys_and_elided_examples() {
        assert!(
            find(
                &format!("-----BEGIN PUBLIC KEY-----\n{BODY}\n-----END PUBLIC KEY-----\n"),
                "a"
            )
            .is_empty()
        );
        assert!(
            find(
                "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----\n",
                "a"
            )
            .is_empty()
        );
        assert!(
            find(
                "-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----\n",
                "a"
            )
            .is_empty()
        );
    }
}
