from datetime import UTC, datetime

from countersign.facts.context import Context
from countersign.facts.provenance.records import Confidence
from countersign.facts.provenance.sources.guard import signals
from countersign.intake.agent_edits import AgentEdit

T0 = 1_700_000_000


def edit(path, at, agent="claude-code"):
    return AgentEdit(datetime.fromtimestamp(at, UTC), agent, path, "sess-1", "Write")


def test_commit_touching_an_edited_file_after_the_edit_is_high(make_change, make_commit):
    c = make_commit(paths=("app.py",), committed_at=T0)
    [s] = signals(make_change(c), Context(agent_edits=(edit("app.py", T0 - 60),)))
    assert (s.kind, s.strength, s.agent, s.commit) == (
        "guard-record",
        Confidence.HIGH,
        "claude-code",
        c.sha,
    )
    assert "app.py" in s.detail
    assert "sess-1" in s.detail


def test_edit_after_the_commit_or_to_other_files_does_not_match(make_change, make_commit):
    c = make_commit(paths=("app.py",), committed_at=T0)
    edits = (edit("app.py", T0 + 60), edit("other.py", T0 - 60))
    assert list(signals(make_change(c), Context(agent_edits=edits))) == []


def test_edit_belongs_to_the_first_commit_touching_the_file_after_it(make_change, make_commit):
    first = make_commit(paths=("app.py",), committed_at=T0)
    second = make_commit(paths=("app.py",), committed_at=T0 + 600)
    found = list(
        signals(make_change(first, second), Context(agent_edits=(edit("app.py", T0 - 5),)))
    )
    assert [s.commit for s in found] == [first.sha]


def test_uncommitted_agent_edits_count_for_a_worktree_change(make_change, make_commit):
    from countersign.intake.change import FileChange, FileStatus

    c = make_commit(paths=("app.py",), committed_at=T0)
    change = make_change(
        c, files=(FileChange("app.py", FileStatus.MODIFIED),), includes_worktree=True
    )
    [s] = signals(change, Context(agent_edits=(edit("app.py", T0 + 60),)))
    assert (s.commit, "working tree" in s.where) == (None, True)


def test_unreadable_log_lines_are_a_warning(make_change, make_commit):
    [s] = signals(make_change(make_commit()), Context(agent_edits_skipped=2))
    assert (s.kind, s.counted) == ("warning", False)
