use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds LDAP binds that authenticate nobody:
    /// - python-ldap `simple_bind_s()` / `simple_bind()` / `bind_s()` with
    ///   no password, or with an empty or `None` password (an anonymous or
    ///   an "unauthenticated" bind: a name without a password, which
    ///   servers accept as anonymous);
    /// - ldap3 `Connection(server)` with neither a user nor a password and
    ///   no SASL mechanism, or with `authentication=ANONYMOUS`.
    ///
    /// A password given as any expression is taken as a deliberate choice;
    /// calls that forward `**kwargs` are skipped.
    ///
    /// ## Why is this bad?
    /// An anonymous or unauthenticated bind gives the application only what
    /// the directory grants to everyone, and code that treats a successful
    /// bind as proof of identity (`simple_bind_s(user, password)` with an
    /// empty password from a login form) lets anyone log in as any user.
    /// Directories that allow anonymous binds also expose their users and
    /// groups to anyone on the network.
    ///
    /// ## Example
    /// ```python
    /// conn = ldap.initialize("ldap://ldap.example.com")
    /// conn.simple_bind_s("cn=reader,dc=example,dc=com")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// conn = ldap.initialize("ldaps://ldap.example.com")
    /// conn.simple_bind_s("cn=reader,dc=example,dc=com", os.environ["LDAP_PASSWORD"])
    /// ```
    ///
    /// ## References
    /// - [CWE-521: Weak Password Requirements](https://cwe.mitre.org/data/definitions/521.html)
    /// - [CWE-287: Improper Authentication](https://cwe.mitre.org/data/definitions/287.html)
    /// - [RFC 4513 §5.1: Simple Authentication Method (anonymous and unauthenticated binds)](https://www.rfc-editor.org/rfc/rfc4513#section-5.1)
    /// - [python-ldap: LDAPObject.simple_bind_s](https://www.python-ldap.org/en/latest/reference/ldap.html#ldap.LDAPObject.simple_bind_s)
    pub static SPEC = {
        ids: &["python/ldap-authentication@v1.0"],
        languages: &[Language::Python],
        name: "Unauthenticated LDAP bind",
        category: Category::Security,
        cwes: &[521, 287],
        tags: &["ldap", "authentication"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Bind with a service account's password (from a secret store), and reject empty passwords before binding as a user.",
        keywords: &["ldap"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let (text, semantic) = (checker.text, checker.semantic);
    if semantic.imports("ldap") {
        check_python_ldap(call, checker);
    }
    if semantic
        .callee_names(call, text)
        .iter()
        .any(|n| n == "ldap3.Connection")
    {
        check_ldap3(call, checker);
    }
}

fn splats(call: Node<'_>) -> bool {
    call_arguments(call).is_some_and(|args| {
        let mut cursor = args.walk();
        args.named_children(&mut cursor)
            .any(|a| matches!(a.kind(), "dictionary_splat" | "list_splat"))
    })
}

/// An empty string or `None`.
fn empty(node: Node<'_>, text: &str) -> bool {
    node.kind() == "none" || string_literal(node, text).is_some_and(|s| s.is_empty())
}

fn check_python_ldap(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(method) = super::method_name_node(call) else {
        return;
    };
    let method = node_text(method, text);
    if !matches!(method, "simple_bind_s" | "simple_bind" | "bind_s" | "bind") || splats(call) {
        return;
    }
    // `bind`/`bind_s` take a method; only python-ldap's simple one is
    // checked (`bind_s(who, cred)` defaults to AUTH_SIMPLE).
    if matches!(method, "bind_s" | "bind")
        && argument(call, 2, "method", text)
            .is_some_and(|m| !node_text(m, text).ends_with("AUTH_SIMPLE"))
    {
        return;
    }
    if matches!(method, "bind_s" | "bind") && argument(call, 0, "who", text).is_none() {
        // `bind()` without arguments is another library's method.
        return;
    }
    let who = argument(call, 0, "who", text);
    let cred = argument(call, 1, "cred", text);
    let message = match (who, cred) {
        (_, Some(c)) if !empty(c, text) => return,
        (None, _) => format!("`{method}()` without credentials binds anonymously"),
        (Some(w), _) if empty(w, text) => {
            format!("`{method}` with an empty name and password binds anonymously")
        }
        (Some(_), _) => format!(
            "`{method}` with a name but no password is an unauthenticated bind: the server treats it as anonymous"
        ),
    };
    checker.report(call, Violation::new("python-ldap", message));
}

fn check_ldap3(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if splats(call) {
        return;
    }
    let authentication = argument(call, 6, "authentication", text);
    if let Some(a) = authentication {
        let written = node_text(a, text);
        if written.ends_with("ANONYMOUS") || string_literal(a, text).as_deref() == Some("ANONYMOUS")
        {
            checker.report(
                call,
                Violation::new(
                    "ldap3",
                    "ldap3 connection with authentication=ANONYMOUS binds without credentials",
                ),
            );
        }
        return;
    }
    if keyword_argument(call, "sasl_mechanism", text).is_some() {
        return;
    }
    let user = argument(call, 1, "user", text).filter(|u| !empty(*u, text));
    let password = argument(call, 2, "password", text).filter(|p| !empty(*p, text));
    if user.is_none() && password.is_none() {
        checker.report(
            call,
            Violation::new(
                "ldap3",
                "ldap3 connection without a user or a password binds anonymously",
            ),
        );
    }
}
