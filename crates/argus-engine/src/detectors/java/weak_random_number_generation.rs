use super::super::common::judge_random_target;
use super::super::context::{Context, words};
use super::super::prelude::*;
use super::crypto::{DeclarationKind, calls, declaration_of};
use super::{call_args, descendants, enclosing_class, enclosing_method, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds values of non-cryptographic generators that end up as
    /// secrets: `new java.util.Random()`, `Math.random()`,
    /// `ThreadLocalRandom.current()` and Commons Lang `RandomStringUtils`
    /// (`random`, `randomAlphanumeric`, ...) whose output is stored in,
    /// passed to or returned as something named a token, password, secret,
    /// key, salt, nonce, IV, session id, OTP, PIN or a reset or
    /// verification code. For a `Random` held in a variable or field, each
    /// use of it is judged (`random.nextBytes(salt)`,
    /// `String token = Long.toHexString(random.nextLong())`).
    ///
    /// Random values for jitter, backoff, retries, shuffling, sampling,
    /// load balancing, test data, or whose purpose no name reveals are not
    /// reported.
    ///
    /// ## Why is this bad?
    /// `java.util.Random` is a 48-bit linear congruential generator: two
    /// outputs reveal its state and every later value. `Math.random()`,
    /// `ThreadLocalRandom` and `RandomStringUtils` (before its `secure()`
    /// variants) are built on the same kind of generator. An attacker who
    /// sees one token can predict the next password-reset token or session
    /// id.
    ///
    /// ## Example
    /// ```java
    /// Random random = new Random();
    /// String resetToken = Long.toHexString(random.nextLong());
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// SecureRandom random = new SecureRandom();
    /// byte[] resetToken = new byte[32];
    /// random.nextBytes(resetToken);
    /// ```
    /// The fix rewrites `new Random()` to `new SecureRandom()` (or
    /// `new java.security.SecureRandom()` when `SecureRandom` is not
    /// imported); `SecureRandom` extends `Random`, so the variable's type
    /// may stay. `Math.random()` becomes
    /// `new java.security.SecureRandom().nextDouble()`.
    ///
    /// ## References
    /// - [CWE-330: Use of Insufficiently Random Values](https://cwe.mitre.org/data/definitions/330.html)
    /// - [CWE-338: Use of Cryptographically Weak Pseudo-Random Number Generator (PRNG)](https://cwe.mitre.org/data/definitions/338.html)
    /// - [java.security.SecureRandom](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/security/SecureRandom.html)
    pub static SPEC = {
        ids: &["java/weak-random-number-generation@v1.0"],
        languages: &[Language::Java],
        name: "Weak random number generation",
        category: Category::Security,
        cwes: &[330, 338],
        tags: &["cryptography", "randomness", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Generate secrets with java.security.SecureRandom, never with java.util.Random, Math.random(), ThreadLocalRandom or RandomStringUtils.",
        keywords: &["Random"],
        check: Check::Node { kinds: &["method_invocation", "object_creation_expression"], run: check },
    };
}

const RANDOM: &[&str] = &["java.util.Random"];
const MATH_RANDOM: &[&str] = &["java.lang.Math.random", "java.lang.StrictMath.random"];
const THREAD_LOCAL_CURRENT: &[&str] = &["java.util.concurrent.ThreadLocalRandom.current"];
const STRING_UTILS: &[&str] = &[
    "org.apache.commons.lang3.RandomStringUtils",
    "org.apache.commons.lang.RandomStringUtils",
];

/// Calls through which a random value flows on (`String.valueOf(n)`,
/// `sb.append(c)`), keeping their names as evidence.
fn carrier<'t>(start: Node<'t>, text: &str, names: &mut Vec<String>) -> Node<'t> {
    let mut current = start;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "argument_list" => {
                let Some(outer) = parent.parent().filter(|c| {
                    matches!(c.kind(), "method_invocation" | "object_creation_expression")
                }) else {
                    break;
                };
                if let Some(name) = method_name(outer, text) {
                    names.push(name.to_string());
                }
                current = outer;
            }
            "method_invocation" if parent.child_by_field_name("object") == Some(current) => {
                current = parent;
            }
            "binary_expression"
            | "unary_expression"
            | "parenthesized_expression"
            | "cast_expression"
            | "ternary_expression"
            | "array_access" => current = parent,
            _ => break,
        }
    }
    current
}

/// The name a random value is stored under, or the receiver of the
/// `append`/`add`/`put` call it ends in: (name, is a plain variable).
fn target(outer: Node<'_>, text: &str) -> Option<(String, bool)> {
    let parent = outer.parent()?;
    let name_of = |n: Node<'_>| -> Option<(String, bool)> {
        match n.kind() {
            "identifier" => Some((node_text(n, text).to_string(), true)),
            "field_access" => n
                .child_by_field_name("field")
                .map(|f| (node_text(f, text).to_string(), false)),
            "array_access" => n.child_by_field_name("array").map(|a| {
                (
                    node_text(a, text)
                        .rsplit('.')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    a.kind() == "identifier",
                )
            }),
            _ => None,
        }
    };
    match parent.kind() {
        "variable_declarator" => parent.child_by_field_name("name").and_then(name_of),
        "assignment_expression" => parent.child_by_field_name("left").and_then(name_of),
        _ => None,
    }
}

/// The receiver of a builder-style call the value ends in (`sb.append(x)`,
/// `chars[i] = ...`).
fn collector(start: Node<'_>, text: &str) -> Option<String> {
    let mut current = start;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "argument_list" => {
                let call = parent.parent()?;
                if matches!(
                    method_name(call, text),
                    Some("append" | "add" | "insert" | "put" | "write")
                ) && let Some(r) = receiver(call)
                {
                    let mut head = r;
                    while head.kind() == "method_invocation" {
                        head = receiver(head)?;
                    }
                    if head.kind() == "identifier" {
                        return Some(node_text(head, text).to_string());
                    }
                    return None;
                }
                current = call;
            }
            "method_invocation"
            | "binary_expression"
            | "parenthesized_expression"
            | "cast_expression" => {
                current = parent;
            }
            _ => return None,
        }
    }
    None
}

/// Whether `method` returns the variable `name` (`return token;`,
/// `return sb.toString();`).
fn returns_variable(method: Node<'_>, name: &str, text: &str) -> bool {
    descendants(method).into_iter().any(|n| {
        if n.kind() != "return_statement" {
            return false;
        }
        let Some(mut head) = n.named_child(0) else {
            return false;
        };
        loop {
            match head.kind() {
                "method_invocation" => match receiver(head) {
                    Some(r) => head = r,
                    None => {
                        // `return new String(chars)`, `String.valueOf(chars)`
                        return call_args(head)
                            .iter()
                            .any(|a| a.kind() == "identifier" && node_text(*a, text) == name);
                    }
                },
                "object_creation_expression" => {
                    return call_args(head)
                        .iter()
                        .any(|a| a.kind() == "identifier" && node_text(*a, text) == name);
                }
                "parenthesized_expression" | "cast_expression" => {
                    match head.named_child(head.named_child_count().saturating_sub(1) as u32) {
                        Some(h) => head = h,
                        None => return false,
                    }
                }
                _ => break,
            }
        }
        head.kind() == "identifier" && node_text(head, text) == name
    })
}

/// The name of the method or constructor a node is in (lambdas are
/// skipped).
fn method_of(node: Node<'_>) -> Option<Node<'_>> {
    let mut m = enclosing_method(node);
    while let Some(n) = m {
        if n.kind() == "method_declaration" {
            return Some(n);
        }
        if n.kind() != "lambda_expression" {
            return None;
        }
        m = enclosing_method(n);
    }
    None
}

/// Names of cryptographic inputs beyond the shared vocabulary: an `iv`,
/// and (for an array filled by `nextBytes`) a `key`.
fn key_material(name: &str, filled_array: bool) -> Option<Context> {
    let words = words(name);
    if words.iter().any(|w| w == "iv" || w == "ivs") {
        return Some(Context::Sensitive("iv".to_string()));
    }
    (filled_array && words.last().is_some_and(|w| w == "key" || w == "keys"))
        .then(|| Context::Sensitive("key".to_string()))
}

/// What the value produced at `value` (a call yielding random data) is for.
fn judge_value(value: Node<'_>, text: &str) -> Context {
    let fills = method_name(value, text) == Some("nextBytes");
    let mut names = Vec::new();
    // `random.nextBytes(salt)`: the filled array names the value.
    if method_name(value, text) == Some("nextBytes")
        && let Some(&arg) = call_args(value).first()
    {
        let shown = node_text(arg, text)
            .rsplit('.')
            .next()
            .unwrap_or("")
            .to_string();
        names.push(shown);
    }
    let outer = carrier(value, text, &mut names);
    let stored = target(outer, text);
    let mut variable = None;
    if let Some((name, plain)) = &stored {
        if *plain {
            variable = Some(name.clone());
        }
        names.insert(0, name.clone());
    } else if let Some(sink) = collector(value, text) {
        variable = Some(sink.clone());
        names.insert(0, sink);
    }
    if method_name(value, text) == Some("nextBytes")
        && let Some(&arg) = call_args(value).first()
        && arg.kind() == "identifier"
    {
        variable = Some(node_text(arg, text).to_string());
    }
    let method = method_of(value);
    let method_name_text = method
        .and_then(|m| m.child_by_field_name("name"))
        .map(|n| node_text(n, text).to_string());
    if let Some(name) = &method_name_text
        && judge_random_target(name) == Some(Context::NotSecurity)
    {
        return Context::NotSecurity;
    }
    let returned = outer
        .parent()
        .is_some_and(|p| p.kind() == "return_statement");
    if let (Some(method), Some(name)) = (method, method_name_text)
        && (returned
            || variable
                .as_deref()
                .is_some_and(|v| returns_variable(method, v, text)))
    {
        names.push(name);
    }
    // The first name with a verdict decides: `retryDelay` is not a secret
    // even inside `resetPassword`.
    names
        .iter()
        .enumerate()
        .find_map(|(i, n)| judge_random_target(n).or_else(|| key_material(n, i == 0 && fills)))
        .unwrap_or(Context::Unknown)
}

/// Judges every use of a generator held in a variable or field; the first
/// sensitive one wins.
fn judge_generator(creation: Node<'_>, text: &str) -> Context {
    let Some(parent) = creation.parent() else {
        return Context::Unknown;
    };
    let name = match parent.kind() {
        "variable_declarator" if parent.child_by_field_name("value") == Some(creation) => {
            let Some(name) = parent.child_by_field_name("name") else {
                return Context::Unknown;
            };
            node_text(name, text).to_string()
        }
        "assignment_expression" => {
            let Some(left) = parent.child_by_field_name("left") else {
                return Context::Unknown;
            };
            match left.kind() {
                "identifier" => node_text(left, text).to_string(),
                "field_access" => left
                    .child_by_field_name("field")
                    .map(|f| node_text(f, text).to_string())
                    .unwrap_or_default(),
                _ => return Context::Unknown,
            }
        }
        _ => return Context::Unknown,
    };
    // The variable's uses: in the enclosing method for a local, in the
    // class for a field.
    let is_field = parent
        .parent()
        .is_some_and(|d| d.kind() == "field_declaration")
        || parent.kind() == "assignment_expression"
            && parent.child_by_field_name("left").is_some_and(|l| {
                l.kind() == "field_access"
                    || declaration_of(l, text).is_some_and(|d| d.kind == DeclarationKind::Field)
            });
    let region = if is_field {
        enclosing_class(creation)
    } else {
        enclosing_method(creation).or_else(|| enclosing_class(creation))
    };
    let Some(region) = region else {
        return Context::Unknown;
    };
    let mut verdict = Context::Unknown;
    for node in descendants(region) {
        if node.kind() != "method_invocation" {
            continue;
        }
        let Some(r) = receiver(node) else {
            continue;
        };
        let r_name = match r.kind() {
            "identifier" => node_text(r, text),
            "field_access"
                if r.child_by_field_name("object")
                    .is_some_and(|o| o.kind() == "this") =>
            {
                r.child_by_field_name("field")
                    .map_or("", |f| node_text(f, text))
            }
            _ => continue,
        };
        if r_name != name {
            continue;
        }
        // A local of the same name elsewhere in the class is another
        // variable.
        if is_field
            && r.kind() == "identifier"
            && declaration_of(r, text).is_some_and(|d| d.kind != DeclarationKind::Field)
        {
            continue;
        }
        if !method_name(node, text)
            .is_some_and(|m| m.starts_with("next") || m == "ints" || m == "longs" || m == "doubles")
        {
            continue;
        }
        match judge_value(node, text) {
            Context::Sensitive(word) => return Context::Sensitive(word),
            Context::NotSecurity => verdict = Context::NotSecurity,
            Context::Unknown => {}
        }
    }
    verdict
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if node.kind() == "object_creation_expression" {
        if !calls(checker, node, RANDOM) || node.child_by_field_name("body").is_some() {
            return;
        }
        // `new Random().nextInt(...)` is judged as a value.
        let chained = node.parent().is_some_and(|p| {
            p.kind() == "method_invocation" && p.child_by_field_name("object") == Some(node)
        });
        let context = if chained {
            judge_value(node.parent().unwrap_or(node), text)
        } else {
            judge_generator(node, text)
        };
        let Context::Sensitive(word) = context else {
            return;
        };
        let mut violation = Violation::new(
            "java-util-random",
            format!(
                "java.util.Random makes a secret here (`{word}`), but its output is predictable: two values reveal every later one"
            ),
        );
        if call_args(node).is_empty()
            && let Some(ty) = node.child_by_field_name("type")
        {
            let secure = secure_random_name(checker);
            violation = violation.with_fix(Fix::replace(
                format!("Use {secure}"),
                ty.byte_range(),
                secure,
            ));
        }
        checker.report(node, violation);
        return;
    }
    if calls(checker, node, MATH_RANDOM) {
        let Context::Sensitive(word) = judge_value(node, text) else {
            return;
        };
        let secure = secure_random_name(checker);
        checker.report(
            node,
            Violation::new(
                "math-random",
                format!(
                    "Math.random() makes a secret here (`{word}`), but its output is predictable"
                ),
            )
            .with_fix(Fix::replace(
                format!("Use {secure}"),
                node.byte_range(),
                format!("new {secure}().nextDouble()"),
            )),
        );
        return;
    }
    if calls(checker, node, THREAD_LOCAL_CURRENT) {
        let chained = node.parent().filter(|p| {
            p.kind() == "method_invocation" && p.child_by_field_name("object") == Some(node)
        });
        let context = match chained {
            Some(use_) => judge_value(use_, text),
            None => judge_generator(node, text),
        };
        let Context::Sensitive(word) = context else {
            return;
        };
        let mut violation = Violation::new(
            "thread-local-random",
            format!(
                "ThreadLocalRandom makes a secret here (`{word}`), but it is not a cryptographic generator: its output is predictable"
            ),
        );
        if chained.is_some() {
            let secure = secure_random_name(checker);
            violation = violation.with_fix(Fix::replace(
                format!("Use {secure}"),
                node.byte_range(),
                format!("new {secure}()"),
            ));
        }
        checker.report(node, violation);
        return;
    }
    let Some(name) = method_name(node, text) else {
        return;
    };
    if !name.starts_with("random") {
        return;
    }
    let Some(object) = receiver(node) else {
        return;
    };
    if !checker
        .semantic
        .qualified_names(object, text)
        .iter()
        .any(|n| STRING_UTILS.contains(&n.as_str()))
    {
        return;
    }
    // `random(count, start, end, letters, numbers, chars, random)` takes
    // its generator as an argument.
    if call_args(node).len() == 7 {
        return;
    }
    let Context::Sensitive(word) = judge_value(node, text) else {
        return;
    };
    checker.report(
        node,
        Violation::new(
            "random-string-utils",
            format!("RandomStringUtils.{name} makes a secret here (`{word}`) with a predictable generator: use RandomStringUtils.secure() (Commons Lang 3.16+) or SecureRandom"),
        ),
    );
}

/// How to name `SecureRandom` in this file.
fn secure_random_name(checker: &Checker<'_>) -> &'static str {
    if checker.semantic.binding("SecureRandom") == Some("java.security.SecureRandom") {
        "SecureRandom"
    } else {
        "java.security.SecureRandom"
    }
}
