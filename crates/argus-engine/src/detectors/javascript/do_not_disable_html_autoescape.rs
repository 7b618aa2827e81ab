use super::super::prelude::*;
use super::{
    bool_literal, call_args, descendants, is_function, js_string, member_call, property_key, unwrap,
};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds template engines configured not to escape HTML:
    /// - Handlebars `noEscape: true` (`Handlebars.compile(src, { noEscape:
    ///   true })`, express-handlebars `compilerOptions`);
    /// - `autoescape: false` for Nunjucks (`nunjucks.configure`, `new
    ///   nunjucks.Environment`) and Swig, `autoEscape: false` for Eta and
    ///   Squirrelly;
    /// - an escape function replaced by one that returns its input:
    ///   `Mustache.escape = (text) => text`,
    ///   `Handlebars.Utils.escapeExpression = (s) => s`, EJS `{ escape: (s)
    ///   => s }`;
    /// - Angular `DomSanitizer.bypassSecurityTrustHtml(value)` and
    ///   `bypassSecurityTrustScript(value)` on anything but a literal.
    ///
    /// Only settings that really turn escaping off are reported, and only
    /// in files that show the templates make web pages (they name HTML,
    /// views or a web framework, outside comments): the same engines generate
    /// source code, prompts and plain-text mail, where `noEscape` and
    /// `autoescape: false` are correct. Rendering
    /// one value raw on purpose (`{{{html}}}`, React's
    /// `dangerouslySetInnerHTML`) is left to the cross-site scripting
    /// detectors, which follow where the value comes from.
    ///
    /// ## Why is this bad?
    /// With escaping off, every value a template prints is inserted as
    /// HTML: a user name or a comment containing `<script>` runs in the
    /// browser of everyone who views the page (cross-site scripting).
    ///
    /// ## Example
    /// ```javascript
    /// nunjucks.configure("views", { autoescape: false, express: app });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// nunjucks.configure("views", { autoescape: true, express: app });
    /// ```
    ///
    /// ## References
    /// - [CWE-116: Improper Encoding or Escaping of Output](https://cwe.mitre.org/data/definitions/116.html)
    /// - [CWE-79: Improper Neutralization of Input During Web Page Generation](https://cwe.mitre.org/data/definitions/79.html)
    /// - [Handlebars: compile options (noEscape)](https://handlebarsjs.com/api-reference/compilation.html#handlebars-compile-template-options)
    /// - [Nunjucks: configure (autoescape)](https://mozilla.github.io/nunjucks/api.html#configure)
    /// - [Angular: DomSanitizer](https://angular.dev/api/platform-browser/DomSanitizer)
    pub static SPEC = {
        ids: &["javascript/do-not-disable-html-autoescape@v1.0", "typescript/do-not-disable-html-autoescape@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "HTML autoescape disabled",
        category: Category::Security,
        cwes: &[116, 79],
        tags: &["xss", "templates", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::InternetHighEffort,
        remediation: "Keep template autoescaping on and mark only vetted values as safe HTML.",
        keywords: &["escape", "bypasssecuritytrust"],
        check: Check::Node { kinds: &["pair", "assignment_expression", "call_expression"], run: check },
    };
}

const HANDLEBARS: &[&str] = &[
    "handlebars",
    "express-handlebars",
    "hbs",
    "express-hbs",
    "koa-hbs",
];
const AUTOESCAPE: &[&str] = &["nunjucks", "swig", "swig-templates", "eta", "squirrelly"];
const EJS: &[&str] = &["ejs"];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "pair" => check_option(node, checker),
        "assignment_expression" => check_escape_override(node, checker),
        _ => check_bypass(node, checker),
    }
}

fn check_option(pair: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(key) = property_key(pair, text) else {
        return;
    };
    let Some(value) = pair.js_field("value") else {
        return;
    };
    let (engines, turned_off, safe) = match key {
        "noEscape" => (HANDLEBARS, true, "false"),
        "autoescape" | "autoEscape" => (AUTOESCAPE, false, "true"),
        "escape" | "escapeFunction" => {
            if checker.semantic.imports_any(EJS)
                && renders_html(pair, text)
                && is_identity(value, text)
            {
                checker.report(
                    pair,
                    Violation::new(
                        "identity-escape",
                        "the template escape function returns its input: every value is printed as raw HTML",
                    ),
                );
            }
            return;
        }
        _ => return,
    };
    if bool_literal(value, text) != Some(turned_off)
        || !checker.semantic.imports_any(engines)
        || !renders_html(pair, text)
    {
        return;
    }
    checker.report(
        pair,
        Violation::new(
            "autoescape-off",
            format!("{key}: {turned_off} turns HTML escaping off: every value a template prints is inserted as raw HTML"),
        )
        .with_fix(Fix::replace(
            format!("Set {key}: {safe}"),
            unwrap(value).byte_range(),
            safe,
        )),
    );
}

/// Whether the file shows the templates produce web pages: it names HTML,
/// views or a web framework. Engines also generate code, prompts and
/// plain-text mail, where escaping HTML would be a bug.
fn renders_html(node: Node<'_>, text: &str) -> bool {
    let mut root = node;
    while let Some(parent) = root.parent() {
        root = parent;
    }
    // Code and strings, not comments.
    descendants(root)
        .into_iter()
        .filter(|n| n.child_count() == 0)
        .any(|n| {
            let lower = node_text(n, text).to_ascii_lowercase();
            ["html", "express", "koa", "fastify", "hapi", "view"]
                .iter()
                .any(|w| lower.contains(w))
        })
}

/// `Mustache.escape = (t) => t`, `Handlebars.Utils.escapeExpression = ...`.
fn check_escape_override(assignment: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let (Some(left), Some(right)) = (
        assignment.js_field("left").map(unwrap),
        assignment.js_field("right"),
    ) else {
        return;
    };
    if left.kind() != "member_expression" {
        return;
    }
    let Some(property) = left.js_field("property") else {
        return;
    };
    if !matches!(node_text(property, text), "escape" | "escapeExpression") {
        return;
    }
    let names = left
        .js_field("object")
        .map(|o| checker.semantic.qualified_names(unwrap(o), text))
        .unwrap_or_default();
    let engine = names.iter().any(|n| {
        let head = n.split('.').next().unwrap_or_default();
        matches!(head, "mustache" | "handlebars" | "hbs" | "ejs")
    });
    if !engine || !renders_html(assignment, text) || !is_identity(right, text) {
        return;
    }
    checker.report(
        assignment,
        Violation::new(
            "identity-escape",
            "the template escape function is replaced by one that returns its input: every value is printed as raw HTML",
        ),
    );
}

/// A function returning its (only used) parameter unchanged: `(s) => s`,
/// `function (t) { return t; }`, `(s) => String(s)`, `` (s) => `${s}` ``.
fn is_identity(node: Node<'_>, text: &str) -> bool {
    let function = unwrap(node);
    if !is_function(function) {
        return false;
    }
    let parameter = function
        .js_field("parameter")
        .or_else(|| {
            let parameters = function.js_field("parameters")?;
            let mut cursor = parameters.walk();
            let first = parameters.named_children(&mut cursor).next()?;
            Some(first.js_field("pattern").unwrap_or(first))
        })
        .map(|p| node_text(p, text));
    let Some(parameter) = parameter else {
        return false;
    };
    let Some(body) = function.js_field("body") else {
        return false;
    };
    let returned = if body.kind() == "statement_block" {
        let statements: Vec<Node<'_>> = {
            let mut cursor = body.walk();
            body.named_children(&mut cursor)
                .filter(|s| s.kind() != "comment")
                .collect()
        };
        match statements.as_slice() {
            [only] if only.kind() == "return_statement" => match only.named_child(0) {
                Some(value) => value,
                None => return false,
            },
            _ => return false,
        }
    } else {
        body
    };
    let returned = unwrap(returned);
    let flat: String = node_text(returned, text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    flat == parameter
        || flat == format!("String({parameter})")
        || flat == format!("`${{{parameter}}}`")
        || flat == format!("''+{parameter}")
        || flat == format!("\"\"+{parameter}")
}

/// Angular `sanitizer.bypassSecurityTrustHtml(value)` with a non-literal.
fn check_bypass(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some((_, method)) = member_call(call, text) else {
        return;
    };
    if !matches!(
        method,
        "bypassSecurityTrustHtml" | "bypassSecurityTrustScript"
    ) {
        return;
    }
    let args = call_args(call);
    let Some(value) = args.first() else { return };
    // A literal (or a template built only from literals) is vetted markup.
    let literal = js_string(*value, text).is_some()
        || descendants(*value).into_iter().all(|n| {
            !matches!(
                n.kind(),
                "identifier" | "member_expression" | "call_expression" | "subscript_expression"
            )
        });
    if literal {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "bypass-sanitizer",
            format!("{method} turns Angular's HTML sanitization off for this value: if any part of it comes from users, it runs as script"),
        ),
    );
}
