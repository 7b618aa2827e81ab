//! Replays the fuzz corpora of the server's parsers (and any crash the
//! fuzzer saved under fuzz/artifacts/) exactly as the fuzz targets feed
//! them: CI checks every known input without a nightly toolchain.

use std::path::{Path, PathBuf};

use argus_server::fuzzing::{policy_parse, request_decoding, sigv4_authorization};

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
