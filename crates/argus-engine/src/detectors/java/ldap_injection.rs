use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input into LDAP search filters and names: JNDI
    /// `DirContext.search`, Spring LDAP `LdapTemplate.search`/
    /// `searchForObject`, and UnboundID `LDAPConnection.search` and
    /// `Filter.create`. Input encoded with ESAPI `encodeForLDAP`/
    /// `encodeForDN`, Spring `LdapEncoder`, UnboundID
    /// `Filter.encodeValue` or JNDI `Rdn.escapeValue`, or passed as a
    /// filter argument (`{0}`), is safe.
    ///
    /// ## Why is this bad?
    /// `*`, `)` and `(` in the input change the filter's logic: an
    /// attacker lists every entry, reads attributes they should not see,
    /// or passes a login check with `*`.
    ///
    /// ## Example
    /// ```java
    /// String user = request.getParameter("user");
    /// ctx.search("ou=people,dc=example,dc=com", "(uid=" + user + ")", controls);
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// String user = request.getParameter("user");
    /// ctx.search("ou=people,dc=example,dc=com", "(uid={0})", new Object[] {user}, controls);
    /// ```
    ///
    /// ## References
    /// - [CWE-90: LDAP Injection](https://cwe.mitre.org/data/definitions/90.html)
    /// - [OWASP LDAP Injection Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/LDAP_Injection_Prevention_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["java/ldap-injection@v1.0"],
        languages: &[Language::Java],
        name: "LDAP injection",
        category: Category::Security,
        cwes: &[90],
        tags: &["injection", "ldap", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Pass input as filter arguments (`{0}` with filterArgs) or encode it with an LDAP filter encoder (Spring LdapEncoder.filterEncode, ESAPI encodeForLDAP).",
        keywords: &["search", "Filter.create", "LdapQuery"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const FILTER: &str = "an LDAP search by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "javax.naming.directory.DirContext.search",
            &[Arg::At(0, "name"), Arg::At(1, "filter")],
            "ldap-injection",
            FILTER,
        )
        .when(filter_is_text),
        Sink::new(
            "DirContext.search",
            &[Arg::At(0, "name"), Arg::At(1, "filter")],
            "ldap-injection",
            FILTER,
        )
        .when(filter_is_text),
        Sink::new(
            "org.springframework.ldap.core.LdapTemplate.search",
            &[Arg::At(0, "base"), Arg::At(1, "filter")],
            "ldap-injection",
            FILTER,
        )
        .when(filter_is_text),
        Sink::new(
            "org.springframework.ldap.core.LdapTemplate.searchForObject",
            &[Arg::At(0, "base"), Arg::At(1, "filter")],
            "ldap-injection",
            FILTER,
        ),
        Sink::new(
            "LdapTemplate.search",
            &[Arg::At(0, "base"), Arg::At(1, "filter")],
            "ldap-injection",
            FILTER,
        )
        .when(filter_is_text),
        Sink::new(
            "com.unboundid.ldap.sdk.LDAPConnection.search",
            &[Arg::At(2, "filter")],
            "ldap-injection",
            FILTER,
        ),
        Sink::new(
            "com.unboundid.ldap.sdk.Filter.create",
            &[Arg::At(0, "filter")],
            "ldap-injection",
            "an LDAP filter built by {callee}",
        ),
    ],
    sanitizers: &[
        ".encodeForLDAP",
        ".encodeForDN",
        "org.springframework.ldap.support.LdapEncoder.filterEncode",
        "org.springframework.ldap.support.LdapEncoder.nameEncode",
        "LdapEncoder.filterEncode",
        "LdapEncoder.nameEncode",
        "com.unboundid.ldap.sdk.Filter.encodeValue",
        "javax.naming.ldap.Rdn.escapeValue",
        "Rdn.escapeValue",
    ],
    ..TaintSpec::DEFAULT
};

/// `search(name, filter, ...)` with a filter string, not the
/// `search(name, attributes)` overload nor a query object.
fn filter_is_text(call: Node<'_>, _: &str, _: &crate::semantic::SemanticModel) -> bool {
    super::call_args(call).len() >= 2
}
