//! [`ScanRunner`]: a directory, a file or a zip in, a [`ScanReport`] out.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use argus_model::{AnalysisType, Language, ScanReport, ScanSummary, SkipReason, SkippedFile};
use rayon::prelude::*;

use crate::analyze::{FileOutcome, Mode, Settings, analyze_bytes, taint_specs};
use crate::config::{CONFIG_FILE, ConfigError, Limits, ScanConfig};
use crate::dataflow::{self, ProjectSummaries, TaintRules, project::ExportedSummary};
use crate::detectors::registry;
use crate::discover::FileKind;
use crate::discover::archive::{self, ArchiveError, ArchiveLimits};
use crate::discover::{self, Candidate, DiscoverError};
use crate::fingerprint::finding_id;
use crate::lang::{Grammar, ParseOutcome, parse};
use crate::semantic::SemanticModel;

/// Stack of each analysis thread.
const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Receives progress while a scan runs (a progress bar, a log line).
pub trait Progress: Send + Sync {
    /// Discovery is done; `files` will be analysed.
    fn start(&self, _files: u64) {}
    /// One file was analysed.
    fn advance(&self, _path: &str) {}
    fn finish(&self) {}
}

/// What the caller decides about a scan; the rest comes from `argus.toml`.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Overrides `analysis-type` of the configuration.
    pub analysis_type: Option<AnalysisType>,
    /// A configuration file to use instead of `<root>/argus.toml`.
    pub config_file: Option<PathBuf>,
    /// More exclude globs (`--exclude`).
    pub exclude: Vec<String>,
    /// More detectors to turn off.
    pub disable: Vec<String>,
    /// Taint rule packs to read besides those `argus.toml` names.
    pub rule_packs: Vec<PathBuf>,
    /// Worker threads; 0 uses every core.
    pub jobs: usize,
    /// The name reports give the scan; defaults to the target's name.
    pub scan_name: Option<String>,
    /// Full analysis, secrets only, or parsing only (a benchmark baseline).
    pub mode: Mode,
    /// Limits that replace those of any configuration file: a service
    /// scanning uploaded code does not let the upload's `argus.toml` lift
    /// the archive caps or the per-file budgets.
    pub limits: Option<Limits>,
}

/// A scan that could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{}: no such file or directory", .0.display())]
    NotFound(PathBuf),
    #[error("{}: {source}", path.display())]
    Unreadable { path: PathBuf, source: io::Error },
    #[error("{}: {source}", path.display())]
    Archive { path: PathBuf, source: ArchiveError },
    // Transparent: the configuration error is the whole story, and the
    // CLI prints sources after the message (it said everything twice).
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Discover(#[from] DiscoverError),
    #[error("cannot create a temporary directory: {0}")]
    TempDir(io::Error),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// Runs scans.
pub struct ScanRunner {
    options: ScanOptions,
    progress: Option<Arc<dyn Progress>>,
}

impl ScanRunner {
    pub fn new(options: ScanOptions) -> ScanRunner {
        ScanRunner {
            options,
            progress: None,
        }
    }

    pub fn with_progress(mut self, progress: Arc<dyn Progress>) -> ScanRunner {
        self.progress = Some(progress);
        self
    }

    /// Scans a directory, a single file, or a zip archive.
    pub fn run(&self, target: &Path) -> Result<ScanReport, ScanError> {
        self.run_with_config(target).map(|(report, _)| report)
    }

    /// Like [`run`](Self::run), also returning the configuration in effect
    /// (the caller may act on settings such as `fail-on-severity`).
    pub fn run_with_config(&self, target: &Path) -> Result<(ScanReport, ScanConfig), ScanError> {
        let started_at = unix_now();
        let clock = Instant::now();
        let metadata = fs::metadata(target).map_err(|source| match source.kind() {
            io::ErrorKind::NotFound => ScanError::NotFound(target.to_path_buf()),
            _ => ScanError::Unreadable {
                path: target.to_path_buf(),
                source,
            },
        })?;

        let mut skipped: Vec<SkippedFile> = Vec::new();
        let mut _extracted: Option<tempfile::TempDir> = None;
        let mut unextracted: Vec<String> = Vec::new();
        let (root, single, real_root) = if metadata.is_dir() {
            (target.to_path_buf(), None, true)
        } else if is_archive(target) {
            let dir = tempfile::Builder::new()
                .prefix("argus-scan-")
                .tempdir()
                .map_err(ScanError::TempDir)?;
            let limits = self.archive_limits()?;
            let extraction = archive::extract(target, dir.path(), limits).map_err(|source| {
                ScanError::Archive {
                    path: target.to_path_buf(),
                    source,
                }
            })?;
            skipped.extend(extraction.refused);
            unextracted = extraction.unextracted;
            let root = dir.path().to_path_buf();
            _extracted = Some(dir);
            (root, None, false)
        } else {
            let parent = target
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            (parent.to_path_buf(), Some(target.to_path_buf()), true)
        };

        let config = self.config(&root)?;
        let analysis_type = self
            .options
            .analysis_type
            .or(config.analysis_type)
            .unwrap_or_default();
        let discovery = match &single {
            Some(file) => discover::single_file(&root, file, &config),
            None => discover::discover(&root, &config, &self.options.exclude)?,
        };
        skipped.extend(unsupported_in_archive(unextracted, &discovery.skipped));
        skipped.extend(discovery.skipped);
        let rules = TaintRules::compile(&config.rules).map_err(|(path, message)| ConfigError {
            path: path.into(),
            message,
        })?;
        let mut settings = Settings {
            analysis_type,
            config,
            mode: self.options.mode,
            project: None,
            rules: Arc::new(rules),
        };

        if let Some(progress) = &self.progress {
            progress.start(discovery.files.len() as u64);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.options.jobs)
            // The walks of detectors and dataflow recurse along the syntax
            // tree (up to `max-syntax-depth` levels): room for that depth in
            // unoptimised builds too. Only the pages touched are committed.
            .stack_size(WORKER_STACK_BYTES)
            .build()
            .map_err(|e| ScanError::Threads(e.to_string()))?;
        if settings.mode == Mode::Full {
            settings.project = pool.install(|| project_summaries(&discovery.files, &settings));
        }
        let outcomes: Vec<FileOutcome> = pool.install(|| {
            discovery
                .files
                .par_iter()
                .map(|candidate| {
                    let outcome = analyze_candidate(candidate, &settings);
                    if let Some(progress) = &self.progress {
                        progress.advance(&candidate.path);
                    }
                    outcome
                })
                .collect()
        });
        if let Some(progress) = &self.progress {
            progress.finish();
        }

        let mut summary = ScanSummary::default();
        let mut findings = Vec::new();
        let mut warnings = Vec::new();
        for (candidate, outcome) in discovery.files.iter().zip(outcomes) {
            match outcome {
                FileOutcome::Analysed(report) => {
                    summary.files_scanned += 1;
                    summary.lines_scanned += report.lines;
                    summary.bytes_scanned += report.bytes;
                    summary.files_with_syntax_errors += u64::from(report.syntax_errors);
                    findings.extend(report.findings);
                    warnings.extend(report.warnings);
                }
                FileOutcome::Skipped(reason) => skipped.push(SkippedFile {
                    path: candidate.path.clone(),
                    reason,
                }),
            }
        }
        skipped.sort_by(|a, b| a.path.cmp(&b.path));
        for entry in &skipped {
            *summary
                .skipped
                .entry(entry.reason.key().to_string())
                .or_default() += 1;
        }
        assign_ids(&mut findings);
        summary.count_findings(&findings);
        summary.duration_ms = clock.elapsed().as_millis() as u64;

        let detectors = registry()
            .all()
            .iter()
            .filter(|d| settings.wants(d))
            .map(|d| d.info.clone())
            .collect();
        let report = ScanReport {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            scan_name: self
                .options
                .scan_name
                .clone()
                .unwrap_or_else(|| scan_name(target)),
            root: real_root.then(|| display_root(&root)),
            analysis_type,
            started_at,
            finished_at: unix_now(),
            findings,
            detectors,
            skipped,
            warnings,
            summary,
        };
        Ok((report, settings.config))
    }

    /// `--config`, else `<root>/argus.toml` (for a lone file, the one in its
    /// directory), else the defaults.
    fn config(&self, root: &Path) -> Result<ScanConfig, ScanError> {
        let candidate = root.join(CONFIG_FILE);
        let mut config = match &self.options.config_file {
            Some(path) => ScanConfig::load(path)?,
            None if candidate.is_file() => ScanConfig::load(&candidate)?,
            None => ScanConfig::default(),
        };
        config.disable.extend(self.options.disable.iter().cloned());
        if let Some(limits) = &self.options.limits {
            config.limits = limits.clone();
        }
        for pack in &self.options.rule_packs {
            config.add_rule_pack(pack)?;
        }
        Ok(config)
    }

    fn archive_limits(&self) -> Result<ArchiveLimits, ScanError> {
        // The archive's own argus.toml is not read before extraction; the
        // explicit configuration file (if any) sets the limits.
        let mut config = match &self.options.config_file {
            Some(path) => ScanConfig::load(path)?,
            None => ScanConfig::default(),
        };
        if let Some(limits) = &self.options.limits {
            config.limits = limits.clone();
        }
        Ok(ArchiveLimits {
            max_total_bytes: config.limits.max_input_bytes,
            max_entries: config.limits.max_archive_entries,
            max_ratio: config.limits.max_compression_ratio,
        })
    }
}

/// The order in which to summarise modules (indexes into `modules`): each
/// wave holds the modules whose project imports are all in earlier waves;
/// when only cycles remain, they form one wave.
fn import_waves(modules: &[&(&Candidate, String)]) -> Vec<Vec<usize>> {
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for (i, (c, _)) in modules.iter().enumerate() {
        for name in dataflow::project::module_names(&c.path) {
            by_name.entry(name).or_insert(i);
        }
    }
    let deps: Vec<HashSet<usize>> = modules
        .iter()
        .enumerate()
        .map(|(i, (_, text))| {
            let mut names = HashSet::new();
            dataflow::project::imported_modules(text, &mut names);
            names
                .iter()
                .filter_map(|n| by_name.get(n).copied())
                .filter(|&j| j != i)
                .collect()
        })
        .collect();
    // Strongly connected components (Kosaraju), then each component's
    // level: one more than the highest level among what it imports.
    let n = modules.len();
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![(start, deps[start].iter().copied().collect::<Vec<_>>())];
        while let Some((node, next)) = stack.last_mut() {
            match next.pop() {
                Some(j) if !seen[j] => {
                    seen[j] = true;
                    let children = deps[j].iter().copied().collect();
                    stack.push((j, children));
                }
                Some(_) => {}
                None => {
                    order.push(*node);
                    stack.pop();
                }
            }
        }
    }
    let mut importers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, d) in deps.iter().enumerate() {
        for &j in d {
            importers[j].push(i);
        }
    }
    // Dependencies finish first in `order`; walking it backwards over the
    // reversed edges collects one component at a time.
    let mut component = vec![usize::MAX; n];
    let mut components = 0;
    for &root in order.iter().rev() {
        if component[root] != usize::MAX {
            continue;
        }
        let mut stack = vec![root];
        component[root] = components;
        while let Some(node) = stack.pop() {
            for &i in &importers[node] {
                if component[i] == usize::MAX {
                    component[i] = components;
                    stack.push(i);
                }
            }
        }
        components += 1;
    }
    // Kosaraju numbers components so that importers come first; levels
    // are settled from the last component back.
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); components];
    for (i, &c) in component.iter().enumerate() {
        members[c].push(i);
    }
    let mut level = vec![0usize; components];
    for c in (0..components).rev() {
        let below = members[c]
            .iter()
            .flat_map(|&i| deps[i].iter())
            .filter(|&&j| component[j] != c)
            .map(|&j| level[component[j]] + 1)
            .max()
            .unwrap_or(0);
        level[c] = below;
    }
    let mut waves: Vec<Vec<usize>> = vec![Vec::new(); level.iter().max().map_or(0, |m| m + 1)];
    for (i, &c) in component.iter().enumerate() {
        waves[level[c]].push(i);
    }
    waves
}

/// Summaries of the project's Python modules that other files import, for
/// taint paths across files. `None` when there is nothing to share.
fn project_summaries(files: &[Candidate], settings: &Settings) -> Option<Arc<ProjectSummaries>> {
    let specs = taint_specs(Language::Python, settings);
    let python: Vec<&Candidate> = files
        .iter()
        .filter(|c| {
            matches!(c.kind, FileKind::Source(Language::Python, _)) && c.path.ends_with(".py")
        })
        .collect();
    if specs.is_empty() || python.len() < 2 {
        return None;
    }
    let texts: Vec<(&Candidate, String)> = python
        .par_iter()
        .filter(|c| c.size <= settings.config.limits.max_file_bytes)
        .filter_map(|c| fs::read_to_string(&c.abs).ok().map(|t| (*c, t)))
        .collect();
    let mut imported = HashSet::new();
    for (_, text) in &texts {
        dataflow::project::imported_modules(text, &mut imported);
    }
    let modules: Vec<&(&Candidate, String)> = texts
        .iter()
        .filter(|(c, _)| dataflow::project::is_imported(&c.path, &imported))
        .collect();
    // A module is summarised after the modules it imports, so a path may
    // run through any number of files (views -> services -> db); modules
    // importing each other in a cycle go together.
    let mut project = ProjectSummaries::default();
    for wave in import_waves(&modules) {
        let summarised: Vec<(String, Vec<(String, ExportedSummary)>)> = wave
            .par_iter()
            .filter_map(|&i| {
                let (c, text) = modules[i];
                let budget = crate::budget::FileBudget::start(settings.file_budget());
                let ParseOutcome::Parsed(tree) =
                    parse(Grammar::Python, text, settings.parse_budget())
                else {
                    return None;
                };
                // The file itself is skipped with the reason when analysed.
                settings.check_depth(&tree).ok()?;
                let semantic = SemanticModel::for_tree(Grammar::Python, tree.root_node(), text);
                let file = dataflow::python::FileContext {
                    path: &c.path,
                    project: (!project.is_empty()).then_some(&project),
                };
                let functions = dataflow::python::summarize(
                    tree.root_node(),
                    text,
                    &semantic,
                    &specs,
                    &settings.rules,
                    file,
                );
                // A summary cut short by the budget would hide flows.
                (!functions.is_empty() && !budget.expired()).then(|| (c.path.clone(), functions))
            })
            .collect();
        for (path, functions) in summarised {
            project.insert_module(&path, functions);
        }
    }
    (!project.is_empty()).then(|| Arc::new(project))
}

fn analyze_candidate(candidate: &Candidate, settings: &Settings) -> FileOutcome {
    match fs::read(&candidate.abs) {
        Ok(bytes) => analyze_bytes(&candidate.path, candidate.kind, &bytes, settings),
        Err(e) => FileOutcome::Skipped(SkipReason::Unreadable {
            error: e.to_string(),
        }),
    }
}

/// Sorts findings and gives each its occurrence index and id: the n-th
/// finding (in path and position order) with a given fingerprint.
fn assign_ids(findings: &mut [argus_model::Finding]) {
    findings.sort_by(|a, b| {
        (
            &a.location.path,
            a.location.cell,
            a.location.start_line,
            a.location.start_column,
            &a.detector_id,
        )
            .cmp(&(
                &b.location.path,
                b.location.cell,
                b.location.start_line,
                b.location.start_column,
                &b.detector_id,
            ))
            .then_with(|| {
                (a.location.end_line, a.location.end_column)
                    .cmp(&(b.location.end_line, b.location.end_column))
            })
            .then_with(|| a.message.cmp(&b.message))
    });
    let mut seen: HashMap<String, u32> = HashMap::new();
    for finding in findings.iter_mut() {
        let occurrence = seen.entry(finding.fingerprint.clone()).or_default();
        finding.occurrence = *occurrence;
        finding.id = finding_id(&finding.fingerprint, *occurrence);
        *occurrence += 1;
    }
}

fn is_archive(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
        || archive::looks_like_zip(path)
}

/// Archive entries left unextracted, reported as discovery reports such
/// files: unsupported, unless they lie in a directory discovery skipped
/// whole (tests, third-party code) or in version-control metadata.
fn unsupported_in_archive(
    unextracted: Vec<String>,
    discovered: &[SkippedFile],
) -> Vec<SkippedFile> {
    let pruned: Vec<&str> = discovered
        .iter()
        .map(|s| s.path.as_str())
        .filter(|p| p.ends_with('/'))
        .collect();
    unextracted
        .into_iter()
        .filter(|path| !pruned.iter().any(|dir| path.starts_with(dir)))
        .filter(|path| {
            let mut dirs = path.split('/').rev().skip(1);
            !dirs.any(crate::discover::classify::is_metadata_dir)
        })
        .map(|path| SkippedFile {
            path,
            reason: SkipReason::Unsupported,
        })
        .collect()
}

fn scan_name(target: &Path) -> String {
    let canonical = fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf());
    canonical
        .file_stem()
        .or_else(|| canonical.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scan".to_string())
}

fn display_root(root: &Path) -> String {
    fs::canonicalize(root)
        .unwrap_or_else(|_| root.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}
