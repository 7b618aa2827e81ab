use super::super::prelude::*;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into deserializers that can build arbitrary
    /// objects: `pickle`, `dill`, `marshal`, `shelve`, `jsonpickle`,
    /// `joblib`, `pandas.read_pickle`, `torch.load` without
    /// `weights_only=True`, `numpy.load` with `allow_pickle=True`, and
    /// `yaml.load`/`unsafe_load` with an unsafe loader.
    ///
    /// Independently of where the data comes from, it also reports
    /// `yaml.load` called without a loader or with `Loader`,
    /// `UnsafeLoader` or `FullLoader`: the default is unsafe on older
    /// PyYAML and the intent is never clear.
    ///
    /// ## Why is this bad?
    /// These formats describe objects to construct and functions to call
    /// while loading. A crafted payload runs code in the process that
    /// loads it; no validation after loading helps.
    ///
    /// ## Example
    /// ```python
    /// state = pickle.loads(base64.b64decode(request.cookies["state"]))
    /// config = yaml.load(text)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// state = json.loads(base64.b64decode(request.cookies["state"]))
    /// config = yaml.safe_load(text)
    /// ```
    /// Sign data you must round-trip (`itsdangerous`), and load models
    /// with `torch.load(path, weights_only=True)`.
    ///
    /// ## References
    /// - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    /// - [Python pickle: warning](https://docs.python.org/3/library/pickle.html)
    /// - [PyYAML load deprecation](https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation)
    pub static SPEC = {
        ids: &["python/untrusted-deserialization@v1.0"],
        languages: &[Language::Python],
        name: "Untrusted deserialization",
        category: Category::Security,
        cwes: &[502],
        tags: &["deserialization", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Load untrusted data only with data-only formats (json, yaml.safe_load); sign what must round-trip; use torch.load(weights_only=True).",
        keywords: &["pickle", "dill", "marshal", "shelve", "jsonpickle", "joblib", "yaml", "torch", "numpy", "np."],
        check: Check::Taint { spec: &TAINT, kinds: &["call"], run: Some(check_yaml) },
    };
}

const LOADS: &str = "objects deserialized by {callee}";

/// `torch.load` without `weights_only=True`.
fn torch_unsafe(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    keyword_argument(call, "weights_only", text).is_none_or(|v| node_text(v, text) != "True")
}

/// `numpy.load(..., allow_pickle=True)`.
fn numpy_pickle(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    keyword_argument(call, "allow_pickle", text).is_some_and(|v| node_text(v, text) == "True")
}

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new("pickle.loads", &[Arg::At(0, "data")], "pickle", LOADS),
        Sink::new("pickle.load", &[Arg::At(0, "file")], "pickle", LOADS),
        Sink::new("pickle.Unpickler", &[Arg::At(0, "file")], "pickle", LOADS),
        Sink::new("_pickle.loads", &[Arg::At(0, "data")], "pickle", LOADS),
        Sink::new("cPickle.loads", &[Arg::At(0, "data")], "pickle", LOADS),
        Sink::new("dill.loads", &[Arg::At(0, "str")], "pickle", LOADS),
        Sink::new("dill.load", &[Arg::At(0, "file")], "pickle", LOADS),
        Sink::new("marshal.loads", &[Arg::At(0, "bytes")], "marshal", LOADS),
        Sink::new("marshal.load", &[Arg::At(0, "file")], "marshal", LOADS),
        Sink::new("shelve.open", &[Arg::At(0, "filename")], "shelve", LOADS),
        Sink::new(
            "jsonpickle.decode",
            &[Arg::At(0, "string")],
            "jsonpickle",
            LOADS,
        ),
        Sink::new(
            "jsonpickle.loads",
            &[Arg::At(0, "string")],
            "jsonpickle",
            LOADS,
        ),
        Sink::new("joblib.load", &[Arg::At(0, "filename")], "pickle", LOADS),
        Sink::new(
            "pandas.read_pickle",
            &[Arg::At(0, "filepath_or_buffer")],
            "pickle",
            LOADS,
        ),
        Sink::new("torch.load", &[Arg::At(0, "f")], "torch", LOADS).when(torch_unsafe),
        Sink::new("numpy.load", &[Arg::At(0, "file")], "numpy", LOADS).when(numpy_pickle),
        Sink::new("yaml.unsafe_load", &[Arg::At(0, "stream")], "yaml", LOADS),
        Sink::new(
            "yaml.unsafe_load_all",
            &[Arg::At(0, "stream")],
            "yaml",
            LOADS,
        ),
        Sink::new("yaml.full_load", &[Arg::At(0, "stream")], "yaml", LOADS),
    ],
    ..TaintSpec::DEFAULT
};

#[derive(Debug, PartialEq, Eq)]
enum LoaderKind {
    /// No loader given.
    Missing,
    Safe,
    Unsafe(String),
}

/// The loader a `yaml.load` call uses.
fn yaml_loader(call: Node<'_>, text: &str, semantic: &SemanticModel) -> LoaderKind {
    let Some(loader) = argument(call, 1, "Loader", text) else {
        return LoaderKind::Missing;
    };
    // Only PyYAML's own unsafe loaders are known to be unsafe; a loader
    // class of the project's own (or a parameter) was chosen knowingly.
    const UNSAFE: &[&str] = &[
        "Loader",
        "UnsafeLoader",
        "FullLoader",
        "CLoader",
        "CUnsafeLoader",
        "CFullLoader",
    ];
    semantic
        .qualified_names(loader, text)
        .iter()
        .find_map(|name| {
            let member = name.strip_prefix("yaml.")?;
            let member = member.strip_prefix("loader.").unwrap_or(member);
            UNSAFE
                .contains(&member)
                .then(|| LoaderKind::Unsafe(member.to_string()))
        })
        .unwrap_or(LoaderKind::Safe)
}

/// `yaml.load(x)` / `yaml.load(x, Loader=yaml.Loader)`, whatever `x` is.
fn check_yaml(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(target) = checker
        .semantic
        .call_matches(call, text, &["yaml.load", "yaml.load_all"])
    else {
        return;
    };
    let safe_name = if target == "yaml.load" {
        "safe_load"
    } else {
        "safe_load_all"
    };
    let message = match yaml_loader(call, text, checker.semantic) {
        LoaderKind::Safe => return,
        LoaderKind::Missing => format!(
            "{target} without a Loader can construct arbitrary Python objects; use yaml.{safe_name}"
        ),
        LoaderKind::Unsafe(loader) => format!(
            "{target} with {loader} can construct arbitrary Python objects; use yaml.{safe_name}"
        ),
    };
    let mut violation = Violation::new("yaml-load", message);
    if let Some(method) = super::method_name_node(call) {
        let mut edits = vec![Edit::replace(method.byte_range(), safe_name)];
        let loader_argument = keyword_argument(call, "Loader", text)
            .and_then(|v| v.parent())
            .or_else(|| {
                positional_arguments(crate::lang::Grammar::Python, call)
                    .get(1)
                    .copied()
            });
        if let Some(argument) = loader_argument {
            edits.push(super::remove_keyword_argument(argument, text));
        }
        violation = violation.with_fix(Fix::new(format!("Use yaml.{safe_name}"), edits));
    }
    checker.report(call, violation);
}
