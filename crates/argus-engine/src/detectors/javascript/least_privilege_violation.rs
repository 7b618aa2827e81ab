use super::super::prelude::*;
use super::{
    bool_literal, call_args, callee_names, js_string, number_literal, object_property,
    render_parts, resolve_value, string_parts, unwrap,
};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds code that grants itself, or what it starts, more privilege
    /// than any task needs:
    ///
    /// - `process.setuid(0)`, `setgid`, `seteuid`, `setegid` to root (`0`
    ///   or `"root"`);
    /// - `child_process` calls (`exec`, `spawn`, `execFile`, `fork` and
    ///   their `Sync` forms, `execa`) with `{ uid: 0 }` or `{ gid: 0 }`,
    ///   or running `sudo ...`;
    /// - privileged containers: Dockerode `createContainer`/`run` options
    ///   with `HostConfig: { Privileged: true }`, `docker run --privileged`
    ///   started through `child_process`, and Kubernetes specs with
    ///   `securityContext: { privileged: true }`;
    /// - AWS IAM policies built in code that allow every action on every
    ///   resource (`Action: "*"` with `Resource: "*"`): the `PolicyDocument`
    ///   of `putRolePolicy`, `putUserPolicy`, `putGroupPolicy`,
    ///   `createPolicy`, `createPolicyVersion` (SDK v2 or the v3 `...Command`
    ///   classes), written as an object given to `JSON.stringify` or as a
    ///   JSON string, and CDK `new iam.PolicyStatement({ actions: ["*"],
    ///   resources: ["*"] })`.
    ///
    /// Dropping privileges (`process.setuid(1000)`, `setuid("www-data")`),
    /// `Privileged: false`, `Deny` statements and wildcards limited to one
    /// service (`"s3:*"`) or one resource are not reported.
    ///
    /// ## Why is this bad?
    /// Any flaw in code running as root, in a privileged container or
    /// under an administrator policy becomes a compromise of the whole
    /// host or account: a privileged container can mount the host's disks
    /// and load kernel modules, and `"*"` on `"*"` lets a stolen credential
    /// do anything, including creating new administrators.
    ///
    /// ## Example
    /// ```javascript
    /// const { IAM } = require("aws-sdk");
    ///
    /// const iam = new IAM();
    /// await iam.putRolePolicy({
    ///   RoleName: "uploader",
    ///   PolicyName: "uploads",
    ///   PolicyDocument: JSON.stringify({
    ///     Version: "2012-10-17",
    ///     Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    ///   }),
    /// }).promise();
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const { IAM } = require("aws-sdk");
    ///
    /// const iam = new IAM();
    /// await iam.putRolePolicy({
    ///   RoleName: "uploader",
    ///   PolicyName: "uploads",
    ///   PolicyDocument: JSON.stringify({
    ///     Version: "2012-10-17",
    ///     Statement: [{ Effect: "Allow", Action: ["s3:PutObject"], Resource: "arn:aws:s3:::uploads/*" }],
    ///   }),
    /// }).promise();
    /// ```
    ///
    /// ## References
    /// - [CWE-250: Execution with Unnecessary Privileges](https://cwe.mitre.org/data/definitions/250.html)
    /// - [CWE-269: Improper Privilege Management](https://cwe.mitre.org/data/definitions/269.html)
    /// - [AWS IAM: Apply least-privilege permissions](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)
    /// - [Docker: Runtime privilege](https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities)
    pub static SPEC = {
        ids: &[
            "javascript/least-privilege-violation@v1.0",
            "typescript/least-privilege-violation@v1.0",
        ],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Least privilege violation",
        category: Category::Security,
        cwes: &[250, 269],
        tags: &["access-control", "cloud", "containers"],
        access: Access::FullControl,
        effort: Effort::RequiresSystemAccess,
        remediation: "Run as an unprivileged user, drop root as soon as the privileged step is done, avoid privileged containers, and grant IAM policies only the actions and resources needed.",
        keywords: &["setuid", "setgid", "seteuid", "setegid", "uid", "gid", "sudo", "privileged", "policy"],
        check: Check::Node { kinds: &["call_expression", "new_expression", "pair"], run: check },
    };
}

const CHILD_PROCESS: &[&str] = &[
    "child_process.exec",
    "child_process.execSync",
    "child_process.execFile",
    "child_process.execFileSync",
    "child_process.spawn",
    "child_process.spawnSync",
    "child_process.fork",
    "execa",
    "execa.execa",
    "execa.execaSync",
    "execa.command",
    "execa.execaCommand",
    "execa.execaCommandSync",
    "shelljs.exec",
];

const IAM_METHODS: &[&str] = &[
    "putRolePolicy",
    "putUserPolicy",
    "putGroupPolicy",
    "createPolicy",
    "createPolicyVersion",
];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    if node.kind() == "pair" {
        check_security_context(node, checker);
        return;
    }
    let text = checker.text;
    let names = callee_names(node, checker);
    if let Some(function) = names.iter().find_map(|n| {
        n.strip_prefix("process.")
            .filter(|f| matches!(*f, "setuid" | "setgid" | "seteuid" | "setegid"))
    }) {
        if let Some(id) = call_args(node).first()
            && is_root_id(*id, text)
        {
            checker.report(
                node,
                Violation::new(
                    "root-id",
                    format!("process.{function} switches the process to root: every flaw in it then has root's power"),
                ),
            );
        }
        return;
    }
    if names.iter().any(|n| CHILD_PROCESS.contains(&n.as_str())) {
        check_child_process(node, checker);
        return;
    }
    let method = if node.kind() == "new_expression" {
        node.js_field("constructor").map(|c| {
            let raw = node_text(c, text);
            raw.rsplit('.').next().unwrap_or(raw)
        })
    } else {
        method_call(node).map(|(_, m)| node_text(m, text))
    };
    let Some(method) = method else {
        return;
    };
    match method {
        "createContainer" | "run" | "create" => check_docker(node, checker),
        "PolicyStatement" => {
            if names
                .iter()
                .any(|n| n.contains("aws-iam") || n.starts_with("aws-cdk-lib"))
                && let Some(statement) = call_args(node).first()
                && admin_statement(
                    *statement,
                    text,
                    &["actions", "Action"],
                    &["resources", "Resource"],
                )
            {
                report_policy(node, checker);
            }
        }
        _ => {
            let command = method.strip_suffix("Command");
            let iam = IAM_METHODS.iter().any(|m| {
                *m == method
                    || command.is_some_and(|c| c.len() == m.len() && c.eq_ignore_ascii_case(m))
            });
            if iam
                && let Some(params) = call_args(node).first()
                && let Some(document) = object_property(*params, "PolicyDocument", text)
                && admin_document(document, text)
            {
                report_policy(node, checker);
            }
        }
    }
}

/// `0`, `"root"`, or a local constant holding one.
fn is_root_id(node: Node<'_>, text: &str) -> bool {
    let node = resolve_value(node, text);
    number_literal(node, text) == Some(0) || js_string(node, text).is_some_and(|s| s == "root")
}

fn check_child_process(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let args = call_args(call);
    for arg in &args {
        let arg = unwrap(*arg);
        if arg.kind() != "object" {
            continue;
        }
        for key in ["uid", "gid"] {
            if object_property(arg, key, text).is_some_and(|v| is_root_id(v, text)) {
                checker.report(
                    call,
                    Violation::new(
                        "root-child",
                        format!("the child process runs with {key} 0 (root)"),
                    ),
                );
                return;
            }
        }
    }
    // The command line: a string, or a program and its argument array.
    let Some(first) = args.first() else {
        return;
    };
    let mut words: Vec<String> = render_parts(&string_parts(resolve_value(*first, text), text))
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if let Some(list) = args.get(1).map(|a| resolve_value(*a, text))
        && list.kind() == "array"
    {
        let mut cursor = list.walk();
        words.extend(
            list.named_children(&mut cursor)
                .map(|item| js_string(item, text).unwrap_or_default()),
        );
    }
    match words.first().map(String::as_str) {
        Some("sudo") => checker.report(
            call,
            Violation::new(
                "sudo",
                "the command runs through sudo: the program needs root rights it should not hold",
            ),
        ),
        Some("docker" | "podman")
            if words.iter().any(|w| w == "run" || w == "create")
                && words
                    .iter()
                    .any(|w| w == "--privileged" || w == "--privileged=true") =>
        {
            checker.report(
                call,
                Violation::new(
                    "privileged-container",
                    "`--privileged` gives the container every capability and access to the host's devices",
                ),
            );
        }
        _ => {}
    }
}

/// Dockerode: `docker.createContainer({ HostConfig: { Privileged: true } })`.
fn check_docker(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let privileged = call_args(call).into_iter().any(|arg| {
        let arg = resolve_value(arg, text);
        object_property(arg, "HostConfig", text)
            .map(|h| resolve_value(h, text))
            .and_then(|h| object_property(h, "Privileged", text))
            .and_then(|p| bool_literal(p, text))
            == Some(true)
    });
    if privileged {
        checker.report(
            call,
            Violation::new(
                "privileged-container",
                "`Privileged: true` gives the container every capability and access to the host's devices",
            ),
        );
    }
}

/// Kubernetes: `securityContext: { privileged: true }`.
fn check_security_context(pair: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if super::property_key(pair, text) != Some("securityContext") {
        return;
    }
    let Some(value) = pair.js_field("value") else {
        return;
    };
    if object_property(value, "privileged", text).and_then(|p| bool_literal(p, text)) == Some(true)
    {
        checker.report(
            pair,
            Violation::new(
                "privileged-container",
                "`privileged: true` runs the container with every capability and access to the host's devices",
            ),
        );
    }
}

fn report_policy(node: Node<'_>, checker: &mut Checker<'_>) {
    checker.report(
        node,
        Violation::new(
            "admin-policy",
            "the IAM policy allows every action on every resource (\"Action\": \"*\", \"Resource\": \"*\"): administrator access",
        ),
    );
}

/// A policy document: `JSON.stringify({...})` or a JSON string.
fn admin_document(document: Node<'_>, text: &str) -> bool {
    let document = resolve_value(document, text);
    if let Some(json) = js_string(document, text) {
        return serde_json::from_str::<serde_json::Value>(&json)
            .ok()
            .is_some_and(|v| admin_json(&v));
    }
    if document.kind() != "call_expression"
        || document
            .js_field("function")
            .is_none_or(|f| node_text(f, text) != "JSON.stringify")
    {
        return false;
    }
    let Some(policy) = call_args(document).first().map(|p| resolve_value(*p, text)) else {
        return false;
    };
    let Some(statements) =
        object_property(policy, "Statement", text).map(|s| resolve_value(s, text))
    else {
        return false;
    };
    let items: Vec<Node<'_>> = if statements.kind() == "array" {
        let mut cursor = statements.walk();
        statements.named_children(&mut cursor).collect()
    } else {
        vec![statements]
    };
    items
        .into_iter()
        .any(|s| admin_statement(resolve_value(s, text), text, &["Action"], &["Resource"]))
}

/// An `Allow` statement object literal with `*` among its actions and its
/// resources.
fn admin_statement(statement: Node<'_>, text: &str, actions: &[&str], resources: &[&str]) -> bool {
    let statement = resolve_value(statement, text);
    let effect = ["Effect", "effect"]
        .iter()
        .find_map(|k| object_property(statement, k, text));
    if let Some(effect) = effect {
        let raw = node_text(effect, text);
        if !(raw.contains("Allow") || raw.contains("ALLOW")) {
            return false;
        }
    }
    let has_star = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| object_property(statement, k, text))
            .is_some_and(|v| {
                let v = unwrap(v);
                if v.kind() == "array" {
                    let mut cursor = v.walk();
                    v.named_children(&mut cursor)
                        .any(|i| js_string(i, text).is_some_and(|s| s == "*"))
                } else {
                    js_string(v, text).is_some_and(|s| s == "*")
                }
            })
    };
    has_star(actions) && has_star(resources)
}

fn admin_json(policy: &serde_json::Value) -> bool {
    let star = |v: Option<&serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s == "*",
        Some(serde_json::Value::Array(items)) => items.iter().any(|i| i.as_str() == Some("*")),
        _ => false,
    };
    let statements = match policy.get("Statement") {
        Some(serde_json::Value::Array(items)) => items.clone(),
        Some(single) => vec![single.clone()],
        None => return false,
    };
    statements.iter().any(|s| {
        s.get("Effect").and_then(|e| e.as_str()) == Some("Allow")
            && star(s.get("Action"))
            && star(s.get("Resource"))
    })
}
