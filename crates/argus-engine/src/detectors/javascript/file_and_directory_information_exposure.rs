use super::super::prelude::*;
use super::{
    bool_literal, call_args, callee_names, is_imported, js_string, member_call, object_property,
    unwrap,
};
use crate::fix::replace_string_value;
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds web servers that expose files or directory listings they
    /// should not:
    /// - the `serve-index` middleware, which lists the contents of
    ///   directories;
    /// - static file middleware (`express.static`, `serve-static`,
    ///   `koa-static`, `@fastify/static`) serving the project itself:
    ///   `__dirname`, `process.cwd()`, `"."`, `"/"`, or `path.join(__dirname,
    ///   "..")`;
    /// - static middleware told to serve dotfiles (`dotfiles: "allow"`,
    ///   koa-static `hidden: true`, `serveDotFiles: true`) or to list
    ///   directories (`@fastify/static` `list: true`).
    ///
    /// A folder made for the purpose (`path.join(__dirname, "public")`) is
    /// fine, and so is a root computed at run time.
    ///
    /// ## Why is this bad?
    /// Serving the application directory publishes its source code,
    /// `package.json`, configuration and often `.env` files or the `.git`
    /// directory: credentials, internal endpoints and the exact versions to
    /// attack. Directory listings and dotfiles hand out the same map of
    /// files.
    ///
    /// ## Example
    /// ```javascript
    /// app.use(express.static(__dirname, { dotfiles: "allow" }));
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.use(express.static(path.join(__dirname, "public"), { dotfiles: "ignore" }));
    /// ```
    ///
    /// ## References
    /// - [CWE-538: Insertion of Sensitive Information into Externally-Accessible File or Directory](https://cwe.mitre.org/data/definitions/538.html)
    /// - [CWE-548: Exposure of Information Through Directory Listing](https://cwe.mitre.org/data/definitions/548.html)
    /// - [Express: serving static files](https://expressjs.com/en/starter/static-files.html)
    /// - [serve-static: dotfiles](https://github.com/expressjs/serve-static#dotfiles)
    pub static SPEC = {
        ids: &["javascript/file-and-directory-information-exposure@v1.0", "typescript/file-and-directory-information-exposure@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "File and directory information exposure",
        category: Category::Security,
        cwes: &[538, 548],
        tags: &["information-exposure", "web"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Serve only a dedicated public folder, keep dotfiles ignored and directory listings off.",
        keywords: &["static", "serve-index", "serveindex"],
        check: Check::Node { kinds: &["call_expression"], run: check },
    };
}

const STATIC: &[&str] = &[
    "express.static",
    "serve-static",
    "koa-static",
    "@koa/static",
    "connect.static",
];
const FASTIFY_STATIC: &[&str] = &["@fastify/static", "fastify-static"];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(function) = call.js_field("function") else {
        return;
    };
    let names = callee_names(call, checker);
    let args = call_args(call);
    if let Some((_, "register")) = member_call(call, text) {
        // `fastify.register(fastifyStatic, { root, list, serveDotFiles })`
        let Some(plugin) = args.first().map(|p| unwrap(*p)) else {
            return;
        };
        let imported = plugin.kind() != "identifier"
            || checker.semantic.binding(node_text(plugin, text)).is_some();
        let plugin_names = checker.semantic.qualified_names(plugin, text);
        if !imported
            || !plugin_names
                .iter()
                .any(|n| FASTIFY_STATIC.contains(&n.as_str()))
        {
            return;
        }
        let Some(options) = args.get(1).map(|o| unwrap(*o)) else {
            return;
        };
        if let Some(root) = object_property(options, "root", text)
            && serves_project(root, checker)
        {
            report_root(call, root, checker);
        }
        if let Some(list) = object_property(options, "list", text)
            && (bool_literal(list, text) == Some(true) || unwrap(list).kind() == "object")
        {
            checker.report(
                list,
                Violation::new(
                    "directory-listing",
                    "directory listing is on: anyone can browse the served folders and find files not meant to be linked",
                ),
            );
        }
        check_dotfiles(options, checker);
        return;
    }
    if !is_imported(function, checker) {
        return;
    }
    if names
        .iter()
        .any(|n| n == "serve-index" || n == "connect.directory")
    {
        checker.report(
            call,
            Violation::new(
                "directory-listing",
                "serve-index lists the contents of directories: anyone can browse them and find files not meant to be linked",
            ),
        );
        return;
    }
    if !names.iter().any(|n| STATIC.contains(&n.as_str())) {
        return;
    }
    if let Some(root) = args.first()
        && serves_project(*root, checker)
    {
        report_root(call, *root, checker);
    }
    if let Some(options) = args.get(1).map(|o| unwrap(*o)) {
        check_dotfiles(options, checker);
    }
}

fn report_root(call: Node<'_>, root: Node<'_>, checker: &mut Checker<'_>) {
    let what = node_text(root, checker.text).to_string();
    checker.report(
        call,
        Violation::new(
            "project-root",
            format!("static files are served from {what}, the application's own directory: its source, configuration and package files become downloadable"),
        ),
    );
}

/// `dotfiles: "allow"`, koa-static `hidden: true`, `serveDotFiles: true`.
fn check_dotfiles(options: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if options.kind() != "object" {
        return;
    }
    if let Some(dotfiles) = object_property(options, "dotfiles", text)
        && js_string(dotfiles, text).is_some_and(|v| v == "allow")
    {
        let mut violation = Violation::new(
            "dotfiles",
            "dotfiles are served: .env, .git and .htpasswd files in the folder become downloadable",
        );
        if let Some(edit) = replace_string_value(unwrap(dotfiles), text, "ignore") {
            violation = violation.with_fix(Fix::new("Ignore dotfiles", vec![edit]));
        }
        checker.report(dotfiles, violation);
    }
    for key in ["hidden", "serveDotFiles"] {
        if let Some(value) = object_property(options, key, text)
            && bool_literal(value, text) == Some(true)
        {
            checker.report(
                value,
                Violation::new(
                    "dotfiles",
                    "dotfiles are served: .env, .git and .htpasswd files in the folder become downloadable",
                )
                .with_fix(Fix::replace(
                    format!("Set {key}: false"),
                    unwrap(value).byte_range(),
                    "false",
                )),
            );
        }
    }
}

/// Whether a root is the project itself: `__dirname`, `process.cwd()`,
/// `"."`, `"./"`, `"/"`, or `path.join`/`path.resolve` of those with only
/// `.`/`..` segments.
fn serves_project(root: Node<'_>, checker: &Checker<'_>) -> bool {
    let text = checker.text;
    let root = unwrap(root);
    if let Some(literal) = js_string(root, text) {
        return matches!(literal.as_str(), "." | "./" | "/" | "" | ".." | "../");
    }
    let dot_segments = |s: &str| {
        s.split(['/', '\\'])
            .all(|segment| matches!(segment, "" | "." | ".."))
    };
    match root.kind() {
        "identifier" => node_text(root, text) == "__dirname",
        // `__dirname + "/"`
        "binary_expression" => {
            let (Some(left), Some(right)) = (root.js_field("left"), root.js_field("right")) else {
                return false;
            };
            root.js_field("operator").is_some_and(|o| o.kind() == "+")
                && serves_project(left, checker)
                && js_string(right, text).is_some_and(|s| dot_segments(&s))
        }
        // `${__dirname}/`
        "template_string" => {
            let mut cursor = root.walk();
            let parts: Vec<Node<'_>> = root.named_children(&mut cursor).collect();
            let substitutions: Vec<Node<'_>> = parts
                .iter()
                .filter(|p| p.kind() == "template_substitution")
                .copied()
                .collect();
            substitutions.len() == 1
                && substitutions[0]
                    .named_child(0)
                    .is_some_and(|e| serves_project(e, checker))
                && parts
                    .iter()
                    .filter(|p| p.kind() == "string_fragment")
                    .all(|f| dot_segments(node_text(*f, text)))
        }
        "call_expression" => {
            let names = callee_names(root, checker);
            if names.iter().any(|n| n == "process.cwd") {
                return true;
            }
            if !names.iter().any(|n| {
                matches!(
                    n.as_str(),
                    "path.join"
                        | "path.resolve"
                        | "path.normalize"
                        | "node:path.join"
                        | "node:path.resolve"
                )
            }) {
                return false;
            }
            let args = call_args(root);
            !args.is_empty()
                && args.iter().all(|a| match js_string(*a, checker.text) {
                    Some(s) => s
                        .split(['/', '\\'])
                        .all(|segment| matches!(segment, "" | "." | "..")),
                    None => {
                        let a = unwrap(*a);
                        (a.kind() == "identifier" && node_text(a, text) == "__dirname")
                            || callee_names(a, checker).iter().any(|n| n == "process.cwd")
                    }
                })
        }
        _ => false,
    }
}
