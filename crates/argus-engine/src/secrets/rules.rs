//! Provider token rules: for each kind, the literal fragments that
//! prefilter it, the pattern that extracts the value (group `secret`), and
//! the grammar check the value must pass.

use super::detectors::*;
use super::validate::{
    decode_base64, entropy, github_checksum_ok, is_placeholder, is_random, jwt_claims,
};
use crate::detectors::DetectorSpec;

/// One kind of provider token.
pub struct Rule {
    pub detector: &'static DetectorSpec,
    /// One of these occurs in every match (case-insensitively unless
    /// `exact`).
    pub keywords: &'static [&'static str],
    /// Keywords are case-sensitive token prefixes.
    pub exact: bool,
    /// A regular expression with a `secret` group holding the value.
    pub pattern: &'static str,
    /// Grammar and randomness check of the value.
    pub valid: fn(&str) -> bool,
}

/// `<name>` then an assignment-like separator, then the value in group
/// `secret` (quoted or not). `$name` is a case-insensitive fragment that
/// must occur in the key; the value pattern keeps its own case.
macro_rules! keyed {
    ($name:literal, $value:literal) => {
        concat!(
            r#"(?i:[\w.\-]*"#,
            $name,
            r#"[\w.\-]*)["'\]]?[ \t]*(?:=>|:=|=|:|\s+value\s*=)[ \t]*["'`]?(?P<secret>"#,
            $value,
            r#")(?:[^\w/+=.\-]|$)"#
        )
    };
}

/// Value bounded by non-token characters.
macro_rules! token {
    ($value:literal) => {
        concat!(
            r#"(?:^|[^\w/+.\-])(?P<secret>"#,
            $value,
            r#")(?:[^\w/+=\-]|$)"#
        )
    };
}

fn hex_random(value: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_hexdigit()) && is_random(value, 3.0)
}

pub static RULES: &[Rule] = &[
    Rule {
        detector: &AWS_SECRET_ACCESS_KEY,
        keywords: &[
            "secret_access_key",
            "secretaccesskey",
            "aws_secret",
            "secret-access-key",
            "aws_secret_key",
        ],
        exact: false,
        pattern: keyed!(
            r#"(?:aws_?secret_?access_?key|secret_?access_?key|aws_?secret_?key|secret-access-key)"#,
            r#"[A-Za-z0-9/+]{40}"#
        ),
        valid: |v| is_random(v, 4.0),
    },
    Rule {
        detector: &ATLASSIAN_API_TOKEN,
        keywords: &["ATATT3"],
        exact: true,
        pattern: token!(r#"ATATT3[A-Za-z0-9_\-=]{150,220}"#),
        valid: |v| is_random(v, 4.0),
    },
    Rule {
        detector: &ATLASSIAN_API_TOKEN,
        keywords: &["jira", "confluence", "atlassian"],
        exact: false,
        pattern: keyed!(
            r#"(?:jira|confluence|atlassian)[\w.\-]*(?:token|api_?key)"#,
            r#"[A-Za-z0-9]{24}"#
        ),
        valid: |v| is_random(v, 3.5),
    },
    Rule {
        detector: &ATLASSIAN_JWT,
        keywords: &["eyJ"],
        exact: true,
        pattern: token!(r#"eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{16,}"#),
        valid: |v| jwt_claims(v).is_some_and(|claims| claims.get("qsh").is_some()),
    },
    Rule {
        detector: &BITBUCKET_SERVER_PAT,
        keywords: &["BBDC-"],
        exact: true,
        pattern: token!(r#"BBDC-[A-Za-z0-9+/@_\-]{40,50}"#),
        valid: |v| is_random(&v[5..], 4.0),
    },
    Rule {
        detector: &DATABRICKS_TOKEN,
        keywords: &["dapi"],
        exact: true,
        pattern: token!(r#"dapi[a-f0-9]{32}(?:-[0-9])?"#),
        valid: |v| hex_random(&v[4..36]),
    },
    Rule {
        detector: &DATADOG_API_KEY,
        keywords: &["datadog", "dd_api", "dd-api", "ddapi"],
        exact: false,
        pattern: keyed!(
            r#"(?:datadog|dd)[_\-.]?(?:api)[_\-.]?key"#,
            r#"[a-f0-9]{32}"#
        ),
        valid: hex_random,
    },
    Rule {
        detector: &DATADOG_APP_KEY,
        keywords: &["datadog", "dd_app", "dd-app", "ddapp"],
        exact: false,
        pattern: keyed!(
            r#"(?:datadog|dd)[_\-.]?(?:app|application)[_\-.]?key"#,
            r#"[a-f0-9]{40}"#
        ),
        valid: hex_random,
    },
    Rule {
        detector: &GITHUB_PAT,
        keywords: &["ghp_"],
        exact: true,
        pattern: token!(r#"ghp_[A-Za-z0-9]{36}"#),
        valid: github_checksum_ok,
    },
    Rule {
        detector: &GITHUB_PAT,
        keywords: &["github_pat_"],
        exact: true,
        pattern: token!(r#"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}"#),
        valid: |v| is_random(&v[11..], 4.0),
    },
    Rule {
        detector: &GITHUB_OAUTH,
        keywords: &["gho_"],
        exact: true,
        pattern: token!(r#"gho_[A-Za-z0-9]{36}"#),
        valid: github_checksum_ok,
    },
    Rule {
        detector: &GITHUB_REFRESH,
        keywords: &["ghr_"],
        exact: true,
        pattern: token!(r#"ghr_[A-Za-z0-9]{36}"#),
        valid: github_checksum_ok,
    },
    Rule {
        detector: &GITHUB_APP_TOKEN,
        keywords: &["ghs_", "ghu_"],
        exact: true,
        pattern: token!(r#"gh[su]_[A-Za-z0-9]{36}"#),
        valid: github_checksum_ok,
    },
    Rule {
        detector: &SALESFORCE_PRIVATE_KEY,
        keywords: &["00D"],
        exact: true,
        pattern: token!(r#"00D[A-Za-z0-9]{12,15}![A-Za-z0-9_.]{80,120}"#),
        valid: |v| v.split_once('!').is_some_and(|(_, s)| is_random(s, 4.0)),
    },
    Rule {
        detector: &INTERCOM_TOKEN,
        keywords: &["dG9rO"],
        exact: true,
        pattern: token!(r#"dG9rO[A-Za-z0-9+/]{40,90}={0,2}"#),
        valid: |v| decode_base64(v).is_some_and(|d| d.starts_with(b"tok:") && d.len() > 20),
    },
    Rule {
        detector: &MAILCHIMP_KEY,
        keywords: &["-us"],
        exact: true,
        pattern: token!(r#"[a-f0-9]{32}-us[0-9]{1,2}"#),
        valid: |v| hex_random(&v[..32]),
    },
    Rule {
        detector: &MAILGUN_KEY,
        keywords: &["key-"],
        exact: true,
        pattern: token!(r#"key-[a-z0-9]{32}"#),
        valid: |v| is_random(&v[4..], 3.5),
    },
    Rule {
        detector: &MAILGUN_KEY,
        keywords: &["mailgun", "mg_"],
        exact: false,
        pattern: keyed!(
            r#"(?:mailgun|mg)[_\-.]?(?:api)?[_\-.]?key"#,
            r#"[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}"#
        ),
        valid: |v| hex_random(&v[..32]),
    },
    Rule {
        detector: &SENDGRID_KEY,
        keywords: &["SG."],
        exact: true,
        pattern: token!(r#"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}"#),
        valid: |v| is_random(&v[3..], 4.0),
    },
    Rule {
        detector: &SHOPIFY_SHARED_SECRET,
        keywords: &["shpss_"],
        exact: true,
        pattern: token!(r#"shpss_[a-fA-F0-9]{32}"#),
        valid: |v| hex_random(&v[6..]),
    },
    Rule {
        detector: &SHOPIFY_ACCESS_TOKEN,
        keywords: &["shpat_"],
        exact: true,
        pattern: token!(r#"shpat_[a-fA-F0-9]{32}"#),
        valid: |v| hex_random(&v[6..]),
    },
    Rule {
        detector: &SHOPIFY_CUSTOM_APP_TOKEN,
        keywords: &["shpca_"],
        exact: true,
        pattern: token!(r#"shpca_[a-fA-F0-9]{32}"#),
        valid: |v| hex_random(&v[6..]),
    },
    Rule {
        detector: &SHOPIFY_PRIVATE_APP_PASSWORD,
        keywords: &["shppa_"],
        exact: true,
        pattern: token!(r#"shppa_[a-fA-F0-9]{32}"#),
        valid: |v| hex_random(&v[6..]),
    },
    Rule {
        detector: &SLACK_TOKEN,
        keywords: &["xox", "xapp-"],
        exact: true,
        pattern: token!(
            r#"(?:xox[baprse]-[0-9]{6,15}-[0-9A-Za-z\-]{8,90}|xapp-[0-9]-[A-Z0-9]{8,15}-[0-9]{6,15}-[a-f0-9]{32,80})"#
        ),
        valid: |v| {
            let tail = v.rsplit('-').next().unwrap_or(v);
            tail.len() >= 8 && is_random(tail, 3.0)
        },
    },
    Rule {
        detector: &SLACK_WEBHOOK,
        keywords: &["hooks.slack.com"],
        exact: true,
        pattern: r#"(?P<secret>https://hooks\.slack\.com/(?:services|workflows)/T[A-Z0-9]{6,12}/[AB][A-Z0-9]{6,12}/[A-Za-z0-9]{20,32})"#,
        valid: |v| v.rsplit('/').next().is_some_and(|s| is_random(s, 3.5)),
    },
    Rule {
        detector: &SLACK_CLIENT_ID,
        keywords: &["slack"],
        exact: false,
        pattern: keyed!(
            r#"slack[\w.\-]*client[_\-.]?id"#,
            r#"[0-9]{9,13}\.[0-9]{9,13}"#
        ),
        valid: |v| !is_placeholder(v),
    },
    Rule {
        detector: &SLACK_CLIENT_SECRET,
        keywords: &["slack"],
        exact: false,
        pattern: keyed!(
            r#"slack[\w.\-]*(?:client|signing)[_\-.]?secret"#,
            r#"[a-f0-9]{32}"#
        ),
        valid: hex_random,
    },
    Rule {
        detector: &STRIPE_SECRET_KEY,
        keywords: &["sk_live_", "sk_test_"],
        exact: true,
        pattern: token!(r#"sk_(?:live|test)_[0-9A-Za-z]{24,99}"#),
        valid: |v| is_random(&v[8..], 3.5),
    },
    Rule {
        detector: &STRIPE_RESTRICTED_KEY,
        keywords: &["rk_live_", "rk_test_"],
        exact: true,
        pattern: token!(r#"rk_(?:live|test)_[0-9A-Za-z]{24,99}"#),
        valid: |v| is_random(&v[8..], 3.5),
    },
    Rule {
        detector: &STRIPE_WEBHOOK_SECRET,
        keywords: &["whsec_"],
        exact: true,
        pattern: token!(r#"whsec_[A-Za-z0-9+/]{32,64}"#),
        valid: |v| is_random(&v[6..], 3.5),
    },
    Rule {
        detector: &TABLEAU_PAT,
        keywords: &["==:"],
        exact: true,
        pattern: token!(r#"[A-Za-z0-9+/]{22}==:[A-Za-z0-9]{32}"#),
        valid: |v| {
            v.split_once("==:")
                .is_some_and(|(a, b)| is_random(a, 3.5) && is_random(b, 3.5))
        },
    },
    Rule {
        detector: &TELEGRAM_BOT_TOKEN,
        keywords: &[":AA"],
        exact: true,
        pattern: token!(r#"[0-9]{8,10}:AA[A-Za-z0-9_\-]{33}"#),
        valid: |v| v.split_once(':').is_some_and(|(_, s)| is_random(s, 3.5)),
    },
    Rule {
        detector: &TWILIO_ACCOUNT_SID,
        keywords: &["AC"],
        exact: true,
        pattern: token!(r#"AC[a-f0-9]{32}"#),
        valid: |v| hex_random(&v[2..]),
    },
    Rule {
        detector: &TWILIO_API_KEY,
        keywords: &["SK"],
        exact: true,
        pattern: token!(r#"SK[a-f0-9]{32}"#),
        valid: |v| hex_random(&v[2..]),
    },
    Rule {
        detector: &TWILIO_API_KEY,
        keywords: &["twilio"],
        exact: false,
        pattern: keyed!(
            r#"twilio[\w.\-]*(?:auth[_\-.]?token|api[_\-.]?secret|secret)"#,
            r#"[a-zA-Z0-9]{32}"#
        ),
        valid: |v| is_random(v, 3.2),
    },
];

/// AWS access key ids (reported only beside a secret access key).
pub const AWS_ACCESS_KEY_ID_PATTERN: &str =
    r#"(?:^|[^A-Z0-9])(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?:[^A-Z0-9]|$)"#;

/// Whether an AWS access key id is real-looking.
pub fn aws_access_key_id_ok(value: &str) -> bool {
    !is_placeholder(value) && entropy(&value[4..]) >= 2.5
}
