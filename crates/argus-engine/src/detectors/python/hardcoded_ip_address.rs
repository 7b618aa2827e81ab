use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Finds IPv4 and IPv6 addresses written in the code as the target of
    /// a connection: the host of `socket.connect`, `connect_ex`, `bind`,
    /// `sendto` and `socket.create_connection`; the URL of `requests`,
    /// `httpx`, `urllib` and similar HTTP calls; the host of `http.client`,
    /// `ftplib`, `smtplib`, `telnetlib`, database and SSH clients; and any
    /// `host=`, `hostname=`, `server=` or `ip=` keyword argument.
    ///
    /// A UDP socket connected only to ask which local address routes
    /// outside (`connect` then `getsockname()`, nothing sent) is not
    /// reported.
    ///
    /// Loopback, "any" addresses (`0.0.0.0`, `::`), the documentation
    /// ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
    /// 2001:db8::/32), link-local addresses (including the cloud metadata
    /// endpoint 169.254.169.254), multicast and broadcast addresses are not
    /// reported, nor are addresses outside connection calls (comparisons,
    /// tables, messages).
    ///
    /// ## Why is this bad?
    /// An address in the code cannot follow the infrastructure: when the
    /// server moves, the program talks to whoever gets the address next,
    /// or keeps trusting a host that is no longer yours. It also ties every
    /// environment (development, staging, production) to one network and
    /// discloses internal addressing to whoever reads the code.
    ///
    /// ## Example
    /// ```python
    /// import requests
    ///
    /// def fetch_report():
    ///     return requests.get("http://10.20.0.15/report").json()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    /// import requests
    ///
    /// def fetch_report():
    ///     return requests.get(f"{os.environ['REPORT_URL']}/report").json()
    /// ```
    /// Read addresses from configuration or the environment, and prefer
    /// DNS names.
    ///
    /// ## References
    /// - [CWE-1051: Initialization with Hard-Coded Network Resource Configuration Data](https://cwe.mitre.org/data/definitions/1051.html)
    /// - [CWE-547: Use of Hard-coded, Security-relevant Constants](https://cwe.mitre.org/data/definitions/547.html)
    /// - [RFC 5737: IPv4 Address Blocks Reserved for Documentation](https://www.rfc-editor.org/rfc/rfc5737)
    /// - [The Twelve-Factor App: Config](https://12factor.net/config)
    pub static SPEC = {
        ids: &["python/hardcoded-ip-address@v1.0"],
        languages: &[Language::Python],
        name: "Hardcoded IP address",
        category: Category::Security,
        cwes: &[1051, 547],
        tags: &["network", "configuration"],
        access: Access::AdditionalSecurity,
        effort: Effort::InternetHighEffort,
        remediation: "Read the address from configuration or the environment, and prefer a DNS name.",
        keywords: &["connect", "://", "host", "bind", "sendto", "server", "ip=", "Request"],
        check: Check::Node { kinds: &["call"], run: check },
    };
}

/// Calls whose argument at `position` (or keyword) is a host, an address
/// tuple or a URL.
const TARGETS: &[(&str, usize, &str)] = &[
    ("socket.create_connection", 0, "address"),
    ("requests.get", 0, "url"),
    ("requests.post", 0, "url"),
    ("requests.put", 0, "url"),
    ("requests.patch", 0, "url"),
    ("requests.delete", 0, "url"),
    ("requests.head", 0, "url"),
    ("requests.options", 0, "url"),
    ("requests.request", 1, "url"),
    ("httpx.get", 0, "url"),
    ("httpx.post", 0, "url"),
    ("httpx.put", 0, "url"),
    ("httpx.patch", 0, "url"),
    ("httpx.delete", 0, "url"),
    ("httpx.head", 0, "url"),
    ("httpx.options", 0, "url"),
    ("httpx.stream", 1, "url"),
    ("httpx.request", 1, "url"),
    ("urllib.request.urlopen", 0, "url"),
    ("urllib.request.Request", 0, "url"),
    ("urllib.urlopen", 0, "url"),
    ("urllib2.urlopen", 0, "url"),
    ("urllib2.Request", 0, "url"),
    ("http.client.HTTPConnection", 0, "host"),
    ("http.client.HTTPSConnection", 0, "host"),
    ("httplib.HTTPConnection", 0, "host"),
    ("httplib.HTTPSConnection", 0, "host"),
    ("ftplib.FTP", 0, "host"),
    ("ftplib.FTP_TLS", 0, "host"),
    ("smtplib.SMTP", 0, "host"),
    ("smtplib.SMTP_SSL", 0, "host"),
    ("poplib.POP3", 0, "host"),
    ("poplib.POP3_SSL", 0, "host"),
    ("imaplib.IMAP4", 0, "host"),
    ("imaplib.IMAP4_SSL", 0, "host"),
    ("telnetlib.Telnet", 0, "host"),
    ("xmlrpc.client.ServerProxy", 0, "uri"),
    ("xmlrpclib.ServerProxy", 0, "uri"),
    ("pymongo.MongoClient", 0, "host"),
    ("redis.Redis", 0, "host"),
    ("redis.StrictRedis", 0, "host"),
    ("redis.from_url", 0, "url"),
    ("urllib3.connection_from_url", 0, "url"),
    ("urllib3.HTTPConnectionPool", 0, "host"),
    ("urllib3.HTTPSConnectionPool", 0, "host"),
    ("websocket.create_connection", 0, "url"),
    ("websockets.connect", 0, "uri"),
];

/// Methods on any object (a socket, a session, a pool, an SSH client)
/// taking a target first: (method, position, keyword).
const METHODS: &[(&str, usize, &str)] = &[
    ("connect", 0, "hostname"),
    ("connect_ex", 0, "address"),
    ("bind", 0, "address"),
    ("sendto", 1, "address"),
    ("urlopen", 0, "url"),
    ("get", 0, "url"),
    ("post", 0, "url"),
    ("put", 0, "url"),
    ("patch", 0, "url"),
    ("delete", 0, "url"),
    ("head", 0, "url"),
    ("request", 1, "url"),
    ("fetch", 0, "request"),
    ("ws_connect", 0, "url"),
];

/// Keyword arguments naming a host on any call.
const HOST_KEYWORDS: &[&str] = &["host", "hostname", "server", "ip", "ip_address"];

fn check(call: Node<'_>, checker: &mut Checker<'_>) {
    let text = checker.text;
    let names = checker.semantic.callee_names(call, text);
    let mut candidates: Vec<Node<'_>> = Vec::new();
    if let Some(&(_, position, keyword)) = TARGETS
        .iter()
        .find(|(callee, ..)| names.iter().any(|n| n == callee))
    {
        candidates.extend(argument(call, position, keyword, text));
    } else if let Some(method) = super::method_name_node(call) {
        let method = node_text(method, text);
        if let Some(&(_, position, keyword)) = METHODS.iter().find(|(m, ..)| *m == method) {
            let target = argument(call, position, keyword, text);
            // `dict.get("10.0.0.1")` is a lookup: only a URL or an address
            // tuple makes `get`/`post`/... a connection.
            let is_http = !matches!(method, "connect" | "connect_ex" | "bind" | "sendto");
            // A UDP socket "connected" to learn which local address routes
            // outside (`getsockname()`) sends nothing.
            if method == "connect" && route_probe(call, text) {
                return;
            }
            candidates.extend(target.filter(|t| !is_http || url_literal(*t, text).is_some()));
        }
    }
    for keyword in HOST_KEYWORDS {
        candidates.extend(keyword_argument(call, keyword, text));
    }
    for candidate in candidates {
        if let Some((address, shown)) = target_address(candidate, text)
            && reportable(address)
        {
            let violation = Violation::new(
                "hardcoded-ip",
                format!("the connection target {shown} is an IP address written in the code"),
            );
            checker.report(candidate, violation);
            return;
        }
    }
}

/// The enclosing function asks the socket for its own address.
fn route_probe(call: Node<'_>, text: &str) -> bool {
    let mut scope = call;
    while let Some(parent) = scope.parent() {
        scope = parent;
        if scope.kind() == "function_definition" {
            break;
        }
    }
    node_text(scope, text).contains("getsockname")
}

/// The address a target names: a host literal, an `(host, port)` tuple,
/// or a URL whose host is an address.
fn target_address(node: Node<'_>, text: &str) -> Option<(IpAddr, String)> {
    match node.kind() {
        "tuple" | "list" => target_address(node.named_child(0)?, text),
        "string" => {
            let value = string_literal(node, text)?;
            if let Some(host) = url_host(&value) {
                return parse_ip(host).map(|ip| (ip, value.clone()));
            }
            parse_ip(&value).map(|ip| (ip, value.clone()))
        }
        _ => {
            // An f-string URL with its host written out.
            let (_, parts) = super::fstring_parts(node, text)?;
            let Some(super::FStringPart::Literal(first)) = parts.first() else {
                return None;
            };
            let host = url_host(first)?;
            parse_ip(host).map(|ip| (ip, host.to_string()))
        }
    }
}

/// A string literal (or f-string) that is a URL.
fn url_literal(node: Node<'_>, text: &str) -> Option<()> {
    if node.kind() == "tuple" {
        return Some(());
    }
    node_text(node, text).contains("://").then_some(())
}

/// The host of `scheme://[user@]host[:port]/...`, brackets removed.
fn url_host(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(bracketed) = host.strip_prefix('[') {
        return bracketed.split(']').next();
    }
    Some(host.split(':').next().unwrap_or(host))
}

fn parse_ip(value: &str) -> Option<IpAddr> {
    if value.contains(':') {
        return value.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    // Four decimal parts, as written in addresses (not `1.2.3`).
    if value.split('.').count() != 4 {
        return None;
    }
    value.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

/// Addresses that are protocol constants or placeholders rather than
/// somebody's host.
fn reportable(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_unspecified()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || (a, b, c) == (192, 0, 2)
                || (a, b, c) == (198, 51, 100)
                || (a, b, c) == (203, 0, 113))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return reportable(IpAddr::V4(v4));
            }
            let segments = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (segments[0] & 0xffc0) == 0xfe80
                || (segments[0], segments[1]) == (0x2001, 0x0db8)
                || v6 == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254))
        }
    }
}
