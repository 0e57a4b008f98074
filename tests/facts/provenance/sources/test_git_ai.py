from pathlib import Path

import pytest

from countersign.facts.context import Context
from countersign.facts.provenance.records import Confidence
from countersign.facts.provenance.sources.git_ai import signals

FIXTURES = Path(__file__).parents[3] / "fixtures" / "provenance"


@pytest.fixture
def run(make_change, make_commit):
    def run(note, context=None):
        commit = make_commit("x", notes={"ai": note}, lines_added=100)
        return list(signals(make_change(commit), context or Context()))

    return run


def test_sessions_note_counts_agent_lines_per_tool_and_skips_humans(run):
    found = run((FIXTURES / "git-ai-sessions.note").read_text())
    by_agent = {s.agent: s for s in found}
    # cursor: 1-10 (10) + 15-20 (6) + 25 (1) + 30-35 (6); claude: 1-50; h_ lines are human
    assert by_agent["cursor"].ai_lines == 23
    assert by_agent["claude-code"].ai_lines == 50
    assert {s.strength for s in found} == {Confidence.HIGH}
    assert by_agent["cursor"].model == "claude-sonnet-4-5-20250514"


def test_legacy_prompts_note_is_read(run):
    [s] = run((FIXTURES / "git-ai-prompts.note").read_text())
    assert (s.kind, s.agent, s.ai_lines, s.model) == (
        "git-ai-note",
        "claude-code",
        6,
        "claude-opus-4-6",
    )


@pytest.mark.parametrize(
    ("note", "problem"),
    [
        ("a.py\n  abc 1-2\n---\n{not json", "not JSON"),
        ("plain text someone attached", "no '---'"),
        (
            'a.py\n  k 1\n---\n{"schema_version": "authorship/9.0.0", "prompts": {}}',
            "unknown schema",
        ),
        ('---\n["a list"]', "not a JSON object"),
        ("x" * 1_000_001, "more than"),
    ],
)
def test_bad_notes_are_warnings_never_crashes(run, note, problem):
    [s] = run(note)
    assert (s.kind, s.counted) == ("warning", False)
    assert problem in s.detail


def test_unreadable_attestation_lines_are_skipped_with_a_warning(run):
    note = (
        (FIXTURES / "git-ai-prompts.note").read_text().replace("1-6", "1-6\n  1612649c4bf0b88e x-y")
    )
    kinds = sorted(s.kind for s in run(note))
    assert kinds == ["git-ai-note", "warning"]


def test_note_with_only_human_lines_is_reported_not_counted(run):
    note = 'a.py\n  h_1 1-9\n---\n{"schema_version": "authorship/3.0.0", "humans": {"h_1": {}}}'
    [s] = run(note)
    assert (s.counted, s.ai_lines) == (False, 0)


def test_notes_hint_is_in_the_evidence(run):
    [s] = run("", Context(notes_hint="no refs/notes/ai in this clone"))
    assert (s.kind, s.counted, s.commit) == ("notes-ref", False, None)
