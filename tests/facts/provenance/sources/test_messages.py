import pytest

from countersign.facts.context import Context
from countersign.facts.provenance.records import Confidence
from countersign.facts.provenance.sources.messages import signals


@pytest.fixture
def run(make_change, make_commit):
    def run(message):
        return list(signals(make_change(make_commit(message)), Context()))

    return run


def test_generated_with_footer_is_medium(run):
    [s] = run("Add cache\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)")
    assert (s.kind, s.strength, s.agent) == (
        "generated-with-line",
        Confidence.MEDIUM,
        "claude-code",
    )


def test_generated_with_a_tool_that_is_not_an_agent_is_ignored(run):
    assert run("Regenerate stubs\n\nGenerated with protoc 3.21") == []


def test_aider_subject_prefix_is_medium(run):
    [s] = run("aider: Add retries to the HTTP client")
    assert (s.kind, s.agent) == ("aider-subject", "aider")


def test_human_mentioning_claude_is_low_at_most(run):
    [s] = run("Rework parser; Claude suggested the approach but I wrote it")
    assert (s.kind, s.strength, s.agent) == ("mention", Confidence.LOW, "claude-code")


def test_words_inside_identifiers_are_not_mentions(run):
    assert run("Rename claude_client.py and update src/copilot/ paths") == []
