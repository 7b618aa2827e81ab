use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds JSON Web Tokens decoded without checking their signature with
    /// PyJWT and python-jose: `options={"verify_signature": False}`,
    /// `verify=False` (PyJWT 1.x), `algorithms` allowing `none`, and
    /// `jwt.get_unverified_claims` used as the result.
    ///
    /// ## Why is this bad?
    /// The signature is what makes a token trustworthy. Without checking it
    /// anyone can write a token with any user id, role or expiry, and the
    /// application accepts it.
    ///
    /// ## Example
    /// ```python
    /// claims = jwt.decode(token, options={"verify_signature": False})
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// claims = jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], audience=AUDIENCE)
    /// ```
    /// Read claims before verification only to choose a key (`kid`), and
    /// verify before trusting anything.
    ///
    /// ## References
    /// - [CWE-347: Improper Verification of Cryptographic Signature](https://cwe.mitre.org/data/definitions/347.html)
    /// - [PyJWT: decode options](https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode)
    /// - [RFC 8725: JWT Best Current Practices](https://www.rfc-editor.org/rfc/rfc8725)
    pub static SPEC = {
        ids: &["python/jwt-verification-disabled@v1.0"],
        languages: &[Language::Python],
        name: "JWT signature not verified",
        category: Category::Security,
        cwes: &[347, 287],
        tags: &["authentication", "jwt", "owasp-top10"],
        access: Access::FullControl,
        effort: Effort::OverInternet,
        remediation: "Decode tokens with the key and an explicit list of algorithms (never 'none'); keep signature, expiry and audience checks on.",
        keywords: &["jwt", "jose"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

const DECODERS: &[&str] = &["jwt.decode", "jose.jwt.decode", "jwt.api_jwt.decode"];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(decoder) = checker.semantic.call_matches(call, text, DECODERS) else {
        return;
    };
    // `options={"verify_signature": False}` (also jose's `verify_signature`).
    if let Some(options) = keyword_argument(call, "options", text)
        && options.kind() == "dictionary"
    {
        let mut cursor = options.walk();
        for pair in options.named_children(&mut cursor) {
            let (Some(key), Some(value)) = (pair.py_field("key"), pair.py_field("value")) else {
                continue;
            };
            if string_literal(key, text).as_deref() == Some("verify_signature")
                && node_text(value, text) == "False"
            {
                let violation = Violation::new(
                    "verify-signature-off",
                    format!(
                        "{decoder} with verify_signature=False accepts tokens anyone can forge"
                    ),
                )
                .with_fix(Fix::replace(
                    "Verify the signature",
                    value.byte_range(),
                    "True",
                ));
                checker.report(call, violation);
                return;
            }
        }
    }
    // PyJWT 1.x `verify=False`.
    if let Some(verify) = keyword_argument(call, "verify", text)
        && node_text(verify, text) == "False"
    {
        let violation = Violation::new(
            "verify-off",
            format!("{decoder} with verify=False accepts tokens anyone can forge"),
        )
        .with_fix(Fix::replace(
            "Verify the signature",
            verify.byte_range(),
            "True",
        ));
        checker.report(call, violation);
        return;
    }
    // `algorithms=["none", ...]`
    if let Some(algorithms) = keyword_argument(call, "algorithms", text) {
        let mut cursor = algorithms.walk();
        let allows_none = algorithms
            .named_children(&mut cursor)
            .filter_map(|a| string_literal(a, text))
            .any(|a| a.eq_ignore_ascii_case("none"));
        if allows_none {
            checker.report(
                call,
                Violation::new(
                    "alg-none",
                    format!("{decoder} accepts the 'none' algorithm: unsigned tokens pass"),
                ),
            );
        }
    }
}
