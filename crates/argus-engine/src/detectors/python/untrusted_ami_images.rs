use super::super::prelude::*;
use super::boto3::{Kind, boto3_object, has_splat, uses_boto};

detector! {
    /// ## What it does
    /// Finds Amazon Machine Image lookups by name that do not say whose
    /// image they accept: `ec2.describe_images(Filters=[{"Name": "name",
    /// ...}])` on a boto3 EC2 client, and `ec2.images.filter(...)` on an EC2
    /// resource, without `Owners=`, `ImageIds=`, or an `owner-id`,
    /// `owner-alias` or `image-id` filter.
    ///
    /// Lookups whose filters are not written in the call (a variable, a
    /// `**kwargs`), and `describe_images` on other services (ECR), are not
    /// reported.
    ///
    /// ## Why is this bad?
    /// AMI names are not unique: anyone can publish a public image called
    /// `ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*`. A lookup
    /// by name alone can pick the newest match, which may be an attacker's
    /// image with a backdoor, and the instance launched from it runs their
    /// code with the instance's role.
    ///
    /// ## Example
    /// ```python
    /// import boto3
    ///
    /// ec2 = boto3.client("ec2")
    /// images = ec2.describe_images(
    ///     Filters=[{"Name": "name", "Values": ["ubuntu/images/hvm-ssd/ubuntu-jammy-*"]}],
    /// )
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import boto3
    ///
    /// ec2 = boto3.client("ec2")
    /// images = ec2.describe_images(
    ///     Filters=[{"Name": "name", "Values": ["ubuntu/images/hvm-ssd/ubuntu-jammy-*"]}],
    ///     Owners=["099720109477"],  # Canonical
    /// )
    /// ```
    ///
    /// ## References
    /// - [CWE-349: Acceptance of Extraneous Untrusted Data With Trusted Data](https://cwe.mitre.org/data/definitions/349.html)
    /// - [Amazon EC2 DescribeImages](https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImages.html)
    /// - [Find a Linux AMI: owner aliases](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/finding-an-ami.html)
    pub static SPEC = {
        ids: &["python/untrusted-ami-images@v1.0"],
        languages: &[Language::Python],
        name: "Untrusted AMI images",
        category: Category::Security,
        cwes: &[349],
        tags: &["aws", "supply-chain"],
        access: Access::FullControl,
        effort: Effort::RequiresSystemAccess,
        remediation: "Restrict image lookups by name to trusted publishers with Owners=[account id or alias], or look images up by id.",
        keywords: &["describe_images", "images.filter"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// Filters that pin the publisher or the image itself.
const PINNING_FILTERS: &[&str] = &["owner-id", "owner-alias", "image-id"];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if !uses_boto(checker) {
        return;
    }
    let Some((object, method)) = method_call(call) else {
        return;
    };
    let target = match checker.text_of(method) {
        // A client we can trace must be EC2's; ECR has describe_images too
        // but no `name` filter.
        "describe_images" => match boto3_object(object, checker) {
            Some(client) if !client.is_client_of("ec2") => return,
            _ => "describe_images",
        },
        "filter" => {
            let on_ec2_images = object.kind() == "attribute"
                && object
                    .py_field("attribute")
                    .is_some_and(|a| checker.text_of(a) == "images")
                && object
                    .py_field("object")
                    .and_then(|o| boto3_object(o, checker))
                    .is_some_and(|r| {
                        r.kind == Kind::Resource && r.service.as_deref() == Some("ec2")
                    });
            if !on_ec2_images {
                return;
            }
            "images.filter"
        }
        _ => return,
    };
    if has_splat(call)
        || keyword_argument(call, "Owners", text).is_some()
        || keyword_argument(call, "ImageIds", text).is_some()
    {
        return;
    }
    let Some(filters) = keyword_argument(call, "Filters", text).filter(|f| f.kind() == "list")
    else {
        return;
    };
    let mut by_name = false;
    let mut cursor = filters.walk();
    for filter in filters.named_children(&mut cursor) {
        if filter.kind() != "dictionary" {
            // A filter built elsewhere may pin the owner.
            return;
        }
        match filter_name(filter, text).as_deref() {
            Some("name") => by_name = true,
            Some(name) if PINNING_FILTERS.contains(&name) => return,
            Some(_) => {}
            None => return,
        }
    }
    if !by_name {
        return;
    }
    let violation = Violation::new(
        "name-without-owner",
        format!(
            "{target} looks an AMI up by name without Owners: any account can publish an image with that name"
        ),
    );
    checker.report(call, violation);
}

/// The literal value of a filter dictionary's `"Name"` key.
fn filter_name(filter: Node<'_>, text: &str) -> Option<String> {
    let mut cursor = filter.walk();
    let pairs: Vec<Node<'_>> = filter.named_children(&mut cursor).collect();
    pairs.into_iter().find_map(|pair| {
        if pair.kind() != "pair" {
            return None;
        }
        let key = pair.py_field("key")?;
        if string_literal(key, text)? != "Name" {
            return None;
        }
        string_literal(pair.py_field("value")?, text)
    })
}
