//! What the account metrics are computed from: the periods findings were
//! open. Quality findings are kept out, as the spec says.

use sqlx::Row;

use crate::{Store, StoreError};

/// One period a security finding was open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenPeriod {
    pub scan_name: String,
    pub finding_id: String,
    pub severity: String,
    pub detector_name: String,
    /// The finding's first period (its detection), not a reopening.
    pub first: bool,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
}

impl Store {
    /// Periods of the account's security findings that began before `before`.
    pub async fn open_periods(
        &self,
        account_id: &str,
        before: i64,
    ) -> Result<Vec<OpenPeriod>, StoreError> {
        let rows = sqlx::query(
            "SELECT scan_name, finding_id, severity, detector_name, first_period, opened_at, closed_at \
             FROM finding_periods WHERE account_id = $1 AND category = 'security' AND opened_at < $2",
        )
        .bind(account_id)
        .bind(before)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|row| OpenPeriod {
                scan_name: row.get(0),
                finding_id: row.get(1),
                severity: row.get(2),
                detector_name: row.get(3),
                first: row.get::<i32, _>(4) != 0,
                opened_at: row.get(5),
                closed_at: row.get(6),
            })
            .collect())
    }
}
