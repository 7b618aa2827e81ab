//! `argus admin audit`: search the audit log `argus serve` appends (one
//! CloudTrail-shaped JSON record per line). Each node writes its own file;
//! pass every node's file with `--file` to search them together.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::AdminContext;

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// An audit log to read; repeat for several nodes' files
    /// [default: the file `argus serve` writes].
    #[arg(long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Records at or after this time: RFC 3339 (2026-01-31T12:00:00Z) or
    /// relative to now (-90s, -15m, -1h, -7d).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub since: Option<String>,

    /// Records before this time (same forms as --since).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub until: Option<String>,

    /// Only this operation (CreateScan, GetFindings, PutCodeArtifact, ...).
    #[arg(long, value_name = "NAME")]
    pub event_name: Option<String>,

    /// Only this caller: a principal ARN or an access key id.
    #[arg(long, value_name = "ARN|KEY")]
    pub user: Option<String>,

    /// Only requests that failed (refused, invalid, throttled, ...).
    #[arg(long)]
    pub errors_only: bool,

    /// At most this many records: the most recent ones.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    /// Print the records as JSON lines instead of a table.
    #[arg(long)]
    pub json: bool,
}

struct Filter {
    since: Option<OffsetDateTime>,
    until: Option<OffsetDateTime>,
    event_name: Option<String>,
    user: Option<String>,
    errors_only: bool,
}

impl Filter {
    fn matches(&self, record: &Value) -> bool {
        let time = record["eventTime"]
            .as_str()
            .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok());
        if let Some(since) = self.since
            && time.is_none_or(|t| t < since)
        {
            return false;
        }
        if let Some(until) = self.until
            && time.is_none_or(|t| t >= until)
        {
            return false;
        }
        if let Some(name) = &self.event_name
            && record["eventName"].as_str() != Some(name)
        {
            return false;
        }
        if let Some(user) = &self.user {
            let identity = &record["userIdentity"];
            if !["arn", "accessKeyId", "principalId"]
                .iter()
                .any(|field| identity[field].as_str() == Some(user))
            {
                return false;
            }
        }
        !(self.errors_only && record["errorCode"].is_null())
    }
}

pub fn run(context: &AdminContext, args: AuditArgs) -> Result<ExitCode> {
    let now = OffsetDateTime::now_utc();
    let filter = Filter {
        since: args
            .since
            .as_deref()
            .map(|t| parse_time("--since", t, now))
            .transpose()?,
        until: args
            .until
            .as_deref()
            .map(|t| parse_time("--until", t, now))
            .transpose()?,
        event_name: args.event_name,
        user: args.user,
        errors_only: args.errors_only,
    };
    let files = if args.files.is_empty() {
        vec![context.audit_log.clone()]
    } else {
        args.files
    };
    let limit = args.limit.unwrap_or(usize::MAX);
    if limit == 0 {
        bail!("--limit must be at least 1");
    }
    let mut matched: VecDeque<Value> = VecDeque::new();
    let mut unreadable = 0usize;
    for file in &files {
        let reader = std::fs::File::open(file)
            .with_context(|| format!("cannot read the audit log {}", file.display()))?;
        for line in BufReader::new(reader).lines() {
            let line = line.with_context(|| format!("cannot read {}", file.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            let Ok(record) = serde_json::from_str::<Value>(&line) else {
                // A line cut short by a crash mid-write.
                unreadable += 1;
                continue;
            };
            if filter.matches(&record) {
                matched.push_back(record);
            }
        }
    }
    // Several files interleave: order by time (stable within a file).
    if files.len() > 1 {
        matched
            .make_contiguous()
            .sort_by(|a, b| a["eventTime"].as_str().cmp(&b["eventTime"].as_str()));
    }
    while matched.len() > limit {
        matched.pop_front();
    }
    if unreadable > 0 {
        eprintln!("argus admin audit: skipped {unreadable} unreadable line(s)");
    }
    if args.json {
        for record in &matched {
            println!("{record}");
        }
    } else {
        print_table(&matched);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(records: &VecDeque<Value>) {
    let rows: Vec<[String; 6]> = records
        .iter()
        .map(|r| {
            let text = |v: &Value| v.as_str().unwrap_or("-").to_string();
            let identity = &r["userIdentity"];
            let user = identity["arn"]
                .as_str()
                .or(identity["accessKeyId"].as_str())
                .or(identity["accountId"].as_str())
                .unwrap_or("-")
                .to_string();
            [
                text(&r["eventTime"]),
                text(&r["eventName"]),
                user,
                text(&r["sourceIPAddress"]),
                text(&r["errorCode"]),
                text(&r["requestID"]),
            ]
        })
        .collect();
    let header = ["TIME", "EVENT", "USER", "SOURCE IP", "ERROR", "REQUEST ID"];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 6]| {
        let mut out = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i == 5 {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<width$}  "));
            }
        }
        println!("{}", out.trim_end());
    };
    line(header);
    for row in &rows {
        line(row.each_ref().map(String::as_str));
    }
}

/// RFC 3339, or `-<n><s|m|h|d>` before `now`.
fn parse_time(flag: &str, text: &str, now: OffsetDateTime) -> Result<OffsetDateTime> {
    if let Ok(time) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(time);
    }
    let relative = text.strip_prefix('-').and_then(|rest| {
        let unit = rest.chars().last()?;
        let amount: i64 = rest[..rest.len() - unit.len_utf8()].parse().ok()?;
        let seconds = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => return None,
        };
        Some(now - Duration::seconds(amount.checked_mul(seconds)?))
    });
    relative.with_context(|| {
        format!("{flag} '{text}' is neither RFC 3339 (2026-01-31T12:00:00Z) nor relative (-15m, -1h, -7d)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_or_relative_and_bad_ones_name_the_flag() {
        let now = OffsetDateTime::parse("2026-01-31T12:00:00Z", &Rfc3339).unwrap();
        assert_eq!(
            parse_time("--since", "-1h", now).unwrap(),
            OffsetDateTime::parse("2026-01-31T11:00:00Z", &Rfc3339).unwrap()
        );
        assert_eq!(
            parse_time("--since", "-2d", now).unwrap(),
            OffsetDateTime::parse("2026-01-29T12:00:00Z", &Rfc3339).unwrap()
        );
        assert_eq!(
            parse_time("--since", "2026-01-01T00:00:00Z", now).unwrap(),
            OffsetDateTime::parse("2026-01-01T00:00:00Z", &Rfc3339).unwrap()
        );
        for bad in ["yesterday", "-1y", "-h", "1h"] {
            let error = parse_time("--until", bad, now).unwrap_err().to_string();
            assert!(error.contains("--until"), "{error}");
        }
    }
}
