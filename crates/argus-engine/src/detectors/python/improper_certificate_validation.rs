use super::super::prelude::*;
use super::{method_name_node, remove_keyword_argument};

detector! {
    /// ## What it does
    /// Finds TLS connections made without checking the server's
    /// certificate or host name:
    /// - `verify=False` passed to `requests` and `httpx` (module functions,
    ///   `httpx.Client`/`AsyncClient`, and session methods named after an
    ///   HTTP verb, `request`, `send` or `stream`), to `boto3.client` and
    ///   `boto3.resource`;
    /// - `ssl=False` passed to an `aiohttp` request method or connector;
    /// - `ssl._create_unverified_context()` and its alias
    ///   `ssl._create_stdlib_context()`;
    /// - `cert_reqs=ssl.CERT_NONE` (or `"CERT_NONE"`) given to a call;
    /// - `ctx.check_hostname = False`, `ctx.verify_mode = ssl.CERT_NONE` and
    ///   `session.verify = False` assignments made unconditionally (not on
    ///   one branch of an `if`, where an option or a missing host name
    ///   decides).
    ///
    /// `ssl.create_default_context()` left as it is, and
    /// `urllib3.disable_warnings()` on its own, are not findings.
    ///
    /// ## Why is this bad?
    /// Without certificate validation anyone on the network path (a
    /// public Wi-Fi, a compromised router, a hostile proxy) can present
    /// their own certificate, read the traffic in clear and change it:
    /// credentials, tokens and responses the program trusts.
    ///
    /// ## Example
    /// ```python
    /// import requests
    ///
    /// response = requests.get("https://billing.internal/api", verify=False)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import requests
    ///
    /// response = requests.get("https://billing.internal/api", verify="/etc/ssl/internal-ca.pem")
    /// ```
    /// Keep the default (`verify=True`), or point `verify` at the bundle of
    /// the private CA that signs the server's certificate.
    ///
    /// ## References
    /// - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    /// - [Requests: SSL Cert Verification](https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification)
    /// - [Python ssl: security considerations](https://docs.python.org/3/library/ssl.html#ssl-security)
    pub static SPEC = {
        ids: &["python/improper-certificate-validation@v1.0"],
        languages: &[Language::Python],
        name: "Improper certificate validation",
        category: Category::Security,
        cwes: &[295],
        tags: &["tls", "cryptography", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Keep certificate validation on (verify=True, ssl.create_default_context()); to trust a private CA, pass its bundle instead of disabling checks.",
        keywords: &["verify", "_create_unverified_context", "_create_stdlib_context", "check_hostname", "cert_none", "ssl="],
        check: Check::Node { kinds: &["call", "assignment"], run: check },
    };
}

/// Methods through which a request is made on a session or client.
const REQUEST_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream",
];

/// Modules whose every function and client takes `verify`.
const VERIFY_MODULES: &[&str] = &["requests", "httpx"];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "call" => check_call(node, checker),
        "assignment" => check_assignment(node, checker),
        _ => {}
    }
}

fn check_call(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if let Some(target) = checker.semantic.call_matches(
        call,
        text,
        &[
            "ssl._create_unverified_context",
            "ssl._create_stdlib_context",
        ],
    ) {
        let mut violation = Violation::new(
            "unverified-context",
            format!(
                "{target}() makes a TLS context that checks neither certificates nor host names"
            ),
        );
        let no_arguments = call_arguments(call).is_some_and(|a| a.named_child_count() == 0);
        if no_arguments && let Some(method) = method_name_node(call) {
            violation = violation.with_fix(Fix::replace(
                "Use ssl.create_default_context()",
                method.byte_range(),
                "create_default_context",
            ));
        }
        checker.report(call, violation);
        return;
    }
    if let Some(value) = keyword_argument(call, "verify", text).filter(|v| v.kind() == "false")
        && takes_verify(call, checker)
    {
        let violation = Violation::new(
            "verify-false",
            "verify=False turns off certificate validation for this connection",
        )
        .with_fix(Fix::replace(
            "Validate certificates (verify=True)",
            value.byte_range(),
            "True",
        ));
        checker.report(call, violation);
        return;
    }
    if let Some(value) = keyword_argument(call, "ssl", text).filter(|v| v.kind() == "false")
        && is_aiohttp_request(call, checker)
    {
        let mut violation = Violation::new(
            "ssl-false",
            "ssl=False turns off certificate validation for this aiohttp connection",
        );
        if let Some(argument) = value.parent() {
            violation = violation.with_fix(Fix::new(
                "Validate certificates (drop ssl=False)",
                vec![remove_keyword_argument(argument, text)],
            ));
        }
        checker.report(call, violation);
        return;
    }
    if let Some(value) = keyword_argument(call, "cert_reqs", text)
        && is_cert_none(value, checker)
    {
        let mut violation = Violation::new(
            "cert-none",
            "cert_reqs=CERT_NONE accepts any certificate the server presents",
        );
        if let Some(edit) = cert_required_edit(value, checker) {
            violation = violation.with_fix(Fix::new("Require a valid certificate", vec![edit]));
        }
        checker.report(call, violation);
    }
}

/// Whether a call with `verify=` is a `requests`/`httpx`/`boto3` call or a
/// request made through a session or client method.
fn takes_verify(call: Node<'_>, checker: &Checker<'_>) -> bool {
    let names = checker.semantic.callee_names(call, checker.text);
    let resolved = names.iter().any(|name| {
        let mut parts = name.split('.');
        let head = parts.next().unwrap_or_default();
        let last = name.rsplit('.').next().unwrap_or_default();
        (VERIFY_MODULES.contains(&head) && name.contains('.'))
            || (head == "boto3" && matches!(last, "client" | "resource"))
    });
    if resolved {
        return true;
    }
    method_name_node(call).is_some_and(|m| REQUEST_METHODS.contains(&checker.text_of(m)))
}

/// `session.get(url, ssl=False)` in a file using aiohttp, or
/// `aiohttp.TCPConnector(ssl=False)`.
fn is_aiohttp_request(call: Node<'_>, checker: &Checker<'_>) -> bool {
    if !checker.semantic.imports("aiohttp") {
        return false;
    }
    if checker
        .semantic
        .call_matches(call, checker.text, &["aiohttp.TCPConnector"])
        .is_some()
    {
        return true;
    }
    method_name_node(call).is_some_and(|m| {
        REQUEST_METHODS.contains(&checker.text_of(m)) || checker.text_of(m) == "ws_connect"
    })
}

/// `ssl.CERT_NONE`, `ssl.VerifyMode.CERT_NONE` or the string `"CERT_NONE"`.
fn is_cert_none(value: Node<'_>, checker: &Checker<'_>) -> bool {
    if string_literal(value, checker.text).is_some_and(|s| s == "CERT_NONE") {
        return true;
    }
    checker
        .semantic
        .qualified_names(value, checker.text)
        .iter()
        .any(|n| n == "ssl.CERT_NONE" || n == "ssl.VerifyMode.CERT_NONE")
}

/// `ssl.CERT_NONE` -> `ssl.CERT_REQUIRED`, `"CERT_NONE"` -> `"CERT_REQUIRED"`.
fn cert_required_edit(value: Node<'_>, checker: &Checker<'_>) -> Option<Edit> {
    match value.kind() {
        "attribute" => {
            let name = value.py_field("attribute")?;
            Some(Edit::replace(name.byte_range(), "CERT_REQUIRED"))
        }
        "string" => crate::fix::replace_string_value(value, checker.text, "CERT_REQUIRED"),
        _ => None,
    }
}

fn check_assignment(assignment: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let (Some(left), Some(right)) = (assignment.py_field("left"), assignment.py_field("right"))
    else {
        return;
    };
    if left.kind() != "attribute" {
        return;
    }
    let (Some(object), Some(attribute)) = (left.py_field("object"), left.py_field("attribute"))
    else {
        return;
    };
    // A context class's own defaults (`self.check_hostname = False` in a
    // wrapper), and checks turned off only on some branch (no host name to
    // check, an explicit opt-in, a library doing its own matching), are
    // decisions made elsewhere.
    if node_text(object, text) == "self" || conditional(assignment, text) {
        return;
    }
    match (checker.text_of(attribute), right.kind()) {
        ("check_hostname", "false") => {
            let violation = Violation::new(
                "check-hostname-false",
                "check_hostname = False accepts a valid certificate issued for any other host",
            );
            checker.report(assignment, violation);
        }
        ("verify_mode", _) if is_cert_none(right, checker) => {
            let mut violation = Violation::new(
                "verify-mode-none",
                "verify_mode = CERT_NONE accepts any certificate the server presents",
            );
            if let Some(edit) = cert_required_edit(right, checker) {
                violation = violation.with_fix(Fix::new("Require a valid certificate", vec![edit]));
            }
            checker.report(assignment, violation);
        }
        ("verify", "false") => {
            // `session.verify = False` on a requests/httpx session; an
            // object's own `self.verify` flag is something else.
            if !checker.semantic.imports_any(VERIFY_MODULES) {
                return;
            }
            let violation = Violation::new(
                "verify-false",
                "verify = False turns off certificate validation for every request of this session",
            )
            .with_fix(Fix::replace(
                "Validate certificates (verify = True)",
                right.byte_range(),
                "True",
            ));
            checker.report(assignment, violation);
        }
        _ => {}
    }
}

/// Whether a statement runs only on some branch of its function (the
/// `if __name__ == "__main__":` guard of a script does not count).
fn conditional(statement: Node<'_>, text: &str) -> bool {
    let mut up = statement.parent();
    while let Some(node) = up {
        match node.kind() {
            "if_statement"
                if node
                    .py_field("condition")
                    .is_some_and(|c| node_text(c, text).contains("__name__")) =>
            {
                up = node.parent()
            }
            "if_statement"
            | "elif_clause"
            | "else_clause"
            | "match_statement"
            | "conditional_expression" => return true,
            "function_definition" | "class_definition" | "module" => return false,
            _ => up = node.parent(),
        }
    }
    false
}
