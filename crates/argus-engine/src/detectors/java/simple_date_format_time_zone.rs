use super::super::prelude::*;
use super::quality::{declaration, outer_method, uses_of};
use super::{call_args, constant_string, descendants, enclosing_class, method_name, receiver};

detector! {
    /// ## What it does
    /// Finds `java.text.SimpleDateFormat` formatters of a time of day (the
    /// pattern, a literal or constant, has hour fields `H`, `h`, `k` or `K`)
    /// that never get a time zone: no `setTimeZone(...)` call on the
    /// variable or field holding the formatter, and no zone in the pattern
    /// (`z`, `Z`, `X`) to show which one was used.
    ///
    /// Formatters returned or handed to other code (which may set the zone),
    /// and parses into JDBC's local-time types (`new Time(format.parse(s)
    /// .getTime())`), are not reported.
    ///
    /// ## Why is this bad?
    /// Without `setTimeZone` the formatter uses the JVM's default zone,
    /// which differs between a laptop, a container (often UTC) and a server
    /// in another region, and changes with daylight saving time. The same
    /// instant is then written as different times, parsed times are off by
    /// hours, and nothing in the output says which zone was meant.
    ///
    /// ## Example
    /// ```java
    /// SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss");
    /// String stamp = format.format(new Date());
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss");
    /// format.setTimeZone(TimeZone.getTimeZone("UTC"));
    /// String stamp = format.format(new Date());
    /// ```
    /// or `DateTimeFormatter.ofPattern(...).withZone(ZoneOffset.UTC)`.
    ///
    /// ## References
    /// - [java.text.DateFormat.setTimeZone](https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/text/DateFormat.html#setTimeZone(java.util.TimeZone))
    /// - [CWE-1284: Improper Validation of Specified Quantity in Input](https://cwe.mitre.org/data/definitions/1284.html)
    pub static SPEC = {
        ids: &["java/simple-date-format-time-zone@v1.0"],
        languages: &[Language::Java],
        name: "SimpleDateFormat without a time zone",
        category: Category::Quality,
        cwes: &[1284],
        tags: &["correctness", "time"],
        access: Access::BestPractice,
        effort: Effort::NotExploitable,
        remediation: "Call setTimeZone(TimeZone.getTimeZone(\"UTC\")) (or the zone you mean) on the formatter, or use java.time's DateTimeFormatter with an explicit zone.",
        keywords: &["SimpleDateFormat"],
        check: Check::Node { kinds: &["object_creation_expression"], run: check },
    };
}

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(ty) = node.child_by_field_name("type") else {
        return;
    };
    if !checker
        .semantic
        .qualified_names(ty, text)
        .iter()
        .any(|n| n == "java.text.SimpleDateFormat")
        || node.child_by_field_name("body").is_some()
    {
        return;
    }
    let Some(pattern) = call_args(node)
        .first()
        .and_then(|p| constant_string(*p, text))
    else {
        return;
    };
    if !has_time_without_zone(&pattern) {
        return;
    }
    let Some(parent) = node.parent() else {
        return;
    };
    match parent.kind() {
        // `new SimpleDateFormat(p).format(date)`: no zone can be set.
        "method_invocation"
            if receiver(parent).is_some_and(|r| r.id() == node.id())
                && matches!(method_name(parent, text), Some("format" | "parse")) =>
        {
            if makes_jdbc_time(parent, text) {
                return;
            }
        }
        "variable_declarator" | "assignment_expression" => {
            let Some(variable) = parent
                .child_by_field_name("name")
                .or_else(|| parent.child_by_field_name("left"))
            else {
                return;
            };
            let name = match variable.kind() {
                "identifier" => node_text(variable, text),
                "field_access" => match variable.child_by_field_name("field") {
                    Some(f) => node_text(f, text),
                    None => return,
                },
                _ => return,
            };
            // A local is judged in its method, a field in its class.
            let local = variable.kind() == "identifier"
                && declaration(variable, text)
                    .is_some_and(|d| d.kind == super::quality::DeclKind::Local);
            let scope = if local {
                outer_method(variable)
            } else {
                enclosing_class(variable)
            };
            let Some(scope) = scope else {
                return;
            };
            if !only_formats(scope, name, variable, text) {
                return;
            }
        }
        _ => return,
    }
    checker.report(
        node,
        Violation::new(
            "default-time-zone",
            format!("SimpleDateFormat(\"{pattern}\") formats times in the JVM's default time zone: set one with setTimeZone"),
        ),
    );
}

/// Whether the formatter held in `name` is only used to format and parse
/// (no `setTimeZone`, `setCalendar`, not returned or passed on).
fn only_formats(scope: Node<'_>, name: &str, variable: Node<'_>, text: &str) -> bool {
    // `this.name.setTimeZone(...)` in a class.
    let set_on_field = descendants(scope).into_iter().any(|n| {
        matches!(method_name(n, text), Some("setTimeZone" | "setCalendar"))
            && receiver(n).is_some_and(|r| {
                r.kind() == "field_access"
                    && r.child_by_field_name("field")
                        .is_some_and(|f| node_text(f, text) == name)
            })
    });
    if set_on_field {
        return false;
    }
    for use_ in uses_of(scope, name, text) {
        if use_.id() == variable.id() {
            continue;
        }
        let Some(parent) = use_.parent() else {
            return false;
        };
        match parent.kind() {
            "method_invocation" if receiver(parent).is_some_and(|r| r.id() == use_.id()) => {
                if !matches!(
                    method_name(parent, text),
                    Some("format" | "parse" | "toPattern" | "setLenient" | "applyPattern")
                ) {
                    return false;
                }
            }
            "variable_declarator" => {}
            _ => return false,
        }
    }
    true
}

/// Whether a parse result becomes a `java.sql.Time` or `Timestamp`
/// (`new Time(format.parse(s).getTime())`): JDBC's local-time types are
/// defined in the default time zone.
fn makes_jdbc_time(call: Node<'_>, text: &str) -> bool {
    let mut up = call.parent();
    while let Some(n) = up {
        match n.kind() {
            "object_creation_expression" => {
                return n.child_by_field_name("type").is_some_and(|t| {
                    matches!(
                        node_text(t, text),
                        "Time" | "Timestamp" | "java.sql.Time" | "java.sql.Timestamp"
                    )
                });
            }
            "method_invocation" | "argument_list" | "parenthesized_expression" => {}
            _ => return false,
        }
        up = n.parent();
    }
    false
}

/// Whether a pattern has an hour field and no zone field, outside quoted
/// text.
fn has_time_without_zone(pattern: &str) -> bool {
    let mut quoted = false;
    let mut hours = false;
    for c in pattern.chars() {
        if c == '\'' {
            quoted = !quoted;
            continue;
        }
        if quoted {
            continue;
        }
        match c {
            'H' | 'h' | 'k' | 'K' => hours = true,
            'z' | 'Z' | 'X' => return false,
            _ => {}
        }
    }
    hours
}
