use super::super::prelude::*;
use super::quality::{DeclKind, declaration};
use super::{call_args, descendants, enclosing_class, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds AWS SDK clients built inside an AWS Lambda handler: in the
    /// `handleRequest` method of a class implementing `RequestHandler` or
    /// `RequestStreamHandler`, a client from `AmazonS3ClientBuilder.
    /// defaultClient()`, `AmazonDynamoDBClientBuilder.standard()...build()`
    /// (SDK 1.x), `S3Client.create()` or `S3Client.builder()...build()`
    /// (SDK 2.x), or `new AmazonS3Client(...)`.
    ///
    /// Clients configured from the invocation (a region, credentials or
    /// endpoint taken from the handler's input or a local computed from
    /// it, as after an STS `assumeRole`) are not reported.
    ///
    /// ## Why is this bad?
    /// Lambda reuses the execution environment between invocations, and
    /// what the class initialises stays alive. A client built in the handler
    /// is built again on every invocation: credentials are resolved,
    /// endpoint metadata loaded and a new HTTP connection pool with a fresh
    /// TLS handshake opened, adding latency and cost to every call.
    ///
    /// ## Example
    /// ```java
    /// public class Handler implements RequestHandler<S3Event, String> {
    ///     public String handleRequest(S3Event event, Context context) {
    ///         S3Client s3 = S3Client.create();
    ///         ...
    ///     }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// public class Handler implements RequestHandler<S3Event, String> {
    ///     private static final S3Client S3 = S3Client.create();
    ///
    ///     public String handleRequest(S3Event event, Context context) {
    ///         ...
    ///     }
    /// }
    /// ```
    ///
    /// ## References
    /// - [AWS Lambda: best practices (initialize SDK clients outside the handler)](https://docs.aws.amazon.com/lambda/latest/dg/best-practices.html)
    /// - [CWE-1050: Excessive Platform Resource Consumption within a Loop](https://cwe.mitre.org/data/definitions/1050.html)
    pub static SPEC = {
        ids: &["java/lambda-client-reuse@v1.0"],
        languages: &[Language::Java],
        name: "Lambda client not reused",
        category: Category::Quality,
        cwes: &[1050],
        tags: &["aws", "lambda", "performance"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Create SDK clients once, in a static or instance field or the constructor, outside handleRequest, so that warm invocations reuse them.",
        keywords: &["RequestHandler", "RequestStreamHandler"],
        check: Check::Node {
            kinds: &["method_invocation", "object_creation_expression"],
            run: check,
        },
    };
}

const HANDLERS: &[&str] = &[
    "com.amazonaws.services.lambda.runtime.RequestHandler",
    "com.amazonaws.services.lambda.runtime.RequestStreamHandler",
];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(client) = client_built(node, checker) else {
        return;
    };
    // Directly in `handleRequest` (not in a lambda or local class in it).
    let Some(method) = enclosing_handler(node, text) else {
        return;
    };
    let Some(class) = enclosing_class(method) else {
        return;
    };
    if !implements_handler(class, checker) {
        return;
    }
    if per_invocation(node, checker) {
        return;
    }
    checker.report(
        node,
        Violation::new(
            "client-in-handler",
            format!("{client} is created on every invocation of handleRequest: create it once outside the handler"),
        ),
    );
}

/// The client a call builds: `S3Client` for `S3Client.create()`, the
/// builder's client for `...ClientBuilder.defaultClient()` and the final
/// `build()` of a `...ClientBuilder.standard()`/`S3Client.builder()` chain.
fn client_built(node: Node<'_>, checker: &Checker<'_>) -> Option<String> {
    let text = checker.text;
    let is_sdk = |n: Node<'_>| {
        checker.semantic.qualified_names(n, text).iter().any(|q| {
            q.starts_with("com.amazonaws.services.")
                || q.starts_with("software.amazon.awssdk.services.")
        })
    };
    if node.kind() == "object_creation_expression" {
        let ty = node.child_by_field_name("type")?;
        let name = node_text(ty, text);
        return (name.starts_with("Amazon") && name.ends_with("Client") && is_sdk(ty))
            .then(|| name.to_string());
    }
    let name = method_name(node, text)?;
    let object = receiver(node)?;
    match name {
        "defaultClient" | "create" if call_args(node).is_empty() => {
            let owner = node_text(object, text);
            let simple = owner.rsplit('.').next().unwrap_or(owner);
            let ok = if name == "defaultClient" {
                simple.ends_with("ClientBuilder")
            } else {
                simple.ends_with("Client") || simple.ends_with("AsyncClient")
            };
            (ok && is_sdk(object)).then(|| simple.to_string())
        }
        "build" if call_args(node).is_empty() => {
            // Walk down the chain to `X.builder()` / `XClientBuilder.standard()`.
            let mut inner = object;
            while inner.kind() == "method_invocation" {
                let Some(owner) = receiver(inner) else {
                    break;
                };
                let step = method_name(inner, text)?;
                if owner.kind() != "method_invocation" {
                    let simple = node_text(owner, text)
                        .rsplit('.')
                        .next()
                        .unwrap_or_default();
                    let ok = match step {
                        "builder" => simple.ends_with("Client"),
                        "standard" => simple.ends_with("ClientBuilder"),
                        _ => false,
                    };
                    return (ok && is_sdk(owner))
                        .then(|| simple.trim_end_matches("Builder").to_string());
                }
                inner = owner;
            }
            None
        }
        _ => None,
    }
}

fn enclosing_handler<'t>(node: Node<'t>, text: &str) -> Option<Node<'t>> {
    let mut up = node.parent();
    while let Some(n) = up {
        match n.kind() {
            "method_declaration" => {
                return n
                    .child_by_field_name("name")
                    .is_some_and(|m| node_text(m, text) == "handleRequest")
                    .then_some(n);
            }
            "lambda_expression" | "class_body" | "constructor_declaration" => return None,
            _ => {}
        }
        up = n.parent();
    }
    None
}

fn implements_handler(class: Node<'_>, checker: &Checker<'_>) -> bool {
    let text = checker.text;
    let Some(interfaces) = class.child_by_field_name("interfaces") else {
        return false;
    };
    descendants(interfaces).into_iter().any(|n| {
        n.kind() == "type_identifier"
            && checker
                .semantic
                .qualified_names(n, text)
                .iter()
                .any(|q| HANDLERS.contains(&q.as_str()))
    })
}

/// Whether the client's configuration reads a handler parameter or a local
/// of the handler (per-invocation region, credentials or endpoint).
fn per_invocation(node: Node<'_>, checker: &Checker<'_>) -> bool {
    let text = checker.text;
    descendants(node).into_iter().any(|n| {
        n.kind() == "identifier"
            && n.parent().is_none_or(|p| {
                let is = |field: &str| {
                    p.child_by_field_name(field)
                        .is_some_and(|c| c.id() == n.id())
                };
                match p.kind() {
                    "method_invocation" => !is("name"),
                    "field_access" => !is("field"),
                    _ => true,
                }
            })
            && declaration(n, text).is_some_and(|d| d.kind != DeclKind::Field)
    })
}
