"""Time per MB of every hazard analyzer on growing inputs (1x and 10x), the ratio between the
two, and peak memory; then the largest inputs (50 MB of each kind, past every limit).

Each measurement runs in a fresh process (so peak RSS is that input's own) on a realistic
document built here: plans and change sets of many resource changes, multi-document
manifests, migrations mixing DDL and data, long policies, workflows of many steps, .tf files
of many blocks. Linear means the time ratio tracks the size ratio: the "linearity" column is
(t10 / t1) / (size10 / size1), target <= 1.5. Targets: no input up to 50 MB over 10 s or 1 GiB.

Usage: python benchmarks/hazards_scaling.py [--only sql,iam] [--big-mb 50]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

# name: (path, base size in MB for 1x)
KINDS = {
    "terraform": ("plan.json", 4.0),
    "cloudformation": ("changeset.json", 4.0),
    "kubernetes": ("deploy/app.yaml", 0.35),
    "sql": ("db/migrate/0001.sql", 0.35),
    "sql-inserts": ("db/migrate/0002_seed.sql", 1.5),
    "sql-mysql": ("db/mysql/0001.sql", 0.02),
    "iam": ("iam/policy.json", 0.4),
    "terraform_source": ("infra/main.tf", 0.35),
    "workflows": (".github/workflows/ci.yml", 0.01),
}


def _repeat(unit: str, target: int, head: str = "", tail: str = "", sep: str = "") -> str:
    parts, size, i = [], len(head) + len(tail), 0
    while size < target:
        piece = unit.format(i=i)
        parts.append(piece)
        size += len(piece) + len(sep)
        i += 1
    return head + sep.join(parts) + tail


def build(kind: str, target: int) -> tuple[str, str]:
    """The new and old text of a document of about ``target`` characters."""
    if kind == "terraform":
        rc = (
            '{{"address": "aws_db_instance.db_{i}", "type": "aws_db_instance", "mode": "managed",'
            ' "change": {{"actions": ["delete", "create"], "before": {{"tags": {{"env": "prod"}},'
            ' "notes": "' + "x" * 200 + '"}}, "after": {{"tags": {{"env": "prod"}}}}}}}}'
        )
        text = _repeat(rc, target, '{"format_version": "1.2", "resource_changes": [', "]}", ",")
        return text, ""
    if kind == "cloudformation":
        rc = (
            '{{"Type": "Resource", "ResourceChange": {{"Action": "Modify", "LogicalResourceId": '
            '"Db{i}", "ResourceType": "AWS::RDS::DBInstance", "Replacement": "True", "Details": '
            '[{{"Target": {{"Attribute": "Properties", "Name": "Engine", "RequiresRecreation": '
            '"Always"}}}}]}}}}'
        )
        return _repeat(rc, target, '{"ChangeSetId": "x", "Changes": [', "]}", ","), ""
    if kind == "kubernetes":
        doc = (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{i}\n  namespace: shop\n"
            "spec:\n  replicas: 0\n  template:\n    spec:\n      containers:\n        - name: web\n"
            "          image: shop/web:1.{i}\n          env:\n            - name: A\n"
            "              value: '" + "v" * 300 + "'\n"
        )
        new = _repeat(doc, target, sep="---\n")
        return new, new.replace("replicas: 0", "replicas: 3")
    if kind in {"sql", "sql-mysql"}:
        q = "`" if kind == "sql-mysql" else '"'
        unit = (
            f"ALTER TABLE {q}orders_{{i}}{q} ADD COLUMN note_{{i}} text;\n"
            f"UPDATE {q}orders_{{i}}{q} SET note_{{i}} = 'it''s {{i}}; ok' WHERE id = {{i}};\n"
            "-- a comment with a ; in it\n"
            f"CREATE INDEX idx_{{i}} ON {q}orders_{{i}}{q} (created_at);\n"
        )
        return _repeat(unit, target), ""
    if kind == "sql-inserts":
        unit = "INSERT INTO products (id, name, price) VALUES ({i}, 'product {i}; new', 9.99);\n"
        return _repeat(unit, target, "ALTER TABLE products ALTER COLUMN price TYPE numeric;\n"), ""
    if kind == "iam":
        st = (
            '{{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "iam:PassRole"], '
            '"Resource": ["arn:aws:s3:::bucket-{i}/*", "arn:aws:iam::123456789012:role/r{i}"]}}'
        )
        new = _repeat(st, target, '{"Version": "2012-10-17", "Statement": [', "]}", ",")
        return new, new.replace('"s3:PutObject", ', "")
    if kind == "terraform_source":
        block = (
            'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "shop-{i}"\n  force_destroy = true\n'
            '  tags = {{ env = "prod", team = "x" }}\n}}\n'
        )
        new = _repeat(block, target)
        return new, new.replace("force_destroy = true", "force_destroy = false")
    if kind == "workflows":
        step = "      - name: step {i}\n        run: echo building {i} && make target-{i}\n"
        head = "on: push\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: x\n    steps:\n"
        return _repeat(step, target, head), head
    raise SystemExit(f"unknown kind {kind}")


def one(kind: str, megabytes: float) -> dict[str, float]:
    """Measure one input in this process: seconds, peak RSS (MiB), findings."""
    from countersign.facts.context import Context
    from countersign.facts.hazards import find_hazards
    from countersign.intake.change import Artifact, Change, FileChange, FileStatus

    path = KINDS[kind][0]
    new, old = build(kind, int(megabytes * 1024 * 1024))
    files = (FileChange(path, FileStatus.MODIFIED, old_text=old or None, new_text=new),)
    change = Change(
        "a", "b", "", files=files, artifacts=(Artifact(path, new, "diff", old or None),)
    )
    warm = Change("a", "b", "", files=(), artifacts=(Artifact(path, build(kind, 2000)[0], "diff"),))
    find_hazards(warm, Context())  # imports and grammar loading are not the input's cost
    start, cpu = time.perf_counter(), time.process_time()
    found = find_hazards(change, Context())
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"mb": len(new) / 2**20, "s": seconds, "cpu": cpu, "rss": peak, "findings": len(found)}


def measure(kind: str, megabytes: float) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", kind, str(megabytes)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", nargs=2, metavar=("KIND", "MB"))
    parser.add_argument("--only", default="")
    parser.add_argument("--big-mb", type=float, default=50)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], float(args.one[1]))))
        return
    kinds = [k for k in KINDS if not args.only or k in args.only.split(",")]
    baseline = measure("iam", 0.001)
    load = os.getloadavg()[0]
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load:.1f} (times are CPU seconds of the"
        " measuring process; wall clock in brackets)"
    )
    print(
        f"baseline: a 1 KB policy: {baseline['cpu'] * 1000:.1f} ms, RSS {baseline['rss']:.0f} MiB"
    )
    print(
        f"{'analyzer':<17} {'1x MB':>6} {'cpu s':>6} {'s/MB':>6} {'10x MB':>7} {'cpu s':>6}"
        f" {'s/MB':>6} {'linearity':>9} {'RSS MiB':>8} findings"
    )
    for kind in kinds:
        base = KINDS[kind][1]
        small, large = measure(kind, base), measure(kind, base * 10)
        linearity = (large["cpu"] / max(small["cpu"], 1e-9)) / (large["mb"] / small["mb"])
        verdict = "ok" if linearity <= 1.5 else "SUPERLINEAR"
        print(
            f"{kind:<17} {small['mb']:6.2f} {small['cpu']:6.2f} {small['cpu'] / small['mb']:6.2f}"
            f" {large['mb']:7.2f} {large['cpu']:6.2f} {large['cpu'] / large['mb']:6.2f}"
            f" {linearity:6.2f} {verdict:<11} {large['rss']:5.0f}"
            f" {small['findings']:.0f}/{large['findings']:.0f}"
        )
    print(f"\nlargest inputs: {args.big_mb:.0f} MB of each kind (targets: <= 10 s, <= 1024 MiB)")
    for kind in kinds:
        big = measure(kind, args.big_mb)
        ok = "ok" if big["cpu"] <= 10 and big["rss"] <= 1024 else "OVER"
        print(
            f"{kind:<17} {big['mb']:6.1f} MB {big['cpu']:6.2f} s cpu ({big['s']:6.2f} s wall)"
            f" {big['rss']:6.0f} MiB  {ok}  findings {big['findings']:.0f}"
        )


if __name__ == "__main__":
    main()
