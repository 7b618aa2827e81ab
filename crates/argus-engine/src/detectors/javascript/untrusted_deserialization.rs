use super::super::prelude::*;
use super::{call_args, object_property};
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into deserializers that rebuild functions:
    /// `node-serialize`'s `unserialize`, `serialize-to-js`'s
    /// `deserialize`, `funcster`, `cryo`, and `js-yaml` loading with the
    /// JavaScript types (`schema: DEFAULT_FULL_SCHEMA` or `JS_SCHEMA`, or
    /// `loadAll`/`load` of js-yaml 3 given such a schema). `JSON.parse`
    /// and js-yaml's default schema build plain data and are safe.
    ///
    /// ## Why is this bad?
    /// These formats can carry functions, and `node-serialize` calls any
    /// function written as an immediately invoked expression while
    /// decoding: whoever sends the data runs code on the server.
    ///
    /// ## Example
    /// ```javascript
    /// const serialize = require("node-serialize");
    /// app.get("/profile", (req, res) => {
    ///   const profile = serialize.unserialize(Buffer.from(req.cookies.profile, "base64").toString());
    ///   res.json(profile);
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.get("/profile", (req, res) => {
    ///   const profile = JSON.parse(Buffer.from(req.cookies.profile, "base64").toString());
    ///   res.json(profile);
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    /// - [OWASP Deserialization Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Deserialization_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["javascript/untrusted-deserialization@v1.0", "typescript/untrusted-deserialization@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Untrusted deserialization",
        category: Category::Security,
        cwes: &[502],
        tags: &["deserialization", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Decode untrusted data with JSON.parse (or js-yaml's default schema) and validate it; never with serializers that rebuild functions.",
        keywords: &["unserialize", "deserialize", "funcster", "cryo", "yaml"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const DECODE: &str = "data decoded by {callee}, which can run functions";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "node-serialize.unserialize",
            &[Arg::At(0, "data")],
            "node-serialize",
            DECODE,
        ),
        Sink::new(
            "serialize-to-js.deserialize",
            &[Arg::At(0, "data")],
            "serialize-to-js",
            DECODE,
        ),
        Sink::new(
            "funcster.deepDeserialize",
            &[Arg::At(0, "data")],
            "funcster",
            DECODE,
        ),
        Sink::new(
            "funcster.deserialize",
            &[Arg::At(0, "data")],
            "funcster",
            DECODE,
        ),
        Sink::new("cryo.parse", &[Arg::At(0, "data")], "cryo", DECODE),
        Sink::new("js-yaml.load", &[Arg::At(0, "data")], "yaml", DECODE).when(javascript_schema),
        Sink::new("js-yaml.loadAll", &[Arg::At(0, "data")], "yaml", DECODE).when(javascript_schema),
    ],
    ..TaintSpec::DEFAULT
};

/// js-yaml given the schema with JavaScript functions and regexps.
fn javascript_schema(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    call_args(call).into_iter().any(|a| {
        object_property(a, "schema", text).is_some_and(|s| {
            let written = node_text(s, text);
            written.contains("DEFAULT_FULL_SCHEMA") || written.contains("JS_SCHEMA")
        })
    })
}
