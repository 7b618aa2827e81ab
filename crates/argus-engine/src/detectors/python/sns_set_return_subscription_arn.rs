use super::super::prelude::*;
use super::boto3::{append_keyword, assigned_value, boto3_object, has_splat, uses_boto};
use super::enclosing_scope;

detector! {
    /// ## What it does
    /// Finds `subscribe` calls on a boto3 SNS client made without
    /// `ReturnSubscriptionArn=True` whose response's `SubscriptionArn` is
    /// then read: `sns.subscribe(...)["SubscriptionArn"]`, or the response
    /// assigned to a name and indexed (or `.get`) with `"SubscriptionArn"`
    /// in the same function.
    ///
    /// Receivers that cannot be traced to a boto3 client are reported only
    /// when the call has SNS's own keywords (`TopicArn`, `Protocol`,
    /// `Endpoint`); calls passing `**kwargs` are left alone.
    ///
    /// ## Why is this bad?
    /// For a subscription that needs confirmation (HTTP/S, email,
    /// cross-account SQS or Lambda endpoints), `Subscribe` returns the
    /// string `"pending confirmation"` in place of the ARN unless
    /// `ReturnSubscriptionArn` is true. Code that stores or later uses that
    /// value (to set attributes, to unsubscribe) breaks at run time, or
    /// silently keeps a bogus ARN.
    ///
    /// ## Example
    /// ```python
    /// response = sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=url)
    /// save(response["SubscriptionArn"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// response = sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=url, ReturnSubscriptionArn=True)
    /// save(response["SubscriptionArn"])
    /// ```
    ///
    /// ## References
    /// - [Amazon SNS API: Subscribe (ReturnSubscriptionArn)](https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html)
    /// - [CWE-252: Unchecked Return Value](https://cwe.mitre.org/data/definitions/252.html)
    pub static SPEC = {
        ids: &["python/sns-set-return-subscription-arn@v1.0"],
        languages: &[Language::Python],
        name: "SNS subscribe without ReturnSubscriptionArn",
        category: Category::Quality,
        cwes: &[252],
        tags: &["aws", "sns", "reliability"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Pass ReturnSubscriptionArn=True to subscribe() when the response's SubscriptionArn is used, so it holds the ARN and not \"pending confirmation\".",
        keywords: &["SubscriptionArn"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(function) = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "attribute")
    else {
        return;
    };
    if function
        .child_by_field_name("attribute")
        .is_none_or(|m| checker.text_of(m) != "subscribe")
        || !uses_boto(checker)
        || has_splat(call)
    {
        return;
    }
    let Some(object) = function.child_by_field_name("object") else {
        return;
    };
    let is_sns = match boto3_object(object, checker) {
        Some(client) => client.is_client_of("sns"),
        None => ["TopicArn", "Protocol", "Endpoint"]
            .iter()
            .all(|k| keyword_argument(call, k, text).is_some()),
    };
    if !is_sns {
        return;
    }
    if keyword_argument(call, "ReturnSubscriptionArn", text).is_some_and(|v| v.kind() != "false") {
        return;
    }
    if !arn_read(call, text) {
        return;
    }
    let mut violation = Violation::new(
        "arn-pending-confirmation",
        "the SubscriptionArn of this subscribe() response is used, but without ReturnSubscriptionArn=True it is \"pending confirmation\" until the endpoint confirms",
    );
    let edit = match keyword_argument(call, "ReturnSubscriptionArn", text) {
        Some(flag) => Some(Edit::replace(flag.byte_range(), "True")),
        None => append_keyword(call, "ReturnSubscriptionArn=True", text),
    };
    if let Some(edit) = edit {
        violation = violation.with_fix(Fix::new("Return the subscription ARN", vec![edit]));
    }
    checker.report(call, violation);
}

/// Whether the response's `SubscriptionArn` is read: on the call itself,
/// or on the name it is assigned to, later in the same scope.
fn arn_read(call: Node<'_>, text: &str) -> bool {
    let Some(parent) = call.parent() else {
        return false;
    };
    if reads_arn(call, text) {
        return true;
    }
    if parent.kind() != "assignment" {
        return false;
    }
    let Some(name) = parent
        .child_by_field_name("left")
        .filter(|l| l.kind() == "identifier")
    else {
        return false;
    };
    let scope = enclosing_scope(call);
    let mut found = false;
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        if node.start_byte() > call.end_byte()
            && node.kind() == "identifier"
            && node_text(node, text) == node_text(name, text)
            && assigned_value(node, text).is_some_and(|v| v.id() == call.id())
            && reads_arn(node, text)
        {
            found = true;
            break;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    found
}

/// `expr["SubscriptionArn"]` or `expr.get("SubscriptionArn")`.
fn reads_arn(expr: Node<'_>, text: &str) -> bool {
    let Some(parent) = expr.parent() else {
        return false;
    };
    let is_arn = |n: Node<'_>| string_literal(n, text).is_some_and(|s| s == "SubscriptionArn");
    match parent.kind() {
        "subscript" => {
            parent
                .child_by_field_name("value")
                .is_some_and(|v| v.id() == expr.id())
                && parent.child_by_field_name("subscript").is_some_and(is_arn)
        }
        "attribute" => {
            parent
                .child_by_field_name("attribute")
                .is_some_and(|a| node_text(a, text) == "get")
                && parent
                    .parent()
                    .filter(|p| p.kind() == "call")
                    .and_then(|p| argument(p, 0, "key", text))
                    .is_some_and(is_arn)
        }
        _ => false,
    }
}
