"""SigV4 edge cases against a running argus serve, signed by hand so each
part can be bent: prints one JSON object per case with the HTTP status and
the x-amzn-ErrorType / message the server answered. The Rust test asserts.

Environment: ARGUS_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_DEFAULT_REGION; optional SESSION_KEY_ID / SESSION_SECRET / SESSION_TOKEN
(temporary credentials) and UPLOAD_URL (a presigned upload URL).
"""

import datetime
import hashlib
import hmac
import json
import os
import urllib.error
import urllib.parse
import urllib.request

ENDPOINT = os.environ["ARGUS_ENDPOINT"]
KEY = os.environ["AWS_ACCESS_KEY_ID"]
SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]
REGION = os.environ["AWS_DEFAULT_REGION"]
HOST = urllib.parse.urlparse(ENDPOINT).netloc


def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def sign(method, path, body=b"", *, key=KEY, secret=SECRET, region=REGION,
         service="codeguru-security", when=None, extra=None, signed=None,
         payload_hash=None, token=None):
    """Headers for a request; `signed` overrides the SignedHeaders list,
    `payload_hash` the hash put in the canonical request."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    headers = {"host": HOST, "x-amz-date": amz_date}
    if body:
        headers["content-type"] = "application/json"
    if token:
        headers["x-amz-security-token"] = token
    headers.update(extra or {})
    names = signed or sorted(headers)
    canonical_headers = "".join(f"{n}:{headers.get(n, '')}\n" for n in names)
    phash = payload_hash or hashlib.sha256(body).hexdigest()
    canonical = "\n".join([method, urllib.parse.quote(path, safe="/~"), "",
                           canonical_headers, ";".join(names), phash])
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    k = _hmac(("AWS4" + secret).encode(), amz_date[:8])
    k = _hmac(_hmac(_hmac(k, region), service), "aws4_request")
    signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={key}/{scope}, "
                                f"SignedHeaders={';'.join(names)}, Signature={signature}")
    return headers


def send(method, url, headers, body=b""):
    request = urllib.request.Request(url, data=body or None, method=method)
    for name, value in headers.items():
        if name != "host":
            request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return {"status": response.status, "type": None, "message": None}
    except urllib.error.HTTPError as error:
        text = error.read().decode("utf-8", "replace")
        try:
            message = json.loads(text).get("message")
        except ValueError:
            message = text
        return {"status": error.code, "type": error.headers.get("x-amzn-ErrorType"),
                "message": message}


def case(name, method, path, body=b"", send_body=None, drop=(), **kw):
    headers = sign(method, path, body, **kw)
    for header in drop:
        headers.pop(header, None)
    result = send(method, ENDPOINT + path, headers, body if send_body is None else send_body)
    result["case"] = name
    print(json.dumps(result), flush=True)


now = datetime.datetime.now(datetime.timezone.utc)
body = json.dumps({"scanName": "edge-cases"}).encode()
case("valid", "GET", "/scans")
case("valid_post", "POST", "/uploadUrl", body)
case("skew_past", "GET", "/scans", when=now - datetime.timedelta(minutes=20))
case("skew_future", "GET", "/scans", when=now + datetime.timedelta(minutes=20))
case("skew_within", "GET", "/scans", when=now - datetime.timedelta(minutes=10))
case("wrong_region", "GET", "/scans", region="eu-west-1")
case("wrong_service", "GET", "/scans", service="s3")
case("body_changed", "POST", "/uploadUrl", body,
     send_body=json.dumps({"scanName": "other-name"}).encode())
case("payload_header_mismatch", "POST", "/uploadUrl", body,
     extra={"x-amz-content-sha256": hashlib.sha256(b"something else").hexdigest()})
case("duplicate_signed_header", "GET", "/scans", signed=["host", "host", "x-amz-date"])
case("host_not_signed", "GET", "/scans", signed=["x-amz-date"])
case("signed_header_missing", "GET", "/scans", signed=["host", "x-amz-date", "x-custom"])
case("no_authorization", "GET", "/scans", drop=("authorization",))
case("unknown_key", "GET", "/scans", key="AKIAUNKNOWNKEY000000")
case("wrong_secret", "GET", "/scans", secret="not-the-secret")
case("token_on_permanent_key", "GET", "/scans", token="some-token")

if os.environ.get("SESSION_TOKEN"):
    session = dict(key=os.environ["SESSION_KEY_ID"], secret=os.environ["SESSION_SECRET"])
    case("session_valid", "GET", "/scans", token=os.environ["SESSION_TOKEN"], **session)
    case("session_no_token", "GET", "/scans", **session)
    token = os.environ["SESSION_TOKEN"]
    case("session_wrong_token", "GET", "/scans",
         token=("A" if token[0] != "A" else "B") + token[1:], **session)
    case("session_token_unsigned", "GET", "/scans", token=os.environ["SESSION_TOKEN"],
         signed=["host", "x-amz-date"], **session)

if os.environ.get("UPLOAD_URL"):
    url = os.environ["UPLOAD_URL"]
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))

    def put(name, **changes):
        q = dict(query, **changes)
        target = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(q)))
        result = send("PUT", target, {"content-type": "application/zip"}, b"PK\x05\x06" + b"\0" * 18)
        result["case"] = name
        print(json.dumps(result), flush=True)

    signature = query["X-Argus-Signature"]
    put("upload_tampered_signature",
        **{"X-Argus-Signature": ("0" if signature[0] != "0" else "1") + signature[1:]})
    put("upload_extended_expiry", **{"X-Argus-Expires": str(int(query["X-Argus-Expires"]) + 3600)})
    other = parts._replace(path=parts.path.rsplit("/", 1)[0] + "/00000000-0000-4000-8000-000000000000")
    result = send("PUT", urllib.parse.urlunsplit(other), {"content-type": "application/zip"}, b"PK")
    result["case"] = "upload_other_artifact"
    print(json.dumps(result), flush=True)
