//! The IAM policy language, for access control in `argus serve`: parsing
//! identity-based policy documents and evaluating requests against them with
//! IAM's semantics. Pure: no I/O, no clock (the caller puts the time in the
//! request context).
//!
//! # Documents
//!
//! `Version` is `2012-10-17` or `2008-10-17` (the default when absent, in
//! which `${...}` is plain text); `Id` is optional; `Statement` is one object
//! or a non-empty array. A statement has an optional `Sid` (letters and
//! digits, unique in the document), `Effect` (`Allow`|`Deny`), exactly one of
//! `Action`/`NotAction`, exactly one of `Resource`/`NotResource`, and an
//! optional `Condition`. `Principal`/`NotPrincipal` are refused: an identity
//! policy applies to whoever it is attached to. Unknown fields, duplicate JSON
//! keys and empty arrays are errors; every [`PolicyError`] names its place
//! (`Statement[1].Condition.StringLike: ...`).
//!
//! Limits: 10,240 characters not counting whitespace (IAM allows 6,144 for a
//! managed policy; argus is more generous), 128 KiB in all, 8 levels of
//! nesting. Parsing never recurses on the input beyond that.
//!
//! # Matching
//!
//! Actions (`service:Operation`) match case-insensitively with `*` and `?`.
//! Resources are ARNs, matched case-sensitively; `*` and `?` stay within one
//! colon-separated ARN segment, except that a `*` ending a segment (or the
//! pattern) may run across colons, as IAM documents; `*` alone matches every
//! resource, including the `*` that stands for "no particular resource".
//! `NotAction`/`NotResource` invert the match.
//!
//! # Evaluation
//!
//! Deny by default; any matching Deny statement in any policy is an
//! [`Decision::ExplicitDeny`], which no Allow overrides; otherwise any
//! matching Allow allows; otherwise [`Decision::ImplicitDeny`].
//!
//! # Conditions
//!
//! All operators of a block, and all keys under an operator, must hold; the
//! values given for one key are alternatives (for a negated operator: the
//! request value must match none). Operators: `StringEquals`,
//! `StringNotEquals`, `StringEqualsIgnoreCase`, `StringNotEqualsIgnoreCase`,
//! `StringLike`, `StringNotLike`, `Numeric{Equals,NotEquals,LessThan,
//! LessThanEquals,GreaterThan,GreaterThanEquals}`, the same six for `Date`
//! (RFC 3339 / ISO 8601 date-times, dates alone, or epoch seconds), `Bool`,
//! `BinaryEquals` (base64), `IpAddress`/`NotIpAddress` (IPv4 and IPv6 CIDR;
//! a bare address is a /32 or /128), `ArnEquals`/`ArnLike`/`ArnNotEquals`/
//! `ArnNotLike` (each of the six ARN parts matched on its own, wildcards
//! allowed, as IAM does for both), and `Null` (`true`: the key is absent).
//! Condition values may be JSON strings, numbers or booleans.
//!
//! Every operator but `Null` takes the `IfExists` suffix: a missing key then
//! holds. Set qualifiers: `ForAllValues:` holds when every request value
//! matches (and when the key is missing or empty); `ForAnyValue:` when some
//! does (never when missing). Without a qualifier, a multi-valued key holds
//! for a positive operator when any value matches, for a negated one when
//! none does. A missing key fails a positive operator and passes a negated
//! one (`StringNotEquals`, `StringNotLike`, `NotIpAddress`, `ArnNotEquals`,
//! `ArnNotLike`, `NumericNotEquals`, `DateNotEquals`,
//! `StringNotEqualsIgnoreCase`). An empty multi-valued key counts as missing.
//! A request value of the wrong type (a number operator on `"ten"`) matches
//! no policy value.
//!
//! Condition key names are case-insensitive throughout, the tag-key part of
//! `aws:ResourceTag/<key>` included.
//!
//! # Policy variables
//!
//! In 2012-10-17 documents, `Resource`/`NotResource` and condition values may
//! hold `${key}` (any condition key, e.g. `${aws:username}`,
//! `${aws:PrincipalTag/team}`), `${key, 'default'}`, and the escapes `${*}`,
//! `${?}`, `${$}` for a literal `*`, `?`, `$`. What a variable puts in is
//! always literal text, never a wildcard. A variable whose key the request
//! does not carry (or carries with several values) and that has no default
//! leaves its resource or value matching nothing; for a negated condition
//! operator that means the value is simply not among those to avoid.
//!
//! # Condition keys argus sets
//!
//! | key | value |
//! |---|---|
//! | `aws:PrincipalArn` | the caller's ARN (user, or role for an assumed role) |
//! | `aws:PrincipalAccount` | the caller's account id |
//! | `aws:PrincipalType` | `User`, `AssumedRole` or `Account` (root) |
//! | `aws:userid` | the caller's unique id |
//! | `aws:username` | the user name (users only) |
//! | `aws:PrincipalTag/<key>` | the caller's tags |
//! | `aws:ResourceTag/<key>` | the tags of the scan acted on |
//! | `aws:RequestTag/<key>` | tags the request sets (CreateScan, TagResource) |
//! | `aws:TagKeys` | the tag keys the request names (multi-valued) |
//! | `aws:SourceIp` | the client's address |
//! | `aws:CurrentTime` | the time, ISO 8601 UTC (`2026-11-28T02:16:34Z`) |
//! | `aws:EpochTime` | the time, epoch seconds |
//! | `aws:SecureTransport` | `true` or `false` |
//! | `aws:RequestedRegion` | the region the request was signed for |
//!
//! `aws:MultiFactorAuthPresent` is never set (argus has no MFA), so
//! `BoolIfExists` on it holds and `Bool` fails.
//!
//! # Managed policies
//!
//! [`managed_policy`] gives `AmazonCodeGuruSecurityFullAccess` and
//! `AmazonCodeGuruSecurityScanAccess` exactly as the user guide shows them
//! (both are shown there in full). ScanAccess allows CreateScan,
//! CreateUploadUrl, GetScan and GetFindings on `arn:aws:codeguru-security:*:*:scans/*`
//! only, so those operations must be authorized against the scan's ARN.

mod condition;
mod document;
mod evaluate;
mod json;
mod managed;
mod pattern;
mod values;

pub use document::{Policy, PolicyError};
pub use evaluate::{Decision, Explanation, RequestContext, evaluate, explain};
pub use json::{MAX_DEPTH, MAX_POLICY_BYTES, MAX_POLICY_CHARS};
pub use managed::{MANAGED_POLICY_NAMES, managed_policy, managed_policy_arn};

/// The IAM service prefix of the CodeGuru Security actions.
pub const SERVICE: &str = "codeguru-security";

/// Every action of the service, by its full name.
pub const ACTIONS: &[&str] = &[
    "codeguru-security:CreateUploadUrl",
    "codeguru-security:CreateScan",
    "codeguru-security:GetScan",
    "codeguru-security:ListScans",
    "codeguru-security:GetFindings",
    "codeguru-security:BatchGetFindings",
    "codeguru-security:ListTagsForResource",
    "codeguru-security:TagResource",
    "codeguru-security:UntagResource",
    "codeguru-security:GetMetricsSummary",
    "codeguru-security:ListFindingsMetrics",
    "codeguru-security:GetAccountConfiguration",
    "codeguru-security:UpdateAccountConfiguration",
];

#[cfg(test)]
mod tests;
