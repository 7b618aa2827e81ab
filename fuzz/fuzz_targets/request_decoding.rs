//! API request decoding on arbitrary input: the first line is
//! `METHOD PATH[?QUERY]`, the rest the body. Every input decodes or is a
//! validation error; nothing panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body is `argus_server::fuzzing::request_decoding`, which CI's corpus replay
// runs too.
fuzz_target!(|data: &[u8]| {
    let _ = argus_server::fuzzing::request_decoding(data);
});
