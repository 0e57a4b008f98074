import json
from pathlib import Path

import pytest

from countersign.facts.context import Context
from countersign.facts.provenance.records import Confidence
from countersign.facts.provenance.sources.agent_trace import signals
from countersign.intake.change import FileChange, FileStatus

FIXTURES = Path(__file__).parents[3] / "fixtures" / "provenance"
TRACE = (FIXTURES / "agent-trace.json").read_text()


def test_trace_file_in_the_change_attributes_ai_lines(make_change, make_commit):
    file = FileChange(".agent-trace/550e8400.json", FileStatus.ADDED, new_text=TRACE)
    [s] = signals(make_change(make_commit(), files=(file,)), Context())
    # 42-67 ai (26), 70-72 human (range override), 1-4 mixed
    assert (s.kind, s.strength, s.agent, s.ai_lines) == (
        "agent-trace",
        Confidence.HIGH,
        "cursor",
        30,
    )
    assert "anthropic/claude-opus-4-5-20251101" in s.model
    assert s.commit is None


def test_trace_note_belongs_to_the_commit_its_revision_names(make_change, make_commit):
    commit = make_commit(sha="a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0", notes={"ai": TRACE})
    [s] = signals(make_change(commit), Context())
    assert s.commit == commit.sha


def test_only_mixed_lines_are_medium(make_change, make_commit):
    data = json.loads(TRACE)
    data["files"] = data["files"][1:]
    commit = make_commit(notes={"ai": json.dumps(data)})
    [s] = signals(make_change(commit), Context())
    assert s.strength == Confidence.MEDIUM


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"version": "7.0", "files": []}', "unknown version"),
        ('{"version": "0.1.0", "files": {}, "x": 1', "not JSON"),
    ],
)
def test_bad_trace_files_are_warnings(make_change, make_commit, text, problem):
    file = FileChange("x.agent-trace.json", FileStatus.ADDED, new_text=text)
    [s] = signals(make_change(make_commit(), files=(file,)), Context())
    assert (s.kind, s.counted) == ("warning", False)
    assert problem in s.detail


def test_human_only_trace_is_not_counted(make_change, make_commit):
    data = json.loads(TRACE)
    for f in data["files"]:
        for c in f["conversations"]:
            c["contributor"]["type"] = "human"
    commit = make_commit(notes={"ai": json.dumps(data)})
    [s] = signals(make_change(commit), Context())
    assert s.counted is False
