//! What a file is, from its path alone: its language, or whether it is test
//! code or third-party code. Content-based checks (generated, minified,
//! binary) live in [`super::content`].

use argus_model::Language;

use crate::lang::Grammar;

/// How a discovered file is analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// Source code in a language with detectors.
    Source(Language, Grammar),
    /// A Jupyter notebook (Python code cells).
    Notebook,
    /// YAML or JSON: a CloudFormation template when its content says so,
    /// otherwise a configuration file scanned for secrets.
    Data(Grammar),
    /// A file type the spec scans for secrets only.
    Text,
}

impl FileKind {
    /// The language whose quota a file counts against.
    pub fn quota_language(self) -> Option<Language> {
        match self {
            FileKind::Source(language, _) => Some(language),
            FileKind::Notebook => Some(Language::Python),
            FileKind::Data(_) | FileKind::Text => None,
        }
    }
}

/// Extensions of the spec's secrets-only file types.
const TEXT_EXTENSIONS: &[&str] = &[
    "class",
    "config",
    "cfg",
    "conf",
    "cnf",
    "cf",
    "env",
    "html",
    "htm",
    "ini",
    "jsp",
    "key",
    "md",
    "pem",
    "properties",
    "plist",
    "rst",
    "txt",
    "text",
    "toml",
    "xml",
];

/// Classifies a file by name; `None` for file types argus does not analyse.
pub fn classify(file_name: &str) -> Option<FileKind> {
    // `.env`, `.env.local`, `prod.env`
    if file_name == ".env" || file_name.starts_with(".env.") {
        return Some(FileKind::Text);
    }
    if matches!(
        file_name,
        "Rakefile" | "Gemfile" | "Guardfile" | "Vagrantfile"
    ) {
        return Some(FileKind::Source(Language::Ruby, Grammar::Ruby));
    }
    let (_, ext) = file_name.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    let kind = match ext.as_str() {
        "java" => FileKind::Source(Language::Java, Grammar::Java),
        "py" | "pyw" => FileKind::Source(Language::Python, Grammar::Python),
        "ipynb" => FileKind::Notebook,
        "js" | "mjs" | "cjs" | "jsx" => FileKind::Source(Language::JavaScript, Grammar::JavaScript),
        "ts" | "mts" | "cts" => FileKind::Source(Language::TypeScript, Grammar::TypeScript),
        "tsx" => FileKind::Source(Language::TypeScript, Grammar::Tsx),
        "cs" => FileKind::Source(Language::CSharp, Grammar::CSharp),
        "go" => FileKind::Source(Language::Go, Grammar::Go),
        "rb" | "rake" | "gemspec" => FileKind::Source(Language::Ruby, Grammar::Ruby),
        "tf" | "hcl" => FileKind::Source(Language::Terraform, Grammar::Hcl),
        "yaml" | "yml" => FileKind::Data(Grammar::Yaml),
        "json" | "template" => FileKind::Data(Grammar::Json),
        other if TEXT_EXTENSIONS.contains(&other) => FileKind::Text,
        _ => return None,
    };
    Some(kind)
}

/// Directory names that hold third-party code.
const THIRD_PARTY_DIRS: &[&str] = &[
    "node_modules",
    "bower_components",
    "jspm_packages",
    "vendor",
    "vendors",
    "third_party",
    "third-party",
    "thirdparty",
    "site-packages",
    "dist-packages",
    "__pypackages__",
    ".venv",
    "venv",
    "virtualenv",
    ".tox",
    ".nox",
    ".eggs",
    "Pods",
    "Carthage",
    ".bundle",
];

/// Directory names that hold tests.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "__mocks__",
    "testdata",
    "testing",
    "spec",
    "specs",
    "e2e",
];

/// Directories argus never enters (version control metadata, caches).
pub fn is_metadata_dir(name: &str) -> bool {
    matches!(
        name,
        ".git"
            | ".hg"
            | ".svn"
            | ".bzr"
            | "__pycache__"
            | ".mypy_cache"
            | ".pytest_cache"
            | ".ruff_cache"
    )
}

/// Why a directory holds third-party code, if it does. `has_pyvenv_cfg`
/// tells whether the directory contains `pyvenv.cfg` (a virtualenv under any
/// name).
pub fn third_party_dir(name: &str, has_pyvenv_cfg: bool) -> Option<String> {
    if THIRD_PARTY_DIRS.contains(&name) {
        return Some(format!("{name}/"));
    }
    has_pyvenv_cfg.then(|| "virtualenv (pyvenv.cfg)".to_string())
}

/// Whether a directory holds tests: a conventional test directory name, or
/// a .NET test project (`App.Tests`).
pub fn is_test_dir(name: &str) -> bool {
    TEST_DIRS.contains(&name)
        || name.ends_with(".Tests")
        || name.ends_with(".Test")
        || name.ends_with(".UnitTests")
        || name.ends_with(".IntegrationTests")
}

/// Whether a file name follows a test naming convention of its language.
pub fn is_test_file(file_name: &str, kind: FileKind) -> bool {
    let Some((stem, _)) = file_name.rsplit_once('.') else {
        return false;
    };
    let language = match kind {
        FileKind::Source(language, _) => language,
        // Test data: `test_rsa.key`, `settings_test.yaml`.
        FileKind::Notebook | FileKind::Data(_) | FileKind::Text => {
            return stem.starts_with("test_") || stem.ends_with("_test");
        }
    };
    match language {
        Language::Python => {
            stem.starts_with("test_") || stem.ends_with("_test") || stem == "conftest"
        }
        Language::Java => {
            // Surefire/Failsafe conventions: `*Test`, `*Tests`, `*IT`, `Test*`,
            // where the affix is its own word (`Testimonial` is not a test).
            let word_before = |suffix: &str| {
                stem.strip_suffix(suffix).is_some_and(|rest| {
                    rest.is_empty()
                        || rest.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                })
            };
            word_before("Test")
                || word_before("Tests")
                || (word_before("IT") && stem.len() > 2)
                || stem
                    .strip_prefix("Test")
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
        }
        Language::JavaScript | Language::TypeScript => {
            let lower = stem.to_ascii_lowercase();
            [
                ".test", ".spec", "-test", "-spec", ".e2e", ".cy", ".stories",
            ]
            .iter()
            .any(|s| lower.ends_with(s))
        }
        Language::Go => stem.ends_with("_test"),
        Language::Ruby => {
            stem.ends_with("_spec") || stem.ends_with("_test") || stem.starts_with("test_")
        }
        Language::CSharp => stem.ends_with("Tests") || stem.ends_with("Test"),
        Language::Terraform | Language::CloudFormation => false,
    }
}

/// Names of generated code by convention.
pub fn generated_by_name(file_name: &str) -> Option<&'static str> {
    const SUFFIXES: &[(&str, &str)] = &[
        ("_pb2.py", "protobuf"),
        ("_pb2_grpc.py", "protobuf"),
        (".pb.go", "protobuf"),
        (".pb.gw.go", "protobuf"),
        ("_grpc.pb.go", "protobuf"),
        (".g.cs", "source generator"),
        (".designer.cs", "designer"),
        (".Designer.cs", "designer"),
        (".generated.cs", "generated"),
        (".generated.ts", "generated"),
        (".d.ts", "type declarations"),
        ("_generated.go", "generated"),
    ];
    SUFFIXES
        .iter()
        .find(|(suffix, _)| file_name.ends_with(suffix))
        .map(|(_, why)| *why)
}

/// Names of minified bundles by convention.
pub fn minified_by_name(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    [
        ".min.js",
        "-min.js",
        ".min.mjs",
        ".min.cjs",
        ".bundle.js",
        ".chunk.js",
    ]
    .iter()
    .any(|s| lower.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_extension() {
        assert_eq!(
            classify("a.py"),
            Some(FileKind::Source(Language::Python, Grammar::Python))
        );
        assert_eq!(
            classify("A.JSX"),
            Some(FileKind::Source(Language::JavaScript, Grammar::JavaScript))
        );
        assert_eq!(
            classify("a.tsx"),
            Some(FileKind::Source(Language::TypeScript, Grammar::Tsx))
        );
        assert_eq!(
            classify("main.tf"),
            Some(FileKind::Source(Language::Terraform, Grammar::Hcl))
        );
        assert_eq!(classify("t.yaml"), Some(FileKind::Data(Grammar::Yaml)));
        assert_eq!(classify(".env"), Some(FileKind::Text));
        assert_eq!(classify(".env.production"), Some(FileKind::Text));
        assert_eq!(classify("id_rsa.pem"), Some(FileKind::Text));
        assert_eq!(classify("n.ipynb"), Some(FileKind::Notebook));
        assert_eq!(classify("a.rs"), None);
        assert_eq!(classify("Makefile"), None);
    }

    #[test]
    fn recognises_test_files() {
        let py = classify("x.py").unwrap();
        assert!(is_test_file("test_views.py", py));
        assert!(is_test_file("views_test.py", py));
        assert!(!is_test_file("testing_utils.py", py));
        let java = classify("x.java").unwrap();
        assert!(is_test_file("UserServiceTest.java", java));
        assert!(is_test_file("Test.java", java));
        assert!(is_test_file("TestUsers.java", java));
        assert!(is_test_file("OrderFlowIT.java", java));
        assert!(!is_test_file("Testimonial.java", java));
        assert!(!is_test_file("Contest.java", java));
        assert!(!is_test_file("AUDIT.java", java));
        let ts = classify("x.ts").unwrap();
        assert!(is_test_file("app.spec.ts", ts));
        assert!(!is_test_file("inspect.ts", ts));
        assert!(is_test_file("handler_test.go", classify("x.go").unwrap()));
        assert!(is_test_dir("Api.Tests"));
    }
}
