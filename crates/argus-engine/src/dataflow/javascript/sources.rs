//! Where untrusted data enters a JavaScript or TypeScript program, and the
//! calls every detector treats alike.

/// Modules whose presence makes `req`/`request`/`ctx` parameters the web
/// request (or its context).
pub const WEB_FRAMEWORKS: &[&str] = &[
    "express",
    "koa",
    "@koa/router",
    "koa-router",
    "fastify",
    "@hapi/hapi",
    "hapi",
    "restify",
    "next",
    "next/server",
    "http",
    "https",
    "http2",
    "@nestjs/common",
    "@nestjs/core",
    "polka",
    "micro",
    "h3",
    "hono",
    "@vercel/node",
    "aws-lambda",
    "@azure/functions",
    "firebase-functions",
    "ws",
    "socket.io",
];

/// Members of a request (Express, Koa's `ctx` and `ctx.request`, Fastify,
/// Hapi, Next.js, Node's `IncomingMessage`, the Fetch `Request`) holding
/// what the client sent. `ip`, `method`, `user` and `session` are not: the
/// server decides those.
pub const REQUEST_INPUT: &[&str] = &[
    "query",
    "params",
    "body",
    "headers",
    "header",
    "cookies",
    "files",
    "file",
    "url",
    "originalUrl",
    "path",
    "hostname",
    "host",
    "rawHeaders",
    "payload",
    "state",
    "querystring",
    "search",
    "href",
    "searchParams",
    "nextUrl",
    "rawBody",
    "fields",
    // Methods.
    "get",
    "param",
    "json",
    "text",
    "formData",
    "arrayBuffer",
    "blob",
];

/// Members of a request that are another view of the same request
/// (`ctx.request`, `ctx.req`, `request.raw`).
pub const REQUEST_VIEWS: &[&str] = &["request", "req", "raw"];

/// Request members the server receives without raw line breaks: the HTTP
/// parser refuses CR and LF in the request line and in header values.
pub const NO_LINE_BREAKS: &[&str] = &[
    "url",
    "originalUrl",
    "path",
    "headers",
    "header",
    "get",
    "hostname",
    "host",
    "rawHeaders",
    "cookies",
    "href",
    "nextUrl",
    "querystring",
    "search",
];

/// Request members holding the request's own location: they start with
/// `/` (or the server's origin), so a redirect to them stays on the site.
/// The host the client connected to counts as the site's own for a
/// redirect (a victim's browser sends the real one), not for a request the
/// server makes.
pub const REQUEST_LOCATION: &[&str] =
    &["url", "originalUrl", "path", "hostname", "host", "nextUrl"];

/// Request members that are objects holding the client's values.
pub const CONTAINERS: &[&str] = &["query", "body", "params", "payload", "fields"];

/// Browser globals (and members) an attacker controls through a link, a
/// frame or a cookie.
pub const BROWSER_SOURCES: &[(&str, &str)] = &[
    ("location", "the page location"),
    ("location.hash", "the URL fragment"),
    ("location.search", "the query string"),
    ("location.href", "the page URL"),
    ("location.pathname", "the page path"),
    ("window.location", "the page location"),
    ("window.location.hash", "the URL fragment"),
    ("window.location.search", "the query string"),
    ("window.location.href", "the page URL"),
    ("window.location.pathname", "the page path"),
    ("document.location", "the page location"),
    ("document.location.hash", "the URL fragment"),
    ("document.location.search", "the query string"),
    ("document.location.href", "the page URL"),
    ("document.URL", "the page URL"),
    ("document.documentURI", "the page URL"),
    ("document.baseURI", "the page URL"),
    ("document.referrer", "the referrer"),
    ("document.cookie", "the cookies"),
    ("window.name", "the window name"),
];

/// Qualified names that are local input by themselves.
pub const LOCAL_SOURCES: &[(&str, &str)] = &[
    ("process.argv", "command-line arguments"),
    ("process.env", "the environment"),
    ("process.stdin", "standard input"),
];

/// Calls whose result carries the data of their arguments: conversions,
/// encodings, parsers and path and URL builders.
pub const PROPAGATORS: &[&str] = &[
    "String",
    "decodeURIComponent",
    "decodeURI",
    "unescape",
    "encodeURI",
    "JSON.parse",
    "JSON.stringify",
    "Buffer.from",
    "buffer.Buffer.from",
    "Object.assign",
    "Object.values",
    "Object.keys",
    "Object.entries",
    "Object.fromEntries",
    "Array.from",
    "Array.of",
    "URL",
    "url.URL",
    "URLSearchParams",
    "url.parse",
    "url.resolve",
    "url.format",
    "querystring.parse",
    "querystring.stringify",
    "querystring.unescape",
    "qs.parse",
    "qs.stringify",
    "path.join",
    "path.resolve",
    "path.normalize",
    "path.format",
    "path.posix.join",
    "path.win32.join",
    "path.posix.resolve",
    "util.format",
    "sprintf-js.sprintf",
    "sprintf-js.vsprintf",
    "lodash.get",
    "lodash.toString",
    "lodash.trim",
    "lodash.template",
    "atob",
    "btoa",
    "structuredClone",
];

/// Propagators that take a string apart: what was safe about its start
/// is not about the parts.
pub const PARSERS: &[&str] = &[
    "URL",
    "url.URL",
    "URLSearchParams",
    "url.parse",
    "querystring.parse",
    "qs.parse",
    "JSON.parse",
];

/// Methods whose result does not carry the receiver's data: tests,
/// positions and sizes.
pub const NON_PROPAGATING_METHODS: &[&str] = &[
    "indexOf",
    "lastIndexOf",
    "includes",
    "startsWith",
    "endsWith",
    "test",
    "has",
    "some",
    "every",
    "localeCompare",
    "charCodeAt",
    "codePointAt",
    "search",
    "findIndex",
    "isArray",
    "hasOwnProperty",
    "forEach",
    "push",
    "unshift",
    "set",
    "add",
    "emit",
    "send",
    "end",
    "write",
    "on",
    "once",
    "catch",
    "finally",
];

/// Methods whose callback receives the receiver's elements (or its
/// resolved value) as first parameter.
pub const ELEMENT_CALLBACKS: &[&str] = &[
    "forEach", "map", "flatMap", "filter", "find", "some", "every", "reduce", "then",
];

/// Calls whose result cannot carry an attack for any detector: numbers,
/// booleans, hashes and fresh identifiers.
pub const UNIVERSAL_SANITIZERS: &[&str] = &[
    "parseInt",
    "parseFloat",
    "Number",
    "Number.parseInt",
    "Number.parseFloat",
    "Number.isInteger",
    "Number.isNaN",
    "isNaN",
    "isFinite",
    "Boolean",
    "Math.floor",
    "Math.ceil",
    "Math.round",
    "Math.abs",
    "Math.min",
    "Math.max",
    "Math.trunc",
    "BigInt",
    "Date.parse",
    "crypto.randomUUID",
    "uuid.v4",
    "lodash.toNumber",
    "lodash.toInteger",
    "lodash.isEqual",
    "validator.toInt",
    "validator.toFloat",
    "validator.toBoolean",
    "validator.isInt",
    "mongoose.Types.ObjectId",
    "mongodb.ObjectId",
];

/// Methods returning a number or a boolean whatever their receiver.
pub const SANITIZING_METHODS: &[&str] = &["digest", "toFixed", "getTime", "valueOf"];

/// Calls that validate their first argument when they return true
/// (`if (!validator.isUUID(id)) return`).
pub const VALIDATING_CALLS: &[&str] = &[
    "validator.isInt",
    "validator.isNumeric",
    "validator.isUUID",
    "validator.isAlphanumeric",
    "validator.isAlpha",
    "validator.isEmail",
    "validator.isMongoId",
    "validator.isHexadecimal",
    "validator.isBoolean",
    "validator.isIn",
    "validator.isSlug",
    "Number.isInteger",
    "Number.isSafeInteger",
    "Number.isFinite",
    "mongoose.isValidObjectId",
    "mongoose.Types.ObjectId.isValid",
    "mongodb.ObjectId.isValid",
    "uuid.validate",
    "isUUID",
    "isValidObjectId",
    "ObjectId.isValid",
];

/// Methods validating their argument against the receiver (an allow-list):
/// `ALLOWED.includes(x)`, `allowed.has(x)`.
pub const ALLOWLIST_METHODS: &[&str] = &["includes", "has", "hasOwnProperty"];

/// Methods validating their receiver: `x.startsWith(root)`.
pub const RECEIVER_CHECKS: &[&str] = &["startsWith"];

/// Event names of sockets that carry no client data.
pub const LIFECYCLE_EVENTS: &[&str] = &[
    "connect",
    "connection",
    "disconnect",
    "disconnecting",
    "close",
    "error",
    "open",
    "upgrade",
    "listening",
    "end",
    "drain",
    "timeout",
    "ready",
    "exit",
    "finish",
    "headers",
    "ping",
    "pong",
];
