//! The AWS managed policies of CodeGuru Security, as the user guide gives
//! them ("AWS managed policies for Amazon CodeGuru Security"): both documents
//! are shown there in full and are reproduced here verbatim.

use std::sync::LazyLock;

use super::document::Policy;

/// The names of the built-in managed policies.
pub const MANAGED_POLICY_NAMES: &[&str] = &[
    "AmazonCodeGuruSecurityFullAccess",
    "AmazonCodeGuruSecurityScanAccess",
];

const ARN_PREFIX: &str = "arn:aws:iam::aws:policy/";

const FULL_ACCESS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AmazonCodeGuruSecurityFullAccess",
      "Effect": "Allow",
      "Action": [
        "codeguru-security:*"
      ],
      "Resource": "*"
    }
  ]
}"#;

const SCAN_ACCESS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AmazonCodeGuruSecurityScanAccess",
      "Effect": "Allow",
      "Action": [
        "codeguru-security:CreateScan",
        "codeguru-security:CreateUploadUrl",
        "codeguru-security:GetScan",
        "codeguru-security:GetFindings"
      ],
      "Resource": "arn:aws:codeguru-security:*:*:scans/*"
    }
  ]
}"#;

// The texts are constants checked by the tests below, so parsing cannot fail.
static FULL: LazyLock<Policy> =
    LazyLock::new(|| Policy::parse(FULL_ACCESS).expect("the built-in FullAccess policy parses"));
static SCAN: LazyLock<Policy> =
    LazyLock::new(|| Policy::parse(SCAN_ACCESS).expect("the built-in ScanAccess policy parses"));

/// A built-in managed policy, by name (`AmazonCodeGuruSecurityScanAccess`)
/// or ARN (`arn:aws:iam::aws:policy/AmazonCodeGuruSecurityScanAccess`).
/// Names are case-sensitive, as in IAM ARNs.
pub fn managed_policy(name_or_arn: &str) -> Option<&'static Policy> {
    let name = name_or_arn.strip_prefix(ARN_PREFIX).unwrap_or(name_or_arn);
    match name {
        "AmazonCodeGuruSecurityFullAccess" => Some(&FULL),
        "AmazonCodeGuruSecurityScanAccess" => Some(&SCAN),
        _ => None,
    }
}

/// The ARN of a managed policy: `arn:aws:iam::aws:policy/<name>`.
pub fn managed_policy_arn(name: &str) -> String {
    format!("{ARN_PREFIX}{name}")
}

#[cfg(test)]
mod tests {
    use super::super::{ACTIONS, Decision, RequestContext, evaluate};
    use super::*;

    const SCAN_ARN: &str = "arn:aws:codeguru-security:us-east-1:123456789012:scans/my-scan";

    fn decide(policy: &Policy, action: &str, resource: &str) -> Decision {
        evaluate(&[policy], &RequestContext::new(action, resource))
    }

    #[test]
    fn found_by_name_and_arn() {
        for name in MANAGED_POLICY_NAMES {
            let by_name = managed_policy(name).unwrap();
            let by_arn = managed_policy(&managed_policy_arn(name)).unwrap();
            assert!(std::ptr::eq(by_name, by_arn));
            assert!(by_name.to_json().contains(&format!("\"Sid\": \"{name}\"")));
            assert!(by_name.unmatched_action_patterns().is_empty());
        }
        assert_eq!(
            managed_policy_arn("AmazonCodeGuruSecurityFullAccess"),
            "arn:aws:iam::aws:policy/AmazonCodeGuruSecurityFullAccess"
        );
        assert!(managed_policy("amazoncodegurusecurityfullaccess").is_none());
        assert!(
            managed_policy("arn:aws:iam::123456789012:policy/AmazonCodeGuruSecurityFullAccess")
                .is_none()
        );
        assert!(managed_policy("AdministratorAccess").is_none());
    }

    #[test]
    fn full_access_allows_every_operation() {
        let full = managed_policy("AmazonCodeGuruSecurityFullAccess").unwrap();
        for action in ACTIONS {
            assert_eq!(decide(full, action, "*"), Decision::Allow, "{action}");
            assert_eq!(decide(full, action, SCAN_ARN), Decision::Allow, "{action}");
        }
        assert_eq!(decide(full, "s3:GetObject", "*"), Decision::ImplicitDeny);
    }

    #[test]
    fn scan_access_allows_scan_work_on_scans_only() {
        let scan = managed_policy("AmazonCodeGuruSecurityScanAccess").unwrap();
        let allowed = [
            "codeguru-security:CreateScan",
            "codeguru-security:CreateUploadUrl",
            "codeguru-security:GetScan",
            "codeguru-security:GetFindings",
        ];
        for action in ACTIONS {
            let expected = if allowed.contains(action) {
                Decision::Allow
            } else {
                Decision::ImplicitDeny
            };
            assert_eq!(decide(scan, action, SCAN_ARN), expected, "{action}");
            // Its Resource is `scans/*`: requests on no particular resource
            // (`*`) or on other resources are not covered.
            assert_eq!(
                decide(scan, action, "*"),
                Decision::ImplicitDeny,
                "{action}"
            );
        }
        assert_eq!(
            decide(
                scan,
                "codeguru-security:UpdateAccountConfiguration",
                SCAN_ARN
            ),
            Decision::ImplicitDeny
        );
        assert_eq!(
            decide(
                scan,
                "codeguru-security:GetScan",
                "arn:aws:codeguru-security:eu-west-1:1:other/x"
            ),
            Decision::ImplicitDeny
        );
    }
}
