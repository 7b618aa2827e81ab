use super::super::prelude::*;
use super::boto3::{has_splat, method_on_boto3, uses_boto};
use super::enclosing_scope;

detector! {
    /// ## What it does
    /// Finds calls to paginated AWS operations whose first page is used as
    /// if it were the whole result: `list_objects_v2`, `describe_instances`,
    /// `list_functions`, `scan`, `query` and the other operations listed
    /// below, on boto3 clients traced to `boto3.client("<service>")`, when
    /// the enclosing function never looks at a continuation field
    /// (`IsTruncated`, `NextToken`, `NextContinuationToken`, `Marker`,
    /// `LastEvaluatedKey`, ...).
    ///
    /// Calls that ask for a bounded page (`MaxKeys=`, `MaxResults=`,
    /// `Limit=`, ...), pass a continuation token, name the resources they
    /// want (`InstanceIds=`, `StackName=`, ...), pass `**kwargs`, or whose
    /// result is not used are not reported; neither is anything read
    /// through `get_paginator`.
    ///
    /// ## Why is this bad?
    /// These operations return at most one page (1000 S3 keys, 1 MB of
    /// DynamoDB items, 50 Lambda functions, ...). Code tested against a
    /// small account works until the data grows, then silently misses the
    /// rest: objects are not copied, instances not tagged, items not
    /// migrated.
    ///
    /// ## Example
    /// ```python
    /// import boto3
    ///
    /// s3 = boto3.client("s3")
    /// keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import boto3
    ///
    /// s3 = boto3.client("s3")
    /// paginator = s3.get_paginator("list_objects_v2")
    /// keys = [o["Key"] for page in paginator.paginate(Bucket=bucket) for o in page.get("Contents", [])]
    /// ```
    ///
    /// ## References
    /// - [CWE-1068: Inconsistency Between Implementation and Documented Design](https://cwe.mitre.org/data/definitions/1068.html)
    /// - [Boto3: paginators](https://boto3.amazonaws.com/v1/documentation/api/latest/guide/paginators.html)
    pub static SPEC = {
        ids: &["python/missing-pagination@v1.0"],
        languages: &[Language::Python],
        name: "Missing pagination",
        category: Category::Quality,
        cwes: &[1068],
        tags: &["aws", "correctness"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Read every page: iterate client.get_paginator(\"<operation>\").paginate(...) or loop on the continuation token until it is absent.",
        keywords: &["boto3"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// Paginated operations, per service.
const PAGINATED: &[(&str, &[&str])] = &[
    (
        "s3",
        &[
            "list_objects",
            "list_objects_v2",
            "list_object_versions",
            "list_multipart_uploads",
            "list_parts",
        ],
    ),
    (
        "ec2",
        &[
            "describe_instances",
            "describe_snapshots",
            "describe_volumes",
            "describe_security_groups",
            "describe_subnets",
            "describe_vpcs",
            "describe_network_interfaces",
            "describe_instance_status",
            "describe_route_tables",
        ],
    ),
    (
        "lambda",
        &[
            "list_functions",
            "list_layers",
            "list_versions_by_function",
            "list_aliases",
            "list_event_source_mappings",
        ],
    ),
    ("dynamodb", &["scan", "query", "list_tables"]),
    (
        "iam",
        &[
            "list_users",
            "list_roles",
            "list_policies",
            "list_groups",
            "list_attached_role_policies",
            "list_role_policies",
            "list_attached_user_policies",
            "list_user_policies",
            "list_access_keys",
            "list_instance_profiles",
            "list_groups_for_user",
        ],
    ),
    ("sqs", &["list_queues"]),
    (
        "sns",
        &[
            "list_topics",
            "list_subscriptions",
            "list_subscriptions_by_topic",
        ],
    ),
    (
        "cloudformation",
        &[
            "list_stacks",
            "describe_stacks",
            "list_stack_resources",
            "list_exports",
            "describe_stack_events",
        ],
    ),
    (
        "logs",
        &[
            "describe_log_groups",
            "describe_log_streams",
            "filter_log_events",
        ],
    ),
    ("kinesis", &["list_streams", "list_shards"]),
    (
        "ecs",
        &[
            "list_clusters",
            "list_services",
            "list_tasks",
            "list_task_definitions",
        ],
    ),
    ("secretsmanager", &["list_secrets"]),
    ("ssm", &["get_parameters_by_path", "describe_parameters"]),
    (
        "route53",
        &["list_hosted_zones", "list_resource_record_sets"],
    ),
    ("autoscaling", &["describe_auto_scaling_groups"]),
    (
        "rds",
        &[
            "describe_db_instances",
            "describe_db_clusters",
            "describe_db_snapshots",
        ],
    ),
    ("cloudwatch", &["describe_alarms", "list_metrics"]),
    ("kms", &["list_keys", "list_aliases"]),
    ("glue", &["get_tables", "get_databases", "get_partitions"]),
    ("athena", &["get_query_results", "list_query_executions"]),
    ("stepfunctions", &["list_state_machines", "list_executions"]),
    (
        "ecr",
        &["describe_repositories", "list_images", "describe_images"],
    ),
    ("organizations", &["list_accounts"]),
    (
        "elbv2",
        &["describe_load_balancers", "describe_target_groups"],
    ),
];

/// Arguments bounding the page on purpose.
const LIMITS: &[&str] = &[
    "MaxKeys",
    "MaxResults",
    "MaxItems",
    "MaxRecords",
    "MaxUploads",
    "MaxParts",
    "Limit",
    "PageSize",
    "maxResults",
    "limit",
];

/// Continuation fields of requests and responses.
const CONTINUATION: &[&str] = &[
    "IsTruncated",
    "NextToken",
    "nextToken",
    "ContinuationToken",
    "NextContinuationToken",
    "Marker",
    "NextMarker",
    "KeyMarker",
    "NextKeyMarker",
    "LastEvaluatedKey",
    "ExclusiveStartKey",
    "StartingToken",
    "NextPageToken",
    "PaginationToken",
    "NextRecordName",
    "StartRecordName",
];

/// Arguments naming the resources wanted, whose answer fits one page.
const SELECTORS: &[&str] = &[
    "StackName",
    "DBInstanceIdentifier",
    "DBClusterIdentifier",
    "DBSnapshotIdentifier",
    "AutoScalingGroupNames",
    "LoadBalancerArns",
    "TargetGroupArns",
    "Names",
    "repositoryNames",
    "imageIds",
    "QueueNamePrefix",
    "EventSourceArn",
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    if !uses_boto(checker) {
        return;
    }
    let Some((method, client)) = method_on_boto3(call, checker) else {
        return;
    };
    let Some(service) = client.service.as_deref() else {
        return;
    };
    if client.kind != super::boto3::Kind::Client
        || !PAGINATED
            .iter()
            .any(|(s, ops)| *s == service && ops.contains(&method))
    {
        return;
    }
    if has_splat(call) || result_unused(call) {
        return;
    }
    let Some(arguments) = call_arguments(call) else {
        return;
    };
    let mut cursor = arguments.walk();
    let keywords: Vec<&str> = arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind() == "keyword_argument")
        .filter_map(|a| a.py_field("name"))
        .map(|n| checker.text_of(n))
        .collect();
    let bounded = keywords.iter().any(|k| {
        LIMITS.contains(k)
            || CONTINUATION.contains(k)
            || SELECTORS.contains(k)
            || k.ends_with("Ids")
    });
    if bounded {
        return;
    }
    let scope = enclosing_scope(call);
    let scope_text = checker.text_of(scope);
    if CONTINUATION.iter().any(|word| mentions(scope_text, word)) {
        return;
    }
    let violation = Violation::new(
        "first-page-only",
        format!(
            "{service}.{method} returns one page of results and nothing here reads the next; use get_paginator(\"{method}\")"
        ),
    );
    checker.report(call, violation);
}

/// A call made as a statement of its own (its result is dropped).
fn result_unused(call: Node<'_>) -> bool {
    let mut node = call;
    while let Some(parent) = node.parent() {
        match parent.kind() {
            "await" | "parenthesized_expression" => node = parent,
            "expression_statement" => return true,
            _ => return false,
        }
    }
    false
}

/// Whether `word` occurs in `text` as a whole word.
fn mentions(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        boundary(before) && boundary(after)
    })
}
