//! SigV4 on arbitrary input: the `Authorization` header parser, then the
//! canonical request and signature of a request built from the same bytes
//! (method, path, query, header values are all client-controlled).
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body is `argus_server::fuzzing::sigv4_authorization`, which CI's corpus replay
// runs too.
fuzz_target!(|data: &[u8]| {
    let _ = argus_server::fuzzing::sigv4_authorization(data);
});
