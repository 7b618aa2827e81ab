//! Defensive unzipping of a code archive (what the service receives).
//!
//! Nothing in an archive is trusted: entries that would land outside the
//! extraction directory, links, device files, encrypted entries and entries
//! that expand absurdly are refused one by one with a reason; an archive
//! whose expansion or entry count exceeds the limits is refused whole.
//! Declared sizes are checked again while bytes are written, because a
//! crafted archive can lie about them.
//!
//! Only what a scan can read is written to disk: entries of file types no
//! detector analyses are listed, not extracted (the runner reports them as
//! discovery would), which for a typical repository saves most of the file
//! creations — the slowest part of unpacking.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

use argus_model::{SkipReason, SkippedFile};

use super::classify;
use crate::config::CONFIG_FILE;

/// Limits for one archive.
#[derive(Debug, Clone, Copy)]
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

const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;

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
    let mut zip = zip::ZipArchive::new(io::BufReader::new(file))
        .map_err(|e| ArchiveError::Invalid(e.to_string()))?;
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
    let mut unextracted = Vec::new();
    for i in 0..zip.len() {
        let listed_name = zip
            .name_for_index(i)
            .and_then(Result::ok)
            .map_or_else(|| format!("entry #{i}"), |n| n.into_owned());
        let mut entry = match zip.by_index(i) {
            Ok(entry) => entry,
            Err(e) => {
                refused.push(refuse(&listed_name, format!("cannot read entry: {e}")));
                continue;
            }
        };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
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
