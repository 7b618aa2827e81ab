use super::super::prelude::*;
use super::boto3::{Kind, append_keyword, boto3_object, has_splat, uses_boto};

detector! {
    /// ## What it does
    /// Finds SNS subscriptions confirmed without
    /// `AuthenticateOnUnsubscribe="True"`: `confirm_subscription` on a boto3
    /// SNS client or on an SNS `Topic` resource.
    ///
    /// Calls whose arguments come from `**kwargs`, and methods of the same
    /// name on objects that are not SNS clients or topics, are not
    /// reported.
    ///
    /// ## Why is this bad?
    /// Without the flag, anyone who learns the subscription's ARN or sees
    /// one of its messages (the unsubscribe link is in every email
    /// notification) can unsubscribe the endpoint without credentials, and
    /// alerts or events then silently stop arriving.
    ///
    /// ## Example
    /// ```python
    /// import boto3
    ///
    /// sns = boto3.client("sns")
    /// sns.confirm_subscription(TopicArn=topic_arn, Token=token)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import boto3
    ///
    /// sns = boto3.client("sns")
    /// sns.confirm_subscription(TopicArn=topic_arn, Token=token, AuthenticateOnUnsubscribe="True")
    /// ```
    ///
    /// ## References
    /// - [CWE-306: Missing Authentication for Critical Function](https://cwe.mitre.org/data/definitions/306.html)
    /// - [Amazon SNS ConfirmSubscription](https://docs.aws.amazon.com/sns/latest/api/API_ConfirmSubscription.html)
    pub static SPEC = {
        ids: &["python/sns-unauthenticated-unsubscribe@v1.0"],
        languages: &[Language::Python],
        name: "Unauthenticated SNS unsubscribe",
        category: Category::Security,
        cwes: &[306],
        tags: &["aws", "authentication"],
        access: Access::AdditionalSecurity,
        effort: Effort::OverInternet,
        remediation: "Confirm SNS subscriptions with AuthenticateOnUnsubscribe=\"True\" so that only authenticated principals can unsubscribe them.",
        keywords: &["confirm_subscription"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if !uses_boto(checker) {
        return;
    }
    let Some((object, method)) = method_call(call) else {
        return;
    };
    if checker.text_of(method) != "confirm_subscription" {
        return;
    }
    if !is_sns(object, call, checker) || has_splat(call) {
        return;
    }
    let positional = positional_arguments(checker.grammar, call);
    // Client: (TopicArn, Token, AuthenticateOnUnsubscribe); topic: (Token,
    // AuthenticateOnUnsubscribe) — boto3 takes keywords only, so a
    // positional flag is not a real call.
    if !positional.is_empty() {
        return;
    }
    if let Some(flag) = keyword_argument(call, "AuthenticateOnUnsubscribe", text) {
        let enabled = string_literal(flag, text).is_some_and(|v| v.eq_ignore_ascii_case("true"))
            || flag.kind() == "true";
        if enabled || !(flag.kind() == "false" || string_literal(flag, text).is_some()) {
            return;
        }
        let violation = Violation::new(
            "unsubscribe-unauthenticated",
            format!(
                "confirm_subscription with AuthenticateOnUnsubscribe={} lets anyone unsubscribe this endpoint",
                checker.text_of(flag)
            ),
        )
        .with_fix(Fix::replace(
            "Require authentication to unsubscribe",
            flag.byte_range(),
            "\"True\"",
        ));
        checker.report(call, violation);
        return;
    }
    let mut violation = Violation::new(
        "unsubscribe-unauthenticated",
        "confirm_subscription without AuthenticateOnUnsubscribe=\"True\" lets anyone unsubscribe this endpoint",
    );
    if let Some(edit) = append_keyword(call, "AuthenticateOnUnsubscribe=\"True\"", text) {
        violation = violation.with_fix(Fix::new(
            "Require authentication to unsubscribe",
            vec![edit],
        ));
    }
    checker.report(call, violation);
}

/// An SNS client, an SNS `Topic` resource, or — when the receiver cannot be
/// traced — a call with the client's own keywords.
fn is_sns(object: Node<'_>, call: Node<'_>, checker: &Checker<'_>) -> bool {
    let text = checker.text;
    if let Some(client) = boto3_object(object, checker) {
        return client.is_client_of("sns");
    }
    // `sns.Topic(arn)` on an SNS resource, directly or through a name.
    let topic = match object.kind() {
        "call" => Some(object),
        "identifier" => super::boto3::assigned_value(object, text).filter(|v| v.kind() == "call"),
        _ => None,
    };
    if let Some(topic) = topic {
        let Some(function) = topic
            .py_field("function")
            .filter(|f| f.kind() == "attribute")
        else {
            return false;
        };
        return function
            .py_field("attribute")
            .is_some_and(|a| checker.text_of(a) == "Topic")
            && function
                .py_field("object")
                .and_then(|o| boto3_object(o, checker))
                .is_some_and(|r| r.kind == Kind::Resource && r.service.as_deref() == Some("sns"));
    }
    keyword_argument(call, "TopicArn", text).is_some()
        && keyword_argument(call, "Token", text).is_some()
}
