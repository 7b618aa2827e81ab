use super::super::prelude::*;
use super::{call_args, descendants, js_string, object_property, unwrap};
use crate::detectors::context::words;
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds resources opened to everyone:
    ///
    /// - Express and Koa routes for administrative paths (a path segment
    ///   `admin`, `_admin`, `superadmin` or `internal`: `/admin/users`,
    ///   `/api/admin/reset`, `/internal/metrics`) registered with
    ///   `get`/`post`/`put`/`patch`/`delete`/`all` without any
    ///   authentication or authorization middleware in the route's chain,
    ///   in a file whose other routes do use such middleware (`requireAuth`,
    ///   `passport.authenticate(...)`, `isAdmin`, `checkJwt`, ...). A guard
    ///   applied to the router (`router.use(auth)`), a handler that checks
    ///   `req.user`/`req.session`/`req.isAuthenticated()` itself, and
    ///   routers mounted with `use` are not reported;
    /// - AWS S3 calls making a bucket public (`createBucket`/
    ///   `putBucketAcl`, or their v3 `...Command`, with `ACL:
    ///   "public-read"` or `"public-read-write"`), or letting anyone write an
    ///   object (`ACL: "public-read-write"` on `putObject`, `upload`,
    ///   `copyObject`, `putObjectAcl`, `PutObjectCommand`, `Upload`).
    ///   Objects made `public-read` on purpose (published assets) are not
    ///   reported.
    ///
    /// ## Why is this bad?
    /// An administrative endpoint without a guard is available to anyone
    /// who finds its URL; the surrounding routes show the application
    /// meant to require a login. A public bucket lists and serves every
    /// object in it, and a publicly writable one lets anyone plant or
    /// replace content.
    ///
    /// ## Example
    /// ```javascript
    /// router.get("/profile", requireAuth, showProfile);
    /// router.post("/admin/users/:id/delete", deleteUser);
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// router.get("/profile", requireAuth, showProfile);
    /// router.post("/admin/users/:id/delete", requireAuth, requireAdmin, deleteUser);
    /// ```
    ///
    /// ## References
    /// - [CWE-284: Improper Access Control](https://cwe.mitre.org/data/definitions/284.html)
    /// - [CWE-306: Missing Authentication for Critical Function](https://cwe.mitre.org/data/definitions/306.html)
    /// - [CWE-732: Incorrect Permission Assignment for Critical Resource](https://cwe.mitre.org/data/definitions/732.html)
    /// - [OWASP Authorization Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html)
    /// - [Amazon S3: Canned ACL](https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl)
    pub static SPEC = {
        ids: &["javascript/improper-access-control@v1.0", "typescript/improper-access-control@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Improper access control",
        category: Category::Security,
        cwes: &[284, 306, 732],
        tags: &["access-control", "authorization", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Put authentication and authorization middleware in front of administrative routes, and keep S3 buckets and objects private (serve public files through a CDN or pre-signed URLs).",
        keywords: &["admin", "internal", "public-read"],
        check: Check::Node { kinds: &["call_expression", "new_expression"], run: check },
    };
}

const S3_OBJECT: &[&str] = &[
    "putObject",
    "upload",
    "copyObject",
    "putObjectAcl",
    "createMultipartUpload",
    "PutObjectCommand",
    "CopyObjectCommand",
    "PutObjectAclCommand",
    "CreateMultipartUploadCommand",
    "Upload",
];

const S3_BUCKET: &[&str] = &[
    "createBucket",
    "putBucketAcl",
    "CreateBucketCommand",
    "PutBucketAclCommand",
];

const ROUTE_METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "del", "all"];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let name = if node.kind() == "new_expression" {
        node.js_field("constructor").map(|c| {
            let raw = node_text(c, text);
            raw.rsplit('.').next().unwrap_or(raw)
        })
    } else {
        method_call(node).map(|(_, m)| node_text(m, text))
    };
    let Some(name) = name else {
        return;
    };
    if S3_OBJECT.contains(&name) || S3_BUCKET.contains(&name) {
        check_acl(node, name, checker);
    } else if node.kind() == "call_expression" && ROUTE_METHODS.contains(&name) {
        check_route(node, checker);
    }
}

fn check_acl(node: Node<'_>, name: &str, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(params) = call_args(node).into_iter().next() else {
        return;
    };
    let params = super::resolve_value(params, text);
    let acl = object_property(params, "ACL", text).or_else(|| {
        object_property(params, "params", text).and_then(|p| object_property(p, "ACL", text))
    });
    let Some(acl) = acl.and_then(|a| js_string(a, text)) else {
        return;
    };
    let bucket = S3_BUCKET.contains(&name);
    let message = match acl.as_str() {
        "public-read-write" => {
            "ACL \"public-read-write\" lets anyone on the internet read and overwrite this S3 content"
        }
        "public-read" if bucket => {
            "ACL \"public-read\" makes the bucket public: anyone on the internet can list and read its objects"
        }
        _ => return,
    };
    checker.report(node, Violation::new("public-acl", message));
}

/// Words naming an authentication or authorization guard.
const GUARD_WORDS: &[&str] = &[
    "auth",
    "authn",
    "authz",
    "authenticate",
    "authenticated",
    "authentication",
    "authorize",
    "authorized",
    "authorization",
    "login",
    "loggedin",
    "logged",
    "signedin",
    "jwt",
    "guard",
    "protect",
    "protected",
    "permission",
    "permissions",
    "permit",
    "role",
    "roles",
    "acl",
    "passport",
    "session",
    "verify",
    "token",
    "restrict",
    "restricted",
    "keycloak",
    "clerk",
    "csrf",
];

/// Whether a middleware expression names a guard
/// (`requireAuth`, `passport.authenticate("jwt")`, `auth.isAdmin`).
fn is_guard(node: Node<'_>, text: &str) -> bool {
    let node = unwrap(node);
    let named = match node.kind() {
        "identifier" | "member_expression" => node,
        "call_expression" => match node.js_field("function") {
            Some(f) => f,
            None => return false,
        },
        "array" => {
            let mut cursor = node.walk();
            return node.named_children(&mut cursor).any(|n| is_guard(n, text));
        }
        _ => return false,
    };
    let words = words(node_text(named, text));
    let has = |w: &str| words.iter().any(|x| x == w);
    words.iter().any(|w| GUARD_WORDS.contains(&w.as_str()))
        // `isAdmin`, `requireAdmin`, `adminOnly`; not `adminRouter`.
        || (has("admin")
            && ["is", "require", "requires", "ensure", "check", "only", "must", "verify"]
                .iter()
                .any(|w| has(w)))
}

/// Whether an inline handler checks the caller itself.
fn checks_caller(handler: Node<'_>, text: &str) -> bool {
    let body = node_text(handler, text);
    [
        "req.user",
        "req.session",
        "isAuthenticated",
        "req.auth",
        "authorization",
        "Authorization",
        "ctx.state.user",
        "ctx.session",
        "isAdmin",
        "request.user",
        "request.auth",
        "getSession",
        "getServerSession",
        "verify",
    ]
    .iter()
    .any(|needle| body.contains(needle))
}

/// Whether a route path names an administrative area.
fn admin_path(path: &str) -> bool {
    path.split(['/', '.']).any(|segment| {
        matches!(
            segment.to_ascii_lowercase().as_str(),
            "admin" | "_admin" | "superadmin" | "internal"
        )
    })
}

/// Whether a route is where one logs in (which must be reachable
/// without a session): `/admin/login`, `/admin/auth/callback`.
fn login_path(path: &str) -> bool {
    path.split(['/', '.', '-', '_']).any(|segment| {
        matches!(
            segment.to_ascii_lowercase().as_str(),
            "login"
                | "signin"
                | "logout"
                | "signout"
                | "register"
                | "signup"
                | "auth"
                | "callback"
                | "forgot"
                | "reset"
                | "oauth"
                | "sso"
                | "health"
                | "healthz"
                | "ping"
        )
    })
}

fn check_route(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let args = call_args(call);
    let [path, handlers @ ..] = args.as_slice() else {
        return;
    };
    if handlers.is_empty() {
        return;
    }
    let Some(path) = js_string(*path, text) else {
        return;
    };
    if !path.starts_with('/') || !admin_path(&path) || login_path(&path) {
        return;
    }
    if handlers.iter().any(|h| is_guard(*h, text)) {
        return;
    }
    if handlers.iter().any(|h| {
        matches!(
            unwrap(*h).kind(),
            "arrow_function" | "function_expression" | "function"
        ) && checks_caller(*h, text)
    }) {
        return;
    }
    let Some((receiver, _)) = method_call(call) else {
        return;
    };
    let receiver_text = node_text(unwrap(receiver), text);
    let root = {
        let mut n = call;
        while let Some(p) = n.parent() {
            n = p;
        }
        n
    };
    // The file's other routes and router-level middleware.
    let mut guarded_elsewhere = false;
    for other in descendants(root) {
        if other.kind() != "call_expression" || other == call {
            continue;
        }
        let Some((other_receiver, method)) = method_call(other) else {
            continue;
        };
        let method = node_text(method, text);
        let other_args = call_args(other);
        if method == "use" {
            // `router.use(auth)`, `app.use("/admin", auth)`: a guard this
            // detector cannot place precisely; stay quiet.
            if other_args.iter().any(|a| is_guard(*a, text)) {
                let same = node_text(unwrap(other_receiver), text) == receiver_text;
                let prefix = other_args
                    .first()
                    .and_then(|a| js_string(*a, text))
                    .is_none_or(|p| path.starts_with(&p) || p == "*");
                if same || prefix {
                    return;
                }
            }
            continue;
        }
        if !ROUTE_METHODS.contains(&method) || other_args.len() < 3 {
            continue;
        }
        if other_args
            .first()
            .and_then(|a| js_string(*a, text))
            .is_none()
        {
            continue;
        }
        // A guard in the route's chain (not the final handler).
        if other_args[1..other_args.len() - 1]
            .iter()
            .any(|a| is_guard(*a, text))
        {
            guarded_elsewhere = true;
        }
    }
    if !guarded_elsewhere {
        return;
    }
    checker.report(
        call,
        Violation::new(
            "unguarded-admin-route",
            format!(
                "the administrative route `{path}` has no authentication or authorization middleware, while other routes in this file do"
            ),
        ),
    );
}
