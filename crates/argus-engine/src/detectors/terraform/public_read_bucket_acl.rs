use super::super::prelude::*;
use super::{attribute_parts, enclosing_resource, string_value};
use crate::fix::replace_string_value;

detector! {
    /// ## What it does
    /// Finds S3 buckets given a canned ACL that opens them to everyone:
    /// `acl = "public-read"`, `"public-read-write"` or `"authenticated-read"`
    /// on `aws_s3_bucket` or `aws_s3_bucket_acl` resources.
    ///
    /// ## Why is this bad?
    /// `public-read` lets anyone on the internet list and download every
    /// object; `public-read-write` also lets them upload, overwrite and
    /// delete; `authenticated-read` grants the same read access to any AWS
    /// account. Public buckets are a leading cause of data breaches.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_s3_bucket_acl" "reports" {
    ///   bucket = aws_s3_bucket.reports.id
    ///   acl    = "public-read"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "aws_s3_bucket_acl" "reports" {
    ///   bucket = aws_s3_bucket.reports.id
    ///   acl    = "private"
    /// }
    /// ```
    /// Serve public content through CloudFront with an origin access control
    /// instead, and turn on S3 Block Public Access.
    ///
    /// ## References
    /// - [CWE-732: Incorrect Permission Assignment for Critical Resource](https://cwe.mitre.org/data/definitions/732.html)
    /// - [Amazon S3 canned ACLs](https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl)
    /// - [Blocking public access to your Amazon S3 storage](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html)
    pub static SPEC = {
        ids: &["terraform/public-read-bucket-acl-terraform@v1.0"],
        languages: &[Language::Terraform],
        name: "Publicly readable S3 bucket ACL",
        category: Category::Security,
        cwes: &[732, 284],
        tags: &["aws", "s3", "access-control", "iac"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Set the bucket ACL to \"private\" (or remove it) and enable S3 Block Public Access; publish content through CloudFront instead.",
        keywords: &["public-read", "authenticated-read"],
        check: Check::Node { kinds: &["attribute"], run: check },
    };
}

const BUCKET_RESOURCES: &[&str] = &["aws_s3_bucket", "aws_s3_bucket_acl"];

fn check(attribute: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some((name, value)) = attribute_parts(attribute, text) else {
        return;
    };
    if name != "acl" {
        return;
    }
    let Some(acl) = string_value(value, text) else {
        return;
    };
    let grant = match acl.as_str() {
        "public-read" => "anyone on the internet can read",
        "public-read-write" => "anyone on the internet can read and write",
        "authenticated-read" => "every AWS account can read",
        _ => return,
    };
    let Some((resource_type, _)) = enclosing_resource(attribute, text) else {
        return;
    };
    if !BUCKET_RESOURCES.contains(&resource_type.as_str()) {
        return;
    }
    let mut violation = Violation::new(
        "canned-acl",
        format!("S3 bucket ACL \"{acl}\": {grant} the bucket's objects"),
    );
    if let Some(edit) = string_node(value).and_then(|s| replace_string_value(s, text, "private")) {
        violation = violation.with_fix(Fix::new("Make the bucket private", vec![edit]));
    }
    checker.report(attribute, violation);
}

/// The quoted string node inside an expression.
fn string_node(expression: Node<'_>) -> Option<Node<'_>> {
    let mut node = expression;
    loop {
        if node.kind() == "string_lit" {
            return Some(node);
        }
        node = node.named_child(0)?;
    }
}
