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
    .venv/bin/python benchmarks/guard_corpus.py --external /work/.mirror/OWNER+NAME/repo ...

``--external`` runs, instead, the corpora other guard projects publish, read in place from a
mirror or checkout of their repository (layouts in ``external_corpora.py``; nothing of theirs is
copied here): per corpus, destructive commands caught, safe ones stopped (false positives), and
for unlabelled everyday commands (NL2Bash) how many are stopped and by which rules.
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
sys.path.insert(0, str(HERE))

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
    parser.add_argument(
        "--external", action="append", type=Path, default=[], help="a corpus repository (repeat)"
    )
    parser.add_argument("--dump", type=Path, help="write every external verdict here (JSON lines)")
    args = parser.parse_args()
    if args.external:
        external(args.external, args.misses, args.dump)
        return
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


def external(paths: list[Path], misses: int, dump: Path | None) -> None:
    from external_corpora import load

    ctx = ShellContext(cwd=ROOT, project_root=ROOT, home="/home/dev", packs=shipped())
    out = dump.open("w", encoding="utf-8") if dump else None
    for path in paths:
        layout, commit, cases = load(path)
        print(f"\n{path} ({layout}, {commit}): {len(cases)} cases")
        corpora: dict[str, list[tuple[str, str, bool, str]]] = {}
        for case in cases:
            hit, rule = stopped(case.command, ctx)
            corpora.setdefault(case.corpus, []).append((case.label, case.command, hit, rule))
            if out:
                row = {"corpus": case.corpus, "label": case.label, "command": case.command}
                out.write(json.dumps({**row, "stopped": hit, "rule": rule}) + "\n")
        for name, rows in corpora.items():
            for label in ("destructive", "safe", "unlabelled"):
                part = [r for r in rows if r[0] == label]
                if not part:
                    continue
                hits = sum(1 for r in part if r[2])
                what = {"destructive": "caught", "safe": "false positives"}.get(label, "stopped")
                print(
                    f"  {name:24s} {label:11s} {what:16s} {hits:5d}/{len(part):<5d} "
                    f"= {100 * hits / len(part):5.1f}%"
                )
                if label == "unlabelled":
                    for rule, n in Counter(r[3] for r in part if r[2]).most_common(12):
                        print(f"      {n:5d}  {rule}")
                wrong = [
                    r for r in part if r[2] != (label == "destructive") and label != "unlabelled"
                ]
                for r in wrong[:misses]:
                    print(
                        f"      {'missed' if label == 'destructive' else 'stopped'}: "
                        f"{r[1][:110]}" + (f"  <- {r[3]}" if r[3] else "")
                    )
    if out:
        out.close()


if __name__ == "__main__":
    main()
