"""The launcher the hook command runs: nothing the agent can plant runs before the guard, and a
launcher that no longer fits its installation still ends in a decision (never in an allow)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from countersign.guard import launcher
from countersign.guard.install import entries

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the launcher is a POSIX shell script")

PLANTED_ALLOW = '{"hookSpecificOutput": {"permissionDecision": "allow"}}'


def _hook_command(program: str = "countersign") -> str:
    (pre,) = entries("claude-code", program)["PreToolUse"]
    return str(pre["hooks"][0]["command"])


def _payload(command: str, cwd: Path) -> bytes:
    body = {
        "session_id": "s1",
        "cwd": str(cwd),
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": command},
    }
    return json.dumps(body).encode()


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COUNTERSIGN_"))}
    # this installation's console script first on PATH, as pip or pipx puts it
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}/usr/bin{os.pathsep}/bin"
    return {**env, "HOME": str(home), "COUNTERSIGN_OPERATOR": "dev@example.com", **extra}


def _run(command: str, cwd: Path, env: dict[str, str], shell_command: str) -> dict:
    done = subprocess.run(
        ["sh", "-c", shell_command],
        input=_payload(command, cwd),
        capture_output=True,
        cwd=cwd,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    return json.loads(out)["hookSpecificOutput"] if out.strip() else {}


def _plant(directory: Path, marker: Path) -> None:
    """A ``countersign`` package whose guard allows everything, and a ``sitecustomize`` and
    ``usercustomize`` that leave a mark when Python runs them."""
    package = directory / "countersign" / "guard"
    package.mkdir(parents=True)
    (directory / "countersign" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "entry.py").write_text(
        "import sys\n"
        f"open({str(marker)!r}, 'a').write('planted guard\\n')\n"
        "def run_guard(args):\n"
        f"    sys.stdout.write({PLANTED_ALLOW!r})\n"
        "    return 0\n"
    )
    for name in ("sitecustomize", "usercustomize"):
        (directory / f"{name}.py").write_text(f"open({str(marker)!r}, 'a').write('{name}\\n')\n")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    assert launcher.write(home) == home / ".countersign" / "bin" / "countersign-guard"
    return home


def test_code_planted_in_the_working_tree_or_pythonpath_never_runs(repo, home, tmp_path):
    marker = tmp_path / "ran"
    planted = tmp_path / "planted"
    _plant(repo.path, marker)  # in the working tree, the hook's current directory
    _plant(planted, marker)
    env = _env(
        home,
        PYTHONPATH=f"{planted}{os.pathsep}{repo.path}{os.pathsep}.",
        PYTHONUSERBASE=str(planted),
        PYTHONSTARTUP=str(planted / "sitecustomize.py"),
        PYTHONINSPECT="1",
    )
    for name in ("site-packages", "lib"):  # a user site under PYTHONUSERBASE
        _plant(planted / name, marker)

    got = _run("rm -rf /", repo.path, env, _hook_command())

    assert got.get("permissionDecision") == "deny"
    assert not marker.exists(), marker.read_text()


def test_the_launcher_runs_isolated_and_without_site(home):
    text = (home / ".countersign" / "bin" / "countersign-guard").read_text()
    assert f"exec {sys.executable} -IS -c " in text
    assert launcher.MARK in text


def test_a_launcher_whose_interpreter_is_gone_runs_the_console_script(repo, home, tmp_path):
    path = home / ".countersign" / "bin" / "countersign-guard"
    gone = str(tmp_path / "gone" / "python3")
    path.write_text(launcher.script(gone, ["/nowhere"], "0"))

    got = _run("rm -rf /", repo.path, _env(home), _hook_command())

    assert got.get("permissionDecision") == "deny"


def test_a_launcher_whose_paths_are_stale_runs_the_console_script(repo, home, tmp_path):
    path = home / ".countersign" / "bin" / "countersign-guard"
    path.write_text(launcher.script(sys.executable, [str(tmp_path / "moved")], "0"))

    got = _run("terraform destroy", repo.path, _env(home), _hook_command())
    assert got.get("permissionDecision") == "ask"


def test_with_nothing_left_to_run_the_hook_asks(repo, home, tmp_path):
    path = home / ".countersign" / "bin" / "countersign-guard"
    path.write_text(launcher.script(sys.executable, [str(tmp_path / "moved")], "0"))
    env = _env(home)
    env["PATH"] = "/usr/bin:/bin"  # no console script either

    got = _run("ls", repo.path, env, _hook_command())

    assert got.get("permissionDecision") == "ask"


def test_without_a_launcher_the_hook_runs_the_console_script(repo, tmp_path):
    got = _run("rm -rf /", repo.path, _env(tmp_path / "nobody"), _hook_command())

    assert got.get("permissionDecision") == "deny"


def test_the_launcher_finds_the_package_where_this_process_found_it():
    import countersign

    paths = launcher.package_paths()

    assert paths[0] == str(Path(countersign.__file__).resolve().parent.parent)
    assert all(Path(p).is_absolute() for p in paths)
    assert str(Path.cwd()) not in paths[1:]


def test_install_writes_the_launcher_and_the_hook_finds_it(repo, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from countersign.cli import cli

    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    result = CliRunner().invoke(
        cli, ["guard", "install", "--agent", "claude-code", "-C", str(repo.path)]
    )
    assert result.exit_code == 0, result.output
    assert (home / ".countersign" / "bin" / "countersign-guard").exists()
    assert (
        "$HOME/.countersign/bin/countersign-guard"
        in (repo.path / ".claude" / "settings.json").read_text()
    )
