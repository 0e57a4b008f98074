"""pip, uv and pipx run against the guard's own environment replace the modules that judge
every later call (a walk-around that writes no file the guard protects by name)."""

from __future__ import annotations

import pytest

from countersign.facts.shell.context import ShellContext
from countersign.guard.decision import judge_command
from countersign.records import replace

GUARD_VENV = "/home/me/.local/share/pipx/venvs/countersign"
PROJECT = "/work/shop"


def _ctx(venv: str = GUARD_VENV) -> ShellContext:
    own = (f"{venv}/lib/python3.11/site-packages/**", f"{venv}/bin/python", f"{venv}/pyvenv.cfg")
    return ShellContext(
        cwd=PROJECT, project_root=PROJECT, protected_paths=own, gate_paths=own, home="/home/me"
    )


@pytest.mark.parametrize(
    "command",
    [
        f"{GUARD_VENV}/bin/pip install tree-sitter-bash==0.1",
        f"{GUARD_VENV}/bin/pip uninstall -y cryptography",
        f"{GUARD_VENV}/bin/python -m pip install /tmp/fork",
        f"{GUARD_VENV}/bin/pip3.11 install requests",
        "pipx inject countersign /tmp/evil-plugin",
        "pipx runpip countersign install -e /tmp/cryptography",
        "pipx uninstall countersign",
        "pipx install --force countersign",
        "uv tool install --force --with /tmp/fork countersign",
        "uv tool uninstall countersign",
        f"uv pip install --python {GUARD_VENV}/bin/python /tmp/fork",
        f"pip install --target {GUARD_VENV}/lib/python3.11/site-packages evil",
    ],
)
def test_installing_into_the_guards_environment_is_asked(command):
    assert judge_command(command, _ctx()).decision != "allow"


@pytest.mark.parametrize(
    "command",
    [
        "pip install -r requirements.txt",
        "pip install requests",
        ".venv/bin/pip install requests",
        "/work/shop/.venv/bin/python -m pip install -e .",
        "pipx install ruff",
        "pipx upgrade countersign",
        "pipx inject black black-plugin",
        "uv tool install ruff",
        "uv pip install requests",
    ],
)
def test_installing_into_another_environment_is_not(command):
    assert judge_command(command, _ctx()).decision == "allow"


@pytest.mark.parametrize(
    ("command", "decision"),
    [
        (".venv/bin/pip install requests", "allow"),
        (".venv/bin/pip install -e .", "allow"),
        (".venv/bin/pip install 'cryptography==3.0'", "ask"),
        (".venv/bin/pip uninstall -y countersign", "ask"),
        (".venv/bin/pip install /tmp/fork", "ask"),
        (".venv/bin/python -m pip install git+https://example.com/tree-sitter", "ask"),
    ],
)
def test_in_the_projects_own_venv_only_what_the_guard_imports_is_asked(command, decision):
    got = judge_command(command, _ctx(f"{PROJECT}/.venv")).decision
    assert (got == "allow") == (decision == "allow")


# A bare ``pip`` or ``python -m pip`` is the one PATH finds: with the guard's environment
# active (its ``bin`` on PATH, as ``source .venv/bin/activate`` or a pipx-less install puts
# it), that is the guard's own pip.
def _active(venv: str, path: str = "") -> ShellContext:
    env = {"PATH": path or f"{venv}/bin:/usr/local/bin:/usr/bin", "VIRTUAL_ENV": venv}
    return replace(_ctx(venv), env=env)


@pytest.mark.parametrize(
    "command",
    [
        "pip install requests",
        "pip3 install -r requirements.txt",
        "pip3.11 uninstall -y rich",
        "python -m pip install requests",
        "python3 -m pip install --upgrade pip",
        "cd /tmp && pip install requests",
    ],
)
def test_bare_pip_of_the_guards_active_environment_is_asked(command):
    assert judge_command(command, _active(GUARD_VENV)).decision != "allow"


def test_bare_pip_after_the_guards_environment_is_put_on_path_is_asked():
    for command in (
        f"PATH={GUARD_VENV}/bin:/usr/bin pip install requests",
        f"export PATH={GUARD_VENV}/bin:/usr/bin; pip install requests",
        f"env PATH={GUARD_VENV}/bin pip install requests",
    ):
        assert judge_command(command, _ctx()).decision != "allow", command


@pytest.mark.parametrize(
    ("command", "decision"),
    [
        ("pip install requests", "allow"),
        ("pip install -e .", "allow"),
        ("pip install 'cryptography==3.0'", "ask"),
        ("python -m pip install /tmp/fork", "ask"),
        ("pip uninstall -y countersign", "ask"),
    ],
)
def test_bare_pip_in_the_projects_active_venv_asks_only_what_the_guard_imports(command, decision):
    got = judge_command(command, _active(f"{PROJECT}/.venv")).decision
    assert (got == "allow") == (decision == "allow")


@pytest.mark.parametrize(
    "command", ["pip install requests", "python -m pip install requests", "pip list"]
)
def test_bare_pip_of_another_active_environment_passes(command):
    ctx = replace(_ctx(), env={"PATH": "/work/other/.venv/bin:/usr/bin"})
    assert judge_command(command, ctx).decision == "allow"


@pytest.mark.parametrize(
    ("command", "decision"),
    [
        ("uv pip install requests", "allow"),
        ("uv pip install 'cryptography==3.0'", "ask"),
        ("uv pip uninstall countersign", "ask"),
        ("uv pip install /tmp/fork", "ask"),
        ("uv pip install --system 'cryptography==3.0'", "allow"),
    ],
)
def test_uv_pip_into_the_projects_venv_that_the_guard_runs_from(command, decision):
    # no VIRTUAL_ENV: uv installs into the project's .venv, here the guard's
    got = judge_command(command, _ctx(f"{PROJECT}/.venv")).decision
    assert (got == "allow") == (decision == "allow")


def test_uv_pip_into_the_active_guard_environment_is_asked():
    ctx = replace(_ctx(), env={"VIRTUAL_ENV": GUARD_VENV})
    assert judge_command("uv pip install requests", ctx).decision != "allow"
    assert judge_command("uv pip install requests", _ctx()).decision == "allow"
