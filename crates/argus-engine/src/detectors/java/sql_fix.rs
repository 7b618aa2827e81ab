//! The rewrite of a `Statement` run with concatenated SQL into a
//! `PreparedStatement` with `?` placeholders.

use crate::dataflow::FixSite;
use crate::fix::Fix;

/// No rewrite yet.
pub fn prepared_statement_fix(_site: &FixSite<'_>) -> Vec<Fix> {
    Vec::new()
}
