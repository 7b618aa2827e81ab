use super::super::prelude::*;
use super::lambda_client_reuse::is_lambda_handler;

detector! {
    /// ## What it does
    /// Finds AWS Lambda function modules (a module-level function taking
    /// `(event, context)`) that assign one of the environment variables the
    /// Lambda runtime reserves: `os.environ["AWS_REGION"] = ...`,
    /// `os.environ.update(AWS_LAMBDA_FUNCTION_NAME=...)`,
    /// `os.putenv("_HANDLER", ...)`, and the others listed in the Lambda
    /// documentation (`AWS_EXECUTION_ENV`, `LAMBDA_TASK_ROOT`,
    /// `AWS_ACCESS_KEY_ID`, `AWS_SESSION_TOKEN`, ...).
    ///
    /// ## Why is this bad?
    /// The runtime sets these variables for every execution environment and
    /// the SDKs, the runtime interface client and extensions read them. A
    /// function that overwrites them changes the region, credentials or
    /// handler that other code in the same environment sees, for this and
    /// every later (warm) invocation, which leads to calls signed with the
    /// wrong credentials or sent to the wrong region.
    ///
    /// ## Example
    /// ```python
    /// import os
    ///
    /// def handler(event, context):
    ///     os.environ["AWS_REGION"] = event["region"]
    ///     return boto3.client("s3").list_buckets()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// def handler(event, context):
    ///     return boto3.client("s3", region_name=event["region"]).list_buckets()
    /// ```
    ///
    /// ## References
    /// - [AWS Lambda: Defined runtime environment variables](https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime)
    /// - [CWE-15: External Control of System or Configuration Setting](https://cwe.mitre.org/data/definitions/15.html)
    pub static SPEC = {
        ids: &["python/lambda-override-reserved@v1.0"],
        languages: &[Language::Python],
        name: "Reserved Lambda environment variable overridden",
        category: Category::Quality,
        cwes: &[15],
        tags: &["aws", "lambda", "configuration"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Do not overwrite the Lambda runtime's reserved environment variables; pass the value explicitly (region_name=, a session with credentials) or use a variable of your own.",
        keywords: &["environ", "putenv"],
        check: Check::Node { kinds: &["assignment", "call"], run: check },
    };
}

/// The reserved variables of the Lambda runtime.
const RESERVED: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let mut names: Vec<(Node<'_>, String)> = Vec::new();
    if node.kind() == "assignment" {
        // `os.environ["AWS_REGION"] = value`
        let Some(left) = node
            .child_by_field_name("left")
            .filter(|l| l.kind() == "subscript")
        else {
            return;
        };
        let Some(value) = left.child_by_field_name("value") else {
            return;
        };
        if !is_environ(value, checker) {
            return;
        }
        let mut cursor = left.walk();
        for key in left.children_by_field_name("subscript", &mut cursor) {
            if let Some(name) = string_literal(key, text) {
                names.push((key, name));
            }
        }
    } else if checker
        .semantic
        .call_matches(node, text, &["os.putenv"])
        .is_some()
    {
        if let Some(key) = argument(node, 0, "key", text)
            && let Some(name) = string_literal(key, text)
        {
            names.push((key, name));
        }
    } else {
        // `os.environ.update({"AWS_REGION": ...})`, `os.environ.update(AWS_REGION=...)`
        let Some(function) = node
            .child_by_field_name("function")
            .filter(|f| f.kind() == "attribute")
        else {
            return;
        };
        if function
            .child_by_field_name("attribute")
            .is_none_or(|a| checker.text_of(a) != "update")
            || function
                .child_by_field_name("object")
                .is_none_or(|o| !is_environ(o, checker))
        {
            return;
        }
        let Some(args) = call_arguments(node) else {
            return;
        };
        let mut cursor = args.walk();
        for arg in args.named_children(&mut cursor) {
            match arg.kind() {
                "keyword_argument" => {
                    if let Some(name) = arg.child_by_field_name("name") {
                        names.push((name, checker.text_of(name).to_string()));
                    }
                }
                "dictionary" => {
                    let mut pairs = arg.walk();
                    for pair in arg.named_children(&mut pairs) {
                        if let Some(key) = pair.child_by_field_name("key")
                            && let Some(name) = string_literal(key, text)
                        {
                            names.push((key, name));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let reserved: Vec<(Node<'_>, String)> = names
        .into_iter()
        .filter(|(_, name)| RESERVED.contains(&name.as_str()))
        .collect();
    if reserved.is_empty() || !defines_lambda_handler(node, text) {
        return;
    }
    for (key, name) in reserved {
        checker.report(
            key,
            Violation::new(
                "reserved-variable",
                format!(
                    "{name} is an environment variable reserved by the Lambda runtime; this Lambda function overwrites it"
                ),
            ),
        );
    }
}

/// `os.environ`, also through `from os import environ`.
fn is_environ(expr: Node<'_>, checker: &Checker<'_>) -> bool {
    checker
        .semantic
        .qualified_names(expr, checker.text)
        .iter()
        .any(|n| n == "os.environ")
}

/// Whether the module holding `node` defines a Lambda handler.
fn defines_lambda_handler(node: Node<'_>, text: &str) -> bool {
    let mut module = node;
    while let Some(parent) = module.parent() {
        module = parent;
    }
    let mut cursor = module.walk();
    module.named_children(&mut cursor).any(|statement| {
        let function = if statement.kind() == "decorated_definition" {
            statement.child_by_field_name("definition")
        } else {
            Some(statement)
        };
        function.is_some_and(|f| f.kind() == "function_definition" && is_lambda_handler(f, text))
    })
}
