#!/usr/bin/env python3
"""JavaScript/TypeScript detectors against parse-only and against Semgrep, in one run.

Scans a directory of JS/TS code (npm packages unpacked with `npm pack`)
three ways, each `--runs` times on one core, and reports the median wall
time as lines/s and the ratios:

  parse-only   argus discovers and parses every file, runs no detector
  argus        argus with every detector (taint engine included)
  semgrep      Semgrep OSS with the local rules of semgrep-javascript.yml
               (taint and pattern rules of the same families), offline

    python3 bench/javascript.py --semgrep /path/to/semgrep PATH [--runs 3]
"""

import argparse
import json
import os

from common import argus_scan, count_lines, run_modes

SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx")
RULES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "semgrep-javascript.yml")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--semgrep", required=True, help="the semgrep executable")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    lines = count_lines(args.path, SUFFIXES, skip=(".d.ts", ".min.js"))
    base = argus_scan(args.path)
    semgrep = [args.semgrep, "scan", "--config", RULES, "--json", "--metrics=off", "--quiet",
               "--jobs", "1", "--no-git-ignore", "--timeout", "0", "--max-target-bytes", "0",
               "--exclude", "*.d.ts", "--exclude", "*.min.js", args.path]
    modes = {
        "parse-only": base + ["--parse-only"],
        "argus": base,
        "semgrep": semgrep,
    }
    medians, outputs = run_modes(modes, args.runs, lines)
    argus_findings = [
        f for f in json.loads(outputs["argus"])["findings"]
        if f["detectorId"].startswith(("javascript/", "typescript/"))
    ]
    semgrep_results = json.loads(outputs["semgrep"])["results"]
    print(f"js/ts lines: {lines}")
    print(f"argus / parse-only: {medians['argus'] / medians['parse-only']:.2f}x the time")
    print(f"semgrep / argus: {medians['semgrep'] / medians['argus']:.2f}x the time")
    print(f"findings: argus javascript/* + typescript/* {len(argus_findings)}; "
          f"semgrep {len(semgrep_results)}")


if __name__ == "__main__":
    main()
