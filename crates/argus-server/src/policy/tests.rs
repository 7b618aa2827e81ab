//! Whole-document evaluation: effects, action and resource matching,
//! conditions in context, policy variables in resources.

use super::*;

const SCAN: &str = "arn:aws:codeguru-security:us-east-1:123456789012:scans/web-app";
const OTHER_SCAN: &str = "arn:aws:codeguru-security:us-east-1:123456789012:scans/api";

fn policy(statements: &str) -> Policy {
    Policy::parse(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#
    ))
    .unwrap()
}

fn request(action: &str, resource: &str, keys: &[(&str, &str)]) -> RequestContext {
    let mut context = RequestContext::new(action, resource);
    for (key, value) in keys {
        context.set(key, vec![value.to_string()]);
    }
    context
}

fn decide(p: &Policy, action: &str, resource: &str) -> Decision {
    evaluate(&[p], &request(action, resource, &[]))
}

#[test]
fn default_deny_and_explicit_deny_wins() {
    let empty: [&Policy; 0] = [];
    let ctx = request("codeguru-security:GetScan", SCAN, &[]);
    assert_eq!(evaluate(&empty, &ctx), Decision::ImplicitDeny);

    let allow = policy(r#"{"Effect": "Allow", "Action": "codeguru-security:*", "Resource": "*"}"#);
    let deny = policy(
        r#"{"Sid": "NoScans", "Effect": "Deny", "Action": "codeguru-security:GetScan", "Resource": "*"}"#,
    );
    assert_eq!(evaluate(&[&allow], &ctx), Decision::Allow);
    assert_eq!(evaluate(&[&allow, &deny], &ctx), Decision::ExplicitDeny);
    assert_eq!(evaluate(&[&deny, &allow], &ctx), Decision::ExplicitDeny);
    assert_eq!(evaluate(&[&deny], &ctx), Decision::ExplicitDeny);
    let other = request("codeguru-security:ListScans", "*", &[]);
    assert_eq!(evaluate(&[&allow, &deny], &other), Decision::Allow);

    // The same within one document, whatever the statement order.
    let both = policy(
        r#"{"Effect": "Allow", "Action": "*", "Resource": "*"},
           {"Effect": "Deny", "Action": "codeguru-security:Get*", "Resource": "*"}"#,
    );
    assert_eq!(evaluate(&[&both], &ctx), Decision::ExplicitDeny);

    let why = explain(&[&allow, &deny], &ctx);
    assert_eq!(why.decision, Decision::ExplicitDeny);
    assert_eq!(why.statement, Some((1, 0)));
    assert_eq!(why.sid.as_deref(), Some("NoScans"));
    let why = explain(&[&deny, &allow], &other);
    assert_eq!(
        (why.decision, why.statement, why.sid),
        (Decision::Allow, Some((1, 0)), None)
    );
    assert_eq!(explain(&empty, &ctx).statement, None);
    assert_eq!(Decision::ExplicitDeny.to_string(), "explicit deny");
}

#[test]
fn action_matching() {
    let table: &[(&str, &str, bool)] = &[
        ("*", "codeguru-security:CreateScan", true),
        ("codeguru-security:*", "codeguru-security:CreateScan", true),
        ("codeguru-security:*", "s3:GetObject", false),
        ("codeguru-security:Get*", "codeguru-security:GetScan", true),
        (
            "codeguru-security:Get*",
            "codeguru-security:ListScans",
            false,
        ),
        ("codeguru-security:get*", "codeguru-security:GetScan", true),
        (
            "CODEGURU-SECURITY:GETSCAN",
            "codeguru-security:GetScan",
            true,
        ),
        (
            "codeguru-security:GetScan",
            "codeguru-security:getscan",
            true,
        ),
        (
            "codeguru-security:GetScan",
            "codeguru-security:GetScans",
            false,
        ),
        (
            "codeguru-security:?etScan",
            "codeguru-security:GetScan",
            true,
        ),
        (
            "codeguru-security:List*s",
            "codeguru-security:ListScans",
            true,
        ),
        (
            "codeguru-security:List*s",
            "codeguru-security:ListFindingsMetrics",
            true,
        ),
        (
            "codeguru-security:List*s",
            "codeguru-security:ListTagsForResource",
            false,
        ),
        ("codeguru-*:GetScan", "codeguru-security:GetScan", true),
        (
            "codeguru-security:GetScan",
            "codeguru-reviewer:GetScan",
            false,
        ),
    ];
    for &(pattern, action, expected) in table {
        let p = policy(&format!(
            r#"{{"Effect": "Allow", "Action": "{pattern}", "Resource": "*"}}"#
        ));
        let want = if expected {
            Decision::Allow
        } else {
            Decision::ImplicitDeny
        };
        assert_eq!(decide(&p, action, "*"), want, "{pattern} ~ {action}");
        let not = policy(&format!(
            r#"{{"Effect": "Allow", "NotAction": "{pattern}", "Resource": "*"}}"#
        ));
        let want = if expected {
            Decision::ImplicitDeny
        } else {
            Decision::Allow
        };
        assert_eq!(decide(&not, action, "*"), want, "not {pattern} ~ {action}");
    }
}

#[test]
fn resource_matching() {
    let table: &[(&str, &str, bool)] = &[
        ("*", SCAN, true),
        ("*", "*", true),
        (SCAN, SCAN, true),
        (SCAN, OTHER_SCAN, false),
        ("arn:aws:codeguru-security:*:*:scans/*", SCAN, true),
        ("arn:aws:codeguru-security:*:*:scans/*", "*", false),
        (
            "arn:aws:codeguru-security:us-east-1:123456789012:scans/web-*",
            SCAN,
            true,
        ),
        (
            "arn:aws:codeguru-security:us-east-1:123456789012:scans/web-*",
            OTHER_SCAN,
            false,
        ),
        (
            "arn:aws:codeguru-security:us-east-1:123456789012:scans/???",
            OTHER_SCAN,
            true,
        ),
        // ARNs are case-sensitive.
        (
            "arn:aws:codeguru-security:us-east-1:123456789012:scans/Web-App",
            SCAN,
            false,
        ),
        ("arn:aws:codeguru-security:eu-*:*:scans/*", SCAN, false),
        (
            "arn:aws:codeguru-security:*:999999999999:scans/*",
            SCAN,
            false,
        ),
    ];
    for &(pattern, resource, expected) in table {
        let p = policy(&format!(
            r#"{{"Effect": "Allow", "Action": "*", "Resource": ["arn:aws:s3:::nothing", "{pattern}"]}}"#
        ));
        let want = if expected {
            Decision::Allow
        } else {
            Decision::ImplicitDeny
        };
        assert_eq!(
            decide(&p, "codeguru-security:GetScan", resource),
            want,
            "{pattern} ~ {resource}"
        );
        let not = policy(&format!(
            r#"{{"Effect": "Allow", "Action": "*", "NotResource": "{pattern}"}}"#
        ));
        let want = if expected {
            Decision::ImplicitDeny
        } else {
            Decision::Allow
        };
        assert_eq!(
            decide(&not, "codeguru-security:GetScan", resource),
            want,
            "not {pattern} ~ {resource}"
        );
    }
}

#[test]
fn deny_with_not_action_and_not_resource() {
    // Allow everything, but deny everything except reads, and any access to
    // scans outside `web-*`.
    let p = policy(
        r#"{"Effect": "Allow", "Action": "*", "Resource": "*"},
           {"Effect": "Deny", "NotAction": ["codeguru-security:Get*", "codeguru-security:List*"], "Resource": "*"},
           {"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:codeguru-security:*:*:scans/web-*"}"#,
    );
    let cases: &[(&str, &str, Decision)] = &[
        ("codeguru-security:GetScan", SCAN, Decision::Allow),
        ("codeguru-security:ListScans", SCAN, Decision::Allow),
        // `*` (no particular resource) is not a `web-*` scan.
        ("codeguru-security:ListScans", "*", Decision::ExplicitDeny),
        ("codeguru-security:CreateScan", SCAN, Decision::ExplicitDeny),
        (
            "codeguru-security:GetScan",
            OTHER_SCAN,
            Decision::ExplicitDeny,
        ),
    ];
    for &(action, resource, want) in cases {
        assert_eq!(decide(&p, action, resource), want, "{action} on {resource}");
    }
}

#[test]
fn conditions_in_statements() {
    // ABAC: only scans tagged with the caller's team, only over TLS, only
    // from the office network; never untag `team`.
    let p = policy(
        r#"{"Effect": "Allow", "Action": "codeguru-security:*", "Resource": "*",
            "Condition": {
              "StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"},
              "Bool": {"aws:SecureTransport": "true"},
              "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}}},
           {"Effect": "Deny", "Action": "codeguru-security:UntagResource", "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}}}"#,
    );
    let base = [
        ("aws:PrincipalTag/Team", "red"),
        ("aws:ResourceTag/TEAM", "red"),
        ("aws:SecureTransport", "true"),
        ("aws:SourceIp", "10.2.3.4"),
    ];
    let ok = request("codeguru-security:GetScan", SCAN, &base);
    assert_eq!(evaluate(&[&p], &ok), Decision::Allow);

    let mut wrong_team = base;
    wrong_team[1].1 = "blue";
    let mut plain_http = base;
    plain_http[2].1 = "false";
    let mut outside = base;
    outside[3].1 = "192.0.2.1";
    let mut v6 = base;
    v6[3].1 = "2001:db8::7";
    for (keys, want) in [
        (wrong_team, Decision::ImplicitDeny),
        (plain_http, Decision::ImplicitDeny),
        (outside, Decision::ImplicitDeny),
        (v6, Decision::Allow),
    ] {
        assert_eq!(
            evaluate(&[&p], &request("codeguru-security:GetScan", SCAN, &keys)),
            want,
            "{keys:?}"
        );
    }
    // No principal tag: the variable is unset, so nothing matches.
    let untagged = request("codeguru-security:GetScan", SCAN, &base[1..]);
    assert_eq!(evaluate(&[&p], &untagged), Decision::ImplicitDeny);

    let mut untag = request("codeguru-security:UntagResource", SCAN, &base);
    untag.set("aws:TagKeys", vec!["owner".into(), "team".into()]);
    assert_eq!(evaluate(&[&p], &untag), Decision::ExplicitDeny);
    untag.set("aws:TagKeys", vec!["owner".into()]);
    assert_eq!(evaluate(&[&p], &untag), Decision::Allow);
}

#[test]
fn policy_variables_in_resources() {
    let text = |version: &str| {
        format!(
            r#"{{{version}"Statement": {{"Effect": "Allow", "Action": "*",
                "Resource": "arn:aws:codeguru-security:*:*:scans/${{aws:username}}-*"}}}}"#
        )
    };
    let v2012 = Policy::parse(&text(r#""Version": "2012-10-17", "#)).unwrap();
    let v2008 = Policy::parse(&text("")).unwrap();
    let mine = "arn:aws:codeguru-security:us-east-1:1:scans/alice-web";
    let theirs = "arn:aws:codeguru-security:us-east-1:1:scans/bob-web";
    let alice = |resource| {
        request(
            "codeguru-security:GetScan",
            resource,
            &[("aws:username", "alice")],
        )
    };
    assert_eq!(evaluate(&[&v2012], &alice(mine)), Decision::Allow);
    assert_eq!(evaluate(&[&v2012], &alice(theirs)), Decision::ImplicitDeny);
    // Unset variable: no match.
    let anonymous = request("codeguru-security:GetScan", mine, &[]);
    assert_eq!(evaluate(&[&v2012], &anonymous), Decision::ImplicitDeny);
    // 2008-10-17: `${aws:username}` is literal text.
    assert_eq!(evaluate(&[&v2008], &alice(mine)), Decision::ImplicitDeny);
    let literal = "arn:aws:codeguru-security:us-east-1:1:scans/${aws:username}-web";
    assert_eq!(evaluate(&[&v2008], &alice(literal)), Decision::Allow);
    // A variable's value is literal: a `*` in it is no wildcard.
    let star = request(
        "codeguru-security:GetScan",
        theirs,
        &[("aws:username", "*")],
    );
    assert_eq!(evaluate(&[&v2012], &star), Decision::ImplicitDeny);
    // Escapes.
    let escaped = policy(
        r#"{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:codeguru-security:*:*:scans/a${*}"}"#,
    );
    let literal_star = "arn:aws:codeguru-security:us-east-1:1:scans/a*";
    assert_eq!(
        decide(&escaped, "codeguru-security:GetScan", literal_star),
        Decision::Allow
    );
    let other = "arn:aws:codeguru-security:us-east-1:1:scans/ab";
    assert_eq!(
        decide(&escaped, "codeguru-security:GetScan", other),
        Decision::ImplicitDeny
    );
}

#[test]
fn mfa_is_never_present() {
    let p = policy(
        r#"{"Effect": "Allow", "Action": "*", "Resource": "*"},
           {"Effect": "Deny", "Action": "codeguru-security:UpdateAccountConfiguration", "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
           {"Effect": "Deny", "Action": "codeguru-security:TagResource", "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}"#,
    );
    assert_eq!(
        decide(&p, "codeguru-security:UpdateAccountConfiguration", "*"),
        Decision::ExplicitDeny
    );
    // `Bool` on a missing key fails, so that Deny does not apply: the
    // classic IAM pitfall that `BoolIfExists` avoids.
    assert_eq!(
        decide(&p, "codeguru-security:TagResource", SCAN),
        Decision::Allow
    );
}

#[test]
fn actions_are_the_service_operations() {
    assert_eq!(ACTIONS.len(), 13);
    for action in ACTIONS {
        let (service, op) = action.split_once(':').unwrap();
        assert_eq!(service, SERVICE);
        assert!(op.chars().next().unwrap().is_ascii_uppercase(), "{action}");
    }
}

#[test]
fn fuzz_seed_corpus_is_consistent() {
    // Files named `valid-*` parse; all others are refused with an error.
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/policy_parse");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = Policy::parse(&text);
        if name.starts_with("valid-") {
            assert!(parsed.is_ok(), "{name}: {:?}", parsed.err());
        } else {
            assert!(parsed.is_err(), "{name} parsed");
        }
        seen += 1;
    }
    assert!(seen >= 20, "only {seen} seeds in {}", dir.display());
}

#[test]
fn mutated_seeds_never_panic() {
    // A cheap stand-in for the fuzz target: every truncation and many
    // one-character edits of every seed parse or fail cleanly, and whatever
    // parses also evaluates.
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/policy_parse");
    let mut context = request(
        "codeguru-security:GetScan",
        SCAN,
        &[
            ("aws:username", "alice"),
            ("aws:SourceIp", "10.0.0.1"),
            ("aws:CurrentTime", "2026-11-28T00:00:00Z"),
        ],
    );
    context.set("aws:TagKeys", vec!["team".into(), "env".into()]);
    let (mut parsed, mut refused) = (0, 0);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let mut mutants: Vec<String> = text
            .char_indices()
            .map(|(i, _)| text[..i].to_owned())
            .collect();
        for (i, c) in text.char_indices() {
            for replacement in ['"', '}', ']', '*', '$', '1'] {
                if replacement != c {
                    let mut m = text.clone();
                    m.replace_range(i..i + c.len_utf8(), &replacement.to_string());
                    mutants.push(m);
                }
            }
        }
        for mutant in mutants {
            match Policy::parse(&mutant) {
                Ok(p) => {
                    parsed += 1;
                    let _ = explain(&[&p], &context);
                    let _ = p.unmatched_action_patterns();
                }
                Err(e) => {
                    refused += 1;
                    assert!(!e.message().is_empty() && !e.path().is_empty());
                }
            }
        }
    }
    assert!(
        parsed > 100 && refused > 1000,
        "parsed {parsed}, refused {refused}"
    );
}
