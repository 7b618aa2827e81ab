#!/usr/bin/env python3
"""Measures `argus scan` against parse-only on the bench corpus, in one run.

For each mode the scan runs several times; the median wall time gives
files/s, lines/s and MB/s, and /usr/bin/time reports peak memory. The ratio
full / parse-only is the cost of the pipeline beyond parsing (detectors,
suppression, fingerprints, reports).

    bench/corpus.sh            # once: fetch the corpus
    python3 bench/run.py [--runs 5] [--jobs N] [PATH]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ARGUS = os.path.join(ROOT, "target", "release", "argus")


def run_once(path, extra, jobs):
    command = ["/usr/bin/time", "-f", "%M", ARGUS, "scan", path, "--format", "json",
               "--no-progress", "--jobs", str(jobs)] + extra
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"argus failed ({done.returncode}): {done.stderr}")
    peak_kib = int(re.findall(r"^(\d+)$", done.stderr, re.M)[-1])
    summary = json.loads(done.stdout)["summary"]
    findings = len(json.loads(done.stdout)["findings"])
    return elapsed, peak_kib, summary, findings


def measure(label, path, extra, runs, jobs):
    results = [run_once(path, extra, jobs) for _ in range(runs)]
    seconds = statistics.median(r[0] for r in results)
    peak_mib = max(r[1] for r in results) / 1024
    summary = results[0][2]
    files, lines, size = summary["filesScanned"], summary["linesScanned"], summary["bytesScanned"]
    print(f"{label:<11} {seconds:8.3f}s {files / seconds:10.0f} files/s {lines / seconds:12.0f} lines/s "
          f"{size / seconds / 1e6:8.1f} MB/s {peak_mib:8.1f} MiB peak   findings={results[0][3]}")
    return seconds, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=os.path.join(HERE, "corpus"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=0, help="worker threads (0 = all cores)")
    parser.add_argument("--analysis-type", default="All")
    args = parser.parse_args()
    if not os.path.isdir(args.path):
        sys.exit(f"{args.path}: no corpus; run bench/corpus.sh first")
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "argus-cli"], cwd=ROOT, check=True)

    print(f"corpus: {args.path}   runs: {args.runs} (median)   jobs: {args.jobs or os.cpu_count()}")
    parse_s, summary = measure("parse-only", args.path, ["--parse-only"], args.runs, args.jobs)
    full_s, _ = measure("full scan", args.path, ["--analysis-type", args.analysis_type], args.runs, args.jobs)
    print(f"files={summary['filesScanned']} lines={summary['linesScanned']} "
          f"bytes={summary['bytesScanned']} skipped={sum(summary['skipped'].values())}")
    print(f"pipeline overhead over parse-only: {full_s / parse_s:.2f}x")


if __name__ == "__main__":
    main()
