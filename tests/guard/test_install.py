"""install merges our hooks into an agent's settings and keeps the rest; uninstall removes
only ours."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from countersign.cli import cli
from countersign.guard.install import settings_path

AGENTS = ["claude-code", "codex", "cursor", "gemini", "kiro"]


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
    assert text.count("guard --agent") in (2, 3)

    assert _run("uninstall", "--agent", agent, "-C", str(repo.path)).exception is None
    assert json.loads(path.read_text()) == theirs if agent not in ("cursor", "kiro") else True
    assert "guard --agent" not in path.read_text()


def test_claude_code_entry_shape(repo, tmp_path):
    _run("install", "--agent", "claude-code", "-C", str(repo.path))
    settings = json.loads((repo.path / ".claude" / "settings.json").read_text())
    (pre,) = settings["hooks"]["PreToolUse"]
    assert "Bash" in pre["matcher"]
    (handler,) = pre["hooks"]
    assert handler["type"] == "command"
    assert handler["command"].endswith("guard --agent claude-code")
    assert handler["timeout"] == 10
    assert settings["hooks"]["PostToolUse"][0]["matcher"].startswith("Write")


def test_install_refuses_to_clobber_invalid_settings(repo):
    (repo.path / ".cursor").mkdir()
    (repo.path / ".cursor" / "hooks.json").write_text("{broken")
    result = _run("install", "--agent", "cursor", "-C", str(repo.path))
    assert "cannot merge" in str(result.exception)
    assert (repo.path / ".cursor" / "hooks.json").read_text() == "{broken"
