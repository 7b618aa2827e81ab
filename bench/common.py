"""What the per-language benchmarks share: counting lines, timing commands
and reporting medians."""

import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARGUS = os.path.join(ROOT, "target", "release", "argus")


def count_lines(path, suffixes, skip=()):
    """Lines of the files under `path` whose names end with `suffixes`."""
    total = 0
    for directory, _, files in os.walk(path):
        for name in files:
            if name.endswith(suffixes) and not name.endswith(tuple(skip)):
                with open(os.path.join(directory, name), "rb") as handle:
                    total += handle.read().count(b"\n")
    return total


def timed(command):
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return time.perf_counter() - started, done


def argus_scan(path):
    """The argus command scanning `path` on one core, tests and vendored
    code included (the peers read every file too)."""
    if not os.path.exists(ARGUS):
        sys.exit("build first: cargo build --release -p argus-cli")
    config = os.path.join(path, ".argus-bench.toml")
    with open(config, "w") as handle:
        handle.write("[scan]\ninclude-tests = true\ninclude-third-party = true\n")
    return [ARGUS, "scan", path, "--format", "json", "--no-progress", "--jobs", "1",
            "--config", config]


def run_modes(modes, runs, lines):
    """Runs each command `runs` times; prints and returns the median wall
    times and the last output of each."""
    medians, outputs = {}, {}
    for name, command in modes.items():
        times = []
        for _ in range(runs):
            elapsed, done = timed(command)
            if done.returncode not in (0, 1):
                sys.exit(f"{name} failed ({done.returncode}): {done.stderr[-2000:]}")
            times.append(elapsed)
            outputs[name] = done.stdout
        medians[name] = statistics.median(times)
        print(f"{name:11} {medians[name]:7.2f} s  {lines / medians[name]:10.0f} lines/s")
    return medians, outputs
