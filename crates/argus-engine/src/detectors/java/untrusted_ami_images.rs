use super::super::prelude::*;
use super::quality::request_calls;
use super::{call_args, constant_string, descendants, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds Amazon Machine Image lookups by name that do not say whose
    /// image they accept: an EC2 `DescribeImagesRequest` (AWS SDK for Java
    /// 1.x `new DescribeImagesRequest().withFilters(new Filter("name", ...))`
    /// or 2.x `DescribeImagesRequest.builder().filters(Filter.builder()
    /// .name("name")...build())`) sent with `describeImages` without owners
    /// (`withOwners`/`setOwners`/`.owners(...)`), image ids, or an
    /// `owner-id`, `owner-alias` or `image-id` filter.
    ///
    /// Requests whose filters are built elsewhere (a list variable, a filter
    /// name that is not a constant), or that are handed to other code before
    /// they are sent, are not reported.
    ///
    /// ## Why is this bad?
    /// AMI names are not unique: anyone can publish a public image called
    /// `ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*`. A lookup
    /// by name alone can pick an attacker's image with a backdoor, and the
    /// instance launched from its id (`RunInstances`) runs their code with
    /// the instance's role.
    ///
    /// ## Example
    /// ```java
    /// DescribeImagesRequest request = DescribeImagesRequest.builder()
    ///     .filters(Filter.builder().name("name").values("ubuntu/images/hvm-ssd/ubuntu-jammy-*").build())
    ///     .build();
    /// String imageId = ec2.describeImages(request).images().get(0).imageId();
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// DescribeImagesRequest request = DescribeImagesRequest.builder()
    ///     .filters(Filter.builder().name("name").values("ubuntu/images/hvm-ssd/ubuntu-jammy-*").build())
    ///     .owners("099720109477") // Canonical
    ///     .build();
    /// String imageId = ec2.describeImages(request).images().get(0).imageId();
    /// ```
    ///
    /// ## References
    /// - [CWE-349: Acceptance of Extraneous Untrusted Data With Trusted Data](https://cwe.mitre.org/data/definitions/349.html)
    /// - [Amazon EC2 DescribeImages](https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImages.html)
    /// - [Find a Linux AMI: owner aliases](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/finding-an-ami.html)
    pub static SPEC = {
        ids: &["java/untrusted-ami-images@v1.0"],
        languages: &[Language::Java],
        name: "Untrusted AMI images",
        category: Category::Security,
        cwes: &[349],
        tags: &["aws", "supply-chain"],
        access: Access::FullControl,
        effort: Effort::RequiresSystemAccess,
        remediation: "Restrict image lookups by name to trusted publishers with owners (account ids or aliases such as amazon), or look images up by id.",
        keywords: &["DescribeImagesRequest"],
        check: Check::Node {
            kinds: &["object_creation_expression", "method_invocation"],
            run: check,
        },
    };
}

const V1: &str = "com.amazonaws.services.ec2.model.DescribeImagesRequest";
const V2: &str = "software.amazon.awssdk.services.ec2.model.DescribeImagesRequest";

/// Request methods that pin the publisher or the image.
const PINNING: &[&str] = &[
    "withOwners",
    "setOwners",
    "owners",
    "withImageIds",
    "setImageIds",
    "imageIds",
    "withExecutableUsers",
    "setExecutableUsers",
    "executableUsers",
];

const FILTER_SETTERS: &[&str] = &["withFilters", "setFilters", "filters"];

/// Filters that pin the publisher or the image itself.
const PINNING_FILTERS: &[&str] = &["owner-id", "owner-alias", "image-id"];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let is_request = match node.kind() {
        "object_creation_expression" => node
            .child_by_field_name("type")
            .is_some_and(|t| names(t, checker).iter().any(|n| n == V1)),
        _ => {
            method_name(node, text) == Some("builder")
                && receiver(node).is_some_and(|r| names(r, checker).iter().any(|n| n == V2))
        }
    };
    if !is_request {
        return;
    }
    let Some(found) = request_calls(node, text, &|c| {
        method_name(c, text) == Some("describeImages")
    }) else {
        return;
    };
    if !found.sunk || found.calls_any(PINNING, text) {
        return;
    }
    let mut by_name = false;
    for call in &found.calls {
        if !method_name(*call, text).is_some_and(|m| FILTER_SETTERS.contains(&m)) {
            continue;
        }
        for arg in call_args(*call) {
            match filter_names(arg, checker) {
                Some(names) => {
                    if names.iter().any(|n| PINNING_FILTERS.contains(&n.as_str())) {
                        return;
                    }
                    by_name |= names.iter().any(|n| n == "name");
                }
                // A filter built elsewhere may pin the owner.
                None => return,
            }
        }
    }
    if !by_name {
        return;
    }
    checker.report(
        node,
        Violation::new(
            "name-without-owner",
            "DescribeImagesRequest looks an AMI up by name without owners: any account can publish an image with that name",
        ),
    );
}

fn names(node: Node<'_>, checker: &Checker<'_>) -> Vec<String> {
    checker.semantic.qualified_names(node, checker.text)
}

/// The names of the filters an argument of `withFilters`/`filters` builds,
/// or `None` when one of them is not written in place.
fn filter_names(arg: Node<'_>, checker: &Checker<'_>) -> Option<Vec<String>> {
    let text = checker.text;
    // `Arrays.asList(f1, f2)`, `List.of(...)`: look at each element.
    if arg.kind() == "method_invocation" && matches!(method_name(arg, text), Some("asList" | "of"))
    {
        let mut all = Vec::new();
        for element in call_args(arg) {
            all.extend(filter_names(element, checker)?);
        }
        return Some(all);
    }
    let mut found = Vec::new();
    let nodes = descendants(arg);
    let mut any = false;
    for node in nodes {
        match node.kind() {
            // `new Filter("name", values)` / `new Filter().withName("name")`
            "object_creation_expression"
                if node
                    .child_by_field_name("type")
                    .is_some_and(|t| node_text(t, text).ends_with("Filter")) =>
            {
                any = true;
                if let Some(first) = call_args(node).first() {
                    found.push(constant_string(*first, text)?);
                }
            }
            "method_invocation"
                if matches!(
                    method_name(node, text),
                    Some("withName" | "setName" | "name")
                ) =>
            {
                any = true;
                let first = call_args(node).first().copied()?;
                found.push(constant_string(first, text)?);
            }
            _ => {}
        }
    }
    any.then_some(found)
}
