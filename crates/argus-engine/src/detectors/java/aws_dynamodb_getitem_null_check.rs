use super::super::prelude::*;
use super::quality::{DeclKind, declaration, outer_method, uses_of};
use super::{call_args, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds items read with the AWS SDK for Java 1.x DynamoDB client and
    /// used without checking that one was found:
    /// `dynamo.getItem(request).getItem()` dereferenced directly
    /// (`.getItem().get("name")`), or stored in a local that is used with
    /// no `null` check in the method.
    ///
    /// SDK 2.x is not reported: `GetItemResponse.item()` returns an empty
    /// map when no item matched.
    ///
    /// ## Why is this bad?
    /// `GetItemResult.getItem()` returns `null` when no item has the key.
    /// A missing or deleted item then crashes the caller with a
    /// `NullPointerException` instead of being handled as "not found".
    ///
    /// ## Example
    /// ```java
    /// Map<String, AttributeValue> item = dynamo.getItem(request).getItem();
    /// String name = item.get("name").getS();
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// Map<String, AttributeValue> item = dynamo.getItem(request).getItem();
    /// if (item == null) {
    ///     throw new NotFoundException(key);
    /// }
    /// String name = item.get("name").getS();
    /// ```
    ///
    /// ## References
    /// - [CWE-476: NULL Pointer Dereference](https://cwe.mitre.org/data/definitions/476.html)
    /// - [GetItemResult.getItem (AWS SDK for Java 1.x)](https://docs.aws.amazon.com/AWSJavaSDK/latest/javadoc/com/amazonaws/services/dynamodbv2/model/GetItemResult.html#getItem--)
    pub static SPEC = {
        ids: &["java/aws-dynamodb-getitem-null-check@v1.0"],
        languages: &[Language::Java],
        name: "DynamoDB item used without a null check",
        category: Category::Quality,
        cwes: &[476],
        tags: &["aws", "dynamodb", "null-safety"],
        access: Access::CrashOrSlowdown,
        effort: Effort::NotExploitable,
        remediation: "Check GetItemResult.getItem() for null (no item with that key) before using it.",
        keywords: &["dynamodbv2"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if !checker
        .semantic
        .imports("com.amazonaws.services.dynamodbv2")
    {
        return;
    }
    // `<client>.getItem(request).getItem()`
    if method_name(call, text) != Some("getItem") || !call_args(call).is_empty() {
        return;
    }
    let Some(inner) = receiver(call) else {
        return;
    };
    if method_name(inner, text) != Some("getItem") || call_args(inner).is_empty() {
        return;
    }
    let Some(parent) = call.parent() else {
        return;
    };
    let dereferenced = match parent.kind() {
        "method_invocation" => receiver(parent).is_some_and(|r| r.id() == call.id()),
        "field_access" => true,
        "variable_declarator" => {
            let Some(name) = parent.child_by_field_name("name") else {
                return;
            };
            unchecked_local(name, text)
        }
        _ => false,
    };
    if !dereferenced {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "item-may-be-null",
            "GetItemResult.getItem() is null when no item has the key, and it is used without a check",
        ),
    );
}

/// Whether a local holding the item is dereferenced and never compared
/// with anything or handed on.
fn unchecked_local(name: Node<'_>, text: &str) -> bool {
    let Some(decl) = declaration(name, text) else {
        return false;
    };
    if decl.kind != DeclKind::Local {
        return false;
    }
    let Some(scope) = outer_method(name) else {
        return false;
    };
    let mut dereferenced = false;
    for use_ in uses_of(scope, node_text(name, text), text) {
        if use_.id() == name.id() {
            continue;
        }
        match use_.parent() {
            Some(p)
                if p.kind() == "method_invocation"
                    && receiver(p).is_some_and(|r| r.id() == use_.id()) =>
            {
                dereferenced = true;
            }
            _ => return false,
        }
    }
    dereferenced
}
