use super::super::common::not_a_secret;
use super::super::prelude::*;
use super::{call_args, callee_names, js_string, literal_content, object_property, unwrap};
use crate::secrets::redact::redact;

detector! {
    /// ## What it does
    /// Finds credentials written as string literals where an API takes a
    /// secret:
    ///
    /// - the key given to `jsonwebtoken`'s `sign`/`verify`, `express-jwt`,
    ///   `passport-jwt` (`secretOrKey`) and `crypto.createHmac`;
    /// - the `secret` of `express-session`, `cookie-session` (`secret`,
    ///   `keys`) and `cookie-parser`;
    /// - database passwords: `mysql`/`mysql2` `createConnection`/`createPool`,
    ///   `pg` `Client`/`Pool`, `postgres`, `knex` (`connection`),
    ///   `new Sequelize(database, user, password)`, `redis`/`ioredis`, and
    ///   connection URIs with a password (`mongodb://app:s3cr3t@db/prod`)
    ///   given to these clients, `mongoose.connect` or `MongoClient`;
    /// - the `auth.pass` of a `nodemailer` transport;
    /// - AWS `secretAccessKey`/`sessionToken` given to `aws-sdk` or an
    ///   `@aws-sdk/*` client;
    /// - the `clientSecret`/`consumerSecret` of a `passport-*` strategy.
    ///
    /// Names are resolved through `require` and `import`, so a local
    /// function called `sign` is not `jsonwebtoken`. Empty strings,
    /// placeholders and templates (`changeme`, `<your-secret>`,
    /// `${JWT_SECRET}`, `xxxx`, values declaring themselves not secret) are
    /// not reported, nor is anything read from `process.env` or a
    /// configuration. Short generic values such as `'secret'` or
    /// `'password'` *are* reported: they are the first an attacker tries.
    /// The literal is redacted in the message and snippet.
    ///
    /// ## Why is this bad?
    /// Whoever can read the code -- every clone, fork, backup, CI log,
    /// published package and container image -- has the credential, and it
    /// cannot be rotated without a release. A leaked signing key lets
    /// anyone forge sessions, cookies and tokens the application trusts.
    ///
    /// ## Example
    /// ```javascript
    /// const jwt = require("jsonwebtoken");
    /// const { Pool } = require("pg");
    ///
    /// const pool = new Pool({ host: "db", user: "app", password: "Tr0ub4dor&3" });
    /// const token = jwt.sign(claims, "k8s-prod-signing-2024");
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const jwt = require("jsonwebtoken");
    /// const { Pool } = require("pg");
    ///
    /// const pool = new Pool({ host: "db", user: "app", password: process.env.DB_PASSWORD });
    /// const token = jwt.sign(claims, process.env.JWT_SIGNING_KEY);
    /// ```
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [CWE-259: Use of Hard-coded Password](https://cwe.mitre.org/data/definitions/259.html)
    /// - [OWASP Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
    /// - [express-session: secret](https://github.com/expressjs/session#secret)
    pub static SPEC = {
        ids: &["javascript/hardcoded-credentials@v1.0", "typescript/hardcoded-credentials@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Hardcoded credentials",
        category: Category::Security,
        cwes: &[798, 259, 321],
        tags: &["secrets", "credentials", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Read the credential at run time from the environment or a secrets manager (AWS Secrets Manager, Vault) and rotate the one that was committed.",
        keywords: &[
            "passw", "secret", "jwt", "hmac", "session", "cookie", "mysql", "pg", "postgres",
            "mongo", "sequelize", "knex", "nodemailer", "aws", "passport", "redis",
        ],
        check: Check::Node { kinds: &["call_expression", "new_expression"], run: check },
    };
}

/// Where a credential goes in a call's arguments.
enum Slot {
    /// The argument at this position is the secret (a string, or an array
    /// of strings for key rotation lists).
    Position(usize),
    /// A property path of the options object at this position.
    Option(usize, &'static [&'static str]),
    /// A connection URI at this position may carry `user:password@`.
    Uri(usize),
}

struct Takes {
    targets: &'static [&'static str],
    slots: &'static [Slot],
    what: &'static str,
}

use crate::lang::JsField;
use Slot::{Option as Opt, Position, Uri};

const DB_OPTIONS: &[Slot] = &[
    Opt(0, &["password"]),
    Opt(0, &["connectionString"]),
    Opt(0, &["uri"]),
    Uri(0),
];

const TAKES: &[Takes] = &[
    Takes {
        targets: &[
            "jsonwebtoken.sign",
            "jsonwebtoken.verify",
            "jwt-simple.encode",
            "jwt-simple.decode",
        ],
        slots: &[Position(1)],
        what: "JWT signing key",
    },
    Takes {
        targets: &["express-jwt", "express-jwt.expressjwt", "koa-jwt"],
        slots: &[Opt(0, &["secret"])],
        what: "JWT signing key",
    },
    Takes {
        targets: &["passport-jwt.Strategy"],
        slots: &[Opt(0, &["secretOrKey"])],
        what: "JWT signing key",
    },
    Takes {
        targets: &["crypto.createHmac"],
        slots: &[Position(1)],
        what: "HMAC key",
    },
    Takes {
        targets: &["express-session", "cookie-session"],
        slots: &[Opt(0, &["secret"]), Opt(0, &["keys"])],
        what: "session signing secret",
    },
    Takes {
        targets: &["cookie-parser"],
        slots: &[Position(0)],
        what: "cookie signing secret",
    },
    Takes {
        targets: &[
            "mysql.createConnection",
            "mysql.createPool",
            "mysql2.createConnection",
            "mysql2.createPool",
            "mysql2/promise.createConnection",
            "mysql2/promise.createPool",
            "pg.Client",
            "pg.Pool",
            "pg-promise",
            "postgres",
            "redis.createClient",
            "ioredis",
            "ioredis.Redis",
        ],
        slots: DB_OPTIONS,
        what: "database password",
    },
    Takes {
        targets: &[
            "mongoose.connect",
            "mongoose.createConnection",
            "mongodb.MongoClient",
            "mongodb.MongoClient.connect",
        ],
        slots: &[Uri(0), Opt(1, &["auth", "password"]), Opt(1, &["pass"])],
        what: "database password",
    },
    Takes {
        targets: &[
            "sequelize",
            "sequelize.Sequelize",
            "@sequelize/core.Sequelize",
        ],
        slots: &[
            Position(2),
            Uri(0),
            Opt(0, &["password"]),
            Opt(3, &["password"]),
        ],
        what: "database password",
    },
    Takes {
        targets: &["knex", "knex.knex"],
        slots: &[Opt(0, &["connection", "password"]), Opt(0, &["connection"])],
        what: "database password",
    },
    Takes {
        targets: &["nodemailer.createTransport"],
        slots: &[Opt(0, &["auth", "pass"]), Uri(0)],
        what: "SMTP password",
    },
    Takes {
        targets: &["aws-sdk.Credentials"],
        slots: &[Position(1), Opt(0, &["secretAccessKey"])],
        what: "AWS secret access key",
    },
];

/// Option paths of AWS SDK clients and configuration holding a secret.
const AWS_PATHS: &[&[&str]] = &[
    &["secretAccessKey"],
    &["sessionToken"],
    &["credentials", "secretAccessKey"],
    &["credentials", "sessionToken"],
];

/// Option names of OAuth strategies holding the client's secret.
const PASSPORT_KEYS: &[&str] = &["clientSecret", "consumerSecret", "secretOrKey"];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let names = callee_names(call, checker);
    if names.is_empty() {
        return;
    }
    let callee = call
        .js_field(if call.kind() == "new_expression" {
            "constructor"
        } else {
            "function"
        })
        .map_or_else(String::new, |f| checker.text_of(f).to_string());
    let args = call_args(call);
    if let Some(takes) = TAKES
        .iter()
        .find(|t| names.iter().any(|n| t.targets.contains(&n.as_str())))
    {
        for slot in takes.slots {
            if report_slot(&args, slot, takes.what, &callee, checker) {
                return;
            }
        }
        return;
    }
    if names
        .iter()
        .any(|n| n.starts_with("aws-sdk") || n.starts_with("@aws-sdk/"))
    {
        for arg in &args {
            for path in AWS_PATHS {
                if let Some(value) = path_value(*arg, path, checker.text) {
                    report_literal(value, "AWS secret", &callee, checker);
                    return;
                }
            }
        }
        return;
    }
    if names.iter().any(|n| n.starts_with("passport-"))
        && let Some(options) = args.first()
    {
        for key in PASSPORT_KEYS {
            if let Some(value) = object_property(*options, key, checker.text) {
                report_literal(value, "OAuth client secret", &callee, checker);
                return;
            }
        }
    }
}

/// The value at a property path of an object literal.
fn path_value<'t>(object: Node<'t>, path: &[&str], text: &str) -> Option<Node<'t>> {
    let mut value = object;
    for key in path {
        value = object_property(value, key, text)?;
    }
    Some(value)
}

/// Reports the literal a slot holds; whether something was reported.
fn report_slot(
    args: &[Node<'_>],
    slot: &Slot,
    what: &str,
    callee: &str,
    checker: &mut Checker<'_>,
) -> bool {
    match *slot {
        Position(i) => {
            let Some(&value) = args.get(i) else {
                return false;
            };
            // `new Sequelize(uri, options)` has no password by position.
            if i == 2
                && args
                    .first()
                    .and_then(|a| js_string(*a, checker.text))
                    .is_some_and(|s| s.contains("://"))
            {
                return false;
            }
            report_literal(value, what, callee, checker)
        }
        Opt(i, path) => {
            let Some(value) = args.get(i).and_then(|a| path_value(*a, path, checker.text)) else {
                return false;
            };
            if matches!(
                path.last(),
                Some(&"connection" | &"connectionString" | &"uri")
            ) {
                return report_uri(value, what, callee, checker);
            }
            report_literal(value, what, callee, checker)
        }
        Uri(i) => args
            .get(i)
            .is_some_and(|&value| report_uri(value, what, callee, checker)),
    }
}

/// Reports a string literal (or each string of an array literal) that is
/// not a placeholder.
fn report_literal(value: Node<'_>, what: &str, callee: &str, checker: &mut Checker<'_>) -> bool {
    let value = unwrap(value);
    if value.kind() == "array" {
        let mut cursor = value.walk();
        let items: Vec<Node<'_>> = value.named_children(&mut cursor).collect();
        let mut any = false;
        for item in items {
            any |= report_literal(item, what, callee, checker);
        }
        return any;
    }
    let Some(secret) = js_string(value, checker.text) else {
        return false;
    };
    if not_a_secret(&secret) {
        return false;
    }
    let violation = Violation::new(
        "literal",
        format!(
            "The {what} passed to `{callee}` is a hardcoded string (\"{}\")",
            redact(&secret)
        ),
    )
    .with_secret(literal_content(value));
    checker.report(value, violation);
    true
}

/// Reports the password of a `scheme://user:password@host` literal.
fn report_uri(value: Node<'_>, what: &str, callee: &str, checker: &mut Checker<'_>) -> bool {
    let value = unwrap(value);
    let Some(uri) = js_string(value, checker.text) else {
        return false;
    };
    let Some((start, end)) = uri_password(&uri) else {
        return false;
    };
    let password = &uri[start..end];
    if not_a_secret(password) {
        return false;
    }
    let content = literal_content(value);
    // Escapes would shift offsets; only plain literals are redacted by range.
    if content.len() != uri.len() {
        return false;
    }
    let range = content.start + start..content.start + end;
    let violation = Violation::new(
        "uri-password",
        format!(
            "The connection URI passed to `{callee}` contains a hardcoded {what} (\"{}\")",
            redact(password)
        ),
    )
    .with_secret(range);
    checker.report(value, violation);
    true
}

/// Byte offsets of the password in `scheme://user:password@host/...`.
pub fn uri_password(uri: &str) -> Option<(usize, usize)> {
    let authority_start = uri.find("://")? + 3;
    let rest = &uri[authority_start..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_len];
    let at = authority.rfind('@')?;
    let userinfo = &authority[..at];
    let colon = userinfo.find(':')?;
    let start = authority_start + colon + 1;
    let end = authority_start + at;
    (end > start).then_some((start, end))
}
