import pytest

from countersign.facts.context import Context
from countersign.facts.provenance.records import Confidence
from countersign.facts.provenance.sources.trailers import signals

CLAUDE_CODE = """Fix the retry loop

🤖 Generated with [Claude Code](https://claude.com/claude-code)

Co-Authored-By: Claude <noreply@anthropic.com>"""


@pytest.fixture
def run(make_change, make_commit):
    def run(message):
        return list(signals(make_change(make_commit(message)), Context()))

    return run


def test_agent_co_author_address_is_high(run):
    [s] = run(CLAUDE_CODE)
    assert (s.kind, s.strength, s.agent) == ("co-author-trailer", Confidence.HIGH, "claude-code")
    assert "noreply@anthropic.com" in s.detail


def test_co_author_is_matched_by_address_not_display_name(run):
    [s] = run("x\n\nCo-authored-by: Someone Else <cursoragent@cursor.com>")
    assert (s.strength, s.agent) == (Confidence.HIGH, "cursor")
    [s] = run("x\n\nCo-authored-by: Claude <claude@example.com>")
    assert (s.kind, s.strength) == ("co-author-name", Confidence.LOW)


def test_github_noreply_address_of_an_agent_app_is_an_agent_co_author(run):
    [s] = run("x\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>")
    assert (s.strength, s.agent) == (Confidence.HIGH, "copilot")


def test_human_co_author_gives_no_signal(run):
    assert run("x\n\nCo-authored-by: Grace Hopper <grace@example.com>") == []


def test_kernel_assisted_by_names_agent_and_model(run):
    [s] = run("mm: fix\n\nAssisted-by: Claude:claude-3-opus coccinelle\nSigned-off-by: A <a@b.c>")
    assert (s.kind, s.strength, s.agent) == (
        "assisted-by-trailer",
        Confidence.MEDIUM,
        "claude-code",
    )
    assert "claude-3-opus" in s.detail


def test_assisted_by_with_only_an_address_names_the_agent_by_address(run):
    # Found by the property test: an address with no name used to crash the reader.
    [s] = run("x\n\nAssisted-by: <noreply@anthropic.com>")
    assert (s.kind, s.strength, s.agent) == (
        "assisted-by-trailer",
        Confidence.MEDIUM,
        "claude-code",
    )


def test_generated_by_trailer_is_medium(run):
    [s] = run("x\n\nGenerated-by: GitHub Copilot")
    assert (s.kind, s.strength, s.agent) == ("generated-by-trailer", Confidence.MEDIUM, "copilot")


def test_malformed_trailers_are_warnings_not_crashes(run):
    found = run("x\n\nCo-authored-by: Claude\nAssisted-by:\nGenerated-by: " + "y" * 5000)
    assert [s.kind for s in found] == ["warning", "warning", "warning"]
    assert all(not s.counted for s in found)
    assert "malformed Co-authored-by" in found[0].detail
