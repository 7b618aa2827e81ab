use super::super::prelude::*;
use super::boto3::{Kind, method_on_boto3, uses_boto};

detector! {
    /// ## What it does
    /// Finds loops that poll the state of an AWS resource with
    /// `time.sleep` between calls where boto3 has a waiter for it: a
    /// `while` or `for` loop calling `time.sleep(...)` and an operation such
    /// as `ec2.describe_instances`, `cloudformation.describe_stacks`,
    /// `rds.describe_db_instances`, `dynamodb.describe_table` or
    /// `s3.head_object` on a client traced to `boto3.client("<service>")`.
    ///
    /// Loops over operations without a waiter, loops on clients whose
    /// service is not known, and operations called in a nested function are
    /// not reported.
    ///
    /// ## Why is this bad?
    /// Hand-written polling tends to get the details wrong: no overall
    /// timeout, no handling of the failure states (a stack that rolled
    /// back, an instance that terminated), a fixed interval that throttles
    /// the account's API rate. Waiters encode the success, failure and
    /// retry states of each operation and take a delay and a maximum number
    /// of attempts.
    ///
    /// ## Example
    /// ```python
    /// import time
    /// import boto3
    ///
    /// ec2 = boto3.client("ec2")
    /// while True:
    ///     state = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"]
    ///     if state == "running":
    ///         break
    ///     time.sleep(5)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import boto3
    ///
    /// ec2 = boto3.client("ec2")
    /// ec2.get_waiter("instance_running").wait(
    ///     InstanceIds=[instance_id], WaiterConfig={"Delay": 5, "MaxAttempts": 60}
    /// )
    /// ```
    ///
    /// ## References
    /// - [CWE-1041: Use of Redundant Code](https://cwe.mitre.org/data/definitions/1041.html)
    /// - [Boto3: waiters](https://boto3.amazonaws.com/v1/documentation/api/latest/guide/clients.html#waiters)
    pub static SPEC = {
        ids: &["python/aws-polling-instead-of-waiter@v1.0"],
        languages: &[Language::Python],
        name: "Polling instead of a waiter",
        category: Category::Quality,
        cwes: &[1041],
        tags: &["aws", "maintainability"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Use the client's waiter (client.get_waiter(\"<name>\").wait(..., WaiterConfig={...})) instead of a loop with time.sleep.",
        keywords: &["sleep"],
        check: Check::Node { kinds: &["while_statement", "for_statement"], run: check },
    };
}

/// Operations with a waiter, per service, and one waiter to name.
const WAITED: &[(&str, &[(&str, &str)])] = &[
    (
        "ec2",
        &[
            ("describe_instances", "instance_running"),
            ("describe_instance_status", "instance_status_ok"),
            ("describe_images", "image_available"),
            ("describe_snapshots", "snapshot_completed"),
            ("describe_volumes", "volume_available"),
            ("describe_vpcs", "vpc_available"),
            ("describe_subnets", "subnet_available"),
            ("describe_nat_gateways", "nat_gateway_available"),
            (
                "describe_spot_instance_requests",
                "spot_instance_request_fulfilled",
            ),
            ("describe_security_groups", "security_group_exists"),
            ("describe_key_pairs", "key_pair_exists"),
            (
                "describe_vpc_peering_connections",
                "vpc_peering_connection_exists",
            ),
            ("describe_internet_gateways", "internet_gateway_exists"),
            ("get_password_data", "password_data_available"),
        ],
    ),
    (
        "cloudformation",
        &[
            ("describe_stacks", "stack_create_complete"),
            ("describe_change_set", "change_set_create_complete"),
        ],
    ),
    (
        "rds",
        &[
            ("describe_db_instances", "db_instance_available"),
            ("describe_db_clusters", "db_cluster_available"),
            ("describe_db_snapshots", "db_snapshot_available"),
            (
                "describe_db_cluster_snapshots",
                "db_cluster_snapshot_available",
            ),
        ],
    ),
    ("dynamodb", &[("describe_table", "table_exists")]),
    (
        "s3",
        &[
            ("head_object", "object_exists"),
            ("head_bucket", "bucket_exists"),
        ],
    ),
    (
        "lambda",
        &[
            ("get_function", "function_active_v2"),
            ("get_function_configuration", "function_updated"),
        ],
    ),
    (
        "ecs",
        &[
            ("describe_services", "services_stable"),
            ("describe_tasks", "tasks_stopped"),
        ],
    ),
    (
        "eks",
        &[
            ("describe_cluster", "cluster_active"),
            ("describe_nodegroup", "nodegroup_active"),
            ("describe_fargate_profile", "fargate_profile_active"),
            ("describe_addon", "addon_active"),
        ],
    ),
    (
        "elbv2",
        &[
            ("describe_load_balancers", "load_balancer_available"),
            ("describe_target_health", "target_in_service"),
        ],
    ),
    (
        "emr",
        &[
            ("describe_cluster", "cluster_running"),
            ("describe_step", "step_complete"),
        ],
    ),
    ("kinesis", &[("describe_stream", "stream_exists")]),
    ("acm", &[("describe_certificate", "certificate_validated")]),
    (
        "cloudfront",
        &[
            ("get_distribution", "distribution_deployed"),
            ("get_invalidation", "invalidation_completed"),
        ],
    ),
    (
        "redshift",
        &[
            ("describe_clusters", "cluster_available"),
            ("describe_cluster_snapshots", "snapshot_available"),
        ],
    ),
    (
        "sagemaker",
        &[
            ("describe_endpoint", "endpoint_in_service"),
            ("describe_training_job", "training_job_completed_or_stopped"),
            (
                "describe_transform_job",
                "transform_job_completed_or_stopped",
            ),
            (
                "describe_processing_job",
                "processing_job_completed_or_stopped",
            ),
            ("describe_notebook_instance", "notebook_instance_in_service"),
        ],
    ),
    ("ssm", &[("get_command_invocation", "command_executed")]),
    (
        "iam",
        &[
            ("get_role", "role_exists"),
            ("get_user", "user_exists"),
            ("get_instance_profile", "instance_profile_exists"),
            ("get_policy", "policy_exists"),
        ],
    ),
    ("route53", &[("get_change", "resource_record_sets_changed")]),
    (
        "autoscaling",
        &[("describe_auto_scaling_groups", "group_in_service")],
    ),
    (
        "elasticache",
        &[
            ("describe_cache_clusters", "cache_cluster_available"),
            ("describe_replication_groups", "replication_group_available"),
        ],
    ),
    ("codedeploy", &[("get_deployment", "deployment_successful")]),
    (
        "ecr",
        &[("describe_image_scan_findings", "image_scan_complete")],
    ),
    ("glacier", &[("describe_vault", "vault_exists")]),
];

fn check(loop_node: Node<'_>, checker: &mut Checker<'_>) {
    if !uses_boto(checker) {
        return;
    }
    let Some(body) = loop_node.py_field("body") else {
        return;
    };
    let mut sleeps = false;
    let mut polled: Option<(Node<'_>, String, &str, &str)> = None;
    // A while loop's condition runs on every turn; a for loop's iterable
    // only once.
    let mut stack = vec![body];
    if loop_node.kind() == "while_statement"
        && let Some(condition) = loop_node.py_field("condition")
    {
        stack.push(condition);
    }
    while let Some(node) = stack.pop() {
        // Nested definitions do not run here.
        if matches!(
            node.kind(),
            "function_definition" | "class_definition" | "lambda"
        ) {
            continue;
        }
        if node.kind() == "call" {
            if checker
                .semantic
                .call_matches(node, checker.text, &["time.sleep"])
                .is_some()
            {
                sleeps = true;
            } else if let Some((method, client)) = method_on_boto3(node, checker)
                && client.kind == Kind::Client
                && let Some(service) = client.service.as_deref()
                && let Some(waiter) = waiter_for(service, method)
                && polled
                    .as_ref()
                    .is_none_or(|(p, ..)| p.start_byte() > node.start_byte())
            {
                polled = Some((node, service.to_string(), method, waiter));
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    let (true, Some((call, service, method, waiter))) = (sleeps, polled) else {
        return;
    };
    // The innermost loop that sleeps around the call reports it.
    let mut up = call.parent();
    while let Some(n) = up {
        if n == loop_node {
            break;
        }
        if matches!(n.kind(), "while_statement" | "for_statement") && sleeps_in(n, checker) {
            return;
        }
        up = n.parent();
    }
    let violation = Violation::new(
        "sleep-polling",
        format!(
            "this loop polls {service}.{method} with time.sleep; boto3 has a waiter for it (get_waiter(\"{waiter}\") or another {service} waiter)"
        ),
    );
    checker.report(call, violation);
}

fn waiter_for(service: &str, method: &str) -> Option<&'static str> {
    WAITED
        .iter()
        .find(|(s, _)| *s == service)?
        .1
        .iter()
        .find(|(m, _)| *m == method)
        .map(|(_, w)| *w)
}

/// Whether a loop's body calls `time.sleep` (outside nested definitions).
fn sleeps_in(loop_node: Node<'_>, checker: &Checker<'_>) -> bool {
    let Some(body) = loop_node.py_field("body") else {
        return false;
    };
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        if matches!(
            node.kind(),
            "function_definition" | "class_definition" | "lambda"
        ) {
            continue;
        }
        if node.kind() == "call"
            && checker
                .semantic
                .call_matches(node, checker.text, &["time.sleep"])
                .is_some()
        {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}
