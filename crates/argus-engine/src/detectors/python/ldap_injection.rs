use super::super::prelude::*;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into LDAP search filters and base DNs of
    /// python-ldap (`search_s`, `search`, `search_ext`, ...) and ldap3
    /// (`Connection.search`). Values escaped with `escape_filter_chars` or
    /// `escape_dn_chars` are safe.
    ///
    /// ## Why is this bad?
    /// `*`, `(`, `)` and `|` in the input rewrite the filter: `*)(uid=*`
    /// matches every entry, which bypasses lookups used to authenticate or
    /// authorize, and leaks directory data.
    ///
    /// ## Example
    /// ```python
    /// user = request.form["user"]
    /// conn.search_s(BASE, ldap.SCOPE_SUBTREE, f"(uid={user})")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// user = ldap.filter.escape_filter_chars(request.form["user"])
    /// conn.search_s(BASE, ldap.SCOPE_SUBTREE, f"(uid={user})")
    /// ```
    ///
    /// ## References
    /// - [CWE-90: LDAP Injection](https://cwe.mitre.org/data/definitions/90.html)
    /// - [OWASP LDAP Injection Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/LDAP_Injection_Prevention_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["python/ldap-injection@v1.0"],
        languages: &[Language::Python],
        name: "LDAP injection",
        category: Category::Security,
        cwes: &[90],
        tags: &["injection", "ldap"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Escape values with escape_filter_chars (filters) or escape_dn_chars (DNs) before building the query.",
        keywords: &["ldap"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const FILTER: &str = "an LDAP query run by {callee}";

/// The file uses an LDAP library (`.search` is also a regex method).
fn uses_ldap(_: Node<'_>, _: &str, semantic: &SemanticModel) -> bool {
    semantic.imports_any(&["ldap", "ldap3"])
}

/// `conn.search(base, filter, ...)`: a regex's `.search(text)` takes one.
fn ldap_search(call: Node<'_>, text: &str, semantic: &SemanticModel) -> bool {
    uses_ldap(call, text, semantic)
        && (positional_arguments(crate::lang::Grammar::Python, call).len() >= 2
            || keyword_argument(call, "search_filter", text).is_some()
            || keyword_argument(call, "filterstr", text).is_some())
}

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            ".search_s",
            &[Arg::At(0, "base"), Arg::At(2, "filterstr")],
            "python-ldap",
            FILTER,
        )
        .when(uses_ldap),
        Sink::new(
            ".search_st",
            &[Arg::At(0, "base"), Arg::At(2, "filterstr")],
            "python-ldap",
            FILTER,
        )
        .when(uses_ldap),
        Sink::new(
            ".search_ext",
            &[Arg::At(0, "base"), Arg::At(2, "filterstr")],
            "python-ldap",
            FILTER,
        )
        .when(uses_ldap),
        Sink::new(
            ".search_ext_s",
            &[Arg::At(0, "base"), Arg::At(2, "filterstr")],
            "python-ldap",
            FILTER,
        )
        .when(uses_ldap),
        Sink::new(
            ".search",
            &[
                Arg::At(0, "search_base"),
                Arg::At(1, "search_filter"),
                Arg::At(2, "filterstr"),
            ],
            "ldap3",
            FILTER,
        )
        .when(ldap_search),
    ],
    sanitizers: &[
        "ldap.filter.escape_filter_chars",
        "ldap.dn.escape_dn_chars",
        "ldap3.utils.conv.escape_filter_chars",
        "ldap3.utils.dn.escape_rdn",
        "escape_filter_chars",
        "escape_dn_chars",
    ],
    ..TaintSpec::DEFAULT
};
