"""A digest of what a first ``risk mine`` finds, to compare two versions of the code.

Runs a whole first ``risk mine`` of a clone (its state in a temporary directory, the clone
untouched) and writes, per commit: its SZZ label, the inducing commits blamed on it if it is
a fix, its 14 metrics, the kinds of lines its patch holds and every other row column (the
repository features). Prints one hash per part. Run it with the code before and after a
speed-up (``PYTHONPATH=<tree>/src``) and compare: every hash must be the same.

    OMP_NUM_THREADS=1 nice -n 19 python benchmarks/risk_digest.py \\
        --repo /work/.mirror/openstack+glance/repo --out after.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import tempfile
from pathlib import Path

from countersign.commands.risk import mine_repo
from countersign.facts.risk.features import NAMES
from countersign.state.risk import risk_dir


def _hash(data: object) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    os.environ["COUNTERSIGN_STATE_DIR"] = tempfile.mkdtemp()
    rows, found = mine_repo(args.repo, 90.0, None, None)
    saved = json.loads((risk_dir(args.repo) / "commits.json").read_text(encoding="utf-8"))
    blamed, content = saved["blamed"], saved["content"]
    metrics = set(NAMES)
    parts: dict[str, dict[str, object]] = {
        "labels": {r.sha: r.bug for r in rows},
        "blamed": {sha: blamed[sha] for sha in sorted(blamed)},
        "metrics": {r.sha: {k: v for k, v in r.metrics.items() if k in metrics} for r in rows},
        "content": {sha: content[sha] for sha in sorted(content)},
        "features": {r.sha: {k: v for k, v in r.metrics.items() if k not in metrics} for r in rows},
    }
    args.out.write_text(json.dumps(parts, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(rows)} commits, {found.fixes} fixes, {found.inducing} defect-inducing")
    for name, data in parts.items():
        print(f"{name:9} {_hash(data)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
