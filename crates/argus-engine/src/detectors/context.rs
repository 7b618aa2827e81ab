//! Is this code doing something security-sensitive? Local evidence, shared
//! by detectors whose weakness only matters in a security context (a weak
//! hash of a password is a vulnerability; a weak hash as a cache key is
//! not).
//!
//! The evidence is the names around the flagged expression, split into
//! words (`hash_password`, `apiKey`, `SessionToken`): the data it consumes,
//! the variable its result lands in, the call it is passed to, and the
//! enclosing functions and classes. Data names decide first; otherwise a
//! non-security purpose (`cache_key`, `etag`, `lockfile_name`) wins over a
//! sensitive surrounding.

use tree_sitter::Node;

/// Words that mark data or code as security-sensitive.
const SENSITIVE: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "passcode",
    "secret",
    "token",
    "credential",
    "credentials",
    "creds",
    "pin",
    "otp",
    "totp",
    "hotp",
    "salt",
    "auth",
    "authenticate",
    "authentication",
    "authorization",
    "login",
    "signature",
    "sign",
    "signed",
    "signing",
    "verify",
    "verification",
    "session",
    "apikey",
    "privatekey",
];

/// Sensitive words too common in names of unrelated code (a React hook
/// "signature", `verify_config`) to count when they only name the enclosing
/// function: they count for data, targets and the calls a value goes to.
const WEAK_IN_SCOPE: &[&str] = &[
    "sign",
    "signed",
    "signing",
    "signature",
    "verify",
    "verification",
];

/// Two-word names that are sensitive together (`api_key`, `privateKey`).
const SENSITIVE_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("private", "key"),
    ("secret", "key"),
    ("signing", "key"),
    ("access", "key"),
];

/// Words that say a digest serves no security purpose.
const NON_SECURITY: &[&str] = &[
    "cache",
    "cached",
    "caching",
    "etag",
    "lock",
    "lockfile",
    "filename",
    "dedup",
    "dedupe",
    "shard",
    "partition",
    "color",
    "colour",
    "placeholder",
    "chunk",
    "bucket",
    "tmp",
    "temp",
    "memo",
    "memoize",
    "nonce",
    "cnonce",
];

/// Callee words that produce fresh randomness: digesting them is a way to
/// make a unique string, which no hash weakness undermines.
const RANDOMNESS: &[&str] = &[
    "urandom",
    "random",
    "randbytes",
    "uuid4",
    "randomuuid",
    "getrandom",
];

/// Properties read from a hash object without hashing anything.
const METADATA: &[&str] = &[
    "digest_size",
    "block_size",
    "digestSize",
    "blockSize",
    "name",
    "DIGEST_SIZE",
    "BLOCK_SIZE",
];

/// What the surroundings say about a piece of code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// Sensitive, because of this name.
    Sensitive(String),
    /// Explicitly serves something else (a cache key, an ETag, ...).
    NotSecurity,
    /// Nothing either way.
    Unknown,
}

/// Lower-case words of an identifier: `hashPassword` -> `hash`, `password`;
/// `API_KEY` -> `api`, `key`.
pub fn words(identifier: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = identifier.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let boundary = c.is_uppercase()
            && !current.is_empty()
            && (chars[i - 1].is_lowercase()
                || chars[i - 1].is_ascii_digit()
                || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
        if boundary {
            out.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The first sensitive word (or pair) among a list of words.
fn sensitive_in(words: &[String]) -> Option<String> {
    if let Some(w) = words.iter().find(|w| SENSITIVE.contains(&w.as_str())) {
        return Some(w.clone());
    }
    words
        .windows(2)
        .find(|pair| SENSITIVE_PAIRS.contains(&(pair[0].as_str(), pair[1].as_str())))
        .map(|pair| format!("{}_{}", pair[0], pair[1]))
}

fn non_security_in(words: &[String]) -> bool {
    words.iter().any(|w| NON_SECURITY.contains(&w.as_str()))
}

/// Words of every identifier in a subtree (string contents and comments
/// excluded), each identifier's words kept together so pairs stay pairs.
fn identifier_words(node: Node<'_>, text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let kind = n.kind();
        if kind.contains("comment") {
            continue;
        }
        if n.child_count() == 0 {
            if kind.contains("identifier") || kind == "constant" {
                out.push(words(&text[n.byte_range()]));
            }
            continue;
        }
        let mut cursor = n.walk();
        stack.extend(n.children(&mut cursor));
    }
    out
}

fn sensitive_in_nodes<'t>(nodes: impl IntoIterator<Item = Node<'t>>, text: &str) -> Option<String> {
    nodes
        .into_iter()
        .flat_map(|n| identifier_words(n, text))
        .find_map(|w| sensitive_in(&w))
}

/// Evidence gathered around an expression.
#[derive(Debug, Default)]
pub struct Evidence<'t> {
    /// Data the expression consumes (arguments, later `.update(x)` calls).
    pub data: Vec<Node<'t>>,
    /// Names the result is stored under (assignment targets, keys).
    pub targets: Vec<Node<'t>>,
    /// Names of calls the expression is passed to (`SignData`).
    pub consumers: Vec<String>,
    /// Names of the enclosing functions and classes, innermost first.
    pub scopes: Vec<String>,
    /// The expression only serves to read a property such as
    /// `digest_size`: nothing is computed with it.
    pub metadata_only: bool,
}

impl Evidence<'_> {
    /// Weighs the evidence.
    pub fn context(&self, text: &str) -> Context {
        if self.metadata_only {
            return Context::NotSecurity;
        }
        if let Some(word) = sensitive_in_nodes(self.data.iter().copied(), text) {
            return Context::Sensitive(word);
        }
        if only_randomness(&self.data, text) {
            return Context::NotSecurity;
        }
        let target_words: Vec<Vec<String>> = self
            .targets
            .iter()
            .flat_map(|t| identifier_words(*t, text))
            .collect();
        let scope_words: Vec<Vec<String>> = self.scopes.iter().map(|s| words(s)).collect();
        let consumer_words: Vec<Vec<String>> = self.consumers.iter().map(|s| words(s)).collect();
        if target_words
            .iter()
            .chain(&scope_words)
            .any(|w| non_security_in(w))
        {
            return Context::NotSecurity;
        }
        // A dictionary key names an entry, not what the value protects
        // (`{SignatureAlgorithmOID.RSA_WITH_MD5: hashes.MD5()}` is a table).
        let named_targets = self
            .targets
            .iter()
            .filter(|t| t.parent().is_none_or(|p| p.kind() != "pair"))
            .flat_map(|t| identifier_words(*t, text));
        if let Some(word) = named_targets
            .chain(consumer_words)
            .find_map(|w| sensitive_in(&w))
        {
            return Context::Sensitive(word);
        }
        scope_words
            .iter()
            .find_map(|w| sensitive_in(w).filter(|word| !WEAK_IN_SCOPE.contains(&word.as_str())))
            .map_or(Context::Unknown, Context::Sensitive)
    }
}

/// Whether every argument given to the expression is a call producing
/// fresh randomness (`sha1(os.urandom(64))`).
fn only_randomness(data: &[Node<'_>], text: &str) -> bool {
    let mut arguments = data
        .iter()
        .flat_map(|list| {
            let mut cursor = list.walk();
            list.named_children(&mut cursor).collect::<Vec<_>>()
        })
        .filter(|a| !a.kind().contains("comment"))
        .peekable();
    arguments.peek().is_some()
        && arguments.all(|argument| {
            let call = if argument.kind() == "argument" {
                argument.named_child(0)
            } else {
                Some(argument)
            };
            call.filter(|c| c.kind().contains("call") || c.kind().contains("invocation"))
                .and_then(|c| {
                    c.child_by_field_name("function")
                        .or_else(|| c.child_by_field_name("name"))
                })
                .is_some_and(|f| {
                    words(&text[f.byte_range()])
                        .iter()
                        .any(|w| RANDOMNESS.contains(&w.as_str()))
                })
        })
}

/// Node kinds that assign a value to a name, with the field holding the
/// name and the field holding the value.
const ASSIGNMENTS: &[(&str, &str, &str)] = &[
    ("assignment", "left", "right"),
    ("augmented_assignment", "left", "right"),
    ("variable_declarator", "name", "value"),
    ("assignment_expression", "left", "right"),
    ("short_var_declaration", "left", "right"),
    ("assignment_statement", "left", "right"),
    ("keyword_argument", "name", "value"),
    ("pair", "key", "value"),
];

/// Collects the evidence around `expr`: climbs through member accesses and
/// chained calls (`md5(x).hexdigest()`, `createHash("md5").update(x)`)
/// gathering their arguments as data, finds where the result is stored,
/// what it is passed to, and the enclosing scope names. `scope_of` names a
/// scope node (function, class) if it is one.
pub fn gather<'t>(
    expr: Node<'t>,
    text: &str,
    scope_of: &dyn Fn(Node<'t>) -> Option<String>,
) -> Evidence<'t> {
    let mut evidence = Evidence::default();
    let mut current = expr;
    // Up the chain: `a(x).b(y).c(z)` -> data x, y, z.
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "attribute"
            | "member_expression"
            | "field_access"
            | "member_access_expression"
            | "selector_expression"
            | "parenthesized_expression"
            | "await_expression" => {
                let member = ["attribute", "property", "field", "name"]
                    .iter()
                    .find_map(|f| parent.child_by_field_name(f))
                    .filter(|m| m.byte_range() != current.byte_range());
                let is_call = parent.parent().is_some_and(|g| {
                    g.child_by_field_name("function") == Some(parent)
                        || g.kind() == "method_invocation"
                });
                if !is_call && member.is_some_and(|m| METADATA.contains(&&text[m.byte_range()])) {
                    evidence.metadata_only = true;
                }
                current = parent;
            }
            "call" | "call_expression" | "method_invocation" | "invocation_expression"
                if parent.child_by_field_name("arguments") != Some(current) =>
            {
                if let Some(args) = parent.child_by_field_name("arguments") {
                    evidence.data.push(args);
                }
                current = parent;
            }
            _ => break,
        }
    }
    // Where the value goes.
    let mut holder = current.parent();
    while let Some(node) = holder {
        let kind = node.kind();
        if let Some((_, name_field, _)) = ASSIGNMENTS.iter().find(|(k, ..)| *k == kind) {
            if let Some(target) = node.child_by_field_name(name_field) {
                evidence.targets.push(target);
            } else if kind == "variable_declarator"
                && let Some(name) = node.named_child(0)
            {
                // C# declarators have no `name` field.
                evidence.targets.push(name);
            }
            break;
        }
        match kind {
            // `md5(x)[:16]`, `"v1:" + md5(x)`: the value flows on.
            "subscript"
            | "subscript_expression"
            | "element_access_expression"
            | "index_expression"
            | "slice_expression"
            | "binary_operator"
            | "binary_expression"
            | "parenthesized_expression"
            | "template_substitution"
            | "interpolation" => holder = node.parent(),
            // `md5(m) == signature`: what the digest is compared with says
            // what it is.
            "comparison_operator" => {
                let mut cursor = node.walk();
                evidence.targets.extend(
                    node.named_children(&mut cursor)
                        .filter(|c| c.byte_range() != current.byte_range()),
                );
                break;
            }
            "argument_list"
            | "arguments"
            | "argument"
            | "equals_value_clause"
            | "expression_list"
            | "return_statement" => {
                if matches!(kind, "argument_list" | "arguments")
                    && let Some(call) = node.parent()
                    && let Some(name) = callee_name(call, text)
                {
                    evidence.consumers.push(name);
                }
                holder = node.parent();
                if kind == "return_statement" {
                    break;
                }
            }
            _ => break,
        }
    }
    // Data given to the stored hash object later (`h.update(password)`).
    if let Some(variable) = evidence
        .targets
        .first()
        .copied()
        .filter(|t| t.kind() == "identifier")
    {
        let name = &text[variable.byte_range()];
        if let Some(body) = enclosing_body(expr, scope_of) {
            evidence
                .data
                .extend(method_call_arguments_on(body, name, text));
        }
    }
    let mut up = expr.parent();
    while let Some(node) = up {
        if let Some(name) = scope_of(node) {
            evidence.scopes.push(name);
        }
        up = node.parent();
    }
    evidence
}

/// The simple name of what a call invokes (`SignData`, `update`).
fn callee_name(call: Node<'_>, text: &str) -> Option<String> {
    let function = call
        .child_by_field_name("function")
        .or_else(|| call.child_by_field_name("name"))
        .or_else(|| call.child_by_field_name("method"))
        .or_else(|| call.child_by_field_name("constructor"))
        .or_else(|| call.child_by_field_name("type"))?;
    let raw = &text[function.byte_range()];
    raw.rsplit(['.', ':']).next().map(str::to_string)
}

/// The innermost enclosing scope node (function or class) of `node`.
fn enclosing_body<'t>(
    node: Node<'t>,
    scope_of: &dyn Fn(Node<'t>) -> Option<String>,
) -> Option<Node<'t>> {
    let mut up = node.parent();
    while let Some(n) = up {
        if scope_of(n).is_some() {
            return Some(n);
        }
        up = n.parent();
    }
    None
}

/// Argument lists of calls `name.method(...)` inside `body`.
fn method_call_arguments_on<'t>(body: Node<'t>, name: &str, text: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        let receiver = match n.kind() {
            "call" | "call_expression" | "invocation_expression" => n
                .child_by_field_name("function")
                .and_then(|f| {
                    f.child_by_field_name("object")
                        .or_else(|| f.child_by_field_name("operand"))
                        .or_else(|| f.child_by_field_name("expression"))
                })
                .or_else(|| n.child_by_field_name("receiver")),
            "method_invocation" => n.child_by_field_name("object"),
            _ => None,
        };
        if receiver.is_some_and(|r| &text[r.byte_range()] == name)
            && let Some(args) = n.child_by_field_name("arguments")
        {
            out.push(args);
        }
        let mut cursor = n.walk();
        stack.extend(n.children(&mut cursor));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_identifiers_into_words() {
        assert_eq!(words("hashPassword"), ["hash", "password"]);
        assert_eq!(words("API_KEY"), ["api", "key"]);
        assert_eq!(words("HTTPDigestAuth"), ["http", "digest", "auth"]);
        assert_eq!(
            words("get_pin_and_cookie_name"),
            ["get", "pin", "and", "cookie", "name"]
        );
        assert_eq!(words("spinner"), ["spinner"]);
    }

    #[test]
    fn pairs_and_single_words() {
        let w = |s: &str| words(s);
        assert_eq!(
            sensitive_in(&w("user_password")).as_deref(),
            Some("password")
        );
        assert_eq!(
            sensitive_in(&w("privateKey")).as_deref(),
            Some("private_key")
        );
        assert_eq!(sensitive_in(&w("public_key_identifier")), None);
        assert_eq!(sensitive_in(&w("cache_key")), None);
        assert!(non_security_in(&w("cache_key")));
    }
}
