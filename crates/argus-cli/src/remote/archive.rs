//! The zip `argus remote` uploads: the directory's files as `argus scan`
//! would see them (ignore files honoured, `.git` left out, hidden files
//! such as `.env` kept because secrets hide there).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use zip::write::SimpleFileOptions;

/// What went into the archive.
pub struct Archive {
    pub file: tempfile::NamedTempFile,
    pub files: u64,
    pub bytes: u64,
}

/// Zips `root` (a directory) into a temporary file; a `.zip` is used as is.
pub fn build(root: &Path) -> Result<Archive> {
    let metadata =
        std::fs::metadata(root).with_context(|| format!("cannot read {}", root.display()))?;
    if metadata.is_file() {
        if root
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
        {
            let file = tempfile::NamedTempFile::new()?;
            std::fs::copy(root, file.path())
                .with_context(|| format!("cannot read {}", root.display()))?;
            return Ok(Archive {
                file,
                files: 1,
                bytes: metadata.len(),
            });
        }
        bail!("{} is a file; give a directory or a .zip", root.display());
    }
    let file = tempfile::NamedTempFile::new().context("cannot create a temporary file")?;
    let mut zip = zip::ZipWriter::new(BufWriter::new(file.reopen()?));
    // Fast compression: the zip goes to a server nearby, where deflate's
    // higher levels cost more time than they save in transfer.
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(false);
    let mut files = 0u64;
    let mut bytes = 0u64;
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|entry| entry.file_name() != ".git")
        .build();
    for entry in walker {
        let entry = entry.context("cannot walk the directory")?;
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let name = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        let options = options.large_file(size >= u64::from(u32::MAX));
        zip.start_file(name.as_str(), options)
            .with_context(|| format!("cannot add {name} to the archive"))?;
        let mut source = File::open(entry.path())
            .with_context(|| format!("cannot read {}", entry.path().display()))?;
        std::io::copy(&mut source, &mut zip)
            .with_context(|| format!("cannot add {name} to the archive"))?;
        files += 1;
        bytes += size;
    }
    if files == 0 {
        bail!("{} has no files to scan", root.display());
    }
    zip.finish()?.flush()?;
    Ok(Archive { file, files, bytes })
}
