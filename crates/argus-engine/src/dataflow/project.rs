//! Summaries across the files of a scanned project.
//!
//! Before the files are analysed, the Python modules that other files of
//! the project import are summarised (which parameters of each
//! module-level function reach which sinks, which flow to its return
//! value, and whether it returns input), each after the modules it imports
//! so that summaries compose through any number of files (modules that
//! import each other are summarised together). The analysis of every file then
//! applies those summaries at calls into imported functions, so a route in
//! `views.py` passing request data to `db.run_query` is a finding, with the
//! path through `db.py`.
//!
//! Summaries are plain data (no tree, no `Rc`): the table is built in
//! parallel and shared by reference with every worker.

use std::collections::{HashMap, HashSet};

use argus_model::Location;

use super::ActiveSpec;

/// One step of a path in another file, already located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedStep {
    pub location: Location,
    pub message: String,
}

/// A parameter of an exported function reaching a sink.
#[derive(Debug, Clone)]
pub struct ExportedSink {
    pub param: u8,
    /// Registry index of the detector whose sink it is.
    pub detector: usize,
    /// Detectors for which the data is already made safe on the way.
    pub safe_for: Vec<usize>,
    /// From the parameter to the sink.
    pub path: Vec<LocatedStep>,
    pub rule: &'static str,
    /// "an SQL query run by `db.execute`"
    pub what: String,
    /// `path:line` of the sink.
    pub place: String,
}

/// What a call to a function of another file does.
#[derive(Debug, Clone, Default)]
pub struct ExportedSummary {
    pub params: Vec<String>,
    /// Parameters whose data the function returns, with the detectors the
    /// data is made safe for on the way.
    pub returns: Vec<(u8, Vec<usize>)>,
    /// The function returns input of its own (`return request.args["q"]`):
    /// what it is and its path.
    pub returns_source: Option<(String, Vec<LocatedStep>)>,
    pub sinks: Vec<ExportedSink>,
}

/// The summaries of a project, by qualified function name
/// (`package.module.function`, and each shorter suffix of the module path,
/// since the scan root may sit above the import root).
#[derive(Debug, Default)]
pub struct ProjectSummaries {
    functions: HashMap<String, ExportedSummary>,
    returns_input: bool,
}

impl ProjectSummaries {
    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
    }

    pub fn len(&self) -> usize {
        self.functions.len()
    }

    /// Some function of the project returns input it reads itself.
    pub fn returns_input(&self) -> bool {
        self.returns_input
    }

    /// Adds the summaries of one module (`path` relative to the root).
    pub fn insert_module(&mut self, path: &str, functions: Vec<(String, ExportedSummary)>) {
        let names = module_names(path);
        for (function, summary) in functions {
            self.returns_input |= summary.returns_source.is_some();
            for module in &names {
                self.functions
                    .entry(format!("{module}.{function}"))
                    .or_insert_with(|| summary.clone());
            }
        }
    }

    /// The summary of a qualified callee name as the importing file's
    /// semantic model resolved it; relative names (`.db.run`) are resolved
    /// against the importing module `from`.
    pub fn get(&self, qualified: &str, from: &str) -> Option<&ExportedSummary> {
        if let Some(relative) = qualified.strip_prefix('.') {
            let absolute = resolve_relative(relative, from)?;
            return self.functions.get(&absolute);
        }
        self.functions.get(qualified)
    }
}

/// The detectors whose bits are set in a mask over `specs`: summaries
/// cross files by detector, since each file has its own slots.
pub fn detectors_of(mask: u64, specs: &[ActiveSpec]) -> Vec<usize> {
    specs
        .iter()
        .enumerate()
        .filter(|(slot, _)| mask & (1 << slot) != 0)
        .map(|(_, spec)| spec.detector)
        .collect()
}

/// The mask over `specs` of these detectors (the inverse of
/// [`detectors_of`]).
pub fn mask_of(detectors: &[usize], specs: &[ActiveSpec]) -> u64 {
    specs
        .iter()
        .enumerate()
        .filter(|(_, spec)| detectors.contains(&spec.detector))
        .fold(0, |mask, (slot, _)| mask | (1 << slot))
}

/// The dotted module paths a file may be imported as: `src/app/db.py` ->
/// `src.app.db`, `app.db`, `db`; `app/__init__.py` -> `app`.
pub fn module_names(path: &str) -> Vec<String> {
    let Some(stem) = path.strip_suffix(".py") else {
        return Vec::new();
    };
    let mut parts: Vec<&str> = stem.split('/').filter(|p| !p.is_empty()).collect();
    if parts.last() == Some(&"__init__") {
        parts.pop();
    }
    if parts.iter().any(|p| !is_identifier(p)) {
        // `my-scripts/tool.py` cannot be imported as a package path; the
        // file itself still can, by its own name, from its directory.
        return parts
            .last()
            .filter(|p| is_identifier(p))
            .map(|p| vec![p.to_string()])
            .unwrap_or_default();
    }
    (0..parts.len()).map(|i| parts[i..].join(".")).collect()
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// `..db.run` imported from module `app.views.admin` -> `app.db.run`.
fn resolve_relative(relative: &str, from: &str) -> Option<String> {
    let dots = relative.chars().take_while(|&c| c == '.').count();
    let rest = &relative[dots..];
    let mut package: Vec<&str> = from.split('.').collect();
    // The importing module's package, then one level up per extra dot.
    for _ in 0..=dots {
        package.pop()?;
    }
    let mut out = package.join(".");
    if !rest.is_empty() {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(rest);
    }
    Some(out)
}

/// Modules named by the imports of a Python file (`import a.b`, `from a.b
/// import c` -> `a.b`, `a.b.c`), read from the text without parsing, to
/// know which files are worth summarising. Relative imports count by their
/// last component.
pub fn imported_modules(text: &str, into: &mut HashSet<String>) {
    for line in text.lines() {
        let line = line.trim_start();
        let rest = if let Some(rest) = line.strip_prefix("from ") {
            rest
        } else if let Some(rest) = line.strip_prefix("import ") {
            rest
        } else {
            continue;
        };
        let module: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        let module = module.trim_start_matches('.');
        if module.is_empty() {
            // `from . import db`: the names after `import` are modules.
            if let Some((_, names)) = rest.split_once(" import ") {
                for name in names.split(',') {
                    let name = name.split_whitespace().next().unwrap_or("");
                    if !name.is_empty() {
                        into.insert(name.trim_matches(['(', ')']).to_string());
                    }
                }
            }
            continue;
        }
        into.insert(module.to_string());
        if let Some(last) = module.rsplit('.').next() {
            into.insert(last.to_string());
        }
        if let Some((_, names)) = rest.split_once(" import ") {
            for name in names.split(',') {
                let name = name.split_whitespace().next().unwrap_or("");
                let name = name.trim_matches(['(', ')']);
                if !name.is_empty() && name != "*" {
                    into.insert(format!("{module}.{name}"));
                }
            }
        }
    }
}

/// Whether a file at `path` is imported by some file of the project.
pub fn is_imported(path: &str, imported: &HashSet<String>) -> bool {
    module_names(path).iter().any(|m| imported.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_and_relative_imports() {
        assert_eq!(
            module_names("src/app/db.py"),
            ["src.app.db", "app.db", "db"]
        );
        assert_eq!(module_names("app/__init__.py"), ["app"]);
        assert_eq!(module_names("my-tools/run.py"), ["run"]);
        assert_eq!(
            resolve_relative("db.run", "app.views").as_deref(),
            Some("app.db.run")
        );
        assert_eq!(
            resolve_relative(".db.run", "app.admin.views").as_deref(),
            Some("app.db.run")
        );
        let mut imported = HashSet::new();
        imported_modules(
            "from app.db import run_query, Other\nimport os.path\nfrom . import util\n",
            &mut imported,
        );
        assert!(
            imported.contains("app.db")
                && imported.contains("os.path")
                && imported.contains("util")
        );
        assert!(is_imported("app/db.py", &imported));
        assert!(!is_imported("app/views.py", &imported));
    }
}
