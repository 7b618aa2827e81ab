use super::super::common::not_a_secret;
use super::super::prelude::*;
use crate::secrets::redact::redact;

detector! {
    /// ## What it does
    /// Finds credentials written as string literals where an API takes a
    /// secret: the password of a database, cache, SSH, SMTP, FTP, IMAP or
    /// LDAP connection, HTTP basic/digest credentials given to `requests`,
    /// `httpx` or `aiohttp`, AWS secret keys given to `boto3`, the key that
    /// signs or verifies JSON Web Tokens (`jwt.encode`/`jwt.decode`), HMACs
    /// and `itsdangerous` tokens, Flask's `secret_key`/`SECRET_KEY` and
    /// Django's `SECRET_KEY` in a settings module. Names are resolved
    /// through the file's imports, so `from psycopg2 import connect as c`
    /// is still found, and a literal passed by position counts like one
    /// passed by keyword. Empty strings and placeholders (`changeme`,
    /// `<password>`, `${DB_PASSWORD}`) are not reported; values read from
    /// the environment or a configuration are not literals.
    ///
    /// ## Why is this bad?
    /// Whoever can read the code -- every clone, fork, backup, CI log and
    /// container image -- has the credential, and it cannot be rotated
    /// without a release. A leaked signing key lets anyone forge sessions,
    /// password-reset links and tokens that the application trusts.
    ///
    /// ## Example
    /// ```python
    /// import jwt
    /// import psycopg2
    ///
    /// conn = psycopg2.connect(host="db", user="app", password="Tr0ub4dor&3")
    /// token = jwt.encode(claims, "k8s-prod-signing-2024", algorithm="HS256")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// import jwt
    /// import psycopg2
    ///
    /// conn = psycopg2.connect(host="db", user="app", password=os.environ["DB_PASSWORD"])
    /// token = jwt.encode(claims, os.environ["JWT_SIGNING_KEY"], algorithm="HS256")
    /// ```
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [CWE-259: Use of Hard-coded Password](https://cwe.mitre.org/data/definitions/259.html)
    /// - [OWASP Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
    /// - [Django: SECRET_KEY](https://docs.djangoproject.com/en/stable/ref/settings/#secret-key)
    pub static SPEC = {
        ids: &["python/hardcoded-credentials@v1.0"],
        languages: &[Language::Python],
        name: "Hardcoded credentials",
        category: Category::Security,
        cwes: &[798, 259, 321],
        tags: &["secrets", "credentials", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Read the credential at run time from the environment or a secrets manager (AWS Secrets Manager, Vault) and rotate the one that was committed.",
        keywords: &[
            "passw", "secret", "login", "auth", "jwt", "hmac", "itsdangerous", "bind",
            "connect", "ftplib", "SECRET_KEY",
        ],
        check: Check::Node { kinds: &["call", "assignment"], run: check },
    };
}

/// Where a function takes a credential: its position (when it may be
/// given by position) and keyword names.
struct Takes {
    targets: &'static [&'static str],
    position: Option<usize>,
    names: &'static [&'static str],
    what: &'static str,
}

const FUNCTIONS: &[Takes] = &[
    Takes {
        targets: &[
            "psycopg2.connect",
            "psycopg.connect",
            "psycopg.Connection.connect",
        ],
        position: None,
        names: &["password"],
        what: "database password",
    },
    Takes {
        targets: &[
            "pymysql.connect",
            "pymysql.Connect",
            "pymysql.connections.Connection",
            "mysql.connector.connect",
            "aiomysql.connect",
            "asyncpg.connect",
            "asyncpg.create_pool",
        ],
        position: None,
        names: &["password", "passwd"],
        what: "database password",
    },
    Takes {
        targets: &["MySQLdb.connect", "MySQLdb.Connect"],
        position: Some(2),
        names: &["passwd", "password"],
        what: "database password",
    },
    Takes {
        targets: &[
            "pymongo.MongoClient",
            "pymongo.mongo_client.MongoClient",
            "motor.motor_asyncio.AsyncIOMotorClient",
        ],
        position: None,
        names: &["password"],
        what: "MongoDB password",
    },
    Takes {
        targets: &[
            "redis.Redis",
            "redis.StrictRedis",
            "redis.client.Redis",
            "redis.asyncio.Redis",
            "redis.asyncio.StrictRedis",
        ],
        position: None,
        names: &["password"],
        what: "Redis password",
    },
    Takes {
        targets: &["ftplib.FTP", "ftplib.FTP_TLS"],
        position: Some(2),
        names: &["passwd"],
        what: "FTP password",
    },
    Takes {
        targets: &["ldap3.Connection"],
        position: Some(2),
        names: &["password"],
        what: "LDAP password",
    },
    Takes {
        targets: &[
            "requests.auth.HTTPBasicAuth",
            "requests.auth.HTTPDigestAuth",
            "requests.auth.HTTPProxyAuth",
            "requests.HTTPBasicAuth",
            "httpx.BasicAuth",
            "httpx.DigestAuth",
            "aiohttp.BasicAuth",
        ],
        position: Some(1),
        names: &["password"],
        what: "HTTP password",
    },
    Takes {
        targets: &[
            "boto3.client",
            "boto3.resource",
            "boto3.Session",
            "boto3.session.Session",
            "botocore.session.Session.create_client",
        ],
        position: None,
        names: &["aws_secret_access_key", "aws_session_token"],
        what: "AWS secret",
    },
    Takes {
        targets: &[
            "jwt.encode",
            "jwt.decode",
            "jose.jwt.encode",
            "jose.jwt.decode",
        ],
        position: Some(1),
        names: &["key"],
        what: "JWT signing key",
    },
    Takes {
        targets: &["hmac.new", "hmac.digest", "hmac.HMAC"],
        position: Some(0),
        names: &["key"],
        what: "HMAC key",
    },
    Takes {
        targets: &[
            "itsdangerous.Signer",
            "itsdangerous.TimestampSigner",
            "itsdangerous.Serializer",
            "itsdangerous.TimedSerializer",
            "itsdangerous.URLSafeSerializer",
            "itsdangerous.URLSafeTimedSerializer",
            "itsdangerous.url_safe.URLSafeSerializer",
            "itsdangerous.url_safe.URLSafeTimedSerializer",
        ],
        position: Some(0),
        names: &["secret_key"],
        what: "itsdangerous signing key",
    },
];

/// Methods taking a credential, on objects the listed constructors make.
struct MethodTakes {
    methods: &'static [&'static str],
    constructors: &'static [&'static str],
    position: Option<usize>,
    names: &'static [&'static str],
    what: &'static str,
}

const METHODS: &[MethodTakes] = &[
    MethodTakes {
        methods: &["login"],
        constructors: &[
            "smtplib.SMTP",
            "smtplib.SMTP_SSL",
            "smtplib.LMTP",
            "ftplib.FTP",
            "ftplib.FTP_TLS",
            "imaplib.IMAP4",
            "imaplib.IMAP4_SSL",
        ],
        position: Some(1),
        names: &["password", "passwd"],
        what: "login password",
    },
    MethodTakes {
        methods: &["connect"],
        constructors: &["paramiko.SSHClient", "paramiko.client.SSHClient"],
        position: Some(3),
        names: &["password", "passphrase"],
        what: "SSH password",
    },
    MethodTakes {
        methods: &["simple_bind_s", "simple_bind", "bind_s"],
        constructors: &["ldap.initialize", "ldap.ldapobject.LDAPObject"],
        position: Some(1),
        names: &["cred"],
        what: "LDAP password",
    },
];

/// `requests` calls taking `auth=(user, password)`.
const REQUESTS: &[&str] = &[
    "requests.get",
    "requests.post",
    "requests.put",
    "requests.patch",
    "requests.delete",
    "requests.head",
    "requests.options",
    "requests.request",
    "httpx.get",
    "httpx.post",
    "httpx.put",
    "httpx.patch",
    "httpx.delete",
    "httpx.request",
    "httpx.Client",
    "httpx.AsyncClient",
];

/// Flask configuration keys holding a signing secret.
const FLASK_KEYS: &[&str] = &["SECRET_KEY", "JWT_SECRET_KEY", "WTF_CSRF_SECRET_KEY"];

/// Top-level names only a Django settings module or a Flask configuration
/// module defines.
const SETTINGS_MARKERS: &[&str] = &[
    "INSTALLED_APPS",
    "MIDDLEWARE",
    "ROOT_URLCONF",
    "DATABASES",
    "SQLALCHEMY_DATABASE_URI",
    "SESSION_COOKIE_SECURE",
    "WTF_CSRF_ENABLED",
];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "call" => check_call(node, checker),
        _ => check_assignment(node, checker),
    }
}

fn check_call(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = checker.semantic.callee_names(call, text);
    let calls = |targets: &[&str]| names.iter().any(|n| targets.contains(&n.as_str()));
    for takes in FUNCTIONS {
        if calls(takes.targets) {
            let callee = short_callee(call, text);
            report_argument(
                call,
                takes.position,
                takes.names,
                takes.what,
                &callee,
                checker,
            );
            return;
        }
    }
    // `settings.configure(SECRET_KEY="...")`.
    if calls(&["django.conf.settings.configure"]) {
        if let Some(value) = keyword_argument(call, "SECRET_KEY", text) {
            report_literal(value, "Django SECRET_KEY is a hardcoded string", checker);
        }
        return;
    }
    if calls(REQUESTS) {
        check_auth_tuple(call, checker);
        return;
    }
    let Some((receiver, method)) = method_call(call) else {
        return;
    };
    let method = node_text(method, text);
    for takes in METHODS {
        if takes.methods.contains(&method) && constructed_by(receiver, takes.constructors, checker)
        {
            let callee = short_callee(call, text);
            report_argument(
                call,
                takes.position,
                takes.names,
                takes.what,
                &callee,
                checker,
            );
            return;
        }
    }
    // `app.config.update(SECRET_KEY="...")`, `app.config.from_mapping(...)`.
    if matches!(method, "update" | "from_mapping") && is_flask_config(receiver, checker) {
        for key in FLASK_KEYS {
            if let Some(value) = keyword_argument(call, key, text) {
                report_literal(
                    value,
                    &format!("Flask {key} is a hardcoded string"),
                    checker,
                );
            }
        }
    }
}

/// The callee as written, for messages (`psycopg2.connect`).
fn short_callee(call: Node<'_>, text: &str) -> String {
    call.child_by_field_name("function")
        .map_or_else(String::new, |f| node_text(f, text).to_string())
}

fn report_argument(
    call: Node<'_>,
    position: Option<usize>,
    names: &[&str],
    what: &str,
    callee: &str,
    checker: &mut Checker<'_>,
) {
    let text = checker.text;
    let value = names
        .iter()
        .find_map(|name| keyword_argument(call, name, text))
        .or_else(|| {
            position.and_then(|p| positional_arguments(checker.grammar, call).get(p).copied())
        });
    if let Some(value) = value {
        report_literal(
            value,
            &format!("The {what} passed to `{callee}` is a hardcoded string"),
            checker,
        );
    }
}

/// `requests.get(url, auth=("user", "password"))`.
fn check_auth_tuple(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(auth) = keyword_argument(call, "auth", text).filter(|a| a.kind() == "tuple") else {
        return;
    };
    let mut cursor = auth.walk();
    let items: Vec<Node<'_>> = auth.named_children(&mut cursor).collect();
    if let [_, password] = items[..] {
        let callee = short_callee(call, text);
        report_literal(
            password,
            &format!("The password in `auth=` of `{callee}` is a hardcoded string"),
            checker,
        );
    }
}

/// Whether `expr` is an object one of `constructors` made: the call itself
/// (`smtplib.SMTP(host).login(...)`) or a name last assigned (or bound by
/// `with ... as`) from such a call.
fn constructed_by(expr: Node<'_>, constructors: &[&str], checker: &Checker<'_>) -> bool {
    let value = match expr.kind() {
        "identifier" => super::boto3::assigned_value(expr, checker.text),
        "call" => Some(expr),
        _ => None,
    };
    value.is_some_and(|v| {
        v.kind() == "call"
            && checker
                .semantic
                .call_matches(v, checker.text, constructors)
                .is_some()
    })
}

/// Whether `expr` is `app.config` of a Flask application.
fn is_flask_config(expr: Node<'_>, checker: &Checker<'_>) -> bool {
    expr.kind() == "attribute"
        && expr
            .child_by_field_name("attribute")
            .is_some_and(|a| node_text(a, checker.text) == "config")
        && expr
            .child_by_field_name("object")
            .is_some_and(|o| is_flask_app(o, checker))
}

/// Whether `expr` names a Flask application: made by `Flask(...)` in this
/// file, or called `app` in a file that imports Flask.
fn is_flask_app(expr: Node<'_>, checker: &Checker<'_>) -> bool {
    const FLASK: &[&str] = &["flask.Flask", "quart.Quart"];
    if constructed_by(expr, FLASK, checker) {
        return true;
    }
    expr.kind() == "identifier"
        && matches!(node_text(expr, checker.text), "app" | "application")
        && checker.semantic.imports_any(&["flask", "quart"])
}

fn check_assignment(assignment: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let (Some(left), Some(right)) = (
        assignment.child_by_field_name("left"),
        assignment.child_by_field_name("right"),
    ) else {
        return;
    };
    match left.kind() {
        // `app.secret_key = "..."`.
        "attribute" => {
            let is_secret_key = left
                .child_by_field_name("attribute")
                .is_some_and(|a| node_text(a, text) == "secret_key");
            if is_secret_key
                && left
                    .child_by_field_name("object")
                    .is_some_and(|o| is_flask_app(o, checker))
            {
                report_literal(right, "Flask secret_key is a hardcoded string", checker);
            }
        }
        // `app.config["SECRET_KEY"] = "..."`.
        "subscript" => {
            let key = left
                .child_by_field_name("subscript")
                .and_then(|s| string_literal(s, text));
            if let Some(key) = key.filter(|k| FLASK_KEYS.contains(&k.as_str()))
                && left
                    .child_by_field_name("value")
                    .is_some_and(|v| is_flask_config(v, checker))
            {
                report_literal(
                    right,
                    &format!("Flask {key} is a hardcoded string"),
                    checker,
                );
            }
        }
        // `SECRET_KEY = "..."` in a Django settings or Flask configuration
        // module, or in a Flask configuration class (`class Config:`).
        "identifier" if node_text(left, text) == "SECRET_KEY" => {
            if let Some((_, value)) = super::module_setting(assignment, text) {
                let settings = super::module_settings(assignment, text);
                if settings
                    .iter()
                    .any(|(name, _)| SETTINGS_MARKERS.contains(name))
                {
                    report_literal(
                        value,
                        "SECRET_KEY of a settings module is a hardcoded string",
                        checker,
                    );
                }
            } else if in_config_class(assignment, text) {
                report_literal(
                    right,
                    "SECRET_KEY of a configuration class is a hardcoded string",
                    checker,
                );
            }
        }
        _ => {}
    }
}

/// Whether `assignment` is a statement of the body of a class named like a
/// configuration (`Config`, `ProductionConfig`, `Settings`).
fn in_config_class(assignment: Node<'_>, text: &str) -> bool {
    let class = assignment
        .parent()
        .filter(|p| p.kind() == "expression_statement")
        .and_then(|s| s.parent())
        .filter(|b| b.kind() == "block")
        .and_then(|b| b.parent())
        .filter(|c| c.kind() == "class_definition");
    class
        .and_then(|c| c.child_by_field_name("name"))
        .is_some_and(|n| {
            let name = node_text(n, text);
            name.ends_with("Config") || name.ends_with("Settings")
        })
}

/// Reports `value` when it is a plain, non-empty string literal that is
/// not a placeholder; the literal's content is marked as the secret.
fn report_literal(value: Node<'_>, message: &str, checker: &mut Checker<'_>) {
    let Some(secret) = string_literal(value, checker.text) else {
        return;
    };
    if not_a_secret(&secret) {
        return;
    }
    let mut cursor = value.walk();
    let content = value
        .named_children(&mut cursor)
        .filter(|c| matches!(c.kind(), "string_content" | "escape_sequence"))
        .fold(None::<std::ops::Range<usize>>, |range, c| {
            Some(match range {
                Some(r) => r.start..c.end_byte(),
                None => c.byte_range(),
            })
        });
    let Some(content) = content else {
        return;
    };
    let violation = Violation::new("literal", format!("{message} (\"{}\")", redact(&secret)))
        .with_secret(content);
    checker.report(value, violation);
}
