"""Linkage on in-memory records: references to commits and pull requests, shared SZZ weight,
the deployment window's bounds, confidence as independent evidence, unlinks win."""

from __future__ import annotations

from countersign.facts.incidents import Incident
from countersign.facts.incidents.linkage import Commit, Deployed, Inputs, link

T = 1_790_000_000.0
H = 3600.0


def inc(**kw) -> Incident:
    return Incident(**{"id": "INC-1", "title": "x", "started": "2026-09-21T13:33:20+00:00", **kw})


def commits() -> list[Commit]:
    return [
        Commit("a" * 39 + "1", T - 5 * H, "Add retries (#482)"),
        Commit("b" * 39 + "2", T - 4 * H, "Merge pull request #483 from x/y"),
        Commit("c" * 39 + "3", T + H, "Fix INC-1: undo"),
    ]


def test_a_pull_request_reference_links_the_commit_that_landed_it():
    found = link([inc(references=("#482", "#999"))], Inputs(commits(), {}, {}))
    assert [(x.change[-1], x.kinds) for x in found] == [("1", ("reference",))]


def test_szz_weight_is_shared_when_a_fix_blames_many_changes():
    blamed = {"c" * 39 + "3": [f"{n:040x}" for n in range(6)]}
    found = link([inc()], Inputs(commits(), blamed, {}))
    assert len(found) == 6
    assert all(x.confidence == 0.25 for x in found)  # 0.5 * 3/6


def test_confidence_combines_independent_evidence():
    sha = "a" * 39 + "1"
    found = link(
        [inc(references=(sha[:8],))],
        Inputs(commits(), {"c" * 39 + "3": [sha]}, {}, manual=()),
    )
    (x,) = found
    assert x.kinds == ("reference", "szz")
    assert x.confidence == 0.95  # 1 - 0.1 * 0.5


def test_the_window_is_before_the_start_only_and_for_affected_services():
    d = [
        Deployed("d1", T - 2 * H, ("checkout",), "production"),
        Deployed("d2", T + 60, ("checkout",), "production"),  # after the start
        Deployed("d3", T - H, ("search",), "production"),  # another service
        Deployed("d4", T - 30 * H, ("checkout",), "production"),  # too early
    ]
    found = link([inc(services=("checkout",))], Inputs([], {}, {}, deployments=d))
    assert [x.change for x in found] == ["d1"]


def test_an_unlink_wins_over_any_evidence():
    sha = "a" * 39 + "1"
    found = link([inc(references=(sha,))], Inputs(commits(), {}, {}, unlinked=[("INC-1", sha)]))
    assert found == []
