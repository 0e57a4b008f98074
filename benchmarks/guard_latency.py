"""How long the agent waits for the guard.

Whole process, start to answer, of `countersign guard --agent claude-code` on typical commands,
next to a bare `python -c pass` with the same interpreter, measured in the same run (p50, ms);
and the in-process decision time per command (judge_command, µs).

    .venv/bin/python benchmarks/guard_latency.py [--runs 40]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TYPICAL = [
    "ls -la",
    "git status",
    "git diff --stat HEAD~1",
    "pytest -q tests/unit",
    "npm test -- --watch=false",
    "grep -rn 'TODO' src | head -20",
    "cat README.md",
    "python -m mypy src",
    "rm -rf node_modules dist",
    "cd web && npm run build",
]
DANGEROUS = [
    "rm -rf /",
    "sudo bash -c 'rm -rf ~'",
    "git push --force origin main",
    "terraform destroy -auto-approve",
    "kubectl --context prod delete ns payments",
    "echo cm0gLXJmIC8K | base64 -d | sh",
    "psql -c 'DROP TABLE users'",
]


def _p50(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _time(argv: list[str], payload: bytes | None, cwd: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, input=payload, capture_output=True, cwd=cwd, env=env, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    runs = parser.parse_args().runs
    python = sys.executable
    script = shutil.which("countersign", path=str(Path(python).parent)) or "countersign"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["git", "init", "-q", tmp], check=True)
        env = {**os.environ, "HOME": tmp, "COUNTERSIGN_STATE_DIR": str(Path(tmp) / "state")}
        payloads = [
            json.dumps(
                {
                    "session_id": "bench",
                    "cwd": tmp,
                    "hook_event_name": "PreToolUse",
                    "tool_name": "Bash",
                    "tool_input": {"command": c},
                }
            ).encode()
            for c in TYPICAL
        ]
        for _ in range(3):  # warm the page cache
            _time([python, "-c", "pass"], None, tmp, env)
            _time([script, "guard", "--agent", "claude-code"], payloads[0], tmp, env)
        bare, wrapper, module = [], [], []
        for i in range(runs):
            data = payloads[i % len(payloads)]
            bare.append(_time([python, "-c", "pass"], None, tmp, env))
            wrapper.append(_time([script, "guard", "--agent", "claude-code"], data, tmp, env))
            module.append(
                _time(
                    [python, "-m", "countersign", "guard", "--agent", "claude-code"], data, tmp, env
                )
            )
        full_payload = json.dumps(
            {
                "cwd": tmp,
                "hook_event_name": "PreToolUse",
                "tool_name": "Bash",
                "tool_input": {"command": "git push origin topic"},
            }
        ).encode()
        full = [
            _time([script, "guard", "--agent", "claude-code"], full_payload, tmp, env)
            for _ in range(max(5, runs // 4))
        ]
        path_python = shutil.which("python3")
        shim = (
            [_time([path_python, "-c", "pass"], None, tmp, env) for _ in range(10)]
            if path_python
            else []
        )

        print(f"whole process, p50 over {runs} runs (typical commands, claude-code payload):")
        print(f"  bare `{python} -c pass`          {_p50(bare):7.1f} ms   (baseline)")
        print(
            f"  `countersign guard` (console script) {_p50(wrapper):7.1f} ms   ratio {_p50(wrapper) / _p50(bare):.2f}x"
        )
        print(
            f"  `python -m countersign guard`        {_p50(module):7.1f} ms   ratio {_p50(module) / _p50(bare):.2f}x"
        )
        print(
            f"  full analysis path (tree-sitter + rules, `git push origin topic`): {_p50(full):.1f} ms"
        )
        if shim:
            print(
                f"  (`python3 -c pass` from PATH, {path_python}: {_p50(shim):.1f} ms; not the baseline)"
            )
        print("  target: ratio within 2.5x")

        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
        from countersign.guard.decision import judge_command
        from countersign.guard.hook import shell_context

        ctx, _ = shell_context(tmp, env, live=False)
        for command in TYPICAL + DANGEROUS:
            judge_command(command, ctx)
        for label, commands in (("typical", TYPICAL), ("dangerous", DANGEROUS)):
            per: list[float] = []
            for _ in range(50):
                for command in commands:
                    start = time.perf_counter()
                    judge_command(command, ctx)
                    per.append(time.perf_counter() - start)
            print(
                f"in-process decision, {label:9s}: p50 {statistics.median(per) * 1e6:6.0f} µs, "
                f"p95 {sorted(per)[int(len(per) * 0.95)] * 1e6:6.0f} µs  (target < 1000 µs)"
            )


if __name__ == "__main__":
    main()
