use super::super::common::judge_random_target;
use super::super::context::{Context, gather, words};
use super::super::prelude::*;
use super::{add_import, enclosing_function};
use crate::lang::scope_name;

detector! {
    /// ## What it does
    /// Finds values from the `random` module's generator (`random.random`,
    /// `randint`, `randrange`, `choice`, `choices`, `sample`, `shuffle`,
    /// `uniform`, `getrandbits`, `randbytes`, however imported) that end up
    /// as secrets: the variable, attribute, keyword argument or dictionary
    /// key receiving them, the call they are passed to, or the function
    /// returning them names a token, password, secret, key, OTP, PIN,
    /// nonce, salt, session id, CSRF token or a verification or reset code.
    ///
    /// Randomness used for jitter, backoff, sampling, shuffling, test data
    /// or anything whose purpose no name reveals is not reported, and
    /// neither are `secrets` and `random.SystemRandom`.
    ///
    /// ## Why is this bad?
    /// `random` is a Mersenne Twister: fast and statistically good, but
    /// predictable. After observing some outputs (624 32-bit values, fewer
    /// with partial knowledge) an attacker reconstructs its state and
    /// predicts every future value, including the next password reset
    /// token or one-time code.
    ///
    /// ## Example
    /// ```python
    /// import random
    /// import string
    ///
    /// reset_token = "".join(random.choice(string.ascii_letters) for _ in range(32))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import secrets
    ///
    /// reset_token = secrets.token_urlsafe(32)
    /// ```
    /// `secrets.choice`, `secrets.randbelow` and `secrets.randbits` replace
    /// the `random` functions one for one; `secrets.SystemRandom()` offers
    /// the rest of the `random` API on the operating system's generator.
    ///
    /// ## References
    /// - [CWE-330: Use of Insufficiently Random Values](https://cwe.mitre.org/data/definitions/330.html)
    /// - [CWE-338: Use of Cryptographically Weak Pseudo-Random Number Generator (PRNG)](https://cwe.mitre.org/data/definitions/338.html)
    /// - [Python random: warning](https://docs.python.org/3/library/random.html)
    /// - [Python secrets](https://docs.python.org/3/library/secrets.html)
    pub static SPEC = {
        ids: &["python/insecure-random@v1.0"],
        languages: &[Language::Python],
        name: "Insecure randomness",
        category: Category::Security,
        cwes: &[330, 338],
        tags: &["cryptography", "randomness", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Make secrets with the secrets module (token_urlsafe, token_hex, choice, randbelow) or random.SystemRandom, never with the random module's default generator.",
        keywords: &["random"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// The `random` functions backed by the shared Mersenne Twister.
const FUNCTIONS: &[&str] = &[
    "random.random",
    "random.randint",
    "random.randrange",
    "random.choice",
    "random.choices",
    "random.sample",
    "random.shuffle",
    "random.uniform",
    "random.getrandbits",
    "random.randbytes",
];

/// Methods that store their argument in the receiver.
const COLLECTING: &[&str] = &["append", "extend", "insert", "add"];

/// The name a target node gives to the value stored in it.
fn target_name(target: Node<'_>, text: &str) -> Option<String> {
    match target.kind() {
        "identifier" => Some(node_text(target, text).to_string()),
        "attribute" => target
            .py_field("attribute")
            .map(|a| node_text(a, text).to_string()),
        "subscript" => {
            let key = target.py_field("subscript")?;
            string_literal(key, text).or_else(|| target_name(key, text))
        }
        "string" => string_literal(target, text),
        _ => None,
    }
}

/// The simple name of what a call invokes and, for `x.append(...)`, the
/// receiver.
fn consumer<'t>(call: Node<'t>, text: &str) -> (Option<String>, Option<Node<'t>>) {
    let Some(function) = call.py_field("function") else {
        return (None, None);
    };
    match function.kind() {
        "identifier" => (Some(node_text(function, text).to_string()), None),
        "attribute" => {
            let method = function
                .py_field("attribute")
                .map(|a| node_text(a, text).to_string());
            let receiver = function
                .py_field("object")
                .filter(|_| method.as_deref().is_some_and(|m| COLLECTING.contains(&m)));
            (method, receiver)
        }
        _ => (None, None),
    }
}

/// Climbs from the random call to the outermost expression carrying its
/// value (`"".join(random.choice(a) for _ in range(n)).upper()`), noting the
/// names of the calls it passes through, innermost first.
fn carrier<'t>(call: Node<'t>, text: &str, names: &mut Vec<String>) -> Node<'t> {
    let mut current = call;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "generator_expression" | "list_comprehension" | "set_comprehension"
                if parent.py_field("body") == Some(current) =>
            {
                current = parent
            }
            "argument_list" => {
                let Some(outer) = parent.parent().filter(|c| c.kind() == "call") else {
                    break;
                };
                let (name, receiver) = consumer(outer, text);
                names.extend(name);
                if let Some(receiver) = receiver {
                    names.extend(target_name(receiver, text));
                }
                current = outer;
            }
            "call" if parent.py_field("arguments") == Some(current) => {
                names.extend(consumer(parent, text).0);
                current = parent;
            }
            "attribute" if parent.py_field("object") == Some(current) => current = parent,
            "call" if parent.py_field("function") == Some(current) => current = parent,
            "binary_operator"
            | "unary_operator"
            | "parenthesized_expression"
            | "interpolation"
            | "conditional_expression" => current = parent,
            "string" if current.kind() == "interpolation" => current = parent,
            "subscript" if parent.py_field("value") == Some(current) => current = parent,
            _ => break,
        }
    }
    current
}

/// Whether `function` returns the variable `name` (`token = ...; return token`).
fn returns_variable(function: Node<'_>, name: &str, text: &str) -> bool {
    let mut stack = vec![function.py_field("body")];
    while let Some(Some(node)) = stack.pop() {
        if node.kind() == "function_definition" || node.kind() == "class_definition" {
            continue;
        }
        if node.kind() == "return_statement"
            && node
                .named_child(0)
                .is_some_and(|v| v.kind() == "identifier" && node_text(v, text) == name)
        {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor).map(Some));
    }
    false
}

/// Where the random value goes, weighed name by name from the innermost.
fn context(call: Node<'_>, target: &str, checker: &Checker<'_>) -> Context {
    let text = checker.text;
    let grammar = checker.grammar;
    let mut names = Vec::new();
    // `random.shuffle(password_chars)` works in place on its argument.
    if target == "random.shuffle"
        && let Some(first) = positional_arguments(grammar, call).first()
    {
        names.extend(target_name(*first, text));
    }
    let outer = carrier(call, text, &mut names);
    let evidence = gather(outer, text, &|n| scope_name(grammar, n, text));
    names.extend(evidence.consumers.iter().cloned());
    let mut stored_in = None;
    for target in &evidence.targets {
        if let Some(name) = target_name(*target, text) {
            if target.kind() == "identifier" {
                stored_in = Some(name.clone());
            }
            names.push(name);
        }
    }
    // A function returning the value names it: `def make_reset_token()`.
    let returned = outer
        .parent()
        .is_some_and(|p| p.kind() == "return_statement");
    let function = enclosing_function(call);
    // A function whose name says what the randomness is for
    // (`_make_boundary`, `retry_with_jitter`) decides first.
    if let Some(name) = function.and_then(|f| f.py_field("name"))
        && judge_random_target(node_text(name, text)) == Some(Context::NotSecurity)
    {
        return Context::NotSecurity;
    }
    if let Some(function) = function {
        let returns_it = returned
            || stored_in
                .as_deref()
                .is_some_and(|v| returns_variable(function, v, text));
        if returns_it && let Some(name) = function.py_field("name") {
            names.push(node_text(name, text).to_string());
        }
    }
    names
        .iter()
        .find_map(|n| judge_random_target(n))
        .unwrap_or(Context::Unknown)
}

/// Words naming an alphabet that secrets are drawn from.
const ALPHABET: &[&str] = &[
    "char",
    "chars",
    "characters",
    "alphabet",
    "letters",
    "digits",
    "charset",
    "symbols",
    "alnum",
    "punctuation",
    "pool",
];

/// `random.choice(API_KEYS)`: picking one of several existing secrets
/// (load balancing between keys) makes no new secret. Drawing from an
/// alphabet (`random.choice(PASSWORD_CHARS)`) does.
fn picks_existing_secret(call: Node<'_>, target: &str, checker: &Checker<'_>) -> bool {
    if !matches!(target, "random.choice" | "random.choices" | "random.sample") {
        return false;
    }
    let Some(population) = positional_arguments(checker.grammar, call).first().copied() else {
        return false;
    };
    let Some(name) = target_name(population, checker.text) else {
        return false;
    };
    let is_alphabet = words(&name).iter().any(|w| ALPHABET.contains(&w.as_str()));
    !is_alphabet && matches!(judge_random_target(&name), Some(Context::Sensitive(_)))
}

/// The `secrets` call replacing a `random` one, if the arguments allow a
/// one-for-one rewrite.
fn replacement(target: &str, call: Node<'_>, checker: &Checker<'_>) -> Option<String> {
    let method = target.strip_prefix("random.")?;
    let args = call_arguments(call)?;
    let positional = positional_arguments(checker.grammar, call);
    let keywords = args
        .named_children(&mut args.walk())
        .filter(|a| a.kind() != "comment")
        .count()
        - positional.len();
    let single = positional.len() == 1 && keywords == 0;
    Some(match method {
        "choice" if single => "secrets.choice".to_string(),
        "getrandbits" if single => "secrets.randbits".to_string(),
        "randrange" if single => "secrets.randbelow".to_string(),
        "randbytes" if single => "secrets.token_bytes".to_string(),
        _ => format!("secrets.SystemRandom().{method}"),
    })
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(target) = checker.semantic.call_matches(call, text, FUNCTIONS) else {
        return;
    };
    if picks_existing_secret(call, target, checker) {
        return;
    }
    let Context::Sensitive(word) = context(call, target, checker) else {
        return;
    };
    let mut violation = Violation::new(
        "predictable-secret",
        format!(
            "{target} is predictable and makes a secret here (`{word}`): use the secrets module"
        ),
    );
    let mut root = call;
    while let Some(parent) = root.parent() {
        root = parent;
    }
    if let (Some(function), Some(new_callee), Some(import)) = (
        call.py_field("function"),
        replacement(target, call, checker),
        add_import(root, text, "secrets"),
    ) {
        let mut edits = vec![Edit::replace(function.byte_range(), new_callee.clone())];
        edits.extend(import);
        violation = violation.with_fix(Fix::new(format!("Use {new_callee}"), edits));
    }
    checker.report(call, violation);
}
