use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds CORS configurations that let any web site make credentialed
    /// requests: Flask-CORS `CORS(...)`/`@cross_origin(...)` with
    /// `supports_credentials=True` and every origin allowed (no `origins`,
    /// or `"*"`), and django-cors-headers settings allowing all origins
    /// (`CORS_ALLOW_ALL_ORIGINS = True`, `CORS_ORIGIN_ALLOW_ALL = True`)
    /// together with `CORS_ALLOW_CREDENTIALS = True`.
    ///
    /// ## Why is this bad?
    /// With credentials allowed, the browser sends the user's cookies on
    /// cross-origin requests and lets the calling page read the answers.
    /// When every origin is allowed (the library reflects the caller's
    /// origin), any site the user visits can act as them and read their
    /// data.
    ///
    /// ## Example
    /// ```python
    /// CORS(app, supports_credentials=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// CORS(app, origins=["https://app.example.com"], supports_credentials=True)
    /// ```
    ///
    /// ## References
    /// - [CWE-942: Permissive Cross-domain Policy with Untrusted Domains](https://cwe.mitre.org/data/definitions/942.html)
    /// - [Flask-CORS: supports_credentials](https://flask-cors.readthedocs.io/en/latest/api.html)
    /// - [django-cors-headers settings](https://github.com/adamchainz/django-cors-headers#setup)
    pub static SPEC = {
        ids: &["python/insecure-cors-policy@v1.0"],
        languages: &[Language::Python],
        name: "Insecure CORS policy",
        category: Category::Security,
        cwes: &[942, 346],
        tags: &["cors", "web"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "List the origins allowed to send credentials explicitly; never combine credentials with every origin.",
        keywords: &["cors"],
        check: Check::Node { kinds: &["call", "assignment"], run: check },
    };
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "call" => check_flask_cors(node, checker),
        _ => check_django_setting(node, checker),
    }
}

fn check_flask_cors(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(target) = checker.semantic.call_matches(
        call,
        text,
        &[
            "flask_cors.CORS",
            "flask_cors.cross_origin",
            "flask_cors.extension.CORS",
        ],
    ) else {
        return;
    };
    let credentials = keyword_argument(call, "supports_credentials", text)
        .is_some_and(|v| node_text(v, text) == "True");
    if !credentials {
        return;
    }
    let every_origin = match keyword_argument(call, "origins", text) {
        None => keyword_argument(call, "resources", text).is_none(),
        Some(origins) => match origins.kind() {
            "string" => string_literal(origins, text).as_deref() == Some("*"),
            "list" | "tuple" => {
                let mut cursor = origins.walk();
                origins
                    .named_children(&mut cursor)
                    .any(|o| string_literal(o, text).as_deref() == Some("*"))
            }
            _ => false,
        },
    };
    if every_origin {
        checker.report(
            call,
            Violation::new(
                "flask-cors",
                format!(
                    "{target} allows credentials from every origin: any site can act as the user"
                ),
            ),
        );
    }
}

/// `CORS_ALLOW_ALL_ORIGINS = True` at module level, with
/// `CORS_ALLOW_CREDENTIALS = True` in the same module.
fn check_django_setting(assignment: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some((name, right)) = super::module_setting(assignment, text) else {
        return;
    };
    if !matches!(name, "CORS_ALLOW_ALL_ORIGINS" | "CORS_ORIGIN_ALLOW_ALL") || right.kind() != "true"
    {
        return;
    }
    let credentials = super::module_settings(assignment, text)
        .iter()
        .any(|(name, value)| *name == "CORS_ALLOW_CREDENTIALS" && value.kind() == "true");
    if credentials {
        let violation = Violation::new(
            "django-cors",
            format!(
                "{name} = True with CORS_ALLOW_CREDENTIALS = True: any site can act as the user"
            ),
        )
        .with_fix(Fix::replace(
            "Allow only the listed origins",
            right.byte_range(),
            "False",
        ));
        checker.report(assignment, violation);
    }
}
