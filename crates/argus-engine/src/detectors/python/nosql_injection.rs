use super::super::prelude::*;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data into MongoDB queries of PyMongo, Motor and
    /// Flask-PyMongo (`find`, `find_one`, `update_*`, `delete_*`,
    /// `count_documents`, `aggregate`, ...): any input inside JavaScript
    /// operators (`$where`, `$function`, `$accumulator`), and parsed JSON
    /// (`request.json`, `get_json()`) used as a query value or as the whole
    /// query. Strings from query parameters and forms used as values are
    /// safe: they cannot become operators.
    ///
    /// ## Why is this bad?
    /// A JSON body can send `{"password": {"$ne": null}}` where the code
    /// expects a string, which matches every document and bypasses a login;
    /// input inside `$where` runs as JavaScript on the database server.
    ///
    /// ## Example
    /// ```python
    /// body = request.get_json()
    /// user = users.find_one({"name": body["name"], "password": body["password"]})
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// body = request.get_json()
    /// user = users.find_one({"name": str(body["name"]), "password": str(body["password"])})
    /// ```
    /// Validate the body with a schema (pydantic, marshmallow) so that every
    /// value has the type the query expects, and never build `$where`.
    ///
    /// ## References
    /// - [CWE-943: Improper Neutralization of Special Elements in Data Query Logic](https://cwe.mitre.org/data/definitions/943.html)
    /// - [OWASP Testing for NoSQL Injection](https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/07-Input_Validation_Testing/05.6-Testing_for_NoSQL_Injection)
    pub static SPEC = {
        ids: &["python/nosql-injection@v1.0"],
        languages: &[Language::Python],
        name: "NoSQL injection",
        category: Category::Security,
        cwes: &[943],
        tags: &["injection", "nosql", "mongodb", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Give every query value the type it must have (str(), int(), a schema) and never build $where/$function from input.",
        keywords: &["mongo", "motor"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const QUERY: &str = "a MongoDB query run by {callee}";

/// The file uses a MongoDB driver (`find` is a common method name).
fn uses_mongo(_: Node<'_>, _: &str, semantic: &SemanticModel) -> bool {
    semantic.imports_any(&["pymongo", "motor", "flask_pymongo", "mongomock", "bson"])
}

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            ".find",
            &[Arg::QueryDocument(0, "filter")],
            "pymongo",
            QUERY,
        )
        .when(uses_mongo),
        Sink::new(
            ".find_one",
            &[Arg::QueryDocument(0, "filter")],
            "pymongo",
            QUERY,
        )
        .when(uses_mongo),
        Sink::new(
            ".find_one_and_update",
            &[Arg::QueryDocument(0, "filter")],
            "pymongo",
            QUERY,
        )
        .when(uses_mongo),
        Sink::new(
            ".find_one_and_delete",
            &[Arg::QueryDocument(0, "filter")],
            "pymongo",
            QUERY,
        )
        .when(uses_mongo),
        Sink::new(
            ".find_one_and_replace",
            &[Arg::QueryDocument(0, "filter")],
            "pymongo",
            QUERY,
        )
        .when(uses_mongo),
        Sink::new(
            ".count_documents",
            &[Arg::QueryDocument(0, "filter")],
            "pymongo",
            QUERY,
        )
        .when(uses_mongo),
        Sink::new(
            ".delete_one",
            &[Arg::QueryDocument(0, "filter")],
            "pymongo",
            QUERY,
        )
        .when(uses_mongo),
        Sink::new(
            ".delete_many",
            &[Arg::QueryDocument(0, "filter")],
            "pymongo",
            QUERY,
        )
        .when(uses_mongo),
        Sink::new(
            ".update_one",
            &[Arg::QueryDocument(0, "filter")],
            "pymongo",
            QUERY,
        )
        .when(uses_mongo),
        Sink::new(
            ".update_many",
            &[Arg::QueryDocument(0, "filter")],
            "pymongo",
            QUERY,
        )
        .when(uses_mongo),
        Sink::new(
            ".replace_one",
            &[Arg::QueryDocument(0, "filter")],
            "pymongo",
            QUERY,
        )
        .when(uses_mongo),
        Sink::new(
            ".distinct",
            &[Arg::QueryDocument(1, "filter")],
            "pymongo",
            QUERY,
        )
        .when(uses_mongo),
        Sink::new(
            ".aggregate",
            &[Arg::QueryDocument(0, "pipeline")],
            "pymongo",
            QUERY,
        )
        .when(uses_mongo),
    ],
    sanitizers: &["str", "bson.objectid.ObjectId", "bson.ObjectId"],
    ..TaintSpec::DEFAULT
};
