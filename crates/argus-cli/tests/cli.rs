//! `argus` as users run it: exit codes, output files, baselines, error
//! messages, the detector library.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn argus() -> Command {
    let mut command = Command::cargo_bin("argus").unwrap();
    command.env("NO_COLOR", "1");
    command
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn examples() -> PathBuf {
    repo_root().join("examples")
}

const APP: &str = "import hashlib\n\ndef hash_password(password):\n    return hashlib.md5(password).hexdigest()\n";

#[test]
fn scans_the_examples() {
    argus()
        .arg("scan")
        .arg(examples())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "13 findings: 2 critical, 4 high, 7 medium",
        ));
}

#[test]
fn fail_on_severity_sets_the_exit_code() {
    argus()
        .arg("scan")
        .arg(examples())
        .args(["--fail-on-severity", "High"])
        .assert()
        .code(1);
    argus()
        .arg("scan")
        .arg(examples())
        .args(["--fail-on-severity", "critical"])
        .assert()
        .code(1);
    // Without the two critical injections, nothing reaches Critical.
    argus()
        .arg("scan")
        .arg(examples())
        .args(["--fail-on-severity", "critical"])
        .args(["--disable", "python/sql-injection"])
        .args(["--disable", "python/os-command-injection"])
        .assert()
        .code(0);
}

#[test]
fn fail_on_severity_can_come_from_argus_toml() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("app.py"), APP).unwrap();
    fs::write(
        dir.path().join("argus.toml"),
        "[scan]\nfail-on-severity = \"Medium\"\n",
    )
    .unwrap();
    argus().arg("scan").arg(dir.path()).assert().code(1);
}

#[test]
fn errors_are_one_line_with_exit_code_2() {
    let missing = argus()
        .args(["scan", "/definitely/not/here"])
        .assert()
        .code(2);
    let stderr = String::from_utf8(missing.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("argus: error: /definitely/not/here: no such file or directory"),
        "{stderr}"
    );

    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("code.zip");
    fs::write(&zip, "not a zip").unwrap();
    argus()
        .arg("scan")
        .arg(&zip)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a valid zip archive"));

    fs::write(dir.path().join("argus.toml"), "[scan]\nexclud = [\"x\"]\n").unwrap();
    argus()
        .arg("scan")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("argus.toml").and(predicate::str::contains("exclud")));

    let pack = dir.path().join("rules.toml");
    fs::write(
        &pack,
        "[[sink]]\ndetector = \"python/sql\"\ncallee = \"app.db.run\"\n",
    )
    .unwrap();
    fs::remove_file(dir.path().join("argus.toml")).unwrap();
    let bad_pack = argus()
        .arg("scan")
        .arg("--rules")
        .arg(&pack)
        .arg(dir.path())
        .assert()
        .code(2);
    let stderr = String::from_utf8(bad_pack.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.matches("sink[0]").count(), 1, "said twice: {stderr}");
    bad_pack.stderr(
        predicate::str::contains("rules.toml: sink[0].detector: `python/sql`")
            .and(predicate::str::contains("python/sql-injection")),
    );

    argus()
        .args(["scan", "--format", "xml", "."])
        .assert()
        .code(2);
    argus()
        .args(["scan", "--analysis-type", "Everything", "."])
        .assert()
        .code(2);
}

#[test]
fn writes_valid_sarif_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("argus.sarif");
    argus()
        .arg("scan")
        .arg(examples())
        .args(["--format", "sarif", "--output"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("13 findings"));
    let log: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    let schema_path = repo_root().join("crates/argus-report/tests/schemas/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&log));
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 13);
}

// `-o` replaces a regular file atomically, but writes into a pipe or a
// device in place (never renames over `/dev/null`) and follows links.
#[cfg(unix)]
#[test]
fn writes_into_special_files_and_through_links() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    argus()
        .arg("scan")
        .arg(examples())
        .args(["--format", "json", "--output"])
        .arg(&fifo)
        .assert()
        .success();
    let received: Value = serde_json::from_str(&reader.join().unwrap()).unwrap();
    assert_eq!(received["findings"].as_array().unwrap().len(), 13);
    use std::os::unix::fs::FileTypeExt;
    assert!(
        fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(),
        "still a pipe"
    );

    let target = dir.path().join("reports/argus.json");
    fs::create_dir(dir.path().join("reports")).unwrap();
    fs::write(&target, "old").unwrap();
    let link = dir.path().join("latest.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    argus()
        .arg("scan")
        .arg(examples())
        .args(["--format", "json", "--output"])
        .arg(&link)
        .assert()
        .success();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    assert!(
        fs::read_to_string(&target)
            .unwrap()
            .contains("\"findings\"")
    );
}

#[test]
fn baselines_report_only_new_findings_with_counts() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let src = dir.path().join("src");
    fs::create_dir(&src).unwrap();
    fs::write(src.join("app.py"), APP).unwrap();
    argus()
        .arg("scan")
        .arg(&src)
        .arg("--write-baseline")
        .arg(&baseline)
        .assert()
        .success();
    argus()
        .arg("scan")
        .arg(&src)
        .arg("--baseline")
        .arg(&baseline)
        .args(["--fail-on-severity", "Low"])
        .assert()
        .success()
        .stdout(predicate::str::contains("No findings (1 in the baseline)"));

    // The same line twice more: two new findings with the baselined one.
    let grown = APP.replace(
        "    return hashlib.md5(password).hexdigest()\n",
        "    hashlib.md5(password).hexdigest()\n    hashlib.md5(password).hexdigest()\n    return hashlib.md5(password).hexdigest()\n",
    );
    fs::write(src.join("app.py"), grown).unwrap();
    let output = argus()
        .arg("scan")
        .arg(&src)
        .arg("--baseline")
        .arg(&baseline)
        .args(["--format", "json", "--fail-on-severity", "Low"])
        .assert()
        .code(1);
    let doc: Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 2);
    assert_eq!(doc["summary"]["baselined"], 1);

    fs::write(&baseline, "{\"nope\": true}").unwrap();
    argus()
        .arg("scan")
        .arg(&src)
        .arg("--baseline")
        .arg(&baseline)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not an argus baseline"));
}

#[test]
fn zips_are_scanned_defensively() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("upload.zip");
    let mut zip = zip::ZipWriter::new(fs::File::create(&archive).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("src/app.py", options).unwrap();
    zip.write_all(APP.as_bytes()).unwrap();
    zip.start_file("../../escape.py", options).unwrap();
    zip.write_all(APP.as_bytes()).unwrap();
    zip.add_symlink("src/link.py", "/etc/passwd", options)
        .unwrap();
    zip.finish().unwrap();
    argus()
        .arg("scan")
        .arg(&archive)
        .arg("--verbose")
        .assert()
        .success()
        .stdout(predicate::str::contains("src/app.py:4:12"))
        .stdout(predicate::str::contains(
            "../../escape.py  archive entry refused: path escapes the archive root",
        ))
        .stdout(predicate::str::contains(
            "src/link.py  archive entry refused: symbolic link",
        ));
    assert!(!dir.path().join("escape.py").exists());
}

#[test]
fn verbose_lists_skipped_files_and_the_summary_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in [
        ("app.py", APP),
        ("tests/test_app.py", APP),
        ("node_modules/x/index.js", "x"),
        ("image.png", "png"),
    ] {
        let p = dir.path().join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, content).unwrap();
    }
    argus()
        .arg("scan")
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Skipped 3: 1 test code, 1 third party, 1 unsupported; --verbose lists them",
        ));
    argus()
        .arg("scan")
        .arg(dir.path())
        .arg("-v")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "node_modules/  third-party code (node_modules/)",
        ))
        .stdout(predicate::str::contains("tests/  test code"));
}

#[test]
fn detectors_list_and_show() {
    argus()
        .args(["detectors", "list", "--language", "python"])
        .assert()
        .success()
        .stdout(predicate::str::contains("python/insecure-hashing@v1.0"))
        .stdout(predicate::str::contains("java/").not());
    argus()
        .args(["detectors", "list", "--category", "quality"])
        .assert()
        .success()
        .stdout(predicate::str::contains("python/hashlib-constructor@v1.0"))
        .stdout(predicate::str::contains("insecure-hashing").not());
    argus()
        .args(["detectors", "show", "java/insecure-hashing"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Severity:  Medium"))
        .stdout(predicate::str::contains("CWE:       CWE-328, CWE-327"))
        .stdout(predicate::str::contains("Non-compliant example"))
        .stdout(predicate::str::contains(
            "MessageDigest.getInstance(\"SHA-256\")",
        ));
    argus()
        .args(["detectors", "show", "python/nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown detector 'python/nope'"));
}

/// `docs/detectors/` is generated from the registry; set
/// `ARGUS_UPDATE_DOCS=1` to regenerate it.
#[test]
fn detector_docs_are_up_to_date() {
    let listed = argus()
        .args(["detectors", "list", "--format", "json"])
        .assert()
        .success();
    let detectors: Vec<Value> = serde_json::from_slice(&listed.get_output().stdout).unwrap();
    let docs = repo_root().join("docs");
    let update = std::env::var_os("ARGUS_UPDATE_DOCS").is_some();
    let mut stale = Vec::new();
    for detector in detectors {
        let id = detector["id"].as_str().unwrap();
        let page = argus()
            .args(["detectors", "show", id, "--format", "markdown"])
            .assert()
            .success();
        let expected = String::from_utf8(page.get_output().stdout.clone()).unwrap();
        let path = docs.join(detector["docPath"].as_str().unwrap());
        if update {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, &expected).unwrap();
        } else if fs::read_to_string(&path).ok().as_deref() != Some(expected.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale detector docs (run `ARGUS_UPDATE_DOCS=1 cargo test -p argus-cli detector_docs`):\n{}",
        stale.join("\n")
    );
}
