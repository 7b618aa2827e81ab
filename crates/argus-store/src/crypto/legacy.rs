//! Findings stored before encryption at rest existed are sealed once, when
//! an upgraded node first unlocks the store. (Artifacts need nothing: a
//! worker seals any plaintext upload before it scans it.)

use std::collections::HashMap;

use sqlx::Row;

use super::envelope::{DataKey, value_key_id};
use crate::findings::seal_column;
use crate::{Store, StoreError};

const DONE: &str = "legacy_findings_sealed";
const BATCH: i64 = 500;

impl Store {
    pub(crate) async fn seal_legacy_findings(&self) -> Result<(), StoreError> {
        let done = sqlx::query("SELECT 1 FROM settings WHERE name = $1")
            .bind(DONE)
            .fetch_optional(&self.pool)
            .await?;
        if done.is_some() {
            return Ok(());
        }
        let mut keys: HashMap<String, DataKey> = HashMap::new();
        let mut after = (String::new(), String::new(), String::new());
        let mut sealed = 0usize;
        loop {
            let rows = sqlx::query(
                "SELECT account_id, scan_name, finding_id, code, body FROM findings \
                 WHERE (account_id, scan_name, finding_id) > ($1, $2, $3) \
                 ORDER BY account_id, scan_name, finding_id LIMIT $4",
            )
            .bind(&after.0)
            .bind(&after.1)
            .bind(&after.2)
            .bind(BATCH)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = (last.get(0), last.get(1), last.get(2));
            for row in &rows {
                let (account, scan, id): (String, String, String) =
                    (row.get(0), row.get(1), row.get(2));
                let (code, body): (String, String) = (row.get(3), row.get(4));
                if value_key_id(&code).is_ok() && value_key_id(&body).is_ok() {
                    continue;
                }
                let key = match keys.get(&account) {
                    Some(key) => key.clone(),
                    None => {
                        let key = self.write_key(&account).await?;
                        keys.insert(account.clone(), key.clone());
                        key
                    }
                };
                // Only if unchanged: another node may have sealed it meanwhile.
                sqlx::query(
                    "UPDATE findings SET code = $1, body = $2 \
                     WHERE account_id = $3 AND scan_name = $4 AND finding_id = $5 AND code = $6 AND body = $7",
                )
                .bind(seal_column(&key, &account, &scan, &id, "code", &code))
                .bind(seal_column(&key, &account, &scan, &id, "body", &body))
                .bind(&account)
                .bind(&scan)
                .bind(&id)
                .bind(&code)
                .bind(&body)
                .execute(&self.pool)
                .await?;
                sealed += 1;
            }
        }
        if sealed > 0 {
            tracing::info!(
                findings = sealed,
                "sealed the findings stored before encryption at rest"
            );
        }
        self.setting(DONE, || "1".into()).await?;
        Ok(())
    }
}
