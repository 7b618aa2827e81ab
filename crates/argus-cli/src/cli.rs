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
    args_override_self = true,
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
    /// Run the scan service: the CodeGuru Security API for the AWS CLI,
    /// the SDKs and `argus remote`.
    ///
    /// With no settings it keeps everything in a data directory (SQLite and
    /// uploaded code), listens on 127.0.0.1:8080 and, on first start,
    /// creates and prints a root access key (saved owner-only in
    /// DATA_DIR/root-credentials). Flags override environment variables,
    /// which override the [server] table of --config.
    ///
    /// Example:
    ///   ARGUS_ROOT_ACCESS_KEY_ID=AKIDEXAMPLE ARGUS_ROOT_SECRET_ACCESS_KEY=... \
    ///     argus serve --listen 127.0.0.1:8080 --data-dir ./data
    ///   aws codeguru-security list-scans --endpoint-url http://127.0.0.1:8080
    #[command(verbatim_doc_comment)]
    Serve(Box<ServeArgs>),
    /// Manage the service: accounts, principals, access keys, temporary
    /// credentials, identity policies, encryption keys, the audit log and
    /// event targets. Works on the service's database directly.
    Admin(Box<crate::admin::AdminArgs>),
    /// Scan code with an `argus serve` service.
    #[command(subcommand)]
    Remote(RemoteCommand),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "ARGUS_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<std::net::SocketAddr>,

    /// Where the SQLite database, uploaded code and generated credentials
    /// live [default: $XDG_DATA_HOME/argus or ~/.local/share/argus].
    #[arg(long, env = "ARGUS_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Database: sqlite://FILE or postgres://USER@HOST/DB [default: SQLite
    /// in the data directory].
    #[arg(long, env = "ARGUS_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,

    /// Keep uploaded code in this S3 bucket instead of the data directory
    /// (credentials from ARGUS_S3_ACCESS_KEY_ID / ARGUS_S3_SECRET_ACCESS_KEY).
    #[arg(long, env = "ARGUS_S3_BUCKET", value_name = "BUCKET")]
    pub s3_bucket: Option<String>,

    /// Endpoint of an S3-compatible store [default: AWS S3].
    #[arg(
        long,
        env = "ARGUS_S3_ENDPOINT",
        value_name = "URL",
        requires = "s3_bucket"
    )]
    pub s3_endpoint: Option<String>,

    /// Region of the bucket [default: --region].
    #[arg(
        long,
        env = "ARGUS_S3_REGION",
        value_name = "REGION",
        requires = "s3_bucket"
    )]
    pub s3_region: Option<String>,

    #[arg(
        long,
        env = "ARGUS_S3_ACCESS_KEY_ID",
        hide = true,
        hide_env_values = true
    )]
    pub s3_access_key_id: Option<String>,

    #[arg(
        long,
        env = "ARGUS_S3_SECRET_ACCESS_KEY",
        hide = true,
        hide_env_values = true
    )]
    pub s3_secret_access_key: Option<String>,

    /// The region clients sign requests for [default: us-east-1].
    #[arg(long, env = "ARGUS_REGION", value_name = "REGION")]
    pub region: Option<String>,

    /// The account (12 digits) of the root key [default: generated once].
    #[arg(long, env = "ARGUS_ACCOUNT_ID", value_name = "ID")]
    pub account_id: Option<String>,

    /// Root access key id to install instead of generating one.
    #[arg(
        long,
        env = "ARGUS_ROOT_ACCESS_KEY_ID",
        hide = true,
        hide_env_values = true
    )]
    pub root_access_key_id: Option<String>,

    /// Its secret (environment only: never put secrets on a command line).
    #[arg(
        long,
        env = "ARGUS_ROOT_SECRET_ACCESS_KEY",
        hide = true,
        hide_env_values = true
    )]
    pub root_secret_access_key: Option<String>,

    /// The URL clients reach this server at; upload URLs point there
    /// [default: http://LISTEN].
    #[arg(long, env = "ARGUS_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// Scans run at once on this node; 0 serves the API only
    /// [default: cores, at most 4].
    #[arg(long, env = "ARGUS_WORKERS", value_name = "N")]
    pub workers: Option<usize>,

    /// Requests per second per account and operation; 0 for no limit
    /// [default: 10].
    #[arg(long, env = "ARGUS_REQUESTS_PER_SECOND", value_name = "N")]
    pub requests_per_second: Option<f64>,

    /// The same for CreateUploadUrl and CreateScan [default: 2].
    #[arg(long, env = "ARGUS_CREATE_REQUESTS_PER_SECOND", value_name = "N")]
    pub create_requests_per_second: Option<f64>,

    /// Largest upload accepted, in bytes [default: 5 GiB].
    #[arg(long, env = "ARGUS_MAX_UPLOAD_BYTES", value_name = "BYTES")]
    pub max_upload_bytes: Option<u64>,

    // -- encryption at rest --
    /// The master key (64 hex digits) that wraps the encryption keys in the
    /// database; created owner-only on first start. Every node of one
    /// database needs the same file; keep a backup: without it the data
    /// cannot be read [default: DATA_DIR/master.key].
    #[arg(long, env = "ARGUS_MASTER_KEY_FILE", value_name = "FILE")]
    pub master_key_file: Option<PathBuf>,

    // -- audit log, events and metrics --
    /// Append the audit log (one CloudTrail-shaped JSON record per request)
    /// to this file; each node writes its own
    /// [default: DATA_DIR/audit/argus-audit.jsonl].
    #[arg(long, env = "ARGUS_AUDIT_LOG", value_name = "FILE")]
    pub audit_log: Option<PathBuf>,

    /// Serve Prometheus metrics at http://ADDR/metrics. Unauthenticated:
    /// bind it to loopback or a private network [default: off].
    #[arg(long, env = "ARGUS_METRICS_LISTEN", value_name = "ADDR:PORT")]
    pub metrics_listen: Option<std::net::SocketAddr>,

    /// Testing aid: the first pause before an event delivery is retried.
    #[arg(long, hide = true)]
    pub debug_event_retry_ms: Option<u64>,

    // -- TLS and retention --
    /// Serve the API over TLS (1.2 and 1.3 only) with this certificate
    /// chain (PEM); clients then use https:// (the AWS CLI and `argus
    /// remote` take --ca-bundle for a private CA).
    #[arg(long, env = "ARGUS_TLS_CERT", value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,

    /// The certificate's private key (PEM).
    #[arg(long, env = "ARGUS_TLS_KEY", value_name = "FILE")]
    pub tls_key: Option<PathBuf>,

    /// Delete uploaded code this many days after it was uploaded; scans
    /// and findings stay [default: 10].
    #[arg(long, env = "ARGUS_CODE_RETENTION_DAYS", value_name = "DAYS")]
    pub code_retention_days: Option<f64>,

    /// Read settings from the [server] table of this TOML file.
    #[arg(long, env = "ARGUS_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Log as JSON lines (level and filters from ARGUS_LOG, e.g. `debug`).
    #[arg(long)]
    pub log_format_json: bool,

    /// Testing aid: wait this long before each scan.
    #[arg(long, hide = true)]
    pub debug_scan_delay_ms: Option<u64>,

    /// Testing aid: how long a worker's claim on a job lasts.
    #[arg(long, hide = true)]
    pub debug_job_lease_seconds: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum RemoteCommand {
    /// Zip a directory, upload it, scan it under NAME and wait for the
    /// findings; report them as `argus scan` does.
    ///
    /// Credentials and region come from the usual AWS settings
    /// (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION, or
    /// AWS_PROFILE and ~/.aws). Exit status: 0 when nothing at or above
    /// --fail-on-severity is open, 1 when something is, 2 on errors.
    Scan(RemoteScanArgs),
}

#[derive(Debug, Args)]
pub struct RemoteScanArgs {
    /// The scan name: findings are tracked across runs with the same name.
    pub scan_name: String,

    /// The directory (or .zip) to scan.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// The service [env: ARGUS_ENDPOINT_URL, else AWS_ENDPOINT_URL].
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Trust the certificates in this PEM file (besides the system's) when
    /// the service uses TLS with a private CA, as the AWS CLI's option.
    #[arg(long, env = "AWS_CA_BUNDLE", value_name = "FILE")]
    pub ca_bundle: Option<PathBuf>,

    /// `Security` or `All` (adds code quality findings).
    #[arg(long, value_enum, value_name = "TYPE")]
    pub analysis_type: Option<AnalysisTypeArg>,

    /// Exit with status 1 when an open finding is at or above LEVEL.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on_severity: Option<SeverityArg>,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,

    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Tag the scan (repeatable): KEY=VALUE.
    #[arg(long, value_name = "KEY=VALUE")]
    pub tag: Vec<String>,

    /// Give up waiting after this many seconds (the scan goes on).
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub timeout: u64,

    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// Never show progress.
    #[arg(long)]
    pub no_progress: bool,

    /// Show every finding detail in text output.
    #[arg(short, long)]
    pub verbose: bool,
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

    /// Add the taint sources, sinks, sanitizers and propagators of a rule
    /// pack (a TOML file; repeatable). See `docs/rule-packs.md`.
    #[arg(long = "rules", value_name = "FILE")]
    pub rule_packs: Vec<PathBuf>,

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
