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
    repo.commit("guard", **{".countersign/guard.yaml": "on_error: deny\n"})
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
    assert answer.json["decision"] == "ask"
    assert "failed to judge" in answer.json["reason"]


INVALID = [
    ("on_error: maybe\n", "on_error: expected ask or deny, got 'maybe'"),
    ("approval:\n  ttl_minutes: 0\n", "approval.ttl_minutes: expected minutes from 1 to 1440"),
    ("production: [prod]\n", "production: expected a mapping"),
]


@pytest.mark.parametrize(("text", "problem"), INVALID)
def test_invalid_configuration_is_named_in_the_agents_protocol(guard, payload, repo, text, problem):
    repo.commit("guard", **{".countersign/guard.yaml": text})
    answer = guard("claude-code", payload("claude-code-bash", repo.path, "rm -rf src"), repo.path)
    out = answer.json["hookSpecificOutput"]
    assert out["permissionDecision"] == "ask"
    reason = out["permissionDecisionReason"]
    assert f".countersign/guard.yaml at main: {problem}" in reason
    assert "Fix the file" in reason
    assert "bug" not in reason


def test_invalid_configuration_blocks_agents_without_ask_with_the_reason(guard, payload, repo):
    repo.commit("guard", **{".countersign/guard.yaml": "on_error: maybe\n"})
    answer = guard("kiro", payload("kiro-bash", repo.path, "git push origin topic"), repo.path)
    assert answer.code == 2
    assert "guard.yaml at main: on_error: expected ask or deny" in answer.err


def test_edits_are_still_recorded_with_an_invalid_configuration(guard, payload, repo):
    repo.commit("guard", **{".countersign/guard.yaml": "on_error: maybe\n"})
    guard("claude-code", payload("claude-code-post-edit", repo.path, path="a.py"), repo.path)
    assert (repo.path / ".git" / "countersign" / "agent-edits.jsonl").is_file()
