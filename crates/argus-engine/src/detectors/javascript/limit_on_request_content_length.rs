use super::super::prelude::*;
use super::{
    call_args, callee_names, has_spread, is_imported, js_string, number_literal, object_property,
    property_key, unwrap,
};
use crate::lang::JsField;

detector! {
    /// ## What it does
    /// Finds request bodies read without a reasonable size limit:
    /// - body parsers (`express.json`, `express.urlencoded`, `express.raw`,
    ///   `express.text`, `body-parser`, `koa-body`, `koa-bodyparser`) with a
    ///   `limit` (`jsonLimit`, `formLimit`, `textLimit`) of 100 MB or more,
    ///   or `Infinity`, and a `parameterLimit` of 100,000 or more;
    /// - Fastify with a `bodyLimit` of 100 MB or more, and hapi
    ///   `payload.maxBytes` of 100 MB or more;
    /// - `multer` uploads without `limits.fileSize` (multer's default is no
    ///   limit at all), or with an infinite one, and `koa-body`'s
    ///   `formidable.maxFileSize: Infinity`.
    ///
    /// The defaults (100 KB for body-parser, 1 MiB for Fastify and hapi,
    /// 1,000 parameters) are fine and not reported. 100 MB is the line
    /// because bodies that size are parsed in memory, on the event loop, and
    /// no JSON or form API needs one; limits computed at run time are taken
    /// as deliberate.
    ///
    /// ## Why is this bad?
    /// A server that accepts bodies of any size lets one client exhaust its
    /// memory or disk, and parsing a huge JSON document or form blocks the
    /// event loop for every other user: a denial of service that needs no
    /// credentials and little bandwidth.
    ///
    /// ## Example
    /// ```javascript
    /// app.use(express.json({ limit: "1gb" }));
    /// const upload = multer({ dest: "uploads/" });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// app.use(express.json({ limit: "1mb" }));
    /// const upload = multer({ dest: "uploads/", limits: { fileSize: 10 * 1024 * 1024 } });
    /// ```
    ///
    /// ## References
    /// - [CWE-770: Allocation of Resources Without Limits or Throttling](https://cwe.mitre.org/data/definitions/770.html)
    /// - [CWE-400: Uncontrolled Resource Consumption](https://cwe.mitre.org/data/definitions/400.html)
    /// - [body-parser: limit](https://github.com/expressjs/body-parser#limit)
    /// - [multer: limits](https://github.com/expressjs/multer#limits)
    /// - [Fastify: bodyLimit](https://fastify.dev/docs/latest/Reference/Server/#bodylimit)
    pub static SPEC = {
        ids: &["javascript/limit-on-request-content-length@v1.0", "typescript/limit-request-length@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Unlimited request content length",
        category: Category::Security,
        cwes: &[770, 400],
        tags: &["denial-of-service", "web"],
        access: Access::CrashOrSlowdown,
        effort: Effort::OverInternet,
        remediation: "Keep request body limits small (body-parser's 100 KB default, a few MB where needed) and give uploads a limits.fileSize.",
        keywords: &["limit", "multer", "maxbytes"],
        check: Check::Node { kinds: &["call_expression", "pair"], run: check },
    };
}

/// Body sizes from this many bytes are reported.
const HUGE_BODY: f64 = 100.0 * 1024.0 * 1024.0;
/// Form parameter counts from this many are reported.
const HUGE_PARAMETERS: f64 = 100_000.0;

const BODY_PARSERS: &[&str] = &[
    "express.json",
    "express.urlencoded",
    "express.raw",
    "express.text",
    "body-parser",
    "body-parser.json",
    "body-parser.urlencoded",
    "body-parser.raw",
    "body-parser.text",
    "koa-body",
    "koa-body.koaBody",
    "koa-body.default",
    "koa-bodyparser",
    "@koa/bodyparser",
    "@koa/bodyparser.bodyParser",
];

const BODY_LIMITS: &[&str] = &["limit", "jsonLimit", "formLimit", "textLimit"];

fn check(node: Node<'_>, checker: &mut Checker<'_>) {
    match node.kind() {
        "pair" => check_hapi(node, checker),
        _ => check_call(node, checker),
    }
}

/// The size an expression denotes, in bytes (`"100mb"`, `1e9`,
/// `100 * 1024 * 1024`, `Infinity`).
fn size(node: Node<'_>, text: &str) -> Option<f64> {
    let node = unwrap(node);
    if let Some(literal) = js_string(node, text) {
        return parse_bytes(&literal);
    }
    match node.kind() {
        "number" => number_literal(node, text)
            .map(|n| n as f64)
            .or_else(|| node_text(node, text).replace('_', "").parse().ok()),
        "identifier" if node_text(node, text) == "Infinity" => Some(f64::INFINITY),
        "member_expression" => match node_text(node, text) {
            "Number.POSITIVE_INFINITY" | "Number.MAX_SAFE_INTEGER" | "Number.MAX_VALUE" => {
                Some(f64::INFINITY)
            }
            _ => None,
        },
        "binary_expression" => {
            let operator = node.js_field("operator")?;
            let left = size(node.js_field("left")?, text)?;
            let right = size(node.js_field("right")?, text)?;
            match operator.kind() {
                "*" => Some(left * right),
                "+" => Some(left + right),
                "**" => Some(left.powf(right)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The `bytes` package format: `"100kb"`, `"1.5 MB"`, `"1gb"`, `"2048"`.
fn parse_bytes(value: &str) -> Option<f64> {
    let value = value.trim().to_ascii_lowercase();
    let split = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let number: f64 = value[..split].parse().ok()?;
    let unit = match value[split..].trim() {
        "" | "b" => 1.0,
        "kb" => 1024.0,
        "mb" => 1024.0 * 1024.0,
        "gb" => 1024.0 * 1024.0 * 1024.0,
        "tb" => 1024f64.powi(4),
        "pb" => 1024f64.powi(5),
        _ => return None,
    };
    Some(number * unit)
}

fn describe(bytes: f64) -> String {
    if bytes.is_infinite() {
        "no limit".to_string()
    } else if bytes >= 1024f64.powi(3) {
        format!("{:.0} GB", bytes / 1024f64.powi(3))
    } else {
        format!("{:.0} MB", bytes / 1024f64.powi(2))
    }
}

fn check_call(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let Some(function) = call.js_field("function") else {
        return;
    };
    let names = callee_names(call, checker);
    if !is_imported(function, checker) {
        return;
    }
    let options = call_args(call).first().map(|o| unwrap(*o));
    if names.iter().any(|n| BODY_PARSERS.contains(&n.as_str())) {
        let Some(options) = options else { return };
        for key in BODY_LIMITS {
            report_size(options, key, HUGE_BODY, "request body limit", checker);
        }
        report_size(
            options,
            "parameterLimit",
            HUGE_PARAMETERS,
            "form parameter limit",
            checker,
        );
        if let Some(formidable) = object_property(options, "formidable", text) {
            report_size(
                formidable,
                "maxFileSize",
                f64::INFINITY,
                "upload size limit",
                checker,
            );
        }
    } else if names
        .iter()
        .any(|n| n == "fastify" || n == "fastify.fastify")
    {
        if let Some(options) = options {
            report_size(
                options,
                "bodyLimit",
                HUGE_BODY,
                "request body limit",
                checker,
            );
        }
    } else if names.iter().any(|n| n == "multer") {
        check_multer(call, options, checker);
    }
}

fn report_size(
    options: Node<'_>,
    key: &str,
    threshold: f64,
    what: &str,
    checker: &mut Checker<'_>,
) {
    let text = checker.text;
    let Some(value) = object_property(options, key, text) else {
        return;
    };
    let Some(bytes) = size(value, text) else {
        return;
    };
    if bytes < threshold {
        return;
    }
    let amount = if key == "parameterLimit" {
        if bytes.is_infinite() {
            "no limit".to_string()
        } else {
            format!("{bytes:.0} parameters")
        }
    } else {
        describe(bytes)
    };
    checker.report(
        value,
        Violation::new(
            "huge-limit",
            format!("{what} of {amount}: one client can exhaust memory and block the event loop"),
        ),
    );
}

/// `multer()` / `multer({ dest })` without `limits.fileSize`.
fn check_multer(call: Node<'_>, options: Option<Node<'_>>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let problem = match options {
        None => "multer without limits accepts uploads of any size",
        Some(options) if options.kind() != "object" || has_spread(options) => return,
        Some(options) => match object_property(options, "limits", text).map(unwrap) {
            None => "multer without limits accepts uploads of any size",
            Some(limits) if limits.kind() != "object" || has_spread(limits) => return,
            Some(limits) => match object_property(limits, "fileSize", text) {
                None => "multer limits without fileSize accept uploads of any size",
                Some(value) if size(value, text).is_some_and(f64::is_infinite) => {
                    "multer fileSize limit is infinite: uploads of any size are accepted"
                }
                Some(_) => return,
            },
        },
    };
    checker.report(
        call,
        Violation::new(
            "unlimited-upload",
            format!("{problem}: one client can fill the disk or memory"),
        ),
    );
}

/// hapi `payload: { maxBytes: ... }` in a route or server configuration.
fn check_hapi(pair: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    if property_key(pair, text) != Some("maxBytes") {
        return;
    }
    let in_payload = pair
        .parent()
        .and_then(|object| object.parent())
        .is_some_and(|p| p.kind() == "pair" && property_key(p, text) == Some("payload"));
    if !in_payload {
        return;
    }
    let Some(value) = pair.js_field("value") else {
        return;
    };
    if size(value, text).is_some_and(|bytes| bytes >= HUGE_BODY) {
        let amount = describe(size(value, text).unwrap_or_default());
        checker.report(
            value,
            Violation::new(
                "huge-limit",
                format!("request payload limit of {amount}: one client can exhaust memory and block the event loop"),
            ),
        );
    }
}
