use super::super::prelude::*;

detector! {
    /// ## What it does
    /// Follows request input into the address of an outgoing request:
    /// `URL.openConnection`/`openStream` on a URL built from input, the
    /// Java 11 `HttpRequest` builder, Apache HttpClient request objects
    /// (`new HttpGet(url)`), Spring `RestTemplate` and `WebClient`, OkHttp
    /// request builders and `Jsoup.connect`. A URL whose scheme and host
    /// the code writes out (input only in the path or after `?`) is safe.
    ///
    /// ## Why is this bad?
    /// The server makes requests on the attacker's behalf from inside the
    /// network: to cloud metadata endpoints (credentials), internal admin
    /// services, or other hosts behind the firewall.
    ///
    /// ## Example
    /// ```java
    /// URL url = new URL(request.getParameter("feed"));
    /// InputStream in = url.openStream();
    /// ```
    ///
    /// ## Use instead
    /// ```java
    /// String feed = request.getParameter("feed");
    /// if (!ALLOWED_FEEDS.contains(feed)) throw new IllegalArgumentException("feed");
    /// InputStream in = new URL(feed).openStream();
    /// ```
    ///
    /// ## References
    /// - [CWE-918: Server-Side Request Forgery](https://cwe.mitre.org/data/definitions/918.html)
    /// - [OWASP SSRF Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html)
    pub static SPEC = {
        ids: &["java/server-side-request-forgery@v1.0"],
        languages: &[Language::Java],
        name: "Server-side request forgery",
        category: Category::Security,
        cwes: &[918],
        tags: &["ssrf", "owasp-top10"],
        access: Access::SensitiveInformation,
        effort: Effort::OverInternet,
        remediation: "Build outgoing URLs from a fixed scheme and host and put input only in the path or query; or check the target against an allow-list of hosts.",
        keywords: &["openConnection", "openStream", "HttpRequest", "HttpGet", "HttpPost", "RestTemplate", "WebClient", "Jsoup", "getForObject", "exchange", ".url("],
        check: Check::Taint { spec: &TAINT, kinds: &[], run: None },
    };
}

const REQUEST: &str = "the address of a request made by {callee}";

static TAINT: TaintSpec = TaintSpec {
    sinks: &[
        Sink::new(
            ".openConnection",
            &[Arg::Receiver],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            ".openStream",
            &[Arg::Receiver],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "java.net.http.HttpRequest.newBuilder",
            &[Arg::At(0, "uri")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            ".uri",
            &[Arg::At(0, "uri")],
            "server-side-request-forgery",
            REQUEST,
        )
        .when(request_builder),
        Sink::new(
            "org.apache.http.client.methods.HttpGet",
            &[Arg::At(0, "uri")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.apache.http.client.methods.HttpPost",
            &[Arg::At(0, "uri")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.apache.http.client.methods.HttpPut",
            &[Arg::At(0, "uri")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.apache.http.client.methods.HttpDelete",
            &[Arg::At(0, "uri")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.apache.http.client.methods.HttpHead",
            &[Arg::At(0, "uri")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.apache.http.client.methods.HttpPatch",
            &[Arg::At(0, "uri")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.apache.hc.client5.http.classic.methods.HttpGet",
            &[Arg::At(0, "uri")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.apache.hc.client5.http.classic.methods.HttpPost",
            &[Arg::At(0, "uri")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.springframework.web.client.RestTemplate.getForObject",
            &[Arg::At(0, "url")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.springframework.web.client.RestTemplate.getForEntity",
            &[Arg::At(0, "url")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.springframework.web.client.RestTemplate.postForObject",
            &[Arg::At(0, "url")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.springframework.web.client.RestTemplate.postForEntity",
            &[Arg::At(0, "url")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.springframework.web.client.RestTemplate.exchange",
            &[Arg::At(0, "url")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.springframework.web.client.RestTemplate.execute",
            &[Arg::At(0, "url")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.springframework.web.client.RestTemplate.put",
            &[Arg::At(0, "url")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.springframework.web.client.RestTemplate.delete",
            &[Arg::At(0, "url")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "RestTemplate.getForObject",
            &[Arg::At(0, "url")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "RestTemplate.exchange",
            &[Arg::At(0, "url")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            "org.jsoup.Jsoup.connect",
            &[Arg::At(0, "url")],
            "server-side-request-forgery",
            REQUEST,
        ),
        Sink::new(
            ".url",
            &[Arg::At(0, "url")],
            "server-side-request-forgery",
            REQUEST,
        )
        .when(request_builder),
    ],
    safe_prefix: Some(crate::detectors::common::fixed_host),
    ..TaintSpec::DEFAULT
};

/// `.uri(...)`/`.url(...)` on a request builder (`HttpRequest.newBuilder()`,
/// `new Request.Builder()`, `webClient.get()`), not on any object.
fn request_builder(call: Node<'_>, text: &str, _: &crate::semantic::SemanticModel) -> bool {
    super::receiver(call).is_some_and(|r| {
        let written = node_text(r, text);
        written.contains("Builder")
            || written.contains("newBuilder")
            || written.contains("builder()")
            || [".get()", ".post()", ".put()", ".delete()", ".method("]
                .iter()
                .any(|m| written.contains(m))
    })
}
