use super::super::prelude::*;
use super::web::{scope_of, string_value, strip};
use super::{call_args, descendants, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds Spring Security configurations that switch off CSRF
    /// protection: `http.csrf().disable()`,
    /// `http.csrf(AbstractHttpConfigurer::disable)`,
    /// `http.csrf(csrf -> csrf.disable())`, and CSRF protection that
    /// ignores every path (`ignoringAntMatchers("/**")`,
    /// `ignoringRequestMatchers("/**")`).
    ///
    /// A configuration that is stateless -- the same method sets
    /// `sessionCreationPolicy(SessionCreationPolicy.STATELESS)` -- is not
    /// reported: without a session, requests are authenticated by a token
    /// the client sends explicitly (a bearer header), which a forged
    /// cross-site request cannot carry. CSRF protection only guards
    /// credentials the browser attaches by itself, such as session cookies.
    ///
    /// ## Why is this bad?
    /// Browsers attach cookies to requests that any site starts. Without a
    /// CSRF token, a page the victim visits can submit a form to the
    /// application with the victim's session: change their e-mail address,
    /// transfer money, or add an administrator.
    ///
    /// ## Example
    /// ```java
    /// http.csrf(AbstractHttpConfigurer::disable)
    ///     .formLogin(Customizer.withDefaults());
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// http.csrf(Customizer.withDefaults())
    ///     .formLogin(Customizer.withDefaults());
    /// ```
    /// For a token-only API, make it stateless:
    /// `http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))`.
    ///
    /// ## References
    /// - [CWE-352: Cross-Site Request Forgery (CSRF)](https://cwe.mitre.org/data/definitions/352.html)
    /// - [Spring Security: Cross Site Request Forgery](https://docs.spring.io/spring-security/reference/servlet/exploits/csrf.html)
    /// - [OWASP Cross-Site Request Forgery Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["java/cross-site-request-forgery@v1.0"],
        languages: &[Language::Java],
        name: "Cross-site request forgery",
        category: Category::Security,
        cwes: &[352],
        tags: &["csrf", "spring", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Keep Spring Security's CSRF protection on for session-based applications; make token-only APIs stateless.",
        keywords: &["csrf"],
        check: Check::Node { kinds: &["method_invocation"], run: check },
    };
}

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if method_name(call, text) != Some("csrf") || !text.contains("org.springframework.security") {
        return;
    }
    let args = call_args(call);
    let disabled = match args.first().map(|a| strip(*a)) {
        // `http.csrf().disable()`
        None => call.parent().is_some_and(|p| {
            p.kind() == "method_invocation"
                && p.child_by_field_name("object") == Some(call)
                && (method_name(p, text) == Some("disable") || ignores_all(p, text))
        }),
        Some(arg) => match arg.kind() {
            // `csrf(AbstractHttpConfigurer::disable)`
            "method_reference" => node_text(arg, text)
                .rsplit("::")
                .next()
                .is_some_and(|m| m.trim() == "disable"),
            // `csrf(c -> c.disable())`, `csrf(c -> c.ignoringRequestMatchers("/**"))`
            "lambda_expression" => arg.child_by_field_name("body").is_some_and(|body| {
                descendants(body).into_iter().any(|n| {
                    n.kind() == "method_invocation"
                        && (method_name(n, text) == Some("disable") && receiver(n).is_some()
                            || ignores_all(n, text))
                })
            }),
            _ => false,
        },
    };
    if !disabled || stateless(call, text) {
        return;
    }
    let at = call.child_by_field_name("name").unwrap_or(call);
    checker.report(
        at,
        Violation::new(
            "disabled",
            "CSRF protection is disabled for a configuration that keeps sessions: forged cross-site requests ride on the user's session",
        ),
    );
}

/// `ignoringAntMatchers("/**")` and its siblings, exempting every path.
fn ignores_all(call: Node<'_>, text: &str) -> bool {
    matches!(
        method_name(call, text),
        Some("ignoringAntMatchers" | "ignoringRequestMatchers" | "ignoringMvcMatchers")
    ) && call_args(call)
        .into_iter()
        .any(|a| string_value(a, text).is_some_and(|v| v == "/**" || v == "/*" || v == "**"))
}

/// Whether the configuration around the call creates no sessions.
fn stateless(call: Node<'_>, text: &str) -> bool {
    let scope = scope_of(call);
    node_text(scope, text).contains("STATELESS")
}
