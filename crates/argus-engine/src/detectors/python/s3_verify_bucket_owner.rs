use super::super::prelude::*;
use super::boto3::{has_splat, method_on_boto3, uses_boto};

detector! {
    /// ## What it does
    /// Finds calls on a boto3 S3 client that name a bucket without
    /// `ExpectedBucketOwner`: object reads and writes (`get_object`,
    /// `put_object`, `copy_object`, `delete_object`, `head_object`, ...),
    /// listings, multipart uploads and bucket configuration calls, and the
    /// managed transfers `upload_file`, `upload_fileobj`, `download_file`
    /// and `download_fileobj` without `ExtraArgs={"ExpectedBucketOwner":
    /// ...}`.
    ///
    /// Only clients traced to `boto3.client("s3")` (or a session's or an S3
    /// resource's client) are considered; calls passing `**kwargs` or an
    /// `ExtraArgs` that is not written in the call, and operations that do
    /// not take the parameter (`create_bucket`, `list_buckets`,
    /// `generate_presigned_url`), are not reported.
    ///
    /// ## Why is this bad?
    /// Bucket names are global. When a bucket the code expects is deleted,
    /// renamed in configuration, or never created in a new region, anyone
    /// can create a bucket with that name in their own account; the program
    /// then uploads data to it or reads files planted there. With
    /// `ExpectedBucketOwner` S3 refuses the request with 403 unless the
    /// bucket belongs to the given account.
    ///
    /// ## Example
    /// ```python
    /// import boto3
    ///
    /// s3 = boto3.client("s3")
    /// s3.put_object(Bucket="reports-prod", Key=key, Body=body)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import boto3
    ///
    /// s3 = boto3.client("s3")
    /// s3.put_object(Bucket="reports-prod", Key=key, Body=body, ExpectedBucketOwner=ACCOUNT_ID)
    /// ```
    ///
    /// ## References
    /// - [CWE-283: Unverified Ownership](https://cwe.mitre.org/data/definitions/283.html)
    /// - [Amazon S3: verifying bucket ownership with bucket owner condition](https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html)
    pub static SPEC = {
        ids: &["python/s3-verify-bucket-owner@v1.0"],
        languages: &[Language::Python],
        name: "S3 bucket owner not verified",
        category: Category::Security,
        cwes: &[283],
        tags: &["aws", "s3"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Pass ExpectedBucketOwner=<account id> (ExtraArgs={\"ExpectedBucketOwner\": ...} for managed transfers) so S3 rejects requests to a bucket owned by another account.",
        keywords: &["boto3"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// S3 client operations on a bucket that accept `ExpectedBucketOwner`.
const OPERATIONS: &[&str] = &[
    "abort_multipart_upload",
    "complete_multipart_upload",
    "copy_object",
    "create_multipart_upload",
    "delete_bucket",
    "delete_bucket_cors",
    "delete_bucket_encryption",
    "delete_bucket_lifecycle",
    "delete_bucket_policy",
    "delete_bucket_replication",
    "delete_bucket_tagging",
    "delete_bucket_website",
    "delete_object",
    "delete_object_tagging",
    "delete_objects",
    "delete_public_access_block",
    "get_bucket_acl",
    "get_bucket_cors",
    "get_bucket_encryption",
    "get_bucket_lifecycle_configuration",
    "get_bucket_location",
    "get_bucket_logging",
    "get_bucket_notification_configuration",
    "get_bucket_policy",
    "get_bucket_policy_status",
    "get_bucket_replication",
    "get_bucket_tagging",
    "get_bucket_versioning",
    "get_bucket_website",
    "get_object",
    "get_object_acl",
    "get_object_attributes",
    "get_object_legal_hold",
    "get_object_lock_configuration",
    "get_object_retention",
    "get_object_tagging",
    "get_public_access_block",
    "head_bucket",
    "head_object",
    "list_multipart_uploads",
    "list_object_versions",
    "list_objects",
    "list_objects_v2",
    "list_parts",
    "put_bucket_acl",
    "put_bucket_cors",
    "put_bucket_encryption",
    "put_bucket_lifecycle_configuration",
    "put_bucket_logging",
    "put_bucket_notification_configuration",
    "put_bucket_policy",
    "put_bucket_replication",
    "put_bucket_tagging",
    "put_bucket_versioning",
    "put_bucket_website",
    "put_object",
    "put_object_acl",
    "put_object_legal_hold",
    "put_object_lock_configuration",
    "put_object_retention",
    "put_object_tagging",
    "put_public_access_block",
    "restore_object",
    "select_object_content",
    "upload_part",
    "upload_part_copy",
];

/// Managed transfers, whose S3 parameters go in `ExtraArgs`.
const TRANSFERS: &[&str] = &[
    "upload_file",
    "upload_fileobj",
    "download_file",
    "download_fileobj",
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if !uses_boto(checker) {
        return;
    }
    let Some((method, client)) = method_on_boto3(call, checker) else {
        return;
    };
    if !client.is_client_of("s3") || has_splat(call) {
        return;
    }
    if OPERATIONS.contains(&method) {
        if keyword_argument(call, "ExpectedBucketOwner", text).is_some() {
            return;
        }
        // Positional arguments are not accepted by boto3 operations.
        if !positional_arguments(checker.grammar, call).is_empty() {
            return;
        }
        let bucket = keyword_argument(call, "Bucket", text)
            .map(|b| format!(" on bucket {}", checker.text_of(b)))
            .unwrap_or_default();
        let violation = Violation::new(
            "missing-expected-bucket-owner",
            format!(
                "s3.{method}{bucket} does not pass ExpectedBucketOwner: a bucket of that name in another account would be used"
            ),
        );
        checker.report(call, violation);
        return;
    }
    if TRANSFERS.contains(&method) {
        let extra = argument(call, 3, "ExtraArgs", text);
        match extra {
            None => {}
            Some(dict) if dict.kind() == "dictionary" => {
                let mut cursor = dict.walk();
                let named: Vec<Node<'_>> = dict.named_children(&mut cursor).collect();
                let pinned = named.iter().any(|pair| {
                    pair.kind() != "pair"
                        || pair
                            .py_field("key")
                            .and_then(|k| string_literal(k, text))
                            .is_none_or(|k| k == "ExpectedBucketOwner")
                });
                if pinned {
                    return;
                }
            }
            Some(_) => return,
        }
        let violation = Violation::new(
            "missing-expected-bucket-owner",
            format!(
                "s3.{method} does not pass ExtraArgs={{\"ExpectedBucketOwner\": ...}}: a bucket of that name in another account would be used"
            ),
        );
        checker.report(call, violation);
    }
}
