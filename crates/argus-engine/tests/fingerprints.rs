//! Fingerprints survive line shifts, reindentation and moving code to
//! another file, and change when the flagged code changes.

use argus_engine::analyze::{FileOutcome, Settings, analyze_text};
use argus_engine::config::ScanConfig;
use argus_engine::discover::classify::classify;
use argus_model::AnalysisType;

fn fingerprints(path: &str, text: &str) -> Vec<String> {
    let settings = Settings {
        analysis_type: AnalysisType::Security,
        config: ScanConfig::default(),
        mode: argus_engine::analyze::Mode::Full,
        project: None,
        rules: Default::default(),
    };
    let kind = classify(path.rsplit('/').next().unwrap()).unwrap();
    match analyze_text(path, kind, text, &settings) {
        FileOutcome::Analysed(report) => {
            report.findings.into_iter().map(|f| f.fingerprint).collect()
        }
        FileOutcome::Skipped(reason) => panic!("skipped: {reason}"),
    }
}

const BASE: &str = "import hashlib\n\n\ndef hash_password(password):\n    return hashlib.md5(password).hexdigest()\n";

#[test]
fn survives_line_shifts() {
    let shifted = format!(
        "\"\"\"Module doc.\"\"\"\nimport os\n\n{}",
        BASE.replace("import hashlib\n", "import hashlib\nimport sys\n\n")
    );
    assert_eq!(
        fingerprints("app/cache.py", BASE),
        fingerprints("app/cache.py", &shifted)
    );
}

#[test]
fn survives_reindentation_reformatting_and_comments() {
    let reformatted = "import hashlib\n\ndef hash_password(password):\n  return hashlib.md5(  # legacy\n      password\n  ).hexdigest()\n";
    assert_eq!(
        fingerprints("app/cache.py", BASE),
        fingerprints("app/cache.py", reformatted)
    );
}

#[test]
fn survives_moving_to_another_file() {
    let other = format!("import json\n{BASE}\n\ndef unrelated():\n    return 1\n");
    assert_eq!(
        fingerprints("app/cache.py", BASE),
        fingerprints("lib/helpers/keys.py", &other)
    );
}

#[test]
fn changes_when_the_flagged_code_changes() {
    let base = fingerprints("app/cache.py", BASE);
    assert_eq!(base.len(), 1);
    let other_argument = BASE.replace("md5(password)", "md5(password + b'salt')");
    assert_ne!(base, fingerprints("app/cache.py", &other_argument));
    let other_algorithm = BASE.replace("md5", "sha1");
    assert_ne!(base, fingerprints("app/cache.py", &other_algorithm));
    let other_function = BASE.replace("hash_password", "store_password");
    assert_ne!(base, fingerprints("app/cache.py", &other_function));
}

#[test]
fn holds_across_languages() {
    let java = "import java.security.MessageDigest;\nclass A {\n  byte[] hashToken(byte[] token) throws Exception {\n    return MessageDigest.getInstance(\"MD5\").digest(token);\n  }\n}\n";
    let moved = format!("// header\n\n{}", java.replace("  return", "      return"));
    let a = fingerprints("src/A.java", java);
    assert_eq!(a.len(), 1);
    assert_eq!(a, fingerprints("src/other/A.java", &moved));
    assert_ne!(
        a,
        fingerprints("src/A.java", &java.replace("\"MD5\"", "\"SHA-1\""))
    );
}

const TOKEN: &str = "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";

#[test]
fn a_secret_keeps_its_fingerprint_wherever_it_moves() {
    let env = format!("# service credentials\nGITHUB_TOKEN={TOKEN}\n");
    let moved = format!("\n\n\n# moved further down\nOTHER=1\nCI_TOKEN={TOKEN}\n");
    let in_code = format!("def client():\n    return Github(\"{TOKEN}\")\n");
    let a = fingerprints("deploy/.env", &env);
    assert_eq!(a, fingerprints("deploy/.env", &moved));
    assert_eq!(a, fingerprints("app/github.py", &in_code));
    let rotated = env.replace(TOKEN, "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");
    assert_ne!(a, fingerprints("deploy/.env", &rotated));
}

#[test]
fn suppressions_work_for_secrets_in_configuration() {
    let settings = Settings {
        analysis_type: AnalysisType::Security,
        config: ScanConfig::default(),
        mode: argus_engine::analyze::Mode::Full,
        project: None,
        rules: Default::default(),
    };
    let text = format!(
        "# argus-ignore[secrets/github-personal-access-token]: revoked 2026-01-04, kept for the replay test\nGITHUB_TOKEN={TOKEN}\n"
    );
    let FileOutcome::Analysed(report) =
        analyze_text(".env", classify(".env").unwrap(), &text, &settings)
    else {
        panic!()
    };
    assert_eq!(report.findings.len(), 1);
    assert!(
        report.findings[0]
            .suppression
            .as_ref()
            .is_some_and(|s| s.reason.starts_with("revoked"))
    );
}
