use super::super::prelude::*;
use super::web::{calls_in, chain, chain_end, scope_of, string_value, strip, value_of};
use super::{bool_literal, call_args, descendants, enclosing_method, method_name};

detector! {
    /// ## What it does
    /// Finds CORS configurations that let every web site make credentialed
    /// requests and read the answers:
    /// - `Access-Control-Allow-Origin` set (`setHeader`, `addHeader`,
    ///   `header`) to `*`, to `null`, or to the request's own `Origin`
    ///   header without any check of it, in a method that also sends
    ///   `Access-Control-Allow-Credentials: true` (in the same branch: a
    ///   configurable filter sending `*` in one configuration and
    ///   credentials in another is not reported);
    /// - Spring `@CrossOrigin` with `origins`/`originPatterns` `"*"` and
    ///   `allowCredentials = "true"`;
    /// - a Spring `CorsConfiguration` allowing the origin (or origin
    ///   pattern) `*` (`addAllowedOrigin("*")`, `setAllowedOrigins(List.of("*"))`,
    ///   `addAllowedOriginPattern("*")`) in a method that also calls
    ///   `setAllowCredentials(true)`;
    /// - a `CorsRegistry` mapping with `.allowedOrigins("*")` or
    ///   `.allowedOriginPatterns("*")` and `.allowCredentials(true)`.
    ///
    /// `*` without credentials is not reported: browsers never attach
    /// cookies to such requests, and it is how a public API shares data any
    /// site could fetch anyway. An echoed origin that the code compares with
    /// anything first (`allowed.contains(origin)`, `origin.endsWith(...)`)
    /// is taken as checked.
    ///
    /// ## Why is this bad?
    /// With credentials allowed, the browser sends the user's cookies on
    /// cross-origin requests and lets the calling page read the answers.
    /// When every origin is allowed, any site the user visits can act as
    /// them and read their data.
    ///
    /// ## Example
    /// ```java
    /// config.addAllowedOriginPattern("*");
    /// config.setAllowCredentials(true);
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// config.setAllowedOrigins(List.of("https://app.example.com"));
    /// config.setAllowCredentials(true);
    /// ```
    ///
    /// ## References
    /// - [CWE-942: Permissive Cross-domain Policy with Untrusted Domains](https://cwe.mitre.org/data/definitions/942.html)
    /// - [OWASP HTML5 Security Cheat Sheet: CORS](https://cheatsheetseries.owasp.org/cheatsheets/HTML5_Security_Cheat_Sheet.html#cross-origin-resource-sharing)
    /// - [Spring: CORS](https://docs.spring.io/spring-framework/reference/web/webmvc-cors.html)
    pub static SPEC = {
        ids: &["java/insecure-cors-policy@v1.0"],
        languages: &[Language::Java],
        name: "Insecure CORS policy",
        category: Category::Security,
        cwes: &[942, 346],
        tags: &["cors", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Allow only the origins that need access (an explicit list), or do not allow credentials.",
        keywords: &["Access-Control-Allow-Origin", "CrossOrigin", "AllowedOrigin", "allowedOrigins"],
        check: Check::Node { kinds: &["method_invocation", "annotation"], run: check },
    };
}

const HEADER_SETTERS: &[&str] = &["setHeader", "addHeader", "header", "set", "add", "put"];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    if node.kind() == "annotation" {
        check_annotation(node, checker);
        return;
    }
    let text = checker.text;
    let Some(name) = method_name(node, text) else {
        return;
    };
    match name {
        n if HEADER_SETTERS.contains(&n) => check_header(node, checker),
        "addAllowedOrigin"
        | "addAllowedOriginPattern"
        | "setAllowedOrigins"
        | "setAllowedOriginPatterns" => {
            if !allows_any(node, text) {
                return;
            }
            let scope = scope_of(node);
            let credentials = calls_in(scope).into_iter().any(|c| {
                method_name(c, text) == Some("setAllowCredentials")
                    && call_args(c)
                        .first()
                        .is_some_and(|a| bool_literal(strip(*a)) == Some(true))
            });
            if credentials {
                report(node, "configuration", checker);
            }
        }
        "allowedOrigins" | "allowedOriginPatterns" => {
            if !allows_any(node, text) {
                return;
            }
            let end = chain_end(node);
            let credentials = chain(end).into_iter().any(|c| {
                method_name(c, text) == Some("allowCredentials")
                    && call_args(c)
                        .first()
                        .is_some_and(|a| bool_literal(strip(*a)) == Some(true))
            });
            if credentials {
                report(node, "registry", checker);
            }
        }
        _ => {}
    }
}

/// Whether the origins given to a call include `*`, directly or in
/// `List.of("*")`, `Arrays.asList("*")`, `Collections.singletonList("*")`.
fn allows_any(call: Node<'_>, text: &str) -> bool {
    call_args(call).into_iter().any(|a| {
        let a = strip(a);
        if string_value(a, text).as_deref() == Some("*") {
            return true;
        }
        a.kind() == "method_invocation"
            && matches!(
                method_name(a, text),
                Some("of" | "asList" | "singletonList" | "singleton")
            )
            && call_args(a)
                .into_iter()
                .any(|x| string_value(x, text).as_deref() == Some("*"))
    })
}

fn report(node: Node<'_>, rule: &'static str, checker: &mut Checker<'_>) {
    checker.report(
        node,
        Violation::new(
            rule,
            "CORS allows every origin to send credentialed requests and read the answers",
        ),
    );
}

fn check_header(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let args = call_args(call);
    if args.len() != 2 {
        return;
    }
    let Some(header) = string_value(args[0], text) else {
        return;
    };
    if !header.eq_ignore_ascii_case("Access-Control-Allow-Origin") {
        return;
    }
    let value = strip(args[1]);
    let what = match string_value(value, text).as_deref() {
        Some("*") => "every origin (`*`)",
        Some("null") => "the `null` origin of sandboxed documents of any site",
        Some(_) => return,
        None => {
            if !echoed_origin(value, call, text) {
                return;
            }
            "the caller's own origin, unchecked"
        }
    };
    // Only with credentials does the policy expose the user's data: sent
    // by the same method, under no condition the origin header is not
    // also under (a configurable filter sends `*` and credentials in
    // different configurations).
    let Some(method) = enclosing_method(call) else {
        return;
    };
    let conditions = |n: Node<'_>| {
        let mut out = Vec::new();
        let mut up = n.parent();
        while let Some(p) = up {
            if matches!(
                p.kind(),
                "if_statement" | "ternary_expression" | "switch_block_statement_group"
            ) {
                out.push(p.id());
            }
            if p.id() == method.id() {
                break;
            }
            up = p.parent();
        }
        out
    };
    let origin_conditions = conditions(call);
    let credentials = descendants(method).into_iter().any(|c| {
        c.kind() == "method_invocation"
            && HEADER_SETTERS.contains(&method_name(c, text).unwrap_or(""))
            && {
                let a = call_args(c);
                a.len() == 2
                    && string_value(a[0], text)
                        .is_some_and(|h| h.eq_ignore_ascii_case("Access-Control-Allow-Credentials"))
                    && string_value(a[1], text).is_some_and(|v| v.eq_ignore_ascii_case("true"))
            }
            && conditions(c)
                .iter()
                .all(|id| origin_conditions.contains(id))
    });
    if !credentials {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "header",
            format!("`Access-Control-Allow-Origin` allows {what} together with credentials"),
        ),
    );
}

/// Whether `getHeader("Origin")`.
fn is_origin_read(expr: Node<'_>, text: &str) -> bool {
    let expr = strip(expr);
    expr.kind() == "method_invocation"
        && matches!(method_name(expr, text), Some("getHeader" | "getFirst"))
        && call_args(expr)
            .first()
            .and_then(|a| string_value(*a, text))
            .is_some_and(|h| h.eq_ignore_ascii_case("Origin"))
}

/// Whether a header value is the request's `Origin` header, read there or
/// held in a local variable no check looks at.
fn echoed_origin(value: Node<'_>, setter: Node<'_>, text: &str) -> bool {
    if is_origin_read(value, text) {
        return true;
    }
    if value.kind() != "identifier" {
        return false;
    }
    let var = node_text(value, text);
    let Some(method) = enclosing_method(setter) else {
        return false;
    };
    let Some(init) = value_of(var, method, text) else {
        return false;
    };
    if !is_origin_read(init, text) {
        return false;
    }
    // Any use other than a null check and the header itself counts as a
    // check (`allowed.contains(origin)`, `origin.endsWith(...)`, a switch).
    let uses = descendants(method)
        .into_iter()
        .filter(|n| n.kind() == "identifier" && node_text(*n, text) == var)
        .filter(|n| n.start_byte() > init.end_byte() && *n != value)
        .filter(|n| !null_check(*n, text));
    uses.count() == 0
}

fn null_check(ident: Node<'_>, text: &str) -> bool {
    ident.parent().is_some_and(|p| {
        p.kind() == "binary_expression"
            && p.child_by_field_name("operator")
                .is_some_and(|o| matches!(o.kind(), "==" | "!="))
            && descendants(p)
                .into_iter()
                .any(|n| n.kind() == "null_literal")
    }) || ident.parent().is_some_and(|p| {
        p.kind() == "argument_list"
            && p.parent().is_some_and(|c| {
                matches!(
                    method_name(c, text),
                    Some("isEmpty" | "hasText" | "hasLength" | "isBlank" | "isNotBlank")
                )
            })
    })
}

fn check_annotation(annotation: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(name) = annotation.child_by_field_name("name") else {
        return;
    };
    let names = checker.semantic.qualified_names(name, text);
    if !names
        .iter()
        .any(|n| n == "org.springframework.web.bind.annotation.CrossOrigin")
    {
        return;
    }
    let Some(arguments) = annotation.child_by_field_name("arguments") else {
        return;
    };
    let mut any_origin = false;
    let mut credentials = false;
    let mut cursor = arguments.walk();
    for pair in arguments.named_children(&mut cursor) {
        if pair.kind() != "element_value_pair" {
            // `@CrossOrigin("*")`
            if string_value(pair, text).as_deref() == Some("*") || star_in_array(pair, text) {
                any_origin = true;
            }
            continue;
        }
        let key = pair
            .child_by_field_name("key")
            .map(|k| node_text(k, text))
            .unwrap_or("");
        let Some(value) = pair.child_by_field_name("value") else {
            continue;
        };
        match key {
            "origins" | "value" | "originPatterns"
                if string_value(value, text).as_deref() == Some("*")
                    || star_in_array(value, text) =>
            {
                any_origin = true;
            }
            "allowCredentials" => {
                credentials =
                    string_value(value, text).is_some_and(|v| v.eq_ignore_ascii_case("true"));
            }
            _ => {}
        }
    }
    if any_origin && credentials {
        checker.report(
            annotation,
            Violation::new(
                "cross-origin",
                "`@CrossOrigin` allows every origin to send credentialed requests and read the answers",
            ),
        );
    }
}

fn star_in_array(node: Node<'_>, text: &str) -> bool {
    node.kind() == "element_value_array_initializer" && {
        let mut cursor = node.walk();
        node.named_children(&mut cursor)
            .any(|c| string_value(c, text).as_deref() == Some("*"))
    }
}
