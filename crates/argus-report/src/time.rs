//! Timestamps in the forms the formats want.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

fn datetime(unix_seconds: f64) -> OffsetDateTime {
    let nanos = (unix_seconds * 1e9) as i128;
    OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `2026-11-26T08:05:26Z` (SARIF).
pub fn rfc3339(unix_seconds: f64) -> String {
    let whole = datetime(unix_seconds.floor());
    whole.format(&Rfc3339).unwrap_or_default()
}

/// `2026-11-26T08:05:26` (GitLab reports: UTC, no zone, no fraction).
pub fn gitlab(unix_seconds: f64) -> String {
    datetime(unix_seconds)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]"
        ))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats() {
        assert_eq!(super::rfc3339(1_764_144_326.75), "2025-11-26T08:05:26Z");
        assert_eq!(super::gitlab(1_764_144_326.75), "2025-11-26T08:05:26");
    }
}
