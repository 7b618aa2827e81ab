//! `argus.toml`: what to include and exclude, which detectors to turn off,
//! and the limits of a scan. Command-line flags override the file.

use std::path::{Path, PathBuf};

use argus_model::{AnalysisType, Severity};
use serde::Deserialize;

use crate::dataflow::rules::RuleFile;

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
    /// Taint rules of the user: the `[rules]` table, then rule packs, each
    /// with where it came from (for errors).
    #[serde(skip)]
    pub rules: Vec<(String, RuleFile)>,
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
    /// Analysing one file (parsing, detectors, dataflow) may take this long
    /// before it is skipped.
    pub file_timeout_seconds: u64,
    /// Syntax trees nested deeper than this are not analysed: the walks of
    /// detectors and dataflow recurse along the tree.
    pub max_syntax_depth: u64,
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
            file_timeout_seconds: 60,
            max_syntax_depth: 1000,
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
    /// Reads `path` and the rule packs it names (relative to its directory).
    pub fn load(path: &Path) -> Result<ScanConfig, ConfigError> {
        let error = |message: String| ConfigError {
            path: path.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
        let (mut config, packs) = Self::parse_with_packs(&text).map_err(error)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        if let Some((origin, _)) = config.rules.first_mut() {
            *origin = format!("{} [rules]", path.display());
        }
        for pack in packs {
            // An uploaded project's argus.toml must not make the service
            // read files outside the project (errors quote what they read).
            let inside = Path::new(&pack)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !inside {
                return Err(error(format!(
                    "rules.packs: `{pack}` must be a relative path inside the directory of this file; pass other packs with --rules"
                )));
            }
            config.add_rule_pack(&dir.join(pack))?;
        }
        Ok(config)
    }

    /// Parses the text of an `argus.toml`. The settings live in a `[scan]`
    /// table; taint rules in `[rules]`. Rule packs are only read by
    /// [`ScanConfig::load`], which knows where the file is.
    pub fn parse(text: &str) -> Result<ScanConfig, String> {
        let (config, packs) = Self::parse_with_packs(text)?;
        match packs.is_empty() {
            true => Ok(config),
            false => Err("rules.packs: rule packs are read only from a configuration file".into()),
        }
    }

    fn parse_with_packs(text: &str) -> Result<(ScanConfig, Vec<String>), String> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            scan: ScanConfig,
            #[serde(default)]
            rules: RuleFile,
        }
        let file: File = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        let mut config = file.scan;
        let mut rules = file.rules;
        let packs = std::mem::take(&mut rules.packs);
        if rules != RuleFile::default() {
            config.rules.push(("argus.toml [rules]".into(), rules));
        }
        Ok((config, packs))
    }

    /// Adds a rule pack: a TOML file of `[[source]]`, `[[sink]]`,
    /// `[[sanitizer]]` and `[[propagator]]` tables.
    pub fn add_rule_pack(&mut self, path: &Path) -> Result<(), ConfigError> {
        let error = |message: String| ConfigError {
            path: path.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
        let pack: RuleFile =
            toml::from_str(&text).map_err(|e| error(e.to_string().trim_end().to_string()))?;
        if !pack.packs.is_empty() {
            return Err(error(
                "packs: a rule pack cannot name other packs; list them all in argus.toml".into(),
            ));
        }
        self.rules.push((path.display().to_string(), pack));
        Ok(())
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
    fn rules_and_packs_are_read_with_their_origin() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("rules")).unwrap();
        std::fs::write(
            dir.path().join("rules/db.toml"),
            "[[sink]]\ndetector = \"python/sql-injection\"\ncallee = \"app.db.run\"\n",
        )
        .unwrap();
        let config_path = dir.path().join(CONFIG_FILE);
        std::fs::write(
            &config_path,
            "[rules]\npacks = [\"rules/db.toml\"]\n[[rules.source]]\ncallee = \"app.web.param\"\n",
        )
        .unwrap();
        let config = ScanConfig::load(&config_path).unwrap();
        assert_eq!(config.rules.len(), 2);
        assert!(config.rules[0].0.ends_with("argus.toml [rules]"));
        assert_eq!(config.rules[0].1.source[0].callee, "app.web.param");
        assert!(config.rules[1].0.ends_with("db.toml"));
        assert_eq!(config.rules[1].1.sink[0].callee, "app.db.run");

        for escaping in ["../db.toml", "/etc/passwd"] {
            std::fs::write(&config_path, format!("[rules]\npacks = [\"{escaping}\"]\n")).unwrap();
            let err = ScanConfig::load(&config_path).unwrap_err().to_string();
            assert!(err.contains("must be a relative path inside"), "{err}");
        }
        let err = ScanConfig::parse("[rules]\npacks = [\"x.toml\"]\n").unwrap_err();
        assert!(err.contains("rules.packs"), "{err}");
    }

    #[test]
    fn unknown_keys_are_errors_that_name_them() {
        let err = ScanConfig::parse("[scan]\nexclud = []\n").unwrap_err();
        assert!(err.contains("exclud"), "{err}");
    }
}
