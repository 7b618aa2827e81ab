//! The typed values condition operators compare: numbers, dates, booleans,
//! base64 binaries, IP addresses and CIDR blocks, ARNs. Each parser returns
//! `None` for text that is not of its type, so an ill-typed request value
//! simply matches nothing.

use std::net::IpAddr;

use base64::Engine as _;
use time::OffsetDateTime;
use time::format_description::well_known::{Iso8601, Rfc3339};

use super::pattern::{Glob, Token};

/// Compares two parsed values; an unparsable side matches nothing.
pub fn compare<T>(request: Option<T>, policy: Option<T>, f: impl Fn(&T, &T) -> bool) -> bool {
    match (request, policy) {
        (Some(r), Some(p)) => f(&r, &p),
        _ => false,
    }
}

pub fn number(text: &str) -> Option<f64> {
    // `f64::from_str` would also take `inf` and `NaN`.
    if text.is_empty()
        || !text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A date as Unix nanoseconds: RFC 3339 / ISO 8601 date-time, a date alone
/// (midnight UTC), or epoch seconds.
pub fn date(text: &str) -> Option<i128> {
    if !text.is_empty()
        && text
            .trim_start_matches('-')
            .chars()
            .all(|c| c.is_ascii_digit())
    {
        let seconds: i64 = text.parse().ok()?;
        return Some(i128::from(seconds) * 1_000_000_000);
    }
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(at.unix_timestamp_nanos());
    }
    if let Ok(at) = OffsetDateTime::parse(text, &Iso8601::PARSING) {
        return Some(at.unix_timestamp_nanos());
    }
    let day = time::Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()?;
    Some(day.midnight().assume_utc().unix_timestamp_nanos())
}

pub fn boolean(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

pub fn binary(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// `203.0.113.0/24`, `2001:db8::/32`, or a bare address (a /32 or /128).
pub fn cidr(text: &str) -> Option<(IpAddr, u8)> {
    let (addr, prefix) = match text.split_once('/') {
        Some((addr, prefix)) => (addr, Some(prefix)),
        None => (text, None),
    };
    let addr: IpAddr = addr.parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => max,
        Some(p) if !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()) => {
            p.parse().ok().filter(|p| *p <= max)?
        }
        Some(_) => return None,
    };
    Some((addr, prefix))
}

pub fn in_block(ip: IpAddr, (net, prefix): (IpAddr, u8)) -> bool {
    // A v4 client seen through a dual-stack socket is still that v4 client.
    match (ip.to_canonical(), net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// The six colon-separated parts of an ARN (the last keeps its colons).
pub fn arn_segments(text: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    (parts.len() == 6 && parts[0] == "arn").then_some(parts)
}

/// ArnLike: each of the six ARN parts matched on its own, with wildcards.
pub fn arn_like(pattern: &[Token], request: &str) -> bool {
    let Some(request) = arn_segments(request) else {
        return false;
    };
    let mut segments: Vec<&[Token]> = Vec::with_capacity(6);
    let mut rest = pattern;
    while segments.len() < 5 {
        let Some(colon) = rest.iter().position(|t| *t == Token::Char(':')) else {
            return false;
        };
        segments.push(&rest[..colon]);
        rest = &rest[colon + 1..];
    }
    segments.push(rest);
    segments
        .iter()
        .zip(request)
        .all(|(p, r)| Glob::EXACT.matches(p, r))
}
