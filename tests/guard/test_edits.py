"""PostToolUse records which files an agent changed, one JSON line per file, in the state
directory the provenance analyzer reads."""

from __future__ import annotations

import json

import pytest

CASES = [
    ("claude-code", "claude-code-post-edit", "abc123-claude", "Edit"),
    ("cursor", "cursor-after-edit", "c0ffee-1", "Write"),
    ("gemini", "gemini-write", "gem-1", "write_file"),
    ("kiro", "kiro-write", "", "fs_write"),
]


@pytest.mark.parametrize(("agent", "name", "session", "tool"), CASES)
def test_post_tool_use_records_the_edit(guard, payload, repo, agent, name, session, tool):
    answer = guard(agent, payload(name, repo.path, path="src/app.py"), repo.path)
    assert answer.code == 0
    lines = (repo.path / ".git" / "countersign" / "agent-edits.jsonl").read_text().splitlines()
    (record,) = [json.loads(line) for line in lines]
    assert set(record) == {"at", "agent", "session", "tool", "path", "cwd"}
    assert record["agent"] == agent
    assert record["session"] == session
    assert record["tool"] == tool
    assert record["path"] == "src/app.py"
    assert record["cwd"] == str(repo.path)
    assert record["at"].endswith("Z")


def test_worktree_edits_land_in_the_common_state_dir(guard, payload, repo):
    repo.commit("init", **{"a.txt": "a"})
    other = repo.path.parent / "wt2"
    repo.git("worktree", "add", "-q", str(other))
    guard("claude-code", payload("claude-code-post-edit", other, path="b.py"), other)
    record = json.loads((repo.path / ".git" / "countersign" / "agent-edits.jsonl").read_text())
    assert record["path"] == "b.py"
