#!/usr/bin/env python3
"""Java detectors against parse-only, in one run, and memory on a large corpus.

Scans a directory of Java sources (Debian source packages unpacked with
`apt-get source`, or sources jars) twice per run, each `--runs` times on
one core, and reports the median wall time as lines/s and the ratio:

  parse-only   argus discovers and parses every file, runs no detector
  argus        argus with every detector, the taint engine included, and
               the quality detectors (`--analysis-type All`)

With `--memory`, also reports the peak resident memory of one full scan
(GNU time's %M), to show it stays bounded on a corpus of a million lines.

    python3 bench/java.py PATH [--runs 3] [--memory]
"""

import argparse
import json
import subprocess

from common import argus_scan, count_lines, run_modes

SUFFIXES = (".java",)


def peak_memory_kb(command):
    """Peak resident set size of a command, in kilobytes."""
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + command,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(result.stderr.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    lines = count_lines(args.path, SUFFIXES)
    base = argus_scan(args.path) + ["--analysis-type", "All"]
    modes = {
        "parse-only": base + ["--parse-only"],
        "argus": base,
    }
    medians, outputs = run_modes(modes, args.runs, lines)
    findings = [f for f in json.loads(outputs["argus"])["findings"]
                if f["detectorId"].startswith("java/")]
    print(f"java lines: {lines}")
    print(f"argus / parse-only: {medians['argus'] / medians['parse-only']:.2f}x the time")
    print(f"findings: java/* {len(findings)}")
    if args.memory:
        print(f"peak memory, parse-only: {peak_memory_kb(modes['parse-only']) / 1024:.0f} MB")
        print(f"peak memory, argus: {peak_memory_kb(modes['argus']) / 1024:.0f} MB")


if __name__ == "__main__":
    main()
