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
    assert set(record) == {"at", "agent", "session", "tool", "path", "cwd", "operator"}
    assert record["operator"] == "dev@example.com"  # who ran the session may not approve it
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


def test_state_dir_override_is_where_provenance_reads(guard, payload, repo, tmp_path, monkeypatch):
    from countersign.facts.context import Context
    from countersign.hooks.commit_msg import agents_for_staged_files
    from countersign.workspace import repository_state_dir, with_agent_edits

    state = tmp_path / "elsewhere"
    monkeypatch.setenv("COUNTERSIGN_STATE_DIR", str(state))
    repo.write("a.py", "a\n")
    repo.git("add", "a.py")
    repo.git("commit", "-qm", "init", env={"GIT_COMMITTER_DATE": "2020-01-01T00:00:00Z"})
    guard("claude-code", payload("claude-code-post-edit", repo.path, path="a.py"), repo.path)
    assert (state / "agent-edits.jsonl").is_file()
    assert not (repo.path / ".git" / "countersign" / "agent-edits.jsonl").exists()

    assert repository_state_dir(repo.path) == state  # the ledger's key and witness too
    edits = with_agent_edits(Context(), repo.path).agent_edits
    assert [(e.agent, e.path) for e in edits] == [("claude-code", "a.py")]
    repo.write("a.py", "b\n")
    repo.git("add", "a.py")
    assert agents_for_staged_files() == ["claude-code"]
