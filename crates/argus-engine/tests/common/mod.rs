//! Helpers shared by the engine's integration tests: reading annotated
//! fixtures and analysing them.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use argus_engine::analyze::{FileOutcome, FileReport, Settings, analyze_text};
use argus_engine::config::ScanConfig;
use argus_engine::discover::classify::classify;
use argus_engine::lang::notebook::Notebook;
use argus_model::{AnalysisType, Finding};

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every fixture file, sorted.
pub fn fixture_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![fixtures_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Settings under which fixtures run: every detector, generated code too.
pub fn settings() -> Settings {
    Settings {
        analysis_type: AnalysisType::All,
        config: ScanConfig {
            include_generated: true,
            ..ScanConfig::default()
        },
        mode: argus_engine::analyze::Mode::Full,
        project: None,
        rules: Default::default(),
    }
}

/// A fixture path relative to the fixtures directory, `/`-separated.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(fixtures_dir())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// Analyses a fixture as the scanner would.
pub fn analyze(path: &Path, text: &str) -> FileReport {
    let name = path.file_name().unwrap().to_string_lossy();
    let kind =
        classify(&name).unwrap_or_else(|| panic!("{}: not a supported file type", path.display()));
    match analyze_text(&relative(path), kind, text, &settings()) {
        FileOutcome::Analysed(report) => report,
        FileOutcome::Skipped(reason) => panic!("{}: skipped: {reason}", path.display()),
    }
}

/// A place in a fixture: (notebook cell, 1-based line).
pub type Place = (Option<u32>, u32);

/// The expectations written in a fixture: for each place, the detector ids
/// (unversioned) that must fire there, and those that must not.
#[derive(Debug, Default)]
pub struct Expectations {
    pub ruleid: BTreeMap<Place, Vec<String>>,
    pub ok: BTreeMap<Place, Vec<String>>,
}

/// Reads `ruleid:` / `ok:` annotations. An annotation applies to the next
/// line that is not itself an annotation.
pub fn expectations(path: &Path, text: &str) -> Expectations {
    let is_notebook = path.extension().is_some_and(|e| e == "ipynb");
    let (lines, origin): (Vec<String>, Box<dyn Fn(usize) -> Place>) = if is_notebook {
        let notebook = Notebook::parse(text).expect("fixture notebook parses");
        let lines = notebook.text.lines().map(str::to_string).collect();
        (
            lines,
            Box::new(move |line| {
                let (cell, in_cell) = notebook.origin(line);
                (Some(cell), in_cell + 1)
            }),
        )
    } else {
        (
            text.lines().map(str::to_string).collect(),
            Box::new(|line| (None, line as u32 + 1)),
        )
    };
    let mut out = Expectations::default();
    let mut pending: Vec<(bool, String)> = Vec::new();
    for (number, line) in lines.iter().enumerate() {
        let annotations = annotations(line);
        if annotations.is_empty() {
            let place = origin(number);
            for (must_fire, id) in pending.drain(..) {
                let map = if must_fire {
                    &mut out.ruleid
                } else {
                    &mut out.ok
                };
                map.entry(place).or_default().push(id);
            }
        } else {
            pending.extend(annotations);
        }
    }
    assert!(
        pending.is_empty(),
        "{}: annotation at the end of the file",
        path.display()
    );
    out
}

fn annotations(line: &str) -> Vec<(bool, String)> {
    let mut found = Vec::new();
    for (marker, must_fire) in [("ruleid:", true), ("ok:", false)] {
        let Some(at) = line.find(marker) else {
            continue;
        };
        // Only annotation comments: the marker follows a comment opener
        // (JSON has no comments: fixtures use a `"//": "ruleid: ..."` member).
        let before = line[..at].trim();
        let openers = ["#", "//", "/*", "<!--", "--", ";", "\"//\": \""];
        if !openers.iter().any(|c| before.ends_with(c)) {
            continue;
        }
        let rest = line[at + marker.len()..]
            .trim()
            // JSX: `{/* ruleid: ... */}`
            .trim_end_matches('}')
            .trim_end()
            .trim_end_matches("*/")
            .trim_end_matches("-->")
            .trim_end_matches(['"', ',']);
        for id in rest
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            found.push((must_fire, argus_model::unversioned(id).to_string()));
        }
    }
    found
}

/// Where a finding is, in fixture terms.
pub fn place(finding: &Finding) -> Place {
    (finding.location.cell, finding.location.start_line)
}
