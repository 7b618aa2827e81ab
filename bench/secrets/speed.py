#!/usr/bin/env python3
"""Secrets scanning speed: `argus scan --secrets-only` against
detect-secrets (PyPI; gitleaks is not packaged for this machine's Debian)
on the same directory, in one run, median of several.

argus is told to read everything (tests, third-party and generated code)
so both tools see the same files; its 100 KB per-file limit for secrets is
the spec's and stays.

    python3 -m venv bench/.venv && bench/.venv/bin/pip install detect-secrets==1.5.0
    python3 bench/secrets/speed.py [DIR] [--runs 3]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ARGUS = os.path.join(ROOT, "target", "release", "argus")
DETECT_SECRETS = os.path.join(ROOT, "bench", ".venv", "bin", "detect-secrets")


def corpus_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total


def timed(command, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode not in (0, 1):
            sys.exit(f"{command[0]} failed: {done.stderr[-2000:]}")
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=os.path.join(ROOT, "bench", "corpus", "python", "ansible-core"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not os.path.exists(DETECT_SECRETS):
        sys.exit("detect-secrets missing: python3 -m venv bench/.venv && bench/.venv/bin/pip install detect-secrets==1.5.0")
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "argus-cli"], cwd=ROOT, check=True)
    size = corpus_bytes(args.path)
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as config:
        config.write("[scan]\ninclude-tests = true\ninclude-third-party = true\ninclude-generated = true\n")
    print(f"corpus: {args.path} ({size / 1e6:.1f} MB)   runs: {args.runs} (median)")
    rows = []
    for jobs in (1, 2):
        seconds = timed([ARGUS, "scan", args.path, "--secrets-only", "--config", config.name, "--format", "json",
                         "--no-progress", "--jobs", str(jobs)], args.runs)
        rows.append((f"argus --secrets-only, {jobs} core{'s' if jobs > 1 else ''}", seconds))
    seconds = timed([DETECT_SECRETS, "scan", "--all-files", args.path], args.runs)
    rows.append(("detect-secrets 1.5.0 (multiprocess)", seconds))
    baseline = rows[-1][1]
    for label, seconds in rows:
        print(f"{label:<40} {seconds:8.2f}s {size / seconds / 1e6:8.1f} MB/s   {baseline / seconds:6.1f}x detect-secrets")
    os.unlink(config.name)


if __name__ == "__main__":
    main()
