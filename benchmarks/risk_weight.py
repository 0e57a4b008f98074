"""Which features carry the weight: `risk eval`'s split and recipe, refitted with one group of
repository features added to the 14 metrics at a time, then with all of them and each group
left out; and each feature alone (its AUC on the test part, the better of its two directions).

Reads the mining `risk eval` cached (set COUNTERSIGN_STATE_DIR as for that run), so run the
eval first:

    COUNTERSIGN_STATE_DIR=DIR python benchmarks/risk_weight.py --repo PATH ... [--labels CSV]

With ``--labels`` the rows are the labelled commits of the repositories pooled, as `risk eval
--labels` reads them; without, one repository's own SZZ labels (as `risk eval --repo`).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from countersign.facts.risk import evaluation
from countersign.facts.risk.dataset import Row
from countersign.facts.risk.features import EXTENDED, HISTORY, NAMES, vector

GROUPS = {
    "file history (fixes, recent changes, authors)": (
        "log_file_fixes",
        "log_file_recent",
        "log_file_authors",
    ),
    "ownership and author (own changes, share, days since)": (
        "own_share",
        "log_own_changes",
        "log_since_author",
    ),
    "co-change coupling": ("log_coupled",),
    "message (length, issue, refactor, feature, revert)": (
        "log_msg_len",
        "msg_issue",
        "msg_refactor",
        "msg_feature",
        "msg_revert",
    ),
    "tests, docs touched": ("test_share", "doc_share"),
    "defect-inducing history (files, author)": (
        "log_file_bugs",
        "log_author_bugs",
        "author_bug_share",
    ),
    "diff content (kinds of lines, generated files)": (
        *(name for name, _ in HISTORY if name.startswith(("log_add_", "log_del_"))),
        "gen_share",
    ),
}


def rows_of(repos: list[Path], labels: Path | None) -> list[Row]:
    from countersign.commands.risk import labelled_rows, mine_repo

    if labels is not None:
        return labelled_rows(tuple(repos), labels)[0]
    return mine_repo(repos[0], 90.0, None, None)[0]


def figure(rows: list[Row], features: tuple[str, ...]) -> str:
    got = evaluation.evaluate(rows, "weight", features=features)["model"]
    return f"{got['auc']:.3f} / {got['caught_at']['10%']:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, action="append", required=True)
    parser.add_argument("--labels", type=Path)
    args = parser.parse_args()
    rows = rows_of(args.repo, args.labels)
    train, test = evaluation.split(rows)
    print(f"{len(train)} training, {len(test)} test changes")
    seen = {n for names in GROUPS.values() for n in names}
    missing = [n for n in EXTENDED[len(NAMES) :] if n not in seen]
    if missing:
        raise SystemExit(f"features in no group: {missing}")
    labels = [int(r.bug or 0) for r in test]
    vectors = [vector(r.metrics, EXTENDED) for r in test]
    alone = []
    for k, name in enumerate(EXTENDED):
        a = evaluation.auc(labels, [v[k] for v in vectors])
        alone.append((max(a, 1 - a), name, "+" if a >= 0.5 else "-"))
    print("feature alone on the test part (AUC, sign):")
    for a, name, sign in sorted(alone, reverse=True)[:15]:
        print(f"  {name:28s} {a:.3f} {sign}")
    print(flush=True)
    print("| features | AUC / caught@10 % |")
    print("|---|---|")
    t = time.process_time()
    print(f"| 14 metrics alone | {figure(rows, NAMES)} |", flush=True)
    print(f"| all features | {figure(rows, EXTENDED)} |", flush=True)
    for name, group in GROUPS.items():
        print(f"| 14 metrics + {name} | {figure(rows, NAMES + group)} |", flush=True)
    for name, group in GROUPS.items():
        rest = tuple(n for n in EXTENDED if n not in group)
        print(f"| all but {name} | {figure(rows, rest)} |", flush=True)
    print(f"(CPU {time.process_time() - t:.0f} s for the fits)")


if __name__ == "__main__":
    main()
