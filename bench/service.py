#!/usr/bin/env python3
"""Measures `argus serve`: API latency with 10,000 findings stored, and a
scan through the service against `argus scan` of the same code.

Runs the release binary on 127.0.0.1 with a fresh data directory (SQLite,
or PostgreSQL with --database-url), quotas off, and drives it with boto3
(latencies are what a boto3 client sees, signing included).

    python3 bench/service.py [--database-url URL] [--code PATH] [--runs 3]

Needs the test virtualenv (.venv with boto3; `bash .ci/run` creates it).
"""

import argparse
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ARGUS = os.path.join(ROOT, "target", "release", "argus")
KEY, SECRET, REGION = "AKIDBENCH00000000001", "bench-secret-0123456789", "us-east-1"

try:
    import boto3
    from botocore.config import Config
except ImportError:
    os.execv(os.path.join(ROOT, ".venv", "bin", "python"), [os.path.join(ROOT, ".venv", "bin", "python")] + sys.argv)


def start_server(data_dir, database_url):
    env = dict(os.environ, ARGUS_ROOT_ACCESS_KEY_ID=KEY, ARGUS_ROOT_SECRET_ACCESS_KEY=SECRET,
               ARGUS_LOG="warn,argus_server::auth=info")
    command = [ARGUS, "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir,
               "--requests-per-second", "0", "--create-requests-per-second", "0"]
    if database_url:
        command += ["--database-url", database_url]
    proc = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        if "listening on " in line:
            address = line.split("listening on ")[1].split()[0].removeprefix("http://")
            threading.Thread(target=collect_server_times, args=(proc.stderr,), daemon=True).start()
            return proc, address
    sys.exit("argus serve did not start")


# Server-side handling time per operation, from the request log.
SERVER_MS = {}


def collect_server_times(stream):
    for line in stream:
        op = re.search(r'operation="?(\w+)', line)
        us = re.search(r"micros=(\d+)", line)
        if op and us:
            SERVER_MS.setdefault(op.group(1), []).append(int(us.group(1)) / 1000)


def synthetic_repo(path, files, per_file):
    """`files` Python modules with `per_file` weak password hashes each: one
    finding per function, each with its own fingerprint."""
    for i in range(files):
        lines = ['"""Generated for the service benchmark."""', "import hashlib", ""]
        for j in range(per_file):
            lines += [f"def hash_password_{i}_{j}(password: str) -> str:",
                      f"    return hashlib.md5(password.encode() + b\"{i}-{j}\").hexdigest()", ""]
        os.makedirs(os.path.join(path, f"pkg{i // 50}"), exist_ok=True)
        with open(os.path.join(path, f"pkg{i // 50}", f"mod{i}.py"), "w") as fh:
            fh.write("\n".join(lines))


def zip_bytes(path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for base, _, names in os.walk(path):
            for name in names:
                full = os.path.join(base, name)
                zf.write(full, os.path.relpath(full, path))
    return buffer.getvalue()


def scan(client, name, code_zip):
    upload = client.create_upload_url(scanName=name)
    request = urllib.request.Request(upload["s3Url"], data=code_zip, method="PUT", headers=upload["requestHeaders"])
    urllib.request.urlopen(request).read()
    run = client.create_scan(scanName=name, resourceId={"codeArtifactId": upload["codeArtifactId"]})["runId"]
    while True:
        state = client.get_scan(scanName=name, runId=run)
        if state["scanState"] != "InProgress":
            assert state["scanState"] == "Successful", state
            return
        time.sleep(0.1)


def percentiles(samples):
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]
    return statistics.median(ordered) * 1000, pick(0.99) * 1000, len(ordered)


def timed(call):
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def wall(command):
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_REGION=REGION))
    if done.returncode not in (0, 1):
        sys.exit(f"{command[:3]} failed: {done.stderr}")
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", help="PostgreSQL URL (default: SQLite in a temp dir)")
    parser.add_argument("--code", default=os.path.join(HERE, "corpus", "python", "django"),
                        help="code for the end-to-end comparison (default: the corpus's django)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5, help="passes over the findings for latency samples")
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "argus-cli"], cwd=ROOT, check=True)
    if not os.path.isdir(args.code):
        args.code = os.path.join(ROOT, "examples")

    data_dir = tempfile.mkdtemp(prefix="argus-bench-")
    server, address = start_server(data_dir, args.database_url)
    endpoint = f"http://{address}"
    client = boto3.client("codeguru-security", endpoint_url=endpoint, region_name=REGION,
                          aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                          config=Config(retries={"max_attempts": 1}))
    results = {"database": "postgresql" if args.database_url else "sqlite"}
    try:
        repo = tempfile.mkdtemp(prefix="argus-bench-repo-")
        synthetic_repo(repo, 500, 20)
        seconds, _ = timed(lambda: scan(client, "bench-10k", zip_bytes(repo)))
        total = sum(len(p["findings"]) for p in client.get_paginator("get_findings").paginate(
            scanName="bench-10k", status="All", PaginationConfig={"PageSize": 1000}))
        print(f"stored {total} findings (scan of 500 files through the service: {seconds:.2f}s)")
        assert total == 10_000, total
        small = zip_bytes(os.path.join(ROOT, "examples"))
        for i in range(99):
            scan(client, f"bench-small-{i:03}", small)

        SERVER_MS.clear()
        latency = {}
        for label, page_size in [("GetFindings maxResults=100", 100), ("GetFindings maxResults=1000", 1000)]:
            samples = []
            for _ in range(args.rounds):
                token = None
                while True:
                    kwargs = {"scanName": "bench-10k", "status": "All", "maxResults": page_size}
                    if token:
                        kwargs["nextToken"] = token
                    t, page = timed(lambda: client.get_findings(**kwargs))
                    samples.append(t)
                    token = page.get("nextToken")
                    if not token:
                        break
            latency[label] = percentiles(samples)
        for label, page_size in [("ListScans maxResults=100", 100), ("ListScans maxResults=10", 10)]:
            samples = []
            for _ in range(args.rounds * 20):
                token = None
                while True:
                    kwargs = {"maxResults": page_size}
                    if token:
                        kwargs["nextToken"] = token
                    t, page = timed(lambda: client.list_scans(**kwargs))
                    samples.append(t)
                    token = page.get("nextToken")
                    if not token:
                        break
            latency[label] = percentiles(samples)
        ids = [f["id"] for f in client.get_findings(scanName="bench-10k", status="All", maxResults=1000)["findings"]]
        samples = []
        for i in range(args.rounds * 40):
            chunk = ids[(i * 25) % 975:(i * 25) % 975 + 25]
            t, _ = timed(lambda: client.batch_get_findings(
                findingIdentifiers=[{"scanName": "bench-10k", "findingId": x} for x in chunk]))
            samples.append(t)
        latency["BatchGetFindings 25 ids"] = percentiles(samples)
        samples = [timed(lambda: client.get_scan(scanName="bench-10k"))[0] for _ in range(args.rounds * 40)]
        latency["GetScan"] = percentiles(samples)
        samples = [timed(lambda: client.get_metrics_summary(date=time.strftime("%Y-%m-%d", time.gmtime())))[0]
                   for _ in range(args.rounds * 4)]
        latency["GetMetricsSummary"] = percentiles(samples)
        print(f"\n{'operation (boto3 client view)':<38} {'p50 ms':>8} {'p99 ms':>8} {'samples':>8}")
        for label, (p50, p99, n) in latency.items():
            print(f"{label:<38} {p50:8.2f} {p99:8.2f} {n:8}")
        results["latency_ms"] = {k: {"p50": v[0], "p99": v[1], "samples": v[2]} for k, v in latency.items()}
        time.sleep(0.5)
        print(f"\n{'server handling time (all calls above)':<38} {'p50 ms':>8} {'p99 ms':>8} {'samples':>8}")
        results["server_ms"] = {}
        for op, samples in sorted(SERVER_MS.items()):
            p50, p99, n = percentiles([s / 1000 for s in samples])
            results["server_ms"][op] = {"p50": p50, "p99": p99, "samples": n}
            print(f"{op:<38} {p50:8.2f} {p99:8.2f} {n:8}")

        local = [wall([ARGUS, "scan", args.code, "--format", "json", "--no-progress", "-o", os.devnull])
                 for _ in range(args.runs)]
        remote = [wall([ARGUS, "remote", "scan", "bench-e2e", args.code, "--format", "json", "--no-progress",
                        "--endpoint-url", endpoint, "-o", os.devnull]) for _ in range(args.runs)]
        local_s, remote_s = statistics.median(local), statistics.median(remote)
        print(f"\nend to end on {os.path.relpath(args.code, ROOT)} (median of {args.runs}):")
        print(f"  argus scan          {local_s:8.2f}s")
        print(f"  argus remote scan   {remote_s:8.2f}s   (zip, upload, queue, scan, track, fetch findings)")
        print(f"  overhead ratio      {remote_s / local_s:8.2f}x")
        results["end_to_end"] = {"code": os.path.relpath(args.code, ROOT), "local_s": local_s,
                                 "remote_s": remote_s, "ratio": remote_s / local_s}
        os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
        with open(os.path.join(HERE, "out", f"service-{results['database']}.json"), "w") as fh:
            json.dump(results, fh, indent=2)
        shutil.rmtree(repo, ignore_errors=True)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
