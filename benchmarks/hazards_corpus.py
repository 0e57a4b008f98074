"""Caught and false-alarm rates of the hazard analyzers on this project's own corpus.

The corpus (benchmarks/hazards_corpus/) was built from the databases' and clouds'
documentation of what is dangerous and what is the safe way: SQL migrations (PostgreSQL, MySQL,
SQLite), IAM documents (AWS policies, GCP bindings, Azure roles), and Terraform plans generated
here with the real `terraform` binary (make_plans.sh; also the plan fixtures of the tests,
generated the same way). A dangerous file is caught when it gets at least one finding other than
"unanalysable"; a safe file is a false alarm when it gets any finding. Targets: >= 95 % caught,
<= 5 % false, per kind. It is the authors' corpus, written with the rules: the public corpora the
maintainers run are the independent measure.

Usage: python benchmarks/hazards_corpus.py [-v]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from countersign.facts.context import Context
from countersign.facts.hazards import UNANALYSABLE, find_hazards
from countersign.intake.artifacts import load_artifact
from countersign.intake.change import Change

HERE = Path(__file__).parent / "hazards_corpus"
PLAN_FIXTURES = Path(__file__).parents[1] / "tests/fixtures/hazards/terraform"
REAL_DANGEROUS_PLANS = (
    "delete", "delete_count_index", "forget", "replace_by_request", "replace_create_first",
    "replace_destroy_first", "tainted",
)  # fmt: skip
REAL_SAFE_PLANS = ("safe_create", "safe_noop", "safe_update")


def corpus() -> dict[str, dict[str, list[Path]]]:
    kinds: dict[str, dict[str, list[Path]]] = {}
    for kind in ("sql", "plans", "iam"):
        kinds[kind] = {
            side: sorted((HERE / kind / side).rglob("*.*")) for side in ("dangerous", "safe")
        }
    kinds["plans"]["dangerous"] += [PLAN_FIXTURES / f"{n}.json" for n in REAL_DANGEROUS_PLANS]
    kinds["plans"]["safe"] += [PLAN_FIXTURES / f"{n}.json" for n in REAL_SAFE_PLANS]
    return kinds


def findings(path: Path) -> list[str]:
    artifact = load_artifact(str(path))
    # A migration's dialect comes from its path (db/mysql/...): keep the corpus folder in it.
    relative = (
        str(path.relative_to(path.parents[2])) if "hazards_corpus" in str(path) else path.name
    )
    artifact = type(artifact)(relative, artifact.text, artifact.origin)
    change = Change(None, None, "", artifacts=(artifact,), source="scan")
    return [h.kind for h in find_hazards(change, Context())]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    print(
        f"{'kind':<6} {'dangerous':>9} {'caught':>7} {'rate':>7}   {'safe':>5} {'false':>6} {'rate':>7}"
    )
    for kind, sides in corpus().items():
        missed, alarms = [], []
        for path in sides["dangerous"]:
            found = [k for k in findings(path) if k != UNANALYSABLE]
            if not found:
                missed.append(path.name)
        for path in sides["safe"]:
            found = findings(path)
            if found:
                alarms.append(f"{path.name}: {', '.join(sorted(set(found)))}")
        n_bad, n_ok = len(sides["dangerous"]), len(sides["safe"])
        caught = n_bad - len(missed)
        print(
            f"{kind:<6} {n_bad:9} {caught:7} {caught / n_bad:7.1%}   {n_ok:5} {len(alarms):6}"
            f" {len(alarms) / n_ok:7.1%}"
        )
        if args.verbose or missed or alarms:
            for name in missed:
                print(f"         missed: {name}")
            for alarm in alarms:
                print(f"         false alarm: {alarm}")


if __name__ == "__main__":
    main()
