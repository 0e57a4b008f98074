"""How much the guard catches, and how often it stops what it should let through.

Runs every command of the corpora in ``benchmarks/corpora/`` through the guard's decision
(``judge_command``, the same one the hook answers with) in a project directory with no live
probes (no kube context, no git state: what cannot be known is judged conservatively), and
prints, per corpus and per tool family:

    destructive  caught = asked or denied       (target >= 95%)
    holdout      the same, on 64 destructive commands written by hand after the rules, with
                 spellings the templates do not use (long/short options, option order, quoting)
    lookalike    false positives = asked/denied (target <= 5%)
    everyday     false positives = asked/denied (target <= 1%)

next to a baseline from the same run: the guard with no rule packs (its Python rules only).

    .venv/bin/python benchmarks/guard_corpus.py [--misses N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from countersign.facts.shell import ShellContext  # noqa: E402
from countersign.facts.shell.catalog import PackSet, shipped  # noqa: E402
from countersign.guard.decision import judge_command  # noqa: E402

CORPORA = HERE / "corpora"
ROOT = "/work/project"
TARGETS = {
    "destructive": (">=", 95.0),
    "holdout": (">=", 95.0),
    "lookalike": ("<=", 5.0),
    "everyday": ("<=", 1.0),
}


def load(name: str) -> list[dict[str, str]]:
    path = CORPORA / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def stopped(command: str, ctx: ShellContext) -> tuple[bool, str]:
    judgement = judge_command(command, ctx)
    return judgement.decision in ("ask", "deny"), judgement.rule


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", type=int, default=15, help="list this many misses per corpus")
    args = parser.parse_args()
    contexts = {
        "rule packs": ShellContext(cwd=ROOT, project_root=ROOT, home="/home/dev", packs=shipped()),
        "baseline, no packs": ShellContext(
            cwd=ROOT, project_root=ROOT, home="/home/dev", packs=PackSet.of([])
        ),
    }
    print(
        f"corpora in {CORPORA.relative_to(HERE.parent)} (templates expanded by build_corpora.py; "
        "holdout.jsonl written by hand)"
    )
    for name, (op, target) in TARGETS.items():
        rows = load(name)
        results: dict[str, list[tuple[dict[str, str], bool, str]]] = {}
        elapsed = 0.0
        for label, ctx in contexts.items():
            start = time.perf_counter()
            results[label] = [(row, *stopped(row["command"], ctx)) for row in rows]
            if label == "rule packs":
                elapsed = time.perf_counter() - start
        caught = name in ("destructive", "holdout")
        measure = "caught (ask or deny)" if caught else "false positives (ask or deny)"
        print(f"\n{name}: {len(rows)} commands, {measure}; target {op} {target:.0f}%")
        for label, res in results.items():
            hits = sum(1 for _, s, _ in res if s)
            print(f"  {label:20s} {hits:5d}/{len(rows)} = {100 * hits / len(rows):5.1f}%")
        print(f"  (judged in {elapsed:.1f} s, {1e3 * elapsed / len(rows):.2f} ms per command)")
        families = Counter(row["family"] for row in rows)
        if len(families) > 1:
            stopped_by = Counter(row["family"] for row, s, _ in results["rule packs"] if s)
            base_by = Counter(row["family"] for row, s, _ in results["baseline, no packs"] if s)
            print("  per family (rule packs | baseline):")
            for family, total in families.items():
                print(
                    f"    {family:16s} {100 * stopped_by[family] / total:5.1f}% "
                    f"| {100 * base_by[family] / total:5.1f}%   of {total}"
                )
        wrong = [(row, rule) for row, s, rule in results["rule packs"] if s != caught]
        if wrong and args.misses:
            what = "missed" if caught else "stopped"
            print(f"  {what} (first {min(args.misses, len(wrong))} of {len(wrong)}):")
            for row, rule in wrong[: args.misses]:
                print(
                    f"    [{row['family']}] {row['command'][:110]}"
                    + (f"  <- {rule}" if rule else "")
                )


if __name__ == "__main__":
    main()
