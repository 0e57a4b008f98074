from datetime import UTC, datetime

from countersign.facts.context import Context
from countersign.facts.provenance import Confidence, analyze
from countersign.facts.provenance.fusion import confidence
from countersign.facts.provenance.records import Signal
from countersign.intake.agent_edits import AgentEdit
from countersign.intake.pull_request import PullRequest

DEPENDABOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")


def sig(kind, strength):
    return Signal(kind, strength, "here", "detail")


def test_strongest_counted_signal_decides():
    assert (
        confidence([sig("mention", Confidence.LOW), sig("agent-bot", Confidence.HIGH)])
        is Confidence.HIGH
    )
    assert confidence([sig("warning", Confidence.NONE)]) is Confidence.NONE
    assert confidence([]) is Confidence.NONE


def test_two_medium_signals_of_different_kinds_corroborate_to_high():
    two = [sig("agent-branch", Confidence.MEDIUM), sig("pr-label", Confidence.MEDIUM)]
    same = [sig("pr-disclosure", Confidence.MEDIUM), sig("pr-disclosure", Confidence.MEDIUM)]
    assert confidence(two) is Confidence.HIGH
    assert confidence(same) is Confidence.MEDIUM


def test_human_mentioning_claude_is_not_ai_assisted(make_change, make_commit):
    p = analyze(make_change(make_commit("Fix typo Claude pointed out in review")), Context())
    assert (p.ai_assisted, p.confidence) == (False, Confidence.LOW)


def test_nothing_at_all_is_none(make_change, make_commit):
    p = analyze(make_change(make_commit("Fix typo")), Context())
    assert (p.ai_assisted, p.confidence, p.agents, p.ai_share) == (False, Confidence.NONE, (), None)


def test_agent_trailer_on_a_dependency_bot_commit_is_reported_as_suspect(make_change, make_commit):
    c = make_commit("Bump lib\n\nCo-authored-by: Claude <noreply@anthropic.com>", author=DEPENDABOT)
    p = analyze(make_change(c), Context())
    assert (p.ai_assisted, p.confidence) == (False, Confidence.NONE)
    [suspect] = [s for s in p.signals if s.kind.startswith("suspect-")]
    assert suspect.kind == "suspect-co-author-trailer"
    assert "dependabot[bot]" in suspect.detail


def test_signals_combine_per_commit_and_for_the_change(make_change, make_commit):
    ai = make_commit("Add x\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
    human = make_commit("Tidy up")
    guarded = make_commit("More", paths=("svc.py",), committed_at=1_700_000_100)
    edit = AgentEdit(datetime.fromtimestamp(1_700_000_050, UTC), "codex", "svc.py")
    pr = PullRequest(number=3, labels=("ai-assisted",), head_ref="codex/more")
    p = analyze(make_change(ai, human, guarded, pull_request=pr), Context(agent_edits=(edit,)))
    assert [c.ai_assisted for c in p.commits] == [True, False, True]
    assert [c.agents for c in p.commits] == [("claude-code",), (), ("codex",)]
    assert (p.ai_assisted, p.confidence, p.agents) == (
        True,
        Confidence.HIGH,
        ("claude-code", "codex"),
    )
    assert {s.kind for s in p.signals if s.commit is None} == {"agent-branch", "pr-label"}


def test_ai_share_comes_from_line_level_records(make_change, make_commit):
    note = 'a.py\n  p1 1-30\n---\n{"schema_version": "authorship/3.0.0", "prompts": {"p1": {"agent_id": {"tool": "claude", "model": "m"}}}}'
    a = make_commit("a", notes={"ai": note}, lines_added=40)
    b = make_commit("b", lines_added=60)
    p = analyze(make_change(a, b), Context())
    assert p.commits[0].ai_share == 0.75
    assert p.commits[1].ai_share is None
    assert p.ai_share == 0.3
    assert p.models == ("m",)
