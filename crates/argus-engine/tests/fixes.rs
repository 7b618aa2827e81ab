//! Every fix a fixture finding offers is a unified diff that `git apply`
//! accepts, and applying it makes that finding disappear without creating
//! another one.

mod common;

use std::path::Path;
use std::process::Command;

use common::{analyze, fixture_files, relative};

#[test]
fn every_fix_applies_and_resolves_its_finding() {
    let mut problems = Vec::new();
    let mut applied = 0;
    for path in fixture_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let rel = relative(&path);
        let before = analyze(&path, &text);
        for finding in before.findings.iter().filter(|f| f.suppression.is_none()) {
            for fix in &finding.fixes {
                let where_ = format!(
                    "{} ({}: {})",
                    finding.location.display(),
                    finding.detector_id,
                    fix.description
                );
                let dir = tempfile::tempdir().unwrap();
                let target = dir.path().join(&rel);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::write(&target, &text).unwrap();
                if let Err(e) = git_apply(dir.path(), &fix.diff) {
                    problems.push(format!(
                        "{where_}: git apply refused the diff: {e}\n{}",
                        fix.diff
                    ));
                    continue;
                }
                let patched = std::fs::read_to_string(&target).unwrap();
                let after = analyze(&path, &patched);
                let count = |report: &argus_engine::analyze::FileReport, id: &str| {
                    report
                        .findings
                        .iter()
                        .filter(|f| f.detector_id == id && f.suppression.is_none())
                        .count()
                };
                if count(&after, &finding.detector_id) + 1 != count(&before, &finding.detector_id) {
                    problems.push(format!("{where_}: finding still reported after the fix"));
                }
                // A fix may earn a quality nudge (`new_hash("sha256")` ->
                // use the named constructor) but must not change other
                // security findings.
                let security = |report: &argus_engine::analyze::FileReport| {
                    report
                        .findings
                        .iter()
                        .filter(|f| {
                            f.suppression.is_none() && f.category == argus_model::Category::Security
                        })
                        .count()
                };
                let resolved = usize::from(finding.category == argus_model::Category::Security);
                if security(&after) + resolved != security(&before) {
                    problems.push(format!("{where_}: the fix changed other security findings"));
                }
                if after.syntax_errors && !before.syntax_errors {
                    problems.push(format!("{where_}: the fix broke the syntax:\n{}", fix.diff));
                }
                applied += 1;
            }
        }
    }
    assert!(applied >= 10, "only {applied} fixes exercised");
    assert!(
        problems.is_empty(),
        "fix problems:\n{}",
        problems.join("\n")
    );
}

fn git_apply(dir: &Path, diff: &str) -> Result<(), String> {
    let patch = dir.join("fix.patch");
    std::fs::write(&patch, diff).unwrap();
    for check in [true, false] {
        let mut command = Command::new("git");
        command.arg("apply");
        if check {
            command.arg("--check");
        }
        let output = command
            .arg(&patch)
            .current_dir(dir)
            .output()
            .map_err(|e| e.to_string())?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).into_owned());
        }
    }
    Ok(())
}
