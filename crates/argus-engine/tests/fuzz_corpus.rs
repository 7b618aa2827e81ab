//! Replays the `zip_extract` fuzz corpus (and any crash the fuzzer saved
//! under fuzz/artifacts/) through the defensive unzip, as the fuzz target
//! does: CI checks every known input without a nightly toolchain.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use argus_engine::discover::archive::{ArchiveLimits, extract_untrusted};

fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut files = Vec::new();
    for dir in [
        fuzz.join("corpus").join(target),
        fuzz.join("artifacts").join(target),
    ] {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            files.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()));
        }
    }
    files.sort();
    files
}

#[test]
fn zip_extract_corpus() {
    let files = inputs("zip_extract");
    assert!(files.len() >= 20, "the seed corpus is missing: {files:?}");
    let limits = ArchiveLimits {
        max_total_bytes: 1 << 20,
        max_entries: 1000,
        max_ratio: 100,
    };
    let mut outcomes = Vec::new();
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        std::fs::create_dir(&dest).unwrap();
        let outcome = extract_untrusted(Cursor::new(&data), &dest, limits);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out"], "{}: an entry escaped", file.display());
        outcomes.push((
            file.file_name().unwrap().to_string_lossy().into_owned(),
            outcome.is_ok(),
        ));
    }
    // The seeds reach both sides: archives extracted, archives refused.
    assert!(outcomes.iter().any(|(_, ok)| *ok), "{outcomes:?}");
    assert!(outcomes.iter().any(|(_, ok)| !ok), "{outcomes:?}");
}
