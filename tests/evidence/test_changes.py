"""Each linkage kind on a constructed history (a real git repository, the real ledger): an
explicit reference, a revert by message, a revert by content, SZZ from a fix that names the
incident, the deployment window from a recorded deployment, and a reviewed unlink."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from histories import commit_at

from countersign.evidence.changes import Settings, gather
from countersign.facts.incidents import Incident
from countersign.signoff import deployments
from countersign.signoff import incidents as book
from countersign.workspace import ledger_for

T = int(datetime(2026, 11, 2, 9, 0, tzinfo=UTC).timestamp())
H = 3600
AI = "\n\nCo-authored-by: Claude <noreply@anthropic.com>"
PAY = "def pay(amount):\n    fee = 1\n    total = amount + fee\n    return total\n"


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


@pytest.fixture
def history(repo):
    """A small shop: a base, then changes of every kind around three incidents."""
    s = {}
    s["base"] = commit_at(repo, T, "alice", "init", **{"pay.py": PAY, "cart.py": "items = []\n",
                          "ship.py": "SPEED = 1\n", "notes.md": "hello\n"})  # fmt: skip
    s["ref"] = commit_at(repo, T + 1 * H, "bob", "Retry payments" + AI,
                         **{"pay.py": PAY.replace("fee = 1", "fee = 2")})  # fmt: skip
    s["msg"] = commit_at(repo, T + 2 * H, "bob", "Cache carts" + AI,
                         **{"cart.py": "items = {}\n"})  # fmt: skip
    s["content"] = commit_at(repo, T + 3 * H, "carol", "Faster shipping",
                             **{"ship.py": "SPEED = 9\n"})  # fmt: skip
    s["szz"] = commit_at(repo, T + 4 * H, "carol", "Round totals",
                         **{"pay.py": PAY.replace("fee = 1", "fee = 2").replace(
                             "total = amount + fee", "total = round(amount) + fee")})  # fmt: skip
    s["deployed"] = commit_at(repo, T + 5 * H, "dave", "Docs", **{"notes.md": "hi\n"})
    # INC-1 starts at T+6h
    repo.git("revert", "--no-edit", s["msg"],
             env={"GIT_AUTHOR_DATE": f"@{T + 7 * H} +0000", "GIT_COMMITTER_DATE": f"@{T + 7 * H} +0000"})  # fmt: skip
    s["revert"] = repo.git("rev-parse", "HEAD")
    s["undo"] = commit_at(repo, T + 7 * H + 60, "carol", "Shipping speed back to normal",
                          **{"ship.py": "SPEED = 1\n"})  # fmt: skip
    s["fix"] = commit_at(repo, T + 8 * H, "alice", "Fix INC-2: totals must not round",
                         **{"pay.py": PAY.replace("fee = 1", "fee = 2")})  # fmt: skip
    s["later"] = commit_at(repo, T + 30 * H, "erin", "Unrelated", **{"other.py": "x = 1\n"})
    return s


def record(repo, *incidents: Incident) -> None:
    ledger = ledger_for(repo.path)
    for i in incidents:
        book.record(ledger, i, "oncall@example.com")


def links_by_change(repo, settings: Settings | None = None):
    found = gather(repo.path, ledger_for(repo.path), settings or Settings())
    return found, {(lk.incident, lk.change): lk for lk in found.links}


def test_every_linkage_kind_on_one_history(repo, history):
    s = history
    record(
        repo,
        Incident(
            "INC-1",
            "checkout errors",
            iso(T + 6 * H),
            resolved=iso(T + 9 * H),
            references=(s["ref"][:10],),
        ),
        Incident("INC-2", "wrong totals", iso(T + 7 * H + 30 * 60), resolved=iso(T + 8 * H)),
    )
    found, links = links_by_change(repo)
    assert found.definition == "incidents"
    assert links[("INC-1", s["ref"])].kinds == ("reference",)
    # the revert commit's own diff undoes s["msg"] too: both kinds, one link
    assert links[("INC-1", s["msg"])].kinds == ("revert", "revert-content")
    assert links[("INC-1", s["msg"])].confidence == 0.94
    assert links[("INC-1", s["content"])].kinds == ("revert-content",)
    assert links[("INC-2", s["szz"])].kinds[0] in {"szz", "revert-content"}
    assert "szz" in links[("INC-2", s["szz"])].kinds
    assert ("INC-1", s["later"]) not in links
    assert ("INC-1", s["deployed"]) not in links  # no deployment recorded
    failed = {r.id for r in found.records if r.failed}
    assert {s["ref"], s["msg"], s["content"], s["szz"]} <= failed
    ref = next(r for r in found.records if r.id == s["ref"])
    assert ref.ai
    assert ref.restore_hours == 3.0
    assert not next(r for r in found.records if r.id == s["content"]).ai


def test_deployment_window_links_the_changes_first_deployed_before_the_start(repo, history):
    s = history
    ledger = ledger_for(repo.path)
    deployments.record(ledger, "production", iso(T + 5 * H + 600), s["deployed"],
                       (s["deployed"],), ("docs",))  # fmt: skip
    deployments.record(ledger, "production", iso(T + 3 * H), s["content"], (s["content"],),
                       ("shipping",))  # fmt: skip
    deployments.record(
        ledger, "production", iso(T + 5 * H + 900), s["content"], (s["content"],), ("shipping",)
    )  # fmt: skip (a redeploy: not the first)
    record(repo, Incident("INC-3", "docs down", iso(T + 6 * H), services=("docs",)))
    _, links = links_by_change(repo, Settings(window_hours=2))
    lk = links[("INC-3", s["deployed"])]
    assert lk.kinds == ("deploy-window",)
    assert lk.confidence == 0.3
    # another service, and its first deployment is outside the window (the revert during the
    # open incident still links it)
    assert "deploy-window" not in links[("INC-3", s["content"])].kinds
    found, _ = links_by_change(repo, Settings(window_hours=2))
    assert s["deployed"] not in {r.id for r in found.records if r.failed}  # 0.3 < 0.5


def test_a_reviewed_unlink_removes_a_link_and_a_manual_link_adds_one(repo, history):
    s = history
    record(repo, Incident("INC-1", "x", iso(T + 6 * H), references=(s["ref"],)))
    ledger = ledger_for(repo.path)
    book.unlink(ledger, "INC-1", s["ref"], "the retry was fine; config push", "dana", iso(T))
    book.link(ledger, "INC-1", s["later"], "it was the unrelated one", "dana", iso(T))
    found, links = links_by_change(repo)
    assert ("INC-1", s["ref"]) not in links
    assert links[("INC-1", s["later"])].kinds == ("manual",)
    assert s["ref"] not in {r.id for r in found.records if r.failed}
    assert any("1 links removed by people" in n for n in found.notes)  # visible, not silent


def test_without_incidents_reverts_and_szz_are_the_failure_evidence(repo, history):
    s = history
    found, _ = links_by_change(repo, Settings(gap_days=0, revert_days=3))
    assert found.definition == "reverts+szz"
    assert any("no incidents in the ledger" in n for n in found.notes)
    by_id = {r.id: r for r in found.records}
    assert "revert" in by_id[s["msg"]].evidence
    assert "revert-content" in by_id[s["content"]].evidence
    assert "szz" in by_id[s["szz"]].evidence


def test_rework_is_a_fix_touching_the_same_file_soon_after(repo, history):
    s = history
    found, _ = links_by_change(repo, Settings(failure="incidents"))
    by_id = {r.id: r for r in found.records}
    assert by_id[s["szz"]].rework  # "Fix INC-2" touched pay.py 4 h later
    assert not by_id[s["deployed"]].rework
