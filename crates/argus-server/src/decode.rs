//! Request decoding: an operation's input from its path, query string and
//! body, checked against the model's constraints. The handlers call the
//! per-operation functions; [`decode_request`] routes a raw request to them
//! the way the router does, for fuzzing and table-driven tests. Decoding
//! needs no state: what depends on stored data (does the scan exist, is
//! the date within the history kept) is the handlers' to check.

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::validate;

/// `maxResults` and `nextToken` of a paginated operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub max_results: i64,
    pub next_token: Option<String>,
}

/// CreateScan's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateScan {
    pub scan_name: String,
    pub artifact_id: String,
    pub scan_type: &'static str,
    pub analysis_type: &'static str,
    pub client_token: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// A scan named by its ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanArn {
    pub arn: String,
    pub region: String,
    pub account: String,
    pub scan_name: String,
}

/// A decoded API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    CreateUploadUrl {
        scan_name: String,
    },
    CreateScan(CreateScan),
    GetScan {
        scan_name: String,
        run_id: Option<String>,
    },
    ListScans(Page),
    GetFindings {
        scan_name: String,
        status: &'static str,
        page: Page,
    },
    /// `(scanName, findingId)` pairs; invalid pairs are answered per item.
    BatchGetFindings {
        identifiers: Vec<(String, String)>,
    },
    ListTagsForResource(ScanArn),
    TagResource {
        resource: ScanArn,
        tags: Vec<(String, String)>,
    },
    UntagResource {
        resource: ScanArn,
        keys: Vec<String>,
    },
    /// Unix milliseconds of the start of the day asked for (likewise
    /// `start` and `end` below).
    GetMetricsSummary {
        date: i64,
    },
    ListFindingsMetrics {
        start: i64,
        end: i64,
        page: Page,
    },
    GetAccountConfiguration,
    UpdateAccountConfiguration {
        kms_key_arn: Option<String>,
    },
}

/// Decodes a request as the router would dispatch it: `path` without the
/// query string, `query` the raw query string.
pub fn decode_request(
    method: &str,
    path: &str,
    query: Option<&str>,
    body: &[u8],
) -> Result<Request, ApiError> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let segment = |i: usize| -> Result<String, ApiError> {
        percent_encoding::percent_decode_str(segments[i])
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| ApiError::cannot_parse("the request path is not valid UTF-8"))
    };
    match (method, segments.as_slice()) {
        ("POST", ["uploadUrl"]) => Ok(Request::CreateUploadUrl {
            scan_name: create_upload_url(body)?,
        }),
        ("POST", ["scans"]) => create_scan(body).map(Request::CreateScan),
        ("GET", ["scans"]) => list_scans(query).map(Request::ListScans),
        ("GET", ["scans", _]) => {
            let scan_name = segment(1)?;
            let run_id = get_scan(&scan_name, query)?;
            Ok(Request::GetScan { scan_name, run_id })
        }
        ("GET", ["findings", _]) => {
            let scan_name = segment(1)?;
            let (status, page) = get_findings(&scan_name, query)?;
            Ok(Request::GetFindings {
                scan_name,
                status,
                page,
            })
        }
        ("POST", ["batchGetFindings"]) => Ok(Request::BatchGetFindings {
            identifiers: batch_get_findings(body)?,
        }),
        ("GET", ["tags", _]) => scan_arn(&segment(1)?).map(Request::ListTagsForResource),
        ("POST", ["tags", _]) => {
            let tags = tag_resource(body)?;
            Ok(Request::TagResource {
                resource: scan_arn(&segment(1)?)?,
                tags,
            })
        }
        ("DELETE", ["tags", _]) => {
            let keys = untag_resource(query)?;
            Ok(Request::UntagResource {
                resource: scan_arn(&segment(1)?)?,
                keys,
            })
        }
        ("GET", ["metrics", "summary"]) => Ok(Request::GetMetricsSummary {
            date: get_metrics_summary(query)?,
        }),
        ("GET", ["metrics", "findings"]) => {
            let (start, end, page) = list_findings_metrics(query)?;
            Ok(Request::ListFindingsMetrics { start, end, page })
        }
        ("GET", ["accountConfiguration", "get"]) => Ok(Request::GetAccountConfiguration),
        ("PUT", ["updateAccountConfiguration"]) => Ok(Request::UpdateAccountConfiguration {
            kms_key_arn: update_account_configuration(body)?,
        }),
        _ => Err(unknown_operation()),
    }
}

pub(crate) fn unknown_operation() -> ApiError {
    ApiError::Validation {
        message: "No operation matches this method and path".into(),
        reason: "unknownOperation",
        fields: Vec::new(),
    }
}

/// CreateUploadUrl: the scan name.
pub fn create_upload_url(body: &[u8]) -> Result<String, ApiError> {
    let body = validate::json_object(body)?;
    let scan_name = validate::required_str(&body, "scanName")?;
    validate::scan_name("scanName", scan_name)?;
    Ok(scan_name.to_string())
}

pub fn create_scan(body: &[u8]) -> Result<CreateScan, ApiError> {
    let request = validate::json_object(body)?;
    let scan_name = validate::required_str(&request, "scanName")?;
    validate::scan_name("scanName", scan_name)?;
    let resource = match request.get("resourceId") {
        Some(Value::Object(resource)) => resource,
        Some(_) => {
            return Err(ApiError::field(
                "resourceId",
                "must be an object with codeArtifactId",
            ));
        }
        None => return Err(ApiError::field("resourceId", "is required")),
    };
    if resource.len() != 1 {
        return Err(ApiError::field(
            "resourceId",
            "must set exactly one member: codeArtifactId",
        ));
    }
    let artifact_id = validate::required_str(resource, "codeArtifactId")
        .map_err(|_| ApiError::field("resourceId.codeArtifactId", "is required"))?;
    validate::uuid("resourceId.codeArtifactId", artifact_id)?;
    let scan_type = match validate::optional_str(&request, "scanType")? {
        Some(t) => validate::one_of("scanType", t, &["Standard", "Express"])?,
        None => "Standard",
    };
    let analysis_type = match validate::optional_str(&request, "analysisType")? {
        Some(t) => validate::one_of("analysisType", t, &["Security", "All"])?,
        None => "Security",
    };
    let client_token = match validate::optional_str(&request, "clientToken")? {
        Some(token) => {
            validate::client_token("clientToken", token)?;
            Some(token.to_string())
        }
        None => None,
    };
    let tags = match request.get("tags") {
        Some(value) => validate::tags("tags", value)?,
        None => Vec::new(),
    };
    Ok(CreateScan {
        scan_name: scan_name.to_string(),
        artifact_id: artifact_id.to_string(),
        scan_type,
        analysis_type,
        client_token,
        tags,
    })
}

/// GetScan: the run id asked for, if any.
pub fn get_scan(scan_name: &str, query: Option<&str>) -> Result<Option<String>, ApiError> {
    validate::scan_name("scanName", scan_name)?;
    let pairs = validate::query_pairs(query)?;
    let run_id = validate::query_value(&pairs, "runId")?;
    if let Some(run_id) = run_id {
        validate::uuid("runId", run_id)?;
    }
    Ok(run_id.map(str::to_string))
}

fn page(pairs: &[(String, String)], max: i64) -> Result<Page, ApiError> {
    let max_results = validate::max_results(
        "maxResults",
        validate::query_value(pairs, "maxResults")?,
        max,
        max,
    )?;
    let next_token = validate::query_value(pairs, "nextToken")?.map(str::to_string);
    if let Some(token) = &next_token
        && (token.is_empty() || token.len() > 2048)
    {
        return Err(ApiError::field("nextToken", "must be 1 to 2048 characters"));
    }
    Ok(Page {
        max_results,
        next_token,
    })
}

pub fn list_scans(query: Option<&str>) -> Result<Page, ApiError> {
    page(&validate::query_pairs(query)?, 100)
}

/// GetFindings: the status filter and the page.
pub fn get_findings(
    scan_name: &str,
    query: Option<&str>,
) -> Result<(&'static str, Page), ApiError> {
    validate::scan_name("scanName", scan_name)?;
    let pairs = validate::query_pairs(query)?;
    let page = page(&pairs, 1000)?;
    let status = match validate::query_value(&pairs, "status")? {
        Some(s) => validate::one_of("status", s, &["Open", "Closed", "All"])?,
        None => "All",
    };
    Ok((status, page))
}

/// BatchGetFindings: the identifiers, in order. Their values are checked
/// per item by the handler (a bad one is a failed finding, not an error).
pub fn batch_get_findings(body: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    let request = validate::json_object(body)?;
    let identifiers = match request.get("findingIdentifiers") {
        Some(Value::Array(items)) => items,
        Some(_) => return Err(ApiError::field("findingIdentifiers", "must be a list")),
        None => return Err(ApiError::field("findingIdentifiers", "is required")),
    };
    if identifiers.is_empty() || identifiers.len() > 25 {
        return Err(ApiError::field(
            "findingIdentifiers",
            "must hold 1 to 25 identifiers",
        ));
    }
    identifiers
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let field = format!("findingIdentifiers[{i}]");
            let object = item.as_object().ok_or_else(|| {
                ApiError::field(&field, "must be an object with scanName and findingId")
            })?;
            let scan_name = validate::required_str(object, "scanName")
                .map_err(|_| ApiError::field(&format!("{field}.scanName"), "is required"))?;
            let finding_id = validate::required_str(object, "findingId")
                .map_err(|_| ApiError::field(&format!("{field}.findingId"), "is required"))?;
            Ok((scan_name.to_string(), finding_id.to_string()))
        })
        .collect()
}

pub fn scan_arn(arn: &str) -> Result<ScanArn, ApiError> {
    let (region, account, scan_name) = validate::scan_arn("resourceArn", arn)?;
    Ok(ScanArn {
        arn: arn.to_string(),
        region,
        account,
        scan_name,
    })
}

/// TagResource: the tags.
pub fn tag_resource(body: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    let request = validate::json_object(body)?;
    match request.get("tags") {
        Some(value) => validate::tags("tags", value),
        None => Err(ApiError::field("tags", "is required")),
    }
}

/// UntagResource: the tag keys.
pub fn untag_resource(query: Option<&str>) -> Result<Vec<String>, ApiError> {
    let pairs = validate::query_pairs(query)?;
    let keys: Vec<String> = pairs
        .into_iter()
        .filter(|(k, _)| k == "tagKeys")
        .map(|(_, v)| v)
        .collect();
    if keys.is_empty() {
        return Err(ApiError::field("tagKeys", "is required"));
    }
    if keys.len() > 200 {
        return Err(ApiError::field("tagKeys", "holds more than 200 keys"));
    }
    for key in &keys {
        if key.is_empty() || key.chars().count() > 128 {
            return Err(ApiError::field(
                "tagKeys",
                format!("tag key '{key}' must be 1 to 128 characters"),
            ));
        }
    }
    Ok(keys)
}

/// A date parameter, as the Unix milliseconds of the start of its day.
fn required_date(pairs: &[(String, String)], field: &str) -> Result<i64, ApiError> {
    let raw = validate::query_value(pairs, field)?
        .ok_or_else(|| ApiError::field(field, "is required"))?;
    Ok(crate::metrics::day_start(validate::timestamp(field, raw)?))
}

/// GetMetricsSummary: the day asked for.
pub fn get_metrics_summary(query: Option<&str>) -> Result<i64, ApiError> {
    required_date(&validate::query_pairs(query)?, "date")
}

/// ListFindingsMetrics: the first and last day, and the page.
pub fn list_findings_metrics(query: Option<&str>) -> Result<(i64, i64, Page), ApiError> {
    let pairs = validate::query_pairs(query)?;
    let start = required_date(&pairs, "startDate")?;
    let end = required_date(&pairs, "endDate")?;
    if end < start {
        return Err(ApiError::field("endDate", "must not be before startDate"));
    }
    Ok((start, end, page(&pairs, 1000)?))
}

/// UpdateAccountConfiguration: the KMS key ARN (none: argus's own key).
pub fn update_account_configuration(body: &[u8]) -> Result<Option<String>, ApiError> {
    let request = validate::json_object(body)?;
    let config: &Map<String, Value> = match request.get("encryptionConfig") {
        Some(Value::Object(config)) => config,
        Some(_) => return Err(ApiError::field("encryptionConfig", "must be an object")),
        None => return Err(ApiError::field("encryptionConfig", "is required")),
    };
    let arn = validate::optional_str(config, "kmsKeyArn")
        .map_err(|_| ApiError::field("encryptionConfig.kmsKeyArn", "must be a string"))?;
    if let Some(arn) = arn {
        validate::kms_key_arn("encryptionConfig.kmsKeyArn", arn)?;
    }
    Ok(arn.map(str::to_string))
}
