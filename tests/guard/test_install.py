"""install merges our hooks into an agent's settings and keeps the rest; uninstall removes
only ours."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from countersign.cli import cli
from countersign.guard.agents import NAMES
from countersign.guard.install import settings_path

AGENTS = list(NAMES)


def _run(*args):
    return CliRunner().invoke(cli, ["guard", *args], standalone_mode=False)


@pytest.mark.parametrize("agent", AGENTS)
def test_install_then_uninstall_keeps_other_settings(repo, tmp_path, agent):
    path = settings_path(agent, "project", repo.path, tmp_path)
    theirs = {
        "model": "x",
        "hooks": {"SessionStart": [{"hooks": [{"type": "command", "command": "echo hi"}]}]},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(theirs))

    for _ in range(2):  # idempotent
        result = _run("install", "--agent", agent, "-C", str(repo.path))
        assert result.exception is None, result.output
    installed = json.loads(path.read_text())
    assert installed["model"] == "x"
    assert installed["hooks"]["SessionStart"] == theirs["hooks"]["SessionStart"]
    text = json.dumps(installed)
    assert text.count(f"guard --agent {agent}") == text.count("guard --agent")
    assert text.count("guard --agent") in (2, 3, 4)  # pre, post, and read hooks where separate

    assert _run("uninstall", "--agent", agent, "-C", str(repo.path)).exception is None
    assert (
        json.loads(path.read_text()) == theirs
        if agent not in ("cursor", "kiro", "copilot")
        else True
    )
    assert "guard --agent" not in path.read_text()


def test_claude_code_entry_shape(repo, tmp_path):
    _run("install", "--agent", "claude-code", "-C", str(repo.path))
    settings = json.loads((repo.path / ".claude" / "settings.json").read_text())
    (pre,) = settings["hooks"]["PreToolUse"]
    assert "Bash" in pre["matcher"]
    (handler,) = pre["hooks"]
    assert handler["type"] == "command"
    assert "guard --agent claude-code; fi || printf" in handler["command"]
    assert handler["timeout"] == 10
    (post,) = settings["hooks"]["PostToolUse"]
    assert post["matcher"].startswith("Write")
    assert post["hooks"][0]["command"].endswith("guard --agent claude-code; fi")


def test_install_refuses_to_clobber_invalid_settings(repo):
    (repo.path / ".cursor").mkdir()
    (repo.path / ".cursor" / "hooks.json").write_text("{broken")
    result = _run("install", "--agent", "cursor", "-C", str(repo.path))
    assert "cannot merge" in str(result.exception)
    assert (repo.path / ".cursor" / "hooks.json").read_text() == "{broken"


CRASHING = "sh -c 'kill -SEGV $$' --"  # a guard process that dies without answering


@pytest.mark.parametrize(
    ("agent", "decision"),
    [
        ("claude-code", "ask"),
        ("codex", "deny"),  # Codex has no ask: a dead guard blocks
        ("cursor", "ask"),
        ("gemini", "ask"),
        ("copilot", "ask"),
    ],
)
def test_a_guard_that_dies_still_answers_in_the_agents_protocol(agent, decision):
    import subprocess

    from countersign.guard.install import entries

    pre = next(iter(entries(agent, CRASHING).values()))[0]
    command = pre["hooks"][0]["command"] if "hooks" in pre else pre.get("command", pre.get("bash"))
    done = subprocess.run(["sh", "-c", command], input=b"{}", capture_output=True, check=False)
    answer = json.loads(done.stdout)
    got = answer.get("hookSpecificOutput", answer)
    assert got.get("permissionDecision", got.get("permission", got.get("decision"))) == decision
    assert done.returncode == 0


@pytest.mark.parametrize(("program", "message"), [(CRASHING, True), ("sh -c 'exit 2' --", False)])
def test_kiro_blocks_when_the_guard_dies_and_passes_its_own_block_on(program, message):
    import subprocess

    from countersign.guard.agents.record import CRASHED
    from countersign.guard.install import entries

    command = entries("kiro", program)["preToolUse"][0]["command"]
    done = subprocess.run(["sh", "-c", command], input=b"{}", capture_output=True, check=False)
    assert done.returncode == 2
    assert (CRASHED in done.stderr.decode()) is message


def test_project_install_writes_the_countersign_on_path_not_a_virtualenv_path(repo):
    # this test runs from a virtualenv whose countersign is an absolute path on PATH
    assert _run("install", "--agent", "claude-code", "-C", str(repo.path)).exception is None
    text = (repo.path / ".claude" / "settings.json").read_text()
    commands = [
        h["command"]
        for entries in json.loads(text)["hooks"].values()
        for entry in entries
        for h in entry["hooks"]
    ]
    assert commands
    launch = 'if [ -x "$HOME/.countersign/bin/countersign-guard" ]; then "$HOME/'
    assert all(c.startswith(launch) for c in commands)
    assert all("; else countersign guard --agent claude-code; fi" in c for c in commands)
    assert ".venv" not in text


def test_user_install_may_name_this_installation(repo, tmp_path, monkeypatch):
    import shutil

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(
        cli,
        ["guard", "install", "--agent", "gemini", "--user", "-C", str(repo.path)],
        standalone_mode=False,
    )
    assert result.exception is None, result.output
    found = shutil.which("countersign") or "countersign"
    text = (tmp_path / "home" / ".gemini" / "settings.json").read_text()
    assert f"{found} guard --agent gemini" in text


def test_install_without_init_ignores_the_guards_state(repo):
    assert not (repo.path / ".countersign").exists()
    result = _run("install", "--agent", "codex", "-C", str(repo.path))
    assert ".gitignore" in result.output
    assert "ledger.*" in (repo.path / ".countersign" / ".gitignore").read_text()
    (repo.path / ".countersign" / "ledger.db").write_text("x")
    assert repo.git("status", "--porcelain", "--untracked-files=all", ".countersign") == (
        "?? .countersign/.gitignore"
    )


def test_install_keeps_an_existing_gitignore(repo):
    (repo.path / ".countersign").mkdir()
    (repo.path / ".countersign" / ".gitignore").write_text("mine\n")
    _run("install", "--agent", "cursor", "-C", str(repo.path))
    assert (repo.path / ".countersign" / ".gitignore").read_text() == "mine\n"
