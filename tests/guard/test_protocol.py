"""Each agent's real payload in, that agent's own answer out: allow, ask and deny."""

from __future__ import annotations

import json

import pytest

SHELL_PAYLOADS = {
    "claude-code": "claude-code-bash",
    "codex": "codex-bash",
    "cursor": "cursor-shell",
    "gemini": "gemini-shell",
    "kiro": "kiro-bash",
}


def test_claude_code_deny_is_a_permission_decision_with_the_approval_command(guard, payload, repo):
    answer = guard(
        "claude-code", payload("claude-code-bash", repo.path, "sudo rm -rf /"), repo.path
    )
    assert answer.code == 0
    out = answer.json["hookSpecificOutput"]
    assert out["hookEventName"] == "PreToolUse"
    assert out["permissionDecision"] == "deny"
    assert "fs.recursive-delete" in out["permissionDecisionReason"]
    assert "countersign approve --action " in out["permissionDecisionReason"]


def test_claude_code_ask_for_high_severity(guard, payload, repo):
    answer = guard(
        "claude-code", payload("claude-code-bash", repo.path, "terraform destroy"), repo.path
    )
    assert answer.json["hookSpecificOutput"]["permissionDecision"] == "ask"


def test_claude_code_harmless_command_leaves_the_agent_flow_alone(guard, payload, repo):
    answer = guard("claude-code", payload("claude-code-bash", repo.path, "pytest -q"), repo.path)
    assert (answer.out, answer.code) == ("", 0)


def test_codex_answers_like_claude_code(guard, payload, repo):
    answer = guard(
        "codex", payload("codex-bash", repo.path, "git push --force origin main"), repo.path
    )
    assert answer.json["hookSpecificOutput"]["permissionDecision"] == "deny"


def test_cursor_permission_answers(guard, payload, repo):
    denied = guard(
        "cursor",
        payload("cursor-shell", repo.path, "kubectl --context prod delete ns a"),
        repo.path,
    )
    assert denied.json["permission"] == "deny"
    assert "cluster.delete" in denied.json["agent_message"]
    assert denied.json["user_message"] == denied.json["agent_message"]
    asked = guard("cursor", payload("cursor-shell", repo.path, "git clean -fdx"), repo.path)
    assert asked.json["permission"] == "ask"
    allowed = guard("cursor", payload("cursor-shell", repo.path, "ls"), repo.path)
    assert allowed.json == {"permission": "allow"}


def test_gemini_asks_with_how_to_approve(guard, payload, repo):
    answer = guard("gemini", payload("gemini-shell", repo.path, "terraform destroy"), repo.path)
    assert answer.json["decision"] == "ask"
    assert "countersign approve --action" in answer.json["reason"]
    assert guard("gemini", payload("gemini-shell", repo.path, "ls"), repo.path).out == ""


def test_kiro_blocks_with_exit_2_and_reason_on_stderr(guard, payload, repo):
    answer = guard("kiro", payload("kiro-bash", repo.path, "helm uninstall api"), repo.path)
    assert answer.code == 2
    assert answer.out == ""
    assert "cluster.helm-uninstall" in answer.err
    assert "countersign approve --action" in answer.err
    assert guard("kiro", payload("kiro-bash", repo.path, "ls"), repo.path).code == 0


@pytest.mark.parametrize("agent", sorted(SHELL_PAYLOADS))
def test_every_agent_stops_the_same_wipe(guard, payload, repo, agent):
    answer = guard(agent, payload(SHELL_PAYLOADS[agent], repo.path, "rm -rf ~"), repo.path)
    blocked = {
        "claude-code": lambda a: a.json["hookSpecificOutput"]["permissionDecision"] == "deny",
        "codex": lambda a: a.json["hookSpecificOutput"]["permissionDecision"] == "deny",
        "cursor": lambda a: a.json["permission"] == "deny",
        "gemini": lambda a: a.json["decision"] == "deny",
        "kiro": lambda a: a.code == 2,
    }[agent]
    assert blocked(answer)


def test_write_to_protected_path_is_asked(guard, payload, repo):
    answer = guard(
        "claude-code",
        payload("claude-code-write", repo.path, path=".github/workflows/ci.yml"),
        repo.path,
    )
    out = answer.json["hookSpecificOutput"]
    assert out["permissionDecision"] == "ask"
    assert "edit.protected-path" in out["permissionDecisionReason"]


def test_write_to_ordinary_file_passes(guard, payload, repo):
    answer = guard(
        "claude-code", payload("claude-code-write", repo.path, path="src/app.py"), repo.path
    )
    assert answer.out == ""


def test_edit_of_an_existing_migration_is_asked(guard, payload, repo):
    repo.commit("m", **{"db/migrations/0001_init.sql": "create table a (id int);\n"})
    answer = guard(
        "claude-code",
        payload("claude-code-write", repo.path, path="db/migrations/0001_init.sql"),
        repo.path,
    )
    assert "edit.applied-migration" in answer.out
    new = guard(
        "claude-code",
        payload("claude-code-write", repo.path, path="db/migrations/0002_more.sql"),
        repo.path,
    )
    assert new.out == ""


def test_unknown_tool_passes_untouched(guard, repo):
    data = json.dumps(
        {
            "hook_event_name": "PreToolUse",
            "tool_name": "mcp__github__get_issue",
            "tool_input": {"n": 1},
            "cwd": str(repo.path),
        }
    )
    assert guard("claude-code", data.encode(), repo.path).out == ""


def test_agent_cannot_approve_its_own_action(guard, payload, repo):
    command = "countersign approve --action deadbeef --as boss@example.com"
    answer = guard("claude-code", payload("claude-code-bash", repo.path, command), repo.path)
    out = answer.json["hookSpecificOutput"]
    assert out["permissionDecision"] == "deny"
    assert "guard.self-approval" in out["permissionDecisionReason"]
