"""Time `countersign scan` on a ~50 MB Terraform plan against `json.load` of the same file.

Builds the plan from the real `replace_destroy_first.json` fixture by repeating its resource
change with distinct addresses (a mix of replaces, deletes, updates and no-ops), then runs the
CLI in a subprocess, as a user would. Usage: python benchmarks/scan_plan.py [--mb 50]
"""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIXTURE = Path(__file__).parents[1] / "tests/fixtures/hazards/terraform/replace_destroy_first.json"
ACTIONS = (["delete", "create"], ["delete"], ["update"], ["no-op"], ["create"])


def build(target_bytes: int, out: Path) -> int:
    plan = json.loads(FIXTURE.read_text(encoding="utf-8"))
    template = plan["resource_changes"][0]
    template["change"]["before"]["input"] = "x" * 400
    changes = []
    size = 0
    i = 0
    while size < target_bytes:
        rc = copy.deepcopy(template)
        rc["address"] = f"aws_db_instance.db_{i}" if i % 7 == 0 else f"terraform_data.n_{i}"
        rc["type"] = "aws_db_instance" if i % 7 == 0 else "terraform_data"
        rc["change"]["actions"] = ACTIONS[i % len(ACTIONS)]
        changes.append(rc)
        size += len(json.dumps(rc))
        i += 1
    plan["resource_changes"] = changes
    out.write_text(json.dumps(plan), encoding="utf-8")
    return i


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=False, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "plan.json"
        count = build(int(args.mb * 1024 * 1024), plan)
        size = plan.stat().st_size / 2**20
        baseline = timed([sys.executable, "-c", f"import json; json.load(open({str(plan)!r}))"])
        scan = timed([sys.executable, "-m", "countersign", "scan", str(plan), "--format", "json"])
    print(f"plan: {size:.1f} MiB, {count} resource changes")
    print(f"baseline  python json.load of the plan : {baseline:6.2f} s")
    print(f"countersign scan --format json         : {scan:6.2f} s  ({scan / baseline:.1f}x)")


if __name__ == "__main__":
    main()
