use super::super::prelude::*;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into MongoDB queries (the `mongodb` driver and
    /// Mongoose): JavaScript operators (`$where`, `$function`,
    /// `$accumulator`) built from any input, `.$where(...)`, and query
    /// values that may be objects. Express parses `?user[$ne]=x` and JSON
    /// bodies into objects, so `{ user: req.body.user }` can become `{
    /// user: { $ne: "x" } }` and match every document. Values converted to
    /// strings (`String(x)`, a template literal) or numbers, and ids
    /// validated with `isValidObjectId`, are safe.
    ///
    /// ## Why is this bad?
    /// Operators smuggled into a query bypass a login (`{ password: { $ne:
    /// null } }`), dump collections, or run JavaScript on the database
    /// server through `$where`.
    ///
    /// ## Example
    /// ```javascript
    /// app.post("/login", async (req, res) => {
    ///   const user = await User.findOne({ name: req.body.name, password: req.body.password });
    ///   res.json({ ok: Boolean(user) });
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.post("/login", async (req, res) => {
    ///   const user = await User.findOne({ name: String(req.body.name) });
    ///   res.json({ ok: Boolean(user) && (await bcrypt.compare(String(req.body.password), user.hash)) });
    /// });
    /// ```
    /// Or enable Mongoose's `sanitizeFilter`, or `express-mongo-sanitize`.
    ///
    /// ## References
    /// - [CWE-943: Improper Neutralization of Special Elements in Data Query Logic](https://cwe.mitre.org/data/definitions/943.html)
    /// - [Mongoose: sanitizeFilter](https://mongoosejs.com/docs/api/mongoose.html#Mongoose.prototype.sanitizeFilter())
    /// - [OWASP Testing for NoSQL Injection](https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/07-Input_Validation_Testing/05.6-Testing_for_NoSQL_Injection)
    pub static SPEC = {
        ids: &["javascript/nosql-injection@v1.0", "typescript/nosql-injection@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "NoSQL injection",
        category: Category::Security,
        cwes: &[943],
        tags: &["injection", "nosql", "mongodb", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Convert query values to the type you expect (String(x), Number(x)), reject objects, and never build $where from input; enable sanitizeFilter or express-mongo-sanitize.",
        keywords: &["mongo", "find", "$where", "aggregate", "update", "delete", "count"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const QUERY: &str = "a MongoDB query run by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(".find", &[Arg::QueryDocument(0, "filter")], "query", QUERY).when(mongo),
        Sink::new(
            ".findOne",
            &[Arg::QueryDocument(0, "filter")],
            "query",
            QUERY,
        )
        .when(mongo),
        Sink::new(
            ".findOneAndUpdate",
            &[Arg::QueryDocument(0, "filter")],
            "query",
            QUERY,
        )
        .when(mongo),
        Sink::new(
            ".findOneAndDelete",
            &[Arg::QueryDocument(0, "filter")],
            "query",
            QUERY,
        )
        .when(mongo),
        Sink::new(
            ".findOneAndReplace",
            &[Arg::QueryDocument(0, "filter")],
            "query",
            QUERY,
        )
        .when(mongo),
        Sink::new(
            ".updateOne",
            &[Arg::QueryDocument(0, "filter")],
            "query",
            QUERY,
        )
        .when(mongo),
        Sink::new(
            ".updateMany",
            &[Arg::QueryDocument(0, "filter")],
            "query",
            QUERY,
        )
        .when(mongo),
        Sink::new(
            ".deleteOne",
            &[Arg::QueryDocument(0, "filter")],
            "query",
            QUERY,
        )
        .when(mongo),
        Sink::new(
            ".deleteMany",
            &[Arg::QueryDocument(0, "filter")],
            "query",
            QUERY,
        )
        .when(mongo),
        Sink::new(
            ".countDocuments",
            &[Arg::QueryDocument(0, "filter")],
            "query",
            QUERY,
        )
        .when(mongo),
        Sink::new(".count", &[Arg::QueryDocument(0, "filter")], "query", QUERY).when(mongo),
        Sink::new(
            ".remove",
            &[Arg::QueryDocument(0, "filter")],
            "query",
            QUERY,
        )
        .when(mongo),
        Sink::new(".where", &[Arg::QueryDocument(0, "filter")], "query", QUERY).when(mongo),
        Sink::new(
            ".$where",
            &[Arg::At(0, "code")],
            "where",
            "JavaScript run by the database through {callee}",
        ),
    ],
    sanitizers: &[
        "mongo-sanitize",
        "express-mongo-sanitize.sanitize",
        "String",
        "JSON.stringify",
        "mongoose.sanitizeFilter",
        "mongoose.trusted",
    ],
    local_sources: false,
    ..TaintSpec::DEFAULT
};

/// The file uses MongoDB (the driver or Mongoose).
fn mongo(_: Node<'_>, _: &str, semantic: &SemanticModel) -> bool {
    semantic.imports_any(&["mongodb", "mongoose", "monk", "mongojs"])
}
