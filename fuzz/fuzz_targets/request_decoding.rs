//! API request decoding on arbitrary input: the first line is
//! `METHOD PATH[?QUERY]`, the rest the body. Every input decodes or is a
//! validation error; nothing panics.
#![no_main]

use argus_server::decode::decode_request;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let (line, body) = data.split_at(split);
    let body = body.get(1..).unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let (method, target) = line.split_once(' ').unwrap_or(("GET", &line));
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    let _ = decode_request(method, path, query, body);
});
