use super::super::common::judge_random_target;
use super::super::context::{Context, gather};
use super::super::prelude::*;
use super::{
    add_crypto_import, call_args, callee_matches, callee_names, crypto_module_binding,
    enclosing_function, is_node_code, js_string, number_literal, unwrap,
};
use crate::lang::JsField;
use crate::lang::scope_name;

detector! {
    /// ## What it does
    /// Finds `Math.random()` values that end up as secrets: the variable,
    /// property or object key receiving them, the call they are passed to
    /// (`localStorage.setItem("token", ...)`, `res.cookie("sessionId", ...)`)
    /// or the function returning them names a token, password, secret,
    /// OTP, PIN, nonce, salt, session id, CSRF token, API key or a
    /// verification or reset code.
    ///
    /// `Math.random()` for animation, jitter, retries, sampling, colours,
    /// React keys, test data or anything whose purpose no name reveals is
    /// not reported. Values passed straight to `createCipheriv`, `pbkdf2`,
    /// `scrypt` or `createHmac` are reported by
    /// `cryptographic-key-generator`.
    ///
    /// ## Why is this bad?
    /// `Math.random()` is a fast non-cryptographic generator (xorshift128+
    /// in V8): after observing a handful of outputs an attacker recovers
    /// its state and predicts every later value, including the next
    /// password reset token or one-time code.
    ///
    /// ## Example
    /// ```javascript
    /// const resetToken = Math.random().toString(36).slice(2);
    /// const otp = Math.floor(Math.random() * 1000000);
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const crypto = require("crypto");
    /// const resetToken = crypto.randomBytes(16).toString("hex");
    /// const otp = crypto.randomInt(1000000);
    /// ```
    /// The fix rewrites `Math.floor(Math.random() * N)` (N an integer
    /// literal or a `.length`) to `crypto.randomInt(N)`,
    /// `Math.floor(A + Math.random() * N)` to `crypto.randomInt(A, A + N)`, and
    /// `Math.random().toString(36).slice(2)` to
    /// `crypto.randomBytes(16).toString("hex")`, in Node.js code only,
    /// adding `const crypto = require("crypto")` (CommonJS) or
    /// `import * as crypto from "crypto"` (ES modules) when the file does not
    /// use the name `crypto`. Browser code gets no automatic fix: use
    /// `crypto.getRandomValues` or `crypto.randomUUID()` there.
    ///
    /// ## References
    /// - [CWE-330: Use of Insufficiently Random Values](https://cwe.mitre.org/data/definitions/330.html)
    /// - [CWE-338: Use of Cryptographically Weak Pseudo-Random Number Generator (PRNG)](https://cwe.mitre.org/data/definitions/338.html)
    /// - [MDN: Math.random()](https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Math/random)
    /// - [Node.js crypto.randomInt](https://nodejs.org/api/crypto.html#cryptorandomintmin-max-callback)
    pub static SPEC = {
        ids: &["javascript/insecure-random@v1.0", "typescript/insecure-random@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Insecure randomness",
        category: Category::Security,
        cwes: &[330, 338],
        tags: &["cryptography", "randomness", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Make secrets with crypto.randomBytes, crypto.randomInt or crypto.randomUUID (crypto.getRandomValues in browsers), never with Math.random().",
        keywords: &["math.random"],
        check: Check::Node { kinds: &["call_expression"], run: check },
    };
}

/// Calls whose key-material arguments `cryptographic-key-generator` judges.
const KEY_CONSUMERS: &[&str] = &[
    "crypto.createCipheriv",
    "crypto.createDecipheriv",
    "crypto.pbkdf2",
    "crypto.pbkdf2Sync",
    "crypto.scrypt",
    "crypto.scryptSync",
    "crypto.createHmac",
];

/// Methods whose first (string) argument names what the second is.
const NAMING_SETTERS: &[&str] = &[
    "setItem",
    "cookie",
    "set",
    "setHeader",
    "append",
    "setCookie",
];

/// The name a target node gives to the value stored in it.
fn target_name(target: Node<'_>, text: &str) -> Option<String> {
    let target = unwrap(target);
    match target.kind() {
        "identifier" | "property_identifier" | "shorthand_property_identifier" => {
            Some(node_text(target, text).to_string())
        }
        "member_expression" => target
            .js_field("property")
            .map(|p| node_text(p, text).to_string()),
        "subscript_expression" => {
            let index = target.js_field("index")?;
            js_string(index, text)
        }
        "string" => js_string(target, text),
        _ => None,
    }
}

/// Climbs from the random call to the outermost expression carrying its
/// value, noting the names of calls it passes through. `None` when the
/// value goes to a call `cryptographic-key-generator` judges.
fn carrier<'t>(call: Node<'t>, checker: &Checker<'_>, names: &mut Vec<String>) -> Option<Node<'t>> {
    let text = checker.text;
    let mut current = call;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "arguments" => {
                let outer = parent
                    .parent()
                    .filter(|c| c.kind() == "call_expression" || c.kind() == "new_expression")?;
                if callee_matches(outer, checker, KEY_CONSUMERS).is_some() {
                    return None;
                }
                if let Some(function) = outer.js_field("function").map(unwrap) {
                    let method = match function.kind() {
                        "member_expression" => function.js_field("property"),
                        _ => Some(function),
                    };
                    if let Some(method) = method {
                        let method = node_text(method, text);
                        names.push(method.to_string());
                        if NAMING_SETTERS.contains(&method)
                            && let Some(first) = call_args(outer).first()
                            && first.byte_range() != current.byte_range()
                            && let Some(key) = js_string(*first, text)
                        {
                            names.push(key);
                        }
                    }
                }
                current = outer;
            }
            "member_expression" if parent.js_field("object") == Some(current) => current = parent,
            "call_expression" if parent.js_field("function") == Some(current) => current = parent,
            "subscript_expression" if parent.js_field("index") == Some(current) => current = parent,
            "arrow_function" if parent.js_field("body") == Some(current) => current = parent,
            "binary_expression"
            | "unary_expression"
            | "parenthesized_expression"
            | "ternary_expression"
            | "template_substitution"
            | "template_string"
            | "await_expression" => current = parent,
            _ => break,
        }
    }
    Some(current)
}

/// Whether `function` returns the variable `name` (`return token;`,
/// `return result.join("")`).
fn returns_variable(function: Node<'_>, name: &str, text: &str) -> bool {
    let mut stack = vec![function.js_field("body")];
    while let Some(Some(node)) = stack.pop() {
        if node.kind() != "statement_block" && super::FUNCTION_KINDS.contains(&node.kind()) {
            continue;
        }
        if node.kind() == "return_statement"
            && let Some(value) = node.named_child(0)
        {
            let mut head = unwrap(value);
            loop {
                head = match head.kind() {
                    "member_expression" => head.js_field("object"),
                    "call_expression" => head.js_field("function"),
                    _ => break,
                }
                .map_or(head, unwrap);
                if !matches!(head.kind(), "member_expression" | "call_expression") {
                    break;
                }
            }
            if head.kind() == "identifier" && node_text(head, text) == name {
                return true;
            }
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor).map(Some));
    }
    false
}

/// The name a function is known by (`function makeToken`, `const makeToken
/// = () => ...`, `makeToken() {}`, `{ makeToken: () => ... }`).
fn function_name(function: Node<'_>, text: &str) -> Option<String> {
    if let Some(name) = function.js_field("name") {
        return Some(node_text(name, text).to_string());
    }
    let parent = function.parent()?;
    match parent.kind() {
        "variable_declarator" => parent.js_field("name"),
        "pair" => parent.js_field("key"),
        "assignment_expression" => parent.js_field("left"),
        _ => None,
    }
    .and_then(|n| target_name(n, text))
}

/// Where the random value goes, weighed name by name from the innermost.
fn context(call: Node<'_>, checker: &Checker<'_>) -> Context {
    let text = checker.text;
    let grammar = checker.grammar;
    let mut names = Vec::new();
    let Some(outer) = carrier(call, checker, &mut names) else {
        return Context::NotSecurity;
    };
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
    if let Some(parent) = outer.parent()
        && parent.kind() == "augmented_assignment_expression"
        && let Some(left) = parent.js_field("left")
    {
        if left.kind() == "identifier" {
            stored_in = Some(node_text(left, text).to_string());
        }
        names.extend(target_name(left, text));
    }
    let returned = outer
        .parent()
        .is_some_and(|p| p.kind() == "return_statement")
        || outer.parent().is_some_and(|p| p.kind() == "arrow_function");
    let function = enclosing_function(call);
    let function_name = function.and_then(|f| function_name(f, text));
    if let Some(name) = &function_name
        && judge_random_target(name) == Some(Context::NotSecurity)
    {
        return Context::NotSecurity;
    }
    if let (Some(function), Some(name)) = (function, function_name) {
        let returns_it = returned
            || stored_in
                .as_deref()
                .is_some_and(|v| returns_variable(function, v, text));
        if returns_it {
            names.push(name);
        }
    }
    names
        .iter()
        .find_map(|n| judge_random_target(n))
        .unwrap_or(Context::Unknown)
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    if !callee_names(call, checker)
        .iter()
        .any(|n| n == "Math.random")
        || checker.semantic.binding("Math").is_some()
    {
        return;
    }
    let Context::Sensitive(word) = context(call, checker) else {
        return;
    };
    let mut violation = Violation::new(
        "math-random",
        format!(
            "Math.random() makes a secret here (`{word}`), but its output is predictable: an attacker who sees a few values can compute the next ones"
        ),
    );
    if let Some(fix) = fix(call, checker) {
        violation = violation.with_fix(fix);
    }
    checker.report(call, violation);
}

/// A rewrite to Node's crypto module for the two shapes that have an exact
/// equivalent.
fn fix(call: Node<'_>, checker: &Checker<'_>) -> Option<Fix> {
    if checker.grammar == crate::lang::Grammar::Tsx || !is_node_code(checker) {
        return None;
    }
    let text = checker.text;
    let (range, replacement, description) = if let Some((range, bound)) = floor_times(call, text) {
        (
            range,
            format!("crypto.randomInt({bound})"),
            "Use crypto.randomInt",
        )
    } else if let Some(range) = base36_string(call, text) {
        (
            range,
            "crypto.randomBytes(16).toString(\"hex\")".to_string(),
            "Use crypto.randomBytes",
        )
    } else {
        return None;
    };
    let mut edits = vec![Edit::replace(range, replacement)];
    if crypto_module_binding(checker).is_none() {
        edits.push(add_crypto_import(call, checker)?);
    }
    Some(Fix::new(description, edits))
}

/// `Math.floor(Math.random() * N)` or `Math.floor(A + Math.random() * N)`
/// with N an integer literal or a `.length` and A an integer literal: the
/// range of the floor call and the arguments of the equivalent
/// `crypto.randomInt` (`N`, or `A, A + N`).
fn floor_times(call: Node<'_>, text: &str) -> Option<(std::ops::Range<usize>, String)> {
    let mut product = call.parent()?;
    if product.kind() != "binary_expression"
        || product.js_field("operator").map(|o| node_text(o, text)) != Some("*")
    {
        return None;
    }
    let left = product.js_field("left")?;
    let right = product.js_field("right")?;
    let bound = if left == call { right } else { left };
    let bound = unwrap(bound);
    let valid = number_literal(bound, text)
        .is_some_and(|n| n > 0 && !node_text(bound, text).contains('.'))
        || (bound.kind() == "member_expression"
            && bound
                .js_field("property")
                .is_some_and(|p| node_text(p, text) == "length"));
    if !valid {
        return None;
    }
    while product
        .parent()
        .is_some_and(|p| p.kind() == "parenthesized_expression")
    {
        product = product.parent()?;
    }
    // `Math.floor(100000 + Math.random() * 900000)`: an offset.
    let mut offset = None;
    if let Some(sum) = product.parent().filter(|p| {
        p.kind() == "binary_expression"
            && p.js_field("operator").map(|o| node_text(o, text)) == Some("+")
    }) {
        let other = [sum.js_field("left")?, sum.js_field("right")?]
            .into_iter()
            .find(|n| *n != product)?;
        let value = number_literal(other, text)
            .filter(|_| !node_text(other, text).contains(['.', 'e', 'E']))?;
        offset = Some(value);
        product = sum;
    }
    let arguments = product.parent().filter(|a| a.kind() == "arguments")?;
    if arguments.named_child_count() != 1 {
        return None;
    }
    let floor = arguments.parent()?;
    let function = floor.js_field("function")?;
    if node_text(function, text) != "Math.floor" {
        return None;
    }
    let bound_text = node_text(bound, text);
    let range = match (offset, number_literal(bound, text)) {
        (None, _) => bound_text.to_string(),
        (Some(low), Some(n)) => format!("{low}, {}", low + n),
        (Some(low), None) => format!("{low}, {low} + {bound_text}"),
    };
    Some((floor.byte_range(), range))
}

/// `Math.random().toString(36).slice(2)` (or `substring(2)`, `substr(2)`):
/// the range of the whole expression.
fn base36_string(call: Node<'_>, text: &str) -> Option<std::ops::Range<usize>> {
    let to_string = call.parent().filter(|m| m.kind() == "member_expression")?;
    if to_string.js_field("property").map(|p| node_text(p, text)) != Some("toString") {
        return None;
    }
    let to_string_call = to_string
        .parent()
        .filter(|c| c.kind() == "call_expression")?;
    let radix = call_args(to_string_call);
    if radix.len() != 1 || number_literal(radix[0], text) != Some(36) {
        return None;
    }
    let slice = to_string_call
        .parent()
        .filter(|m| m.kind() == "member_expression")?;
    let method = slice.js_field("property").map(|p| node_text(p, text))?;
    if !matches!(method, "slice" | "substring" | "substr") {
        return None;
    }
    let slice_call = slice.parent().filter(|c| c.kind() == "call_expression")?;
    let start = call_args(slice_call);
    if start.len() != 1 || number_literal(start[0], text) != Some(2) {
        return None;
    }
    Some(slice_call.byte_range())
}
