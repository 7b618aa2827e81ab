use super::super::prelude::*;
use crate::fix::replace_string_value;
use crate::lang::cloudformation::{enclosing_resource, is_pair, pair_key, pair_value, scalar};

detector! {
    /// ## What it does
    /// Finds `AWS::S3::Bucket` resources whose `AccessControl` is
    /// `PublicRead`, `PublicReadWrite` or `AuthenticatedRead`, in YAML and
    /// JSON templates.
    ///
    /// ## Why is this bad?
    /// `PublicRead` lets anyone on the internet list and download every
    /// object; `PublicReadWrite` also lets them upload, overwrite and delete;
    /// `AuthenticatedRead` grants the same read access to any AWS account.
    /// Public buckets are a leading cause of data breaches.
    ///
    /// ## Example
    /// ```yaml
    /// Resources:
    ///   Reports:
    ///     Type: AWS::S3::Bucket
    ///     Properties:
    ///       AccessControl: PublicRead
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// Resources:
    ///   Reports:
    ///     Type: AWS::S3::Bucket
    ///     Properties:
    ///       AccessControl: Private
    ///       PublicAccessBlockConfiguration:
    ///         BlockPublicAcls: true
    ///         BlockPublicPolicy: true
    ///         IgnorePublicAcls: true
    ///         RestrictPublicBuckets: true
    /// ```
    ///
    /// ## References
    /// - [CWE-732: Incorrect Permission Assignment for Critical Resource](https://cwe.mitre.org/data/definitions/732.html)
    /// - [AWS::S3::Bucket AccessControl](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html)
    pub static SPEC = {
        ids: &["cloudformation/public-read-bucket-acl-cloudformation@v1.0"],
        languages: &[Language::CloudFormation],
        name: "Publicly readable S3 bucket ACL",
        category: Category::Security,
        cwes: &[732, 284],
        tags: &["aws", "s3", "access-control", "iac"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Set AccessControl to Private (or remove it) and add a PublicAccessBlockConfiguration; publish content through CloudFront instead.",
        keywords: &["PublicRead", "AuthenticatedRead"],
        check: Check::Node { kinds: &["block_mapping_pair", "flow_pair", "pair"], run: check },
    };
}

fn check(pair: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if !is_pair(pair) || pair_key(pair, text).as_deref() != Some("AccessControl") {
        return;
    }
    let Some(value) = pair_value(pair) else {
        return;
    };
    let Some(acl) = scalar(value, text) else {
        return;
    };
    let grant = match acl.as_str() {
        "PublicRead" => "anyone on the internet can read",
        "PublicReadWrite" => "anyone on the internet can read and write",
        "AuthenticatedRead" => "every AWS account can read",
        _ => return,
    };
    let Some(resource) = enclosing_resource(pair, text) else {
        return;
    };
    if resource.resource_type(text).as_deref() != Some("AWS::S3::Bucket")
        || resource.property("AccessControl", text) != Some(pair)
    {
        return;
    }
    let mut violation = Violation::new(
        "canned-acl",
        format!("S3 bucket AccessControl {acl}: {grant} the bucket's objects"),
    );
    let scalar_node = innermost_scalar(value);
    let quoted = matches!(
        scalar_node.kind(),
        "double_quote_scalar" | "single_quote_scalar" | "string"
    );
    let edit = if quoted {
        replace_string_value(scalar_node, text, "Private")
    } else {
        Some(Edit::replace(scalar_node.byte_range(), "Private"))
    };
    if let Some(edit) = edit {
        violation = violation.with_fix(Fix::new("Make the bucket private", vec![edit]));
    }
    checker.report(pair, violation);
}

/// The scalar node inside YAML block/flow nodes.
fn innermost_scalar(value: Node<'_>) -> Node<'_> {
    let mut node = value;
    while matches!(node.kind(), "block_node" | "flow_node") {
        match node.named_child(0) {
            Some(child) => node = child,
            None => break,
        }
    }
    node
}
