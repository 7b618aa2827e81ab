use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds XML parsers configured to load external entities:
    /// - lxml parsers (`lxml.etree.XMLParser`, `XMLPullParser`,
    ///   `iterparse`) created with `resolve_entities=True` or
    ///   `no_network=False`;
    /// - SAX parsers given `setFeature(feature_external_ges, True)` or
    ///   `setFeature(feature_external_pes, True)` (by constant or by the
    ///   feature's URI).
    ///
    /// Parsers that keep the safe settings, `defusedxml`, and
    /// `xml.dom.minidom`/`pulldom` parsing (which no longer fetch external
    /// entities since Python 3.7.1) are not reported.
    ///
    /// ## Why is this bad?
    /// An external entity makes the parser read a URL or a local file and
    /// insert it into the document. A document sent by an attacker then
    /// returns `/etc/passwd` or cloud credentials in the parsed result,
    /// makes the server request internal URLs, or expands entities until
    /// memory runs out.
    ///
    /// ## Example
    /// ```python
    /// from lxml import etree
    ///
    /// parser = etree.XMLParser(resolve_entities=True)
    /// tree = etree.fromstring(request.body, parser)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from lxml import etree
    ///
    /// parser = etree.XMLParser(resolve_entities=False, no_network=True)
    /// tree = etree.fromstring(request.body, parser)
    /// ```
    /// Or parse untrusted XML with `defusedxml`.
    ///
    /// ## References
    /// - [CWE-611: Improper Restriction of XML External Entity Reference](https://cwe.mitre.org/data/definitions/611.html)
    /// - [CWE-776: Improper Restriction of Recursive Entity References in DTDs ('XML Entity Expansion')](https://cwe.mitre.org/data/definitions/776.html)
    /// - [Python: XML vulnerabilities](https://docs.python.org/3/library/xml.html#xml-vulnerabilities)
    /// - [lxml: XMLParser options](https://lxml.de/api/lxml.etree.XMLParser-class.html)
    /// - [OWASP XXE Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html#python)
    pub static SPEC = {
        ids: &["python/xml-external-entity@v1.0"],
        languages: &[Language::Python],
        name: "XML external entity",
        category: Category::Security,
        cwes: &[611, 776],
        tags: &["xml", "injection", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Parse untrusted XML with resolve_entities=False and no_network=True (lxml), keep SAX external entity features off, or use defusedxml.",
        keywords: &["resolve_entities", "no_network", "setfeature"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

const LXML_PARSERS: &[&str] = &[
    "lxml.etree.XMLParser",
    "lxml.etree.XMLPullParser",
    "lxml.etree.iterparse",
    "lxml.etree.ETCompatXMLParser",
];

/// SAX features that load external entities: constant and URI.
const SAX_FEATURES: &[(&str, &str)] = &[
    (
        "xml.sax.handler.feature_external_ges",
        "http://xml.org/sax/features/external-general-entities",
    ),
    (
        "xml.sax.handler.feature_external_pes",
        "http://xml.org/sax/features/external-parameter-entities",
    ),
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if let Some(target) = checker.semantic.call_matches(call, text, LXML_PARSERS) {
        let short = target.rsplit('.').next().unwrap_or(target);
        if let Some(value) =
            keyword_argument(call, "resolve_entities", text).filter(|v| v.kind() == "true")
        {
            let violation = Violation::new(
                "lxml-resolve-entities",
                format!("{short}(resolve_entities=True) expands external entities of the documents it parses"),
            )
            .with_fix(Fix::replace(
                "Do not resolve entities (resolve_entities=False)",
                value.byte_range(),
                "False",
            ));
            checker.report(call, violation);
        } else if let Some(value) =
            keyword_argument(call, "no_network", text).filter(|v| v.kind() == "false")
        {
            let violation = Violation::new(
                "lxml-network",
                format!("{short}(no_network=False) fetches entities and DTDs over the network"),
            )
            .with_fix(Fix::replace(
                "Forbid network access (no_network=True)",
                value.byte_range(),
                "True",
            ));
            checker.report(call, violation);
        }
        return;
    }
    let is_set_feature =
        super::method_name_node(call).is_some_and(|m| node_text(m, text) == "setFeature");
    if !is_set_feature {
        return;
    }
    let positional = positional_arguments(checker.grammar, call);
    let [feature, state] = positional.as_slice() else {
        return;
    };
    let enables = state.kind() == "true" || node_text(*state, text) == "1";
    if !enables {
        return;
    }
    let names = checker.semantic.qualified_names(*feature, text);
    let uri = string_literal(*feature, text);
    let known = SAX_FEATURES.iter().any(|(constant, feature_uri)| {
        names.iter().any(|n| n == constant) || uri.as_deref() == Some(*feature_uri)
    });
    if !known {
        return;
    }
    let violation = Violation::new(
        "sax-external-entities",
        "this SAX parser loads external entities of the documents it parses",
    )
    .with_fix(Fix::replace(
        "Keep external entities off",
        state.byte_range(),
        "False",
    ));
    checker.report(call, violation);
}
