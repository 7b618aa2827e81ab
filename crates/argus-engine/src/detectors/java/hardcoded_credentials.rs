use super::super::common::not_a_secret;
use super::super::javascript::hardcoded_credentials::uri_password;
use super::super::prelude::*;
use super::web::{mentions_credential_word, names_credential, strip};
use super::{call_args, method_name, receiver};
use crate::secrets::redact::redact;

detector! {
    /// ## What it does
    /// Finds passwords, secret keys and API keys written as string literals:
    ///
    /// - where an API takes a credential: the password of
    ///   `DriverManager.getConnection(url, user, password)` (and a
    ///   `user:password@` in its URL), `new PasswordAuthentication(user,
    ///   "...".toCharArray())`, `new PBEKeySpec("...".toCharArray(), ...)`,
    ///   AWS `new BasicAWSCredentials(id, secret)` /
    ///   `AwsBasicCredentials.create(id, secret)`, Apache HttpClient
    ///   `new UsernamePasswordCredentials(user, password)`, a
    ///   `setPassword("...")` call, and the key store password of
    ///   `KeyStore.load`, `KeyStore.getKey`/`setKeyEntry` and
    ///   `KeyManagerFactory.init`;
    /// - fields and local variables named like a credential (`password`,
    ///   `DB_PASSWORD`, `clientSecret`, `apiKey`, `secretKey`,
    ///   `authToken`) initialised with or assigned a literal.
    ///
    /// Empty strings, placeholders and templates (`changeme`, `<secret>`,
    /// `${DB_PASSWORD}`, `xxxx`) are not reported, nor `changeit`, the
    /// published default password of the JDK's trust store, nor names of
    /// things about a credential (`PASSWORD_PROPERTY = "db.password"`,
    /// `passwordFile`), nor literals in a credential-named variable that
    /// are themselves key names, messages or algorithm names
    /// (`"password"`, `"Enter your password"`, `"HmacSHA256"`). The literal is
    /// redacted in the message and snippet; a secret the secrets scan
    /// recognises is reported once, by the secrets scan.
    ///
    /// ## Why is this bad?
    /// Whoever can read the code -- every clone, fork, backup, build log,
    /// published artifact and container image -- has the credential, and it
    /// cannot be rotated without a release.
    ///
    /// ## Example
    /// ```java
    /// Connection c = DriverManager.getConnection(url, "app", "Tr0ub4dor&3");
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// Connection c = DriverManager.getConnection(url, "app", System.getenv("DB_PASSWORD"));
    /// ```
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [CWE-259: Use of Hard-coded Password](https://cwe.mitre.org/data/definitions/259.html)
    /// - [OWASP Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["java/hardcoded-credentials@v1.0"],
        languages: &[Language::Java],
        name: "Hardcoded credentials",
        category: Category::Security,
        cwes: &[798, 259, 321],
        tags: &["secrets", "credentials", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Read the credential at run time from the environment or a secrets manager (AWS Secrets Manager, Vault) and rotate the one that was committed.",
        keywords: &[
            "pass", "pwd", "secret", "apikey", "api_key", "token", "privatekey", "private_key",
            "getConnection", "Credentials", "toCharArray",
        ],
        check: Check::Node {
            kinds: &["method_invocation", "object_creation_expression", "variable_declarator", "assignment_expression"],
            run: check,
        },
    };
}

/// Calls taking a credential: (qualified callee, argument position, what).
const TAKES: &[(&str, usize, &str)] = &[
    (
        "java.sql.DriverManager.getConnection",
        2,
        "database password",
    ),
    ("java.net.PasswordAuthentication", 1, "password"),
    ("javax.crypto.spec.PBEKeySpec", 0, "password"),
    (
        "com.amazonaws.auth.BasicAWSCredentials",
        1,
        "AWS secret access key",
    ),
    (
        "com.amazonaws.auth.BasicSessionCredentials",
        1,
        "AWS secret access key",
    ),
    (
        "software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create",
        1,
        "AWS secret access key",
    ),
    (
        "software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create",
        1,
        "AWS secret access key",
    ),
    (
        "org.apache.http.auth.UsernamePasswordCredentials",
        1,
        "password",
    ),
    (
        "org.apache.hc.client5.http.auth.UsernamePasswordCredentials",
        1,
        "password",
    ),
];

/// Key store methods (any receiver, in a file using key stores) taking a
/// password: (method, argument count, position).
const KEYSTORE_TAKES: &[(&str, usize, usize)] = &[
    ("load", 2, 1),
    ("getKey", 2, 1),
    ("setKeyEntry", 4, 2),
    ("init", 2, 1),
    ("store", 2, 1),
];

/// The literal holding a credential: the expression itself, or the string a
/// `"...".toCharArray()` / `"...".getBytes()` is made from.
fn secret_literal<'t>(expr: Node<'t>, text: &str) -> Option<Node<'t>> {
    let expr = strip(expr);
    match expr.kind() {
        "string_literal" => Some(expr),
        "method_invocation" => {
            let object = receiver(expr).map(strip)?;
            (object.kind() == "string_literal"
                && call_args(expr).is_empty()
                && matches!(method_name(expr, text), Some("toCharArray" | "getBytes")))
            .then_some(object)
        }
        _ => None,
    }
}

fn literal_value(literal: Node<'_>, text: &str) -> Option<String> {
    string_literal(literal, text)
}

/// The bytes between the quotes of a literal.
fn content(literal: Node<'_>) -> std::ops::Range<usize> {
    literal.start_byte() + 1
        ..literal
            .end_byte()
            .saturating_sub(1)
            .max(literal.start_byte() + 1)
}

fn placeholder(value: &str) -> bool {
    not_a_secret(value) || value.eq_ignore_ascii_case("changeit")
}

fn report_literal(literal: Node<'_>, what: &str, place: &str, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(value) = literal_value(literal, text) else {
        return;
    };
    if placeholder(&value) {
        return;
    }
    let violation = Violation::new(
        "literal",
        format!(
            "The {what} {place} is a hardcoded string (\"{}\")",
            redact(&value)
        ),
    )
    .with_secret(content(literal));
    checker.report(literal, violation);
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "variable_declarator" => {
            let (Some(name), Some(value)) = (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ) else {
                return;
            };
            check_named(name, value, checker);
        }
        "assignment_expression" => {
            let (Some(left), Some(value)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) else {
                return;
            };
            let name = match left.kind() {
                "identifier" => left,
                "field_access" => match left.child_by_field_name("field") {
                    Some(f) => f,
                    None => return,
                },
                _ => return,
            };
            check_named(name, value, checker);
        }
        _ => check_call(node, checker),
    }
}

/// A variable named like a credential holding a literal.
fn check_named(name: Node<'_>, value: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let name = node_text(name, text);
    if !names_credential(name) {
        return;
    }
    let Some(literal) = secret_literal(value, text) else {
        return;
    };
    let Some(secret) = literal_value(literal, text) else {
        return;
    };
    // Key names, messages and paths are not the credential.
    if secret.chars().any(char::is_whitespace)
        || mentions_credential_word(&secret)
        || secret.contains("://") && uri_password(&secret).is_none()
        || secret.starts_with('/')
        || secret.chars().count() < 4
        || looks_like_key_name(&secret)
        || algorithm_name(&secret)
    {
        return;
    }
    report_literal(literal, "credential", &format!("in `{name}`"), checker);
}

/// Algorithm names (`HmacSHA256`, `AES/GCM/NoPadding`, `HS256`): what a
/// secret is used with, not the secret.
fn algorithm_name(value: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "hmac", "sha", "aes", "rsa", "des", "pbkdf2", "pbewith", "hs256", "hs384", "hs512",
        "rs256", "rs384", "rs512", "es256", "es384", "es512", "md5", "bcrypt", "scrypt", "argon2",
        "ecdsa", "ed25519", "chacha20",
    ];
    let lower = value.to_ascii_lowercase();
    PREFIXES.iter().any(|p| lower.starts_with(p))
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/'))
}

/// Property keys and identifiers (`db.user.pw`, `JDBC_PW`): dotted or
/// underscored lower/upper-case words without digits or symbols.
fn looks_like_key_name(value: &str) -> bool {
    let separated = value.contains('.') || value.contains('_') || value.contains('-');
    separated
        && value
            .chars()
            .all(|c| c.is_ascii_alphabetic() || matches!(c, '.' | '_' | '-'))
        && (value == value.to_ascii_lowercase() || value == value.to_ascii_uppercase())
}

fn check_call(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let args = call_args(call);
    let names = checker.semantic.callee_names(call, text);
    if let Some(&(target, position, what)) =
        TAKES.iter().find(|(t, ..)| names.iter().any(|n| n == t))
    {
        let short = target.rsplit('.').next().unwrap_or(target);
        let place = format!("passed to `{short}`");
        if let Some(literal) = args.get(position).and_then(|a| secret_literal(*a, text)) {
            report_literal(literal, what, &place, checker);
        }
        if target.ends_with("getConnection")
            && let Some(url) = args.first().map(|a| strip(*a))
            && url.kind() == "string_literal"
            && let Some(value) = literal_value(url, text)
            && let Some((start, end)) = uri_password(&value)
            && !placeholder(&value[start..end])
            && content(url).len() == value.len()
        {
            let range = content(url).start + start..content(url).start + end;
            let violation = Violation::new(
                "uri-password",
                format!(
                    "The connection URL passed to `getConnection` contains a hardcoded database password (\"{}\")",
                    redact(&value[start..end])
                ),
            )
            .with_secret(range);
            checker.report(url, violation);
        }
        return;
    }
    let Some(method) = method_name(call, text) else {
        return;
    };
    if method == "setPassword" && args.len() == 1 {
        if let Some(literal) = secret_literal(args[0], text)
            && literal_value(literal, text)
                .is_some_and(|v| !v.chars().any(char::is_whitespace) && !looks_like_key_name(&v))
        {
            report_literal(literal, "password", "passed to `setPassword`", checker);
        }
        return;
    }
    if !(text.contains("KeyStore") || text.contains("KeyManagerFactory")) {
        return;
    }
    if let Some(&(_, _, position)) = KEYSTORE_TAKES
        .iter()
        .find(|(m, count, _)| *m == method && args.len() == *count)
        && let Some(arg) = args.get(position)
        && is_char_array_of_literal(*arg, text)
        && let Some(literal) = secret_literal(*arg, text)
    {
        report_literal(
            literal,
            "key store password",
            &format!("passed to `{method}`"),
            checker,
        );
    }
}

/// `"...".toCharArray()`.
fn is_char_array_of_literal(expr: Node<'_>, text: &str) -> bool {
    let expr = strip(expr);
    expr.kind() == "method_invocation"
        && method_name(expr, text) == Some("toCharArray")
        && receiver(expr).is_some_and(|r| strip(r).kind() == "string_literal")
}
