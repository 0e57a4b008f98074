"""How long the agent waits for the guard.

Whole process, start to answer, of `countersign guard --agent claude-code` over a mixed corpus
(reads and builds on the fast path, commits, deletes and one-liners on the full path, a few
asks and denies that write the ledger), each run next to a bare `python -c pass` with the same
interpreter, inside a real git repository: p50 and p95 of both and their ratios; then the
in-process decision time per command (judge_command, µs).

    .venv/bin/python benchmarks/guard_latency.py [--rounds 3] [--no-bytecode] [--console-script]

The guard runs as the installed hook runs it, through the launcher (``guard/launcher.py``:
this interpreter, ``-IS``, the package's paths), or with ``--console-script`` through pip's
``countersign`` wrapper. The launcher ignores ``PYTHONPYCACHEPREFIX`` (``-I``): its bytecode is
written next to the sources in the warm-up round.

Both the guard and the bare start read compiled bytecode, as an installed wheel does (pip
compiles it at install time): the runs get a private ``PYTHONPYCACHEPREFIX`` and
``PYTHONDONTWRITEBYTECODE`` is dropped, and the corpus is run once before timing. An editable
install under ``PYTHONDONTWRITEBYTECODE=1`` compiles every module it imports from source on
every run instead; ``--no-bytecode`` measures that.
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
# A mixed session: what an agent runs in a day, in rough proportion. The fast path (prescreen)
# takes the reads, builds and tests; the full path (tree-sitter and the rules) takes commits,
# pushes, deletes, redirections, expansions and interpreter one-liners; a few are asked or
# denied and write the ledger.
MIXED = [
    *TYPICAL,
    "git log --oneline -20",
    "git show HEAD --stat",
    "git branch -a",
    "ls src/",
    "cat package.json",
    "npm ci",
    "pip install -r requirements.txt",
    "make -j4",
    "cargo build --release",
    "go test ./...",
    "rg -n handler src",
    "find . -name '*.py' -newer setup.cfg",
    "kubectl get pods -n staging",
    "terraform plan -out plan.bin",
    "docker ps",
    "head -50 src/app.py",
    "wc -l src/*.py",
    "python3 -m pytest -x -q",
    "npx tsc --noEmit",
    "uv run ruff check .",
    # full path, allowed
    "git add -A && git commit -m 'fix: handle empty input'",
    "git commit -am wip",
    "git push origin topic",
    "rm -rf build/",
    "echo 'DEBUG=1' > .env.local",
    "cat src/app.py | grep -n TODO > todo.txt",
    "python3 -c \"import json,sys; print(json.load(open('package.json'))['name'])\"",
    "for f in src/*.py; do wc -l $f; done",
    "export PATH=$PWD/bin:$PATH && tool --version",
    "docker run --rm -v $PWD:/w node:20 npm test",
    # full path, asked or denied (the ledger is written)
    "terraform destroy",
    "git reset --hard HEAD~3",
    "rm -rf /",
]


def _p50(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _time(argv: list[str], payload: bytes | None, cwd: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, input=payload, capture_output=True, cwd=cwd, env=env, check=False)
    return time.perf_counter() - start


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000


def _payload(command: str, cwd: str) -> bytes:
    return json.dumps(
        {
            "session_id": "bench",
            "cwd": cwd,
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": command},
        }
    ).encode()


def _repository(path: str) -> None:
    """A real repository with a commit, so git probes (branch, dirtiness) answer as they would."""
    subprocess.run(["git", "init", "-q", "-b", "topic", path], check=True)
    Path(path, "README.md").write_text("bench\n")
    for args in (
        ["config", "user.email", "bench@example.com"],
        ["config", "user.name", "bench"],
        ["add", "README.md"],
        ["commit", "-q", "-m", "init"],
    ):
        subprocess.run(["git", *args], cwd=path, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="passes over the mixed corpus")
    parser.add_argument(
        "--no-bytecode", action="store_true", help="compile from source on every run"
    )
    parser.add_argument(
        "--console-script", action="store_true", help="run pip's wrapper, not the launcher"
    )
    parser.add_argument(
        "--no-helper",
        action="store_true",
        help="only the hook judging by itself (COUNTERSIGN_GUARD_HELPER=0), not also the helper",
    )
    options = parser.parse_args()
    rounds = options.rounds
    python = sys.executable
    script = shutil.which("countersign", path=str(Path(python).parent)) or "countersign"
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as cache:
        _repository(tmp)
        env = {**os.environ, "HOME": tmp, "COUNTERSIGN_STATE_DIR": str(Path(tmp) / "state")}
        env["COUNTERSIGN_OPERATOR"] = "bench@example.com"
        env.pop("PYTHONPYCACHEPREFIX", None)
        env.pop("COUNTERSIGN_GUARD_HELPER", None)
        if options.no_bytecode:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = cache
        if options.console_script:
            hook = [script, "guard", "--agent", "claude-code"]
        else:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
            from countersign.guard import launcher

            hook = [
                *launcher.argv(python, launcher.package_paths(python)),
                "--agent",
                "claude-code",
            ]
        # the helper only runs behind the launcher (console script: the hook judges alone)
        variants = {"alone": {**env, "COUNTERSIGN_GUARD_HELPER": "0"}}
        if not options.no_helper and not options.console_script:
            variants["helper"] = env
        for command in ["ls", *MIXED]:  # warm the page cache (and write the bytecode)
            _time([python, "-c", "pass"], None, tmp, env)
            for variant_env in variants.values():
                _time(hook, _payload(command, tmp), tmp, variant_env)
        time.sleep(2)  # the first call started the helper: let it finish importing
        bare: list[float] = []
        guard: dict[str, list[float]] = {name: [] for name in variants}
        by_command: dict[str, dict[str, list[float]]] = {
            name: {c: [] for c in MIXED} for name in variants
        }
        for _ in range(rounds):
            for command in MIXED:  # interleaved: all see the same load
                bare.append(_time([python, "-c", "pass"], None, tmp, env))
                for name, variant_env in variants.items():
                    took = _time(hook, _payload(command, tmp), tmp, variant_env)
                    guard[name].append(took)
                    by_command[name][command].append(took)
        load_after = os.getloadavg()

        print(f"corpus: {len(MIXED)} commands x {rounds} rounds, claude-code payload, in a git")
        print("repository with one commit, no guard.yaml; each guard run next to a bare start;")
        print(
            "run through " + ("pip's console script" if options.console_script else "the launcher")
        )
        print(
            "modules compiled from source on every run (--no-bytecode)"
            if options.no_bytecode
            else "bytecode compiled once, as an installed wheel has it:"
        )
        print("  " + "  ".join(f"{name:>8s}" for name in variants) + "  (median ms)")
        for command in MIXED:
            cells = "  ".join(f"{_p50(by_command[name][command]):8.1f}" for name in variants)
            print(f"  {cells}  {command}")
        print(
            "load average (1, 5, 15 min): "
            f"before {' '.join(f'{x:.2f}' for x in load_before)}, "
            f"after {' '.join(f'{x:.2f}' for x in load_after)}"
        )
        print("whole process:")
        print(f"  bare `{python} -c pass`: p50 {_p50(bare):6.1f} ms, p95 {_p95(bare):6.1f} ms")
        for name, samples in guard.items():
            label = {"alone": "hook judging alone", "helper": "hook with its helper"}[name]
            print(
                f"  {label:21s}: p50 {_p50(samples):6.1f} ms, p95 {_p95(samples):6.1f} ms; "
                f"ratio p50 {_p50(samples) / _p50(bare):.2f}x (target 2.0x), "
                f"p95 {_p95(samples) / _p95(bare):.2f}x (target 3.0x)"
            )

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
