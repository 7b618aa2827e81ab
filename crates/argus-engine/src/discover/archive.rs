//! Defensive unzipping of a code archive (what the service receives).
//!
//! Nothing in an archive is trusted: entries that would land outside the
//! extraction directory, links, device files, encrypted entries and entries
//! that expand absurdly are refused one by one with a reason; an archive
//! whose expansion or entry count exceeds the limits is refused whole.
//! Declared sizes are checked again while bytes are written, because a
//! crafted archive can lie about them.
//!
//! Archives inside the archive are not expanded (each level would multiply
//! the limits), names that differ only in case are one file (so that the
//! result does not depend on the file system the server runs on), and a
//! later entry of an already seen name is refused.
//!
//! Only what a scan can read is written to disk: entries of file types no
//! detector analyses are listed, not extracted (the runner reports them as
//! discovery would), which for a typical repository saves most of the file
//! creations — the slowest part of unpacking.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::{Component, Path, PathBuf};

use argus_model::{SkipReason, SkippedFile};

use super::classify;
use crate::config::CONFIG_FILE;

/// Limits for one archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    pub max_total_bytes: u64,
    pub max_entries: u64,
    /// Uncompressed size / compressed size above which an entry is refused
    /// (only for entries over 1 MiB, so tiny highly-compressible files pass).
    pub max_ratio: u64,
}

/// An archive that cannot be scanned at all.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("not a valid zip archive: {0}")]
    Invalid(String),
    #[error("archive has {count} entries, more than the limit of {limit}")]
    TooManyEntries { count: u64, limit: u64 },
    #[error("archive expands to {size} bytes, more than the limit of {limit}")]
    TooLarge { size: u64, limit: u64 },
    #[error("cannot extract archive: {0}")]
    Io(#[from] io::Error),
}

impl Default for ArchiveLimits {
    /// The defaults of `argus.toml`'s `[limits]`.
    fn default() -> Self {
        let limits = crate::config::Limits::default();
        ArchiveLimits {
            max_total_bytes: limits.max_input_bytes,
            max_entries: limits.max_archive_entries,
            max_ratio: limits.max_compression_ratio,
        }
    }
}

const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;
/// Longest entry name, and longest path component, written to disk (the
/// usual `PATH_MAX` and `NAME_MAX`).
const MAX_NAME_BYTES: usize = 4096;
const MAX_COMPONENT_BYTES: usize = 255;
/// Extensions of archives that may sit inside an uploaded archive.
const NESTED_ARCHIVES: &[&str] = &[
    ".zip", ".jar", ".war", ".ear", ".aar", ".apk", ".whl", ".egg", ".nupkg", ".tar", ".tgz",
    ".tar.gz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".gz", ".bz2", ".xz", ".zst", ".7z", ".rar",
];

/// What extraction did besides writing files.
#[derive(Debug, Default)]
pub struct Extraction {
    /// Entries refused, each with its reason.
    pub refused: Vec<SkippedFile>,
    /// Paths (relative, `/`-separated) of entries of types no scan reads,
    /// left in the archive.
    pub unextracted: Vec<String>,
}

/// Extracts the zip at `archive` into the empty directory `dest`.
pub fn extract(
    archive: &Path,
    dest: &Path,
    limits: ArchiveLimits,
) -> Result<Extraction, ArchiveError> {
    let file = File::open(archive)?;
    extract_untrusted(io::BufReader::new(file), dest, limits)
}

/// Extracts untrusted zip bytes read from `reader` into the empty
/// directory `dest`: the entry point of the service and of the fuzzer.
/// Any input gives an extraction or an error, never a panic, and nothing
/// is written outside `dest`.
pub fn extract_untrusted<R: Read + Seek>(
    reader: R,
    dest: &Path,
    limits: ArchiveLimits,
) -> Result<Extraction, ArchiveError> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| ArchiveError::Invalid(e.to_string()))?;
    let count = zip.len() as u64;
    if count > limits.max_entries {
        return Err(ArchiveError::TooManyEntries {
            count,
            limit: limits.max_entries,
        });
    }
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| ArchiveError::Invalid(e.to_string()))?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > limits.max_total_bytes {
        return Err(ArchiveError::TooLarge {
            size: declared,
            limit: limits.max_total_bytes,
        });
    }

    let mut refused = Vec::new();
    let mut written: u64 = 0;
    let mut created_dirs: HashSet<PathBuf> = HashSet::new();
    let mut seen_names: HashSet<String> = HashSet::new();
    let mut unextracted = Vec::new();
    for i in 0..zip.len() {
        let listed_name = zip
            .name_for_index(i)
            .and_then(Result::ok)
            .map_or_else(|| format!("entry #{i}"), |n| n.into_owned());
        // Reading an encrypted entry fails for want of a password.
        let encrypted = zip.by_index_raw(i).is_ok_and(|raw| raw.encrypted());
        let mut entry = match zip.by_index(i) {
            Ok(entry) => entry,
            Err(e) => {
                let reason = if encrypted {
                    "encrypted entry".to_string()
                } else {
                    format!("cannot read entry: {e}")
                };
                refused.push(refuse(&listed_name, reason));
                continue;
            }
        };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if let Some(reason) = bad_name(entry.name_raw()) {
            refused.push(refuse(&name, reason.into()));
            continue;
        }
        if is_absolute(&name) {
            refused.push(refuse(&name, "absolute path".into()));
            continue;
        }
        let Some(relative) = entry.enclosed_name().filter(|p| is_plain_relative(p)) else {
            refused.push(refuse(&name, "path escapes the archive root".into()));
            continue;
        };
        if entry.is_symlink() {
            refused.push(refuse(&name, "symbolic link".into()));
            continue;
        }
        let target = dest.join(&relative);
        if entry.is_dir() {
            // Directories are created for the files in them; empty ones
            // hold nothing to scan.
            continue;
        }
        if let Some(kind) = special_file(entry.unix_mode()) {
            refused.push(refuse(&name, kind.into()));
            continue;
        }
        let folded = relative.to_string_lossy().to_lowercase();
        if !seen_names.insert(folded) {
            refused.push(refuse(
                &name,
                "duplicate entry (an earlier entry has this name, or one differing only in case)"
                    .into(),
            ));
            continue;
        }
        if is_nested_archive(&name) {
            refused.push(refuse(&name, "nested archive not scanned".into()));
            continue;
        }
        if !read_by_scans(&relative) {
            unextracted.push(relative.to_string_lossy().replace('\\', "/"));
            continue;
        }
        if entry.encrypted() {
            refused.push(refuse(&name, "encrypted entry".into()));
            continue;
        }
        let size = entry.size();
        let compressed = entry.compressed_size().max(1);
        if size > RATIO_FLOOR_BYTES && size / compressed > limits.max_ratio {
            refused.push(refuse(
                &name,
                format!(
                    "compression ratio {}:1 exceeds the limit of {}:1",
                    size / compressed,
                    limits.max_ratio
                ),
            ));
            continue;
        }
        if let Some(parent) = target.parent()
            && !created_dirs.contains(parent)
        {
            fs::create_dir_all(parent)?;
            created_dirs.insert(parent.to_path_buf());
        }
        let mut out = match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
        {
            Ok(out) => out,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                refused.push(refuse(&name, "duplicate entry".into()));
                continue;
            }
            Err(e) => {
                refused.push(refuse(&name, format!("cannot create file: {e}")));
                continue;
            }
        };
        // Never write more than the entry declared, nor past the total cap.
        let allowed = size.min(limits.max_total_bytes.saturating_sub(written));
        let copied = match io::copy(&mut (&mut entry).take(allowed + 1), &mut out) {
            Ok(n) => n,
            Err(e) => {
                drop(out);
                fs::remove_file(&target)?;
                refused.push(refuse(&name, format!("corrupt entry: {e}")));
                continue;
            }
        };
        out.flush()?;
        if copied > allowed {
            drop(out);
            fs::remove_file(&target)?;
            if copied > size {
                refused.push(refuse(
                    &name,
                    "entry expands beyond its declared size".into(),
                ));
                continue;
            }
            return Err(ArchiveError::TooLarge {
                size: written + copied,
                limit: limits.max_total_bytes,
            });
        }
        written += copied;
    }
    Ok(Extraction {
        refused,
        unextracted,
    })
}

/// Whether a scan reads this file: a file type argus analyses, or one that
/// steers discovery (ignore files, the configuration, virtualenv markers).
fn read_by_scans(relative: &Path) -> bool {
    let Some(name) = relative.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    classify::classify(name).is_some()
        || matches!(name, ".gitignore" | ".ignore" | "pyvenv.cfg")
        || name == CONFIG_FILE
}

/// Why an entry name cannot be used, before it is interpreted as a path.
fn bad_name(raw: &[u8]) -> Option<&'static str> {
    if raw.is_empty() {
        return Some("empty name");
    }
    if raw.contains(&0) {
        return Some("name contains a NUL byte");
    }
    if raw.iter().any(|b| *b < 0x20) {
        return Some("name contains control characters");
    }
    if raw.len() > MAX_NAME_BYTES {
        return Some("name longer than 4096 bytes");
    }
    if raw
        .split(|b| *b == b'/' || *b == b'\\')
        .any(|part| part.len() > MAX_COMPONENT_BYTES)
    {
        return Some("a path component is longer than 255 bytes");
    }
    None
}

fn is_nested_archive(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    NESTED_ARCHIVES.iter().any(|ext| lower.ends_with(ext))
}

fn refuse(name: &str, reason: String) -> SkippedFile {
    SkippedFile {
        path: name.to_string(),
        reason: SkipReason::ArchiveEntry { reason },
    }
}

/// `/etc/x`, `\\server\x`, `C:\x`, `C:x`.
fn is_absolute(name: &str) -> bool {
    let bytes = name.as_bytes();
    name.starts_with(['/', '\\'])
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

fn is_plain_relative(path: &Path) -> bool {
    path.components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// The kind of a Unix special file from an entry's mode bits.
fn special_file(mode: Option<u32>) -> Option<&'static str> {
    const S_IFMT: u32 = 0o170000;
    match mode? & S_IFMT {
        0 | 0o100000 => None,
        0o040000 => None,
        0o120000 => Some("symbolic link"),
        0o020000 => Some("character device"),
        0o060000 => Some("block device"),
        0o010000 => Some("named pipe"),
        0o140000 => Some("socket"),
        _ => Some("special file"),
    }
}

/// Whether a file starts like a zip archive.
pub fn looks_like_zip(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| &magic == b"PK\x03\x04" || &magic == b"PK\x05\x06")
}

#[cfg(test)]
mod tests {
    use super::*;
    use zip::write::SimpleFileOptions;

    fn limits() -> ArchiveLimits {
        ArchiveLimits {
            max_total_bytes: 64 * 1024 * 1024,
            max_entries: 100,
            max_ratio: 100,
        }
    }

    fn build(path: &Path, entries: &[(&str, &[u8])]) {
        let mut zip = zip::ZipWriter::new(File::create(path).unwrap());
        for (name, data) in entries {
            zip.start_file(*name, SimpleFileOptions::default()).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
    }

    #[test]
    fn extracts_and_refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("code.zip");
        build(
            &archive,
            &[
                ("src/a.py", b"print(1)\n"),
                ("../evil.py", b"x"),
                ("/abs.py", b"y"),
                ("static/logo.png", b"\x89PNG"),
                ("src/.gitignore", b"build/\n"),
            ],
        );
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        let extraction = extract(&archive, &out, limits()).unwrap();
        // What no scan reads stays in the archive; ignore files come out.
        assert_eq!(extraction.unextracted, ["static/logo.png"]);
        assert!(!out.join("static").exists());
        assert!(out.join("src/.gitignore").exists());
        let refused = extraction.refused;
        assert_eq!(
            fs::read_to_string(out.join("src/a.py")).unwrap(),
            "print(1)\n"
        );
        let reasons: Vec<String> = refused
            .iter()
            .map(|r| format!("{}: {}", r.path, r.reason))
            .collect();
        assert_eq!(
            reasons,
            [
                "../evil.py: archive entry refused: path escapes the archive root",
                "/abs.py: archive entry refused: absolute path"
            ]
        );
        assert!(!dir.path().join("evil.py").exists());
    }

    /// Extracts `bytes` (a zip) and returns the refused entries as
    /// `path: reason`, with the extraction directory.
    fn refusals(bytes: &[u8]) -> (Vec<String>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("code.zip");
        fs::write(&archive, bytes).unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        let extraction = extract(&archive, &out, limits()).unwrap();
        let reasons = extraction
            .refused
            .iter()
            .map(|r| format!("{}: {}", r.path, r.reason))
            .collect();
        (reasons, dir)
    }

    /// A zip built in memory; `options` per entry.
    fn zip_bytes(entries: &[(&str, &[u8], SimpleFileOptions)]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        for (name, data, options) in entries {
            zip.start_file(*name, *options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    /// Replaces every occurrence of `from` by `to` (same length): entry
    /// names live in the local headers and the central directory, and the
    /// zip writer refuses the names a hostile archive carries.
    fn patch(bytes: &mut [u8], from: &[u8], to: &[u8]) {
        assert_eq!(from.len(), to.len());
        let mut found = 0;
        let mut i = 0;
        while i + from.len() <= bytes.len() {
            if &bytes[i..i + from.len()] == from {
                bytes[i..i + from.len()].copy_from_slice(to);
                found += 1;
            }
            i += 1;
        }
        assert!(found > 0, "{from:?} not in the archive");
    }

    /// Sets the general-purpose flags of every header (local and central).
    fn set_flags(bytes: &mut [u8], flags: u16) {
        for i in 0..bytes.len().saturating_sub(4) {
            if &bytes[i..i + 4] == b"PK\x03\x04" {
                bytes[i + 6..i + 8].copy_from_slice(&flags.to_le_bytes());
            } else if &bytes[i..i + 4] == b"PK\x01\x02" {
                bytes[i + 8..i + 10].copy_from_slice(&flags.to_le_bytes());
            }
        }
    }

    #[test]
    fn refuses_links_devices_and_bad_names() {
        let plain = SimpleFileOptions::default();
        let mode = |m: u32| plain.external_attributes(m << 16);
        let mut zip = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        zip.add_symlink("src/passwd.py", "/etc/passwd", plain)
            .unwrap();
        for (name, data, options) in [
            ("src/ok.py", &b"x = 1\n"[..], plain),
            ("dev/tty.py", b"", mode(0o020644)),
            ("dev/disk.py", b"", mode(0o060644)),
            ("dev/fifo.py", b"", mode(0o010644)),
            ("dev/sock.py", b"", mode(0o140644)),
            ("src/linkmode.py", b"/etc/shadow", mode(0o120777)),
            ("lib/inner.zip", b"PK\x05\x06", plain),
            ("lib/app.jar", b"PK\x05\x06", plain),
            ("lib/deps.tar.gz", b"\x1f\x8b", plain),
            ("src/App.py", b"a = 1\n", plain),
            ("src/app.py", b"b = 2\n", plain),
            ("src/nulXname.py", b"n = 1\n", plain),
            ("src/ctrlYname.py", b"n = 1\n", plain),
            ("C:/windows/x.py", b"w = 1\n", plain),
            ("..\\..\\win.py", b"w = 1\n", plain),
            ("src/../../up.py", b"u = 1\n", plain),
        ] {
            zip.start_file(name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        let long = format!("src/{}.py", "l".repeat(300));
        zip.start_file(long.as_str(), plain).unwrap();
        zip.write_all(b"l = 1\n").unwrap();
        let mut bytes = zip.finish().unwrap().into_inner();
        patch(&mut bytes, b"nulXname", b"nul\0name");
        patch(&mut bytes, b"ctrlYname", b"ctrl\x07name");

        let (reasons, dir) = refusals(&bytes);
        let out = dir.path().join("out");
        let expect = |needle: &str| {
            assert!(
                reasons.iter().any(|r| r.contains(needle)),
                "no refusal with {needle:?} in {reasons:#?}"
            )
        };
        expect("src/passwd.py: archive entry refused: symbolic link");
        expect("src/linkmode.py: archive entry refused: symbolic link");
        expect("dev/tty.py: archive entry refused: character device");
        expect("dev/disk.py: archive entry refused: block device");
        expect("dev/fifo.py: archive entry refused: named pipe");
        expect("dev/sock.py: archive entry refused: socket");
        expect("lib/inner.zip: archive entry refused: nested archive not scanned");
        expect("lib/app.jar: archive entry refused: nested archive not scanned");
        expect("lib/deps.tar.gz: archive entry refused: nested archive not scanned");
        expect("src/app.py: archive entry refused: duplicate entry");
        expect("name contains a NUL byte");
        expect("name contains control characters");
        expect("C:/windows/x.py: archive entry refused: absolute path");
        expect("src/../../up.py: archive entry refused: path escapes the archive root");
        expect("a path component is longer than 255 bytes");
        assert!(
            reasons
                .iter()
                .any(|r| r.starts_with("..\\..\\win.py: ") || r.contains("win.py")),
            "{reasons:#?}"
        );
        // The first of two names differing in case wins; nothing escaped
        // or became a link.
        assert_eq!(
            fs::read_to_string(out.join("src/App.py")).unwrap(),
            "a = 1\n"
        );
        assert!(!out.join("src/app.py").exists());
        assert!(out.join("src/ok.py").is_file());
        for entry in walk(&out) {
            let meta = fs::symlink_metadata(&entry).unwrap();
            assert!(meta.is_file() || meta.is_dir(), "{}", entry.display());
        }
        assert!(!dir.path().join("up.py").exists());
        assert!(!dir.path().join("win.py").exists());
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.is_symlink() {
                out.extend(walk(&path));
            }
            out.push(path);
        }
        out
    }

    #[test]
    fn duplicates_encryption_and_lying_sizes() {
        let plain = SimpleFileOptions::default();
        // Two entries of the same name: the writer refuses, so write two
        // names and make them equal.
        let mut bytes = zip_bytes(&[
            ("src/a.py", b"first = 1\n", plain),
            ("src/b.py", b"second = 2\n", plain),
        ]);
        patch(&mut bytes, b"src/b.py", b"src/a.py");
        // The zip reader indexes entries by name and keeps one; either
        // way one file comes out, never two writes to one path.
        let (reasons, dir) = refusals(&bytes);
        assert!(reasons.len() <= 1, "{reasons:?}");
        let kept = fs::read_to_string(dir.path().join("out/src/a.py")).unwrap();
        assert!(kept == "first = 1\n" || kept == "second = 2\n", "{kept}");

        // The encryption flag on an entry argus would read.
        let mut bytes = zip_bytes(&[("src/secret.py", b"k = 1\n", plain)]);
        set_flags(&mut bytes, 1);
        let (reasons, _dir) = refusals(&bytes);
        assert_eq!(
            reasons,
            ["src/secret.py: archive entry refused: encrypted entry"]
        );

        // A central directory that declares fewer bytes than the entry holds.
        let data = b"x = 'lying about my size'\n".repeat(4);
        let mut bytes = zip_bytes(&[(
            "src/lies.py",
            &data[..],
            plain.compression_method(zip::CompressionMethod::Stored),
        )]);
        let real = (data.len() as u32).to_le_bytes();
        patch(&mut bytes, &real, &8u32.to_le_bytes());
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("code.zip");
        fs::write(&archive, &bytes).unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        match extract(&archive, &out, limits()) {
            Ok(extraction) => {
                assert_eq!(extraction.refused.len(), 1, "{:?}", extraction.refused);
                let written = fs::read(out.join("src/lies.py")).unwrap_or_default();
                assert!(written.len() <= 8, "wrote past the declared size");
            }
            Err(ArchiveError::Invalid(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn entry_count_and_total_caps() {
        let plain = SimpleFileOptions::default();
        let names: Vec<String> = (0..101).map(|i| format!("f{i}.py")).collect();
        let entries: Vec<(&str, &[u8], SimpleFileOptions)> = names
            .iter()
            .map(|n| (n.as_str(), &b"x\n"[..], plain))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("many.zip");
        fs::write(&archive, zip_bytes(&entries)).unwrap();
        let err = extract(&archive, dir.path(), limits()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "archive has 101 entries, more than the limit of 100"
        );
        // Many small entries that together pass the total cap.
        let total = ArchiveLimits {
            max_total_bytes: 100,
            ..limits()
        };
        let entries: Vec<(&str, &[u8], SimpleFileOptions)> = names[..20]
            .iter()
            .map(|n| (n.as_str(), &b"0123456789"[..], plain))
            .collect();
        fs::write(&archive, zip_bytes(&entries)).unwrap();
        let err = extract(&archive, dir.path(), total).unwrap_err();
        assert!(
            err.to_string().contains("more than the limit of 100"),
            "{err}"
        );
    }

    #[test]
    fn not_a_zip_at_all() {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [
            ("empty.zip", &b""[..]),
            ("text.zip", b"just some text"),
            ("png.zip", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            ("truncated.zip", b"PK\x03\x04\x14\0\0\0"),
        ] {
            let archive = dir.path().join(name);
            fs::write(&archive, bytes).unwrap();
            let err = extract(&archive, dir.path(), limits()).unwrap_err();
            assert!(
                err.to_string().starts_with("not a valid zip archive"),
                "{name}: {err}"
            );
        }
    }

    #[test]
    fn refuses_bombs_and_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let bomb = dir.path().join("bomb.zip");
        let zeros = vec![0u8; 8 * 1024 * 1024];
        let mut zip = zip::ZipWriter::new(File::create(&bomb).unwrap());
        zip.start_file(
            "zeros.py",
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        zip.write_all(&zeros).unwrap();
        zip.finish().unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        let refused = extract(&bomb, &out, limits()).unwrap().refused;
        assert!(
            refused[0].reason.to_string().contains("compression ratio"),
            "{refused:?}"
        );

        let small = ArchiveLimits {
            max_total_bytes: 1024,
            ..limits()
        };
        let err = extract(&bomb, &out, small).unwrap_err();
        assert!(matches!(err, ArchiveError::TooLarge { .. }));

        let garbage = dir.path().join("garbage.zip");
        fs::write(&garbage, b"PK\x03\x04 definitely not a zip").unwrap();
        assert!(matches!(
            extract(&garbage, &out, limits()),
            Err(ArchiveError::Invalid(_))
        ));
    }
}
