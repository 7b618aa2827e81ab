//! Request quotas: a token bucket per account and operation. The defaults
//! follow DESIGN (10 requests/s per API, 2/s for CreateUploadUrl and
//! CreateScan); over the quota a request gets ThrottlingException, which
//! the AWS CLI and SDKs retry with backoff.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use crate::error::ApiError;

/// Requests per second; 0 turns a quota off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quotas {
    pub requests_per_second: f64,
    /// For the operations that start work: CreateUploadUrl, CreateScan.
    pub create_requests_per_second: f64,
}

impl Default for Quotas {
    fn default() -> Quotas {
        Quotas {
            requests_per_second: 10.0,
            create_requests_per_second: 2.0,
        }
    }
}

struct Bucket {
    tokens: f64,
    refilled: Instant,
}

/// The buckets of every account and operation seen.
pub struct Throttle {
    quotas: Quotas,
    buckets: Mutex<HashMap<(String, &'static str), Bucket>>,
}

impl Throttle {
    pub fn new(quotas: Quotas) -> Throttle {
        Throttle {
            quotas,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `operation` on behalf of `account_id`.
    pub fn admit(&self, account_id: &str, operation: &'static str) -> Result<(), ApiError> {
        let rate = match operation {
            "CreateUploadUrl" | "CreateScan" => self.quotas.create_requests_per_second,
            _ => self.quotas.requests_per_second,
        };
        if rate <= 0.0 {
            return Ok(());
        }
        // A burst of one second's worth, at least one request.
        let capacity = rate.max(1.0);
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let bucket = buckets
            .entry((account_id.to_string(), operation))
            .or_insert(Bucket {
                tokens: capacity,
                refilled: now,
            });
        let elapsed = now.duration_since(bucket.refilled).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.refilled = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(ApiError::Throttling {
                message: format!(
                    "Rate exceeded: {operation} is limited to {rate} requests per second per account"
                ),
            })
        }
    }
}

/// The API operation a route serves (for quotas and the request log).
pub fn operation(method: &axum::http::Method, matched_path: &str) -> &'static str {
    use axum::http::Method;
    match (method, matched_path) {
        (&Method::POST, "/uploadUrl") => "CreateUploadUrl",
        (&Method::POST, "/scans") => "CreateScan",
        (&Method::GET, "/scans") => "ListScans",
        (&Method::GET, "/scans/{scan_name}") => "GetScan",
        (&Method::GET, "/findings/{scan_name}") => "GetFindings",
        (&Method::POST, "/batchGetFindings") => "BatchGetFindings",
        (&Method::GET, "/tags/{resource_arn}") => "ListTagsForResource",
        (&Method::POST, "/tags/{resource_arn}") => "TagResource",
        (&Method::DELETE, "/tags/{resource_arn}") => "UntagResource",
        (&Method::GET, "/metrics/summary") => "GetMetricsSummary",
        (&Method::GET, "/metrics/findings") => "ListFindingsMetrics",
        (&Method::GET, "/accountConfiguration/get") => "GetAccountConfiguration",
        (&Method::PUT, "/updateAccountConfiguration") => "UpdateAccountConfiguration",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_over_the_quota_is_throttled_per_account_and_operation() {
        let throttle = Throttle::new(Quotas {
            requests_per_second: 3.0,
            create_requests_per_second: 1.0,
        });
        for _ in 0..3 {
            throttle.admit("111111111111", "GetScan").unwrap();
        }
        assert!(matches!(
            throttle.admit("111111111111", "GetScan"),
            Err(ApiError::Throttling { .. })
        ));
        // Other operations and other accounts have their own buckets.
        throttle.admit("111111111111", "ListScans").unwrap();
        throttle.admit("222222222222", "GetScan").unwrap();
        throttle.admit("111111111111", "CreateScan").unwrap();
        assert!(throttle.admit("111111111111", "CreateScan").is_err());
    }

    #[test]
    fn a_zero_quota_is_unlimited() {
        let throttle = Throttle::new(Quotas {
            requests_per_second: 0.0,
            create_requests_per_second: 0.0,
        });
        for _ in 0..1000 {
            throttle.admit("111111111111", "CreateScan").unwrap();
        }
    }
}
