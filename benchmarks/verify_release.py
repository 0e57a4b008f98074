"""The deploy gate over a large release: ``countersign verify --base A --head B`` timed next to
``git log -p --first-parent A..B`` (the same changes' patches) in the same run, with verify's
progress lines passed through and the verdicts counted.

    .venv/bin/python benchmarks/verify_release.py --repo /path/to/nomad.git --base v1.11.0 \\
        --head v2.0.0

The repository needs the configuration it is verified by at each change's base (a catalog
in .countersign/), as verify reads it from there; docs/friction.md says how the figures there
were made.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--head", required=True)
    args = parser.parse_args()
    started = time.monotonic()
    subprocess.run(
        ["git", "-C", args.repo, "log", "-p", "--first-parent", f"{args.base}..{args.head}"],
        stdout=subprocess.DEVNULL, check=True,
    )  # fmt: skip
    baseline = time.monotonic() - started
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "countersign", "verify", "-C", args.repo, "--base", args.base,
         "--head", args.head, "--format", "json"],
        stdout=subprocess.PIPE, check=False,
    )  # fmt: skip
    seconds = time.monotonic() - started
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
                "seconds_per_change": round(seconds / len(changes), 3) if changes else None,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
