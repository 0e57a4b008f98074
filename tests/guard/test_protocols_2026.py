"""The agents' protocols as they stand in 2026, each with payloads in its current format:
GitHub Copilot's hooks, Claude Code's and Codex's PermissionRequest, Codex answering deny where
it means ask (it has no ask, and unknown answers let the call run), Gemini CLI's ask, and Codex
argv arrays and apply_patch edits."""

from __future__ import annotations

import json

import pytest

from countersign.guard.agents import NAMES, every, get


def test_the_registry_lists_each_agent_once_with_a_complete_record():
    names = [agent.name for agent in every()]
    assert names == list(NAMES)
    for agent in every():
        assert agent.pre, agent.name
        assert agent.project_file, agent.name
        assert agent.docs
        assert all(url.startswith("https://") for url in agent.docs)
        assert agent.project_file in agent.protected or any(
            agent.project_file.startswith(p.removesuffix("**")) for p in agent.protected
        )


def test_records_are_frozen():
    with pytest.raises(AttributeError):
        get("codex").name = "other"  # type: ignore[misc]


# Copilot: toolName/toolArgs in, permissionDecision out; the event comes from --event.


def test_copilot_denies_a_wipe(guard, payload, repo):
    answer = guard(
        "copilot", payload("copilot-bash", repo.path, "rm -rf ~"), repo.path, "preToolUse"
    )
    assert answer.json["permissionDecision"] == "deny"
    assert "fs.recursive-delete" in answer.json["permissionDecisionReason"]
    assert "countersign approve --action" in answer.json["permissionDecisionReason"]


def test_copilot_asks_for_review(guard, payload, repo):
    command = "terraform destroy"
    answer = guard("copilot", payload("copilot-bash", repo.path, command), repo.path, "preToolUse")
    assert answer.json["permissionDecision"] == "ask"


def test_copilot_harmless_command_prints_nothing(guard, payload, repo):
    for command in ("ls -la", "git push origin topic"):  # fast path and full path
        answer = guard(
            "copilot", payload("copilot-bash", repo.path, command), repo.path, "preToolUse"
        )
        assert (answer.out, answer.code) == ("", 0), command


def test_copilot_edit_of_an_agent_settings_file_is_asked(guard, payload, repo):
    data = payload("copilot-edit", repo.path, path=".github/hooks/countersign.json")
    answer = guard("copilot", data, repo.path, "preToolUse")
    assert answer.json["permissionDecision"] == "ask"
    assert "edit.protected-path" in answer.json["permissionDecisionReason"]


def test_copilot_permission_request_is_only_ever_denied(guard, payload, repo):
    denied = guard(
        "copilot", payload("copilot-bash", repo.path, "rm -rf /"), repo.path, "permissionRequest"
    )
    assert denied.json["behavior"] == "deny"
    asked = guard(
        "copilot",
        payload("copilot-bash", repo.path, "terraform destroy"),
        repo.path,
        "permissionRequest",
    )
    assert asked.out == ""  # the prompt goes on: a human decides


def test_copilot_snake_case_payload_is_read_too(guard, repo):
    data = {
        "hook_event_name": "preToolUse",
        "cwd": str(repo.path),
        "tool_name": "bash",
        "tool_input": {"command": "git push --force origin main"},
    }
    answer = guard("copilot", json.dumps(data).encode(), repo.path)
    assert answer.json["permissionDecision"] == "deny"


# Claude Code: PermissionRequest is answered only with a deny.


def test_claude_code_permission_request_deny(guard, payload, repo):
    data = payload("claude-code-permission-request", repo.path, "sudo rm -rf /")
    out = guard("claude-code", data, repo.path).json["hookSpecificOutput"]
    assert out["hookEventName"] == "PermissionRequest"
    assert out["decision"]["behavior"] == "deny"
    assert "fs.recursive-delete" in out["decision"]["message"]


def test_claude_code_permission_request_leaves_asks_to_the_human(guard, payload, repo):
    data = payload("claude-code-permission-request", repo.path, "terraform destroy")
    assert guard("claude-code", data, repo.path).out == ""


# Codex: no ask, no bare allow.


def test_codex_answers_deny_with_instructions_where_it_means_ask(guard, payload, repo):
    answer = guard("codex", payload("codex-bash", repo.path, "terraform destroy"), repo.path)
    out = answer.json["hookSpecificOutput"]
    assert out["permissionDecision"] == "deny"
    assert "Codex hooks cannot ask" in out["permissionDecisionReason"]
    assert "countersign approve --action" in out["permissionDecisionReason"]


def test_codex_never_prints_a_bare_allow(guard, payload, repo):
    for command in ("ls", "git push origin topic"):
        assert guard("codex", payload("codex-bash", repo.path, command), repo.path).out == ""


def test_codex_argv_array_is_judged_as_the_shell_string(guard, repo):
    data = {
        "cwd": str(repo.path),
        "hook_event_name": "PreToolUse",
        "tool_name": "shell",
        "tool_input": {"command": ["bash", "-lc", "git push --force origin main"]},
    }
    answer = guard("codex", json.dumps(data).encode(), repo.path)
    assert answer.json["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert "git.force-push" in answer.out


def test_codex_apply_patch_of_a_protected_file_is_stopped(guard, payload, repo):
    data = payload("codex-apply-patch", repo.path, path=".codex/hooks.json")
    answer = guard("codex", data, repo.path)
    assert answer.json["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert "edit.protected-path" in answer.out
    ordinary = payload("codex-apply-patch", repo.path, path="src/app.py")
    assert guard("codex", ordinary, repo.path).out == ""


def test_codex_permission_request(guard, payload, repo):
    denied = guard("codex", payload("codex-permission-request", repo.path, "rm -rf ~"), repo.path)
    decision = denied.json["hookSpecificOutput"]["decision"]
    assert decision["behavior"] == "deny"
    quiet = guard("codex", payload("codex-permission-request", repo.path, "ls"), repo.path)
    assert quiet.out == ""


# Gemini CLI: BeforeTool has ask.


def test_gemini_answers_each_decision(guard, payload, repo):
    deny = guard("gemini", payload("gemini-shell", repo.path, "rm -rf /"), repo.path)
    assert deny.json["decision"] == "deny"
    ask = guard("gemini", payload("gemini-shell", repo.path, "git clean -fdx"), repo.path)
    assert ask.json["decision"] == "ask"
    assert "countersign approve --action" in ask.json["reason"]
    assert guard("gemini", payload("gemini-shell", repo.path, "ls"), repo.path).out == ""


def test_installed_copilot_file_is_a_hook_file_of_its_own(repo):
    from click.testing import CliRunner

    from countersign.cli import cli

    result = CliRunner().invoke(
        cli, ["guard", "install", "--agent", "copilot", "-C", str(repo.path)], standalone_mode=False
    )
    assert result.exception is None, result.output
    hooks = json.loads((repo.path / ".github" / "hooks" / "countersign.json").read_text())
    assert hooks["version"] == 1
    (pre,) = hooks["hooks"]["preToolUse"]
    assert pre["type"] == "command"
    assert "else countersign guard --agent copilot --event preToolUse; fi || " in pre["bash"]
    assert pre["timeoutSec"] == 30
    user = CliRunner().invoke(
        cli, ["guard", "install", "--agent", "copilot", "--user"], standalone_mode=False
    )
    assert "no user-level hook file" in str(user.exception)
