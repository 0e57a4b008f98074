import json
from dataclasses import replace
from pathlib import Path

import pytest

from countersign.facts.context import Context
from countersign.facts.provenance.records import Confidence
from countersign.facts.provenance.sources.pull_request import signals
from countersign.intake.pull_request import parse_pull_request

GITHUB = Path(__file__).parents[3] / "fixtures" / "github"


def load(name):
    return parse_pull_request(json.loads((GITHUB / name).read_text()))


@pytest.fixture
def run(make_change, make_commit):
    def run(pr):
        return list(signals(make_change(make_commit(), pull_request=pr), Context()))

    return run


def test_plain_pull_request_gives_nothing(run):
    assert run(load("pull_request.opened.json")) == []


def test_label_and_disclosure_section_are_medium(run):
    found = run(load("pull_request.ai-disclosed.json"))
    kinds = [s.kind for s in found]
    assert kinds.count("pr-label") == 1
    assert "pr-disclosure" in kinds
    assert {s.strength for s in found} == {Confidence.MEDIUM}
    assert "claude-code" in {s.agent for s in found}


def test_checked_no_ai_box_is_reported_not_counted(run):
    pr = load("pull_request.opened.json")
    body = "## AI usage\n\n- [ ] I used an AI assistant\n- [x] No AI tools were used\n"
    [s] = run(replace(pr, body=body))
    assert (s.kind, s.counted) == ("pr-declares-no-ai", False)


def test_unchecked_boxes_and_unrelated_sections_give_nothing(run):
    pr = load("pull_request.opened.json")
    body = "## Checklist\n- [x] Tests pass\n- [ ] This PR uses AI-generated code\n## Notes\nUses a DB cursor."
    assert run(replace(pr, body=body)) == []


def test_generated_with_footer_in_body_counts_but_mentions_do_not(run):
    pr = load("pull_request.opened.json")
    body = "Compared with what Claude proposed.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)"
    [s] = run(replace(pr, body=body))
    assert (s.kind, s.agent) == ("generated-with-line", "claude-code")


def test_pr_opened_by_an_agent_account_is_high(run):
    [s] = run(replace(load("pull_request.opened.json"), author="Copilot"))
    assert (s.kind, s.strength) == ("pr-author-bot", Confidence.HIGH)
