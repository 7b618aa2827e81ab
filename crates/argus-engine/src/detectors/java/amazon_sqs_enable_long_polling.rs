use super::super::prelude::*;
use super::quality::{expression_is, request_calls};
use super::{call_args, int_literal, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds Amazon SQS receives that use short polling: an SDK 1.x
    /// `new ReceiveMessageRequest(...)` or SDK 2.x
    /// `ReceiveMessageRequest.builder()...build()` sent with
    /// `receiveMessage` without a wait time (`withWaitTimeSeconds`,
    /// `setWaitTimeSeconds`, `.waitTimeSeconds(...)`) or with a wait time of
    /// `0`, and `sqs.receiveMessage(queueUrl)` on an `AmazonSQS` client,
    /// which cannot set one.
    ///
    /// Requests handed to other code before they are sent are not reported.
    /// A queue whose `ReceiveMessageWaitTimeSeconds` attribute is set polls
    /// long by default; set the wait time on the request as well to make
    /// the behaviour visible in the code.
    ///
    /// ## Why is this bad?
    /// A short poll queries a subset of the SQS servers and returns at once,
    /// often empty even when messages are waiting. Consumers looping on it
    /// make many empty, billed requests, burn CPU, and see messages late.
    /// Long polling (a wait of up to 20 seconds) waits for a message to
    /// arrive and queries all servers.
    ///
    /// ## Example
    /// ```java
    /// ReceiveMessageRequest request = ReceiveMessageRequest.builder()
    ///     .queueUrl(queueUrl)
    ///     .maxNumberOfMessages(10)
    ///     .build();
    /// List<Message> messages = sqs.receiveMessage(request).messages();
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// ReceiveMessageRequest request = ReceiveMessageRequest.builder()
    ///     .queueUrl(queueUrl)
    ///     .maxNumberOfMessages(10)
    ///     .waitTimeSeconds(20)
    ///     .build();
    /// List<Message> messages = sqs.receiveMessage(request).messages();
    /// ```
    ///
    /// ## References
    /// - [Amazon SQS short and long polling](https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html)
    /// - [CWE-400: Uncontrolled Resource Consumption](https://cwe.mitre.org/data/definitions/400.html)
    pub static SPEC = {
        ids: &["java/amazon-sqs-enable-long-polling@v1.0"],
        languages: &[Language::Java],
        name: "SQS short polling",
        category: Category::Quality,
        cwes: &[400],
        tags: &["aws", "sqs", "performance"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Set a wait time of 1 to 20 seconds on ReceiveMessageRequest (waitTimeSeconds / withWaitTimeSeconds) to use long polling.",
        keywords: &["ReceiveMessageRequest", "AmazonSQS"],
        check: Check::Node {
            kinds: &["object_creation_expression", "method_invocation"],
            run: check,
        },
    };
}

const V1: &str = "com.amazonaws.services.sqs.model.ReceiveMessageRequest";
const V2: &str = "software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest";
const V1_CLIENTS: &[&str] = &[
    "com.amazonaws.services.sqs.AmazonSQS",
    "com.amazonaws.services.sqs.AmazonSQSClient",
    "com.amazonaws.services.sqs.AmazonSQSAsync",
];
const WAIT: &[&str] = &[
    "withWaitTimeSeconds",
    "setWaitTimeSeconds",
    "waitTimeSeconds",
];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = |n: Node<'_>| checker.semantic.qualified_names(n, text);
    let is_request = match node.kind() {
        "object_creation_expression" => node
            .child_by_field_name("type")
            .is_some_and(|t| names(t).iter().any(|n| n == V1)),
        _ => match method_name(node, text) {
            Some("builder") => receiver(node).is_some_and(|r| names(r).iter().any(|n| n == V2)),
            // `sqs.receiveMessage(queueUrl)` cannot set a wait time.
            Some("receiveMessage") => {
                let args = call_args(node);
                if args.len() == 1
                    && (args[0].kind() == "string_literal"
                        || expression_is(args[0], &["java.lang.String"], checker))
                    && receiver(node).is_some_and(|r| expression_is(r, V1_CLIENTS, checker))
                {
                    checker.report(
                        node,
                        Violation::new(
                            "short-polling",
                            "receiveMessage(queueUrl) uses short polling: send a ReceiveMessageRequest with a wait time",
                        ),
                    );
                }
                return;
            }
            _ => false,
        },
    };
    if !is_request {
        return;
    }
    let Some(found) = request_calls(node, text, &|c| {
        matches!(
            method_name(c, text),
            Some("receiveMessage" | "receiveMessageAsync")
        )
    }) else {
        return;
    };
    if !found.sunk {
        return;
    }
    let waits: Vec<Node<'_>> = found
        .calls
        .iter()
        .copied()
        .filter(|c| method_name(*c, text).is_some_and(|m| WAIT.contains(&m)))
        .collect();
    // A wait time that is not the literal 0 enables long polling.
    let short = waits
        .iter()
        .all(|c| call_args(*c).first().and_then(|a| int_literal(*a, text)) == Some(0));
    if !short {
        return;
    }
    checker.report(
        node,
        Violation::new(
            "short-polling",
            "ReceiveMessageRequest is sent without a wait time: short polling returns empty responses while messages wait",
        ),
    );
}
