#!/usr/bin/env python3
"""End-to-end check of `argus serve` with boto3 (CodeGuru Security API).

Drives the documented flow (CreateUploadUrl -> HTTP PUT -> CreateScan ->
GetScan polling -> GetFindings) over three revisions of the service
fixtures and checks findings tracking, paging, BatchGetFindings, tags,
account configuration, metrics and the typed errors against the API
contract (shared spec: api-contract.md, codeguru-security.model.json).

Environment:
  ARGUS_ENDPOINT   e.g. http://127.0.0.1:18555
  FIXTURES         the service fixtures directory (holds v1/ v2/ v3/)
  SCAN_NAME        a scan name unused on that server (SCAN_NAME-b is used too)
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION
  SCAN_TIMEOUT_SECONDS  optional, how long to wait for one scan (default 300)

Prints one `ok - ...` line per passed check; on the first failed check it
prints `FAIL: ...` to stderr and exits 1 (2 for a bad environment).
Only the standard library and boto3 are used.
"""

import datetime as dt
import io
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile

import boto3
import botocore.exceptions
from botocore.config import Config

UUID_RE = re.compile(r"^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$")
SEVERITIES = {"Critical", "High", "Medium", "Low", "Info"}
PER_SEVERITY = ("info", "low", "medium", "high", "critical")

# The four findings of the fixtures, matched in v1 by detector and location,
# then followed by id. Locations per revision (None: not reported / Closed).
EXPECTED = {
    "A": {"detector": "python/insecure-hashing",
          "v1": ("app/auth.py", 6), "v2": None, "v3": ("app/auth.py", 6)},
    "B": {"detector": "python/insecure-hashing",
          "v1": ("app/auth.py", 10), "v2": ("app/auth.py", 15), "v3": ("app/auth.py", 10)},
    "C": {"detector": "secrets/connection-string",
          "v1": ("config/settings.py", 3), "v2": ("config/database.py", 2),
          "v3": ("config/database.py", 2)},
    "D": {"detector": "cloudformation/public-read-bucket-acl-cloudformation",
          "v1": ("infra/bucket.yaml", 6), "v2": ("infra/bucket.yaml", 6),
          "v3": ("infra/bucket.yaml", 6)},
}
LABELS = {"A": "A (md5)", "B": "B (sha1)", "C": "C (connection string)", "D": "D (public bucket ACL)"}

CHECKS = 0


class CheckFailed(Exception):
    pass


def ok(message):
    global CHECKS
    CHECKS += 1
    print(f"ok {CHECKS} - {message}", flush=True)


def fail(message, got=None):
    text = message
    if got is not None:
        text += "\n  got: " + short(got)
    raise CheckFailed(text)


def check(condition, message, got=None):
    if not condition:
        fail(message, got)
    ok(message)


def short(value, limit=1500):
    if isinstance(value, (dict, list)):
        value = dict(value) if isinstance(value, dict) else value
        if isinstance(value, dict):
            value = {k: v for k, v in value.items() if k != "ResponseMetadata"}
        text = json.dumps(value, default=str, sort_keys=True)
    else:
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def env(name):
    value = os.environ.get(name)
    if not value:
        print(f"FAIL: environment variable {name} is not set", file=sys.stderr)
        sys.exit(2)
    return value


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


def is_recent(ts):
    return isinstance(ts, dt.datetime) and ts.tzinfo is not None and abs(
        (utcnow() - ts).total_seconds()) < 3600


def zip_dir(path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d != ".git")
            for name in sorted(files):
                full = os.path.join(root, name)
                zf.write(full, os.path.relpath(full, path))
    return buf.getvalue()


def expect_client_error(call, code, status, label):
    """Run call(), which must fail with ClientError `code`; return the error."""
    try:
        result = call()
    except botocore.exceptions.ClientError as e:
        got_code = e.response.get("Error", {}).get("Code")
        got_status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if got_code != code or got_status != status:
            fail(f"{label}: expected {code} (HTTP {status})",
                 {"code": got_code, "status": got_status,
                  "message": e.response.get("Error", {}).get("Message"),
                  "response": {k: v for k, v in e.response.items()
                               if k not in ("ResponseMetadata",)}})
        return e
    fail(f"{label}: expected {code} (HTTP {status}), but the call succeeded", result)


def expect_typed(client, call, exc_name, status, label):
    exc_class = getattr(client.exceptions, exc_name)
    e = expect_client_error(call, exc_name, status, label)
    if not isinstance(e, exc_class):
        fail(f"{label}: boto3 raised {type(e).__name__}, not client.exceptions.{exc_name}")
    if not e.response.get("errorCode") or not e.response.get("Error", {}).get("Message"):
        fail(f"{label}: {exc_name} lacks the required errorCode/message members", e.response)
    return e


class Flow:
    def __init__(self):
        self.endpoint = env("ARGUS_ENDPOINT")
        self.fixtures = env("FIXTURES")
        self.scan = env("SCAN_NAME")
        self.scan_b = self.scan + "-b"
        self.region = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or "us-east-1"
        self.timeout = float(os.environ.get("SCAN_TIMEOUT_SECONDS", "300"))
        for v in ("v1", "v2", "v3"):
            if not os.path.isdir(os.path.join(self.fixtures, v)):
                print(f"FAIL: {self.fixtures}/{v} is not a directory", file=sys.stderr)
                sys.exit(2)
        self.config = Config(retries={"max_attempts": 6, "mode": "standard"})
        self.client = boto3.client("codeguru-security", endpoint_url=self.endpoint,
                                   region_name=self.region, config=self.config)
        self.ids = {}          # label -> finding id
        self.v1_findings = {}  # label -> finding (v1)
        self.runs = {}         # revision -> runId
        self.arn = None
        self.account = None

    # ---------------------------------------------------------------- helpers

    def upload(self, scan_name, revision):
        c = self.client
        resp = c.create_upload_url(scanName=scan_name)
        for key in ("s3Url", "requestHeaders", "codeArtifactId"):
            if key not in resp:
                fail(f"CreateUploadUrl({scan_name}) lacks {key}", resp)
        if not UUID_RE.match(resp["codeArtifactId"]):
            fail("CreateUploadUrl codeArtifactId is not a lower-case UUID", resp["codeArtifactId"])
        headers = resp["requestHeaders"]
        if not isinstance(headers, dict) or not all(
                isinstance(k, str) and k and isinstance(v, str) and v for k, v in headers.items()):
            fail("CreateUploadUrl requestHeaders is not a map of non-empty strings", headers)
        ok(f"CreateUploadUrl {scan_name} ({revision}): codeArtifactId {resp['codeArtifactId']}, "
           f"requestHeaders {sorted(headers)}")
        body = zip_dir(os.path.join(self.fixtures, revision))
        req = urllib.request.Request(resp["s3Url"], data=body, method="PUT", headers=dict(headers))
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                status = r.status
        except urllib.error.HTTPError as e:
            fail(f"PUT of {revision}.zip to s3Url failed: HTTP {e.code}",
                 e.read().decode("utf-8", "replace"))
        except urllib.error.URLError as e:
            fail(f"PUT of {revision}.zip to s3Url failed: {e.reason}")
        check(200 <= status < 300, f"PUT {revision}.zip ({len(body)} bytes) to s3Url: HTTP {status}")
        return resp["codeArtifactId"]

    def create_scan(self, scan_name, artifact, **extra):
        resp = self.client.create_scan(scanName=scan_name, resourceId={"codeArtifactId": artifact},
                                       analysisType="Security", **extra)
        return resp

    def wait(self, scan_name, run_id):
        deadline = time.monotonic() + self.timeout
        while True:
            resp = self.client.get_scan(scanName=scan_name, runId=run_id)
            state = resp.get("scanState")
            if state in ("Successful", "Failed"):
                break
            if state != "InProgress":
                fail(f"GetScan {scan_name} run {run_id}: unexpected scanState", resp)
            if time.monotonic() > deadline:
                fail(f"scan {scan_name} run {run_id} still InProgress after {self.timeout:.0f}s", resp)
            time.sleep(0.5)
        if state != "Successful":
            fail(f"scan {scan_name} run {run_id} ended {state}", resp)
        check(resp.get("scanName") == scan_name and resp.get("runId") == run_id,
              f"GetScan {scan_name} run {run_id} reached Successful", resp)
        check(is_recent(resp.get("createdAt")) and resp.get("analysisType") == "Security",
              "GetScan has createdAt (datetime) and analysisType Security", resp)
        return resp

    def findings(self, scan_name, status):
        resp = self.client.get_findings(scanName=scan_name, status=status)
        if resp.get("nextToken"):
            fail(f"GetFindings {scan_name} status={status}: unexpected nextToken for a small result", resp)
        return resp.get("findings", [])

    @staticmethod
    def loc(f):
        fp = (f.get("vulnerability") or {}).get("filePath") or {}
        return (fp.get("path"), fp.get("startLine"))

    @staticmethod
    def detector_base(f):
        return (f.get("detectorId") or "").split("@", 1)[0]

    def by_id(self, findings):
        return {f.get("id"): f for f in findings}

    def check_located(self, findings, revision, status):
        index = self.by_id(findings)
        for label, exp in EXPECTED.items():
            want = exp[revision]
            if want is None:
                continue
            f = index.get(self.ids[label])
            if f is None:
                fail(f"{revision}: finding {LABELS[label]} (id {self.ids[label]}) missing from "
                     f"GetFindings status={status}",
                     [(x.get("id"), x.get("detectorId"), self.loc(x)) for x in findings])
            check(f.get("status") == "Open" and self.loc(f) == want,
                  f"{revision}: {LABELS[label]} Open, same id {self.ids[label]}, at {want[0]}:{want[1]}",
                  {"status": f.get("status"), "location": self.loc(f)})

    # ------------------------------------------------------------------ steps

    def revision1(self):
        c = self.client
        artifact = self.upload(self.scan, "v1")
        resp = self.create_scan(self.scan, artifact, tags={"team": "appsec"})
        run = resp.get("runId", "")
        check(resp.get("scanState") == "InProgress" and UUID_RE.match(run)
              and resp.get("scanName") == self.scan
              and resp.get("resourceId") == {"codeArtifactId": artifact},
              f"CreateScan v1: InProgress, runId {run}, resourceId echoed", resp)
        arn_re = re.compile(r"^arn:aws:codeguru-security:%s:(\d{12}):scans/%s$"
                            % (re.escape(self.region), re.escape(self.scan)))
        m = arn_re.match(resp.get("scanNameArn") or "")
        check(m is not None, f"CreateScan scanNameArn is {resp.get('scanNameArn')}", resp)
        self.arn, self.account = resp["scanNameArn"], m.group(1)
        self.runs["v1"] = run
        scan = self.wait(self.scan, run)
        check(scan.get("numberOfRevisions") == 1 and scan.get("scanNameArn") == self.arn,
              "v1: numberOfRevisions 1 and the same scanNameArn", scan)

        findings = self.findings(self.scan, "Open")
        check(len(findings) == 4, "v1: GetFindings status=Open returns 4 findings",
              [(f.get("detectorId"), self.loc(f)) for f in findings])
        for f in findings:
            fp = (f.get("vulnerability") or {}).get("filePath") or {}
            rec = (f.get("remediation") or {}).get("recommendation") or {}
            problems = []
            if not f.get("id"):
                problems.append("id")
            if f.get("status") != "Open":
                problems.append("status")
            if f.get("severity") not in SEVERITIES:
                problems.append("severity")
            if not f.get("detectorId"):
                problems.append("detectorId")
            if not fp.get("path") or not isinstance(fp.get("startLine"), int):
                problems.append("vulnerability.filePath.path/startLine")
            if not rec.get("text"):
                problems.append("remediation.recommendation.text")
            if not is_recent(f.get("createdAt")):
                problems.append("createdAt (recent datetime)")
            if not is_recent(f.get("updatedAt")):
                problems.append("updatedAt (recent datetime)")
            if (f.get("resource") or {}).get("id") != self.scan:
                problems.append("resource.id == scanName")
            if problems:
                fail(f"v1 finding {f.get('id')} lacks/invalid: {', '.join(problems)}", f)
            ok(f"v1 finding {f['id']}: {f['severity']} {f['detectorId']} ({f.get('ruleId')}) "
               f"at {fp['path']}:{fp['startLine']}")
        for label, exp in EXPECTED.items():
            match = [f for f in findings
                     if self.detector_base(f) == exp["detector"] and self.loc(f) == exp["v1"]]
            check(len(match) == 1,
                  f"v1: {LABELS[label]} = {exp['detector']} at {exp['v1'][0]}:{exp['v1'][1]}",
                  [(f.get("detectorId"), self.loc(f)) for f in findings])
            self.ids[label] = match[0]["id"]
            self.v1_findings[label] = match[0]
        check(len(set(self.ids.values())) == 4, "v1: the 4 finding ids are distinct", self.ids)
        check(self.findings(self.scan, "Closed") == [], "v1: GetFindings status=Closed is empty")

    def revision2(self):
        artifact = self.upload(self.scan, "v2")
        resp = self.create_scan(self.scan, artifact)
        run = resp.get("runId", "")
        check(resp.get("scanState") == "InProgress" and UUID_RE.match(run) and run != self.runs["v1"],
              f"CreateScan v2 (same scanName): InProgress, new runId {run}", resp)
        self.runs["v2"] = run
        scan = self.wait(self.scan, run)
        check(scan.get("numberOfRevisions") == 2, "v2: GetScan numberOfRevisions == 2", scan)

        closed = self.findings(self.scan, "Closed")
        check([f.get("id") for f in closed] == [self.ids["A"]],
              f"v2: GetFindings status=Closed is exactly A ({self.ids['A']})",
              [(f.get("id"), f.get("detectorId"), self.loc(f)) for f in closed])
        a = closed[0]
        check(a.get("status") == "Closed", "v2: A has status Closed", a.get("status"))
        check(isinstance(a.get("updatedAt"), dt.datetime)
              and a["updatedAt"] > self.v1_findings["A"]["updatedAt"],
              "v2: A's updatedAt moved forward when it was closed",
              {"v1": self.v1_findings["A"].get("updatedAt"), "v2": a.get("updatedAt")})

        open_ = self.findings(self.scan, "Open")
        check(len(open_) == 3, "v2: GetFindings status=Open returns 3 findings",
              [(f.get("id"), f.get("detectorId"), self.loc(f)) for f in open_])
        self.check_located(open_, "v2", "Open")
        index = self.by_id(open_)
        for label in ("B", "C"):
            before, after = self.v1_findings[label], index[self.ids[label]]
            check(after.get("updatedAt") > before.get("updatedAt"),
                  f"v2: {LABELS[label]} updatedAt moved forward with its location",
                  {"v1": before.get("updatedAt"), "v2": after.get("updatedAt")})
            check(after.get("createdAt") == before.get("createdAt"),
                  f"v2: {LABELS[label]} keeps its createdAt (first detection)",
                  {"v1": before.get("createdAt"), "v2": after.get("createdAt")})

        all_ = self.findings(self.scan, "All")
        check(len(all_) == 4 and set(self.by_id(all_)) == set(self.ids.values()),
              "v2: GetFindings status=All returns the 4 ids (3 Open + 1 Closed)",
              [(f.get("id"), f.get("status")) for f in all_])
        statuses = {f["id"]: f.get("status") for f in all_}
        check(statuses[self.ids["A"]] == "Closed"
              and all(statuses[self.ids[k]] == "Open" for k in "BCD"),
              "v2: in status=All, A is Closed and B, C, D are Open", statuses)

    def revision3(self):
        artifact = self.upload(self.scan, "v3")
        resp = self.create_scan(self.scan, artifact)
        run = resp.get("runId", "")
        check(resp.get("scanState") == "InProgress" and UUID_RE.match(run)
              and run not in self.runs.values(),
              f"CreateScan v3: InProgress, new runId {run}", resp)
        self.runs["v3"] = run
        scan = self.wait(self.scan, run)
        check(scan.get("numberOfRevisions") == 3, "v3: GetScan numberOfRevisions == 3", scan)
        open_ = self.findings(self.scan, "Open")
        check(len(open_) == 4, "v3: GetFindings status=Open returns 4 findings",
              [(f.get("id"), f.get("detectorId"), self.loc(f)) for f in open_])
        self.check_located(open_, "v3", "Open")
        check(self.findings(self.scan, "Closed") == [], "v3: GetFindings status=Closed is empty")

        latest = self.client.get_scan(scanName=self.scan)
        check(latest.get("runId") == self.runs["v3"] and latest.get("scanState") == "Successful",
              "GetScan without runId describes the latest run (v3)", latest)
        first = self.client.get_scan(scanName=self.scan, runId=self.runs["v1"])
        check(first.get("runId") == self.runs["v1"] and first.get("scanState") == "Successful"
              and first.get("scanName") == self.scan,
              f"GetScan with the v1 runId returns that run ({self.runs['v1']})", first)

    def second_scan(self):
        """SCAN_NAME-b from v1, with an explicit clientToken (idempotency + conflict)."""
        c = self.client
        artifact = self.upload(self.scan_b, "v1")
        token = str(uuid.uuid4())
        first = self.create_scan(self.scan_b, artifact, clientToken=token)
        check(first.get("scanState") == "InProgress" and UUID_RE.match(first.get("runId", "")),
              f"CreateScan {self.scan_b} with clientToken {token}", first)
        again = self.create_scan(self.scan_b, artifact, clientToken=token)
        check(again.get("runId") == first["runId"],
              "CreateScan retried with the same clientToken and request returns the same runId",
              {"first": first.get("runId"), "retry": again.get("runId")})
        e = expect_typed(c, lambda: c.create_scan(scanName=self.scan_b,
                                                  resourceId={"codeArtifactId": artifact},
                                                  analysisType="All", clientToken=token),
                         "ConflictException", 409,
                         "CreateScan reusing a clientToken with a different request")
        check(e.response.get("resourceId") and e.response.get("resourceType"),
              "ConflictException carries resourceId and resourceType "
              f"({e.response.get('resourceId')}, {e.response.get('resourceType')})", e.response)
        scan = self.wait(self.scan_b, first["runId"])
        check(scan.get("numberOfRevisions") == 1,
              f"{self.scan_b}: one revision (the retried CreateScan made no new run)", scan)
        check(len(self.findings(self.scan_b, "Open")) == 4, f"{self.scan_b}: 4 Open findings")

    def paginators(self):
        c = self.client
        pages = list(c.get_paginator("get_findings").paginate(
            scanName=self.scan, status="All", PaginationConfig={"PageSize": 1}))
        items = [f for p in pages for f in p.get("findings", [])]
        check(len(pages) == 4 and all(len(p.get("findings", [])) == 1 for p in pages),
              "GetFindings paginator (PageSize 1, status All): 4 pages of 1 finding",
              [len(p.get("findings", [])) for p in pages])
        check(sorted(f["id"] for f in items) == sorted(self.ids.values()),
              "GetFindings paginator: the 4 known ids, no duplicates", [f.get("id") for f in items])
        check(pages[-1].get("nextToken") is None, "GetFindings paginator: last page has no nextToken",
              pages[-1])

        pages = list(c.get_paginator("list_scans").paginate(PaginationConfig={"PageSize": 1}))
        summaries = [s for p in pages for s in p.get("summaries", [])]
        names = [s.get("scanName") for s in summaries]
        check(all(len(p.get("summaries", [])) <= 1 for p in pages) and len(pages) >= 2,
              f"ListScans paginator (PageSize 1): {len(pages)} pages of at most 1 summary",
              [len(p.get("summaries", [])) for p in pages])
        check(len(names) == len(set(names)) and self.scan in names and self.scan_b in names,
              f"ListScans paginator: {len(names)} distinct scans including {self.scan} and {self.scan_b}",
              names)
        s = next(s for s in summaries if s["scanName"] == self.scan)
        check(s.get("runId") == self.runs["v3"] and s.get("scanState") == "Successful"
              and is_recent(s.get("createdAt")) and s.get("scanNameArn") == self.arn,
              "ListScans summary of the scan: latest runId, Successful, createdAt, scanNameArn", s)

        resp = c.list_scans(maxResults=1)
        check(len(resp.get("summaries", [])) == 1 and resp.get("nextToken"),
              "ListScans maxResults=1 returns 1 summary and a nextToken", resp)
        again = c.list_scans(maxResults=1, nextToken=resp["nextToken"])
        twice = c.list_scans(maxResults=1, nextToken=resp["nextToken"])
        check(again.get("summaries") == twice.get("summaries"),
              "ListScans nextToken is reusable (same page twice, needed by --starting-token)",
              {"first": again, "second": twice})

    def batch_get(self):
        c = self.client
        bogus = "argus-no-such-finding-" + uuid.uuid4().hex[:8]
        resp = c.batch_get_findings(findingIdentifiers=[
            {"scanName": self.scan, "findingId": self.ids["A"]},
            {"scanName": self.scan, "findingId": bogus},
        ])
        found, failed = resp.get("findings"), resp.get("failedFindings")
        check(isinstance(found, list) and [f.get("id") for f in found] == [self.ids["A"]],
              "BatchGetFindings returns the one real finding", resp)
        check(isinstance(failed, list) and len(failed) == 1, "BatchGetFindings has 1 failedFindings entry",
              resp)
        err = failed[0]
        check(err.get("scanName") == self.scan and err.get("findingId") == bogus
              and err.get("errorCode") == "ITEM_DOES_NOT_EXIST" and err.get("message"),
              f"BatchGetFindings failure: errorCode ITEM_DOES_NOT_EXIST for {bogus} "
              f"({err.get('message')!r})", err)

        ident = {"scanName": self.scan, "findingId": self.ids["B"]}
        resp = c.batch_get_findings(findingIdentifiers=[ident, ident, {"scanName": "bad name!",
                                                                       "findingId": "x"}])
        codes = sorted((e.get("findingId"), e.get("errorCode")) for e in resp.get("failedFindings", []))
        check([f.get("id") for f in resp.get("findings", [])] == [self.ids["B"]]
              and codes == sorted([(self.ids["B"], "DUPLICATE_IDENTIFIER"), ("x", "INVALID_SCAN_NAME")]),
              "BatchGetFindings: a repeated identifier is returned once plus DUPLICATE_IDENTIFIER; "
              "an invalid scan name gives INVALID_SCAN_NAME", resp)
        expect_typed(c, lambda: c.batch_get_findings(findingIdentifiers=[
            {"scanName": self.scan, "findingId": str(i)} for i in range(26)]),
            "ValidationException", 400, "BatchGetFindings with 26 identifiers")
        ok("BatchGetFindings with 26 identifiers: ValidationException")

    def tags(self):
        c = self.client
        tags = c.list_tags_for_resource(resourceArn=self.arn).get("tags")
        check(tags == {"team": "appsec"}, "ListTagsForResource: {team: appsec} (set by CreateScan v1)", tags)
        resp = c.tag_resource(resourceArn=self.arn, tags={"env": "dev"})
        check(resp["ResponseMetadata"]["HTTPStatusCode"] == 204, "TagResource env=dev: HTTP 204",
              resp["ResponseMetadata"]["HTTPStatusCode"])
        tags = c.list_tags_for_resource(resourceArn=self.arn).get("tags")
        check(tags == {"team": "appsec", "env": "dev"}, "ListTagsForResource: team and env", tags)
        resp = c.untag_resource(resourceArn=self.arn, tagKeys=["team"])
        check(resp["ResponseMetadata"]["HTTPStatusCode"] == 204, "UntagResource team: HTTP 204",
              resp["ResponseMetadata"]["HTTPStatusCode"])
        resp = c.untag_resource(resourceArn=self.arn, tagKeys=["team"])
        check(resp["ResponseMetadata"]["HTTPStatusCode"] == 204,
              "UntagResource of an absent key is idempotent: HTTP 204",
              resp["ResponseMetadata"]["HTTPStatusCode"])
        tags = c.list_tags_for_resource(resourceArn=self.arn).get("tags")
        check(tags == {"env": "dev"}, "ListTagsForResource after untag: {env: dev}", tags)

    def account_configuration(self):
        c = self.client
        before = c.get_account_configuration()
        check(isinstance(before.get("encryptionConfig"), dict),
              f"GetAccountConfiguration: encryptionConfig {before.get('encryptionConfig')}", before)
        unknown = f"arn:aws:kms:{self.region}:{self.account}:key/{uuid.uuid4()}"
        try:
            c.update_account_configuration(encryptionConfig={"kmsKeyArn": unknown})
            check(False, "UpdateAccountConfiguration refuses a key that does not exist", unknown)
        except c.exceptions.ResourceNotFoundException as e:
            check(unknown in str(e), "UpdateAccountConfiguration(unknown key): ResourceNotFoundException", e)
        # A key the server knows (argus: `argus admin key create`).
        key = os.environ.get("KMS_KEY_ARN")
        if key:
            resp = c.update_account_configuration(encryptionConfig={"kmsKeyArn": key})
            check(resp.get("encryptionConfig") == {"kmsKeyArn": key},
                  "UpdateAccountConfiguration(kmsKeyArn) echoes the key", resp)
            got = c.get_account_configuration()
            check(got.get("encryptionConfig") == {"kmsKeyArn": key},
                  "GetAccountConfiguration returns the customer managed key", got)
        else:
            print("# KMS_KEY_ARN is not set: the customer managed key checks are skipped")
        # Contract §3/§10 and the user guide: an empty encryptionConfig means
        # the AWS-managed key; UpdateAccountConfiguration with {} switches back
        # to it and GetAccountConfiguration then returns {} (kmsKeyArn absent).
        resp = c.update_account_configuration(encryptionConfig={})
        check(resp.get("encryptionConfig") == {},
              "UpdateAccountConfiguration({}) resets to the AWS-managed key (returns {})", resp)
        got = c.get_account_configuration()
        check(got.get("encryptionConfig") == {},
              "GetAccountConfiguration after reset: encryptionConfig {}", got)

    def metrics(self):
        c = self.client
        today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
        resp = c.get_metrics_summary(date=today)
        ms = resp.get("metricsSummary")
        check(isinstance(ms, dict), "GetMetricsSummary(date=today) returns metricsSummary", resp)
        opened = ms.get("openFindings") or {}
        check(all(isinstance(opened.get(k, 0.0), (int, float)) for k in PER_SEVERITY),
              "GetMetricsSummary openFindings is per severity numbers", opened)
        total = sum(opened.get(k, 0) for k in PER_SEVERITY)
        cats = ms.get("categoriesWithMostFindings") or []
        most = ms.get("scansWithMostOpenFindings") or []
        crit = ms.get("scansWithMostOpenCriticalFindings") or []
        print(f"   metricsSummary: date={ms.get('date')} openFindings={opened} (total {total:g})")
        print(f"   categoriesWithMostFindings={cats}")
        print(f"   scansWithMostOpenFindings={most} scansWithMostOpenCriticalFindings={crit}")
        # Open now: A, B, C, D in SCAN_NAME and the same 4 in SCAN_NAME-b
        # (2 Medium + 2 High each); other scans on the server only add to it.
        check(total >= 8 and opened.get("medium", 0) >= 4 and opened.get("high", 0) >= 4,
              "GetMetricsSummary: at least 8 open findings today (medium >= 4, high >= 4)", opened)
        check(isinstance(ms.get("date"), dt.datetime), "GetMetricsSummary date is a datetime", ms)
        check(len(cats) <= 5 and len(most) <= 3 and len(crit) <= 3,
              "GetMetricsSummary list limits (5 categories, 3 + 3 scans)", ms)
        for name, lst in (("categoriesWithMostFindings", cats), ("scansWithMostOpenFindings", most),
                          ("scansWithMostOpenCriticalFindings", crit)):
            nums = [x.get("findingNumber") for x in lst]
            check(all(isinstance(n, int) and n > 0 for n in nums) and nums == sorted(nums, reverse=True),
                  f"GetMetricsSummary {name} sorted by findingNumber (descending)", lst)
        check(bool(most) and most[0].get("findingNumber", 0) >= 4,
              "GetMetricsSummary: the top scan has at least 4 open findings", most)

        start, end = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
        resp = c.list_findings_metrics(startDate=start, endDate=end)
        metrics = resp.get("findingsMetrics")
        check(isinstance(metrics, list) and metrics,
              "ListFindingsMetrics(yesterday..tomorrow) returns findingsMetrics", resp)
        for m in metrics:
            d = m.get("date")
            def tot(field):
                return sum((m.get(field) or {}).get(k, 0) for k in PER_SEVERITY)
            print(f"   findingsMetrics {d}: new={m.get('newFindings')} (total {tot('newFindings'):g}) "
                  f"closed={m.get('closedFindings')} (total {tot('closedFindings'):g}) "
                  f"open={m.get('openFindings')} (total {tot('openFindings'):g}) "
                  f"meanTimeToClose={m.get('meanTimeToClose')}")
        check(all(isinstance(m.get("date"), dt.datetime) and start <= m["date"] <= end for m in metrics),
              "ListFindingsMetrics entries are dated inside the range", [m.get("date") for m in metrics])
        todays = [m for m in metrics if m["date"].date() == today.date()]
        check(len(todays) == 1, "ListFindingsMetrics has one entry for today",
              [m.get("date") for m in metrics])
        m = todays[0]
        new = sum((m.get("newFindings") or {}).get(k, 0) for k in PER_SEVERITY)
        open_ = sum((m.get("openFindings") or {}).get(k, 0) for k in PER_SEVERITY)
        closed = sum((m.get("closedFindings") or {}).get(k, 0) for k in PER_SEVERITY)
        check(new >= 8, f"ListFindingsMetrics today: newFindings total {new:g} >= 8 (4 + 4 created today)", m)
        check(open_ >= 8 and open_ <= total,
              f"ListFindingsMetrics today: openFindings total {open_:g} >= 8 and consistent with "
              f"GetMetricsSummary ({total:g})", m)
        check(closed >= 1, f"ListFindingsMetrics today: closedFindings total {closed:g} >= 1 "
              "(A was closed by v2 today)", m)

    def errors(self):
        c = self.client
        missing = "argus-missing-" + uuid.uuid4().hex[:12]
        e = expect_typed(c, lambda: c.get_scan(scanName=missing), "ResourceNotFoundException", 404,
                         "GetScan of a missing scan")
        check(e.response.get("resourceId") == missing and e.response.get("resourceType"),
              f"ResourceNotFoundException: resourceId {missing}, resourceType "
              f"{e.response.get('resourceType')!r}", e.response)

        for label, call in (
                ("CreateUploadUrl scanName 'bad name!'", lambda: c.create_upload_url(scanName="bad name!")),
                ("GetScan scanName 'bad name!'", lambda: c.get_scan(scanName="bad name!"))):
            e = expect_typed(c, call, "ValidationException", 400, label)
            fields = [f.get("name") for f in e.response.get("fieldList") or []]
            check(e.response.get("reason") == "fieldValidationFailed" and "scanName" in fields,
                  f"{label}: ValidationException reason fieldValidationFailed, fieldList {fields}",
                  e.response)

        e = expect_typed(c, lambda: c.get_findings(scanName=self.scan, maxResults=5000),
                         "ValidationException", 400, "GetFindings maxResults=5000")
        fields = [f.get("name") for f in e.response.get("fieldList") or []]
        check(e.response.get("reason") == "fieldValidationFailed" and "maxResults" in fields,
              f"GetFindings maxResults=5000: ValidationException reason fieldValidationFailed, "
              f"fieldList {fields}", e.response)

        bad_secret = boto3.client(
            "codeguru-security", endpoint_url=self.endpoint, region_name=self.region, config=self.config,
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key="wrong-" + os.environ["AWS_SECRET_ACCESS_KEY"])
        expect_client_error(lambda: bad_secret.list_scans(), "InvalidSignatureException", 403,
                            "ListScans signed with a wrong secret")
        ok("ListScans signed with a wrong secret: InvalidSignatureException (HTTP 403)")
        unknown = boto3.client(
            "codeguru-security", endpoint_url=self.endpoint, region_name=self.region, config=self.config,
            aws_access_key_id="AKIDUNKNOWN" + uuid.uuid4().hex[:9].upper(),
            aws_secret_access_key="whatever-secret")
        expect_client_error(lambda: unknown.list_scans(), "UnrecognizedClientException", 403,
                            "ListScans with an unknown access key")
        ok("ListScans with an unknown access key: UnrecognizedClientException (HTTP 403)")

        # Last on purpose: the remaining checks above do not depend on it.
        foreign = "arn:aws:codeguru-security:%s:000000000000:scans/x" % self.region
        expect_typed(c, lambda: c.tag_resource(resourceArn=foreign, tags={"k": "v"}),
                     "AccessDeniedException", 403, "TagResource on another account's ARN")
        ok(f"TagResource {foreign}: AccessDeniedException (HTTP 403)")

    def run(self):
        print(f"# argus boto3 flow: endpoint {self.endpoint}, scan {self.scan}, region {self.region}")
        self.revision1()
        self.revision2()
        self.revision3()
        self.second_scan()
        self.paginators()
        self.batch_get()
        self.tags()
        self.account_configuration()
        self.metrics()
        self.errors()
        print(f"# all {CHECKS} checks passed")


def main():
    try:
        Flow().run()
    except CheckFailed as e:
        print(f"FAIL (after {CHECKS} passed checks): {e}", file=sys.stderr)
        return 1
    except botocore.exceptions.ClientError as e:
        print(f"FAIL (after {CHECKS} passed checks): unexpected error from "
              f"{e.operation_name}: {e.response.get('Error')} "
              f"{short({k: v for k, v in e.response.items() if k != 'ResponseMetadata'})}",
              file=sys.stderr)
        return 1
    except botocore.exceptions.BotoCoreError as e:
        print(f"FAIL (after {CHECKS} passed checks): {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
