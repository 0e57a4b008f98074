from pathlib import Path

from countersign.intake.agent_edits import read_agent_edits

FIXTURE = Path(__file__).parents[1] / "fixtures" / "provenance" / "agent-edits.jsonl"


def test_guard_log_is_read_and_bad_lines_are_counted():
    log = read_agent_edits(FIXTURE)
    assert [(e.agent, e.path, e.tool) for e in log.edits] == [
        ("claude-code", "app.py", "Write"),
        ("claude-code", "lib/util.py", "Edit"),
        ("codex", "docs/readme.md", "apply_patch"),
    ]
    assert log.skipped == 2
    assert log.edits[1].at.tzinfo is not None


def test_missing_log_is_empty(tmp_path):
    log = read_agent_edits(tmp_path / "nope.jsonl")
    assert (log.edits, log.skipped) == ((), 0)
