use super::super::prelude::*;
use super::web::{calls_in, concat_parts, is_call_on, name_words, scope_of, string_value, strip};
use super::{call_args, descendants, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds passwords and secrets stored or sent in clear text:
    /// - put in a cookie (`new Cookie("password", password)`, or a cookie
    ///   whose value is a password variable);
    /// - written to a `java.util.Properties` under a password key
    ///   (`props.setProperty("db.password", password)`) that the same
    ///   method then saves with `store(...)`;
    /// - saved in `java.util.prefs.Preferences` (`prefs.put("password", pw)`)
    ///   or Android `SharedPreferences` (`editor.putString("password", pw)`);
    /// - sent in the query string of a URL
    ///   (`"https://host/login?user=" + user + "&password=" + password`,
    ///   `uriBuilder.queryParam("password", password)`).
    ///
    /// A value that is visibly encrypted or hashed first
    /// (`encrypt(password)`, `passwordEncoder.encode(password)`) is not
    /// reported. Logging a password is reported by
    /// `java/sensitive-information-leak`.
    ///
    /// ## Why is this bad?
    /// Cookies travel with every request and sit in the browser's profile;
    /// properties and preference files are readable by anyone who gets the
    /// file or a backup; URLs end up in server and proxy logs, browser
    /// history and `Referer` headers. A password stored or sent this way is
    /// a password disclosed.
    ///
    /// ## Example
    /// ```java
    /// URL url = new URL("https://api.example.com/login?user=" + user + "&password=" + password);
    /// ```
    ///
    /// ## Use instead
    /// Send credentials in the body of a POST over HTTPS, or in an
    /// `Authorization` header; store only a salted hash of a password, and
    /// other secrets in a key store or secrets manager.
    ///
    /// ## References
    /// - [CWE-256: Plaintext Storage of a Password](https://cwe.mitre.org/data/definitions/256.html)
    /// - [CWE-312: Cleartext Storage of Sensitive Information](https://cwe.mitre.org/data/definitions/312.html)
    /// - [CWE-598: Use of GET Request Method With Sensitive Query Strings](https://cwe.mitre.org/data/definitions/598.html)
    pub static SPEC = {
        ids: &["java/clear-text-credentials@v1.0"],
        languages: &[Language::Java],
        name: "Clear text credentials",
        category: Category::Security,
        cwes: &[256, 312, 598],
        tags: &["credentials", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::RequiresSystemAccess,
        remediation: "Never store or send a password in clear: hash stored passwords, keep other secrets in a key store or secrets manager, and send credentials in a POST body or header over HTTPS.",
        keywords: &["pass", "pwd", "secret"],
        check: Check::Node {
            kinds: &["object_creation_expression", "method_invocation", "binary_expression"],
            run: check,
        },
    };
}

/// Whether a key or name (`db.password`, `userPwd`) names a password or
/// secret.
fn credential_key(key: &str) -> bool {
    let words = name_words(key);
    words.iter().any(|w| {
        matches!(
            w.as_str(),
            "password" | "passwd" | "pwd" | "passphrase" | "secret" | "clientsecret"
        )
    }) && !words.iter().any(|w| {
        matches!(
            w.as_str(),
            "hash"
                | "hashed"
                | "encrypted"
                | "enc"
                | "digest"
                | "salt"
                | "file"
                | "path"
                | "name"
                | "policy"
                | "length"
                | "expiry"
                | "expires"
                | "expired"
                | "reset"
                | "required"
                | "changed"
                | "prompt"
                | "hint"
        )
    })
}

/// Whether an expression is a password held in clear: a variable, field or
/// getter named like one, not passed through encryption or hashing.
fn clear_credential(expr: Node<'_>, text: &str) -> bool {
    let expr = strip(expr);
    let name = match expr.kind() {
        "identifier" => node_text(expr, text),
        "field_access" => expr
            .child_by_field_name("field")
            .map_or("", |f| node_text(f, text)),
        "method_invocation" => {
            let m = method_name(expr, text).unwrap_or("");
            match m.strip_prefix("get") {
                Some(rest) if call_args(expr).is_empty() => rest,
                _ => return false,
            }
        }
        _ => return false,
    };
    credential_key(name)
}

/// Whether the key of a store call names a credential.
fn key_is_credential(key: Node<'_>, text: &str) -> bool {
    match string_value(key, text) {
        Some(k) => credential_key(&k),
        None => false,
    }
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "object_creation_expression" => check_cookie(node, checker),
        "method_invocation" => check_store(node, checker),
        _ => check_query(node, checker),
    }
}

fn check_cookie(creation: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = checker.semantic.callee_names(creation, text);
    if !names
        .iter()
        .any(|n| n == "javax.servlet.http.Cookie" || n == "jakarta.servlet.http.Cookie")
    {
        return;
    }
    let args = call_args(creation);
    let (Some(key), Some(value)) = (args.first(), args.get(1)) else {
        return;
    };
    if (key_is_credential(*key, text) && string_value(*value, text).is_none())
        || clear_credential(*value, text)
    {
        checker.report(
            creation,
            Violation::new("cookie", "A password is stored in a cookie in clear text"),
        );
    }
}

fn check_store(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(method) = method_name(call, text) else {
        return;
    };
    let args = call_args(call);
    if method == "queryParam" || method == "addParameter" || method == "setParameter" {
        // `UriComponentsBuilder.queryParam`, HttpClient `URIBuilder`.
        if args.len() >= 2
            && key_is_credential(args[0], text)
            && string_value(args[1], text).is_none()
            && (method == "queryParam" || text.contains("URIBuilder"))
        {
            checker.report(
                call,
                Violation::new(
                    "query",
                    "A password is sent in the query string of a URL, where logs and history keep it",
                ),
            );
        }
        return;
    }
    let kind = match method {
        "setProperty" => "properties",
        "putString" => "shared-preferences",
        "put" if checker.semantic.imports("java.util.prefs") => "preferences",
        _ => return,
    };
    if args.len() != 2 || !key_is_credential(args[0], text) || !clear_credential(args[1], text) {
        return;
    }
    if kind == "properties" {
        // Only properties saved to a file: `props.store(...)` on the same
        // object in the same method.
        let Some(object) = receiver(call)
            .map(strip)
            .filter(|o| o.kind() == "identifier")
        else {
            return;
        };
        let var = node_text(object, text);
        let stored = calls_in(scope_of(call))
            .into_iter()
            .any(|c| is_call_on(c, var, &["store", "storeToXML"], text));
        if !stored {
            return;
        }
    }
    if kind == "shared-preferences" && !text.contains("SharedPreferences") {
        return;
    }
    checker.report(
        call,
        Violation::new(
            kind,
            format!(
                "A password is saved in clear text ({})",
                match kind {
                    "properties" => "a properties file",
                    "preferences" => "Java preferences",
                    _ => "Android shared preferences",
                }
            ),
        ),
    );
}

fn check_query(binary: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    // The outermost concatenation only.
    if binary
        .parent()
        .is_some_and(|p| p.kind() == "binary_expression")
    {
        return;
    }
    let parts = concat_parts(binary);
    if parts.len() < 2 {
        return;
    }
    let mut in_query = false;
    for (i, part) in parts.iter().enumerate() {
        let Some(literal) = string_value(*part, text) else {
            continue;
        };
        if i == 0
            && !(literal.starts_with("http://")
                || literal.starts_with("https://")
                || literal.starts_with('/')
                || literal.contains('?'))
        {
            return;
        }
        if literal.contains('?') {
            in_query = true;
        }
        if !in_query {
            continue;
        }
        // `...&password=` followed by a password variable.
        let Some(param) = literal
            .strip_suffix('=')
            .map(|l| l.rsplit(['?', '&']).next().unwrap_or(""))
        else {
            continue;
        };
        if credential_key(param)
            && let Some(next) = parts.get(i + 1)
            && string_value(*next, text).is_none()
            && !descendants(*next).into_iter().any(|n| {
                n.kind() == "identifier" && {
                    let t = node_text(n, text).to_ascii_lowercase();
                    t.contains("encrypt") || t.contains("hash")
                }
            })
        {
            checker.report(
                binary,
                Violation::new(
                    "query",
                    format!(
                        "A password (`{param}`) is sent in the query string of a URL, where logs and history keep it"
                    ),
                ),
            );
            return;
        }
    }
}
