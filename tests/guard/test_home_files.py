"""Write/Edit of files outside the project that change every later shell or credential use:
shell start-up files, ~/.ssh, cloud credentials and configuration, the agents' own settings;
and a script written with commands that lift the gate. Each is asked; ordinary files pass."""

from __future__ import annotations

import json

import pytest


def _decision(answer) -> str:
    return answer.json.get("hookSpecificOutput", {}).get("permissionDecision", "allow")


def _write(payload, cwd, path: str, content: str = "x") -> bytes:
    data = json.loads(payload("claude-code-write", cwd))
    data["tool_input"] = {"file_path": path if path.startswith("/") else f"{cwd}/{path}"}
    data["tool_input"]["content"] = content
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    "name",
    [
        ".bashrc",
        ".zshrc",
        ".profile",
        ".config/fish/config.fish",
        ".ssh/authorized_keys",
        ".ssh/config",
        ".aws/credentials",
        ".aws/config",
        ".config/gcloud/application_default_credentials.json",
        ".kube/config",
        ".docker/config.json",
        ".netrc",
        ".gitconfig",
        ".claude/settings.json",
        ".codex/hooks.json",
        ".gemini/settings.json",
        ".copilot/config.json",
    ],
)
def test_files_in_the_home_that_change_later_commands_are_asked(
    guard, payload, repo, tmp_path, name
):
    target = tmp_path / "home" / name
    answer = guard("claude-code", _write(payload, repo.path, str(target)), repo.path)
    assert _decision(answer) == "ask", name
    reason = answer.json["hookSpecificOutput"]["permissionDecisionReason"]
    assert "edit.protected-path" in reason
    assert f"~/{name}" in reason


def test_the_agents_project_settings_and_copilot_hooks_are_asked(guard, payload, repo):
    for name in (".claude/settings.local.json", ".github/hooks/guard.json", ".codex/config.toml"):
        answer = guard("claude-code", _write(payload, repo.path, name), repo.path)
        assert _decision(answer) == "ask", name


def test_ordinary_files_in_the_home_and_project_pass(guard, payload, repo, tmp_path):
    for target in (str(tmp_path / "home" / "notes.txt"), "src/app.py"):
        answer = guard("claude-code", _write(payload, repo.path, target), repo.path)
        assert _decision(answer) == "allow", target


def test_a_script_that_lifts_the_gate_is_asked_when_written(guard, payload, repo):
    script = "#!/bin/sh\nset -e\ncountersign guard uninstall --agent claude-code\n"
    answer = guard("claude-code", _write(payload, repo.path, "tools/lift.sh", script), repo.path)
    assert _decision(answer) == "ask"
    assert "guard.self-ungate" in answer.json["hookSpecificOutput"]["permissionDecisionReason"]
    harmless = "#!/bin/sh\ncountersign check --format json\n"
    answer = guard("claude-code", _write(payload, repo.path, "tools/ci.sh", harmless), repo.path)
    assert _decision(answer) == "allow"


def test_running_the_written_script_is_asked(guard, payload, repo):
    (repo.path / "lift.py").write_text(
        "from countersign.main import main\nmain(['break-glass', '--reason', 'x'])\n"
    )
    answer = guard(
        "claude-code", payload("claude-code-bash", repo.path, "python3 lift.py"), repo.path
    )
    assert _decision(answer) == "ask"
    assert "guard.self-ungate" in answer.out
