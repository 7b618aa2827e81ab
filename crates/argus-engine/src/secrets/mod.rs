//! Secrets detection: provider tokens, private keys, connection strings and
//! hardcoded passwords, in every file argus reads (up to the secrets size
//! limit, 100 KB by default).
//!
//! The fast path is a keyword prefilter (aho-corasick over the bytes, case-
//! sensitive for token prefixes, insensitive for key names); a rule's
//! regular expression runs only on files where one of its keywords occurs.
//! Every candidate then passes the token's grammar (checksums, decodable
//! payloads), randomness thresholds, and rejection of placeholders and
//! documented examples. Values never leave this module unredacted except as
//! a keyed digest for fingerprints.

pub mod detectors;
mod generic;
mod keys;
pub mod redact;
mod rules;
pub mod validate;

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;

use crate::detectors::DetectorSpec;
use redact::redact;
use rules::RULES;

/// A secret found in a text.
#[derive(Debug, Clone)]
pub struct SecretHit {
    pub detector: &'static DetectorSpec,
    /// The secret's bytes in the text.
    pub range: Range<usize>,
    /// The value as it identifies the secret (a key's body without line
    /// breaks); only ever stored as a keyed digest.
    pub value: String,
    /// What was found, with the value redacted.
    pub message: String,
    /// Found by a generic (name-based) rule rather than a token format:
    /// the caller may discard it inside documentation (docstrings).
    pub generic: bool,
    /// A name-based credential in documentation: not reported, but still
    /// redacted wherever the text is shown.
    pub in_documentation: bool,
}

/// What kind of text is scanned.
#[derive(Debug, Clone, Copy, Default)]
pub struct Profile {
    /// A configuration file: unquoted `KEY=value` assignments count.
    pub config_file: bool,
    /// Documentation or examples (`.md`, `.rst`, `docs/`, `examples/`):
    /// only token formats are reported; credentials recognised by their
    /// names are illustrations there far more often than leaks, so they are
    /// only redacted.
    pub documentation: bool,
}

/// The generic rules, in priority order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Generic {
    ConnectionUrl,
    ConnectionJdbc,
    ConnectionAdo,
    PasswordQuoted,
    PasswordCall,
    PasswordConfig,
    PasswordXml,
    PasswordXmlAttribute,
    SecretQuoted,
    SecretConfig,
}

impl Generic {
    const ALL: [Generic; 10] = [
        Generic::ConnectionUrl,
        Generic::ConnectionJdbc,
        Generic::ConnectionAdo,
        Generic::PasswordQuoted,
        Generic::PasswordCall,
        Generic::PasswordConfig,
        Generic::PasswordXml,
        Generic::PasswordXmlAttribute,
        Generic::SecretQuoted,
        Generic::SecretConfig,
    ];

    fn pattern(self) -> &'static str {
        match self {
            Generic::ConnectionUrl => generic::CONNECTION_URL,
            Generic::ConnectionJdbc => generic::CONNECTION_JDBC,
            Generic::ConnectionAdo => generic::CONNECTION_ADO,
            Generic::PasswordQuoted => generic::PASSWORD_QUOTED,
            Generic::PasswordCall => generic::PASSWORD_CALL,
            Generic::PasswordConfig => generic::PASSWORD_CONFIG,
            Generic::PasswordXml => generic::PASSWORD_XML,
            Generic::PasswordXmlAttribute => generic::PASSWORD_XML_ATTRIBUTE,
            Generic::SecretQuoted => generic::SECRET_QUOTED,
            Generic::SecretConfig => generic::SECRET_CONFIG,
        }
    }

    fn keywords(self) -> &'static [&'static str] {
        match self {
            Generic::ConnectionUrl => &["://"],
            Generic::ConnectionJdbc => &["jdbc:"],
            Generic::ConnectionAdo => &["password=", "pwd=", "password =", "pwd ="],
            Generic::PasswordQuoted | Generic::PasswordCall | Generic::PasswordConfig => {
                &["passw", "pwd", "passphrase", "passcode"]
            }
            Generic::PasswordXml | Generic::PasswordXmlAttribute => &["passw"],
            Generic::SecretQuoted | Generic::SecretConfig => &[
                "secret",
                "token",
                "apikey",
                "api_key",
                "api-key",
                "accesskey",
                "access_key",
                "authkey",
                "auth_key",
                "privatekey",
                "private_key",
                "signingkey",
                "signing_key",
                "encryptionkey",
                "encryption_key",
                "masterkey",
                "master_key",
            ],
        }
    }

    /// Unquoted `KEY=value` forms apply to configuration files only: in
    /// code an unquoted value is an expression.
    fn config_only(self) -> bool {
        matches!(self, Generic::PasswordConfig | Generic::SecretConfig)
    }

    fn detector(self) -> &'static DetectorSpec {
        match self {
            Generic::ConnectionUrl | Generic::ConnectionJdbc | Generic::ConnectionAdo => {
                &detectors::CONNECTION_STRING
            }
            Generic::PasswordQuoted
            | Generic::PasswordCall
            | Generic::PasswordConfig
            | Generic::PasswordXml
            | Generic::PasswordXmlAttribute => &detectors::HARDCODED_PASSWORD,
            Generic::SecretQuoted | Generic::SecretConfig => &detectors::HARDCODED_SECRET,
        }
    }
}

/// A pattern the scanner runs: a provider rule or a generic one.
#[derive(Clone, Copy)]
enum Pattern {
    Provider(usize),
    Generic(Generic),
}

struct Scanner {
    /// Token prefixes, case-sensitive.
    exact: AhoCorasick,
    exact_owners: Vec<Vec<Pattern>>,
    /// Key names, case-insensitive.
    loose: AhoCorasick,
    loose_owners: Vec<Vec<Pattern>>,
    provider_regexes: Vec<Regex>,
    generic_regexes: Vec<Regex>,
    username_quoted: Regex,
    username_config: Regex,
    aws_access_key_id: Regex,
}

fn scanner() -> &'static Scanner {
    static SCANNER: OnceLock<Scanner> = OnceLock::new();
    SCANNER.get_or_init(|| {
        let mut exact: Vec<&str> = Vec::new();
        let mut exact_owners: Vec<Vec<Pattern>> = Vec::new();
        let mut loose: Vec<String> = Vec::new();
        let mut loose_owners: Vec<Vec<Pattern>> = Vec::new();
        let mut add_loose = |keyword: &str, pattern: Pattern| {
            let keyword = keyword.to_ascii_lowercase();
            match loose.iter().position(|k| *k == keyword) {
                Some(i) => loose_owners[i].push(pattern),
                None => {
                    loose.push(keyword);
                    loose_owners.push(vec![pattern]);
                }
            }
        };
        for (i, rule) in RULES.iter().enumerate() {
            for keyword in rule.keywords {
                if rule.exact {
                    match exact.iter().position(|k| k == keyword) {
                        Some(p) => exact_owners[p].push(Pattern::Provider(i)),
                        None => {
                            exact.push(keyword);
                            exact_owners.push(vec![Pattern::Provider(i)]);
                        }
                    }
                } else {
                    add_loose(keyword, Pattern::Provider(i));
                }
            }
        }
        for generic in Generic::ALL {
            for keyword in generic.keywords() {
                add_loose(keyword, Pattern::Generic(generic));
            }
        }
        let compile = |p: &str| Regex::new(p).unwrap_or_else(|e| panic!("secret pattern {p}: {e}"));
        Scanner {
            exact: AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&exact)
                .expect("plain keywords"),
            exact_owners,
            loose: AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&loose)
                .expect("plain keywords"),
            loose_owners,
            provider_regexes: RULES.iter().map(|r| compile(r.pattern)).collect(),
            generic_regexes: Generic::ALL.iter().map(|g| compile(g.pattern())).collect(),
            username_quoted: compile(generic::USERNAME_QUOTED),
            username_config: compile(generic::USERNAME_CONFIG),
            aws_access_key_id: compile(rules::AWS_ACCESS_KEY_ID_PATTERN),
        }
    })
}

/// Lines around a password in which a username belongs to it.
const USERNAME_DISTANCE_LINES: usize = 3;
/// Lines around a secret access key in which its access key id is reported.
const AWS_PAIR_DISTANCE_LINES: usize = 5;

/// Finds secrets in `text`; `wants` says which detectors run in this scan.
pub fn scan(
    text: &str,
    path: &str,
    profile: Profile,
    wants: &dyn Fn(&'static DetectorSpec) -> bool,
) -> Vec<SecretHit> {
    let scanner = scanner();
    let mut hits: Vec<SecretHit> = Vec::new();

    if text.contains("PRIVATE KEY") {
        for block in keys::find(text, path) {
            if wants(block.detector) {
                let kind = if block.kind.is_empty() {
                    "PKCS #8".to_string()
                } else {
                    block.kind.clone()
                };
                hits.push(SecretHit {
                    detector: block.detector,
                    message: format!(
                        "{kind} private key block in source ({})",
                        redact(&block.body)
                    ),
                    range: block.range,
                    value: block.body,
                    generic: false,
                    in_documentation: false,
                });
            }
        }
    }

    let mut providers = vec![false; RULES.len()];
    let mut generics = [false; Generic::ALL.len()];
    let mut mark = |pattern: Pattern| match pattern {
        Pattern::Provider(i) => providers[i] = true,
        Pattern::Generic(g) => generics[g as usize] = true,
    };
    for m in scanner.exact.find_overlapping_iter(text) {
        scanner.exact_owners[m.pattern().as_usize()]
            .iter()
            .for_each(|&p| mark(p));
    }
    for m in scanner.loose.find_overlapping_iter(text) {
        scanner.loose_owners[m.pattern().as_usize()]
            .iter()
            .for_each(|&p| mark(p));
    }

    for (i, rule) in RULES.iter().enumerate() {
        if !providers[i] || !wants(rule.detector) {
            continue;
        }
        for caps in scanner.provider_regexes[i].captures_iter(text) {
            let Some(secret) = caps.name("secret") else {
                continue;
            };
            if (rule.valid)(secret.as_str()) && !validate::is_placeholder(secret.as_str()) {
                push(
                    &mut hits,
                    rule.detector,
                    secret.range(),
                    secret.as_str(),
                    None,
                );
            }
        }
    }

    for generic in Generic::ALL {
        // Documentation is read like configuration (`export KEY=value`
        // samples): its name-based hits are only redacted, never reported.
        if !generics[generic as usize]
            || (generic.config_only() && !profile.config_file && !profile.documentation)
            || !wants(generic.detector())
        {
            continue;
        }
        let regex = &scanner.generic_regexes[generic as usize];
        let mut at = 0;
        while let Some(caps) = regex.captures_at(text, at) {
            let Some(secret) = caps.name("secret") else {
                break;
            };
            let value = secret.as_str();
            let key = caps.name("key").map_or("", |k| k.as_str());
            // `"password", "label": ...` is a dictionary, not a call.
            let next = text[caps.get(0).map_or(secret.end(), |m| m.end())..]
                .trim_start_matches([' ', '\t']);
            let call_form = caps.name("sep").is_some_and(|s| s.as_str() == "(");
            let host = caps.name("host").map_or("", |h| h.as_str());
            // `setPassword("...")` passes the password alone; in
            // `UserPassword("gopher", "...")` the first argument is a name.
            let ok = !next.starts_with(':')
                && (!call_form || (generic::call_names_credential(key) && next.starts_with(')')))
                && !generic::placeholder_host(host)
                && match generic {
                    Generic::ConnectionUrl => generic::connection_password_ok(
                        caps.name("user").map(|u| u.as_str()),
                        value,
                    ),
                    Generic::ConnectionJdbc | Generic::ConnectionAdo => {
                        generic::connection_password_ok(None, value)
                    }
                    Generic::SecretQuoted | Generic::SecretConfig => generic::secret_ok(key, value),
                    _ => generic::password_ok(key, value),
                };
            if ok {
                push(
                    &mut hits,
                    generic.detector(),
                    secret.range(),
                    value,
                    Some(key),
                );
                at = secret.end();
            } else {
                // A rejected candidate's value may be the key of the next one.
                at = secret.start().max(caps.get(0).map_or(0, |m| m.start()) + 1);
            }
        }
    }

    if wants(&detectors::HARDCODED_USERNAME) {
        usernames(
            text,
            profile.config_file || profile.documentation,
            &mut hits,
        );
    }
    if profile.documentation {
        for hit in hits.iter_mut().filter(|h| h.generic) {
            hit.in_documentation = true;
        }
    }
    if wants(&detectors::AWS_ACCESS_KEY_ID) {
        aws_access_key_ids(text, &mut hits);
    }
    hits.sort_by_key(|h| (h.range.start, h.range.end));
    hits
}

/// Adds a hit unless an earlier (higher-priority) hit covers the same bytes.
fn push(
    hits: &mut Vec<SecretHit>,
    detector: &'static DetectorSpec,
    range: Range<usize>,
    value: &str,
    key: Option<&str>,
) {
    if hits
        .iter()
        .any(|h| h.range.start < range.end && range.start < h.range.end)
    {
        return;
    }
    let message = match key {
        Some(key) if !key.is_empty() => {
            format!("{} assigned to `{key}` ({})", detector.name, redact(value))
        }
        _ => format!("{} in source ({})", detector.name, redact(value)),
    };
    hits.push(SecretHit {
        detector,
        range,
        value: value.to_string(),
        message,
        generic: key.is_some(),
        in_documentation: false,
    });
}

fn line_of(text: &str, offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &text.as_bytes()[..offset]).count()
}

/// Usernames written within a few lines of a hardcoded password.
fn usernames(text: &str, config_file: bool, hits: &mut Vec<SecretHit>) {
    let password_lines: Vec<usize> = hits
        .iter()
        .filter(|h| std::ptr::eq(h.detector, &detectors::HARDCODED_PASSWORD))
        .map(|h| line_of(text, h.range.start))
        .collect();
    if password_lines.is_empty() {
        return;
    }
    let scanner = scanner();
    let patterns = if config_file {
        vec![&scanner.username_quoted, &scanner.username_config]
    } else {
        vec![&scanner.username_quoted]
    };
    for caps in patterns.into_iter().flat_map(|p| p.captures_iter(text)) {
        let (Some(key), Some(value)) = (caps.name("key"), caps.name("secret")) else {
            continue;
        };
        // `user=` inside a URL belongs to the connection string.
        let line_start = text[..value.start()].rfind('\n').map_or(0, |i| i + 1);
        let line_text = &text[line_start
            ..text[value.start()..]
                .find('\n')
                .map_or(text.len(), |i| value.start() + i)];
        if line_text.contains("://") || line_text.contains("jdbc:") {
            continue;
        }
        let line = line_of(text, value.start());
        let near = password_lines
            .iter()
            .any(|&p| p.abs_diff(line) <= USERNAME_DISTANCE_LINES);
        if near && generic::username_ok(key.as_str(), value.as_str()) {
            push(
                hits,
                &detectors::HARDCODED_USERNAME,
                value.range(),
                value.as_str(),
                Some(key.as_str()),
            );
        }
    }
}

/// Access key ids next to a secret access key.
fn aws_access_key_ids(text: &str, hits: &mut Vec<SecretHit>) {
    let secret_lines: Vec<usize> = hits
        .iter()
        .filter(|h| std::ptr::eq(h.detector, &detectors::AWS_SECRET_ACCESS_KEY))
        .map(|h| line_of(text, h.range.start))
        .collect();
    if secret_lines.is_empty() {
        return;
    }
    for caps in scanner().aws_access_key_id.captures_iter(text) {
        let Some(id) = caps.name("secret") else {
            continue;
        };
        let line = line_of(text, id.start());
        if secret_lines
            .iter()
            .any(|&s| s.abs_diff(line) <= AWS_PAIR_DISTANCE_LINES)
            && rules::aws_access_key_id_ok(id.as_str())
        {
            push(
                hits,
                &detectors::AWS_ACCESS_KEY_ID,
                id.range(),
                id.as_str(),
                None,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, config: bool) -> Vec<&'static str> {
        let profile = Profile {
            config_file: config,
            documentation: false,
        };
        scan(text, "x", profile, &|_| true)
            .iter()
            .map(|h| h.detector.ids[0])
            .collect()
    }

    #[test]
    fn finds_provider_tokens_and_generic_credentials() {
        assert_eq!(
            kinds(
                "token = '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'\n",
                false
            ),
            ["secrets/github-personal-access-token@v1.0"]
        );
        assert!(
            kinds(
                "token = 'ghp_M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V3'\n",
                false
            )
            .is_empty(),
            "bad checksum"
        );
        assert_eq!(
            kinds("DB_PASSWORD=W1nter-is-c0ming!\n", true),
            ["secrets/hardcoded-password@v1.0"]
        );
        assert!(
            kinds("DB_PASSWORD=W1nter-is-c0ming!\n", false).is_empty(),
            "unquoted values count in config only"
        );
        assert_eq!(
            kinds(
                "url = \"postgres://app:W1nter-is-c0ming@db.internal/app\"\n",
                false
            ),
            ["secrets/connection-string@v1.0"]
        );
        assert_eq!(
            kinds(
                "user = \"reporting\"\npassword = \"W1nter-is-c0ming!\"\n",
                false
            ),
            [
                "secrets/hardcoded-username@v1.0",
                "secrets/hardcoded-password@v1.0"
            ]
        );
    }

    #[test]
    fn messages_never_hold_the_value() {
        let hits = scan(
            "GITHUB_TOKEN=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\n",
            "x",
            Profile::default(),
            &|_| true,
        );
        assert_eq!(hits.len(), 1);
        assert!(
            !hits[0]
                .message
                .contains("M7H4jxUDDWHP4kZ6A4dxlQYsQIWJuq11T4V4"),
            "{}",
            hits[0].message
        );
    }
}
