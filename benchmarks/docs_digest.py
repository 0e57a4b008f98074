"""A digest of what ``docs check`` reports on each repository, to compare two versions of the code.

Runs ``countersign docs check --all --format json`` (every finding, unresolved ones too, judged
as on one fixed day) on each repository and prints the SHA-256 of its output with the number
of findings. Run it with the code before and after a change: a speed-up must leave every
digest identical.

    .venv/bin/python benchmarks/docs_digest.py /work/.mirror/tldr-pages+tldr/repo ... > after.txt
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

_COMMAND = (sys.executable, "-m", "countersign", "docs", "check", "--all", "--format", "json")


def digest(repo: Path, as_of: str) -> str:
    out = subprocess.run(
        [*_COMMAND, "--as-of", as_of, "-C", str(repo)],
        capture_output=True,
        check=False,
    )
    if out.returncode not in {0, 1}:
        return f"{repo}: exit {out.returncode}: {out.stderr.decode(errors='replace').strip()}"
    findings = json.loads(out.stdout).get("findings", [])
    return f"{repo}: {hashlib.sha256(out.stdout).hexdigest()} ({len(findings)} findings)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--as-of", default="2026-12-01", help="the day other tools are judged on")
    args = parser.parse_args()
    for repo in args.repos:
        print(digest(repo, args.as_of), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
