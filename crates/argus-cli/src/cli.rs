//! Command-line definitions.

use std::path::PathBuf;

use argus_model::{AnalysisType, Category, Language, Severity};
use argus_report::Format;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// argus — find security vulnerabilities and hardcoded secrets in code.
///
/// Scans Java, Python (and notebooks), JavaScript, TypeScript, C#, Go, Ruby,
/// Terraform and CloudFormation. Findings carry a severity, CWEs, an
/// explanation and, where a safe rewrite exists, a fix as a unified diff.
#[derive(Debug, Parser)]
#[command(
    name = "argus",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan a directory, a file or a zip archive.
    ///
    /// Exit status: 0 when nothing at or above --fail-on-severity was found,
    /// 1 when something was, 2 when the scan could not run.
    Scan(ScanArgs),
    /// List the detectors or show one.
    #[command(subcommand)]
    Detectors(DetectorsCommand),
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// What to scan: a directory, a single file, or a .zip archive.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,

    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// `Security` runs the security detectors and secrets detection; `All`
    /// adds code quality detectors (Info findings).
    #[arg(long, value_enum, value_name = "TYPE")]
    pub analysis_type: Option<AnalysisTypeArg>,

    /// Exit with status 1 when an unsuppressed finding is at or above LEVEL.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on_severity: Option<SeverityArg>,

    /// Skip files and directories matching GLOB (repeatable). A pattern
    /// without `/` matches at any depth; `build/` names a directory.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Turn a detector off (repeatable): an id with or without version, or
    /// a prefix such as `python/*`.
    #[arg(long, value_name = "ID")]
    pub disable: Vec<String>,

    /// Read settings from FILE instead of `<PATH>/argus.toml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Report only findings that are not in this baseline.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings (by fingerprint, with counts) in FILE.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// The name reports give this scan (default: the directory's name).
    #[arg(long, value_name = "NAME")]
    pub scan_name: Option<String>,

    /// Worker threads (default: one per core).
    #[arg(short, long, value_name = "N", default_value_t = 0)]
    pub jobs: usize,

    /// List skipped files, suppressed findings and every warning.
    #[arg(short, long)]
    pub verbose: bool,

    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,

    /// Only look for secrets (tokens, keys, passwords): a fast mode for
    /// pre-commit hooks. Code detectors do not run.
    #[arg(long, conflicts_with = "parse_only")]
    pub secrets_only: bool,

    /// Benchmarking aid: discover and parse every file, run no detectors.
    #[arg(long, hide = true)]
    pub parse_only: bool,
}

#[derive(Debug, Subcommand)]
pub enum DetectorsCommand {
    /// List detectors, optionally filtered.
    List(ListArgs),
    /// Show a detector's documentation: what it finds, why it matters,
    /// non-compliant and compliant code, and how to fix it.
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only detectors for this language (java, python, javascript, ...).
    #[arg(long, value_parser = parse_language)]
    pub language: Option<Language>,
    /// Only detectors of this severity.
    #[arg(long, value_enum)]
    pub severity: Option<SeverityArg>,
    /// Only security or only quality detectors.
    #[arg(long, value_enum)]
    pub category: Option<CategoryArg>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Detector id, with or without version (`python/insecure-hashing`).
    pub id: String,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

fn parse_language(value: &str) -> Result<Language, String> {
    value.parse::<Language>().map_err(|e| e.to_string())
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    Sarif,
    Gitlab,
}

impl From<FormatArg> for Format {
    fn from(value: FormatArg) -> Format {
        match value {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Gitlab => Format::Gitlab,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AnalysisTypeArg {
    #[value(name = "Security", alias = "security")]
    Security,
    #[value(name = "All", alias = "all")]
    All,
}

impl From<AnalysisTypeArg> for AnalysisType {
    fn from(value: AnalysisTypeArg) -> AnalysisType {
        match value {
            AnalysisTypeArg::Security => AnalysisType::Security,
            AnalysisTypeArg::All => AnalysisType::All,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SeverityArg {
    #[value(name = "Critical", alias = "critical")]
    Critical,
    #[value(name = "High", alias = "high")]
    High,
    #[value(name = "Medium", alias = "medium")]
    Medium,
    #[value(name = "Low", alias = "low")]
    Low,
    #[value(name = "Info", alias = "info")]
    Info,
}

impl From<SeverityArg> for Severity {
    fn from(value: SeverityArg) -> Severity {
        match value {
            SeverityArg::Critical => Severity::Critical,
            SeverityArg::High => Severity::High,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Info => Severity::Info,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CategoryArg {
    Security,
    Quality,
}

impl From<CategoryArg> for Category {
    fn from(value: CategoryArg) -> Category {
        match value {
            CategoryArg::Security => Category::Security,
            CategoryArg::Quality => Category::Quality,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Text,
    Markdown,
    Json,
}
