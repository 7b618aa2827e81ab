//! Secrets never leave argus unredacted: every output format of a scan of
//! the secrets fixtures is searched for every secret value they hold.

use std::path::{Path, PathBuf};

use argus_engine::discover::classify::classify;
use argus_engine::secrets::{self, Profile};
use assert_cmd::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../argus-engine/tests/fixtures/secrets")
}

/// Every secret value in the fixtures, as the engine sees it, plus every
/// line of key material.
fn secret_values() -> Vec<String> {
    let mut values = Vec::new();
    let mut stack = vec![fixtures()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if classify(&name).is_none() {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let profile = Profile {
                config_file: true,
                documentation: false,
            };
            for hit in secrets::scan(&text, &name, profile, &|_| true) {
                let raw = &text[hit.range.clone()];
                for piece in raw
                    .split(['\n', '"'])
                    .map(str::trim)
                    .filter(|p| p.len() >= 8)
                {
                    values.push(piece.trim_end_matches("\\n").to_string());
                }
            }
        }
    }
    values.sort();
    values.dedup();
    values
}

#[test]
fn no_output_format_reveals_a_secret() {
    let values = secret_values();
    assert!(
        values.len() > 60,
        "expected many secrets in the fixtures, found {}",
        values.len()
    );
    for format in ["text", "json", "sarif", "gitlab"] {
        let output = Command::cargo_bin("argus")
            .unwrap()
            .env("NO_COLOR", "1")
            .arg("scan")
            .arg(fixtures())
            .args(["--format", format, "--verbose", "--analysis-type", "All"])
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stdout.contains("secrets/"),
            "{format}: no secrets reported:\n{stdout}\n{stderr}"
        );
        for value in &values {
            assert!(
                !stdout.contains(value.as_str()),
                "{format} output reveals `{value}`"
            );
            assert!(
                !stderr.contains(value.as_str()),
                "{format} log reveals `{value}`"
            );
        }
    }
}

#[test]
fn baselines_hold_digests_not_values() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    Command::cargo_bin("argus")
        .unwrap()
        .arg("scan")
        .arg(fixtures())
        .arg("--write-baseline")
        .arg(&baseline)
        .assert()
        .success();
    let written = std::fs::read_to_string(&baseline).unwrap();
    assert!(written.contains("secrets/github-personal-access-token"));
    for value in secret_values() {
        assert!(
            !written.contains(value.as_str()),
            "baseline reveals `{value}`"
        );
    }
}
