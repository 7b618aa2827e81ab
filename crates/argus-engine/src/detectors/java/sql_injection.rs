use super::super::prelude::*;
use super::sql_fix::prepared_statement_fix;

detector! {
    /// ## What it does
    /// Follows request input (Servlet requests, Spring MVC and JAX-RS
    /// parameters, Lambda events) into SQL text run by JDBC
    /// (`Statement.execute*`, `addBatch`, `Connection.prepareStatement`
    /// and `prepareCall`), Spring `JdbcTemplate` and
    /// `NamedParameterJdbcTemplate`, JPA `createQuery`/`createNativeQuery`
    /// and Hibernate `createQuery`/`createSQLQuery`. Values bound to
    /// placeholders (`?`, `:name`) are safe; only input that becomes part
    /// of the SQL text is reported. Numbers parsed from the input, ESAPI's
    /// `encodeForSQL` and allow-list checks make it safe.
    ///
    /// ## Why is this bad?
    /// When input is pasted into a query, a quote in it ends the string
    /// and the rest runs as SQL: an attacker reads or changes any table
    /// the application can reach, or logs in without a password.
    ///
    /// ## Example
    /// ```java
    /// String name = request.getParameter("name");
    /// Statement stmt = connection.createStatement();
    /// ResultSet rs = stmt.executeQuery("SELECT * FROM users WHERE name = '" + name + "'");
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// String name = request.getParameter("name");
    /// PreparedStatement stmt = connection.prepareStatement("SELECT * FROM users WHERE name = ?");
    /// stmt.setString(1, name);
    /// ResultSet rs = stmt.executeQuery();
    /// ```
    /// Identifiers (table or column names) cannot be parameters: pick
    /// them from an allow-list.
    ///
    /// ## References
    /// - [CWE-89: SQL Injection](https://cwe.mitre.org/data/definitions/89.html)
    /// - [OWASP SQL Injection Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html)
    /// - [Using Prepared Statements (The Java Tutorials)](https://docs.oracle.com/javase/tutorial/jdbc/basics/prepared.html)
    pub static SPEC = {
        ids: &["java/sql-injection@v1.0"],
        languages: &[Language::Java],
        name: "SQL injection",
        category: Category::Security,
        cwes: &[89],
        tags: &["injection", "sql", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Use a PreparedStatement with `?` placeholders (or named parameters) and bind the input with setString/setInt; choose identifiers from an allow-list.",
        keywords: &["execute", "addBatch", "prepareStatement", "prepareCall", "createQuery", "createNativeQuery", "createSQLQuery", "query", "update("],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const QUERY: &str = "an SQL query run by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "java.sql.Statement.execute",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "java.sql.Statement.executeQuery",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "java.sql.Statement.executeUpdate",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "java.sql.Statement.executeLargeUpdate",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "java.sql.Statement.addBatch",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            ".executeQuery",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            ".executeUpdate",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "java.sql.Connection.prepareStatement",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "java.sql.Connection.prepareCall",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            ".prepareStatement",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(".prepareCall", &[Arg::At(0, "sql")], "sql-injection", QUERY),
        Sink::new(
            "org.springframework.jdbc.core.JdbcTemplate.query",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "org.springframework.jdbc.core.JdbcTemplate.queryForObject",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "org.springframework.jdbc.core.JdbcTemplate.queryForList",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "org.springframework.jdbc.core.JdbcTemplate.queryForMap",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "org.springframework.jdbc.core.JdbcTemplate.queryForRowSet",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "org.springframework.jdbc.core.JdbcTemplate.queryForStream",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "org.springframework.jdbc.core.JdbcTemplate.update",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "org.springframework.jdbc.core.JdbcTemplate.execute",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "org.springframework.jdbc.core.JdbcTemplate.batchUpdate",
            &[Arg::Any],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "javax.persistence.EntityManager.createQuery",
            &[Arg::At(0, "jpql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "javax.persistence.EntityManager.createNativeQuery",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            ".createNativeQuery",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            ".createSQLQuery",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "org.hibernate.Session.createQuery",
            &[Arg::At(0, "hql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "EntityManager.createQuery",
            &[Arg::At(0, "jpql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "Session.createQuery",
            &[Arg::At(0, "hql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "JdbcTemplate.query",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "JdbcTemplate.queryForObject",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "JdbcTemplate.queryForList",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "JdbcTemplate.update",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
        Sink::new(
            "JdbcTemplate.execute",
            &[Arg::At(0, "sql")],
            "sql-injection",
            QUERY,
        ),
    ],
    sanitizers: &[
        ".encodeForSQL",
        "org.apache.commons.lang.StringEscapeUtils.escapeSql",
    ],
    fix: Some(prepared_statement_fix),
    ..TaintSpec::DEFAULT
};
