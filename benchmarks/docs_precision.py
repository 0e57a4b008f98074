"""The "stale" findings of ``docs check`` on real repositories, for a hand-checked precision
sample: the check runs at several points of each repository's history (where its documents had
time to fall behind), and a seeded random sample of the distinct findings is printed with the
document line and the evidence, one JSON object per line, ready for a verdict.

    .venv/bin/python benchmarks/docs_precision.py REPO... [--points 8] [--sample 100]
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from countersign.docs_review import review_docs
from countersign.errors import FatalError


def points(repo: Path, count: int) -> list[str]:
    out = subprocess.run(
        ["git", "rev-list", "--first-parent", "HEAD"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    step = max(1, len(out) // (count + 1))
    return [out[i * step] for i in range(count)]


def _day(repo: Path, rev: str) -> date:
    stamp = subprocess.run(
        ["git", "log", "-1", "--format=%cI", rev],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return datetime.fromisoformat(stamp).date()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--points", type=int, default=8)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    # stopped (``timeout`` sends SIGTERM), the findings of the points read so far are printed
    signal.signal(signal.SIGTERM, _stop)
    for repo in args.repos:
        seen: dict[tuple[str, str, str], dict[str, object]] = {}
        revs = points(repo, args.points)
        done = 0
        try:
            for rev in revs:
                _read_point(repo, rev, seen)
                done += 1
                print(f"# {repo}: {done}/{len(revs)} points, {len(seen)} findings", file=sys.stderr)
        except _StoppedError:
            print(f"# {repo}: stopped after {done} of {len(revs)} points", file=sys.stderr)
        _print_sample(repo, seen, args)
        if done < len(revs):
            break
    return 0


class _StoppedError(Exception):
    pass


def _stop(_signum: int, _frame: object) -> None:
    raise _StoppedError


def _read_point(repo: Path, rev: str, seen: dict[tuple[str, str, str], dict[str, object]]) -> None:
    """Every distinct stale finding of ``docs check`` at ``rev``, into ``seen``."""
    try:
        # read as on the revision's day: another project's tool removed since then
        # still ran for the reader of that revision
        review = review_docs(repo, rev, as_of=_day(repo, rev))
    except FatalError as exc:
        print(f"# {repo} at {rev[:9]}: {exc}", file=sys.stderr)
        return
    for f in review.stale:
        # a stale finding has evidence from history, or is a well-known tool's removal
        evidence = f"{f.evidence.commit[:9]} {f.evidence.subject}" if f.evidence else f.reason
        key = (f.reference.doc, f.reference.text, evidence)
        line = subprocess.run(
            ["git", "show", f"{rev}:{f.reference.doc}"],
            cwd=repo,
            capture_output=True,
            text=True,
            errors="replace",
            check=False,
        ).stdout.splitlines()[f.reference.line - 1 : f.reference.line][:1]
        seen.setdefault(
            key,
            {
                "repo": repo.parent.name if repo.name == "repo" else repo.name,
                "rev": rev[:9],
                "doc": f.reference.doc,
                "line": f.reference.line,
                "kind": str(f.reference.kind),
                "reference": f.reference.text,
                "status": str(f.status),
                "evidence": evidence,
                "doc_line": line[0].strip()[:200] if line else "",
            },
        )


def _print_sample(
    repo: Path, seen: dict[tuple[str, str, str], dict[str, object]], args: argparse.Namespace
) -> None:
    rows = list(seen.values())
    random.Random(args.seed).shuffle(rows)
    print(
        f"# {repo}: {len(rows)} distinct stale findings over {args.points} points", file=sys.stderr
    )
    for row in rows[: args.sample]:
        print(json.dumps(row))


if __name__ == "__main__":
    sys.exit(main())
