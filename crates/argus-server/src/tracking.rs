//! Finding tracking across the runs of a scan (DESIGN: fingerprints and
//! tracking). A new run's findings are matched against the scan's earlier
//! ones: the exact fingerprint first (open findings before closed ones, so
//! a fixed-then-reintroduced weakness is reopened, not duplicated), then
//! the same detector with similar code in the same file (a small edit to
//! the flagged line). Matched findings keep their id; the open ones left
//! over are closed by the store; the rest are new.

use std::collections::{HashMap, HashSet, VecDeque};

use argus_store::{NewFinding, StoredFinding, TrackingPlan};
use similar::TextDiff;

/// Code at least this similar is the same finding, edited.
const SIMILARITY: f32 = 0.8;

pub fn plan(existing: &[StoredFinding], new: Vec<NewFinding>) -> TrackingPlan {
    // Candidates per fingerprint: open ones first, each in storage order.
    let mut by_fingerprint: HashMap<&str, VecDeque<&StoredFinding>> = HashMap::new();
    let mut ordered: Vec<&StoredFinding> = existing.iter().collect();
    ordered.sort_by_key(|f| (f.status != "Open", f.seq));
    for finding in ordered {
        by_fingerprint
            .entry(&finding.fingerprint)
            .or_default()
            .push_back(finding);
    }
    let mut claimed: HashSet<String> = HashSet::new();
    let mut plan = TrackingPlan::default();
    let mut unmatched = Vec::new();
    for finding in new {
        match by_fingerprint
            .get_mut(finding.fingerprint.as_str())
            .and_then(VecDeque::pop_front)
        {
            Some(old) => {
                claimed.insert(old.finding_id.clone());
                plan.matched.push((old.finding_id.clone(), finding));
            }
            None => unmatched.push(finding),
        }
    }
    // Second pass: edited code. Best pairs first, each side used once.
    let mut pairs: Vec<(f32, usize, &StoredFinding)> = Vec::new();
    for (i, finding) in unmatched.iter().enumerate() {
        for old in existing.iter().filter(|o| {
            o.status == "Open"
                && !claimed.contains(&o.finding_id)
                && o.detector_id == finding.detector_id
                && o.file_path == finding.file_path
        }) {
            let ratio = TextDiff::from_chars(old.code.as_str(), finding.code.as_str()).ratio();
            if ratio >= SIMILARITY {
                pairs.push((ratio, i, old));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut taken = vec![false; unmatched.len()];
    let mut matches: Vec<(usize, String)> = Vec::new();
    for (_, i, old) in pairs {
        if taken[i] || claimed.contains(&old.finding_id) {
            continue;
        }
        taken[i] = true;
        claimed.insert(old.finding_id.clone());
        matches.push((i, old.finding_id.clone()));
    }
    let used_ids: HashSet<&str> = existing.iter().map(|f| f.finding_id.as_str()).collect();
    let mut new_ids: HashSet<String> = HashSet::new();
    for (i, mut finding) in unmatched.into_iter().enumerate() {
        if let Some((_, id)) = matches.iter().find(|(m, _)| *m == i) {
            plan.matched.push((id.clone(), finding));
            continue;
        }
        // Ids must stay unique within the scan.
        if used_ids.contains(finding.finding_id.as_str())
            || !new_ids.insert(finding.finding_id.clone())
        {
            finding.finding_id = uuid::Uuid::new_v4().simple().to_string();
            new_ids.insert(finding.finding_id.clone());
        }
        plan.created.push(finding);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(id: &str, fingerprint: &str, path: &str, code: &str) -> NewFinding {
        NewFinding {
            finding_id: id.into(),
            fingerprint: fingerprint.into(),
            detector_id: "python/insecure-hashing@v1.0".into(),
            detector_name: "Insecure hashing".into(),
            category: "security".into(),
            severity: "Medium".into(),
            file_path: path.into(),
            start_line: 1,
            code: code.into(),
            body: "{}".into(),
        }
    }

    fn stored(id: &str, fingerprint: &str, status: &str, seq: i64, code: &str) -> StoredFinding {
        StoredFinding {
            scan_name: "s".into(),
            finding_id: id.into(),
            fingerprint: fingerprint.into(),
            detector_id: "python/insecure-hashing@v1.0".into(),
            detector_name: "Insecure hashing".into(),
            category: "security".into(),
            severity: "Medium".into(),
            status: status.into(),
            file_path: "a.py".into(),
            code: code.into(),
            body: "{}".into(),
            created_at: 0,
            updated_at: 0,
            closed_at: None,
            seq,
        }
    }

    #[test]
    fn matches_fingerprints_reopens_and_keeps_duplicates_apart() {
        let existing = vec![
            stored("a", "fp1", "Open", 1, "md5(x)"),
            stored("b", "fp2", "Closed", 2, "sha1(y)"),
            stored("c", "fp3", "Open", 3, "md5(password)"),
        ];
        let plan = plan(
            &existing,
            vec![
                new("n1", "fp1", "moved/elsewhere.py", "md5(x)"),
                new("n2", "fp1", "a.py", "md5(x)"),
                new("n3", "fp2", "a.py", "sha1(y)"),
            ],
        );
        let matched: Vec<(&str, &str)> = plan
            .matched
            .iter()
            .map(|(id, f)| (id.as_str(), f.finding_id.as_str()))
            .collect();
        assert_eq!(
            matched,
            [("a", "n1"), ("b", "n3")],
            "first fp1 keeps 'a'; 'b' is reopened"
        );
        assert_eq!(plan.created.len(), 1, "the second identical finding is new");
        assert_eq!(plan.created[0].finding_id, "n2");
    }

    #[test]
    fn an_edited_line_keeps_its_finding() {
        let existing = vec![stored(
            "a",
            "fp1",
            "Open",
            1,
            "digest = hashlib.md5(password).hexdigest()",
        )];
        let plan = plan(
            &existing,
            vec![new(
                "n1",
                "fp9",
                "a.py",
                "digest = hashlib.md5(password ).hexdigest()",
            )],
        );
        assert_eq!(plan.matched[0].0, "a");
        let plan = super::plan(
            &existing,
            vec![new("n1", "fp9", "a.py", "completely different code here")],
        );
        assert!(plan.matched.is_empty());
        assert_eq!(plan.created.len(), 1);
    }

    #[test]
    fn new_ids_never_collide_with_old_ones() {
        let existing = vec![stored("n1", "fp1", "Closed", 1, "x")];
        let plan = plan(&existing, vec![new("n1", "other", "b.py", "y")]);
        assert_ne!(plan.created[0].finding_id, "n1");
    }
}
