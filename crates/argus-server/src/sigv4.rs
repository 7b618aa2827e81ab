//! AWS Signature Version 4 for the `codeguru-security` service: verifying
//! requests (the server) and signing them (`argus remote`). Both sides
//! share the canonical request, so they cannot drift apart.
//!
//! The canonical URI is the path as received (still percent-encoded)
//! encoded once more with `/` kept — the non-S3 "double encoding" botocore
//! signs; the canonical query is decoded and re-encoded with RFC 3986.

use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The service name in credential scopes.
pub const SERVICE: &str = "codeguru-security";
const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// RFC 3986 unreserved characters stay; everything else is encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
/// Path encoding keeps `/` as well.
const PATH: &AsciiSet = &UNRESERVED.remove(b'/');

/// The parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key_id: String,
    /// `yyyymmdd`
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Why a request's signature is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("Authorization header is malformed: {0}")]
    Malformed(String),
    #[error("{0}")]
    Scope(String),
    #[error("{0}")]
    MissingHeader(String),
    #[error(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."
    )]
    Mismatch,
}

/// Parses `AWS4-HMAC-SHA256 Credential=.../.../.../.../aws4_request,
/// SignedHeaders=a;b, Signature=hex`.
pub fn parse_authorization(header: &str) -> Result<Authorization, SignatureError> {
    let rest = header
        .strip_prefix(ALGORITHM)
        .ok_or_else(|| SignatureError::Malformed(format!("only {ALGORITHM} is supported")))?
        .trim();
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (key, value) = part.trim().split_once('=').ok_or_else(|| {
            SignatureError::Malformed(format!("'{}' is not key=value", part.trim()))
        })?;
        let slot = match key {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            other => {
                return Err(SignatureError::Malformed(format!(
                    "unknown component '{other}'"
                )));
            }
        };
        if slot.replace(value.to_string()).is_some() {
            return Err(SignatureError::Malformed(format!("'{key}' appears twice")));
        }
    }
    let credential =
        credential.ok_or_else(|| SignatureError::Malformed("Credential is missing".into()))?;
    let signed_headers = signed_headers
        .ok_or_else(|| SignatureError::Malformed("SignedHeaders is missing".into()))?;
    let signature =
        signature.ok_or_else(|| SignatureError::Malformed("Signature is missing".into()))?;
    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = parts.as_slice() else {
        return Err(SignatureError::Malformed(
            "Credential must be <key>/<date>/<region>/<service>/aws4_request".into(),
        ));
    };
    if *terminator != "aws4_request" {
        return Err(SignatureError::Scope(
            "Credential scope must end with aws4_request".into(),
        ));
    }
    let headers: Vec<String> = signed_headers.split(';').map(str::to_string).collect();
    let mut sorted = headers.clone();
    sorted.sort();
    sorted.dedup();
    if sorted != headers
        || headers
            .iter()
            .any(|h| h.is_empty() || h.to_ascii_lowercase() != *h)
    {
        return Err(SignatureError::Malformed(
            "SignedHeaders must be lower-case, sorted and unique".into(),
        ));
    }
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SignatureError::Malformed(
            "Signature must be 64 hexadecimal characters".into(),
        ));
    }
    Ok(Authorization {
        access_key_id: access_key_id.to_string(),
        date: date.to_string(),
        region: region.to_string(),
        service: service.to_string(),
        signed_headers: headers,
        signature,
    })
}

/// `METHOD\nURI\nQUERY\nHEADERS\nSIGNED\nPAYLOAD` for a request.
/// `raw_path` and `raw_query` are as they appear on the wire;
/// `headers` are (lower-case name, value) for every signed header.
pub fn canonical_request(
    method: &str,
    raw_path: &str,
    raw_query: Option<&str>,
    headers: &[(String, String)],
    payload_sha256: &str,
) -> String {
    let uri =
        utf8_percent_encode(if raw_path.is_empty() { "/" } else { raw_path }, PATH).to_string();
    let mut pairs: Vec<(String, String)> = raw_query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (
                utf8_percent_encode(&decode(k), UNRESERVED).to_string(),
                utf8_percent_encode(&decode(v), UNRESERVED).to_string(),
            )
        })
        .collect();
    pairs.sort();
    let query = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let mut canonical_headers = String::new();
    let mut names = Vec::new();
    for (name, value) in headers {
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(&value.split_whitespace().collect::<Vec<_>>().join(" "));
        canonical_headers.push('\n');
        names.push(name.as_str());
    }
    format!(
        "{method}\n{uri}\n{query}\n{canonical_headers}\n{}\n{payload_sha256}",
        names.join(";")
    )
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The signature of a canonical request.
pub fn signature(secret: &str, amz_date: &str, region: &str, canonical_request: &str) -> String {
    // The client's header: not necessarily ASCII, nor eight bytes long.
    let date = amz_date.get(..8).unwrap_or(amz_date);
    let scope = format!("{date}/{region}/{SERVICE}/aws4_request");
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date);
    let k_region = hmac(&k_date, region);
    let k_service = hmac(&k_region, SERVICE);
    let k_signing = hmac(&k_service, "aws4_request");
    hex::encode(hmac(&k_signing, &string_to_sign))
}

/// Hex SHA-256 of a body.
pub fn payload_hash(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// Constant-time comparison of two signatures.
pub fn signatures_match(expected: &str, given: &str) -> bool {
    expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// What a client signs besides the request line and body.
#[derive(Debug, Clone, Copy, Default)]
pub struct SigningHeaders<'a> {
    pub host: &'a str,
    pub content_type: Option<&'a str>,
    /// The session token of temporary credentials (signed as
    /// `x-amz-security-token`, as botocore does).
    pub session_token: Option<&'a str>,
}

/// The `authorization` header that signs a request (for clients); the
/// caller also sends `x-amz-date: amz_date` and, with temporary
/// credentials, `x-amz-security-token`.
#[allow(clippy::too_many_arguments)]
pub fn sign(
    access_key_id: &str,
    secret: &str,
    region: &str,
    amz_date: &str,
    method: &str,
    raw_path: &str,
    raw_query: Option<&str>,
    host: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> String {
    sign_request(
        access_key_id,
        secret,
        region,
        amz_date,
        (method, raw_path, raw_query),
        SigningHeaders {
            host,
            content_type,
            session_token: None,
        },
        body,
    )
}

/// [`sign`] with every signed header spelled out.
pub fn sign_request(
    access_key_id: &str,
    secret: &str,
    region: &str,
    amz_date: &str,
    (method, raw_path, raw_query): (&str, &str, Option<&str>),
    signing: SigningHeaders<'_>,
    body: &[u8],
) -> String {
    let mut headers = Vec::new();
    if let Some(ct) = signing.content_type {
        headers.push(("content-type".to_string(), ct.to_string()));
    }
    headers.push(("host".to_string(), signing.host.to_string()));
    headers.push(("x-amz-date".to_string(), amz_date.to_string()));
    if let Some(token) = signing.session_token {
        headers.push(("x-amz-security-token".to_string(), token.to_string()));
    }
    let canonical = canonical_request(method, raw_path, raw_query, &headers, &payload_hash(body));
    let sig = signature(secret, amz_date, region, &canonical);
    let signed: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    format!(
        "{ALGORITHM} Credential={access_key_id}/{}/{region}/{SERVICE}/aws4_request, SignedHeaders={}, Signature={sig}",
        amz_date.get(..8).unwrap_or(amz_date),
        signed.join(";")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_recorded_header() {
        let auth = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/codeguru-security/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=3349000000000000000000000000000000000000000000000000000000034df",
        );
        assert!(
            matches!(auth, Err(SignatureError::Malformed(_))),
            "63 hex characters"
        );
        let auth = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/codeguru-security/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=33490000000000000000000000000000000000000000000000000000000034df",
        )
        .unwrap();
        assert_eq!(auth.access_key_id, "AKIDEXAMPLE");
        assert_eq!(auth.signed_headers, ["content-type", "host", "x-amz-date"]);
        assert!(parse_authorization("AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, SignedHeaders=host;host, Signature=00").is_err());
    }

    #[test]
    fn double_encodes_the_path_and_sorts_the_query() {
        let canonical = canonical_request(
            "DELETE",
            "/tags/arn%3Aaws%3Acodeguru-security%3Aus-east-1%3A123456789012%3Ascans%2Fdemo",
            Some("tagKeys=owner&tagKeys=cost"),
            &[
                ("host".into(), "127.0.0.1:8080".into()),
                ("x-amz-date".into(), "20261126T054522Z".into()),
            ],
            &payload_hash(b""),
        );
        let lines: Vec<&str> = canonical.lines().collect();
        assert_eq!(
            lines[1],
            "/tags/arn%253Aaws%253Acodeguru-security%253Aus-east-1%253A123456789012%253Ascans%252Fdemo"
        );
        assert_eq!(lines[2], "tagKeys=cost&tagKeys=owner");
        assert_eq!(
            lines.last().unwrap(),
            &"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn signing_and_verifying_agree() {
        let header = sign(
            "AKID",
            "secret",
            "us-east-1",
            "20261126T054522Z",
            "POST",
            "/uploadUrl",
            None,
            "127.0.0.1:8080",
            Some("application/json"),
            b"{\"scanName\": \"x\"}",
        );
        let auth = parse_authorization(&header).unwrap();
        let canonical = canonical_request(
            "POST",
            "/uploadUrl",
            None,
            &[
                ("content-type".into(), "application/json".into()),
                ("host".into(), "127.0.0.1:8080".into()),
                ("x-amz-date".into(), "20261126T054522Z".into()),
            ],
            &payload_hash(b"{\"scanName\": \"x\"}"),
        );
        assert!(signatures_match(
            &signature("secret", "20261126T054522Z", "us-east-1", &canonical),
            &auth.signature
        ));
        assert!(!signatures_match(
            &signature("other", "20261126T054522Z", "us-east-1", &canonical),
            &auth.signature
        ));
    }
}
