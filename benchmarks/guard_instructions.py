"""The guard's work in instructions (valgrind callgrind), which a loaded, shared machine does not
blur as it blurs milliseconds: one guard process per command against a bare ``python -c pass``
of the same interpreter, measured in the same run, inside a real repository (a ``main`` with a
commit, the agent on a topic branch; ``--guard-yaml`` commits a guard.yaml on main).

    .venv/bin/python benchmarks/guard_instructions.py [--src OTHER/src] [--guard-yaml]
                                                      [--console-script] [--prefill N]

The guard runs as the installed hook runs it: the launcher's isolated interpreter
(``guard/launcher.py``: ``python -IS -c ...`` with the package's paths), or with
``--console-script`` through pip's ``countersign`` wrapper, as before the launcher. ``--src``
runs another checkout's package with this interpreter (``git archive main src`` into a
directory gives the baseline). Bytecode is compiled once first, as an installed wheel has it
(into a private cache for the console script; next to the sources for the launcher, which
ignores ``PYTHONPYCACHEPREFIX``); git children are not counted (valgrind follows no child),
so the git processes each command starts are counted with ``strace`` and printed beside it.
``--prefill N`` appends N guard decisions to the repository's ledger first, as weeks of use
leave it (an ask that reads the whole ledger pays for each). Behind the launcher the warm helper
answers what the prescreen does not pass, and its child's work is not counted either (another
process): ``--no-helper`` counts the hook judging by itself (``COUNTERSIGN_GUARD_HELPER=0``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = [
    ("ls -la", "prescreen"),
    ("git status", "prescreen"),
    ("rm -rf build/", "full path, allowed"),
    ("git commit -am wip", "full path, allowed"),
    ("terraform destroy", "asked, ledger"),
    ("rm -rf /", "denied, ledger"),
]


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


def _repository(path: str, guard_yaml: bool) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=path, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "bench@example.com")
    git("config", "user.name", "bench")
    Path(path, "README.md").write_text("bench\n")
    if guard_yaml:
        Path(path, ".countersign").mkdir()
        Path(path, ".countersign", "guard.yaml").write_text("version: 1\n")
    git("add", "-A")
    git("commit", "-q", "-m", "init")
    git("checkout", "-q", "-b", "topic")


def _instructions(argv: list[str], payload: bytes | None, cwd: str, env: dict[str, str]) -> int:
    with tempfile.NamedTemporaryFile() as out:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out.name}", *argv],
            input=payload,
            capture_output=True,
            cwd=cwd,
            env=env,
            check=False,
        )
    found = re.search(rb"Collected : (\d+)", done.stderr)
    if not found:
        raise SystemExit(done.stderr.decode()[-2000:])
    return int(found.group(1))


def _git_processes(argv: list[str], payload: bytes, cwd: str, env: dict[str, str]) -> int | None:
    if not shutil.which("strace"):
        return None
    with tempfile.NamedTemporaryFile() as out:
        subprocess.run(
            ["strace", "-f", "-e", "trace=execve", "-o", out.name, *argv],
            input=payload,
            capture_output=True,
            cwd=cwd,
            env=env,
            check=False,
        )
        trace = Path(out.name).read_text(errors="replace").splitlines()
    return sum(1 for line in trace if 'execve("' in line and '"git"' in line and "= 0" in line)


def _prefill(root: str, count: int, env: dict[str, str]) -> None:
    from countersign.guard.journal import open_ledger

    state = Path(root, ".git", "countersign")
    before = dict(os.environ)
    os.environ["HOME"] = env["HOME"]
    try:
        ledger = open_ledger(state, Path(root))
        for n in range(count):
            ledger.append("guard-decision", {"decision": "ask", "command": f"bench {n}"})
    finally:
        os.environ.clear()
        os.environ.update(before)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", help="run the package from this directory instead")
    parser.add_argument("--guard-yaml", action="store_true", help="commit a guard.yaml on main")
    parser.add_argument(
        "--console-script", action="store_true", help="run pip's wrapper, not the launcher"
    )
    parser.add_argument("--prefill", type=int, default=0, help="ledger entries written first")
    parser.add_argument("--no-helper", action="store_true", help="the hook judging by itself")
    options = parser.parse_args()
    python = sys.executable
    script = shutil.which("countersign", path=str(Path(python).parent)) or "countersign"
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as cache:
        _repository(tmp, options.guard_yaml)
        env = {**os.environ, "HOME": tmp, "COUNTERSIGN_OPERATOR": "bench@example.com"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("COUNTERSIGN_STATE_DIR", None)
        env.pop("COUNTERSIGN_GUARD_HELPER", None)
        if options.no_helper:
            env["COUNTERSIGN_GUARD_HELPER"] = "0"
        env["PYTHONPYCACHEPREFIX"] = cache
        if options.console_script:
            if options.src:
                env["PYTHONPATH"] = str(Path(options.src).resolve())
            guard = [python, script, "guard", "--agent", "claude-code"]
        else:
            from countersign.guard import launcher

            paths = launcher.package_paths(python)
            if options.src:
                paths = [str(Path(options.src).resolve()), *paths[1:]]
            guard = [*launcher.argv(python, paths), "--agent", "claude-code"]
        if options.prefill:
            _prefill(tmp, options.prefill, env)
        for command, _ in COMMANDS:  # bytecode, and the state directory, written once
            subprocess.run(
                guard,
                input=_payload(command, tmp),
                cwd=tmp,
                env=env,
                capture_output=True,
                check=False,
            )
        subprocess.run([python, "-c", "pass"], cwd=tmp, env=env, check=True)  # its bytecode too
        time.sleep(2)  # the first full-path call started the helper: let it finish importing
        bare = _instructions([python, "-c", "pass"], None, tmp, env)
        how = "console script" if options.console_script else "launcher (-IS)"
        helper = "off" if options.no_helper or options.console_script else "on (child not counted)"
        print(
            f"package: {options.src or 'this checkout'}; guard.yaml on main: {options.guard_yaml}"
            f"; run through: {how}; ledger prefilled with {options.prefill} entries"
            f"; helper: {helper}"
        )
        print(f"  {bare / 1e6:7.1f} M          bare `python -c pass`")
        for command, path in COMMANDS:
            count = _instructions(guard, _payload(command, tmp), tmp, env)
            gits = _git_processes(guard, _payload(command, tmp), tmp, env)
            print(
                f"  {count / 1e6:7.1f} M {count / bare:5.2f}x  {command}  ({path}; "
                f"git processes: {'?' if gits is None else gits})"
            )


if __name__ == "__main__":
    main()
