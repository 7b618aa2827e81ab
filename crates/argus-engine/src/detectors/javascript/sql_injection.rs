use super::super::prelude::*;
use super::{call_args, receiver_named, unwrap};
use crate::lang::JsField;
use crate::semantic::SemanticModel;

detector! {
    /// ## What it does
    /// Follows request data (Express, Koa, Fastify, Hapi, Next.js, NestJS,
    /// Lambda events, socket messages) into SQL text run by `mysql`,
    /// `mysql2`, `pg`, `sqlite3`/`better-sqlite3` (`query`, `execute`,
    /// `run`, `all`, `get`, `exec`, `prepare`), Sequelize `query` and
    /// `literal`, Knex `raw` and the `*Raw` builders, and TypeORM `query`
    /// and query-builder conditions. Values passed as parameters (`?`,
    /// `$1`, replacements, bindings) are safe; only input that becomes part
    /// of the SQL text is reported.
    ///
    /// ## Why is this bad?
    /// When input is pasted into a query, a quote in it ends the string and
    /// the rest runs as SQL: an attacker reads or changes any table the
    /// application can reach, or logs in without a password.
    ///
    /// ## Example
    /// ```javascript
    /// app.get("/users", (req, res) => {
    ///   db.query(`SELECT * FROM users WHERE name = '${req.query.name}'`, (err, rows) => res.json(rows));
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.get("/users", (req, res) => {
    ///   db.query("SELECT * FROM users WHERE name = ?", [req.query.name], (err, rows) => res.json(rows));
    /// });
    /// ```
    /// Identifiers (table or column names) cannot be parameters: pick them
    /// from an allow-list.
    ///
    /// ## References
    /// - [CWE-89: SQL Injection](https://cwe.mitre.org/data/definitions/89.html)
    /// - [mysql: escaping query values](https://github.com/mysqljs/mysql#escaping-query-values)
    /// - [node-postgres: parameterized query](https://node-postgres.com/features/queries#parameterized-query)
    /// - [OWASP SQL Injection Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["javascript/sql-injection@v1.0", "typescript/sql-injection@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "SQL injection",
        category: Category::Security,
        cwes: &[89, 943],
        tags: &["injection", "sql", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Pass input as query parameters (`?` or `$1` placeholders with a values array, Sequelize replacements, Knex bindings); choose identifiers from an allow-list.",
        keywords: &["query", "execute", "raw", "literal", "prepare", "run(", "all(", "where", "exec("],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const QUERY: &str = "an SQL query run by {callee}";

/// Words naming a database handle (`db`, `pool`, `connection`, `knex`).
const DATABASE_WORDS: &[&str] = &[
    "db",
    "database",
    "sql",
    "conn",
    "connection",
    "pool",
    "client",
    "knex",
    "sequelize",
    "trx",
    "transaction",
    "manager",
    "queryrunner",
    "datasource",
    "repository",
    "repo",
    "mysql",
    "pg",
    "postgres",
    "sqlite",
    "stmt",
    "statement",
    "prisma",
];

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(".query", &[Arg::At(0, "sql")], "query", QUERY).when(database_receiver),
        Sink::new(".execute", &[Arg::At(0, "sql")], "query", QUERY).when(database_receiver),
        Sink::new(".run", &[Arg::At(0, "sql")], "sqlite", QUERY).when(database_receiver),
        Sink::new(".all", &[Arg::At(0, "sql")], "sqlite", QUERY).when(database_receiver),
        Sink::new(".get", &[Arg::At(0, "sql")], "sqlite", QUERY).when(database_receiver),
        Sink::new(".each", &[Arg::At(0, "sql")], "sqlite", QUERY).when(database_receiver),
        Sink::new(".exec", &[Arg::At(0, "sql")], "sqlite", QUERY).when(database_receiver),
        Sink::new(".prepare", &[Arg::At(0, "sql")], "sqlite", QUERY).when(database_receiver),
        Sink::new(
            ".raw",
            &[Arg::At(0, "sql")],
            "knex",
            "raw SQL built by {callee}",
        )
        .when(database_receiver),
        Sink::new(".$queryRawUnsafe", &[Arg::At(0, "sql")], "prisma", QUERY),
        Sink::new(".$executeRawUnsafe", &[Arg::At(0, "sql")], "prisma", QUERY),
        Sink::new(
            ".literal",
            &[Arg::At(0, "sql")],
            "sequelize",
            "an SQL literal built by {callee}",
        )
        .when(sequelize),
        Sink::new(
            ".whereRaw",
            &[Arg::At(0, "sql")],
            "knex",
            "raw SQL built by {callee}",
        ),
        Sink::new(
            ".orWhereRaw",
            &[Arg::At(0, "sql")],
            "knex",
            "raw SQL built by {callee}",
        ),
        Sink::new(
            ".havingRaw",
            &[Arg::At(0, "sql")],
            "knex",
            "raw SQL built by {callee}",
        ),
        Sink::new(
            ".orderByRaw",
            &[Arg::At(0, "sql")],
            "knex",
            "raw SQL built by {callee}",
        ),
        Sink::new(
            ".groupByRaw",
            &[Arg::At(0, "sql")],
            "knex",
            "raw SQL built by {callee}",
        ),
        Sink::new(
            ".joinRaw",
            &[Arg::At(0, "sql")],
            "knex",
            "raw SQL built by {callee}",
        ),
        Sink::new(
            ".fromRaw",
            &[Arg::At(0, "sql")],
            "knex",
            "raw SQL built by {callee}",
        ),
        Sink::new(
            ".selectRaw",
            &[Arg::At(0, "sql")],
            "knex",
            "raw SQL built by {callee}",
        ),
        Sink::new(
            ".where",
            &[Arg::At(0, "where")],
            "typeorm",
            "a query-builder condition of {callee}",
        )
        .when(query_builder),
        Sink::new(
            ".andWhere",
            &[Arg::At(0, "where")],
            "typeorm",
            "a query-builder condition of {callee}",
        )
        .when(query_builder),
        Sink::new(
            ".orWhere",
            &[Arg::At(0, "where")],
            "typeorm",
            "a query-builder condition of {callee}",
        )
        .when(query_builder),
        Sink::new(
            ".having",
            &[Arg::At(0, "having")],
            "typeorm",
            "a query-builder condition of {callee}",
        )
        .when(query_builder),
    ],
    sanitizers: &[
        "mysql.escape",
        "mysql2.escape",
        "mysql.escapeId",
        "mysql2.escapeId",
        "sqlstring.escape",
        "sqlstring.escapeId",
        "pg-format",
        "pg.escapeLiteral",
        ".escape",
        ".escapeId",
        ".escapeLiteral",
        ".escapeIdentifier",
    ],
    local_sources: true,
    fix: Some(fix),
    ..TaintSpec::DEFAULT
};

/// The method is called on a database handle (not `map.get`, not
/// `regex.exec`).
fn database_receiver(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    // SQL is text: ORM lookups take an object (`repository.get({ id })`).
    let text_argument = call_args(call).first().is_some_and(|a| {
        !matches!(
            unwrap(*a).kind(),
            "object" | "array" | "arrow_function" | "function_expression"
        )
    });
    text_argument && receiver_named(call, text, DATABASE_WORDS)
}

fn sequelize(call: Node<'_>, text: &str, semantic: &SemanticModel) -> bool {
    semantic.imports("sequelize") || receiver_named(call, text, &["sequelize"])
}

/// `createQueryBuilder(...).where(...)`, or a builder in a variable named
/// after it (`qb`, `queryBuilder`).
fn query_builder(call: Node<'_>, text: &str, _: &SemanticModel) -> bool {
    let Some(function) = call.js_field("function") else {
        return false;
    };
    let Some(object) = function.js_field("object") else {
        return false;
    };
    let receiver = node_text(object, text);
    receiver.contains("createQueryBuilder")
        || receiver.contains("QueryBuilder")
        || receiver_named(call, text, &["qb", "querybuilder", "builder"])
}

/// `db.query(\`... '${x}'\`)` -> `db.query("... ?", [x])` (`$1` for
/// node-postgres), when the call passes no values yet.
fn fix(site: &FixSite<'_>) -> Vec<Fix> {
    let text = site.text;
    let Some(function) = site.call.js_field("function") else {
        return Vec::new();
    };
    let method = function
        .js_field("property")
        .map(|p| node_text(p, text))
        .unwrap_or("");
    if !matches!(method, "query" | "execute" | "run" | "all" | "get") {
        return Vec::new();
    }
    let args = call_args(site.call);
    let template = unwrap(site.argument);
    if args.first() != Some(&site.argument) || template.kind() != "template_string" {
        return Vec::new();
    }
    // Only `(sql)` and `(sql, callback)`.
    match args.len() {
        1 => {}
        2 if matches!(
            unwrap(args[1]).kind(),
            "arrow_function" | "function_expression" | "identifier"
        ) => {}
        _ => return Vec::new(),
    }
    let dollar = site.semantic.imports_any(&["pg", "postgres", "pg-promise"]);
    let mut sql = String::new();
    let mut params = Vec::new();
    let body = &text[template.start_byte() + 1..template.end_byte() - 1];
    let base = template.start_byte() + 1;
    let mut last = 0;
    let mut cursor = template.walk();
    for part in template.named_children(&mut cursor) {
        if part.kind() != "template_substitution" {
            continue;
        }
        let Some(expression) = part.named_child(0) else {
            return Vec::new();
        };
        let mut literal = body[last..part.start_byte() - base].to_string();
        let after = &body[part.end_byte() - base..];
        // A quoted placeholder loses its quotes.
        let quoted = (literal.ends_with('\'') && after.starts_with('\''))
            || (literal.ends_with('"') && after.starts_with('"'));
        if quoted {
            literal.pop();
        }
        sql.push_str(&literal);
        params.push(node_text(expression, text).to_string());
        if dollar {
            sql.push_str(&format!("${}", params.len()));
        } else {
            sql.push('?');
        }
        last = part.end_byte() - base + usize::from(quoted);
    }
    sql.push_str(&body[last..]);
    if params.is_empty() || sql.contains(['\\', '`']) {
        return Vec::new();
    }
    let literal = if sql.contains('"') {
        format!("'{}'", sql.replace('\'', "\\'"))
    } else {
        format!("\"{sql}\"")
    };
    vec![Fix::replace(
        "Pass the values as query parameters",
        site.argument.byte_range(),
        format!("{literal}, [{}]", params.join(", ")),
    )]
}
