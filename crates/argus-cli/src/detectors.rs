//! `argus detectors list` and `argus detectors show`.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Result, bail};
use argus_engine::detectors::registry;
use argus_model::{Category, DetectorInfo, Severity, cwe_url};

use crate::cli::{DetectorsCommand, ListArgs, ListFormat, ShowArgs, ShowFormat};

pub fn run(command: DetectorsCommand) -> Result<ExitCode> {
    match command {
        DetectorsCommand::List(args) => list(&args),
        DetectorsCommand::Show(args) => show(&args),
    }?;
    Ok(ExitCode::SUCCESS)
}

fn list(args: &ListArgs) -> Result<()> {
    let severity: Option<Severity> = args.severity.map(Into::into);
    let category: Option<Category> = args.category.map(Into::into);
    let detectors: Vec<&DetectorInfo> = registry()
        .all()
        .iter()
        .map(|d| &d.info)
        .filter(|d| {
            args.language
                .is_none_or(|l| d.language.is_none_or(|dl| dl == l))
        })
        .filter(|d| severity.is_none_or(|s| d.severity == s))
        .filter(|d| category.is_none_or(|c| d.category == c))
        .collect();
    if args.format == ListFormat::Json {
        println!("{}", serde_json::to_string_pretty(&detectors)?);
        return Ok(());
    }
    let id_width = detectors
        .iter()
        .map(|d| d.id.len())
        .max()
        .unwrap_or(2)
        .max(2);
    println!(
        "{:<id_width$}  {:<8}  {:<8}  {:<10}  NAME",
        "ID", "SEVERITY", "CATEGORY", "CWE"
    );
    for d in &detectors {
        let cwe = d
            .cwes
            .first()
            .map(|c| format!("CWE-{c}"))
            .unwrap_or_default();
        println!(
            "{:<id_width$}  {:<8}  {:<8}  {:<10}  {}",
            d.id,
            d.severity.as_str(),
            d.category.as_str(),
            cwe,
            d.name
        );
    }
    eprintln!(
        "{} detector{}",
        detectors.len(),
        if detectors.len() == 1 { "" } else { "s" }
    );
    Ok(())
}

fn show(args: &ShowArgs) -> Result<()> {
    let Some((_, detector)) = registry().find(args.id.trim()) else {
        let close: Vec<&str> = registry()
            .all()
            .iter()
            .map(|d| d.id)
            .filter(|id| id.contains(args.id.trim().rsplit('/').next().unwrap_or_default()))
            .collect();
        if close.is_empty() {
            bail!(
                "unknown detector '{}'; `argus detectors list` shows them all",
                args.id
            );
        }
        bail!(
            "unknown detector '{}'; did you mean: {}?",
            args.id,
            close.join(", ")
        );
    };
    let info = &detector.info;
    match args.format {
        ShowFormat::Json => println!("{}", serde_json::to_string_pretty(info)?),
        ShowFormat::Markdown => print!("{}", markdown_page(info)),
        ShowFormat::Text => print!("{}", text_page(info)),
    }
    Ok(())
}

fn language(info: &DetectorInfo) -> &'static str {
    info.language.map_or("every file", |l| l.display_name())
}

fn cwe_list(info: &DetectorInfo) -> String {
    info.cwes
        .iter()
        .map(|c| format!("CWE-{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn text_page(info: &DetectorInfo) -> String {
    let mut out = String::new();
    let doc = &info.doc;
    let _ = writeln!(out, "{}  ({})\n", info.name, info.id);
    let _ = writeln!(out, "Language:  {}", language(info));
    let _ = writeln!(out, "Category:  {}", info.category);
    let _ = writeln!(
        out,
        "Severity:  {} ({}; {})",
        info.severity,
        info.access.describe(),
        info.effort.describe()
    );
    let _ = writeln!(out, "CWE:       {}", cwe_list(info));
    let _ = writeln!(out, "Tags:      {}\n", info.tags.join(", "));
    let _ = writeln!(out, "What it does\n  {}\n", indent(&doc.what_it_does));
    let _ = writeln!(out, "Why is this bad?\n  {}\n", indent(&doc.why_bad));
    let _ = writeln!(out, "Non-compliant example\n  {}\n", indent(&doc.example));
    let _ = writeln!(out, "Compliant example\n  {}\n", indent(&doc.use_instead));
    let _ = writeln!(out, "Remediation\n  {}\n", indent(&info.remediation));
    if !doc.references.is_empty() {
        let _ = writeln!(out, "References");
        for reference in &doc.references {
            let _ = writeln!(out, "  - {reference}");
        }
    }
    out
}

fn indent(text: &str) -> String {
    text.lines().collect::<Vec<_>>().join("\n  ")
}

/// The detector's documentation page (`docs/detectors/<id>.md`).
pub fn markdown_page(info: &DetectorInfo) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", info.name);
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Detector id | `{}` |", info.id);
    let _ = writeln!(out, "| Language | {} |", language(info));
    let _ = writeln!(out, "| Category | {} |", info.category);
    let _ = writeln!(
        out,
        "| Severity | {} ({}; {}) |",
        info.severity,
        info.access.describe(),
        info.effort.describe()
    );
    let cwes: Vec<String> = info
        .cwes
        .iter()
        .map(|c| format!("[CWE-{c}]({})", cwe_url(*c)))
        .collect();
    let _ = writeln!(out, "| CWE | {} |", cwes.join(", "));
    let _ = writeln!(out, "| Tags | {} |\n", info.tags.join(", "));
    // The doc comment's own sections, one heading level down.
    out.push_str(&info.doc.markdown);
    let _ = writeln!(out, "\n\n## Remediation\n\n{}", info.remediation);
    out
}
