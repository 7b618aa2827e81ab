#!/usr/bin/env python3
"""Python detectors against parse-only and against Bandit, in one run.

Scans a directory of Python code (e.g. wheels of well-known packages
unpacked with `pip download` + unzip) three ways, each `--runs` times on
one core, and reports the median wall time as lines/s and the ratios:

  parse-only   argus discovers and parses every file, runs no detector
  argus        argus with every detector (taint engine included)
  bandit       Bandit (pip install bandit) on the same files

    python3 bench/python.py --bandit .venv/bin/bandit PATH [--runs 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARGUS = os.path.join(ROOT, "target", "release", "argus")


def python_lines(path):
    total = 0
    for directory, _, files in os.walk(path):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(directory, name), "rb") as handle:
                    total += handle.read().count(b"\n")
    return total


def timed(command):
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return time.perf_counter() - started, done


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--bandit", required=True, help="the bandit executable")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not os.path.exists(ARGUS):
        sys.exit("build first: cargo build --release -p argus-cli")
    lines = python_lines(args.path)
    # Bandit reads every file; so does argus here (tests and vendored code too).
    config = os.path.join(args.path, ".argus-bench.toml")
    with open(config, "w") as handle:
        handle.write("[scan]\ninclude-tests = true\ninclude-third-party = true\n")
    base = [ARGUS, "scan", args.path, "--format", "json", "--no-progress", "--jobs", "1",
            "--config", config]
    modes = {
        "parse-only": base + ["--parse-only"],
        "argus": base,
        "bandit": [args.bandit, "-r", args.path, "-f", "json", "-q"],
    }
    medians, outputs = {}, {}
    for name, command in modes.items():
        times = []
        for _ in range(args.runs):
            elapsed, done = timed(command)
            if done.returncode not in (0, 1):
                sys.exit(f"{name} failed ({done.returncode}): {done.stderr[-2000:]}")
            times.append(elapsed)
            outputs[name] = done.stdout
        medians[name] = statistics.median(times)
        print(f"{name:11} {medians[name]:7.2f} s  {lines / medians[name]:10.0f} lines/s")
    argus_findings = [
        f for f in json.loads(outputs["argus"])["findings"]
        if f["detectorId"].startswith("python/")
    ]
    bandit_results = json.loads(outputs["bandit"])["results"]
    high = [r for r in bandit_results if r["issue_severity"] in ("MEDIUM", "HIGH")]
    print(f"python lines: {lines}")
    print(f"argus / parse-only: {medians['argus'] / medians['parse-only']:.2f}x the time")
    print(f"bandit / argus: {medians['bandit'] / medians['argus']:.2f}x the time")
    print(f"findings: argus python/* {len(argus_findings)}; "
          f"bandit {len(bandit_results)} ({len(high)} medium or high)")


if __name__ == "__main__":
    main()
