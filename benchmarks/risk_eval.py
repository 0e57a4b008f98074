"""Quality on the six ISSTA'21 projects with the chronological 80/20 split: our model beside
LApredict and a log/balanced logistic regression, all fitted in the same run.

Usage: python benchmarks/risk_eval.py [DATASET_DIR]   (default: ../shared/datasets/jit/issta21)
Same figures as `countersign risk eval --dataset CSV ...`, printed as a table."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from countersign.facts.risk.dataset import read_csv
from countersign.facts.risk.evaluation import evaluate

PROJECTS = ("openstack", "qt", "platform", "jdt", "gerrit", "go")
DEFAULT = (
    Path(__file__).resolve().parents[1] / ".." / ".." / "shared" / "datasets" / "jit" / "issta21"
)
WHO = (("model", "ours"), ("lapredict", "LApredict"), ("lr14", "LR-14 log/bal"))


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/datasets/jit/issta21")
    if not root.is_dir():
        root = DEFAULT
    results = []
    print(
        f"{'project':10} {'n_train':>7} {'n_test':>6} | "
        + " | ".join(f"{label:>22}" for _, label in WHO)
    )
    print(f"{'':10} {'':>7} {'':>6} | " + " | ".join(f"{'AUC   @5%  @10% @20%':>22}" for _ in WHO))
    for name in PROJECTS:
        start = time.perf_counter()
        r = evaluate(read_csv(root / f"{name}_k_feature.csv"), name)
        results.append(r)
        cells = []
        for key, _ in WHO:
            c = r[key]["caught_at"]
            cells.append(
                f"{r[key]['auc']:.3f} {c['5%']:.2f} {c['10%']:.2f} {c['20%']:.2f}".rjust(22)
            )
        print(
            f"{name:10} {r['n_train']:7} {r['n_test']:6} | "
            + " | ".join(cells)
            + f"   ({time.perf_counter() - start:.0f} s)",
            flush=True,
        )
    cells = []
    for key, _ in WHO:
        auc = statistics.mean(r[key]["auc"] for r in results)
        c = {
            g: statistics.mean(r[key]["caught_at"][g] for r in results)
            for g in ("5%", "10%", "20%")
        }
        cells.append(f"{auc:.3f} {c['5%']:.2f} {c['10%']:.2f} {c['20%']:.2f}".rjust(22))
    print(f"{'MEAN':10} {'':7} {'':6} | " + " | ".join(cells))
    mean_auc = statistics.mean(r["model"]["auc"] for r in results)
    mean_10 = statistics.mean(r["model"]["caught_at"]["10%"] for r in results)
    print(
        f"target: mean AUC >= 0.78 ({'met' if mean_auc >= 0.78 else 'NOT met'}: {mean_auc:.4f}), "
        f"mean caught@10% >= 0.30 ({'met' if mean_10 >= 0.30 else 'NOT met'}: {mean_10:.4f})"
    )


if __name__ == "__main__":
    main()
