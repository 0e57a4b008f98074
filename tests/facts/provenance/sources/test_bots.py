import pytest

from countersign.config import Config
from countersign.config.roster import Roster
from countersign.facts.context import Context
from countersign.facts.provenance.records import Confidence
from countersign.facts.provenance.sources.bots import signals


@pytest.fixture
def run(make_change, make_commit):
    def run(commit, context=None):
        return list(signals(make_change(commit), context or Context()))

    return run


def test_agent_app_as_author_is_high(run, make_commit):
    bot = ("Copilot", "198982749+Copilot@users.noreply.github.com")
    [s] = run(make_commit("x", author=bot, committer=("GitHub", "noreply@github.com")))
    assert (s.kind, s.strength, s.agent) == ("agent-bot", Confidence.HIGH, "copilot")


def test_agent_app_as_committer_is_high(run, make_commit):
    codex = ("openai-codex[bot]", "123+openai-codex[bot]@users.noreply.github.com")
    [s] = run(make_commit("x", committer=codex))
    assert (s.agent, "committer" in s.where) == ("codex", True)


def test_dependency_bot_is_reported_but_not_counted(run, make_commit):
    dependabot = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
    [s] = run(make_commit("Bump x", author=dependabot))
    assert (s.kind, s.counted) == ("non-agent-bot", False)


def test_unlisted_github_app_is_not_an_agent(run, make_commit):
    [s] = run(make_commit("x", author=("acme[bot]", "9+acme[bot]@users.noreply.github.com")))
    assert s.kind == "non-agent-bot"


def test_human_gives_nothing_and_roster_agents_count(run, make_commit):
    assert run(make_commit("x")) == []
    roster = Context(config=Config(roster=Roster(agent_emails=("ai@corp.example",))))
    [s] = run(make_commit("x", author=("CorpAI", "ai@corp.example")), roster)
    assert (s.kind, s.strength) == ("roster-agent", Confidence.HIGH)
