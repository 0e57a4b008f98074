"""Bad input still gets a decision in the agent's protocol: never a traceback, never a hang."""

from __future__ import annotations

import json

import pytest

from countersign.guard import hook

BAD = {
    "empty": b"",
    "whitespace": b"  \n",
    "invalid json": b"{not json",
    "json list": b"[1, 2]",
    "binary junk": bytes(range(256)) * 10,
    "missing tool": json.dumps(
        {"hook_event_name": "PreToolUse", "tool_input": {"command": "ls"}}
    ).encode(),
    "command not a string": json.dumps(
        {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": 7}}
    ).encode(),
    "deep json": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_unreadable_input_is_asked_about(guard, repo, name):
    answer = guard("claude-code", BAD[name], repo.path)
    assert answer.code == 0
    assert answer.json["hookSpecificOutput"]["permissionDecision"] == "ask"
    assert "could not read" in answer.json["hookSpecificOutput"]["permissionDecisionReason"]


def test_unreadable_input_blocks_kiro(guard, repo):
    answer = guard("kiro", b"{not json", repo.path)
    assert answer.code == 2
    assert "could not read" in answer.err


def test_configured_error_decision_is_deny(guard, repo):
    repo.write(".countersign/guard.yaml", "on_error: deny\n")
    answer = guard("cursor", b"", repo.path)
    assert answer.json["permission"] == "deny"


@pytest.mark.parametrize(
    "command",
    [
        "echo " + "A" * 1_000_000,
        "echo " + "$(echo " * 5000 + "x" + ")" * 5000,
        "rm -rf " + "\x00\xff" * 1000,
    ],
)
def test_huge_or_nested_commands_are_asked_about(guard, payload, repo, command):
    answer = guard("claude-code", payload("claude-code-bash", repo.path, command), repo.path)
    assert answer.json["hookSpecificOutput"]["permissionDecision"] in ("ask", "deny")


def test_junk_without_a_destructive_verb_gets_an_answer(guard, payload, repo):
    answer = guard("claude-code", payload("claude-code-bash", repo.path, "`" * 10000), repo.path)
    assert answer.code == 0
    assert answer.out == "" or "permissionDecision" in answer.out


def test_a_bug_inside_still_answers(guard, payload, repo, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(hook, "judge", broken)
    answer = guard("gemini", payload("gemini-shell", repo.path, "git push origin topic"), repo.path)
    assert answer.json["decision"] == "deny"
    assert "failed to judge" in answer.json["reason"]
