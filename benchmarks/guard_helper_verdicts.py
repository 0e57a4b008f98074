"""The warm helper answers what the hook answers by itself, over the guard's corpora: every Nth
command of ``benchmarks/corpora/*.jsonl`` is run through the launcher twice, judged by the hook
alone (``COUNTERSIGN_GUARD_HELPER=0``) and with its helper, inside a real repository, and the
answers (stdout, stderr, exit code) must be byte for byte the same. ``-X importtime`` tells
which calls the hook did not judge itself (the prescreen's, and the helper's).

    .venv/bin/python benchmarks/guard_helper_verdicts.py [--every 4]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ("destructive", "lookalike", "everyday", "holdout")
FULL_PATH_MODULE = b"countersign.facts.shell.syntax"


def _repository(path: str) -> None:
    subprocess.run(["git", "init", "-q", "-b", "topic", path], check=True)
    Path(path, "README.md").write_text("bench\n")
    for args in (
        ["config", "user.email", "bench@example.com"],
        ["config", "user.name", "bench"],
        ["add", "README.md"],
        ["commit", "-q", "-m", "init"],
    ):
        subprocess.run(["git", *args], cwd=path, check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--every", type=int, default=4, help="take every Nth command")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from countersign.guard import launcher

    python, *rest = launcher.argv(sys.executable, launcher.package_paths(sys.executable))
    hook = [python, "-X", "importtime", *rest, "--agent", "claude-code"]
    commands: list[str] = []
    for name in CORPORA:
        lines = (ROOT / "benchmarks" / "corpora" / f"{name}.jsonl").read_text().splitlines()
        commands += [json.loads(line)["command"] for line in lines[:: options.every]]
    with tempfile.TemporaryDirectory(prefix="verdicts-") as tmp:
        _repository(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COUNTERSIGN_"))}
        env.update(HOME=tmp, COUNTERSIGN_OPERATOR="bench@example.com")

        def run(command: str, helper: bool) -> tuple[bytes, bytes, int, bool]:
            body = {
                "session_id": "bench",
                "cwd": tmp,
                "hook_event_name": "PreToolUse",
                "tool_name": "Bash",
                "tool_input": {"command": command},
            }
            done = subprocess.run(
                hook,
                input=json.dumps(body).encode(),
                capture_output=True,
                cwd=tmp,
                env=env if helper else {**env, "COUNTERSIGN_GUARD_HELPER": "0"},
                timeout=120,
                check=False,
            )
            lines = done.stderr.splitlines()
            err = b"\n".join(line for line in lines if not line.startswith(b"import time:"))
            return done.stdout, err, done.returncode, FULL_PATH_MODULE in done.stderr

        run("rm -rf build/", helper=True)  # starts the helper
        time.sleep(3)
        differ = prescreen = by_helper = 0
        decisions: dict[str, int] = {}
        for command in commands:
            alone, helped = run(command, helper=False), run(command, helper=True)
            out = json.loads(alone[0]).get("hookSpecificOutput", {}) if alone[0].strip() else {}
            decision = out.get("permissionDecision", "none")
            decisions[decision] = decisions.get(decision, 0) + 1
            prescreen += not alone[3]
            by_helper += alone[3] and not helped[3]
            if alone[:3] != helped[:3]:
                differ += 1
                print(f"differs: {command!r}\n  alone:  {alone[:3]}\n  helper: {helped[:3]}")
        print(
            f"{len(commands)} commands (every {options.every}th of {', '.join(CORPORA)}): "
            f"{differ} answered differently; {prescreen} passed by the prescreen, "
            f"{by_helper} of the rest answered by the helper; decisions {decisions}"
        )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
