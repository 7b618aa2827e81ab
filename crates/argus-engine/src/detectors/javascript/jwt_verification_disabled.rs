use super::super::context::words;
use super::super::prelude::*;
use super::{
    FUNCTION_KINDS, bool_literal, call_args, callee_matches, js_string, object_property, unwrap,
};
use crate::lang::JsField;
use crate::lang::scope_name;

detector! {
    /// ## What it does
    /// Finds JSON Web Tokens accepted without a real signature check:
    ///
    /// - `jwt.verify` (jsonwebtoken), `jwtVerify` (jose), express-jwt and
    ///   koa-jwt with an `algorithms` list that allows `none`;
    /// - `jwt.sign(payload, key, { algorithm: "none" })`, which issues
    ///   unsigned tokens;
    /// - `ignoreExpiration: true` in `jwt.verify` options;
    /// - `jwt.decode` (jsonwebtoken) or `decodeJwt` (jose), which do not
    ///   check signatures, used for an authorization decision: the result is
    ///   stored as the request's user, auth, claims or session, or the call
    ///   sits in an authentication function or guard (`authenticate`,
    ///   `requireAuth`, `canActivate`), and the function verifies nothing.
    ///
    /// Decoding a token to pick a key (`kid`) before verifying it, or to
    /// show its contents, is not reported; neither is the browser library
    /// jwt-decode, since decisions made in the browser protect nothing.
    /// Hard-coded signing keys are the concern of `hardcoded-credentials`.
    ///
    /// ## Why is this bad?
    /// The signature is what makes a token trustworthy. Without checking it
    /// anyone can write a token with any user id, role or expiry, and the
    /// application accepts it. An expired token that is still accepted
    /// turns a leaked token into permanent access.
    ///
    /// ## Example
    /// ```javascript
    /// const jwt = require("jsonwebtoken");
    /// function authenticate(req, res, next) {
    ///   req.user = jwt.decode(req.headers.authorization.slice(7));
    ///   next();
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const jwt = require("jsonwebtoken");
    /// function authenticate(req, res, next) {
    ///   req.user = jwt.verify(req.headers.authorization.slice(7), publicKey, { algorithms: ["RS256"] });
    ///   next();
    /// }
    /// ```
    ///
    /// ## References
    /// - [CWE-347: Improper Verification of Cryptographic Signature](https://cwe.mitre.org/data/definitions/347.html)
    /// - [jsonwebtoken: jwt.verify and jwt.decode](https://github.com/auth0/node-jsonwebtoken#jwtverifytoken-secretorpublickey-options-callback)
    /// - [RFC 8725: JWT Best Current Practices](https://www.rfc-editor.org/rfc/rfc8725)
    pub static SPEC = {
        ids: &["javascript/jwt-verification-disabled@v1.0", "typescript/jwt-verification-disabled@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "JWT signature not verified",
        category: Category::Security,
        cwes: &[347, 287],
        tags: &["authentication", "jwt", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Verify tokens with the key and an explicit list of algorithms (never 'none') before trusting their claims; keep expiry checks on.",
        keywords: &["jsonwebtoken", "jose", "express-jwt", "koa-jwt"],
        check: Check::Node { kinds: &["call_expression"], run: check },
    };
}

/// Verifiers and the position of their options argument.
const VERIFIERS: &[(&str, usize)] = &[
    ("jsonwebtoken.verify", 2),
    ("jose.jwtVerify", 2),
    ("express-jwt", 0),
    ("express-jwt.expressjwt", 0),
    ("koa-jwt", 0),
];

const DECODERS: &[&str] = &["jsonwebtoken.decode", "jose.decodeJwt"];

/// Properties under which a request carries its authenticated identity.
const IDENTITY: &[&str] = &[
    "user",
    "currentUser",
    "auth",
    "claims",
    "principal",
    "identity",
    "session",
    "account",
    "authUser",
    "tokenPayload",
];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let args = call_args(call);
    let names: Vec<&str> = VERIFIERS.iter().map(|(n, _)| *n).collect();
    if let Some(verifier) = callee_matches(call, checker, &names) {
        let position = VERIFIERS
            .iter()
            .find(|(n, _)| *n == verifier)
            .map_or(2, |(_, p)| *p);
        let Some(options) = args
            .get(position)
            .filter(|o| unwrap(**o).kind() == "object")
        else {
            return;
        };
        if let Some(algorithms) = object_property(*options, "algorithms", text)
            && allows_none(algorithms, text)
        {
            checker.report(
                call,
                Violation::new(
                    "none-algorithm",
                    "the algorithm list allows `none`: a token without a signature is accepted, so anyone can forge one",
                ),
            );
        }
        if let Some(ignore) = object_property(*options, "ignoreExpiration", text)
            && bool_literal(ignore, text) == Some(true)
        {
            checker.report(
                call,
                Violation::new(
                    "expiration-ignored",
                    "ignoreExpiration: true accepts expired tokens: a leaked token stays valid forever",
                )
                .with_fix(Fix::replace("Check expiry", unwrap(ignore).byte_range(), "false")),
            );
        }
        return;
    }
    if callee_matches(call, checker, &["jsonwebtoken.sign"]).is_some() {
        if let Some(algorithm) = args
            .get(2)
            .and_then(|o| object_property(*o, "algorithm", text))
            .and_then(|a| js_string(a, text))
            && algorithm.eq_ignore_ascii_case("none")
        {
            checker.report(
                call,
                Violation::new(
                    "unsigned-token",
                    "jwt.sign with algorithm `none` issues unsigned tokens that anyone can forge",
                ),
            );
        }
        return;
    }
    let Some(decoder) = callee_matches(call, checker, DECODERS) else {
        return;
    };
    let Some(function) = outer_function(call) else {
        return;
    };
    if verifies(function, text) || !authorizes(call, function, checker) {
        return;
    }
    let display = if decoder == "jose.decodeJwt" {
        "decodeJwt"
    } else {
        "jwt.decode"
    };
    checker.report(
        call,
        Violation::new(
            "decode-without-verify",
            format!("{display} does not check the signature, yet its claims decide who the caller is here: anyone can forge them; use jwt.verify with the key and an algorithm list"),
        ),
    );
}

/// `["HS256", "none"]`.
fn allows_none(algorithms: Node<'_>, text: &str) -> bool {
    let algorithms = unwrap(algorithms);
    let mut cursor = algorithms.walk();
    algorithms.kind() == "array"
        && algorithms
            .named_children(&mut cursor)
            .any(|a| js_string(a, text).is_some_and(|s| s.eq_ignore_ascii_case("none")))
}

/// The innermost named function around `node` (arrow callbacks inside a
/// middleware belong to it).
fn outer_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut up = node.parent();
    let mut innermost = None;
    while let Some(n) = up {
        if FUNCTION_KINDS.contains(&n.kind()) {
            innermost.get_or_insert(n);
            if n.kind() != "arrow_function" {
                return Some(n);
            }
        }
        up = n.parent();
    }
    innermost
}

/// Whether a function verifies a token somewhere (`jwt.verify`,
/// `jwtVerify`, `verifyToken`, ...).
fn verifies(function: Node<'_>, text: &str) -> bool {
    let mut stack = vec![function];
    while let Some(n) = stack.pop() {
        if n.kind() == "call_expression"
            && let Some(callee) = n.js_field("function")
        {
            let name = node_text(callee, text);
            let last = name.rsplit('.').next().unwrap_or(name);
            if words(last).iter().any(|w| w == "verify" || w == "verified") {
                return true;
            }
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    false
}

/// Words of function names that make authorization decisions.
fn authorizing_name(name: &str) -> bool {
    let words = words(name);
    words.iter().any(|w| {
        matches!(
            w.as_str(),
            "auth"
                | "authenticate"
                | "authenticated"
                | "authentication"
                | "authorize"
                | "authorized"
                | "authorization"
                | "guard"
                | "protect"
                | "protected"
                | "permission"
                | "permissions"
        )
    }) || words.windows(2).any(|p| {
        matches!(
            (p[0].as_str(), p[1].as_str()),
            ("can", "activate")
                | ("require", "user")
                | ("require", "login")
                | ("ensure", "logged")
                | ("current", "user")
                | ("is", "admin")
                | ("require", "admin")
        )
    })
}

/// Whether the decoded claims make an authorization decision: stored as
/// the request's identity, or decoded in an authentication function.
fn authorizes(call: Node<'_>, function: Node<'_>, checker: &Checker<'_>) -> bool {
    let text = checker.text;
    let grammar = checker.grammar;
    let mut up = call.parent();
    while let Some(n) = up {
        if let Some(name) = scope_name(grammar, n, text)
            && authorizing_name(&name)
        {
            return true;
        }
        if FUNCTION_KINDS.contains(&n.kind())
            && let Some(parent) = n.parent()
            && let Some(key) = match parent.kind() {
                "pair" => parent.js_field("key"),
                "assignment_expression" => parent.js_field("left"),
                _ => None,
            }
            && authorizing_name(node_text(key, text))
        {
            return true;
        }
        up = n.parent();
    }
    // The variable holding the claims, if any.
    let mut carrier = call;
    while let Some(parent) = carrier.parent() {
        if matches!(
            parent.kind(),
            "await_expression"
                | "parenthesized_expression"
                | "as_expression"
                | "non_null_expression"
        ) {
            carrier = parent;
        } else {
            break;
        }
    }
    let variable = carrier
        .parent()
        .filter(|p| p.kind() == "variable_declarator")
        .and_then(|p| p.js_field("name"))
        .map(|n| node_text(n, text));
    // `req.user = <claims>`.
    let mut stack = vec![function];
    while let Some(n) = stack.pop() {
        if n.kind() == "assignment_expression"
            && let (Some(left), Some(right)) = (n.js_field("left"), n.js_field("right"))
            && left.kind() == "member_expression"
            && left
                .js_field("property")
                .is_some_and(|p| IDENTITY.contains(&node_text(p, text)))
        {
            let holds_claims = right.byte_range().contains(&call.start_byte())
                || variable.is_some_and(|v| mentions(right, v, text));
            if holds_claims {
                return true;
            }
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    false
}

/// Whether an expression uses the identifier `name`.
fn mentions(node: Node<'_>, name: &str, text: &str) -> bool {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind() == "identifier" && node_text(n, text) == name {
            return true;
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    false
}
