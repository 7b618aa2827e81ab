#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets (fuzz/corpus/<target>/).

Small, deterministic inputs that reach each parser's branches: valid
requests, each kind of malformed one, and hostile zips (escapes, links,
devices, bombs, lying sizes, encrypted and duplicate entries). The corpus
is committed; CI replays it with ordinary tests. Run again after changing
the seeds: `python3 fuzz/seed_corpus.py`.
"""

import io
import os
import shutil
import struct
import zipfile
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    directory = os.path.join(ROOT, target)
    os.makedirs(directory, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def zip_of(entries, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for entry in entries:
            name, data = entry[0], entry[1]
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = compression
            if len(entry) > 2:
                info.create_system = 3
                info.external_attr = entry[2] << 16
            z.writestr(info, data)
    return buffer.getvalue()


def zips():
    py = b"import hashlib\ndef h(p):\n    return hashlib.md5(p).hexdigest()\n"
    write("zip_extract", "plain", zip_of([("app/a.py", py), ("README.md", b"# x\n")]))
    write("zip_extract", "stored", zip_of([("a.py", py)], zipfile.ZIP_STORED))
    write("zip_extract", "empty", zip_of([]))
    write("zip_extract", "dotdot", zip_of([("../../evil.py", py), ("ok.py", py)]))
    write("zip_extract", "absolute", zip_of([("/etc/evil.py", py)]))
    write("zip_extract", "drive", zip_of([("C:/x.py", py), ("C:y.py", py)]))
    write("zip_extract", "backslash", zip_of([("..\\..\\x.py", py)]))
    write("zip_extract", "symlink", zip_of([("link.py", b"/etc/passwd", 0o120777)]))
    write("zip_extract", "chardev", zip_of([("dev.py", b"", 0o020644)]))
    write("zip_extract", "fifo", zip_of([("fifo.py", b"", 0o010644)]))
    write("zip_extract", "nested", zip_of([("lib/x.zip", zip_of([("a.py", py)])), ("a.jar", b"PK\x05\x06")]))
    write("zip_extract", "case", zip_of([("A.py", py), ("a.py", py)]))
    dup = zip_of([("a.py", b"one\n"), ("b.py", b"two\n")]).replace(b"b.py", b"a.py")
    write("zip_extract", "duplicate", dup)
    write("zip_extract", "nulname", zip_of([("aXb.py", py)]).replace(b"aXb.py", b"a\0b.py"))
    write("zip_extract", "longname", zip_of([("d/" + "n" * 300 + ".py", py)]))
    write("zip_extract", "bomb", zip_of([("zeros.py", b"\0" * (2 * 1024 * 1024))]))
    many = zip_of([(f"f{i}.py", b"x\n") for i in range(1100)], zipfile.ZIP_STORED)
    write("zip_extract", "many", many)
    enc = bytearray(zip_of([("s.py", py)]))
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = enc.find(sig)
        enc[i + offset] |= 1
    write("zip_extract", "encrypted", bytes(enc))
    data = b"x = 'lying'\n" * 8
    lie = zip_of([("lies.py", data)], zipfile.ZIP_STORED).replace(
        struct.pack("<I", len(data)), struct.pack("<I", 4)
    )
    write("zip_extract", "lying_size", lie)
    good = zip_of([("a.py", py)])
    write("zip_extract", "truncated", good[: len(good) // 2])
    write("zip_extract", "no_central_directory", good[: good.find(b"PK\x01\x02")])
    write("zip_extract", "bad_crc", good.replace(struct.pack("<I", zlib.crc32(py)), b"\0\0\0\0"))
    write("zip_extract", "not_zip", b"just some text\n")
    write("zip_extract", "png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    write("zip_extract", "magic_only", b"PK\x03\x04")
    write("zip_extract", "eocd_only", b"PK\x05\x06" + b"\0" * 18)


def sigv4():
    sig = "0123456789abcdef" * 4
    good = (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250601/us-east-1/codeguru-security/aws4_request, "
        f"SignedHeaders=content-type;host;x-amz-date, Signature={sig}"
    )
    seeds = {
        "good": good,
        "no_spaces": good.replace(", ", ","),
        "wrong_algorithm": good.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1"),
        "empty": "",
        "algorithm_only": "AWS4-HMAC-SHA256",
        "missing_signature": good.split(", Signature")[0],
        "duplicate_credential": good + ", Credential=x/y/z/w/aws4_request",
        "unknown_component": good + ", Extra=1",
        "short_scope": good.replace("/us-east-1/codeguru-security", ""),
        "bad_terminator": good.replace("aws4_request", "aws5_request"),
        "unsorted_headers": good.replace("content-type;host", "host;content-type"),
        "upper_headers": good.replace("host", "Host"),
        "empty_header": good.replace("content-type;host", "content-type;;host"),
        "short_signature": good.replace(sig, "abc"),
        "nonhex_signature": good.replace(sig, "z" * 64),
        "no_equals": "AWS4-HMAC-SHA256 Credential",
        "unicode": good.replace("AKIDEXAMPLE", "AKIDÉXAMPLE"),
        "request_get": "GET\n/scans\nmaxResults=5&nextToken=a%2Fb\n20250601T000000Z\nhost:127.0.0.1:8080\nx-amz-date:20250601T000000Z",
        "request_post": "POST\n/scans\n\n20250601T000000Z\ncontent-type:application/json\nhost:h\nx-amz-date:20250601T000000Z",
        "request_unicode_date": "GET\n/\n\n2025060é1T000000Z\nhost:h",
        "request_short_date": "GET\n/\n\n2025\nhost:h",
        "request_odd_query": "GET\n/tags/arn%3Aaws\n=&&a=b=c&%ZZ&+\n20250601T000000Z\nhost:h",
        "request_spaces": "PUT\n/a b/c\nk=v v\n20250601T000000Z\nx-a:  many   spaces  ",
    }
    for name, text in seeds.items():
        write("sigv4_authorization", name, text)


def requests():
    artifact = "3f2b9c1e-8d4a-4b7e-9f10-2a6c5d7e8f90"
    arn = "arn%3Aaws%3Acodeguru-security%3Aus-east-1%3A123456789012%3Ascans%2Fdemo"
    create = '{"scanName":"demo","resourceId":{"codeArtifactId":"%s"}%s}'
    seeds = {
        "upload_url": 'POST /uploadUrl\n{"scanName":"demo"}',
        "create_scan": "POST /scans\n" + create % (artifact, ""),
        "create_scan_all": "POST /scans\n" + create % (artifact, ',"analysisType":"All","scanType":"Express","clientToken":"t","tags":{"a":"b"}'),
        "create_scan_bad_enum": "POST /scans\n" + create % (artifact, ',"analysisType":"Everything"'),
        "create_scan_wrong_types": 'POST /scans\n{"scanName":1,"resourceId":[]}',
        "create_scan_deep_json": "POST /scans\n" + "[" * 200 + "]" * 200,
        "malformed_json": 'POST /scans\n{"scanName":',
        "get_scan": f"GET /scans/demo?runId={artifact}",
        "get_scan_bad": "GET /scans/bad%20name?runId=x&runId=y",
        "list_scans": "GET /scans?maxResults=10&nextToken=abc",
        "list_scans_bad": "GET /scans?maxResults=-1",
        "get_findings": "GET /findings/demo?status=Open&maxResults=1000",
        "get_findings_bad": "GET /findings/demo?status=Bogus&maxResults=x",
        "batch": 'POST /batchGetFindings\n{"findingIdentifiers":[{"scanName":"s","findingId":"f"}]}',
        "batch_bad": 'POST /batchGetFindings\n{"findingIdentifiers":[1,{"scanName":2}]}',
        "tags_list": f"GET /tags/{arn}",
        "tags_put": f'POST /tags/{arn}\n{{"tags":{{"team":"x","aws:no":"y"}}}}',
        "tags_delete": f"DELETE /tags/{arn}?tagKeys=a&tagKeys=b",
        "tags_bad_arn": "GET /tags/arn%3Aaws%3As3%3A%3A%3Ab",
        "metrics_summary": "GET /metrics/summary?date=2025-06-01T00%3A00%3A00Z",
        "metrics_findings": "GET /metrics/findings?startDate=2025-06-01&endDate=2025-06-30&maxResults=7",
        "metrics_bad_date": "GET /metrics/summary?date=1e400",
        "account_get": "GET /accountConfiguration/get",
        "account_put": 'PUT /updateAccountConfiguration\n{"encryptionConfig":{"kmsKeyArn":"arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012"}}',
        "account_put_bad": 'PUT /updateAccountConfiguration\n{"encryptionConfig":{"kmsKeyArn":null}}',
        "unknown": "PATCH /nothing/here",
        "bad_percent": "GET /scans/%FF%FE?x=%ZZ",
    }
    for name, text in seeds.items():
        write("request_decoding", name, text)


if __name__ == "__main__":
    for target in ("zip_extract", "sigv4_authorization", "request_decoding"):
        shutil.rmtree(os.path.join(ROOT, target), ignore_errors=True)
    zips()
    sigv4()
    requests()
