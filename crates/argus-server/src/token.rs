//! Pagination tokens: opaque, tamper-proof (HMAC-signed), bound to the
//! account and the request they continue, and reusable (the CLI re-sends a
//! token to resume `--max-items` output).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::ApiError;

const TOKEN_PREFIX: &str = "t1.";

/// Signs and checks tokens with the server's secret.
#[derive(Clone)]
pub struct Tokens {
    key: Vec<u8>,
}

impl Tokens {
    pub fn new(key: &[u8]) -> Tokens {
        Tokens { key: key.to_vec() }
    }

    fn mac(&self, scope: &str, cursor: &str) -> Vec<u8> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(scope.as_bytes());
        mac.update(b"\0");
        mac.update(cursor.as_bytes());
        mac.finalize().into_bytes()[..16].to_vec()
    }

    /// A token continuing `scope` (account + operation + filters) at `cursor`.
    /// The version prefix keeps a token from starting with `-`, which the
    /// AWS CLI would read as an option (`--next-token -x...`).
    pub fn issue(&self, scope: &str, cursor: &str) -> String {
        let mut raw = self.mac(scope, cursor);
        raw.extend_from_slice(cursor.as_bytes());
        format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(raw))
    }

    /// The cursor of a token, if it was issued for `scope`.
    pub fn open(&self, scope: &str, token: &str) -> Result<String, ApiError> {
        let invalid = || {
            ApiError::field(
                "nextToken",
                "is not a token this server issued for this request",
            )
        };
        if token.is_empty() || token.len() > 2048 {
            return Err(ApiError::field("nextToken", "must be 1 to 2048 characters"));
        }
        let body = token.strip_prefix(TOKEN_PREFIX).ok_or_else(invalid)?;
        let raw = URL_SAFE_NO_PAD.decode(body).map_err(|_| invalid())?;
        if raw.len() < 16 {
            return Err(invalid());
        }
        let (mac, cursor) = raw.split_at(16);
        let cursor = std::str::from_utf8(cursor).map_err(|_| invalid())?;
        let expected = self.mac(scope, cursor);
        if !crate::sigv4::signatures_match(&hex::encode(expected), &hex::encode(mac)) {
            return Err(invalid());
        }
        Ok(cursor.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_resist_tampering() {
        let tokens = Tokens::new(b"secret");
        let token = tokens.issue("123456789012/GetFindings/demo/Open", "42");
        assert_eq!(
            tokens
                .open("123456789012/GetFindings/demo/Open", &token)
                .unwrap(),
            "42"
        );
        assert!(
            tokens
                .open("210987654321/GetFindings/demo/Open", &token)
                .is_err(),
            "another account"
        );
        assert!(
            tokens
                .open("123456789012/GetFindings/demo/All", &token)
                .is_err(),
            "another filter"
        );
        assert!(
            token.starts_with(TOKEN_PREFIX),
            "never starts with '-': {token}"
        );
        let mut tampered = URL_SAFE_NO_PAD
            .decode(&token[TOKEN_PREFIX.len()..])
            .unwrap();
        *tampered.last_mut().unwrap() = b'9';
        let tampered = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(tampered));
        assert!(
            tokens
                .open("123456789012/GetFindings/demo/Open", &tampered)
                .is_err()
        );
        assert!(
            Tokens::new(b"other")
                .open("123456789012/GetFindings/demo/Open", &token)
                .is_err()
        );
    }
}
