//! Findings of a scan across its runs, and the periods each was open.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::crypto::envelope::{DataKey, open_value, seal_value, value_key_id};
use crate::{Store, StoreError};

/// A finding of the run being stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFinding {
    /// The id a finding gets when it is new.
    pub finding_id: String,
    pub fingerprint: String,
    pub detector_id: String,
    pub detector_name: String,
    /// `security` or `quality`.
    pub category: String,
    pub severity: String,
    pub file_path: String,
    pub start_line: i64,
    /// The flagged code, for matching findings whose code changed a little.
    pub code: String,
    /// The API `Finding` as JSON, without id, status and timestamps (added
    /// when it is served).
    pub body: String,
}

/// A finding as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFinding {
    pub scan_name: String,
    pub finding_id: String,
    pub fingerprint: String,
    pub detector_id: String,
    pub detector_name: String,
    pub category: String,
    pub severity: String,
    pub status: String,
    pub file_path: String,
    pub code: String,
    pub body: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub closed_at: Option<i64>,
    pub seq: i64,
}

/// What a new run does to a scan's findings.
#[derive(Debug, Default)]
pub struct TrackingPlan {
    /// Existing findings seen again: they stay (or become) Open with their
    /// id; their location and text are refreshed.
    pub matched: Vec<(String, NewFinding)>,
    /// Findings seen for the first time.
    pub created: Vec<NewFinding>,
}

/// Which findings GetFindings returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingFilter {
    Open,
    Closed,
    All,
}

/// One page of findings and whether more follow.
#[derive(Debug)]
pub struct FindingPage {
    pub findings: Vec<StoredFinding>,
    pub last_seq: Option<i64>,
    pub more: bool,
}

const COLUMNS: &str = "finding_id, fingerprint, detector_id, detector_name, category, severity, status, file_path, code, body, created_at, updated_at, closed_at, seq, scan_name";

fn finding_from(row: &AnyRow) -> StoredFinding {
    StoredFinding {
        finding_id: row.get(0),
        fingerprint: row.get(1),
        detector_id: row.get(2),
        detector_name: row.get(3),
        category: row.get(4),
        severity: row.get(5),
        status: row.get(6),
        file_path: row.get(7),
        code: row.get(8),
        body: row.get(9),
        created_at: row.get(10),
        updated_at: row.get(11),
        closed_at: row.get(12),
        seq: row.get(13),
        scan_name: row.get(14),
    }
}

/// What a sealed column is bound to: its row and column.
fn column_aad(account_id: &str, scan_name: &str, finding_id: &str, column: &str) -> Vec<u8> {
    format!("argus findings.{column} {account_id}/{scan_name}/{finding_id}").into_bytes()
}

pub(crate) fn seal_column(
    key: &DataKey,
    account_id: &str,
    scan_name: &str,
    finding_id: &str,
    column: &str,
    text: &str,
) -> String {
    seal_value(
        key,
        &column_aad(account_id, scan_name, finding_id, column),
        text.as_bytes(),
    )
}

impl Store {
    /// Opens the sealed columns of findings read from the database.
    pub(crate) async fn open_findings(
        &self,
        account_id: &str,
        findings: &mut [StoredFinding],
    ) -> Result<(), StoreError> {
        let mut keys: std::collections::HashMap<uuid::Uuid, DataKey> = Default::default();
        for finding in findings.iter_mut() {
            for column in ["code", "body"] {
                let sealed = match column {
                    "code" => &mut finding.code,
                    _ => &mut finding.body,
                };
                let corrupt = |e: crate::envelope::EnvelopeError| {
                    StoreError::Corrupt(format!(
                        "finding {} of scan {}, {column}: {e}",
                        finding.finding_id, finding.scan_name
                    ))
                };
                let id = value_key_id(sealed).map_err(corrupt)?;
                let key = match keys.get(&id) {
                    Some(key) => key.clone(),
                    None => {
                        let key = self.read_key(&id).await?;
                        keys.insert(id, key.clone());
                        key
                    }
                };
                let aad = column_aad(account_id, &finding.scan_name, &finding.finding_id, column);
                let plain = open_value(&key, &aad, sealed).map_err(corrupt)?;
                *sealed = String::from_utf8(plain).map_err(|_| {
                    StoreError::Corrupt(format!("finding {} is not UTF-8", finding.finding_id))
                })?;
            }
        }
        Ok(())
    }
}

pub(crate) async fn load_findings(
    store: &Store,
    tx: &mut Transaction<'_, Any>,
    account_id: &str,
    scan_name: &str,
) -> Result<Vec<StoredFinding>, StoreError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM findings WHERE account_id = $1 AND scan_name = $2 ORDER BY seq"
    )))
    .bind(account_id)
    .bind(scan_name)
    .fetch_all(&mut **tx)
    .await?;
    let mut findings: Vec<StoredFinding> = rows.iter().map(finding_from).collect();
    store.open_findings(account_id, &mut findings).await?;
    Ok(findings)
}

/// Applies a tracking plan: matched findings stay or become Open, the rest
/// of the open ones close, new ones are inserted; open periods follow.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply_plan(
    tx: &mut Transaction<'_, Any>,
    key: &DataKey,
    account_id: &str,
    scan_name: &str,
    run_id: &str,
    existing: &[StoredFinding],
    plan: TrackingPlan,
    now: i64,
) -> Result<(), StoreError> {
    let mut seen = std::collections::HashSet::new();
    for (id, new) in &plan.matched {
        let Some(old) = existing.iter().find(|f| &f.finding_id == id) else {
            return Err(StoreError::Corrupt(format!(
                "tracking matched unknown finding {id}"
            )));
        };
        seen.insert(id.clone());
        let reopened = old.status == "Closed";
        let moved = old.file_path != new.file_path || old.body != new.body;
        let updated_at = if reopened || moved {
            now
        } else {
            old.updated_at
        };
        sqlx::query(
            "UPDATE findings SET status = 'Open', closed_at = NULL, file_path = $1, code = $2, body = $3, \
             severity = $4, updated_at = $5, last_run_id = $6, fingerprint = $7 \
             WHERE account_id = $8 AND scan_name = $9 AND finding_id = $10",
        )
        .bind(&new.file_path)
        .bind(seal_column(key, account_id, scan_name, id, "code", &new.code))
        .bind(seal_column(key, account_id, scan_name, id, "body", &new.body))
        .bind(&new.severity)
        .bind(updated_at)
        .bind(run_id)
        .bind(&new.fingerprint)
        .bind(account_id)
        .bind(scan_name)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if reopened {
            insert_period(tx, account_id, scan_name, id, new, false, now).await?;
        }
    }
    for old in existing
        .iter()
        .filter(|f| f.status == "Open" && !seen.contains(&f.finding_id))
    {
        sqlx::query(
            "UPDATE findings SET status = 'Closed', closed_at = $1, updated_at = $2 \
             WHERE account_id = $3 AND scan_name = $4 AND finding_id = $5",
        )
        .bind(now)
        .bind(now)
        .bind(account_id)
        .bind(scan_name)
        .bind(&old.finding_id)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "UPDATE finding_periods SET closed_at = $1 \
             WHERE account_id = $2 AND scan_name = $3 AND finding_id = $4 AND closed_at IS NULL",
        )
        .bind(now)
        .bind(account_id)
        .bind(scan_name)
        .bind(&old.finding_id)
        .execute(&mut **tx)
        .await?;
    }
    let mut seq = existing.iter().map(|f| f.seq).max().unwrap_or(0);
    for new in &plan.created {
        seq += 1;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO findings ({COLUMNS}, account_id, last_run_id) \
             VALUES ($1, $2, $3, $4, $5, $6, 'Open', $7, $8, $9, $10, $11, NULL, $12, $13, $14, $15)"
        )))
        .bind(&new.finding_id)
        .bind(&new.fingerprint)
        .bind(&new.detector_id)
        .bind(&new.detector_name)
        .bind(&new.category)
        .bind(&new.severity)
        .bind(&new.file_path)
        .bind(seal_column(key, account_id, scan_name, &new.finding_id, "code", &new.code))
        .bind(seal_column(key, account_id, scan_name, &new.finding_id, "body", &new.body))
        .bind(now)
        .bind(now)
        .bind(seq)
        .bind(scan_name)
        .bind(account_id)
        .bind(run_id)
        .execute(&mut **tx)
        .await?;
        insert_period(tx, account_id, scan_name, &new.finding_id, new, true, now).await?;
    }
    Ok(())
}

async fn insert_period(
    tx: &mut Transaction<'_, Any>,
    account_id: &str,
    scan_name: &str,
    finding_id: &str,
    finding: &NewFinding,
    first: bool,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO finding_periods (account_id, scan_name, finding_id, severity, detector_name, category, first_period, opened_at, closed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)",
    )
    .bind(account_id)
    .bind(scan_name)
    .bind(finding_id)
    .bind(&finding.severity)
    .bind(&finding.detector_name)
    .bind(&finding.category)
    .bind(i32::from(first))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// A page of a scan's findings in storage order, after `after_seq`.
    pub async fn findings_page(
        &self,
        account_id: &str,
        scan_name: &str,
        filter: FindingFilter,
        after_seq: i64,
        limit: i64,
    ) -> Result<FindingPage, StoreError> {
        let status = match filter {
            FindingFilter::Open => "AND status = 'Open'",
            FindingFilter::Closed => "AND status = 'Closed'",
            FindingFilter::All => "",
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM findings WHERE account_id = $1 AND scan_name = $2 AND seq > $3 {status} \
             ORDER BY seq LIMIT $4"
        )))
        .bind(account_id)
        .bind(scan_name)
        .bind(after_seq)
        .bind(limit + 1)
        .fetch_all(&self.pool)
        .await?;
        let mut findings: Vec<StoredFinding> = rows.iter().map(finding_from).collect();
        let more = findings.len() as i64 > limit;
        findings.truncate(limit as usize);
        self.open_findings(account_id, &mut findings).await?;
        let last_seq = findings.last().map(|f| f.seq);
        Ok(FindingPage {
            findings,
            last_seq,
            more,
        })
    }

    pub async fn finding(
        &self,
        account_id: &str,
        scan_name: &str,
        finding_id: &str,
    ) -> Result<Option<StoredFinding>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM findings WHERE account_id = $1 AND scan_name = $2 AND finding_id = $3"
        )))
        .bind(account_id)
        .bind(scan_name)
        .bind(finding_id)
        .fetch_optional(&self.pool)
        .await?;
        let mut findings: Vec<StoredFinding> = row.as_ref().map(finding_from).into_iter().collect();
        self.open_findings(account_id, &mut findings).await?;
        Ok(findings.pop())
    }

    /// The findings named by `(scan name, finding id)` pairs, in one query;
    /// missing ones are simply absent.
    pub async fn findings_by_id(
        &self,
        account_id: &str,
        keys: &[(String, String)],
    ) -> Result<Vec<StoredFinding>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let pairs: Vec<String> = (0..keys.len())
            .map(|i| format!("(${}, ${})", 2 * i + 2, 2 * i + 3))
            .collect();
        let sql = format!(
            "SELECT {COLUMNS} FROM findings WHERE account_id = $1 AND (scan_name, finding_id) IN ({})",
            pairs.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(account_id);
        for (scan_name, finding_id) in keys {
            query = query.bind(scan_name).bind(finding_id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        let mut findings: Vec<StoredFinding> = rows.iter().map(finding_from).collect();
        self.open_findings(account_id, &mut findings).await?;
        Ok(findings)
    }
}
