//! What each fuzz target (`fuzz/fuzz_targets/`) does with its input,
//! defined once: the targets call these, and the tests that replay the
//! corpus in CI (`tests/fuzz_corpus.rs`) call the same. Each returns
//! whether the input was accepted, so a corpus can be checked to reach
//! both sides.

use crate::decode::decode_request;
use crate::policy::{Policy, RequestContext, evaluate};
use crate::sigv4::{canonical_request, parse_authorization, payload_hash, signature};

/// An `Authorization` header, then the same bytes as a request
/// (`method\npath\nquery\ndate\nname:value...`) to canonicalize and sign.
pub fn sigv4_authorization(data: &[u8]) -> bool {
    let text = String::from_utf8_lossy(data);
    let parsed = parse_authorization(&text);
    if let Ok(auth) = &parsed {
        assert_eq!(auth.signature.len(), 64);
    }
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
    assert_eq!(signature("secret", date, "us-east-1", &canonical).len(), 64);
    parsed.is_ok()
}

/// `METHOD PATH[?QUERY]`, a newline, the body: decoded as the handlers do.
pub fn request_decoding(data: &[u8]) -> bool {
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let (line, body) = data.split_at(split);
    let body = body.get(1..).unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let (method, target) = line.split_once(' ').unwrap_or(("GET", &line));
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    decode_request(method, path, query, body).is_ok()
}

/// A policy document: what parses is evaluated against a request with
/// tags, an address, a time and a user name.
pub fn policy_parse(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let Ok(policy) = Policy::parse(text) else {
        return false;
    };
    let mut context = RequestContext::new(
        "codeguru-security:CreateScan",
        "arn:aws:codeguru-security:us-east-1:123456789012:scans/demo",
    );
    context.set("aws:TagKeys", vec!["team".into(), "owner".into()]);
    context.set("aws:RequestTag/team", vec!["appsec".into()]);
    context.set("aws:SourceIp", vec!["127.0.0.1".into()]);
    context.set("aws:CurrentTime", vec!["2026-11-28T00:00:00Z".into()]);
    context.set("aws:username", vec!["alice".into()]);
    let _ = evaluate(&[&policy], &context);
    let _ = policy.unmatched_action_patterns();
    true
}
