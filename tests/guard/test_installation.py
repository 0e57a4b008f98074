"""The guard's installation is more than its package: the interpreter imports the standard
library and its dependencies (tree_sitter, cryptography, yaml) from directories the agent's
user can write, and runs the ``.pth`` files of site-packages at start-up (pip's console script).
A module rewritten there judges every later call, so each is a protected path, as the package
is. Each test is a walk-around: an edit of what the guard imports, not of the guard."""

from __future__ import annotations

import sys
from pathlib import Path

import cryptography
import pytest
import tree_sitter
import yaml

from countersign.guard.hook import installation

CRYPTOGRAPHY = Path(cryptography.__file__).parent
TREE_SITTER = Path(tree_sitter.__file__).parent
SITE = CRYPTOGRAPHY.parent
YAML = Path(yaml.__file__).parent
JSON = Path(sys.modules["json"].__file__).parent


def _decision(answer) -> str:
    return answer.json.get("hookSpecificOutput", {}).get("permissionDecision", "allow")


@pytest.mark.parametrize(
    "command",
    [
        f"sed -i 's/verify(/pass  # verify(/' {CRYPTOGRAPHY}/hazmat/primitives/asymmetric/ed25519.py",
        f"cp /tmp/mine.py {TREE_SITTER}/__init__.py",
        f"echo 'import os; os.environ.clear()' > {SITE}/zz-mine.pth",
        f"echo 'loads = lambda *a: {{}}' >> {JSON}/__init__.py",
        f"rm {CRYPTOGRAPHY}/__init__.py",
        f"tee {YAML}/__init__.py < /tmp/mine.py",
    ],
)
def test_rewriting_what_the_guard_imports_is_asked(guard, payload, repo, command):
    answer = guard("claude-code", payload("claude-code-bash", repo.path, command), repo.path)
    assert _decision(answer) == "ask"
    assert "edit.protected-path" in answer.out


def test_an_edit_of_a_dependency_is_asked(guard, payload, repo):
    target = str(CRYPTOGRAPHY / "hazmat" / "primitives" / "asymmetric" / "ed25519.py")
    answer = guard("claude-code", payload("claude-code-write", repo.path, path=target), repo.path)
    assert _decision(answer) == "ask"


def test_the_interpreter_and_its_venv_configuration_are_protected():
    found = installation(None)
    assert sys.executable in found
    if sys.prefix != sys.base_prefix:
        assert f"{sys.prefix}/pyvenv.cfg" in found


def test_reading_a_dependency_is_not(guard, payload, repo):
    command = f"cat {CRYPTOGRAPHY}/__init__.py"
    answer = guard("claude-code", payload("claude-code-bash", repo.path, command), repo.path)
    assert _decision(answer) == "allow"


def test_an_installation_inside_the_project_is_protected_its_sources_are_not(tmp_path):
    """countersign installed into the project's own ``.venv`` is still the guard (the agent
    could rewrite it there); countersign's own repository's ``src/`` is sources to edit."""
    root = tmp_path / "shop"
    site = f"{root}/.venv/lib/python3.11/site-packages"
    found = installation(root, f"{site}/countersign", [f"{root}/src", site, "/usr/lib/python3.11"])
    assert f"{site}/countersign/**" in found
    assert f"{site}/**" in found
    assert "/usr/lib/python3.11/**" in found
    assert f"{root}/src/**" not in found
    own = installation(root, f"{root}/src/countersign", [f"{root}/src"])
    assert not [p for p in own if p.startswith(str(root))]


def test_under_the_home_both_spellings_are_protected(tmp_path):
    home = tmp_path / "home"
    lib = f"{home}/.pyenv/versions/3.11.7/lib/python3.11"
    found = installation(None, f"{lib}/site-packages/countersign", [lib], home=str(home))
    assert f"{lib}/**" in found
    assert "~/.pyenv/versions/3.11.7/lib/python3.11/**" in found


def test_a_search_path_holding_the_project_or_the_home_does_not_protect_them(tmp_path):
    """``PYTHONPATH=~/code`` (the console script reads it): protecting that directory would
    ask for every write in every project under it."""
    home = tmp_path / "home"
    root = home / "code" / "shop"
    found = installation(
        root, "/opt/cs/countersign", [f"{home}/code", str(home), "/"], home=str(home)
    )
    assert "/opt/cs/countersign/**" in found
    assert not [p for p in found if p in (f"{home}/code/**", f"{home}/**", "/**", "~/**")]


@pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="the guard runs in no venv here")
@pytest.mark.parametrize(
    "command",
    ["pip install requests", "pip3 install -r requirements.txt", "python -m pip install x"],
)
def test_bare_pip_with_the_guards_environment_active_is_asked(
    guard, payload, repo, monkeypatch, command
):
    # ``source .venv/bin/activate`` of the venv the guard runs in: a bare pip is its pip
    monkeypatch.setenv("PATH", f"{sys.prefix}/bin:/usr/bin:/bin")
    answer = guard("claude-code", payload("claude-code-bash", repo.path, command), repo.path)
    assert _decision(answer) == "ask"
    assert "guard.self-ungate" in answer.out


def test_bare_pip_with_another_environment_active_is_not(guard, payload, repo, monkeypatch):
    monkeypatch.setenv("PATH", "/usr/local/bin:/usr/bin:/bin")
    command = "pip install requests"
    answer = guard("claude-code", payload("claude-code-bash", repo.path, command), repo.path)
    assert _decision(answer) == "allow"


@pytest.mark.skipif(sys.prefix == sys.base_prefix, reason="the guard runs in no venv here")
def test_uv_pip_into_the_guards_environment_as_virtual_env_is_asked(
    guard, payload, repo, monkeypatch
):
    monkeypatch.setenv("VIRTUAL_ENV", sys.prefix)
    command = "uv pip install requests"
    answer = guard("claude-code", payload("claude-code-bash", repo.path, command), repo.path)
    assert _decision(answer) == "ask"
    monkeypatch.delenv("VIRTUAL_ENV")
    answer = guard("claude-code", payload("claude-code-bash", repo.path, command), repo.path)
    assert _decision(answer) == "allow"
