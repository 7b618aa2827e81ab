//! The IAM policy parser and evaluator on arbitrary documents: parsing
//! never panics or overflows the stack, and whatever parses can be
//! evaluated against a request (conditions, variables, wildcards).
#![no_main]

use argus_server::policy::{Policy, RequestContext, evaluate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(policy) = Policy::parse(text) {
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
    }
});
