use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How bad a finding is, from the spec's severity definitions.
///
/// Ordered from least to most severe so `>=` reads as "at least as severe".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// All severities, most severe first (the order reports list them in).
    pub const DESCENDING: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "Info",
            Severity::Low => "Low",
            Severity::Medium => "Medium",
            Severity::High => "High",
            Severity::Critical => "Critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for a string that names none of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    pub what: &'static str,
    pub value: String,
    pub expected: &'static str,
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} '{}' (expected one of: {})",
            self.what, self.value, self.expected
        )
    }
}

impl std::error::Error for ParseEnumError {}

impl FromStr for Severity {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "informational" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(ParseEnumError {
                what: "severity",
                value: s.to_string(),
                expected: "Critical, High, Medium, Low, Info",
            }),
        }
    }
}

/// The level of access an attacker gains by exploiting a finding (rows of the
/// spec's CVSS-based matrix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// Full control of the system or its output.
    FullControl,
    /// Access to sensitive information.
    SensitiveInformation,
    /// Can crash or slow down the system.
    CrashOrSlowdown,
    /// Fixing it provides additional security.
    AdditionalSecurity,
    /// A best practice.
    BestPractice,
}

impl Access {
    pub fn describe(self) -> &'static str {
        match self {
            Access::FullControl => "full control of the system or its output",
            Access::SensitiveInformation => "access to sensitive information",
            Access::CrashOrSlowdown => "can crash or slow down the system",
            Access::AdditionalSecurity => "provides additional security",
            Access::BestPractice => "best practice",
        }
    }
}

/// The effort an attacker needs (columns of the spec's matrix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effort {
    NotExploitable,
    RequiresSystemAccess,
    InternetHighEffort,
    OverInternet,
}

impl Effort {
    pub fn describe(self) -> &'static str {
        match self {
            Effort::NotExploitable => "not exploitable",
            Effort::RequiresSystemAccess => "requires access to the system",
            Effort::InternetHighEffort => "over the internet with high effort",
            Effort::OverInternet => "over the internet",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>().unwrap(), Severity::High);
        let err = "severe".parse::<Severity>().unwrap_err();
        assert!(err.to_string().contains("Critical, High"));
    }
}
