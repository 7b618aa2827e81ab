use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds prototype pollution: keys from the input used two levels deep
    /// in an assignment (`obj[key][sub] = value`, where `key` may be
    /// `__proto__` or `constructor`), and input objects merged or written
    /// by path with functions that follow `__proto__` (`lodash` `merge`,
    /// `mergeWith`, `defaultsDeep`, `set`, `setWith`, `zipObjectDeep`,
    /// jQuery's deep `extend`, `dot-prop` and `object-path` `set`,
    /// `merge-deep`, `deep-extend`). Keys of an object from the input
    /// (`for (const k in req.body)`) are input too. `Object.assign` and
    /// the spread operator copy own properties only and are not reported.
    ///
    /// ## Why is this bad?
    /// Writing through `__proto__` changes `Object.prototype`, so every
    /// object of the process gains the attacker's property: an `isAdmin`
    /// flag, a template option that runs code, a `shell` option for
    /// `child_process`.
    ///
    /// ## Example
    /// ```javascript
    /// app.post("/settings", (req, res) => {
    ///   const { section, key, value } = req.body;
    ///   settings[section][key] = value;
    ///   res.end();
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const SECTIONS = new Set(["display", "email"]);
    /// app.post("/settings", (req, res) => {
    ///   const { section, key, value } = req.body;
    ///   if (!SECTIONS.has(section) || key === "__proto__" || key === "constructor") return res.status(400).end();
    ///   settings[section][key] = value;
    ///   res.end();
    /// });
    /// ```
    /// Or keep such data in a `Map`, or in objects made with
    /// `Object.create(null)`.
    ///
    /// ## References
    /// - [CWE-1321: Prototype Pollution](https://cwe.mitre.org/data/definitions/1321.html)
    /// - [CWE-915: Improperly Controlled Modification of Dynamically-Determined Object Attributes](https://cwe.mitre.org/data/definitions/915.html)
    pub static SPEC = {
        ids: &["javascript/insecure-object-attribute-modification@v1.0", "typescript/insecure-object-attribute-modification@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Prototype pollution",
        category: Category::Security,
        cwes: &[1321, 915],
        tags: &["prototype-pollution", "injection"],
        access: Access::FullControl,
        effort: Effort::InternetHighEffort,
        remediation: "Refuse `__proto__`, `constructor` and `prototype` as keys (or use a Map / Object.create(null)), and do not deep-merge input objects with functions that follow __proto__.",
        keywords: &["[", "merge", "set", "extend", "defaultsdeep"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const MERGE: &str = "a deep merge by {callee}";
const PATH: &str = "a property path written by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            ".[][]=",
            &[Arg::At(0, "key")],
            "assignment",
            "the key of a nested property assignment",
        ),
        Sink::new("lodash.merge", &[Arg::Any], "merge", MERGE),
        Sink::new("lodash.mergeWith", &[Arg::Any], "merge", MERGE),
        Sink::new("lodash.defaultsDeep", &[Arg::Any], "merge", MERGE),
        Sink::new("lodash.set", &[Arg::At(1, "path")], "path", PATH),
        Sink::new("lodash.setWith", &[Arg::At(1, "path")], "path", PATH),
        Sink::new("lodash.zipObjectDeep", &[Arg::At(0, "paths")], "path", PATH),
        Sink::new("lodash/merge", &[Arg::Any], "merge", MERGE),
        Sink::new("lodash/set", &[Arg::At(1, "path")], "path", PATH),
        Sink::new("lodash.merge.merge", &[Arg::Any], "merge", MERGE),
        Sink::new("merge-deep", &[Arg::Any], "merge", MERGE),
        Sink::new("deep-extend", &[Arg::Any], "merge", MERGE),
        Sink::new("dot-prop.setProperty", &[Arg::At(1, "path")], "path", PATH),
        Sink::new("dot-prop.set", &[Arg::At(1, "path")], "path", PATH),
        Sink::new("object-path.set", &[Arg::At(1, "path")], "path", PATH),
        Sink::new("jquery.extend", &[Arg::Any], "merge", MERGE),
        Sink::new("$.extend", &[Arg::Any], "merge", MERGE),
    ],
    sanitizers: &[],
    local_sources: false,
    ..TaintSpec::DEFAULT
};
