use super::super::prelude::*;
use super::enclosing_function;

detector! {
    /// ## What it does
    /// Finds boto3 clients, resources and sessions created inside an AWS
    /// Lambda handler: `boto3.client(...)`, `boto3.resource(...)` or
    /// `boto3.Session(...)` called in a module-level function whose
    /// parameters are `(event, context)`.
    ///
    /// Clients made in helper functions, in classes, or in handlers that
    /// pass per-invocation credentials (`aws_access_key_id=`,
    /// `aws_session_token=`, as after an `sts.assume_role`) or a
    /// per-invocation region are not reported.
    ///
    /// ## Why is this bad?
    /// Lambda reuses the execution environment between invocations, and
    /// what the module creates at import time stays alive. A client built
    /// in the handler is built again on every invocation: credentials are
    /// resolved, endpoint data loaded and a new connection pool opened,
    /// which adds tens of milliseconds (more on a cold TLS handshake) to
    /// each call and to the bill.
    ///
    /// ## Example
    /// ```python
    /// import boto3
    ///
    /// def lambda_handler(event, context):
    ///     s3 = boto3.client("s3")
    ///     return s3.get_object(Bucket=event["bucket"], Key=event["key"])["ContentLength"]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import boto3
    ///
    /// s3 = boto3.client("s3")
    ///
    /// def lambda_handler(event, context):
    ///     return s3.get_object(Bucket=event["bucket"], Key=event["key"])["ContentLength"]
    /// ```
    ///
    /// ## References
    /// - [CWE-1050: Excessive Platform Resource Consumption within a Loop](https://cwe.mitre.org/data/definitions/1050.html)
    /// - [AWS Lambda: best practices (initialize SDK clients outside the handler)](https://docs.aws.amazon.com/lambda/latest/dg/best-practices.html)
    pub static SPEC = {
        ids: &["python/lambda-client-reuse@v1.0"],
        languages: &[Language::Python],
        name: "Lambda client not reused",
        category: Category::Quality,
        cwes: &[1050],
        tags: &["aws", "lambda", "performance"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Create boto3 clients and resources once at module level, outside the Lambda handler, so that warm invocations reuse them.",
        keywords: &["boto3"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// Arguments that make a client specific to one invocation.
const PER_CALL: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "region_name",
    "endpoint_url",
    "config",
    "botocore_session",
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(target) = checker.semantic.call_matches(
        call,
        text,
        &[
            "boto3.client",
            "boto3.resource",
            "boto3.Session",
            "boto3.session.Session",
        ],
    ) else {
        return;
    };
    let Some(function) = enclosing_function(call) else {
        return;
    };
    if !is_lambda_handler(function, text) {
        return;
    }
    // A client built with the event's credentials or region cannot be
    // shared between invocations.
    if PER_CALL
        .iter()
        .any(|name| keyword_argument(call, name, text).is_some())
    {
        return;
    }
    let handler = function.py_field("name").map_or("", |n| checker.text_of(n));
    let violation = Violation::new(
        "client-in-handler",
        format!(
            "{target}() is called inside the Lambda handler {handler}: it is rebuilt on every invocation instead of being reused"
        ),
    );
    checker.report(call, violation);
}

/// A module-level function taking `(event, context)`.
pub fn is_lambda_handler(function: Node<'_>, text: &str) -> bool {
    let mut parent = function.parent();
    if parent.is_some_and(|p| p.kind() == "decorated_definition") {
        parent = parent.and_then(|p| p.parent());
    }
    if parent.is_none_or(|p| p.kind() != "module") {
        return false;
    }
    let Some(parameters) = function.py_field("parameters") else {
        return false;
    };
    let mut cursor = parameters.walk();
    let names: Vec<&str> = parameters
        .named_children(&mut cursor)
        .map(|p| {
            let name = p
                .py_field("name")
                .or_else(|| {
                    (p.kind() == "typed_parameter")
                        .then(|| p.named_child(0))
                        .flatten()
                })
                .unwrap_or(p);
            node_text(name, text).trim_start_matches('_')
        })
        .collect();
    matches!(
        names.as_slice(),
        [event, context] if matches!(*event, "event" | "evt") && matches!(*context, "context" | "ctx" | "lambda_context")
    )
}
