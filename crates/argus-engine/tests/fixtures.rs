//! Runs every annotated fixture under `tests/fixtures` and reports, by
//! file:line, each expected finding that is missing and each finding that
//! no annotation expects. Also checks that every detector has fixtures with
//! true positives and with look-alikes that must not fire.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use argus_engine::detectors::{Check, registry};
use common::{Place, analyze, expectations, fixture_files, place, relative};

fn describe(file: &str, place: Place) -> String {
    match place {
        (Some(cell), line) => format!("{file} [cell {}]:{line}", cell + 1),
        (None, line) => format!("{file}:{line}"),
    }
}

#[test]
fn every_fixture_matches_its_annotations() {
    let mut problems = Vec::new();
    let mut positives: BTreeSet<String> = BTreeSet::new();
    let mut negatives: BTreeSet<String> = BTreeSet::new();
    let files = fixture_files();
    assert!(!files.is_empty(), "no fixtures found");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = relative(&path);
        let expected = expectations(&path, &text);
        let report = analyze(&path, &text);
        let mut actual: BTreeMap<Place, Vec<String>> = BTreeMap::new();
        for finding in report.findings.iter().filter(|f| f.suppression.is_none()) {
            actual
                .entry(place(finding))
                .or_default()
                .push(argus_model::unversioned(&finding.detector_id).to_string());
        }
        for (place, ids) in &expected.ruleid {
            for id in ids {
                positives.insert(id.clone());
                let want = ids.iter().filter(|i| *i == id).count();
                let got = actual
                    .get(place)
                    .map_or(0, |a| a.iter().filter(|i| *i == id).count());
                if got < want {
                    problems.push(format!("{}: missing {id}", describe(&file, *place)));
                }
            }
        }
        for (place, ids) in &expected.ok {
            for id in ids {
                negatives.insert(id.clone());
                if actual.get(place).is_some_and(|a| a.contains(id)) {
                    problems.push(format!(
                        "{}: {id} fired on an `ok` line",
                        describe(&file, *place)
                    ));
                }
            }
        }
        for (place, ids) in &actual {
            for id in ids {
                let want = expected
                    .ruleid
                    .get(place)
                    .map_or(0, |e| e.iter().filter(|i| *i == id).count());
                let got = ids.iter().filter(|i| *i == id).count();
                if got > want && !expected.ok.get(place).is_some_and(|o| o.contains(id)) {
                    let message = report
                        .findings
                        .iter()
                        .find(|f| {
                            common::place(f) == *place
                                && argus_model::unversioned(&f.detector_id) == id
                        })
                        .map(|f| f.message.clone())
                        .unwrap_or_default();
                    problems.push(format!(
                        "{}: unexpected {id}: {message}",
                        describe(&file, *place)
                    ));
                }
            }
        }
    }
    for detector in registry().all() {
        let id = argus_model::unversioned(detector.id).to_string();
        if !positives.contains(&id) {
            problems.push(format!("{id}: no fixture line marked `ruleid`"));
        }
        if !negatives.contains(&id) && !matches!(detector.spec.check, Check::Engine) {
            problems.push(format!("{id}: no look-alike marked `ok`"));
        }
    }
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "fixture problems:\n  {}",
        problems.join("\n  ")
    );
}
