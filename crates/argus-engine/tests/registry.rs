//! The registry's own consistency: unique, well-formed ids; complete
//! metadata; possible severity cells; documentation in the fixed sections;
//! node kinds that exist in the grammars.

use argus_engine::detectors::{Check, registry};
use argus_engine::severity::severity;
use argus_model::cwe_url;

#[test]
fn every_detector_is_well_formed() {
    let id_pattern = regex::Regex::new(r"^[a-z]+/[a-z0-9]+(-[a-z0-9]+)*@v[0-9]+\.[0-9]+$").unwrap();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for detector in registry().all() {
        let id = detector.id;
        let spec = detector.spec;
        let info = &detector.info;
        if !seen.insert(id) {
            problems.push(format!("{id}: duplicate id"));
        }
        if !id_pattern.is_match(id) {
            problems.push(format!(
                "{id}: id is not `<language>/<kebab-name>@v<major>.<minor>`"
            ));
        }
        let namespace = id.split('/').next().unwrap_or_default();
        match detector.language {
            Some(language) if language.id() != namespace => problems.push(format!(
                "{id}: id namespace is not the language '{}'",
                language.id()
            )),
            None if !["secrets", "argus"].contains(&namespace) => problems.push(format!(
                "{id}: a detector for every file must live under secrets/ or argus/"
            )),
            _ => {}
        }
        if spec.ids.len() != spec.languages.len().max(1) {
            problems.push(format!(
                "{id}: {} ids for {} languages",
                spec.ids.len(),
                spec.languages.len()
            ));
        }
        if severity(spec.access, spec.effort).is_none() {
            problems.push(format!(
                "{id}: ({:?}, {:?}) is a cell the severity matrix marks N/A",
                spec.access, spec.effort
            ));
        }
        for (what, value) in [("name", spec.name), ("remediation", spec.remediation)] {
            if value.trim().is_empty() {
                problems.push(format!("{id}: empty {what}"));
            }
        }
        if spec.cwes.is_empty() {
            problems.push(format!("{id}: no CWE"));
        } else if !info.doc.reference_urls().contains(&cwe_url(spec.cwes[0])) {
            problems.push(format!(
                "{id}: references do not link its first CWE ({})",
                cwe_url(spec.cwes[0])
            ));
        }
        if spec.tags.is_empty() {
            problems.push(format!("{id}: no tags"));
        }
        let doc = &info.doc;
        for (section, body) in [
            ("What it does", &doc.what_it_does),
            ("Why is this bad?", &doc.why_bad),
            ("Example", &doc.example),
            ("Use instead", &doc.use_instead),
        ] {
            if body.trim().is_empty() {
                problems.push(format!("{id}: doc section '{section}' is missing"));
            }
        }
        if doc.example == doc.use_instead {
            problems.push(format!("{id}: 'Example' and 'Use instead' are the same"));
        }
        if let Check::Node { kinds, .. } = spec.check
            && kinds.is_empty()
        {
            problems.push(format!("{id}: node check without node kinds"));
        }
    }
    problems.extend(registry().unknown_node_kinds());
    assert!(
        problems.is_empty(),
        "registry problems:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn there_is_a_detector_for_every_language() {
    for language in argus_model::Language::ALL {
        assert!(
            registry()
                .all()
                .iter()
                .any(|d| d.language == Some(language)),
            "no detector for {language}"
        );
    }
}
