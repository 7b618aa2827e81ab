//! Generic secrets: literals assigned to names that say "password",
//! "secret", "token", usernames beside them, and connection strings with
//! credentials. Names and values both have to pass: a key that names a
//! label, a path or a policy is not a credential, and a value that is a
//! placeholder, a reference, prose, a path or a hash is not one either.

use super::validate::{is_placeholder, is_random};
use crate::detectors::context::words;

/// `password = "..."`, `"password": "..."`, `setPassword("...")`,
/// `password => '...'` (the `(` form only when the name ends in the word
/// itself, checked in code).
pub const PASSWORD_QUOTED: &str = r#"(?i)(?P<key>[a-z0-9_.\-]*(?:passw(?:or)?d|pwd|passphrase|passcode)[a-z0-9_.\-]*)["'\]]?[ \t]*(?P<sep>=>|:=|=|:|\()[ \t]*[bru]?["'`](?P<secret>[^"'`\r\n]{1,200})["'`]"#;

/// `props.put("password", "...")`: a quoted name as a call's first
/// argument, the value as its second.
pub const PASSWORD_CALL: &str = r#"(?i)\([ \t]*["'](?P<key>[a-z0-9_.\-]*(?:passw(?:or)?d|pwd|passphrase|passcode)[a-z0-9_.\-]*)["'][ \t]*,[ \t]*[bru]?["'`](?P<secret>[^"'`\r\n]{1,200})["'`]"#;

/// `PASSWORD=...` in `.env`, `.properties`, INI and YAML: unquoted values.
pub const PASSWORD_CONFIG: &str = r#"(?im)^[ \t]*(?:export[ \t]+)?(?P<key>[a-z0-9_.\-]*(?:passw(?:or)?d|pwd|passphrase|passcode)[a-z0-9_.\-]*)[ \t]*[:=][ \t]*(?P<secret>[^\s"'#;!&*|>][^\r\n]*?)[ \t]*(?:[ \t][#;][^\r\n]*)?\r?$"#;

/// `<password>...</password>`
pub const PASSWORD_XML: &str = r#"(?i)<(?P<key>[a-z0-9_:.\-]*passw(?:or)?d[a-z0-9_:.\-]*)>(?P<secret>[^<\s][^<\r\n]{0,199})</"#;

/// `<add key="DbPassword" value="..."/>`
pub const PASSWORD_XML_ATTRIBUTE: &str = r#"(?i)key\s*=\s*"(?P<key>[^"]*passw(?:or)?d[^"]*)"\s+value\s*=\s*"(?P<secret>[^"\r\n]{1,200})""#;

/// Random-looking values under secret-ish names.
pub const SECRET_QUOTED: &str = r#"(?i)(?P<key>[a-z0-9_.\-]*(?:secret|token|api_?key|apikey|api-key|access_?key|auth_?key|private_?key|signing_?key|encryption_?key|master_?key)[a-z0-9_.\-]*)["'\]]?[ \t]*(?P<sep>=>|:=|=|:|\()[ \t]*[bru]?["'`](?P<secret>[^"'`\s]{16,200})["'`]"#;

pub const SECRET_CONFIG: &str = r#"(?im)^[ \t]*(?:export[ \t]+)?(?P<key>[a-z0-9_.\-]*(?:secret|token|api_?key|apikey|api-key|access_?key|auth_?key|private_?key|signing_?key|encryption_?key|master_?key)[a-z0-9_.\-]*)[ \t]*[:=][ \t]*(?P<secret>[^\s"'#;!&*|>][^\s]{15,199})[ \t]*(?:[ \t][#;][^\r\n]*)?\r?$"#;

/// Usernames (reported only beside a password): quoted in code...
pub const USERNAME_QUOTED: &str = r#"(?i)(?P<key>[a-z0-9_.\-]*(?:user(?:_?name)?|login|uid)[a-z0-9_.\-]*)["'\]]?[ \t]*(?:=>|:=|=|:|\s+value\s*=)[ \t]*[bru]?["'`](?P<secret>[A-Za-z0-9_.@\-]{2,64})["'`]"#;

/// ... and as `USER=name` in configuration files.
pub const USERNAME_CONFIG: &str = r#"(?im)^[ \t]*(?:export[ \t]+)?(?P<key>[a-z0-9_.\-]*(?:user(?:_?name)?|login|uid)[a-z0-9_.\-]*)[ \t]*[:=][ \t]*["']?(?P<secret>[A-Za-z0-9_.@\-]{2,64})["']?[ \t]*\r?$"#;

/// `scheme://user:password@host`
pub const CONNECTION_URL: &str = r#"(?i)\b(?P<scheme>postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|oracle|cockroachdb|clickhouse|jdbc:[a-z0-9:]+)://(?P<user>[^:@/\s'"`<>{}]{1,100}):(?P<secret>[^@/\s'"`<>]{1,200})@(?P<host>[^\s'"`<>]+)"#;

/// `jdbc:...;password=...` / `jdbc:...?password=...`
pub const CONNECTION_JDBC: &str = r#"(?i)jdbc:[a-z0-9]+:(?://)?(?P<host>[^/;?:\s'"`]*)[^\s'"`]*?[?;&](?:password|pwd)=(?P<secret>[^&;\s'"`]+)"#;

/// ADO.NET: `Server=...;User Id=...;Password=...;`
pub const CONNECTION_ADO: &str = r#"(?i)(?:server|data source|host|address|addr)\s*=(?P<host>[^;'"\r\n]{1,200});[^'"\r\n]*?\b(?:password|pwd)\s*=\s*(?P<secret>[^;'"\r\n]+)"#;

/// Words of a key that mean it does not hold the credential itself.
const NON_SECRET_KEY_WORDS: &[&str] = &[
    "label",
    "field",
    "fields",
    "name",
    "names",
    "url",
    "uri",
    "path",
    "file",
    "dir",
    "regex",
    "pattern",
    "prompt",
    "message",
    "msg",
    "help",
    "hint",
    "text",
    "title",
    "length",
    "len",
    "min",
    "max",
    "policy",
    "type",
    "env",
    "var",
    "header",
    "endpoint",
    "param",
    "query",
    "placeholder",
    "format",
    "template",
    "validator",
    "validators",
    "validation",
    "hash",
    "hashed",
    "hasher",
    "hashers",
    "algorithm",
    "algo",
    "mode",
    "option",
    "options",
    "flag",
    "enabled",
    "enable",
    "required",
    "reset",
    "forgot",
    "change",
    "confirm",
    "confirmation",
    "expiry",
    "expires",
    "expire",
    "expiration",
    "ttl",
    "timeout",
    "count",
    "attempts",
    "column",
    "table",
    "kind",
    "strength",
    "complexity",
    "rule",
    "rules",
    "error",
    "errors",
    "invalid",
    "missing",
    "input",
    "widget",
    "form",
    "view",
    "selector",
    "locator",
    "xpath",
    "css",
    "ui",
    "button",
    "link",
    "lang",
    "translation",
    "mask",
    "masked",
    "id",
    "ids",
    "length",
    "size",
    "public",
    "pub",
    "csrf",
    "xsrf",
    "prefix",
    "suffix",
    "separator",
    "delimiter",
    "character",
    "chars",
    "class",
    "module",
    "handler",
    "provider",
    "source",
    "store",
    "storage",
    "backend",
    "manager",
    "service",
    "store",
    "method",
    "function",
    "callback",
    "event",
    "events",
    "key_name",
    "mgr",
    "decode",
    "encode",
    "get",
    "pop",
    "set_default",
    "location",
    "ref",
    "reference",
    "arn",
    "secretsmanager",
    "parameter",
    "vault",
    "command",
    "cmd",
    "script",
    "generator",
    "grant",
    "scope",
    "scopes",
    "usage",
    "audience",
    "issuer",
    "endpoint",
    "host",
    "port",
    "index",
    "position",
    "offset",
    "limit",
    "salt_rounds",
    "rounds",
    "iterations",
    "cost",
    "bits",
    "encoding",
    "charset",
    "schema",
    "version",
    "test",
    "tests",
    "example",
    "sample",
    "mock",
    "fake",
    "dummy",
    "default",
    "defaults",
    "description",
    "doc",
    "docs",
    "comment",
];

/// Values people write where a credential would go but which are not one.
const NON_SECRET_VALUES: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "token",
    "none",
    "null",
    "nil",
    "undefined",
    "true",
    "false",
    "yes",
    "no",
    "empty",
    "blank",
    "string",
    "str",
    "text",
    "value",
    "test",
    "testing",
    "tests",
    "demo",
    "example",
    "sample",
    "foo",
    "bar",
    "baz",
    "foobar",
    "default",
    "required",
    "optional",
    "hidden",
    "private",
    "public",
    "secure",
    "unknown",
    "n/a",
    "na",
    "tbd",
    "todo",
    "user",
    "username",
    "login",
    "admin_password",
    "mypassword",
    "my_password",
    "password123",
    "your_password",
    "<password>",
    "secret123",
    "s3cr3t",
    "hunter2",
    "letmein",
    "qwerty",
    "abc123",
    // Oracle's and databases' classic documentation credentials.
    "tiger",
    "scott",
];

/// Hosts of connection strings in documentation and local development.
const PLACEHOLDER_HOSTS: &[&str] = &[
    "localhost",
    "127.0.0.1",
    "0.0.0.0",
    "::1",
    "[::1]",
    "host",
    "hostname",
    "server",
    "dsn",
    "dnsname",
    "some_host",
    "somehost",
    "myhost",
    "yourhost",
    "your-host",
    "dbhost",
    "db-host",
    "example",
    "host.docker.internal",
];

/// Whether the host of a connection string is a documentation or local
/// placeholder (`localhost`, `example.com`, `hostname`).
pub fn placeholder_host(host: &str) -> bool {
    let host = host
        .split(['/', '?', '#'])
        .next()
        .unwrap_or(host)
        .rsplit_once(':')
        .map_or(host, |(h, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                h
            } else {
                host
            }
        })
        .to_ascii_lowercase();
    PLACEHOLDER_HOSTS.contains(&host.as_str())
        || host.ends_with(".example")
        || host.ends_with("example.com")
        || host.ends_with("example.org")
        || host.ends_with("example.net")
        || host.ends_with(".local")
        || host.ends_with(".localhost")
}

/// Whether a `name(` call names the credential itself (`setPassword(`,
/// `password(`), not something done with it (`password.decode(`).
pub fn call_names_credential(key: &str) -> bool {
    words(key).last().is_some_and(|w| {
        matches!(
            w.as_str(),
            "password" | "passwd" | "pwd" | "passphrase" | "passcode" | "secret" | "token" | "key"
        )
    })
}

/// Whether a key names a credential itself (not its label, location or
/// policy).
pub fn key_holds_secret(key: &str) -> bool {
    let key_words = words(key);
    !key_words
        .iter()
        .any(|w| NON_SECRET_KEY_WORDS.contains(&w.as_str()))
}

/// Shared value checks for generic credentials.
fn plausible_value(value: &str) -> bool {
    let trimmed = value.trim();
    if trimmed.len() < 4 || trimmed != value {
        return false;
    }
    let lower = trimmed.to_ascii_lowercase();
    if NON_SECRET_VALUES.contains(&lower.as_str()) || is_placeholder(trimmed) {
        return false;
    }
    // Prose, labels and questions.
    if trimmed.matches(' ').count() >= 2
        || trimmed.ends_with(':')
        || (trimmed.ends_with('?') && trimmed.contains(' '))
    {
        return false;
    }
    // Templates and interpolation: `{name}`, `{0}`.
    if trimmed.contains('{') && trimmed.contains('}') {
        return false;
    }
    // Paths and URLs.
    if trimmed.starts_with('/')
        || trimmed.starts_with("./")
        || trimmed.starts_with("../")
        || lower.contains("://")
    {
        return false;
    }
    // Dotted names (`django.contrib.auth.hashers.PBKDF2PasswordHasher`).
    if trimmed.contains('.')
        && trimmed.split('.').all(|part| {
            !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        && trimmed
            .split('.')
            .any(|part| part.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        && !trimmed
            .chars()
            .any(|c| c.is_ascii_digit() && trimmed.len() < 12)
    {
        return false;
    }
    // Environment variable names (`DB_PASSWORD`) and snake_case names that
    // mention what they are (`password_reset`).
    if trimmed
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && trimmed.contains('_')
    {
        return false;
    }
    // Identifiers that name a credential (`new_password2`, `api-token`).
    let value_words = words(trimmed);
    let identifier = trimmed
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if identifier
        && value_words.iter().any(|w| {
            matches!(
                w.trim_end_matches(|c: char| c.is_ascii_digit()),
                "password" | "passwd" | "secret" | "token" | "pwd" | "passphrase" | "pass" | "key"
            )
        })
    {
        return false;
    }
    // Versions and object identifiers (`1.2.1`, `^4.17.21`, `1.2.840.113549`).
    let numeric = trimmed.trim_start_matches(['^', '~', '>', '<', '=', 'v']);
    if numeric.contains('.')
        && numeric
            .split(['.', '-', '+'])
            .next()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty())
        && numeric.chars().filter(|c| c.is_ascii_digit()).count() * 2 >= numeric.len()
    {
        return false;
    }
    // Code: calls and subscripts (`request.POST["password"]`, `get_pw()`).
    if trimmed.contains('(') && trimmed.contains(')')
        || trimmed.contains('[') && trimmed.contains(']')
    {
        return false;
    }
    !is_hash(trimmed)
}

/// Password hashes and digests are not passwords.
pub fn is_hash(value: &str) -> bool {
    let hex = value.len() >= 32 && value.bytes().all(|b| b.is_ascii_hexdigit());
    let modular = [
        "$2a$", "$2b$", "$2y$", "$argon2", "$6$", "$5$", "$1$", "pbkdf2_", "sha1$", "md5$",
        "bcrypt$", "{SSHA}", "{SHA}",
    ]
    .iter()
    .any(|p| value.starts_with(p));
    hex || modular
}

/// A literal password under a password-like key.
pub fn password_ok(key: &str, value: &str) -> bool {
    key_holds_secret(key) && plausible_value(value)
}

/// A random-looking secret under a secret-like key. UUIDs are identifiers
/// far more often than secrets.
pub fn secret_ok(key: &str, value: &str) -> bool {
    // A value in a provider's format was judged by that provider's rule; if
    // it failed there (bad checksum, fake), it is not a secret here either.
    let provider_format = super::redact::PUBLIC_PREFIXES
        .iter()
        .any(|p| p.len() >= 4 && value.starts_with(p));
    !provider_format
        && key_holds_secret(key)
        && plausible_value(value)
        && !is_uuid(value)
        && is_random(value, 3.5)
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().any(|c| c.is_ascii_alphabetic())
}

/// A username literal.
pub fn username_ok(key: &str, value: &str) -> bool {
    let key_words = words(key);
    // `user_id`, `user_agent`, `username_field` do not hold a login name.
    if key_words.iter().any(|w| {
        matches!(
            w.as_str(),
            "agent"
                | "id"
                | "ids"
                | "data"
                | "model"
                | "class"
                | "group"
                | "role"
                | "home"
                | "dir"
                | "count"
        )
    }) {
        return false;
    }
    key_holds_secret(key)
        && !is_placeholder(value)
        && !NON_SECRET_VALUES.contains(&value.to_ascii_lowercase().as_str())
        && value.chars().any(|c| c.is_ascii_alphabetic())
}

/// A password inside a connection string.
pub fn connection_password_ok(user: Option<&str>, value: &str) -> bool {
    let value = value.trim();
    value.len() >= 3
        && user.is_none_or(|u| !u.eq_ignore_ascii_case(value))
        && !NON_SECRET_VALUES.contains(&value.to_ascii_lowercase().as_str())
        && !is_placeholder(value)
        && !value.starts_with(['$', '%', ':'])
}

pub fn is_uuid(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_that_name_credentials() {
        assert!(key_holds_secret("DB_PASSWORD"));
        assert!(key_holds_secret("smtpPassword"));
        assert!(!key_holds_secret("PASSWORD_RESET_URL"));
        assert!(!key_holds_secret("password_field"));
        assert!(!key_holds_secret("AUTH_PASSWORD_VALIDATORS"));
        assert!(!key_holds_secret("password_hash"));
    }

    #[test]
    fn values_that_are_credentials() {
        assert!(password_ok("DB_PASSWORD", "W1nter-is-c0ming!"));
        for not in [
            "password",
            "${DB_PASSWORD}",
            "DB_PASSWORD",
            "Enter your password",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
            "/run/secrets/db",
            "pbkdf2_sha256$260000$abc$def",
            "5f4dcc3b5aa765d61d8327deb882cf99",
            "{password}",
            "password_reset",
            "new_password2",
            "1.2.1",
            "^4.17.21",
            "1.2.840.113549.1.9.7",
        ] {
            assert!(!password_ok("password", not), "{not}");
        }
        assert!(secret_ok("SECRET_KEY", "k3x9Qz7Lw2Pm8Rt4Vn6Yb1"));
        assert!(!secret_ok(
            "SECRET_KEY",
            "123e4567-e89b-12d3-a456-426614174000"
        ));
        assert!(connection_password_ok(Some("app"), "W1nter-is-c0ming"));
        assert!(!connection_password_ok(Some("postgres"), "postgres"));
        assert!(!connection_password_ok(Some("user"), "password"));
    }
}
