use super::super::prelude::*;
use super::{bool_literal, call_args, object_property};
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into XML parsed with external entities turned
    /// on: `libxmljs`/`libxmljs2` `parseXml`, `parseXmlString` and
    /// `parseHtml` with `noent: true` (which substitutes entities,
    /// including `SYSTEM` ones that read files and URLs) or `dtdload:
    /// true`. The default options, `xml2js`, `fast-xml-parser` and the
    /// browser's `DOMParser` do not resolve external entities and are not
    /// reported.
    ///
    /// ## Why is this bad?
    /// A document declaring `<!ENTITY x SYSTEM "file:///etc/passwd">` gets
    /// the file pasted into the parsed result, which is often echoed back;
    /// `http://` entities make the server request internal URLs.
    ///
    /// ## Example
    /// ```javascript
    /// const libxmljs = require("libxmljs");
    /// app.post("/import", (req, res) => {
    ///   const doc = libxmljs.parseXml(req.body.xml, { noent: true });
    ///   res.send(doc.root().text());
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const libxmljs = require("libxmljs");
    /// app.post("/import", (req, res) => {
    ///   const doc = libxmljs.parseXml(req.body.xml);
    ///   res.send(doc.root().text());
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-611: Improper Restriction of XML External Entity Reference](https://cwe.mitre.org/data/definitions/611.html)
    /// - [OWASP XXE Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["javascript/xml-external-entity@v1.0", "typescript/xml-external-entity@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "XML external entity",
        category: Category::Security,
        cwes: &[611, 776],
        tags: &["xml", "xxe", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Parse untrusted XML without noent/dtdload (libxmljs defaults), or with a parser that does not resolve external entities.",
        keywords: &["noent", "dtdload"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const PARSE: &str = "XML parsed with external entities by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new("libxmljs.parseXml", &[Arg::At(0, "xml")], "libxmljs", PARSE).when(entities_on),
        Sink::new(
            "libxmljs.parseXmlString",
            &[Arg::At(0, "xml")],
            "libxmljs",
            PARSE,
        )
        .when(entities_on),
        Sink::new(
            "libxmljs.parseHtml",
            &[Arg::At(0, "xml")],
            "libxmljs",
            PARSE,
        )
        .when(entities_on),
        Sink::new(
            "libxmljs2.parseXml",
            &[Arg::At(0, "xml")],
            "libxmljs",
            PARSE,
        )
        .when(entities_on),
        Sink::new(
            "libxmljs2.parseXmlString",
            &[Arg::At(0, "xml")],
            "libxmljs",
            PARSE,
        )
        .when(entities_on),
        Sink::new(
            "libxmljs2.parseHtml",
            &[Arg::At(0, "xml")],
            "libxmljs",
            PARSE,
        )
        .when(entities_on),
        Sink::new(".parseXml", &[Arg::At(0, "xml")], "libxmljs", PARSE).when(entities_on),
        Sink::new(".parseXmlString", &[Arg::At(0, "xml")], "libxmljs", PARSE).when(entities_on),
    ],
    ..TaintSpec::DEFAULT
};

/// `{ noent: true }` or `{ dtdload: true }` among the options.
fn entities_on(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    call_args(call).into_iter().any(|a| {
        ["noent", "dtdload"].iter().any(|k| {
            object_property(a, k, text).is_some_and(|v| bool_literal(v, text) == Some(true))
        })
    })
}
