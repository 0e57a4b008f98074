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
    assert "guard --agent claude-code || printf" in handler["command"]
    assert handler["timeout"] == 10
    (post,) = settings["hooks"]["PostToolUse"]
    assert post["matcher"].startswith("Write")
    assert post["hooks"][0]["command"].endswith("guard --agent claude-code")


def test_install_refuses_to_clobber_invalid_settings(repo):
    (repo.path / ".cursor").mkdir()
    (repo.path / ".cursor" / "hooks.json").write_text("{broken")
    result = _run("install", "--agent", "cursor", "-C", str(repo.path))
    assert "cannot merge" in str(result.exception)
    assert (repo.path / ".cursor" / "hooks.json").read_text() == "{broken"


CRASHING = "sh -c 'kill -SEGV $$' --"  # a guard process that dies without answering


@pytest.mark.parametrize(
    ("agent", "decision"),
    [("claude-code", "ask"), ("codex", "ask"), ("cursor", "ask"), ("gemini", "deny")],
)
def test_a_guard_that_dies_still_answers_in_the_agents_protocol(agent, decision):
    import subprocess

    from countersign.guard.install import entries

    pre = next(iter(entries(agent, CRASHING).values()))[0]
    command = pre["hooks"][0]["command"] if "hooks" in pre else pre["command"]
    done = subprocess.run(["sh", "-c", command], input=b"{}", capture_output=True, check=False)
    answer = json.loads(done.stdout)
    got = answer.get("hookSpecificOutput", answer)
    assert got.get("permissionDecision", got.get("permission", got.get("decision"))) == decision
    assert done.returncode == 0


@pytest.mark.parametrize(("program", "message"), [(CRASHING, True), ("sh -c 'exit 2' --", False)])
def test_kiro_blocks_when_the_guard_dies_and_passes_its_own_block_on(program, message):
    import subprocess

    from countersign.guard.install import CRASHED, entries

    command = entries("kiro", program)["preToolUse"][0]["command"]
    done = subprocess.run(["sh", "-c", command], input=b"{}", capture_output=True, check=False)
    assert done.returncode == 2
    assert (CRASHED in done.stderr.decode()) is message
