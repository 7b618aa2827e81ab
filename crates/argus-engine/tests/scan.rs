//! Whole scans through [`ScanRunner`]: directories, single files and zip
//! archives give the same findings; duplicates get distinct ids; baselines
//! keep counts; broken files never stop a scan.

use std::fs;
use std::io::Write;
use std::path::Path;

use argus_engine::baseline::Baseline;
use argus_engine::{ScanOptions, ScanRunner};
use argus_model::{AnalysisType, ScanReport};

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let p = root.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, content).unwrap();
    }
}

fn scan(target: &Path) -> ScanReport {
    ScanRunner::new(ScanOptions::default()).run(target).unwrap()
}

const APP: &str = "import hashlib\n\ndef hash_password(password):\n    return hashlib.md5(password).hexdigest()\n";

fn project(root: &Path) {
    write(
        root,
        &[
            ("app/cache.py", APP),
            ("app/test_cache.py", APP),
            (
                "web/etag.js",
                "const crypto = require('crypto');\nmodule.exports = (token) => crypto.createHash('sha1').update(token).digest('hex');\n",
            ),
            (
                "infra/main.tf",
                "resource \"aws_s3_bucket_acl\" \"a\" {\n  bucket = \"x\"\n  acl    = \"public-read\"\n}\n",
            ),
            (
                "broken/half.py",
                "import hashlib\ndef f(:\n    pass\nh = hashlib.sha1(password)\n",
            ),
            (
                "node_modules/lib/index.js",
                "require('crypto').createHash('md5');\n",
            ),
        ],
    );
}

#[test]
fn scans_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let report = scan(dir.path());
    let found: Vec<(String, String)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.location.path.clone(),
                argus_model::unversioned(&f.detector_id).to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "app/cache.py".to_string(),
                "python/insecure-hashing".to_string()
            ),
            (
                "broken/half.py".to_string(),
                "python/insecure-hashing".to_string()
            ),
            (
                "infra/main.tf".to_string(),
                "terraform/public-read-bucket-acl-terraform".to_string()
            ),
            (
                "web/etag.js".to_string(),
                "javascript/insecure-hashing".to_string()
            ),
        ]
    );
    assert_eq!(report.summary.files_scanned, 4);
    assert_eq!(report.summary.files_with_syntax_errors, 1);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.path == "broken/half.py" && w.message.contains("syntax error at line 2"))
    );
    assert_eq!(report.summary.skipped.get("test-code"), Some(&1));
    assert_eq!(report.summary.skipped.get("third-party"), Some(&1));
    assert!(report.findings.iter().all(|f| f.id.len() == 32));
}

#[test]
fn a_zip_gives_the_same_findings_as_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    project(&tree);
    let archive = dir.path().join("code.zip");
    let mut zip = zip::ZipWriter::new(fs::File::create(&archive).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for entry in walk(&tree) {
        let rel = entry
            .strip_prefix(&tree)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        zip.start_file(rel, options).unwrap();
        zip.write_all(&fs::read(&entry).unwrap()).unwrap();
    }
    zip.start_file("../outside.py", options).unwrap();
    zip.write_all(APP.as_bytes()).unwrap();
    zip.finish().unwrap();

    let from_dir = scan(&tree);
    let from_zip = scan(&archive);
    let key = |r: &ScanReport| -> Vec<(String, String)> {
        r.findings
            .iter()
            .map(|f| (f.location.path.clone(), f.fingerprint.clone()))
            .collect()
    };
    assert_eq!(key(&from_dir), key(&from_zip));
    assert_eq!(from_zip.scan_name, "code");
    assert!(from_zip.root.is_none());
    assert!(
        from_zip
            .skipped
            .iter()
            .any(|s| s.path == "../outside.py" && s.reason.key() == "archive-entry")
    );
}

#[test]
fn a_corrupt_zip_is_an_error_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("code.zip");
    fs::write(&archive, b"this is not a zip file").unwrap();
    let error = ScanRunner::new(ScanOptions::default())
        .run(&archive)
        .unwrap_err();
    assert!(
        error.to_string().contains("not a valid zip archive"),
        "{error}"
    );
}

#[test]
fn a_single_file_is_scanned_even_when_it_looks_like_a_test() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("test_keys.py", APP)]);
    let report = scan(&dir.path().join("test_keys.py"));
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].location.path, "test_keys.py");
}

#[test]
fn duplicates_get_distinct_ids_and_baselines_keep_counts() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("app.py", APP)]);
    let first = scan(dir.path());
    assert_eq!(first.findings.len(), 1);
    let baseline = Baseline::from_findings(&first.findings);
    assert_eq!(baseline.entries[0].count, 1);

    // Two more identical lines in the same function: same fingerprint.
    let grown = APP.replace(
        "    return hashlib.md5(password).hexdigest()\n",
        "    hashlib.md5(password).hexdigest()\n    hashlib.md5(password).hexdigest()\n    return hashlib.md5(password).hexdigest()\n",
    );
    write(dir.path(), &[("app.py", &grown)]);
    let mut second = scan(dir.path());
    let fingerprints: std::collections::HashSet<&str> = second
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    assert_eq!(second.findings.len(), 3);
    assert_eq!(
        fingerprints.len(),
        1,
        "identical code in one function: one fingerprint"
    );
    let ids: std::collections::HashSet<&str> =
        second.findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids.len(), 3, "every finding has its own id");
    let occurrences: Vec<u32> = second.findings.iter().map(|f| f.occurrence).collect();
    assert_eq!(occurrences, [0, 1, 2]);
    baseline.apply(&mut second);
    assert_eq!(second.summary.baselined, 1);
    assert_eq!(
        second.summary.active_findings(),
        2,
        "two identical new findings stay new"
    );
}

#[test]
fn quality_detectors_run_only_with_analysis_type_all() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("app.py", "import hashlib\nh = hashlib.new('sha256')\n")],
    );
    assert!(scan(dir.path()).findings.is_empty());
    let all = ScanRunner::new(ScanOptions {
        analysis_type: Some(AnalysisType::All),
        ..ScanOptions::default()
    })
    .run(dir.path())
    .unwrap();
    assert_eq!(all.findings.len(), 1);
    assert_eq!(all.findings[0].severity, argus_model::Severity::Info);
}

#[test]
fn configuration_disables_detectors_and_excludes_paths() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    write(
        dir.path(),
        &[(
            "argus.toml",
            "[scan]\nexclude = [\"infra/\"]\ndisable = [\"javascript/*\"]\n",
        )],
    );
    let report = scan(dir.path());
    let detectors: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.detector_id.as_str())
        .collect();
    assert_eq!(
        detectors,
        [
            "python/insecure-hashing@v1.0",
            "python/insecure-hashing@v1.0"
        ]
    );
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.path == "infra/" && s.reason.key() == "excluded")
    );
    assert!(
        !report
            .detectors
            .iter()
            .any(|d| d.id.starts_with("javascript/"))
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Request data passed from a view to a helper module that runs it as SQL
/// is a finding at the call, with the path through the other file; the
/// same helper fed a constant is not; input returned by a helper of another
/// module is a source.
#[test]
fn taint_paths_cross_files() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "shop/db.py",
                "import sqlite3\n\nconn = sqlite3.connect(\"shop.db\")\n\n\ndef find(name):\n    query = \"SELECT * FROM items WHERE name = '\" + name + \"'\"\n    return conn.execute(query).fetchall()\n\n\ndef normalise(text):\n    return text.strip()\n",
            ),
            (
                "shop/params.py",
                "from flask import request\n\n\ndef search_term():\n    return request.args[\"q\"]\n",
            ),
            (
                "shop/views.py",
                "from flask import Flask, request\n\nfrom .db import find, normalise\nfrom shop.params import search_term\nimport os\n\napp = Flask(__name__)\n\n\n@app.route(\"/items\")\ndef items():\n    return str(find(normalise(request.args[\"name\"])))\n\n\n@app.route(\"/all\")\ndef everything():\n    return str(find(\"all\"))\n\n\n@app.route(\"/search\")\ndef search():\n    os.system(\"grep -r \" + search_term() + \" /srv\")\n    return \"ok\"\n",
            ),
        ],
    );
    let report = scan(dir.path());
    let taint: Vec<_> = report
        .findings
        .iter()
        .filter(|f| !f.flow.is_empty())
        .collect();
    let sql: Vec<_> = taint
        .iter()
        .filter(|f| f.detector_id.starts_with("python/sql-injection"))
        .collect();
    assert_eq!(sql.len(), 1, "{taint:#?}");
    let finding = sql[0];
    assert_eq!(finding.location.path, "shop/views.py");
    assert_eq!(finding.location.start_line, 12);
    assert!(
        finding.message.contains("shop/db.py:8"),
        "{}",
        finding.message
    );
    let steps: Vec<(&str, u32)> = finding
        .flow
        .iter()
        .map(|s| (s.location.path.as_str(), s.location.start_line))
        .collect();
    assert_eq!(steps.first(), Some(&("shop/views.py", 12)), "{steps:?}");
    assert!(steps.contains(&("shop/db.py", 7)), "{steps:?}");
    assert_eq!(steps.last(), Some(&("shop/db.py", 8)), "{steps:?}");
    // Input returned by a helper of another module is a source too.
    let command: Vec<_> = taint
        .iter()
        .filter(|f| f.detector_id.starts_with("python/os-command-injection"))
        .collect();
    assert_eq!(command.len(), 1, "{taint:#?}");
    assert_eq!(command[0].location.start_line, 22);
    assert!(
        command[0].message.contains("shop/params.py:5"),
        "{}",
        command[0].message
    );
}

/// A company's own framework and database layer, unknown to argus until a
/// rule pack names them.
const INTERNAL_APP: &str = r#"from acme.web import param
from acme import db, text


def search():
    term = param("q")
    return db.run_sql("SELECT * FROM items WHERE name = '" + term + "'")


def lookup():
    key = text.normalize(param("key"))
    return db.run_sql("SELECT * FROM keys WHERE k = '%s'" % key)


def safe_search():
    term = db.quote(param("q"))
    return db.run_sql("SELECT * FROM items WHERE name = " + term)


def constant():
    return db.run_sql("SELECT 1")
"#;

const ACME_PACK: &str = r#"
[[source]]
callee = "acme.web.param"
description = "a request parameter"

[[sink]]
detector = "python/sql-injection"
callee = "acme.db.run_sql"
positions = [0]
description = "an SQL query run by {callee}"

[[sanitizer]]
callee = "acme.db.quote"
detectors = ["python/sql-injection"]

[[propagator]]
callee = "acme.text.normalize"
"#;

fn sql_lines(report: &ScanReport) -> Vec<u32> {
    let mut lines: Vec<u32> = report
        .findings
        .iter()
        .filter(|f| f.detector_id.starts_with("python/sql-injection"))
        .map(|f| f.location.start_line)
        .collect();
    lines.sort_unstable();
    lines
}

#[test]
fn rule_packs_add_sources_sinks_sanitizers_and_propagators() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("app/views.py", INTERNAL_APP)]);
    assert!(sql_lines(&scan(dir.path())).is_empty());

    // From argus.toml, through a pack it names.
    write(
        dir.path(),
        &[
            ("security/acme.toml", ACME_PACK),
            ("argus.toml", "[rules]\npacks = [\"security/acme.toml\"]\n"),
        ],
    );
    let report = scan(dir.path());
    assert_eq!(sql_lines(&report), [7, 12], "{:#?}", report.findings);
    let finding = report
        .findings
        .iter()
        .find(|f| f.location.start_line == 7)
        .unwrap();
    assert!(
        finding.message.contains("an SQL query run by `db.run_sql`"),
        "{}",
        finding.message
    );
    assert!(
        finding.flow[0].message.contains("a request parameter"),
        "{:?}",
        finding.flow
    );

    // From the command line, with the same result.
    fs::remove_file(dir.path().join("argus.toml")).unwrap();
    let report = ScanRunner::new(ScanOptions {
        rule_packs: vec![dir.path().join("security/acme.toml")],
        ..ScanOptions::default()
    })
    .run(dir.path())
    .unwrap();
    assert_eq!(sql_lines(&report), [7, 12]);

    // A mistake names the file and the entry, and the scan does not run.
    write(
        dir.path(),
        &[(
            "argus.toml",
            "[[rules.sink]]\ndetector = \"python/sql\"\ncallee = \"acme.db.run_sql\"\n",
        )],
    );
    let err = ScanRunner::new(ScanOptions::default())
        .run(dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("argus.toml [rules]: sink[0].detector"),
        "{err}"
    );
}

#[test]
fn taint_paths_cross_several_files_in_import_order() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "app/repository.py",
                "import sqlite3\n\nconn = sqlite3.connect(\"app.db\")\n\n\ndef select_user(name):\n    return conn.execute(\"SELECT * FROM users WHERE name = '%s'\" % name).fetchone()\n",
            ),
            (
                "app/services.py",
                "from app import repository\nfrom app import audit\n\n\ndef profile(name):\n    audit.record(name)\n    return repository.select_user(name.strip())\n",
            ),
            // audit and services import each other: one wave, still summarised.
            (
                "app/audit.py",
                "import logging\n\nfrom app import services\n\n\ndef record(name):\n    logging.info(\"profile\")\n",
            ),
            (
                "app/views.py",
                "from flask import Flask, request\n\nfrom app.services import profile\n\napp = Flask(__name__)\n\n\n@app.route(\"/profile\")\ndef show():\n    return str(profile(request.args[\"name\"]))\n",
            ),
        ],
    );
    let report = scan(dir.path());
    let sql: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.detector_id.starts_with("python/sql-injection"))
        .collect();
    assert_eq!(sql.len(), 1, "{:#?}", report.findings);
    assert_eq!(sql[0].location.path, "app/views.py");
    assert_eq!(sql[0].location.start_line, 10);
    let files: Vec<&str> = sql[0]
        .flow
        .iter()
        .map(|s| s.location.path.as_str())
        .collect();
    assert_eq!(files.first(), Some(&"app/views.py"), "{files:?}");
    assert!(files.contains(&"app/services.py"), "{files:?}");
    assert_eq!(files.last(), Some(&"app/repository.py"), "{files:?}");
}
