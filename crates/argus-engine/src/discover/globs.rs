//! Include/exclude patterns with gitignore-like meaning: a pattern without
//! a `/` matches a name at any depth (`*.gen.py`), a pattern with one is
//! anchored at the scan root (`src/legacy/**`), a trailing `/` names a
//! directory, and a pattern matching a directory matches everything in it.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// A compiled list of patterns that can say which one matched.
#[derive(Debug)]
pub struct PatternSet {
    set: GlobSet,
    /// For each glob in `set`, the index of the user's pattern.
    owners: Vec<usize>,
    patterns: Vec<String>,
}

impl PatternSet {
    pub fn new(patterns: &[String]) -> Result<PatternSet, String> {
        let mut builder = GlobSetBuilder::new();
        let mut owners = Vec::new();
        for (i, pattern) in patterns.iter().enumerate() {
            let trimmed = pattern.trim().trim_start_matches("./");
            let anchored = trimmed.trim_end_matches('/');
            let body = match anchored.strip_prefix('/') {
                Some(rooted) => rooted.to_string(),
                None if anchored.contains('/') => anchored.to_string(),
                None => format!("**/{anchored}"),
            };
            if body.is_empty() || body == "**/" {
                return Err(format!("empty pattern '{pattern}'"));
            }
            for glob in [body.clone(), format!("{body}/**")] {
                let compiled = GlobBuilder::new(&glob)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| format!("'{pattern}': {e}"))?;
                builder.add(compiled);
                owners.push(i);
            }
        }
        Ok(PatternSet {
            set: builder.build().map_err(|e| e.to_string())?,
            owners,
            patterns: patterns.to_vec(),
        })
    }

    /// The first pattern (in the user's order) that matches `path`.
    pub fn first_match(&self, path: &str) -> Option<&str> {
        if self.patterns.is_empty() {
            return None;
        }
        self.set
            .matches(path)
            .into_iter()
            .map(|i| self.owners[i])
            .min()
            .map(|i| self.patterns[i].as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitignore_like_semantics() {
        let set = PatternSet::new(&[
            "build/".into(),
            "*.gen.py".into(),
            "/docs".into(),
            "src/*/old.py".into(),
        ])
        .unwrap();
        assert_eq!(set.first_match("build"), Some("build/"));
        assert_eq!(set.first_match("a/build/x.py"), Some("build/"));
        assert_eq!(set.first_match("pkg/models.gen.py"), Some("*.gen.py"));
        assert_eq!(set.first_match("docs/a.md"), Some("/docs"));
        assert_eq!(set.first_match("x/docs/a.md"), None);
        assert_eq!(set.first_match("src/a/old.py"), Some("src/*/old.py"));
        assert_eq!(set.first_match("src/a/b/old.py"), None);
    }
}
