//! Taint knowledge users add without writing Rust: their own sources,
//! sinks, sanitizers and propagators, declared in `argus.toml` (`[rules]`)
//! or in rule-pack files (`packs = [...]`, `argus scan --rules FILE`).
//!
//! A pack names functions by their qualified names as the code imports
//! them (`ourapp.db.run_sql`), or `.name` for a method of that name on any
//! object, exactly like the built-in specs. A sink belongs to an existing
//! taint detector, so a finding through it has that detector's id,
//! severity, CWE and remediation; the engine treats the entries like its
//! own tables.
//!
//! ```toml
//! [[rules.source]]
//! callee = "ourapp.web.param"
//! description = "a query parameter"
//!
//! [[rules.sink]]
//! detector = "python/sql-injection"
//! callee = "ourapp.db.run_sql"
//! positions = [0]
//! keywords = ["sql"]
//!
//! [[rules.sanitizer]]
//! callee = "ourapp.db.quote"
//! detectors = ["python/sql-injection"]
//!
//! [[rules.propagator]]
//! callee = "ourapp.text.normalize"
//! ```

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use argus_model::Language;
use serde::Deserialize;

use super::{Arg, Sink, Threat};
use crate::detectors::{Check, registry};

/// The rule tables of one file (`[rules]` of `argus.toml`, or a pack).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RuleFile {
    /// More rule files, relative to the file naming them (only in
    /// `argus.toml`).
    pub packs: Vec<String>,
    pub source: Vec<SourceRule>,
    pub sink: Vec<SinkRule>,
    pub sanitizer: Vec<SanitizerRule>,
    pub propagator: Vec<PropagatorRule>,
}

/// A call whose result is untrusted input.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRule {
    pub callee: String,
    /// `remote` (an attacker from outside: the default) or `local` (the
    /// operator: counts only with `local-threats = true`).
    #[serde(default)]
    pub threat: RuleThreat,
    /// What the data is, for the finding's path ("a query parameter").
    pub description: Option<String>,
    #[serde(default)]
    pub language: RuleLanguage,
}

/// A call that is dangerous for one taint detector.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SinkRule {
    /// The taint detector that reports (`python/sql-injection`).
    pub detector: String,
    pub callee: String,
    /// Dangerous positional arguments (from 0). With `keywords`, empty
    /// lists mean every argument.
    #[serde(default)]
    pub positions: Vec<usize>,
    /// Dangerous keyword arguments.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// What the sink does, completing "<input> reaches ..."; `{callee}` is
    /// replaced by the call as written.
    pub description: Option<String>,
}

/// A call whose result is safe for some detectors (all when `detectors`
/// is empty).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SanitizerRule {
    pub callee: String,
    #[serde(default)]
    pub detectors: Vec<String>,
    #[serde(default)]
    pub language: RuleLanguage,
}

/// A call whose result carries the taint of its arguments and receiver.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropagatorRule {
    pub callee: String,
    #[serde(default)]
    pub language: RuleLanguage,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleThreat {
    #[default]
    Remote,
    Local,
}

/// The languages whose taint engine reads rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLanguage {
    #[default]
    Python,
}

/// A source as the engine matches it.
#[derive(Debug, Clone)]
pub struct UserSource {
    pub callee: String,
    pub threat: Threat,
    pub what: String,
}

/// Every rule of a scan, checked against the registry.
#[derive(Debug, Default)]
pub struct TaintRules {
    sources: Vec<UserSource>,
    propagators: Vec<String>,
    /// Registry index of the detector -> its extra sinks.
    sinks: Vec<(usize, Sink)>,
    /// `None`: safe for every detector.
    sanitizers: Vec<(Option<usize>, String)>,
}

/// The callee written in a rule matches a call: a qualified name, or
/// `.method` on any object.
fn matches(callee: &str, names: &[String], method: Option<&str>) -> bool {
    match callee.strip_prefix('.') {
        Some(m) => method == Some(m),
        None => names.iter().any(|n| n == callee),
    }
}

/// Sinks are the engine's `'static` tables; rule strings are leaked once
/// per distinct text, so a server reading the same pack for every scan
/// does not grow.
fn intern(text: &str) -> &'static str {
    static STRINGS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut strings = STRINGS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(s) = strings.get(text) {
        return s;
    }
    let leaked: &'static str = Box::leak(text.to_string().into_boxed_str());
    strings.insert(leaked);
    leaked
}

fn intern_args(args: Vec<Arg>) -> &'static [Arg] {
    static ARGS: OnceLock<Mutex<Vec<&'static [Arg]>>> = OnceLock::new();
    let mut known = ARGS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let same = |a: &Arg, b: &Arg| match (a, b) {
        (Arg::At(i, k), Arg::At(j, l)) => i == j && k == l,
        (Arg::Keyword(k), Arg::Keyword(l)) => k == l,
        (Arg::Any, Arg::Any) => true,
        _ => false,
    };
    if let Some(found) = known
        .iter()
        .find(|k| k.len() == args.len() && k.iter().zip(&args).all(|(a, b)| same(a, b)))
    {
        return found;
    }
    let leaked: &'static [Arg] = Box::leak(args.into_boxed_slice());
    known.push(leaked);
    leaked
}

/// The registry index of a taint detector named in a rule.
fn taint_detector(id: &str, field: &str) -> Result<usize, String> {
    let registry = registry();
    let base = argus_model::unversioned(id.trim());
    let found = registry.all().iter().position(|d| {
        argus_model::unversioned(d.id) == base && matches!(d.spec.check, Check::Taint { .. })
    });
    found.ok_or_else(|| {
        let mut known: Vec<&str> = registry
            .all()
            .iter()
            .filter(|d| matches!(d.spec.check, Check::Taint { .. }))
            .filter(|d| d.language == Some(Language::Python))
            .map(|d| argus_model::unversioned(d.id))
            .collect();
        known.sort_unstable();
        format!(
            "{field}: `{id}` is not a taint detector; use one of {}",
            known.join(", ")
        )
    })
}

fn check_callee(callee: &str, field: &str) -> Result<(), String> {
    let name = callee.strip_prefix('.').unwrap_or(callee);
    let valid = !name.is_empty()
        && name
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c == '_' || c.is_alphanumeric()));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{field}: `{callee}` is not a dotted name (`module.function`, or `.method` for a method on any object)"
        ))
    }
}

impl TaintRules {
    /// Checks and compiles rule files; an error is the file it is in and
    /// a message naming the entry (`sink[1].detector: ...`).
    pub fn compile(files: &[(String, RuleFile)]) -> Result<TaintRules, (String, String)> {
        let mut rules = TaintRules::default();
        for (origin, file) in files {
            rules
                .add(file)
                .map_err(|message| (origin.clone(), message))?;
        }
        Ok(rules)
    }

    fn add(&mut self, file: &RuleFile) -> Result<(), String> {
        for (i, source) in file.source.iter().enumerate() {
            check_callee(&source.callee, &format!("source[{i}].callee"))?;
            self.sources.push(UserSource {
                callee: source.callee.clone(),
                threat: match source.threat {
                    RuleThreat::Remote => Threat::Remote,
                    RuleThreat::Local => Threat::Local,
                },
                what: source
                    .description
                    .clone()
                    .unwrap_or_else(|| format!("input from {}", source.callee)),
            });
        }
        for (i, sink) in file.sink.iter().enumerate() {
            let detector = taint_detector(&sink.detector, &format!("sink[{i}].detector"))?;
            check_callee(&sink.callee, &format!("sink[{i}].callee"))?;
            let mut args: Vec<Arg> = sink.positions.iter().map(|&p| Arg::At(p, "")).collect();
            for (k, keyword) in sink.keywords.iter().enumerate() {
                check_callee(keyword, &format!("sink[{i}].keywords[{k}]"))?;
                args.push(Arg::Keyword(intern(keyword)));
            }
            if args.is_empty() {
                args.push(Arg::Any);
            }
            let what = sink
                .description
                .clone()
                .unwrap_or_else(|| "the call {callee} (a rule-pack sink)".to_string());
            let sink = Sink::new(
                intern(&sink.callee),
                intern_args(args),
                "rule-pack",
                intern(&what),
            );
            self.sinks.push((detector, sink));
        }
        for (i, sanitizer) in file.sanitizer.iter().enumerate() {
            check_callee(&sanitizer.callee, &format!("sanitizer[{i}].callee"))?;
            if sanitizer.detectors.is_empty() {
                self.sanitizers.push((None, sanitizer.callee.clone()));
            }
            for (d, id) in sanitizer.detectors.iter().enumerate() {
                let detector = taint_detector(id, &format!("sanitizer[{i}].detectors[{d}]"))?;
                self.sanitizers
                    .push((Some(detector), sanitizer.callee.clone()));
            }
        }
        for (i, propagator) in file.propagator.iter().enumerate() {
            check_callee(&propagator.callee, &format!("propagator[{i}].callee"))?;
            self.propagators.push(propagator.callee.clone());
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
            && self.propagators.is_empty()
            && self.sinks.is_empty()
            && self.sanitizers.is_empty()
    }

    pub fn has_sources(&self) -> bool {
        !self.sources.is_empty()
    }

    /// The user source a call reads, if any.
    pub fn source(&self, names: &[String], method: Option<&str>) -> Option<&UserSource> {
        self.sources
            .iter()
            .find(|s| matches(&s.callee, names, method))
    }

    pub fn propagates(&self, names: &[String], method: Option<&str>) -> bool {
        self.propagators.iter().any(|p| matches(p, names, method))
    }

    /// The extra sinks of a detector (by registry index).
    pub fn sinks_of(&self, detector: usize) -> impl Iterator<Item = &Sink> {
        self.sinks
            .iter()
            .filter(move |(d, _)| *d == detector)
            .map(|(_, sink)| sink)
    }

    /// Whether a call sanitizes data for a detector.
    pub fn sanitizes(&self, detector: usize, names: &[String], method: Option<&str>) -> bool {
        self.sanitizers
            .iter()
            .any(|(d, callee)| d.is_none_or(|d| d == detector) && matches(callee, names, method))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> RuleFile {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn compiles_every_kind() {
        let file = parse(
            r#"
            [[source]]
            callee = "ourapp.web.param"
            [[sink]]
            detector = "python/sql-injection@v1.0"
            callee = ".run_sql"
            positions = [0]
            keywords = ["sql"]
            [[sanitizer]]
            callee = "ourapp.db.quote"
            detectors = ["python/sql-injection"]
            [[propagator]]
            callee = "ourapp.text.normalize"
            "#,
        );
        let rules = TaintRules::compile(&[("pack.toml".into(), file)]).unwrap();
        let names = vec!["ourapp.web.param".to_string()];
        assert_eq!(
            rules.source(&names, None).unwrap().what,
            "input from ourapp.web.param"
        );
        let sql = registry()
            .all()
            .iter()
            .position(|d| d.id == "python/sql-injection@v1.0")
            .unwrap();
        assert_eq!(rules.sinks_of(sql).count(), 1);
        assert!(rules.sanitizes(sql, &["ourapp.db.quote".into()], None));
        assert!(!rules.sanitizes(sql + 1, &["ourapp.db.quote".into()], None));
        assert!(rules.propagates(&["ourapp.text.normalize".into()], None));
    }

    #[test]
    fn errors_name_the_file_the_entry_and_the_choices() {
        let file = parse("[[sink]]\ndetector = \"python/sql-injektion\"\ncallee = \"x.y\"\n");
        let (origin, err) = TaintRules::compile(&[("rules.toml".into(), file)]).unwrap_err();
        assert_eq!(origin, "rules.toml");
        assert!(
            err.starts_with("sink[0].detector: `python/sql-injektion`"),
            "{err}"
        );
        assert!(err.contains("python/sql-injection"), "{err}");

        let file = parse("[[propagator]]\ncallee = \"not a name\"\n");
        let (_, err) = TaintRules::compile(&[("argus.toml".into(), file)]).unwrap_err();
        assert!(err.contains("propagator[0].callee"), "{err}");

        let err = toml::from_str::<RuleFile>("[[sink]]\ndetector = \"a\"\ncalee = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("calee"), "{err}");
    }

    #[test]
    fn interning_reuses_strings() {
        assert!(std::ptr::eq(intern("a.b.c"), intern("a.b.c")));
    }
}
