use super::super::prelude::*;
use super::{FStringPart, fstring_parts};
use crate::fix::replace_string_value;
use crate::lang::Grammar;

detector! {
    /// ## What it does
    /// Follows request data (Flask, Django, FastAPI/Starlette, aiohttp,
    /// Tornado, Lambda events, sockets) into SQL run through DB-API
    /// `cursor.execute`/`executemany`/`executescript`, SQLAlchemy `text()`
    /// and `exec_driver_sql`, Django `raw()`, `extra()` and `RawSQL`, and
    /// pandas `read_sql`. Values passed as query parameters are safe; only
    /// data that becomes part of the SQL text is reported.
    ///
    /// ## Why is this bad?
    /// When input is pasted into a query, a quote in it ends the string and
    /// the rest runs as SQL: an attacker reads or changes any table the
    /// application can reach, or bypasses a login check.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/users")
    /// def users():
    ///     name = request.args["name"]
    ///     cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @app.route("/users")
    /// def users():
    ///     name = request.args["name"]
    ///     cursor.execute("SELECT * FROM users WHERE name = %s", (name,))
    /// ```
    /// The driver sends the value separately from the SQL text. Identifiers
    /// (table or column names) cannot be parameters: pick them from an
    /// allow-list.
    ///
    /// ## References
    /// - [CWE-89: SQL Injection](https://cwe.mitre.org/data/definitions/89.html)
    /// - [PEP 249: parameters](https://peps.python.org/pep-0249/#paramstyle)
    /// - [OWASP SQL Injection Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["python/sql-injection@v1.0"],
        languages: &[Language::Python],
        name: "SQL injection",
        category: Category::Security,
        cwes: &[89, 943],
        tags: &["injection", "sql", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Pass input as query parameters (cursor.execute(sql, params), text() with bind parameters, raw(sql, params)); choose identifiers from an allow-list.",
        keywords: &["execute", "text", "raw", "extra", "rawsql", "read_sql", "exec_driver_sql"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const QUERY: &str = "an SQL query run by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(".execute", &[Arg::At(0, "operation")], "dbapi", QUERY),
        Sink::new(".executemany", &[Arg::At(0, "operation")], "dbapi", QUERY),
        Sink::new(
            ".executescript",
            &[Arg::At(0, "sql_script")],
            "dbapi",
            QUERY,
        ),
        Sink::new(
            ".exec_driver_sql",
            &[Arg::At(0, "statement")],
            "sqlalchemy",
            QUERY,
        ),
        Sink::new(
            "sqlalchemy.text",
            &[Arg::At(0, "text")],
            "sqlalchemy",
            "SQL text built by {callee}",
        ),
        Sink::new(
            "sqlalchemy.sql.text",
            &[Arg::At(0, "text")],
            "sqlalchemy",
            "SQL text built by {callee}",
        ),
        Sink::new(
            "sqlalchemy.sql.expression.text",
            &[Arg::At(0, "text")],
            "sqlalchemy",
            "SQL text built by {callee}",
        ),
        Sink::new(
            ".raw",
            &[Arg::At(0, "raw_query")],
            "django-raw",
            "a raw SQL query run by {callee}",
        ),
        Sink::new(
            ".extra",
            &[
                Arg::Keyword("where"),
                Arg::Keyword("select"),
                Arg::Keyword("tables"),
                Arg::Keyword("order_by"),
            ],
            "django-extra",
            "SQL fragments added by {callee}",
        ),
        Sink::new(
            "django.db.models.expressions.RawSQL",
            &[Arg::At(0, "sql")],
            "django-rawsql",
            "SQL built by {callee}",
        ),
        Sink::new(
            "django.db.models.RawSQL",
            &[Arg::At(0, "sql")],
            "django-rawsql",
            "SQL built by {callee}",
        ),
        Sink::new("pandas.read_sql", &[Arg::At(0, "sql")], "pandas", QUERY),
        Sink::new(
            "pandas.read_sql_query",
            &[Arg::At(0, "sql")],
            "pandas",
            QUERY,
        ),
    ],
    sanitizers: &[
        "psycopg2.sql.Identifier",
        "psycopg2.sql.Literal",
        "psycopg.sql.Identifier",
        "psycopg.sql.Literal",
        "MySQLdb.escape_string",
        ".escape_string",
        ".quote_name",
        ".mogrify",
    ],
    local_sources: true,
    fix: Some(fix),
    ..TaintSpec::DEFAULT
};

/// `execute(f"... '{x}'")` -> `execute("... %s", (x,))`, and the same for
/// `"... '%s'" % x`, when the call has no parameters yet.
fn fix(site: &FixSite<'_>) -> Vec<Fix> {
    let text = site.text;
    let Some(function) = site.call.py_field("function") else {
        return Vec::new();
    };
    let is_execute = function
        .py_field("attribute")
        .is_some_and(|m| matches!(node_text(m, text), "execute"));
    let positional = positional_arguments(Grammar::Python, site.call);
    if !is_execute || positional.len() != 1 || positional[0] != site.argument {
        return Vec::new();
    }
    let qmark = site.semantic.imports("sqlite3");
    let placeholder = if qmark { "?" } else { "%s" };
    let argument = site.argument;
    match argument.kind() {
        "string" => {
            let Some((opening, parts)) = fstring_parts(argument, text) else {
                return Vec::new();
            };
            let mut sql = String::new();
            let mut params = Vec::new();
            let literal_text: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    FStringPart::Literal(l) => l.to_string(),
                    FStringPart::Expression(_) => String::new(),
                })
                .collect();
            for (i, part) in parts.iter().enumerate() {
                match part {
                    FStringPart::Literal(l) => {
                        let mut l = l.replace("{{", "{").replace("}}", "}");
                        if !qmark {
                            l = l.replace('%', "%%");
                        }
                        // A quote closing a quoted placeholder.
                        if i > 0
                            && matches!(parts[i - 1], FStringPart::Expression(_))
                            && quoted(&literal_text, i - 1)
                        {
                            l.remove(0);
                        }
                        sql.push_str(&l);
                    }
                    FStringPart::Expression(e) => {
                        if quoted(&literal_text, i) {
                            sql.pop();
                        }
                        sql.push_str(placeholder);
                        params.push(node_text(*e, text).to_string());
                    }
                }
            }
            if params.is_empty() {
                return Vec::new();
            }
            let closing = opening.trim_start_matches(|c: char| c.is_alphabetic());
            let literal = format!("{opening}{sql}{closing}");
            let tuple = if params.len() == 1 {
                format!("({},)", params[0])
            } else {
                format!("({})", params.join(", "))
            };
            vec![Fix::replace(
                "Pass the values as query parameters",
                argument.byte_range(),
                format!("{literal}, {tuple}"),
            )]
        }
        "binary_operator" if !qmark => {
            let (Some(left), Some(operator), Some(right)) = (
                argument.py_field("left"),
                argument.py_field("operator"),
                argument.py_field("right"),
            ) else {
                return Vec::new();
            };
            if node_text(operator, text) != "%" || left.kind() != "string" {
                return Vec::new();
            }
            let Some(format) = string_literal(left, text) else {
                return Vec::new();
            };
            // Only `%s` conversions, each becoming a parameter.
            let conversions = format.matches('%').count() - 2 * format.matches("%%").count();
            if conversions != format.matches("%s").count() || conversions == 0 {
                return Vec::new();
            }
            let unquoted = format.replace("'%s'", "%s").replace("\"%s\"", "%s");
            let Some(edit) = replace_string_value(left, text, &unquoted) else {
                return Vec::new();
            };
            let literal = format!(
                "{}{}{}",
                &text[left.start_byte()..edit.range.start],
                edit.text,
                &text[edit.range.end..left.end_byte()]
            );
            let params = match right.kind() {
                "tuple" => node_text(right, text).to_string(),
                _ => format!("({},)", node_text(right, text)),
            };
            vec![Fix::replace(
                "Pass the values as query parameters",
                argument.byte_range(),
                format!("{literal}, {params}"),
            )]
        }
        _ => Vec::new(),
    }
}

/// Whether the interpolation at `index` sits between two quotes
/// (`'{name}'`).
fn quoted(literals: &[String], index: usize) -> bool {
    let before = index.checked_sub(1).and_then(|i| literals.get(i));
    let after = literals.get(index + 1);
    match (
        before.and_then(|b| b.chars().last()),
        after.and_then(|a| a.chars().next()),
    ) {
        (Some(b), Some(a)) => b == a && (b == '\'' || b == '"'),
        _ => false,
    }
}
