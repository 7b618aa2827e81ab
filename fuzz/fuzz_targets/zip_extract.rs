//! The defensive unzip on arbitrary bytes: never a panic, nothing written
//! outside the extraction directory, and never more than the limits allow.
#![no_main]

use std::io::Cursor;

use argus_engine::discover::archive::{ArchiveLimits, extract_untrusted};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let dest = dir.path().join("out");
    std::fs::create_dir(&dest).expect("the extraction directory");
    let limits = ArchiveLimits {
        max_total_bytes: 1 << 20,
        max_entries: 1000,
        max_ratio: 100,
    };
    let _ = extract_untrusted(Cursor::new(data), &dest, limits);
    for entry in std::fs::read_dir(dir.path()).expect("the temporary directory") {
        assert_eq!(
            entry.expect("an entry").file_name(),
            "out",
            "an entry escaped the extraction directory"
        );
    }
});
