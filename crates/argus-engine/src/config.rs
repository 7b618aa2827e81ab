//! `argus.toml`: what to include and exclude, which detectors to turn off,
//! and the limits of a scan. Command-line flags override the file.

use std::path::{Path, PathBuf};

use argus_model::{AnalysisType, Severity};
use serde::Deserialize;

/// The file name looked for at the scan root.
pub const CONFIG_FILE: &str = "argus.toml";

/// Settings of one scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScanConfig {
    /// When non-empty, only files matching one of these globs are scanned.
    pub include: Vec<String>,
    /// Files and directories matching these globs are skipped.
    pub exclude: Vec<String>,
    /// Detector ids (with or without `@vX.Y`) or prefixes ending in `/*`
    /// (`python/*`) that do not run.
    pub disable: Vec<String>,
    pub analysis_type: Option<AnalysisType>,
    /// `argus scan` exits with status 1 when an unsuppressed finding is at
    /// or above this severity.
    pub fail_on_severity: Option<Severity>,
    /// Scan test code too (skipped by default, as the spec says).
    pub include_tests: bool,
    /// Scan vendored and third-party code too.
    pub include_third_party: bool,
    /// Scan generated and minified code too.
    pub include_generated: bool,
    /// Taint analysis also treats local input — command-line arguments,
    /// the environment, files, the terminal — as untrusted (for programs
    /// that run with more privileges than their callers).
    pub local_threats: bool,
    pub limits: Limits,
}

/// Size limits; the defaults are the spec's quotas.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Limits {
    /// Total size of the input (a directory's files or a zip's expansion).
    pub max_input_bytes: u64,
    /// Per-language source quotas.
    pub max_python_bytes: u64,
    pub max_java_bytes: u64,
    /// JavaScript and TypeScript together.
    pub max_javascript_bytes: u64,
    /// Files larger than this are not parsed.
    pub max_file_bytes: u64,
    /// Files larger than this are not scanned for secrets.
    pub max_secrets_file_bytes: u64,
    /// Parsing one file may take this long before it is skipped.
    pub parse_timeout_seconds: u64,
    /// Entries a zip may hold.
    pub max_archive_entries: u64,
    /// Largest expansion ratio of a zip entry (uncompressed / compressed).
    pub max_compression_ratio: u64,
}

const MB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 5 * 1024 * MB,
            max_python_bytes: 50 * MB,
            max_java_bytes: 300 * MB,
            max_javascript_bytes: 300 * MB,
            max_file_bytes: 2 * MB,
            max_secrets_file_bytes: 100 * 1024,
            parse_timeout_seconds: 30,
            max_archive_entries: 200_000,
            max_compression_ratio: 200,
        }
    }
}

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    pub path: PathBuf,
    pub message: String,
}

impl ScanConfig {
    /// Reads `path`.
    pub fn load(path: &Path) -> Result<ScanConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Self::parse(&text).map_err(|message| ConfigError {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses the text of an `argus.toml`. The settings live in a `[scan]`
    /// table so that later sections (server, rules) can sit beside them.
    pub fn parse(text: &str) -> Result<ScanConfig, String> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            scan: ScanConfig,
        }
        let file: File = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        Ok(file.scan)
    }

    /// Whether a detector id is turned off by `disable`.
    pub fn is_disabled(&self, id: &str) -> bool {
        let base = argus_model::unversioned(id);
        self.disable.iter().any(|entry| {
            let entry = entry.trim();
            match entry.strip_suffix("/*") {
                Some(prefix) => base.starts_with(prefix) && base[prefix.len()..].starts_with('/'),
                None => {
                    entry == id || argus_model::unversioned(entry) == base && !entry.contains('@')
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_scan_table() {
        let config = ScanConfig::parse(
            "[scan]\nexclude = [\"build/\"]\ndisable = [\"python/insecure-hashing\", \"go/*\"]\nanalysis-type = \"All\"\n[scan.limits]\nmax-file-bytes = 10\n",
        )
        .unwrap();
        assert_eq!(config.exclude, ["build/"]);
        assert_eq!(config.analysis_type, Some(AnalysisType::All));
        assert_eq!(config.limits.max_file_bytes, 10);
        assert_eq!(config.limits.max_python_bytes, 50 * MB);
        assert!(config.is_disabled("python/insecure-hashing@v1.0"));
        assert!(config.is_disabled("go/insecure-hashing@v1.0"));
        assert!(!config.is_disabled("python/hashlib-constructor@v1.0"));
        assert!(!config.is_disabled("golang/x@v1.0"));
    }

    #[test]
    fn unknown_keys_are_errors_that_name_them() {
        let err = ScanConfig::parse("[scan]\nexclud = []\n").unwrap_err();
        assert!(err.contains("exclud"), "{err}");
    }
}
