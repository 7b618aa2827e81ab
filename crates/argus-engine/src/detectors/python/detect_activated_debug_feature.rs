use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds debug modes switched on in code that serves requests:
    /// - `app.run(debug=True)` in a file that imports Flask;
    /// - `werkzeug.debug.DebuggedApplication(app, evalex=True)` and
    ///   `werkzeug.serving.run_simple(..., use_debugger=True)`;
    /// - `DEBUG = True` at module level of a Django settings module (a file
    ///   that also sets `INSTALLED_APPS`, `ALLOWED_HOSTS`, `MIDDLEWARE`,
    ///   `ROOT_URLCONF` or `DATABASES`, or that imports `django.conf`).
    ///
    /// A debug flag read from the environment or a configuration
    /// (`debug=os.environ.get("FLASK_DEBUG") == "1"`,
    /// `DEBUG = env.bool("DEBUG")`) is not reported.
    ///
    /// ## Why is this bad?
    /// The Werkzeug debugger lets whoever sees an error page run Python
    /// code in the server process (its PIN is derived from guessable
    /// machine data). Django's debug pages show settings, environment,
    /// SQL queries and source code to anyone who triggers an error, and
    /// debug mode keeps every query in memory.
    ///
    /// ## Example
    /// ```python
    /// from flask import Flask
    ///
    /// app = Flask(__name__)
    ///
    /// if __name__ == "__main__":
    ///     app.run(host="0.0.0.0", debug=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// from flask import Flask
    ///
    /// app = Flask(__name__)
    ///
    /// if __name__ == "__main__":
    ///     app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
    /// ```
    /// In Django, read `DEBUG` from the environment and default it to
    /// `False`.
    ///
    /// ## References
    /// - [CWE-489: Active Debug Code](https://cwe.mitre.org/data/definitions/489.html)
    /// - [CWE-215: Insertion of Sensitive Information Into Debugging Code](https://cwe.mitre.org/data/definitions/215.html)
    /// - [Flask: Debug Mode](https://flask.palletsprojects.com/en/stable/debugging/)
    /// - [Werkzeug: Debugging Applications](https://werkzeug.palletsprojects.com/en/stable/debug/)
    /// - [Django deployment checklist: DEBUG](https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#debug)
    pub static SPEC = {
        ids: &["python/detect-activated-debug-feature@v1.0"],
        languages: &[Language::Python],
        name: "Activated debug feature",
        category: Category::Security,
        cwes: &[489, 215],
        tags: &["configuration", "information-disclosure", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Turn debug modes off in deployed code: read the flag from the environment with a False default, and never expose the Werkzeug debugger.",
        keywords: &["debug"],
        check: Check::Node { kinds: &["call", "assignment"], run: check },
    };
}

/// Module-level names only a Django settings module assigns.
const DJANGO_SETTINGS: &[&str] = &[
    "INSTALLED_APPS",
    "ALLOWED_HOSTS",
    "MIDDLEWARE",
    "ROOT_URLCONF",
    "DATABASES",
];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "call" => check_call(node, checker),
        "assignment" => check_settings(node, checker),
        _ => {}
    }
}

/// The literal `True` given as keyword `name` or at `position`.
fn true_argument<'t>(
    call: Node<'t>,
    name: &str,
    position: Option<usize>,
    text: &str,
) -> Option<Node<'t>> {
    match position {
        Some(position) => argument(call, position, name, text),
        None => keyword_argument(call, name, text),
    }
    .filter(|v| v.kind() == "true")
}

fn check_call(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if let Some(target) = checker.semantic.call_matches(
        call,
        text,
        &[
            "werkzeug.debug.DebuggedApplication",
            "werkzeug.DebuggedApplication",
        ],
    ) {
        if let Some(value) = true_argument(call, "evalex", Some(1), text) {
            let violation = Violation::new(
                "werkzeug-evalex",
                format!("{target} with evalex=True lets anyone who sees a traceback run code in the server"),
            )
            .with_fix(Fix::replace(
                "Turn the interactive console off (evalex=False)",
                value.byte_range(),
                "False",
            ));
            checker.report(call, violation);
        }
        return;
    }
    if let Some(target) = checker.semantic.call_matches(
        call,
        text,
        &["werkzeug.serving.run_simple", "werkzeug.run_simple"],
    ) {
        if let Some(value) = true_argument(call, "use_debugger", Some(4), text) {
            let violation = Violation::new(
                "werkzeug-debugger",
                format!("{target} with use_debugger=True serves the interactive Werkzeug debugger"),
            )
            .with_fix(Fix::replace(
                "Turn the debugger off (use_debugger=False)",
                value.byte_range(),
                "False",
            ));
            checker.report(call, violation);
        }
        return;
    }
    // `app.run(debug=True)` on a Flask application (or Flask-SocketIO).
    let is_run = super::method_name_node(call).is_some_and(|m| node_text(m, text) == "run");
    if !is_run {
        return;
    }
    let uses_flask = checker.semantic.imports("flask")
        || checker
            .semantic
            .bound_modules()
            .any(|m| m.starts_with("flask_"));
    if !uses_flask {
        return;
    }
    let Some(value) = true_argument(call, "debug", None, text) else {
        return;
    };
    let violation = Violation::new(
        "flask-debug",
        "the Flask application runs in debug mode: the Werkzeug debugger executes code sent from the browser",
    )
    .with_fix(Fix::replace(
        "Run without debug mode (debug=False)",
        value.byte_range(),
        "False",
    ));
    checker.report(call, violation);
}

/// `DEBUG = True` at module level of a Django settings module.
fn check_settings(assignment: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(("DEBUG", value)) = super::module_setting(assignment, text) else {
        return;
    };
    if value.kind() != "true" {
        return;
    }
    let imports_django_conf = checker.semantic.imports("django.conf");
    let sets_django_settings = super::module_settings(assignment, text)
        .iter()
        .any(|(name, _)| DJANGO_SETTINGS.contains(name));
    if !imports_django_conf && !sets_django_settings {
        return;
    }
    let violation = Violation::new(
        "django-debug",
        "DEBUG = True in a Django settings module shows settings, SQL and source code on error pages",
    );
    checker.report(assignment, violation);
}
