"""The commit-msg hook in a real repository: git runs it, it adds the trailer."""

import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from countersign.hooks.install import install_hook


def guard_log(repo, *edits):
    log = repo.path / ".git" / "countersign" / "agent-edits.jsonl"
    log.parent.mkdir(exist_ok=True)
    now = datetime.now(UTC)
    lines = [
        json.dumps(
            {
                "at": (now + timedelta(seconds=delta)).isoformat(),
                "agent": agent,
                "session": "s1",
                "tool": "Write",
                "path": path,
                "cwd": str(repo.path),
            }
        )
        for agent, path, delta in edits
    ]
    log.write_text("\n".join(lines) + "\n")


def hooked(repo, monkeypatch):
    install_hook(repo.path)
    # the hook must find this checkout's countersign, whatever is on the machine's PATH
    bin_dir = str(Path(sys.executable).parent)
    monkeypatch.setenv("PATH", bin_dir + os.pathsep + os.environ.get("PATH", ""))


def message(repo):
    return repo.git("log", "-1", "--format=%B")


def test_agent_edit_of_a_staged_file_adds_assisted_by(repo, monkeypatch):
    repo.commit("init", **{"a.py": "a\n"})
    hooked(repo, monkeypatch)
    guard_log(repo, ("claude-code", "a.py", 0))
    repo.commit("Change a", **{"a.py": "b\n"})
    assert "Assisted-by: claude-code" in message(repo)


def test_human_only_commit_is_left_alone(repo, monkeypatch):
    repo.commit("init", **{"a.py": "a\n"})
    hooked(repo, monkeypatch)
    guard_log(repo, ("claude-code", "other.py", 0), ("codex", "a.py", -3600))
    repo.commit("Change a", **{"a.py": "b\n"})
    assert message(repo) == "Change a"


def test_existing_trailer_is_not_duplicated(repo, monkeypatch):
    repo.commit("init", **{"a.py": "a\n"})
    hooked(repo, monkeypatch)
    guard_log(repo, ("claude-code", "a.py", 0))
    repo.commit("Change a\n\nAssisted-by: claude-code", **{"a.py": "b\n"})
    assert message(repo).count("Assisted-by") == 1
