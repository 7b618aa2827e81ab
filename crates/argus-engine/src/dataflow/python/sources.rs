//! Where untrusted data enters a Python program, and the calls every
//! detector treats alike (propagators and universal sanitizers).

use tree_sitter::Node;

use crate::dataflow::Threat;
use crate::lang::PythonField;
use crate::semantic::{SemanticModel, node_text};

/// Module-level objects that are the current web request.
pub const REQUEST_GLOBALS: &[&str] = &[
    "flask.request",
    "quart.request",
    "bottle.request",
    "werkzeug.local.request",
];

/// Attributes (and methods) of a request object that hold what the client
/// sent. `user`, `method`, `session` and the like are not among them: the
/// framework decides those.
pub const REQUEST_INPUT: &[&str] = &[
    // Flask / Werkzeug / Quart / Bottle
    "args",
    "form",
    "values",
    "json",
    "data",
    "files",
    "cookies",
    "headers",
    "get_json",
    "get_data",
    "path",
    "full_path",
    "url",
    "base_url",
    "query_string",
    "stream",
    "environ",
    "view_args",
    "params",
    "forms",
    "query",
    // Django / DRF
    "GET",
    "POST",
    "COOKIES",
    "META",
    "FILES",
    "body",
    "query_params",
    "get_full_path",
    "read",
    "readline",
    "readlines",
    // Starlette / FastAPI / aiohttp
    "path_params",
    "form_data",
    "match_info",
    "rel_url",
    "post",
    "text",
    "content",
    "raw_path",
    // Tornado
    "arguments",
    "query_arguments",
    "body_arguments",
    "uri",
];

/// Request members holding the request's own location (path or URL).
/// Members of [`REQUEST_LOCATION`] the frameworks hand over
/// percent-encoded, so without raw line breaks: Werkzeug's `url` and
/// `base_url` (control characters stay quoted), aiohttp's `url` and
/// `rel_url`, Tornado's `uri`, Django's `get_full_path()` and
/// `build_absolute_uri()`. `path` is decoded everywhere, and Starlette
/// builds `url` from the decoded path.
pub const ENCODED_LOCATION: &[&str] = &[
    "url",
    "base_url",
    "rel_url",
    "uri",
    "get_full_path",
    "raw_path",
    "build_absolute_uri",
];

pub const REQUEST_LOCATION: &[&str] = &[
    "path",
    "full_path",
    "get_full_path",
    "url",
    "base_url",
    "uri",
    "path_info",
    "raw_path",
    "rel_url",
    "build_absolute_uri",
];

/// Modules whose presence makes a parameter called `request` the web
/// request.
pub const WEB_FRAMEWORKS: &[&str] = &[
    "django",
    "rest_framework",
    "flask",
    "quart",
    "fastapi",
    "starlette",
    "aiohttp",
    "tornado",
    "pyramid",
    "falcon",
    "sanic",
    "bottle",
    "werkzeug",
    "litestar",
];

/// Qualified names (attributes) that are input by themselves.
pub const ATTRIBUTE_SOURCES: &[(&str, Threat, &str)] = &[
    ("sys.argv", Threat::Local, "command-line arguments"),
    ("os.environ", Threat::Local, "the environment"),
    ("os.environb", Threat::Local, "the environment"),
    ("sys.stdin", Threat::Local, "standard input"),
];

/// Calls whose result is input.
pub const CALL_SOURCES: &[(&str, Threat, &str)] = &[
    ("input", Threat::Local, "terminal input"),
    ("raw_input", Threat::Local, "terminal input"),
    ("os.getenv", Threat::Local, "the environment"),
    ("os.getenvb", Threat::Local, "the environment"),
    ("open", Threat::Local, "a file's contents"),
    ("io.open", Threat::Local, "a file's contents"),
    ("codecs.open", Threat::Local, "a file's contents"),
    (".recv", Threat::Remote, "data received from a socket"),
    (".recvfrom", Threat::Remote, "data received from a socket"),
    (".recvmsg", Threat::Remote, "data received from a socket"),
];

/// Tornado handler methods returning request arguments.
pub const TORNADO_ARGUMENTS: &[&str] = &[
    "get_argument",
    "get_arguments",
    "get_query_argument",
    "get_query_arguments",
    "get_body_argument",
    "get_body_arguments",
    "get_cookie",
];

/// Decorator methods that register a web route; the decorated function's
/// parameters then come from the request (path and query values).
pub const ROUTE_DECORATORS: &[&str] = &[
    "route",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "api_route",
    "websocket",
];

/// Parameter annotations that leave no room for an attack.
pub const SAFE_ANNOTATIONS: &[&str] = &[
    "int",
    "float",
    "bool",
    "UUID",
    "uuid.UUID",
    "date",
    "datetime",
    "Decimal",
];

/// Calls whose result carries the data of their arguments (and of their
/// receiver for methods): conversions, joins, encodings.
pub const PROPAGATORS: &[&str] = &[
    "str",
    "bytes",
    "bytearray",
    "repr",
    "format",
    "list",
    "tuple",
    "set",
    "frozenset",
    "dict",
    "sorted",
    "reversed",
    "iter",
    "next",
    "min",
    "max",
    "os.path.join",
    "os.path.normpath",
    "os.path.abspath",
    "os.path.realpath",
    "os.path.expanduser",
    "os.path.expandvars",
    "os.path.dirname",
    "os.fspath",
    "os.fsencode",
    "os.fsdecode",
    "posixpath.join",
    "pathlib.Path",
    "pathlib.PurePath",
    "pathlib.PosixPath",
    "urllib.parse.unquote",
    "urllib.parse.unquote_plus",
    "urllib.parse.urljoin",
    "urllib.parse.urlunparse",
    "urllib.parse.urlunsplit",
    "urllib.parse.urlencode",
    "base64.b64decode",
    "base64.b64encode",
    "base64.urlsafe_b64decode",
    "base64.urlsafe_b64encode",
    "base64.decodebytes",
    "binascii.unhexlify",
    "binascii.a2b_base64",
    "bytes.fromhex",
    "codecs.decode",
    "json.loads",
    "json.load",
    "json.dumps",
    "ujson.loads",
    "orjson.loads",
    "copy.copy",
    "copy.deepcopy",
    "textwrap.dedent",
    "string.Template",
    "typing.cast",
];

/// Methods that hand on the data of their receiver and arguments.
pub const PROPAGATING_METHODS: &[&str] = &[
    "strip",
    "lstrip",
    "rstrip",
    "lower",
    "upper",
    "title",
    "capitalize",
    "casefold",
    "swapcase",
    "replace",
    "encode",
    "decode",
    "split",
    "rsplit",
    "splitlines",
    "partition",
    "rpartition",
    "format",
    "format_map",
    "join",
    "center",
    "ljust",
    "rjust",
    "zfill",
    "expandtabs",
    "removeprefix",
    "removesuffix",
    "translate",
    "get",
    "getlist",
    "getone",
    "getall",
    "pop",
    "popitem",
    "setdefault",
    "items",
    "values",
    "keys",
    "copy",
    "read",
    "readline",
    "readlines",
    "read_text",
    "read_bytes",
    "getvalue",
    "to_dict",
    "dict",
    "model_dump",
    "lists",
    "substitute",
    "safe_substitute",
    "joinpath",
    "with_name",
    "with_suffix",
    "resolve",
    "absolute",
    "expanduser",
    "as_posix",
    "hex",
    "json",
    "text",
];

/// Propagating methods whose arguments join the result too (the others
/// hand on their receiver only: `d.get(key)` is not the key).
pub const ARGUMENT_PROPAGATING_METHODS: &[&str] = &[
    "format",
    "format_map",
    "join",
    "replace",
    "substitute",
    "safe_substitute",
    "joinpath",
    "with_name",
    "with_suffix",
    "center",
    "ljust",
    "rjust",
];

/// Methods that put their argument into the receiver's container.
pub const CONTAINER_WRITES: &[&str] = &[
    "append",
    "extend",
    "insert",
    "add",
    "update",
    "setdefault",
    "appendleft",
    "extendleft",
    "put",
    "put_nowait",
    "write",
    "writelines",
];

/// Calls whose result carries nothing an attacker can shape into an
/// injection, for every detector: numbers, booleans, hashes, lengths.
pub const UNIVERSAL_SANITIZERS: &[&str] = &[
    "int",
    "float",
    "bool",
    "len",
    "abs",
    "ord",
    "hash",
    "round",
    "complex",
    "isinstance",
    "callable",
    "id",
    "uuid.UUID",
    "decimal.Decimal",
    "ipaddress.ip_address",
    "ipaddress.ip_network",
    "datetime.date.fromisoformat",
    "datetime.datetime.fromisoformat",
    "datetime.datetime.strptime",
    "hashlib.sha256",
    "hashlib.sha1",
    "hashlib.md5",
    "hmac.new",
    "secrets.compare_digest",
    "hmac.compare_digest",
];

/// Method calls on a value that validate it when they return true.
pub const VALIDATING_METHODS: &[&str] = &[
    "isdigit",
    "isdecimal",
    "isnumeric",
    "isalnum",
    "isalpha",
    "isidentifier",
    "startswith",
    "is_relative_to",
];

/// Functions that validate their first argument when they return true.
pub const VALIDATING_CALLS: &[&str] = &[
    "re.match",
    "re.fullmatch",
    "django.utils.http.url_has_allowed_host_and_scheme",
    "django.utils.http.is_safe_url",
    "url_has_allowed_host_and_scheme",
    "is_safe_url",
    "isinstance",
    ".fullmatch",
    ".match",
];

/// Calls that end the request or the program.
pub const TERMINATING_CALLS: &[&str] = &[
    "flask.abort",
    "werkzeug.exceptions.abort",
    "abort",
    "sys.exit",
    "exit",
    "quit",
    "os._exit",
    "os.abort",
];

/// Whether the file imports a web framework.
pub fn is_web_file(semantic: &SemanticModel) -> bool {
    semantic.imports_any(WEB_FRAMEWORKS)
}

/// Whether a parameter's annotation rules out an injection (`id: int`).
pub fn safe_annotation(parameter: Node<'_>, text: &str) -> bool {
    let Some(annotation) = parameter.py_field("type") else {
        return false;
    };
    let written = node_text(annotation, text);
    let inner = written
        .trim_start_matches("Optional[")
        .trim_end_matches(']')
        .trim();
    SAFE_ANNOTATIONS.contains(&inner)
        || inner.starts_with("Annotated[int")
        || inner.starts_with("Literal[")
}

/// Whether the annotation names a request class a server receives
/// (`request: HttpRequest`), not one a client sends (`HTTPRequest` of
/// Tornado's client, `PreparedRequest` of requests).
pub fn request_annotation(parameter: Node<'_>, text: &str) -> bool {
    parameter.py_field("type").is_some_and(|t| {
        let written = node_text(t, text);
        let last = written.rsplit('.').next().unwrap_or(written);
        last.ends_with("Request")
            && !matches!(last, "HTTPRequest" | "PreparedRequest" | "ClientRequest")
    })
}

/// Frameworks whose views take the request as a parameter (Tornado's
/// handlers read `self.request`; its `request` parameters belong to the
/// HTTP client).
pub fn takes_request_parameter(semantic: &SemanticModel) -> bool {
    WEB_FRAMEWORKS
        .iter()
        .any(|framework| *framework != "tornado" && semantic.imports(framework))
}
