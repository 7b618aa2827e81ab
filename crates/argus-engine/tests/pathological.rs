//! Files built to hurt a scanner: deep nesting, megabyte lines, binary
//! content under a source name, code that makes an analysis slow. Each
//! scan returns, and each such file is skipped with its reason; the good
//! file beside them is still analysed.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use argus_engine::{ScanOptions, ScanRunner};
use argus_model::{AnalysisType, ScanReport};

const GOOD: &str =
    "import hashlib\n\ndef h(password):\n    return hashlib.md5(password).hexdigest()\n";

fn scan(root: &Path) -> ScanReport {
    ScanRunner::new(ScanOptions {
        analysis_type: Some(AnalysisType::All),
        ..ScanOptions::default()
    })
    .run(root)
    .unwrap()
}

fn reasons(report: &ScanReport) -> BTreeMap<String, String> {
    report
        .skipped
        .iter()
        .map(|s| (s.path.clone(), s.reason.to_string()))
        .collect()
}

fn nested(open: &str, inner: &str, close: &str, depth: usize) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

#[test]
fn deep_nesting_is_skipped_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        (
            "parens.py",
            format!("x = {}\n", nested("(", "1", ")", 100_000)),
        ),
        (
            "calls.py",
            format!(
                "import os\nx = {}\nos.system(x)\n",
                nested("os.path.join(\n", "request.args['a']", ")", 50_000)
            ),
        ),
        (
            "brackets.js",
            format!("var x = {};\n", nested("[\n", "1", "]\n", 100_000)),
        ),
        (
            "blocks.js",
            format!(
                "function f() {}\n",
                nested("{\n", "eval(req.body)\n", "}\n", 30_000)
            ),
        ),
        (
            "Calls.java",
            format!(
                "class A {{ void m(HttpServletRequest r) throws Exception {{ String x = {}; Runtime.getRuntime().exec(x); }} }}\n",
                nested("String.valueOf(\n", "r.getParameter(\"a\")", ")", 50_000)
            ),
        ),
        (
            "Parens.java",
            format!(
                "class A {{ int x = {}; }}\n",
                nested("(", "1", ")", 100_000)
            ),
        ),
        ("good.py", GOOD.to_string()),
    ];
    for (name, text) in &files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    let report = scan(dir.path());
    let reasons = reasons(&report);
    for (name, _) in &files[..files.len() - 1] {
        assert_eq!(
            reasons.get(*name).map(String::as_str),
            Some("syntax nested deeper than 1000 levels"),
            "{name}: {reasons:#?}"
        );
    }
    assert_eq!(report.summary.skipped["too-deep"], 6);
    assert!(
        report.findings.iter().any(|f| f.location.path == "good.py"),
        "the good file is still analysed"
    );
}

/// Nesting just inside the depth limit is analysed, on the analysis
/// threads' stack, without overflowing it (the walks recurse).
#[test]
fn nesting_inside_the_limit_is_analysed() {
    let dir = tempfile::tempdir().unwrap();
    for depth in [100, 200, 300, 400, 480] {
        fs::write(
            dir.path().join(format!("calls{depth}.js")),
            format!(
                "const x = {};\neval(x);\n",
                nested("f(\n", "req.query.a", "\n)", depth)
            ),
        )
        .unwrap();
        fs::write(
            dir.path().join(format!("Calls{depth}.java")),
            format!(
                "class A {{ void m(HttpServletRequest r) throws Exception {{ String x = {}; Runtime.getRuntime().exec(x); }} }}\n",
                nested("String.valueOf(\n", "r.getParameter(\"a\")", ")", depth)
            ),
        )
        .unwrap();
        fs::write(
            dir.path().join(format!("calls{depth}.py")),
            format!(
                "import os\nx = {}\nos.system(x)\n",
                nested("os.path.join(\n", "request.args['a']", ")", depth)
            ),
        )
        .unwrap();
    }
    let report = scan(dir.path());
    assert!(report.skipped.is_empty(), "{:#?}", reasons(&report));
    assert_eq!(report.summary.files_scanned, 15);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.location.path == "Calls100.java"),
        "{:#?}",
        report.findings
    );
}

#[test]
fn binary_and_huge_files_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..=255u8).cycle().take(20_000));
    fs::write(dir.path().join("logo.py"), &png).unwrap();
    // Invalid UTF-8 without a NUL byte: analysed as text, with a warning.
    fs::write(
        dir.path().join("latin1.py"),
        b"s = '\xe9t\xe9'\n".repeat(100),
    )
    .unwrap();
    // A 5 MB single line.
    fs::write(
        dir.path().join("one_line.py"),
        format!("x = '{}'\n", "a".repeat(5 * 1024 * 1024)),
    )
    .unwrap();
    // A long single line under the size limit, full of secret-like text:
    // the secrets rules and detectors must stay linear on it.
    let line: String = (0..40_000)
        .map(|i| format!("password{i} = 'hunter2-{i}'; "))
        .collect();
    fs::write(dir.path().join("minified_like.py"), format!("{line}\n")).unwrap();
    fs::write(dir.path().join("good.py"), GOOD).unwrap();

    let report = scan(dir.path());
    let reasons = reasons(&report);
    assert_eq!(reasons["logo.py"], "binary content");
    assert!(
        reasons["one_line.py"].starts_with("file too large"),
        "{reasons:#?}"
    );
    assert!(!reasons.contains_key("latin1.py"), "{reasons:#?}");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.path == "latin1.py" && w.message.contains("UTF-8"))
    );
    // Scanned, or skipped with a reason: never a hang or a crash.
    assert!(
        report.summary.files_scanned >= 3,
        "{:?} {reasons:#?}",
        report.summary
    );
}

#[test]
fn a_slow_file_is_cut_off_by_its_budget() {
    let dir = tempfile::tempdir().unwrap();
    // Nesting the depth limit lets through, and an analysis the time
    // budget stops (it is quadratic in the nesting).
    fs::write(
        dir.path().join("argus.toml"),
        "[scan.limits]\nfile-timeout-seconds = 1\nmax-syntax-depth = 1000000\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("slow.py"),
        format!(
            "import os\nx = {}\nos.system(x)\n",
            nested("os.path.join(\n", "request.args['a']", ")", 6_000)
        ),
    )
    .unwrap();
    fs::write(dir.path().join("good.py"), GOOD).unwrap();
    let report = scan(dir.path());
    let reasons = reasons(&report);
    assert_eq!(reasons["slow.py"], "analysis exceeded 1s", "{reasons:#?}");
    assert!(report.findings.iter().any(|f| f.location.path == "good.py"));
}

#[test]
fn an_uploaded_configuration_cannot_lift_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("argus.toml"),
        "[scan.limits]\nmax-syntax-depth = 100000000\nmax-file-bytes = 100000000000\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("deep.py"),
        format!("x = {}\n", nested("(", "1", ")", 5_000)),
    )
    .unwrap();
    let report = ScanRunner::new(ScanOptions {
        limits: Some(argus_engine::config::Limits::default()),
        ..ScanOptions::default()
    })
    .run(dir.path())
    .unwrap();
    assert_eq!(
        reasons(&report)["deep.py"],
        "syntax nested deeper than 1000 levels"
    );
}
