"""The deploy gate over a large release: ``countersign verify --base A --head B`` timed next to
``git log -p --first-parent A..B`` (the same changes' patches) in the same run, wall and CPU
(user and system, git's processes included), with verify's progress lines passed through and
the verdicts counted.

    .venv/bin/python benchmarks/verify_release.py --repo /path/to/nomad.git --base main~500 \\
        --head main --out after.json

``--out`` keeps verify's JSON report, so the code before and after a change can be compared
(the two files must be equal). The repository needs the configuration it is verified by at
each change's base (a catalog in .countersign/), as verify reads it from there;
docs/friction.md says how the figures there were made.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--head", required=True)
    parser.add_argument("--out", help="write verify's JSON report to this file")
    args = parser.parse_args()
    started, started_cpu = time.monotonic(), _children_cpu()
    subprocess.run(
        ["git", "-C", args.repo, "log", "-p", "--first-parent", f"{args.base}..{args.head}"],
        stdout=subprocess.DEVNULL, check=True,
    )  # fmt: skip
    baseline, baseline_cpu = time.monotonic() - started, _children_cpu() - started_cpu
    started, started_cpu = time.monotonic(), _children_cpu()
    proc = subprocess.run(
        [sys.executable, "-m", "countersign", "verify", "-C", args.repo, "--base", args.base,
         "--head", args.head, "--format", "json"],
        stdout=subprocess.PIPE, check=False,
    )  # fmt: skip
    seconds, cpu = time.monotonic() - started, _children_cpu() - started_cpu
    if args.out:
        Path(args.out).write_bytes(proc.stdout)
    report = json.loads(proc.stdout)
    changes = report.get("changes", [])
    verdicts = Counter(str(c.get("verdict")) for c in changes)
    print(
        json.dumps(
            {
                "range": f"{args.base}..{args.head}",
                "changes": len(changes),
                "verdicts": dict(verdicts),
                "exit_code": proc.returncode,
                "seconds": round(seconds, 1),
                "git_log_p_seconds": round(baseline, 1),
                "ratio_to_git_log_p": round(seconds / baseline, 1) if baseline else None,
                "cpu_seconds": round(cpu, 1),
                "git_log_p_cpu_seconds": round(baseline_cpu, 2),
                "cpu_ratio_to_git_log_p": round(cpu / baseline_cpu, 1) if baseline_cpu else None,
                "cpu_seconds_per_change": round(cpu / len(changes), 3) if changes else None,
                "load_average": [round(x, 1) for x in os.getloadavg()],
            },
            indent=2,
        )
    )
    return 0


def _children_cpu() -> float:
    """CPU seconds (user and system) of every child process waited for, and theirs: verify
    and the git processes it starts, git log -p."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    sys.exit(main())
