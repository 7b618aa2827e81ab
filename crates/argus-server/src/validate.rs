//! Input validation with the model's constraints. botocore checks only
//! presence, types and minimums; patterns, maximums and enums are ours to
//! enforce, each failure naming its field.

use std::sync::OnceLock;

use regex::Regex;
use serde_json::{Map, Value};

use crate::error::ApiError;

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("valid pattern"))
}

pub fn scan_name(field: &str, value: &str) -> Result<(), ApiError> {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    if value.is_empty() || value.chars().count() > 140 {
        return Err(ApiError::field(field, "must be 1 to 140 characters long"));
    }
    if !regex(&PATTERN, r"^[a-zA-Z0-9-_$:.]*$").is_match(value) {
        return Err(ApiError::field(
            field,
            "may contain only letters, digits and the characters - _ $ : .",
        ));
    }
    Ok(())
}

pub fn uuid(field: &str, value: &str) -> Result<(), ApiError> {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    if !regex(
        &PATTERN,
        r"^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$",
    )
    .is_match(value)
    {
        return Err(ApiError::field(field, "must be a lower-case UUID"));
    }
    Ok(())
}

/// `arn:aws:codeguru-security:<region>:<account>:scans/<name>` -> (region, account, name).
pub fn scan_arn(field: &str, value: &str) -> Result<(String, String, String), ApiError> {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    let pattern = regex(
        &PATTERN,
        r"^arn:aws:codeguru-security:(?P<region>\S+):(?P<account>\d{12}):scans/(?P<name>[a-zA-Z0-9-_$:.]*)$",
    );
    if value.is_empty() || value.len() > 300 {
        return Err(ApiError::field(field, "must be 1 to 300 characters long"));
    }
    let caps = pattern.captures(value).ok_or_else(|| {
        ApiError::field(
            field,
            "must be a scan ARN: arn:aws:codeguru-security:<region>:<account>:scans/<name>",
        )
    })?;
    Ok((
        caps["region"].to_string(),
        caps["account"].to_string(),
        caps["name"].to_string(),
    ))
}

pub fn kms_key_arn(field: &str, value: &str) -> Result<(), ApiError> {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    let pattern = regex(
        &PATTERN,
        r"^arn:aws:kms:\S+:\d{12}:key/(([a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})|(mrk-[0-9a-zA-Z]{32}))$",
    );
    if value.is_empty() || value.len() > 2048 || !pattern.is_match(value) {
        return Err(ApiError::field(
            field,
            "must be a KMS key ARN: arn:aws:kms:<region>:<account>:key/<id>",
        ));
    }
    Ok(())
}

pub fn client_token(field: &str, value: &str) -> Result<(), ApiError> {
    if value.is_empty() || value.len() > 64 || value.chars().any(char::is_whitespace) {
        return Err(ApiError::field(
            field,
            "must be 1 to 64 non-space characters",
        ));
    }
    Ok(())
}

/// Tags: at most 200, keys 1-128 characters, values up to 256; the `aws:`
/// prefix is reserved.
pub fn tags(field: &str, value: &Value) -> Result<Vec<(String, String)>, ApiError> {
    let map = value
        .as_object()
        .ok_or_else(|| ApiError::field(field, "must be a map of strings"))?;
    if map.len() > 200 {
        return Err(ApiError::field(field, "holds more than 200 tags"));
    }
    let mut out = Vec::with_capacity(map.len());
    for (key, value) in map {
        let value = value
            .as_str()
            .ok_or_else(|| ApiError::field(&format!("{field}.{key}"), "must be a string"))?;
        tag_key(field, key)?;
        if value.chars().count() > 256 {
            return Err(ApiError::field(
                &format!("{field}.{key}"),
                "must be at most 256 characters",
            ));
        }
        out.push((key.clone(), value.to_string()));
    }
    Ok(out)
}

pub fn tag_key(field: &str, key: &str) -> Result<(), ApiError> {
    if key.is_empty() || key.chars().count() > 128 {
        return Err(ApiError::field(
            field,
            format!("tag key '{key}' must be 1 to 128 characters"),
        ));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err(ApiError::field(
            field,
            format!("tag key '{key}' uses the reserved prefix aws:"),
        ));
    }
    Ok(())
}

/// An integer query parameter within bounds.
pub fn max_results(
    field: &str,
    raw: Option<&str>,
    max: i64,
    default: i64,
) -> Result<i64, ApiError> {
    let Some(raw) = raw else { return Ok(default) };
    let value: i64 = raw
        .parse()
        .map_err(|_| ApiError::field(field, format!("'{raw}' is not an integer")))?;
    if !(1..=max).contains(&value) {
        return Err(ApiError::field(
            field,
            format!("must be between 1 and {max}"),
        ));
    }
    Ok(value)
}

/// One of the allowed enum values.
pub fn one_of<'a>(field: &str, value: &str, allowed: &[&'a str]) -> Result<&'a str, ApiError> {
    allowed
        .iter()
        .find(|a| **a == value)
        .copied()
        .ok_or_else(|| {
            ApiError::field(
                field,
                format!("'{value}' is not one of {}", allowed.join(", ")),
            )
        })
}

/// A JSON request body as an object.
pub fn json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.is_empty() {
        return Ok(Map::new());
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::cannot_parse(format!("the request body is not valid JSON: {e}")))?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::cannot_parse(
            "the request body must be a JSON object",
        )),
    }
}

/// A required string member.
pub fn required_str<'a>(body: &'a Map<String, Value>, field: &str) -> Result<&'a str, ApiError> {
    match body.get(field) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ApiError::field(field, "must be a string")),
        None => Err(ApiError::field(field, "is required")),
    }
}

/// An optional string member.
pub fn optional_str<'a>(
    body: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a str>, ApiError> {
    match body.get(field) {
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Null) | None => Ok(None),
        Some(_) => Err(ApiError::field(field, "must be a string")),
    }
}

/// Percent-decoded query pairs, in order.
pub fn query_pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    let mut out = Vec::new();
    for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(&s.replace('+', " "))
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| ApiError::cannot_parse("the query string is not valid UTF-8"))
        };
        out.push((decode(k)?, decode(v)?));
    }
    Ok(out)
}

/// The single value of a query parameter.
pub fn query_value<'a>(
    pairs: &'a [(String, String)],
    name: &str,
) -> Result<Option<&'a str>, ApiError> {
    let mut values = pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str());
    let first = values.next();
    if values.next().is_some() {
        return Err(ApiError::field(name, "is given more than once"));
    }
    Ok(first)
}

/// An ISO-8601 timestamp (`2025-06-01T00:00:00Z`, with or without
/// fraction), a date, or epoch seconds, as Unix milliseconds.
pub fn timestamp(field: &str, raw: &str) -> Result<i64, ApiError> {
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = OffsetDateTime::parse(raw, &Rfc3339) {
        return Ok((t.unix_timestamp_nanos() / 1_000_000) as i64);
    }
    if let Ok(date) = time::Date::parse(
        raw,
        time::macros::format_description!("[year]-[month]-[day]"),
    ) {
        return Ok(date.midnight().assume_utc().unix_timestamp() * 1000);
    }
    // Epoch seconds within the years 0000-9999 (what the other forms can
    // say): larger values overflowed the day arithmetic of the metrics, and
    // `nan` and `inf` parse as numbers too.
    const MAX_SECONDS: f64 = 253_402_300_799.0;
    if let Ok(seconds) = raw.parse::<f64>()
        && seconds.is_finite()
        && seconds.abs() <= MAX_SECONDS
    {
        return Ok((seconds * 1000.0) as i64);
    }
    Err(ApiError::field(
        field,
        format!("'{raw}' is not a timestamp (use 2025-06-01T00:00:00Z)"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_arns() {
        assert!(scan_name("scanName", "my-scan_1.v2").is_ok());
        assert!(scan_name("scanName", "a$b:c").is_ok());
        assert!(scan_name("scanName", "bad name!").is_err());
        assert!(scan_name("scanName", &"x".repeat(141)).is_err());
        let (region, account, name) = scan_arn(
            "resourceArn",
            "arn:aws:codeguru-security:us-east-1:123456789012:scans/demo",
        )
        .unwrap();
        assert_eq!(
            (region.as_str(), account.as_str(), name.as_str()),
            ("us-east-1", "123456789012", "demo")
        );
        assert!(scan_arn("resourceArn", "arn:aws:s3:::bucket").is_err());
        assert!(uuid("runId", "3f2b9c1e-8d4a-4b7e-9f10-2a6c5d7e8f90").is_ok());
        assert!(uuid("runId", "3F2B9C1E-8D4A-4B7E-9F10-2A6C5D7E8F90").is_err());
        assert!(
            kms_key_arn(
                "kmsKeyArn",
                "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012"
            )
            .is_ok()
        );
    }

    #[test]
    fn timestamps_and_queries() {
        assert_eq!(
            timestamp("date", "2025-06-01T00:00:00Z").unwrap(),
            1_748_736_000_000
        );
        assert_eq!(
            timestamp("date", "2025-06-01T08:00:00.250000Z").unwrap(),
            1_748_764_800_250
        );
        assert_eq!(timestamp("date", "2025-06-01").unwrap(), 1_748_736_000_000);
        assert!(timestamp("date", "June").is_err());
        assert_eq!(timestamp("date", "1748736000").unwrap(), 1_748_736_000_000);
        for huge in ["-2e39", "1e300", "nan", "inf", "-253402300800"] {
            assert!(timestamp("date", huge).is_err(), "{huge}");
        }
        let pairs = query_pairs(Some(
            "tagKeys=owner&tagKeys=cost&date=2025-06-01T00%3A00%3A00Z",
        ))
        .unwrap();
        assert_eq!(pairs[2].1, "2025-06-01T00:00:00Z");
        assert!(query_value(&pairs, "tagKeys").is_err());
    }
}
