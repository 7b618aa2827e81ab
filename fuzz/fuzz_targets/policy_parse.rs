//! The IAM policy parser and evaluator on arbitrary documents: parsing
//! never panics or overflows the stack, and whatever parses can be
//! evaluated against a request (conditions, variables, wildcards).
#![no_main]

use libfuzzer_sys::fuzz_target;

// The body is `argus_server::fuzzing::policy_parse`, which CI's corpus replay
// runs too.
fuzz_target!(|data: &[u8]| {
    let _ = argus_server::fuzzing::policy_parse(data);
});
