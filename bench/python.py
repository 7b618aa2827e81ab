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

from common import argus_scan, count_lines, run_modes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--bandit", required=True, help="the bandit executable")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    lines = count_lines(args.path, (".py",))
    base = argus_scan(args.path)
    modes = {
        "parse-only": base + ["--parse-only"],
        "argus": base,
        "bandit": [args.bandit, "-r", args.path, "-f", "json", "-q"],
    }
    medians, outputs = run_modes(modes, args.runs, lines)
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
