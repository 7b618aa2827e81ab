//! The report for people: findings grouped by severity with the flagged
//! lines and the suggested fix, then a summary of what was scanned and
//! skipped. Colour is applied only when the caller asks for it (a TTY).

use std::fmt::Write;

use anstyle::{AnsiColor, Effects, Style};
use argus_model::{Finding, ScanReport, Severity};

/// How the text report is written.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    pub color: bool,
    /// List every skipped file and every warning.
    pub verbose: bool,
}

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
}

fn severity_style(severity: Severity) -> Style {
    let color = match severity {
        Severity::Critical => AnsiColor::BrightRed,
        Severity::High => AnsiColor::Red,
        Severity::Medium => AnsiColor::Yellow,
        Severity::Low => AnsiColor::Blue,
        Severity::Info => AnsiColor::Cyan,
    };
    Style::new()
        .fg_color(Some(color.into()))
        .effects(Effects::BOLD)
}

const DIM: Style = Style::new().effects(Effects::DIMMED);
const BOLD: Style = Style::new().effects(Effects::BOLD);
const ADDED: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
const REMOVED: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));

/// Renders the report.
pub fn render(report: &ScanReport, options: &TextOptions) -> String {
    let painter = Painter {
        color: options.color,
    };
    let mut out = String::new();
    for severity in Severity::DESCENDING {
        let group: Vec<&Finding> = crate::active(report)
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        let heading = format!("{} ({})", severity.as_str().to_uppercase(), group.len());
        let _ = writeln!(out, "{}", painter.paint(severity_style(severity), &heading));
        for finding in group {
            finding_block(&mut out, &painter, finding);
        }
    }
    let suppressed: Vec<&Finding> = crate::shown(report)
        .filter(|f| f.suppression.is_some())
        .collect();
    if options.verbose && !suppressed.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            painter.paint(BOLD, &format!("SUPPRESSED ({})", suppressed.len()))
        );
        for finding in suppressed {
            let reason = finding
                .suppression
                .as_ref()
                .map_or("", |s| s.reason.as_str());
            let _ = writeln!(
                out,
                "  {}  {}  {}",
                finding.location.display(),
                finding.detector_id,
                painter.paint(DIM, &format!("reason: {reason}"))
            );
        }
        out.push('\n');
    }
    if options.verbose && !report.skipped.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            painter.paint(BOLD, &format!("SKIPPED ({})", report.skipped.len()))
        );
        for skipped in &report.skipped {
            let _ = writeln!(
                out,
                "  {}  {}",
                skipped.path,
                painter.paint(DIM, &skipped.reason.to_string())
            );
        }
        out.push('\n');
    }
    if !report.warnings.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            painter.paint(BOLD, &format!("WARNINGS ({})", report.warnings.len()))
        );
        let shown = if options.verbose {
            report.warnings.len()
        } else {
            5
        };
        for warning in report.warnings.iter().take(shown) {
            let _ = writeln!(out, "  {}: {}", warning.path, warning.message);
        }
        if report.warnings.len() > shown {
            let _ = writeln!(
                out,
                "  … {} more (--verbose lists them)",
                report.warnings.len() - shown
            );
        }
        out.push('\n');
    }
    summary(&mut out, &painter, report, options);
    out
}

fn finding_block(out: &mut String, painter: &Painter, finding: &Finding) {
    let _ = writeln!(
        out,
        "  {}  {}",
        painter.paint(BOLD, &finding.detector_name),
        painter.paint(DIM, &finding.detector_id)
    );
    let _ = writeln!(out, "  {}  {}", finding.location.display(), finding.message);
    let width = finding
        .snippet
        .iter()
        .map(|l| l.number.to_string().len())
        .max()
        .unwrap_or(1);
    for line in &finding.snippet {
        let flagged =
            line.number >= finding.location.start_line && line.number <= finding.location.end_line;
        let marker = if flagged { ">" } else { " " };
        let number = format!("{:>width$}", line.number);
        let gutter = format!("    {marker} {number} │ ");
        if flagged {
            let _ = writeln!(out, "{}{}", painter.paint(BOLD, &gutter), line.content);
        } else {
            let _ = writeln!(
                out,
                "{}{}",
                painter.paint(DIM, &gutter),
                painter.paint(DIM, &line.content)
            );
        }
    }
    if !finding.flow.is_empty() {
        let _ = writeln!(out, "    {}", painter.paint(BOLD, "path:"));
        for step in &finding.flow {
            let place = match step.location.cell {
                Some(cell) => format!("cell {}:{}", cell + 1, step.location.start_line),
                None if step.location.path != finding.location.path => {
                    format!("{}:{}", step.location.path, step.location.start_line)
                }
                None => format!("line {}", step.location.start_line),
            };
            let _ = writeln!(
                out,
                "      {}  {}",
                painter.paint(DIM, &place),
                step.message
            );
        }
    }
    for (i, fix) in finding.fixes.iter().enumerate() {
        let label = if finding.fixes.len() > 1 {
            format!("fix {}: {}", i + 1, fix.description)
        } else {
            format!("fix: {}", fix.description)
        };
        let _ = writeln!(out, "    {}", painter.paint(BOLD, &label));
        for line in fix
            .diff
            .lines()
            .filter(|l| !l.starts_with("---") && !l.starts_with("+++") && !l.starts_with("@@"))
        {
            let styled = match line.chars().next() {
                Some('+') => painter.paint(ADDED, line),
                Some('-') => painter.paint(REMOVED, line),
                _ => continue,
            };
            let _ = writeln!(out, "      {styled}");
        }
    }
    out.push('\n');
}

fn summary(out: &mut String, painter: &Painter, report: &ScanReport, options: &TextOptions) {
    let s = &report.summary;
    let total = s.active_findings();
    let mut line = if total == 0 {
        "No findings".to_string()
    } else {
        let parts: Vec<String> = Severity::DESCENDING
            .iter()
            .filter_map(|sev| {
                s.findings
                    .get(sev)
                    .filter(|n| **n > 0)
                    .map(|n| format!("{n} {}", sev.as_str().to_lowercase()))
            })
            .collect();
        format!("{total} finding{}: {}", plural(total), parts.join(", "))
    };
    let mut extra = Vec::new();
    if s.suppressed > 0 {
        extra.push(format!("{} suppressed", s.suppressed));
    }
    if s.baselined > 0 {
        extra.push(format!("{} in the baseline", s.baselined));
    }
    if !extra.is_empty() {
        line.push_str(&format!(" ({})", extra.join(", ")));
    }
    let _ = writeln!(out, "{}", painter.paint(BOLD, &line));
    let mut scanned = format!(
        "Scanned {} file{} ({} lines) in {:.2}s",
        s.files_scanned,
        plural(s.files_scanned),
        s.lines_scanned,
        s.duration_ms as f64 / 1000.0
    );
    if s.files_with_syntax_errors > 0 {
        scanned.push_str(&format!(
            "; {} with syntax errors (analysed as far as they parse)",
            s.files_with_syntax_errors
        ));
    }
    let _ = writeln!(out, "{scanned}");
    let skipped = s.skipped_files();
    if skipped > 0 {
        let parts: Vec<String> = s
            .skipped
            .iter()
            .map(|(reason, n)| format!("{n} {}", reason.replace('-', " ")))
            .collect();
        let hint = if options.verbose {
            ""
        } else {
            "; --verbose lists them"
        };
        let _ = writeln!(out, "Skipped {skipped}: {}{hint}", parts.join(", "));
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}
