use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request data into regular expression patterns compiled by
    /// `re` and `regex` (`re.compile`, `re.search`, `re.match`, `re.sub`,
    /// ...). Input escaped with `re.escape` is safe.
    ///
    /// ## Why is this bad?
    /// Python's regex engine backtracks: a pattern such as `(a+)+$` takes
    /// exponential time on a short input, so one request occupies a worker
    /// for minutes. Input in the pattern also changes what it matches,
    /// which breaks validation built on it.
    ///
    /// ## Example
    /// ```python
    /// term = request.args["q"]
    /// hits = [line for line in lines if re.search(term, line)]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// term = re.escape(request.args["q"])
    /// hits = [line for line in lines if re.search(term, line)]
    /// ```
    ///
    /// ## References
    /// - [CWE-1333: Inefficient Regular Expression Complexity](https://cwe.mitre.org/data/definitions/1333.html)
    /// - [CWE-730: OWASP Top Ten 2004 A9 - Denial of Service](https://cwe.mitre.org/data/definitions/730.html)
    /// - [OWASP ReDoS](https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS)
    pub static SPEC = {
        ids: &["python/regular-expression-dos@v1.0"],
        languages: &[Language::Python],
        name: "Regular expression injection (ReDoS)",
        category: Category::Security,
        cwes: &[1333, 730, 400],
        tags: &["denial-of-service", "regex"],
        access: Access::CrashOrSlowdown,
        effort: Effort::OverInternet,
        remediation: "Escape input with re.escape before it joins a pattern, or match it literally (str.find, `in`).",
        keywords: &["re.", "regex", "import re"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const PATTERN: &str = "a regular expression compiled by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new("re.compile", &[Arg::At(0, "pattern")], "re", PATTERN),
        Sink::new("re.search", &[Arg::At(0, "pattern")], "re", PATTERN),
        Sink::new("re.match", &[Arg::At(0, "pattern")], "re", PATTERN),
        Sink::new("re.fullmatch", &[Arg::At(0, "pattern")], "re", PATTERN),
        Sink::new("re.findall", &[Arg::At(0, "pattern")], "re", PATTERN),
        Sink::new("re.finditer", &[Arg::At(0, "pattern")], "re", PATTERN),
        Sink::new("re.split", &[Arg::At(0, "pattern")], "re", PATTERN),
        Sink::new("re.sub", &[Arg::At(0, "pattern")], "re", PATTERN),
        Sink::new("re.subn", &[Arg::At(0, "pattern")], "re", PATTERN),
        Sink::new("regex.compile", &[Arg::At(0, "pattern")], "regex", PATTERN),
        Sink::new("regex.search", &[Arg::At(0, "pattern")], "regex", PATTERN),
        Sink::new("regex.match", &[Arg::At(0, "pattern")], "regex", PATTERN),
    ],
    sanitizers: &["re.escape", "regex.escape"],
    ..TaintSpec::DEFAULT
};
