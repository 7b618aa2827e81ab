//! `argus scan`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use argus_engine::analyze::Mode;
use argus_engine::baseline::Baseline;
use argus_engine::{ScanOptions, ScanRunner};
use argus_model::{ScanReport, Severity};
use argus_report::Format;
use argus_report::text::TextOptions;

use crate::cli::{ColorArg, ScanArgs};
use crate::progress::ScanProgress;

pub fn run(args: ScanArgs) -> Result<ExitCode> {
    let options = ScanOptions {
        analysis_type: args.analysis_type.map(Into::into),
        config_file: args.config.clone(),
        exclude: args.exclude.clone(),
        disable: args.disable.clone(),
        rule_packs: args.rule_packs.clone(),
        jobs: args.jobs,
        scan_name: args.scan_name.clone(),
        mode: if args.parse_only {
            Mode::ParseOnly
        } else if args.secrets_only {
            Mode::SecretsOnly
        } else {
            Mode::Full
        },
        limits: None,
    };
    // Read the baseline first: a typo in its path should not cost a scan.
    let baseline = match &args.baseline {
        Some(path) => Some(Baseline::load(path)?),
        None => None,
    };
    let mut runner = ScanRunner::new(options);
    if !args.no_progress && std::io::stderr().is_terminal() {
        runner = runner.with_progress(Arc::new(ScanProgress::new()));
    }
    let (mut report, config) = runner.run_with_config(&args.path)?;

    if let Some(path) = &args.write_baseline {
        let written = Baseline::from_findings(&report.findings);
        write_atomically(path, written.to_json().as_bytes())
            .with_context(|| format!("cannot write baseline {}", path.display()))?;
    }
    if let Some(baseline) = &baseline {
        baseline.apply(&mut report);
    }

    write_report(
        &report,
        args.format.into(),
        args.output.as_deref(),
        args.color,
        args.verbose,
    )?;

    let threshold: Option<Severity> = args
        .fail_on_severity
        .map(Into::into)
        .or(config.fail_on_severity);
    let failed = threshold.is_some_and(|t| report.worst_severity().is_some_and(|worst| worst >= t));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Renders the report in `format` to `output` (atomically) or standard
/// output.
pub fn write_report(
    report: &ScanReport,
    format: Format,
    output: Option<&Path>,
    color: ColorArg,
    verbose: bool,
) -> Result<()> {
    let to_terminal = output.is_none() && std::io::stdout().is_terminal();
    let color = match color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let rendered = argus_report::render(report, format, &TextOptions { color, verbose });
    match output {
        Some(path) => {
            write_atomically(path, rendered.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("{}", one_line_summary(report, path));
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`argus scan | head`) is not an error worth a message.
            if let Err(e) = stdout
                .write_all(rendered.as_bytes())
                .and_then(|()| stdout.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(e).context("cannot write the report");
            }
        }
    }
    Ok(())
}

fn one_line_summary(report: &ScanReport, path: &Path) -> String {
    let s = &report.summary;
    format!(
        "argus: {} finding{} ({} suppressed) in {} files; report written to {}",
        s.active_findings(),
        if s.active_findings() == 1 { "" } else { "s" },
        s.suppressed,
        s.files_scanned,
        path.display()
    )
}

/// Writes through a temporary file in the same directory, so a reader never
/// sees half a report. Only regular files are replaced that way: a device,
/// a pipe or another special file (`-o /dev/null`, `-o /dev/stdout`) is
/// written in place, and a symbolic link is followed, not replaced.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let path = match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => return std::fs::write(path, bytes),
        Ok(_) => std::fs::canonicalize(path)?,
        Err(_) => path.to_path_buf(),
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.argus-tmp"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, &path)
}
