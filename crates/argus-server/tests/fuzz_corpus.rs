//! Replays the fuzz corpora of the server's parsers (and any crash the
//! fuzzer saved under fuzz/artifacts/) exactly as the fuzz targets feed
//! them: CI checks every known input without a nightly toolchain.

use std::path::{Path, PathBuf};

use argus_server::decode::decode_request;
use argus_server::policy::{Policy, RequestContext, evaluate};
use argus_server::sigv4::{canonical_request, parse_authorization, payload_hash, signature};

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [
        fuzz.join("corpus").join(target),
        fuzz.join("artifacts").join(target),
    ] {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            files.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
        }
    }
    files.sort();
    assert!(files.len() >= 20, "the seed corpus of {target} is missing");
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

/// fuzz_targets/sigv4_authorization.rs
fn sigv4_authorization(data: &[u8]) -> bool {
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

/// fuzz_targets/request_decoding.rs
fn request_decoding(data: &[u8]) -> bool {
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

/// fuzz_targets/policy_parse.rs
fn policy_parse(data: &[u8]) -> bool {
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

fn replay(target: &str, run: fn(&[u8]) -> bool) {
    let outcomes: Vec<(String, bool)> = inputs(target)
        .into_iter()
        .map(|(name, data)| {
            let ok = std::panic::catch_unwind(|| run(&data))
                .unwrap_or_else(|_| panic!("{name} panicked"));
            (name, ok)
        })
        .collect();
    // The seeds reach both sides: accepted and refused inputs.
    assert!(outcomes.iter().any(|(_, ok)| *ok), "{outcomes:?}");
    assert!(outcomes.iter().any(|(_, ok)| !ok), "{outcomes:?}");
}

#[test]
fn sigv4_authorization_corpus() {
    replay("sigv4_authorization", sigv4_authorization);
}

#[test]
fn request_decoding_corpus() {
    replay("request_decoding", request_decoding);
}

#[test]
fn policy_parse_corpus() {
    replay("policy_parse", policy_parse);
}
