use super::super::prelude::*;
use super::boto3::{boto3_object, uses_boto};
use super::enclosing_scope;

detector! {
    /// ## What it does
    /// Finds AWS batch operations whose partial failures are never looked
    /// at: `put_record_batch` (Firehose), `put_records` (Kinesis),
    /// `send_message_batch`, `delete_message_batch` and
    /// `change_message_visibility_batch` (SQS), `batch_write_item` and
    /// `batch_get_item` (DynamoDB), `publish_batch` (SNS) and `put_events`
    /// (EventBridge), when the response is dropped or read without its
    /// failure field (`FailedPutCount`, `FailedRecordCount`, `Failed`,
    /// `UnprocessedItems`, `UnprocessedKeys`, `FailedEntryCount`).
    ///
    /// The client must be traced to `boto3.client("<service>")`, or the
    /// call must carry the service's own parameters (`QueueUrl=` and
    /// `Entries=`, `RequestItems=`, `DeliveryStreamName=`, ...). Responses
    /// returned, passed to another function or stored elsewhere are left to
    /// the code that receives them.
    ///
    /// ## Why is this bad?
    /// A batch call succeeds as a whole even when some of its entries fail
    /// (throttling, a poison message, a provisioned-throughput limit). The
    /// failures are only reported inside the response; code that ignores
    /// them loses records, messages or items without a trace.
    ///
    /// ## Example
    /// ```python
    /// import boto3
    ///
    /// kinesis = boto3.client("kinesis")
    /// kinesis.put_records(StreamName="clicks", Records=records)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import boto3
    ///
    /// kinesis = boto3.client("kinesis")
    /// response = kinesis.put_records(StreamName="clicks", Records=records)
    /// if response["FailedRecordCount"]:
    ///     retry([r for r, result in zip(records, response["Records"]) if "ErrorCode" in result])
    /// ```
    ///
    /// ## References
    /// - [CWE-252: Unchecked Return Value](https://cwe.mitre.org/data/definitions/252.html)
    /// - [Amazon Kinesis PutRecords: partial failures](https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html)
    /// - [Amazon DynamoDB BatchWriteItem: UnprocessedItems](https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html)
    pub static SPEC = {
        ids: &["python/aws-unchecked-batch-failures@v1.0"],
        languages: &[Language::Python],
        name: "Unchecked failures of an AWS batch operation",
        category: Category::Quality,
        cwes: &[252],
        tags: &["aws", "error-handling"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Read the failure field of the batch response (FailedRecordCount, Failed, UnprocessedItems, ...) and retry or report the entries that failed.",
        keywords: &["put_record_batch", "put_records", "_batch", "batch_write_item", "batch_get_item", "put_events"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// An operation: service, method, failure fields of its response, and the
/// parameters that identify the service's call when the client is unknown.
struct Batch {
    service: &'static str,
    method: &'static str,
    failures: &'static [&'static str],
    signature: &'static [&'static str],
}

const BATCHES: &[Batch] = &[
    Batch {
        service: "firehose",
        method: "put_record_batch",
        failures: &["FailedPutCount", "RequestResponses"],
        signature: &["DeliveryStreamName", "Records"],
    },
    Batch {
        service: "kinesis",
        method: "put_records",
        failures: &["FailedRecordCount", "Records"],
        signature: &["StreamName", "Records"],
    },
    Batch {
        service: "sqs",
        method: "send_message_batch",
        failures: &["Failed"],
        signature: &["QueueUrl", "Entries"],
    },
    Batch {
        service: "sqs",
        method: "delete_message_batch",
        failures: &["Failed"],
        signature: &["QueueUrl", "Entries"],
    },
    Batch {
        service: "sqs",
        method: "change_message_visibility_batch",
        failures: &["Failed"],
        signature: &["QueueUrl", "Entries"],
    },
    Batch {
        service: "dynamodb",
        method: "batch_write_item",
        failures: &["UnprocessedItems"],
        signature: &["RequestItems"],
    },
    Batch {
        service: "dynamodb",
        method: "batch_get_item",
        failures: &["UnprocessedKeys"],
        signature: &["RequestItems"],
    },
    Batch {
        service: "sns",
        method: "publish_batch",
        failures: &["Failed"],
        signature: &["TopicArn", "PublishBatchRequestEntries"],
    },
    Batch {
        service: "events",
        method: "put_events",
        failures: &["FailedEntryCount", "Entries"],
        signature: &["Entries"],
    },
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if !uses_boto(checker) {
        return;
    }
    let Some((object, method)) = method_call(call) else {
        return;
    };
    let method = checker.text_of(method);
    let candidates: Vec<&Batch> = BATCHES.iter().filter(|b| b.method == method).collect();
    if candidates.is_empty() {
        return;
    }
    let batch = match boto3_object(object, checker) {
        Some(client) => candidates
            .into_iter()
            .find(|b| client.is_client_of(b.service)),
        None => candidates.into_iter().find(|b| {
            b.signature
                .iter()
                .all(|name| keyword_argument(call, name, text).is_some())
        }),
    };
    let Some(batch) = batch else {
        return;
    };
    let unchecked = match response_use(call, batch, checker) {
        Use::Dropped => "its response is dropped",
        Use::Unchecked => "its response is read without",
        Use::Checked => return,
    };
    let failures = batch.failures[0];
    let message = if unchecked.ends_with("without") {
        format!(
            "{}.{method} can fail for some entries and {unchecked} {failures}",
            batch.service
        )
    } else {
        format!(
            "{}.{method} can fail for some entries and {unchecked}: {failures} is never checked",
            batch.service
        )
    };
    checker.report(call, Violation::new("batch-failures-ignored", message));
}

enum Use {
    Dropped,
    Unchecked,
    Checked,
}

/// How the response of the batch call is used.
fn response_use(call: Node<'_>, batch: &Batch, checker: &Checker<'_>) -> Use {
    let text = checker.text;
    let mut node = call;
    while let Some(parent) = node.parent() {
        match parent.kind() {
            "await" | "parenthesized_expression" => node = parent,
            "expression_statement" => return Use::Dropped,
            "subscript" => {
                let key = parent
                    .py_field("subscript")
                    .and_then(|k| string_literal(k, text));
                return match key {
                    Some(key) if !batch.failures.contains(&key.as_str()) => Use::Unchecked,
                    _ => Use::Checked,
                };
            }
            "assignment" => {
                let Some(name) = parent.py_field("left").filter(|l| l.kind() == "identifier")
                else {
                    return Use::Checked;
                };
                return named_response_use(parent, checker.text_of(name), batch, checker);
            }
            _ => return Use::Checked,
        }
    }
    Use::Checked
}

/// `response = client.put_records(...)`: whether the failure field is read
/// (any string literal naming it in the scope) or the response leaves the
/// scope (returned, passed on, stored).
fn named_response_use(
    assignment: Node<'_>,
    name: &str,
    batch: &Batch,
    checker: &Checker<'_>,
) -> Use {
    let text = checker.text;
    let scope = enclosing_scope(assignment);
    let mut stack = vec![scope];
    while let Some(node) = stack.pop() {
        if node.kind() == "string"
            && string_literal(node, text).is_some_and(|s| batch.failures.contains(&s.as_str()))
        {
            return Use::Checked;
        }
        if node.kind() == "identifier"
            && node.start_byte() > assignment.end_byte()
            && checker.text_of(node) == name
            && escapes(node)
        {
            return Use::Checked;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    Use::Unchecked
}

/// A use of a name that hands the value elsewhere.
fn escapes(identifier: Node<'_>) -> bool {
    let Some(parent) = identifier.parent() else {
        return false;
    };
    match parent.kind() {
        "return_statement" | "yield" | "argument_list" | "list" | "tuple" | "dictionary"
        | "pair" | "keyword_argument" | "set" | "expression_list" => true,
        "assignment" => parent.py_field("right") == Some(identifier),
        _ => false,
    }
}
