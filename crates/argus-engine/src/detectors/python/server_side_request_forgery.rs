use super::super::common::fixed_host;
use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request data into the URL or host of outgoing requests:
    /// `requests`, `httpx`, `urllib.request`, `urllib3` and `http.client`.
    /// A URL whose scheme and host are written in the code, with input
    /// only in the path or query (`f"https://api.example.com/users/{id}"`),
    /// is not reported.
    ///
    /// ## Why is this bad?
    /// The server makes the request from inside the network: an attacker
    /// reaches internal services, cloud metadata endpoints
    /// (`169.254.169.254`) and credentials that are never exposed to the
    /// internet.
    ///
    /// ## Example
    /// ```python
    /// url = request.args["url"]
    /// preview = requests.get(url, timeout=5).text
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// host = urlparse(request.args["url"]).hostname
    /// if host not in ALLOWED_HOSTS:
    ///     abort(400)
    /// preview = requests.get(f"https://{host}/preview", timeout=5).text
    /// ```
    ///
    /// ## References
    /// - [CWE-918: Server-Side Request Forgery](https://cwe.mitre.org/data/definitions/918.html)
    /// - [OWASP SSRF Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["python/server-side-request-forgery@v1.0"],
        languages: &[Language::Python],
        name: "Server-side request forgery",
        category: Category::Security,
        cwes: &[918],
        tags: &["ssrf", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Fix the scheme and host in code, or check the parsed host against an allow-list before the request.",
        keywords: &["requests", "httpx", "urllib", "urlopen", "http.client", "HTTPConnection"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const URL: &str = "the URL of a request made by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new("requests.get", &[Arg::At(0, "url")], "requests", URL),
        Sink::new("requests.post", &[Arg::At(0, "url")], "requests", URL),
        Sink::new("requests.put", &[Arg::At(0, "url")], "requests", URL),
        Sink::new("requests.patch", &[Arg::At(0, "url")], "requests", URL),
        Sink::new("requests.delete", &[Arg::At(0, "url")], "requests", URL),
        Sink::new("requests.head", &[Arg::At(0, "url")], "requests", URL),
        Sink::new("requests.options", &[Arg::At(0, "url")], "requests", URL),
        Sink::new("requests.request", &[Arg::At(1, "url")], "requests", URL),
        Sink::new("httpx.get", &[Arg::At(0, "url")], "httpx", URL),
        Sink::new("httpx.post", &[Arg::At(0, "url")], "httpx", URL),
        Sink::new("httpx.put", &[Arg::At(0, "url")], "httpx", URL),
        Sink::new("httpx.patch", &[Arg::At(0, "url")], "httpx", URL),
        Sink::new("httpx.delete", &[Arg::At(0, "url")], "httpx", URL),
        Sink::new("httpx.head", &[Arg::At(0, "url")], "httpx", URL),
        Sink::new("httpx.request", &[Arg::At(1, "url")], "httpx", URL),
        Sink::new("httpx.stream", &[Arg::At(1, "url")], "httpx", URL),
        Sink::new(
            "urllib.request.urlopen",
            &[Arg::At(0, "url")],
            "urllib",
            URL,
        ),
        Sink::new(
            "urllib.request.Request",
            &[Arg::At(0, "url")],
            "urllib",
            URL,
        ),
        Sink::new(
            "urllib.request.urlretrieve",
            &[Arg::At(0, "url")],
            "urllib",
            URL,
        ),
        Sink::new("urllib3.request", &[Arg::At(1, "url")], "urllib3", URL),
        Sink::new(
            "http.client.HTTPConnection",
            &[Arg::At(0, "host")],
            "http-client",
            "the host connected to by {callee}",
        ),
        Sink::new(
            "http.client.HTTPSConnection",
            &[Arg::At(0, "host")],
            "http-client",
            "the host connected to by {callee}",
        ),
    ],
    safe_prefix: Some(fixed_host),
    ..TaintSpec::DEFAULT
};
