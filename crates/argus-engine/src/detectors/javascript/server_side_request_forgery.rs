use super::super::common::fixed_host;
use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request data into the URL or host of a request the server
    /// makes: `http`/`https` `get` and `request`, `fetch`, `axios`, `got`,
    /// `request`, `superagent`, `needle`, `node-fetch` and `undici`. A URL
    /// whose scheme and host are written out (`https://api.example.com/`
    /// followed by input) leaves the input only the path, and is not
    /// reported.
    ///
    /// ## Why is this bad?
    /// The server becomes the attacker's proxy: it fetches internal
    /// services, cloud metadata endpoints (`169.254.169.254`, which hands
    /// out credentials) and hosts behind the firewall.
    ///
    /// ## Example
    /// ```javascript
    /// app.get("/preview", async (req, res) => {
    ///   const page = await axios.get(req.query.url);
    ///   res.send(page.data);
    /// });
    /// ```
    ///
    /// ## Use instead
    /// ```javascript
    /// const ALLOWED = new Set(["images.example.com"]);
    /// app.get("/preview", async (req, res) => {
    ///   const url = new URL(req.query.url);
    ///   if (url.protocol !== "https:" || !ALLOWED.has(url.hostname)) return res.status(400).end();
    ///   const page = await axios.get(url.href);
    ///   res.send(page.data);
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-918: Server-Side Request Forgery](https://cwe.mitre.org/data/definitions/918.html)
    /// - [OWASP SSRF Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["javascript/server-side-request-forgery@v1.0", "typescript/server-side-request-forgery@v1.0"],
        languages: &[Language::JavaScript, Language::TypeScript],
        name: "Server-side request forgery",
        category: Category::Security,
        cwes: &[918],
        tags: &["ssrf", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Write the scheme and host into the URL, or parse the input URL and allow only known hosts (and never private addresses).",
        keywords: &["http", "fetch", "axios", "got", "request", "superagent", "needle", "undici"],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const URL: &str = "the URL requested by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            "http.get",
            &[
                Arg::At(0, "url"),
                Arg::Keyword("host"),
                Arg::Keyword("hostname"),
            ],
            "http",
            URL,
        ),
        Sink::new(
            "http.request",
            &[
                Arg::At(0, "url"),
                Arg::Keyword("host"),
                Arg::Keyword("hostname"),
            ],
            "http",
            URL,
        ),
        Sink::new(
            "https.get",
            &[
                Arg::At(0, "url"),
                Arg::Keyword("host"),
                Arg::Keyword("hostname"),
            ],
            "http",
            URL,
        ),
        Sink::new(
            "https.request",
            &[
                Arg::At(0, "url"),
                Arg::Keyword("host"),
                Arg::Keyword("hostname"),
            ],
            "http",
            URL,
        ),
        Sink::new("fetch", &[Arg::At(0, "url")], "fetch", URL),
        Sink::new("node-fetch", &[Arg::At(0, "url")], "fetch", URL),
        Sink::new("undici.fetch", &[Arg::At(0, "url")], "fetch", URL),
        Sink::new("undici.request", &[Arg::At(0, "url")], "fetch", URL),
        Sink::new(
            "axios",
            &[
                Arg::At(0, "url"),
                Arg::Keyword("url"),
                Arg::Keyword("baseURL"),
            ],
            "axios",
            URL,
        ),
        Sink::new("axios.get", &[Arg::At(0, "url")], "axios", URL),
        Sink::new("axios.post", &[Arg::At(0, "url")], "axios", URL),
        Sink::new("axios.put", &[Arg::At(0, "url")], "axios", URL),
        Sink::new("axios.patch", &[Arg::At(0, "url")], "axios", URL),
        Sink::new("axios.delete", &[Arg::At(0, "url")], "axios", URL),
        Sink::new("axios.head", &[Arg::At(0, "url")], "axios", URL),
        Sink::new(
            "axios.request",
            &[Arg::Keyword("url"), Arg::Keyword("baseURL")],
            "axios",
            URL,
        ),
        Sink::new("got", &[Arg::At(0, "url"), Arg::Keyword("url")], "got", URL),
        Sink::new("got.get", &[Arg::At(0, "url")], "got", URL),
        Sink::new("got.post", &[Arg::At(0, "url")], "got", URL),
        Sink::new(
            "request",
            &[Arg::At(0, "uri"), Arg::Keyword("uri"), Arg::Keyword("url")],
            "request",
            URL,
        ),
        Sink::new(
            "request.get",
            &[Arg::At(0, "uri"), Arg::Keyword("uri"), Arg::Keyword("url")],
            "request",
            URL,
        ),
        Sink::new(
            "request.post",
            &[Arg::At(0, "uri"), Arg::Keyword("uri"), Arg::Keyword("url")],
            "request",
            URL,
        ),
        Sink::new("superagent.get", &[Arg::At(0, "url")], "superagent", URL),
        Sink::new("superagent.post", &[Arg::At(0, "url")], "superagent", URL),
        Sink::new("needle.get", &[Arg::At(0, "url")], "needle", URL),
        Sink::new("needle", &[Arg::At(1, "url")], "needle", URL),
    ],
    sanitizers: &["encodeURIComponent"],
    local_sources: false,
    safe_prefix: Some(fixed_host),
    ..TaintSpec::DEFAULT
};
