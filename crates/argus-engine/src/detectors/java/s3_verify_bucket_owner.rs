use super::super::prelude::*;
use super::quality::{expression_is, request_calls};
use super::{call_args, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds Amazon S3 object requests that do not say which account must
    /// own the bucket:
    ///
    /// - AWS SDK for Java 1.x: `new GetObjectRequest(...)`,
    ///   `new PutObjectRequest(...)`, `new CopyObjectRequest(...)`, ... passed
    ///   to an `AmazonS3` operation without `withExpectedBucketOwner(...)` or
    ///   `setExpectedBucketOwner(...)`, and the convenience overloads that
    ///   take a bucket name (`s3.getObject(bucket, key)`,
    ///   `s3.putObject(bucket, key, file)`) on a variable declared as
    ///   `AmazonS3`, which cannot pass the owner at all;
    /// - AWS SDK for Java 2.x: `GetObjectRequest.builder()...build()` chains
    ///   (and the consumer form `s3.getObject(r -> r.bucket(b).key(k), ...)`
    ///   on an `S3Client`) without `.expectedBucketOwner(...)`.
    ///
    /// Requests handed to other code before they are sent (which may set
    /// the owner), stored in fields, or built for a presigned URL are not
    /// reported.
    ///
    /// ## Why is this bad?
    /// Bucket names are global. When a bucket the code expects is deleted,
    /// renamed in configuration, or never created in a new region, anyone
    /// can create a bucket with that name in their own account; the program
    /// then uploads data to it or reads files planted there. With the
    /// expected bucket owner S3 refuses the request with 403 unless the
    /// bucket belongs to the given account.
    ///
    /// ## Example
    /// ```java
    /// GetObjectRequest request = GetObjectRequest.builder()
    ///     .bucket("reports-prod")
    ///     .key(key)
    ///     .build();
    /// s3.getObject(request);
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// GetObjectRequest request = GetObjectRequest.builder()
    ///     .bucket("reports-prod")
    ///     .key(key)
    ///     .expectedBucketOwner(accountId)
    ///     .build();
    /// s3.getObject(request);
    /// ```
    ///
    /// ## References
    /// - [CWE-283: Unverified Ownership](https://cwe.mitre.org/data/definitions/283.html)
    /// - [CWE-284: Improper Access Control](https://cwe.mitre.org/data/definitions/284.html)
    /// - [Amazon S3: verifying bucket ownership with bucket owner condition](https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-owner-condition.html)
    pub static SPEC = {
        ids: &["java/s3-verify-bucket-owner@v1.0"],
        languages: &[Language::Java],
        name: "S3 bucket owner not verified",
        category: Category::Security,
        cwes: &[283, 284],
        tags: &["aws", "s3"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Set the expected bucket owner on the request (withExpectedBucketOwner(accountId) in SDK 1.x, .expectedBucketOwner(accountId) in SDK 2.x) so S3 rejects requests to a bucket owned by another account.",
        keywords: &["services.s3"],
        check: Check::Node {
            kinds: &["object_creation_expression", "method_invocation"],
            run: check,
        },
    };
}

/// Object request types that carry an expected bucket owner (same simple
/// names in both SDKs).
const REQUESTS: &[&str] = &[
    "GetObjectRequest",
    "PutObjectRequest",
    "CopyObjectRequest",
    "DeleteObjectRequest",
    "DeleteObjectsRequest",
    "GetObjectMetadataRequest",
    "HeadObjectRequest",
    "ListObjectsRequest",
    "ListObjectsV2Request",
    "InitiateMultipartUploadRequest",
    "CreateMultipartUploadRequest",
    "UploadPartRequest",
    "CompleteMultipartUploadRequest",
    "AbortMultipartUploadRequest",
    "GetObjectTaggingRequest",
    "SetObjectTaggingRequest",
    "PutObjectTaggingRequest",
    "DeleteObjectTaggingRequest",
];

const V1_MODEL: &str = "com.amazonaws.services.s3.model.";
const V2_MODEL: &str = "software.amazon.awssdk.services.s3.model.";

/// Client operations (both SDKs, and the 1.x TransferManager) that send a
/// request.
const OPERATIONS: &[&str] = &[
    "getObject",
    "getObjectAsBytes",
    "putObject",
    "copyObject",
    "deleteObject",
    "deleteObjects",
    "getObjectMetadata",
    "headObject",
    "listObjects",
    "listObjectsV2",
    "listObjectsV2Paginator",
    "initiateMultipartUpload",
    "createMultipartUpload",
    "uploadPart",
    "completeMultipartUpload",
    "abortMultipartUpload",
    "getObjectTagging",
    "setObjectTagging",
    "putObjectTagging",
    "deleteObjectTagging",
    "upload",
    "download",
    "copy",
];

/// 1.x convenience overloads that take the bucket name as a string.
const CONVENIENCE: &[&str] = &[
    "getObject",
    "getObjectAsString",
    "putObject",
    "copyObject",
    "deleteObject",
    "getObjectMetadata",
    "listObjects",
    "listObjectsV2",
];

const V1_CLIENTS: &[&str] = &[
    "com.amazonaws.services.s3.AmazonS3",
    "com.amazonaws.services.s3.AmazonS3Client",
    "com.amazonaws.services.s3.AmazonS3Encryption",
    "com.amazonaws.services.s3.AmazonS3EncryptionV2",
];

const V2_CLIENTS: &[&str] = &[
    "software.amazon.awssdk.services.s3.S3Client",
    "software.amazon.awssdk.services.s3.S3AsyncClient",
];

const OWNER_SETTERS: &[&str] = &[
    "withExpectedBucketOwner",
    "setExpectedBucketOwner",
    "expectedBucketOwner",
];

fn request_type(type_node: Node<'_>, model: &str, checker: &Checker<'_>) -> Option<&'static str> {
    let names = checker.semantic.qualified_names(type_node, checker.text);
    REQUESTS
        .iter()
        .copied()
        .find(|r| names.iter().any(|n| n.strip_prefix(model) == Some(*r)))
}

fn is_operation(call: Node<'_>, text: &str) -> bool {
    call.kind() == "method_invocation"
        && method_name(call, text).is_some_and(|m| OPERATIONS.contains(&m))
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    // SDK 1.x: `new GetObjectRequest(bucket, key)`.
    if node.kind() == "object_creation_expression" {
        let Some(ty) = node.child_by_field_name("type") else {
            return;
        };
        let Some(request) = request_type(ty, V1_MODEL, checker) else {
            return;
        };
        report_request(node, request, checker);
        return;
    }
    let Some(name) = method_name(node, text) else {
        return;
    };
    // SDK 2.x: `GetObjectRequest.builder()`.
    if name == "builder" && call_args(node).is_empty() {
        let Some(object) = receiver(node) else {
            return;
        };
        let Some(request) = request_type(object, V2_MODEL, checker) else {
            return;
        };
        report_request(node, request, checker);
        return;
    }
    let Some(client) = receiver(node) else {
        return;
    };
    let args = call_args(node);
    // SDK 2.x consumer form: `s3.getObject(r -> r.bucket(b).key(k), path)`.
    if OPERATIONS.contains(&name)
        && let Some(lambda) = args.first().filter(|a| a.kind() == "lambda_expression")
        && expression_is(client, V2_CLIENTS, checker)
    {
        let Some(body) = lambda.child_by_field_name("body") else {
            return;
        };
        if body.kind() == "block" || node_text(body, text).contains("expectedBucketOwner") {
            return;
        }
        checker.report(
            node,
            Violation::new(
                "missing-expected-bucket-owner",
                format!(
                    "s3.{name} builds its request without expectedBucketOwner: a bucket of that name in another account would be used"
                ),
            ),
        );
        return;
    }
    // SDK 1.x convenience overloads: `s3.getObject(bucket, key)`.
    if CONVENIENCE.contains(&name)
        && let Some(first) = args.first()
        && is_string(*first, checker)
        && expression_is(client, V1_CLIENTS, checker)
    {
        checker.report(
            node,
            Violation::new(
                "bucket-name-overload",
                format!(
                    "s3.{name}({}, ...) cannot verify the bucket owner: a bucket of that name in another account would be used; send a request object with withExpectedBucketOwner",
                    node_text(*first, text)
                ),
            ),
        );
    }
}

/// A string literal or a variable declared `String`.
fn is_string(expr: Node<'_>, checker: &Checker<'_>) -> bool {
    expr.kind() == "string_literal" || expression_is(expr, &["java.lang.String", "String"], checker)
}

fn report_request(start: Node<'_>, request: &str, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(found) = request_calls(start, text, &|c| is_operation(c, text)) else {
        return;
    };
    if !found.sunk || found.calls_any(OWNER_SETTERS, text) {
        return;
    }
    checker.report(
        start,
        Violation::new(
            "missing-expected-bucket-owner",
            format!(
                "{request} is sent without an expected bucket owner: a bucket of that name in another account would be used"
            ),
        ),
    );
}
