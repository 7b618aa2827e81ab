//! A small CodeGuru Security API client: SigV4-signed JSON requests with
//! the retries the AWS SDKs make (throttling and server errors, with
//! backoff), and errors rendered as the AWS CLI renders them.

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use super::credentials::Credentials;

/// Characters SigV4 leaves unencoded: `A-Z a-z 0-9 - _ . ~`.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes one path segment or query value.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, UNRESERVED).to_string()
}

const ATTEMPTS: u32 = 5;

pub struct Client {
    http: reqwest::Client,
    endpoint: reqwest::Url,
    credentials: Credentials,
}

impl Client {
    /// `ca_bundle`: PEM certificates to trust besides the system's (a
    /// private CA of an `argus serve --tls-cert` server).
    pub fn new(
        endpoint: &str,
        credentials: Credentials,
        ca_bundle: Option<&std::path::Path>,
    ) -> Result<Client> {
        let endpoint = reqwest::Url::parse(endpoint)
            .with_context(|| format!("invalid endpoint URL '{endpoint}'"))?;
        if !matches!(endpoint.scheme(), "http" | "https") || endpoint.host_str().is_none() {
            bail!("the endpoint URL must be http(s)://HOST[:PORT]");
        }
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("argus-remote/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = ca_bundle {
            let pem = std::fs::read(path)
                .with_context(|| format!("cannot read the CA bundle {}", path.display()))?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem)
                .with_context(|| format!("{}: not a PEM certificate bundle", path.display()))?;
            if certificates.is_empty() {
                bail!("{}: no PEM certificate found", path.display());
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let http = builder.build()?;
        Ok(Client {
            http,
            endpoint,
            credentials,
        })
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Calls `operation` at `method path?query` with an optional JSON body.
    pub async fn call(
        &self,
        operation: &str,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Value> {
        let mut pairs: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        pairs.sort();
        let query = (!pairs.is_empty()).then(|| pairs.join("&"));
        let base = self.endpoint.as_str().trim_end_matches('/');
        let url = match &query {
            Some(q) => format!("{base}{path}?{q}"),
            None => format!("{base}{path}"),
        };
        let raw_path = format!("{}{path}", self.endpoint.path().trim_end_matches('/'));
        let host = match self.endpoint.port() {
            Some(port) => format!("{}:{port}", self.endpoint.host_str().unwrap_or_default()),
            None => self.endpoint.host_str().unwrap_or_default().to_string(),
        };
        let payload = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let mut delay = Duration::from_millis(200);
        for attempt in 1..=ATTEMPTS {
            let amz_date = amz_date();
            let authorization = argus_server::sigv4::sign_request(
                &self.credentials.access_key_id,
                &self.credentials.secret_access_key,
                &self.credentials.region,
                &amz_date,
                (method.as_str(), &raw_path, query.as_deref()),
                argus_server::sigv4::SigningHeaders {
                    host: &host,
                    content_type: body.map(|_| "application/json"),
                    session_token: self.credentials.session_token.as_deref(),
                },
                &payload,
            );
            let mut request = self
                .http
                .request(method.clone(), &url)
                .header("x-amz-date", &amz_date)
                .header("authorization", authorization);
            if let Some(token) = &self.credentials.session_token {
                request = request.header("x-amz-security-token", token);
            }
            if body.is_some() {
                request = request
                    .header("content-type", "application/json")
                    .body(payload.clone());
            }
            let response = match request.send().await {
                Ok(response) => response,
                Err(e) if attempt < ATTEMPTS && (e.is_connect() || e.is_timeout()) => {
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                    continue;
                }
                Err(e) => return Err(anyhow!("{operation}: cannot reach {}: {e}", self.endpoint)),
            };
            let status = response.status();
            let kind = response
                .headers()
                .get("x-amzn-errortype")
                .and_then(|v| v.to_str().ok())
                .map(|v| {
                    v.split(':')
                        .next()
                        .unwrap_or(v)
                        .rsplit('#')
                        .next()
                        .unwrap_or(v)
                        .to_string()
                });
            let text = response.text().await.unwrap_or_default();
            if status.is_success() {
                return serde_json::from_str(&text).with_context(|| {
                    format!("{operation}: the service answered with invalid JSON")
                });
            }
            let retryable = status.as_u16() == 429 || status.is_server_error();
            if retryable && attempt < ATTEMPTS {
                tokio::time::sleep(delay).await;
                delay *= 2;
                continue;
            }
            let message = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| {
                    v.get("message")
                        .or_else(|| v.get("Message"))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .unwrap_or(text);
            let kind = kind.unwrap_or_else(|| status.as_u16().to_string());
            bail!("An error occurred ({kind}) when calling the {operation} operation: {message}");
        }
        unreachable!("the last attempt returns")
    }
}

/// The current time as `YYYYMMDDTHHMMSSZ`.
fn amz_date() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}
