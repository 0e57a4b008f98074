"""A digest of everything a replay finds, per change, to compare two versions of the code.

Replays the last N non-merge commits of a repository as benchmarks/friction.py does (its
catalog, roster and shipped policy) and writes, per change, a hash of its whole JSON output,
and per tree, a hash of the inferred edges and problems. Run it with the code before and after
a change and compare the two files: a speed-up must leave both identical.

    .venv/bin/python benchmarks/replay_digest.py --repo /path/to/nomad.git --catalog nomad \\
        --commits 1000 --out after.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import friction
from countersign.config.roster import load_roster
from countersign.decision.policy import default_policy_text, load_policy
from countersign.gate import shadow
from countersign.gate.shadow import Candidate, Shadow
from countersign.intake.release import past_changes
from countersign.intake.repository import open_repository
from countersign.output import render
from countersign.workspace import Environment


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", required=True)
    parser.add_argument("--catalog", required=True, help="a file, or a name under friction/")
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    root = open_repository(Path(args.repo)).root
    catalog = Path(args.catalog)
    if not catalog.is_file():
        catalog = friction.HERE / args.catalog / "catalog.yaml"
    pairs = past_changes(root, None, merges=False, limit=args.commits)
    candidate = Candidate(
        policy=load_policy(default_policy_text()),
        catalog_text=catalog.read_text(encoding="utf-8"),
        roster=load_roster(friction.history_roster(root, pairs[0][1])),
        files=(str(catalog),),
    )
    trees: list[str] = []
    infer = shadow.with_inferred_edges

    def recorded(*args: object, **kwargs: object):
        # the edges of every tree, not only those a change's output shows
        config = infer(*args, **kwargs)
        found = (config.catalog.inferred, config.catalog.problems)
        trees.append(hashlib.sha256(repr(found).encode()).hexdigest())
        return config

    shadow.with_inferred_edges = recorded
    changes: dict[str, list[object]] = {}
    started = time.monotonic()
    for judged in Shadow(root, Environment.from_process(), candidate, pairs[-1][0]).judge_all(
        pairs
    ):
        out = render(judged.evaluation, "json") if judged.evaluation else None
        digest = hashlib.sha256(out.encode()).hexdigest() if out else None
        changes[judged.sha] = [judged.error, judged.empty, digest]
    Path(args.out).write_text(json.dumps({"changes": changes, "trees": trees}, indent=0))
    print(f"{len(pairs)} changes in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
