//! Account metrics from the periods findings were open: open findings per
//! severity as of a day, the detectors and scans with most open findings,
//! and per-day new, closed, open and mean time to close. Quality findings
//! never count (the store keeps them out).

use std::collections::HashMap;

use argus_store::OpenPeriod;
use serde_json::{Value, json};

pub const DAY_MS: i64 = 86_400_000;
const SEVERITIES: [&str; 5] = ["Info", "Low", "Medium", "High", "Critical"];

/// Values per severity, as the API's `FindingMetricsValuePerSeverity`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PerSeverity(HashMap<&'static str, f64>);

impl PerSeverity {
    fn add(&mut self, severity: &str, value: f64) {
        if let Some(key) = SEVERITIES.iter().find(|s| **s == severity) {
            *self.0.entry(key).or_default() += value;
        }
    }

    pub fn get(&self, severity: &str) -> f64 {
        self.0.get(severity).copied().unwrap_or(0.0)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "info": self.get("Info"),
            "low": self.get("Low"),
            "medium": self.get("Medium"),
            "high": self.get("High"),
            "critical": self.get("Critical"),
        })
    }
}

fn open_at(period: &OpenPeriod, at: i64) -> bool {
    period.opened_at < at && period.closed_at.is_none_or(|closed| closed >= at)
}

/// The start (00:00 UTC) of the day holding `millis`.
pub fn day_start(millis: i64) -> i64 {
    millis.div_euclid(DAY_MS) * DAY_MS
}

/// GetMetricsSummary's `metricsSummary` as of the end of the day `day`.
pub fn summary(periods: &[OpenPeriod], day: i64) -> Value {
    let end = day + DAY_MS;
    let open: Vec<&OpenPeriod> = periods.iter().filter(|p| open_at(p, end)).collect();
    let mut per_severity = PerSeverity::default();
    let mut by_detector: HashMap<&str, i64> = HashMap::new();
    let mut by_scan: HashMap<&str, i64> = HashMap::new();
    let mut critical_by_scan: HashMap<&str, i64> = HashMap::new();
    for period in &open {
        per_severity.add(&period.severity, 1.0);
        *by_detector.entry(&period.detector_name).or_default() += 1;
        *by_scan.entry(&period.scan_name).or_default() += 1;
        if period.severity == "Critical" {
            *critical_by_scan.entry(&period.scan_name).or_default() += 1;
        }
    }
    json!({
        "date": day / 1000,
        "openFindings": per_severity.to_json(),
        "categoriesWithMostFindings": top(&by_detector, 5, "categoryName"),
        "scansWithMostOpenFindings": top(&by_scan, 3, "scanName"),
        "scansWithMostOpenCriticalFindings": top(&critical_by_scan, 3, "scanName"),
    })
}

fn top(counts: &HashMap<&str, i64>, n: usize, key: &str) -> Vec<Value> {
    let mut entries: Vec<(&str, i64)> = counts.iter().map(|(k, v)| (*k, *v)).collect();
    entries.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    entries
        .into_iter()
        .take(n)
        .map(|(name, count)| json!({key: name, "findingNumber": count}))
        .collect()
}

/// One `AccountFindingsMetric` for the day starting at `day`.
pub fn daily(periods: &[OpenPeriod], day: i64) -> Value {
    let end = day + DAY_MS;
    let mut new = PerSeverity::default();
    let mut closed = PerSeverity::default();
    let mut open = PerSeverity::default();
    let mut close_days = PerSeverity::default();
    let mut close_counts = PerSeverity::default();
    for period in periods {
        if period.first && period.opened_at >= day && period.opened_at < end {
            new.add(&period.severity, 1.0);
        }
        if let Some(closed_at) = period.closed_at
            && closed_at >= day
            && closed_at < end
        {
            closed.add(&period.severity, 1.0);
            close_days.add(
                &period.severity,
                (closed_at - period.opened_at) as f64 / DAY_MS as f64,
            );
            close_counts.add(&period.severity, 1.0);
        }
        if open_at(period, end) {
            open.add(&period.severity, 1.0);
        }
    }
    let mut mean = PerSeverity::default();
    for severity in SEVERITIES {
        let count = close_counts.get(severity);
        if count > 0.0 {
            mean.add(severity, close_days.get(severity) / count);
        }
    }
    json!({
        "date": day / 1000,
        "newFindings": new.to_json(),
        "closedFindings": closed.to_json(),
        "openFindings": open.to_json(),
        "meanTimeToClose": mean.to_json(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(severity: &str, opened: i64, closed: Option<i64>, first: bool) -> OpenPeriod {
        OpenPeriod {
            scan_name: "s".into(),
            finding_id: format!("{severity}{opened}"),
            severity: severity.into(),
            detector_name: "Insecure hashing".into(),
            first,
            opened_at: opened,
            closed_at: closed,
        }
    }

    #[test]
    fn counts_new_closed_open_and_time_to_close() {
        let d0 = 20_000 * DAY_MS;
        let periods = vec![
            period("High", d0 + 1000, Some(d0 + 2 * DAY_MS + 1000), true),
            period("High", d0 + 5000, None, true),
            period("Critical", d0 + DAY_MS + 10, None, true),
        ];
        let day0 = daily(&periods, d0);
        assert_eq!(day0["newFindings"]["high"], 2.0);
        assert_eq!(day0["openFindings"]["high"], 2.0);
        let day2 = daily(&periods, d0 + 2 * DAY_MS);
        assert_eq!(day2["closedFindings"]["high"], 1.0);
        assert_eq!(day2["meanTimeToClose"]["high"], 2.0);
        assert_eq!(day2["openFindings"]["high"], 1.0);
        let s = summary(&periods, d0 + DAY_MS);
        assert_eq!(s["openFindings"]["critical"], 1.0);
        assert_eq!(
            s["scansWithMostOpenCriticalFindings"][0]["findingNumber"],
            1
        );
        assert_eq!(
            s["categoriesWithMostFindings"][0]["categoryName"],
            "Insecure hashing"
        );
    }
}
