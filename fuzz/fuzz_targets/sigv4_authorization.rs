//! SigV4 on arbitrary input: the `Authorization` header parser, then the
//! canonical request and signature of a request built from the same bytes
//! (method, path, query, header values are all client-controlled).
#![no_main]

use argus_server::sigv4::{canonical_request, parse_authorization, payload_hash, signature};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(auth) = parse_authorization(&text) {
        assert_eq!(auth.signature.len(), 64);
    }
    // The same bytes as a request: `method\npath\nquery\ndate\nheader...`.
    let mut lines = text.split('\n');
    let method = lines.next().unwrap_or("GET");
    let path = lines.next().unwrap_or("/");
    let query = lines.next();
    let date = lines.next().unwrap_or("");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
        .collect();
    let canonical = canonical_request(method, path, query, &headers, &payload_hash(data));
    let _ = signature("secret", date, "us-east-1", &canonical);
});
