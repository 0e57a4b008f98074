"""Evaluate a CEL condition in a child process with hard limits (address space, CPU time, a wall
clock), for conditions that are not provably cheap. The Rust CEL engine cannot be interrupted
from Python: a nested comprehension over large lists runs for minutes and can allocate without
bound, so the only safe bound is a process the kernel limits and the parent can kill."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

CHILD = r"""
import json, resource, sys
req = json.load(sys.stdin)
limit = req["memory"]
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
cpu = req["cpu"]
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
from countersign.decision.cel_runtime import load
cel = load()
try:
    value = cel.evaluate(req["expr"], req["vars"])
except MemoryError:
    sys.exit(101)
except Exception as exc:
    out = {"error": type(exc).__name__, "message": str(exc)}
else:
    try:
        out = {"value": value, "json": json.dumps(value) and True}
    except (TypeError, ValueError):
        out = {"value": repr(value)}
sys.stdout.write(json.dumps(out))
"""


class LimitExceeded(Exception):  # noqa: N818 - a result of evaluation, not a programming error
    """The evaluation ran out of time or memory."""


@dataclass(frozen=True)
class Outcome:
    value: Any = None
    error: str | None = None  # the CEL exception type name
    message: str = ""


def evaluate_in_child(
    expr: str, variables: dict[str, Any], seconds: float, memory_mb: int
) -> Outcome:
    request = json.dumps(
        {
            "expr": expr,
            "vars": variables,
            "memory": memory_mb * 1024 * 1024,
            "cpu": max(1, int(seconds) + 1),
        }
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-I", "-c", CHILD],
            input=request.encode(),
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise LimitExceeded(f"took longer than {seconds:g} s") from None
    if proc.returncode != 0:
        if proc.returncode == 101 or b"memory" in proc.stderr.lower():
            raise LimitExceeded(f"needed more than {memory_mb} MB")
        if proc.returncode < 0:
            raise LimitExceeded(f"was stopped by the limits (signal {-proc.returncode})")
        raise LimitExceeded(f"failed (exit {proc.returncode})")
    out = json.loads(proc.stdout)
    if "error" in out:
        return Outcome(error=str(out["error"]), message=str(out["message"]))
    return Outcome(value=out["value"])
