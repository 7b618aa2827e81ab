//! Discovery: which files of a tree are analysed, and why the others are not.
//!
//! The walk honours `.gitignore`/`.ignore` files, `argus.toml` include and
//! exclude globs, skips test code, third-party code and generated code as
//! the spec requires, and enforces the spec's size quotas. Every file it does
//! not pass on is reported with a [`SkipReason`]; whole directories that are
//! pruned (`node_modules/`) are reported once, with a trailing `/`.

pub mod archive;
pub mod classify;
pub mod content;
mod globs;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use argus_model::{Language, SkipReason, SkippedFile};
use ignore::WalkBuilder;

pub use classify::FileKind;
pub use globs::PatternSet;

use crate::config::ScanConfig;

/// A file that will be analysed.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Relative to the scan root, `/`-separated.
    pub path: String,
    pub abs: PathBuf,
    pub kind: FileKind,
    pub size: u64,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Sorted by path.
    pub files: Vec<Candidate>,
    pub skipped: Vec<SkippedFile>,
}

/// The filters of one scan, compiled once.
struct Filters {
    include: Option<PatternSet>,
    exclude: PatternSet,
    include_tests: bool,
    include_third_party: bool,
    include_generated: bool,
}

impl Filters {
    fn new(config: &ScanConfig, extra_excludes: &[String]) -> Result<Filters, String> {
        let mut excludes = config.exclude.clone();
        excludes.extend(extra_excludes.iter().cloned());
        Ok(Filters {
            include: if config.include.is_empty() {
                None
            } else {
                Some(PatternSet::new(&config.include)?)
            },
            exclude: PatternSet::new(&excludes)?,
            include_tests: config.include_tests,
            include_third_party: config.include_third_party,
            include_generated: config.include_generated,
        })
    }

    /// Why a directory is pruned, if it is.
    fn skip_dir(&self, rel: &str, name: &str, abs: &Path) -> Option<SkipReason> {
        if let Some(pattern) = self.exclude.first_match(rel) {
            return Some(SkipReason::Excluded {
                pattern: pattern.to_string(),
            });
        }
        if !self.include_third_party
            && let Some(marker) = classify::third_party_dir(name, abs.join("pyvenv.cfg").is_file())
        {
            return Some(SkipReason::ThirdParty { marker });
        }
        if !self.include_tests && classify::is_test_dir(name) {
            return Some(SkipReason::TestCode);
        }
        None
    }

    /// Why a file is skipped on its name alone, if it is.
    fn skip_file(&self, rel: &str, name: &str, kind: FileKind) -> Option<SkipReason> {
        if let Some(pattern) = self.exclude.first_match(rel) {
            return Some(SkipReason::Excluded {
                pattern: pattern.to_string(),
            });
        }
        if let Some(include) = &self.include
            && include.first_match(rel).is_none()
        {
            return Some(SkipReason::NotIncluded);
        }
        if !self.include_tests && classify::is_test_file(name, kind) {
            return Some(SkipReason::TestCode);
        }
        if !self.include_generated {
            if let Some(why) = classify::generated_by_name(name) {
                return Some(SkipReason::Generated {
                    marker: why.to_string(),
                });
            }
            if classify::minified_by_name(name) {
                return Some(SkipReason::Minified);
            }
        }
        None
    }
}

/// A scan root that cannot be walked.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("invalid glob: {0}")]
    Glob(String),
}

/// Walks `root` and decides, for every file, whether it is analysed.
pub fn discover(
    root: &Path,
    config: &ScanConfig,
    extra_excludes: &[String],
) -> Result<Discovery, DiscoverError> {
    let filters = Arc::new(Filters::new(config, extra_excludes).map_err(DiscoverError::Glob)?);
    let pruned = Arc::new(Mutex::new(Vec::new()));
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .ignore(true)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b));
    {
        let filters = Arc::clone(&filters);
        let pruned = Arc::clone(&pruned);
        let root = root.to_path_buf();
        builder.filter_entry(move |entry| {
            if entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            if classify::is_metadata_dir(&name) {
                return false;
            }
            let rel = relative(&root, entry.path());
            match filters.skip_dir(&rel, &name, entry.path()) {
                Some(reason) => {
                    pruned
                        .lock()
                        .expect("walk does not panic")
                        .push(SkippedFile {
                            path: format!("{rel}/"),
                            reason,
                        });
                    false
                }
                None => true,
            }
        });
    }

    let mut discovery = Discovery::default();
    for result in builder.build() {
        let entry = match result {
            Ok(entry) => entry,
            Err(err) => {
                let path = err_path(&err)
                    .map(|p| relative(root, &p))
                    .unwrap_or_default();
                discovery.skipped.push(SkippedFile {
                    path,
                    reason: SkipReason::Unreadable {
                        error: err.to_string(),
                    },
                });
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let rel = relative(root, entry.path());
        let name = entry.file_name().to_string_lossy();
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        consider(
            &mut discovery,
            &filters,
            config,
            rel,
            &name,
            entry.path(),
            size,
        );
    }
    discovery.skipped.extend(std::mem::take(
        &mut *pruned.lock().expect("walk does not panic"),
    ));
    apply_quotas(&mut discovery, config);
    Ok(discovery)
}

/// Discovery of one file named on the command line: it is analysed whatever
/// its name says (test, generated), as long as argus knows its type.
pub fn single_file(root: &Path, file: &Path, config: &ScanConfig) -> Discovery {
    let rel = relative(root, file);
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let mut discovery = Discovery::default();
    match classify::classify(&name) {
        Some(kind) => push_sized(&mut discovery, config, rel, file, kind, size),
        None => discovery.skipped.push(SkippedFile {
            path: rel,
            reason: SkipReason::Unsupported,
        }),
    }
    discovery
}

fn consider(
    discovery: &mut Discovery,
    filters: &Filters,
    config: &ScanConfig,
    rel: String,
    name: &str,
    abs: &Path,
    size: u64,
) {
    let Some(kind) = classify::classify(name) else {
        discovery.skipped.push(SkippedFile {
            path: rel,
            reason: SkipReason::Unsupported,
        });
        return;
    };
    if let Some(reason) = filters.skip_file(&rel, name, kind) {
        discovery.skipped.push(SkippedFile { path: rel, reason });
        return;
    }
    push_sized(discovery, config, rel, abs, kind, size);
}

fn push_sized(
    discovery: &mut Discovery,
    config: &ScanConfig,
    rel: String,
    abs: &Path,
    kind: FileKind,
    size: u64,
) {
    let limit = match kind {
        FileKind::Text => config.limits.max_secrets_file_bytes,
        _ => config.limits.max_file_bytes,
    };
    if size > limit {
        discovery.skipped.push(SkippedFile {
            path: rel,
            reason: SkipReason::TooLarge { size, limit },
        });
        return;
    }
    discovery.files.push(Candidate {
        path: rel,
        abs: abs.to_path_buf(),
        kind,
        size,
    });
}

/// The spec's per-language quotas and the input cap, applied in path order
/// so that the same tree always yields the same files.
fn apply_quotas(discovery: &mut Discovery, config: &ScanConfig) {
    discovery.files.sort_by(|a, b| a.path.cmp(&b.path));
    let limits = &config.limits;
    let quota = |language: Language| match language {
        Language::Python => Some(limits.max_python_bytes),
        Language::Java => Some(limits.max_java_bytes),
        Language::JavaScript | Language::TypeScript => Some(limits.max_javascript_bytes),
        _ => None,
    };
    let mut used: HashMap<&'static str, u64> = HashMap::new();
    let mut total: u64 = 0;
    let mut kept = Vec::with_capacity(discovery.files.len());
    for file in std::mem::take(&mut discovery.files) {
        if total + file.size > limits.max_input_bytes {
            discovery.skipped.push(SkippedFile {
                path: file.path,
                reason: SkipReason::QuotaExceeded {
                    language: "input".into(),
                    limit: limits.max_input_bytes,
                },
            });
            continue;
        }
        if let Some(language) = file.kind.quota_language()
            && let Some(limit) = quota(language)
        {
            let key = match language {
                Language::TypeScript => Language::JavaScript.display_name(),
                other => other.display_name(),
            };
            let counter = used.entry(key).or_default();
            if *counter + file.size > limit {
                discovery.skipped.push(SkippedFile {
                    path: file.path,
                    reason: SkipReason::QuotaExceeded {
                        language: key.to_string(),
                        limit,
                    },
                });
                continue;
            }
            *counter += file.size;
        }
        total += file.size;
        kept.push(file);
    }
    discovery.files = kept;
    discovery.skipped.sort_by(|a, b| a.path.cmp(&b.path));
}

/// `path` relative to `root`, `/`-separated.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for (i, part) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&part.as_os_str().to_string_lossy());
    }
    out
}

fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, content) in files {
            let p = dir.path().join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, content).unwrap();
        }
        dir
    }

    fn reasons(d: &Discovery) -> Vec<(String, &'static str)> {
        d.skipped
            .iter()
            .map(|s| (s.path.clone(), s.reason.key()))
            .collect()
    }

    #[test]
    fn skips_what_the_spec_says_and_says_why() {
        let dir = tree(&[
            ("app/views.py", "x = 1\n"),
            ("app/test_views.py", "x = 1\n"),
            ("tests/helpers.py", "x = 1\n"),
            ("node_modules/left-pad/index.js", "x\n"),
            ("env/pyvenv.cfg", "home = /usr\n"),
            ("env/lib/site.py", "x\n"),
            ("static/app.min.js", "x\n"),
            ("api/service_pb2.py", "x\n"),
            ("build/out.py", "x\n"),
            ("ignored.py", "x\n"),
            (".gitignore", "ignored.py\n"),
            ("README.rst", "hello\n"),
            ("logo.png", "\u{0}"),
            (".env", "A=1\n"),
        ]);
        let config = ScanConfig {
            exclude: vec!["build/".into()],
            ..ScanConfig::default()
        };
        let d = discover(dir.path(), &config, &[]).unwrap();
        let files: Vec<&str> = d.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(files, [".env", "README.rst", "app/views.py"]);
        assert_eq!(
            reasons(&d),
            [
                (".gitignore".into(), "unsupported"),
                ("api/service_pb2.py".into(), "generated"),
                ("app/test_views.py".into(), "test-code"),
                ("build/".into(), "excluded"),
                ("env/".into(), "third-party"),
                ("logo.png".into(), "unsupported"),
                ("node_modules/".into(), "third-party"),
                ("static/app.min.js".into(), "minified"),
                ("tests/".into(), "test-code"),
            ]
        );
    }

    #[test]
    fn quotas_keep_the_first_files_in_path_order() {
        let dir = tree(&[
            ("a.py", "x = 1\n"),
            ("b.py", "y = 2\n"),
            ("c.java", "class C {}\n"),
        ]);
        let mut config = ScanConfig::default();
        config.limits.max_python_bytes = 8;
        let d = discover(dir.path(), &config, &[]).unwrap();
        let files: Vec<&str> = d.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(files, ["a.py", "c.java"]);
        assert_eq!(reasons(&d), [("b.py".into(), "quota-exceeded")]);
    }

    #[test]
    fn include_globs_and_opt_ins() {
        let dir = tree(&[
            ("src/a.py", "x\n"),
            ("scripts/b.py", "x\n"),
            ("tests/t.py", "x\n"),
        ]);
        let config = ScanConfig {
            include: vec!["src/**".into(), "tests/".into()],
            include_tests: true,
            ..ScanConfig::default()
        };
        let d = discover(dir.path(), &config, &[]).unwrap();
        let files: Vec<&str> = d.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(files, ["src/a.py", "tests/t.py"]);
        assert_eq!(reasons(&d), [("scripts/b.py".into(), "not-included")]);
    }
}
