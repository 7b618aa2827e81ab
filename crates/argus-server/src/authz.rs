//! Authorization of every signed API request, after authentication: the
//! operation becomes an IAM action, the request names its resources and
//! condition keys, and the caller's identity policies decide (default
//! deny, explicit deny wins). The account's root is allowed everything in
//! its own account, as in IAM. Deciding here, in one layer, means no
//! handler can forget to ask.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use argus_store::Principal;
use percent_encoding::percent_decode_str;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::ApiError;
use crate::policy::{Decision, Policy, RequestContext, evaluate, managed_policy};
use crate::state::{Caller, SharedState};

/// What a request asks to do, before policies are consulted.
pub struct Request<'a> {
    pub operation: &'static str,
    /// The path as received (percent-encoded).
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub body: &'a [u8],
    pub source_ip: Option<IpAddr>,
    pub secure_transport: bool,
}

/// One resource a request touches and the tags it would set or remove.
struct Target {
    resource: String,
    /// The scan in the caller's account, when the resource is one.
    scan_name: Option<String>,
}

/// Allows the request or answers AccessDeniedException in IAM's words.
pub async fn authorize(
    state: &SharedState,
    caller: &Caller,
    request: &Request<'_>,
) -> Result<(), ApiError> {
    let Some(policy_principal) = &caller.policy_principal_arn else {
        // The account's root.
        return Ok(());
    };
    if request.operation == "Unknown" {
        // No operation: the answer is a ValidationException naming none.
        return Ok(());
    }
    let principal = state.store.principal(policy_principal).await?;
    let Some(principal) = principal else {
        // The user or role was deleted while its temporary credentials lived.
        return Err(denied(caller, request.operation, "*", false));
    };
    let attached = state.store.policies(policy_principal).await?;
    let mut owned = Vec::with_capacity(attached.len());
    let mut managed = Vec::new();
    for policy in &attached {
        if let Some(arn) = &policy.managed_arn {
            match managed_policy(arn) {
                Some(policy) => managed.push(policy),
                None => tracing::warn!(%arn, "an attached managed policy is unknown; ignored"),
            }
        } else if let Some(document) = &policy.document {
            match Policy::parse(document) {
                Ok(parsed) => owned.push(parsed),
                // Stored documents were validated by `argus admin`; a
                // document that no longer parses grants nothing.
                Err(e) => {
                    tracing::warn!(principal = %policy_principal, policy = %policy.name, error = %e, "an attached policy does not parse; ignored")
                }
            }
        }
    }
    let policies: Vec<&Policy> = managed.into_iter().chain(owned.iter()).collect();
    // Scan tags cost a query: read them only for policies that ask.
    let mentions_resource_tags = policies
        .iter()
        .any(|p| p.to_json().to_ascii_lowercase().contains("aws:resourcetag"));
    let base = base_context(caller, &principal, request);
    let request_tags = request_tags(request);
    for target in targets(state, caller, request) {
        let action = format!("codeguru-security:{}", request.operation);
        let mut context = RequestContext::new(&action, &target.resource);
        for (key, values) in &base {
            context.set(key, values.clone());
        }
        if let Some(asked) = &request_tags {
            for (key, value) in &asked.tags {
                context.set(&format!("aws:RequestTag/{key}"), vec![value.clone()]);
            }
            context.set("aws:TagKeys", asked.keys.clone());
        }
        if mentions_resource_tags && let Some(scan) = &target.scan_name {
            for (key, value) in state.store.tags(&caller.account_id, scan).await? {
                context.set(&format!("aws:ResourceTag/{key}"), vec![value]);
            }
        }
        match evaluate(&policies, &context) {
            Decision::Allow => {}
            decision => {
                tracing::info!(
                    principal = %caller.principal_arn,
                    action = %action,
                    resource = %target.resource,
                    explicit = decision == Decision::ExplicitDeny,
                    "access denied"
                );
                return Err(denied(
                    caller,
                    request.operation,
                    &target.resource,
                    decision == Decision::ExplicitDeny,
                ));
            }
        }
    }
    Ok(())
}

fn denied(caller: &Caller, operation: &str, resource: &str, explicit: bool) -> ApiError {
    let reason = if explicit {
        " with an explicit deny in an identity-based policy"
    } else {
        " because no identity-based policy allows the action"
    };
    ApiError::AccessDenied {
        message: format!(
            "User: {} is not authorized to perform: codeguru-security:{operation} on resource: {resource}{reason}",
            caller.principal_arn
        ),
    }
}

/// The global condition keys of every request by this caller.
fn base_context(
    caller: &Caller,
    principal: &Principal,
    request: &Request<'_>,
) -> BTreeMap<String, Vec<String>> {
    let now = OffsetDateTime::now_utc();
    let mut keys = BTreeMap::new();
    let mut set = |key: &str, value: String| {
        keys.insert(key.to_string(), vec![value]);
    };
    set("aws:PrincipalArn", principal.arn.clone());
    set("aws:PrincipalAccount", caller.account_id.clone());
    match principal.principal_type {
        argus_store::PrincipalType::Role => {
            set("aws:PrincipalType", "AssumedRole".into());
            // IAM: role id and session name.
            let session = caller
                .principal_arn
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string();
            set(
                "aws:userid",
                format!("{}:{session}", principal.principal_id),
            );
        }
        argus_store::PrincipalType::User => {
            set("aws:PrincipalType", "User".into());
            set("aws:userid", principal.principal_id.clone());
            set("aws:username", principal.name.clone());
        }
    }
    for (key, value) in &principal.tags {
        set(&format!("aws:PrincipalTag/{key}"), value.clone());
    }
    if let Some(ip) = request.source_ip {
        set("aws:SourceIp", ip.to_string());
    }
    set(
        "aws:CurrentTime",
        now.replace_nanosecond(0)
            .unwrap_or(now)
            .format(&Rfc3339)
            .unwrap_or_default(),
    );
    set("aws:EpochTime", now.unix_timestamp().to_string());
    set("aws:SecureTransport", request.secure_transport.to_string());
    set("aws:RequestedRegion", caller.region.clone());
    if let Some(issued) = caller
        .issued_at
        .and_then(|ms| OffsetDateTime::from_unix_timestamp(ms / 1000).ok())
        .and_then(|t| t.format(&Rfc3339).ok())
    {
        set("aws:TokenIssueTime", issued);
    }
    keys
}

/// The scan named by the last path segment (`/scans/{name}`, `/findings/{name}`).
fn last_segment(path: &str) -> Option<String> {
    let raw = path.rsplit('/').next()?;
    Some(percent_decode_str(raw).decode_utf8_lossy().into_owned())
}

fn body_json(body: &[u8]) -> Option<serde_json::Map<String, Value>> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// The resources a request touches, as IAM's service authorization
/// reference lists them for CodeGuru Security: scan-level operations name
/// the scan ARN; account-level ones `*`.
fn targets(state: &SharedState, caller: &Caller, request: &Request<'_>) -> Vec<Target> {
    let scan = |name: Option<String>| {
        // A request that does not say which scan (malformed, refused by
        // validation later) is judged against every scan: only a policy
        // that allows all scans lets it through to its ValidationException.
        let resource = state.scan_arn(&caller.account_id, name.as_deref().unwrap_or("*"));
        Target {
            resource,
            scan_name: name,
        }
    };
    let body_scan_name = || {
        body_json(request.body).and_then(|b| {
            b.get("scanName")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
    };
    match request.operation {
        // CreateUploadUrl names the scan too: the ScanAccess managed policy
        // grants it on `scans/*`.
        "CreateScan" | "CreateUploadUrl" => vec![scan(body_scan_name())],
        "GetScan" | "GetFindings" => vec![scan(last_segment(request.path))],
        "BatchGetFindings" => {
            let names: BTreeSet<String> = body_json(request.body)
                .and_then(|b| b.get("findingIdentifiers").cloned())
                .and_then(|v| match v {
                    Value::Array(items) => Some(items),
                    _ => None,
                })
                .unwrap_or_default()
                .iter()
                .filter_map(|item| item.get("scanName").and_then(Value::as_str))
                .map(str::to_string)
                .collect();
            if names.is_empty() {
                vec![scan(None)]
            } else {
                names.into_iter().map(|n| scan(Some(n))).collect()
            }
        }
        "ListTagsForResource" | "TagResource" | "UntagResource" => {
            let arn = last_segment(request.path).unwrap_or_default();
            let own_scan = crate::validate::scan_arn("resourceArn", &arn)
                .ok()
                .filter(|(region, account, _)| {
                    *account == caller.account_id && *region == state.config.region
                })
                .map(|(_, _, name)| name);
            vec![Target {
                resource: if arn.is_empty() { "*".into() } else { arn },
                scan_name: own_scan,
            }]
        }
        _ => vec![Target {
            resource: "*".into(),
            scan_name: None,
        }],
    }
}

/// Tags a request would set (`aws:RequestTag/*`) and the keys it sets or
/// removes (`aws:TagKeys`).
struct RequestTags {
    tags: Vec<(String, String)>,
    keys: Vec<String>,
}

fn request_tags(request: &Request<'_>) -> Option<RequestTags> {
    match request.operation {
        "CreateScan" | "TagResource" => {
            let body = body_json(request.body)?;
            let tags: Vec<(String, String)> = match body.get("tags") {
                Some(Value::Object(map)) => map
                    .iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                    .collect(),
                _ => Vec::new(),
            };
            let keys = tags.iter().map(|(k, _)| k.clone()).collect();
            Some(RequestTags { tags, keys })
        }
        "UntagResource" => {
            let keys = crate::validate::query_pairs(request.query)
                .ok()?
                .into_iter()
                .filter(|(k, _)| k == "tagKeys")
                .map(|(_, v)| v)
                .collect();
            Some(RequestTags {
                tags: Vec::new(),
                keys,
            })
        }
        _ => None,
    }
}
