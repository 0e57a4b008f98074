from countersign.facts.context import Context
from countersign.facts.provenance.records import Confidence
from countersign.facts.provenance.sources.branches import signals
from countersign.intake.pull_request import PullRequest


def test_agent_branch_prefix_is_medium_for_the_whole_change(make_commit, make_change):
    [s] = signals(make_change(make_commit(), branch="codex/fix-flaky-test"), Context())
    assert (s.kind, s.strength, s.agent, s.commit) == (
        "agent-branch",
        Confidence.MEDIUM,
        "codex",
        None,
    )


def test_pr_head_branch_counts_when_head_is_detached(make_commit, make_change):
    pr = PullRequest(number=7, head_ref="copilot/fix-123")
    [s] = signals(make_change(make_commit(), pull_request=pr), Context())
    assert s.agent == "copilot"


def test_ordinary_branch_gives_nothing(make_commit, make_change):
    assert list(signals(make_change(make_commit(), branch="feature/claude-docs"), Context())) == []
