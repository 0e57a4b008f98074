"""Stale guidance: a read of a stale document belongs to the edits made after it in the same
session, never to another session's edits or to edits made before the read."""

from __future__ import annotations

from datetime import UTC, datetime

from countersign.facts.context import Context
from countersign.facts.provenance import analyze
from countersign.facts.provenance.sources import stale_docs
from countersign.intake.agent_edits import AgentEdit
from countersign.intake.doc_reads import StaleRead, StaleReference

T = 1_700_000_000
REF = StaleReference("flag", "--force-promote", 6, "was renamed to `promote-replica` in 3f2a1c9")


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(T + seconds, UTC)


def edit(seconds: int, session: str = "s1", agent: str = "claude-code") -> AgentEdit:
    return AgentEdit(at(seconds), agent, "app.py", session=session)


def read(seconds: int, session: str = "s1", agent: str = "claude-code", doc: str = "docs/run.md"):
    return StaleRead(at(seconds), agent, doc, session=session, references=(REF,))


def found(make_change, make_commit, edits, reads):
    change = make_change(make_commit(paths=("app.py",), committed_at=T + 100, authored_at=T + 100))
    prov = analyze(change, Context(agent_edits=tuple(edits), stale_reads=tuple(reads)))
    return [s for s in prov.signals if s.kind == stale_docs.KIND]


def test_a_stale_read_before_an_edit_of_the_same_session_marks_the_commit(make_change, make_commit):
    [signal] = found(make_change, make_commit, [edit(-10)], [read(-20)])
    assert signal.where == "docs/run.md"
    assert (
        "`--force-promote` (line 6): was renamed to `promote-replica` in 3f2a1c9" in signal.detail
    )
    assert "session s1" in signal.detail
    assert not signal.counted  # a fact about the change, not evidence that an agent wrote it
    assert stale_docs.documents((signal,)) == ["docs/run.md"]


def test_a_read_after_the_edit_or_in_another_session_does_not(make_change, make_commit):
    assert found(make_change, make_commit, [edit(-10)], [read(-8)]) == []
    assert found(make_change, make_commit, [edit(-10)], [read(-20, session="s2")]) == []
    # one side without a session id cannot be matched to the other side's session
    assert found(make_change, make_commit, [edit(-10, session="")], [read(-20)]) == []


def test_without_session_ids_the_same_agent_within_hours_counts(make_change, make_commit):
    hit = found(make_change, make_commit, [edit(-10, session="")], [read(-3600, session="")])
    assert [s.where for s in hit] == ["docs/run.md"]
    other_agent = [read(-3600, session="", agent="codex")]
    assert found(make_change, make_commit, [edit(-10, session="")], other_agent) == []
    days_before = [read(-3 * 86400, session="")]
    assert found(make_change, make_commit, [edit(-10, session="")], days_before) == []


def test_stale_reads_without_any_guard_edit_on_the_change_say_nothing(make_change, make_commit):
    elsewhere = AgentEdit(at(-10), "claude-code", "other.py", session="s1")
    assert found(make_change, make_commit, [elsewhere], [read(-20)]) == []


def test_each_document_is_reported_once_per_commit(make_change, make_commit):
    reads = [read(-30), read(-20), read(-25, doc="docs/other.md")]
    hit = found(make_change, make_commit, [edit(-10), edit(-5)], reads)
    assert sorted(s.where for s in hit) == ["docs/other.md", "docs/run.md"]
