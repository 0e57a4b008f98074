"""Scoring a live change with the repository features, as `check` and the hooks do: plain
Python from exported weights, against what `risk mine` saved. Target: under 5 ms per change.

    python benchmarks/risk_live.py --repo PATH [--changes 200]

Mines the repository first when its state directory holds no mined history (`risk mine`,
SZZ included; cached under $TMPDIR/countersign-risk-live/), trains the repository's model
with the repository features on its SZZ labels (as `risk train --repo` does), reads the last
N non-merge commits as changes (not timed), then times `facts.risk.analyze` on each: with the
repository model and features, and in the same run the packaged prior on the 14 metrics
(the scoring path before this feature), as the baseline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5, help="times each change is scored")
    parser.add_argument("--state", type=Path, help="a state directory risk mine already filled")
    args = parser.parse_args()
    state = args.state or (
        Path(tempfile.gettempdir()) / "countersign-risk-live" / args.repo.resolve().parent.name
    )
    os.environ["COUNTERSIGN_STATE_DIR"] = str(state)

    from countersign.commands.risk import mine_repo
    from countersign.facts.context import Context
    from countersign.facts.risk import analyze, training
    from countersign.facts.risk.features import EXTENDED
    from countersign.intake.git import read_change
    from countersign.state.risk import load_history, risk_dir

    t = time.perf_counter()
    rows, found = mine_repo(args.repo, 90.0, None, None)
    print(f"mined / loaded           {time.perf_counter() - t:6.1f} s  ({len(rows)} commits)")
    t = time.perf_counter()
    model = training.fit(rows, name="repository", features=EXTENDED)
    print(f"trained                  {time.perf_counter() - t:6.1f} s  ({len(model.trees)} trees)")
    t = time.perf_counter()
    history = load_history(risk_dir(args.repo))
    print(f"history loaded           {1000 * (time.perf_counter() - t):6.0f} ms (once per check)")
    if history is None or history.repo is None:
        raise SystemExit("risk mine saved no repository history")

    shas = subprocess.run(
        ["git", "-C", str(args.repo), "rev-list", "--no-merges", f"-{args.changes}", "HEAD"],
        capture_output=True,
        check=True,
    ).stdout.split()
    changes = []
    for sha in (s.decode() for s in shas):
        try:
            changes.append(read_change(args.repo, base=f"{sha}^", head=sha, notes=None))
        except Exception:  # noqa: BLE001, S112 - a root commit or an unreadable one: not scored
            continue
    lines = sum(len(f.added) + len(f.removed) for c in changes for f in c.files)
    print(f"changes read             {len(changes)} (not timed; {lines:,} lines in all)")

    ours = Context(risk_model=model, risk_history=history)
    prior = Context(risk_history=history)

    def per_change(context: Context, clock: Callable[[], float]) -> list[float]:
        out = []
        for change in changes:
            analyze(change, context)  # warm
            t0 = clock()
            for _ in range(args.rounds):
                analyze(change, context)
            out.append(1000 * (clock() - t0) / args.rounds)
        return sorted(out)

    # wall time, and CPU time (on a loaded machine the wall time is mostly waiting for a core)
    for clock_name, clock in (("wall", time.perf_counter), ("cpu", time.process_time)):
        for name, context in (
            ("repository model + features", ours),
            ("prior, 14 metrics (baseline)", prior),
        ):
            ms = per_change(context, clock)
            p95 = ms[int(0.95 * (len(ms) - 1))]
            print(
                f"{name:30} {clock_name:4} p50 {statistics.median(ms):5.2f} ms  p95 {p95:5.2f} ms"
                f"  max {ms[-1]:6.2f} ms  (target < 5 ms per change)"
            )
    print(f"SZZ: {found.fixes} fixes, {found.inducing} defect-inducing changes")


if __name__ == "__main__":
    main()
