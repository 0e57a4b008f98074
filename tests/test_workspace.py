"""The composition root opens a change from a repository, a selection and an environment, with
no process environment and no checkout: a service holds bare mirrors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from countersign.decision.policy import default_policy_text
from countersign.errors import InputError
from countersign.gate.evaluate import evaluate
from countersign.gate.verdict import Verdict
from countersign.intake.repository import open_repository
from countersign.intake.selection import ChangeSelection
from countersign.signoff.ledger import signoffs_for
from countersign.workspace import Environment, analysed, open_change

PEOPLE = "people:\n  - {id: alice, emails: [alice@example.com], level: senior}\n"
CATALOG = 'services:\n  - {name: pay, paths: ["pay/**"], owners: [payments], tier: 1}\n'
AI = "\n\nCo-authored-by: Claude <noreply@anthropic.com>"


@pytest.fixture
def mirror(repo, tmp_path):
    repo.commit(
        "init",
        **{
            ".countersign/people.yaml": PEOPLE,
            ".countersign/catalog.yaml": CATALOG,
            ".countersign/policy.yaml": default_policy_text(),
            "pay/app.py": "x = 1\n",
        },
    )
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("retry" + AI, author="Bob <bob@example.com>", **{"pay/app.py": "x = 2\n"})
    bare = tmp_path / "mirror.git"
    repo.git("clone", "-q", "--bare", str(repo.path), str(bare))
    return bare


def _environment(tmp_path):
    return Environment(
        ledger=str(tmp_path / "ledger.db"),
        state_dir=tmp_path / "state",
        clock=lambda: datetime(2026, 6, 1, 12, tzinfo=UTC),
    )


def test_a_change_in_a_bare_repository_is_judged_from_revisions_alone(mirror, tmp_path):
    repository = open_repository(mirror)
    assert repository.bare
    selection = ChangeSelection(base="main", head="feature")
    ws = analysed(open_change(repository, selection, _environment(tmp_path)))
    result = evaluate(
        ws.change, ws.context, ws.policy, signoffs_for(ws.ledger, ws.change.fingerprint)
    )
    assert ws.change.branch == "feature"
    assert [c.author_email for c in ws.change.commits] == ["bob@example.com"]
    assert ws.context.config.roster.find("alice") is not None  # read at the base revision
    assert ws.context.today.isoformat() == "2026-06-01"
    assert result.verdict is Verdict.NEEDS_APPROVAL
    assert result.facts.provenance.ai_assisted


def test_opening_a_change_writes_no_cache_and_mines_nothing(mirror, tmp_path):
    env = _environment(tmp_path)
    ws = open_change(open_repository(mirror), ChangeSelection("main", "feature"), env)
    analysed(ws)
    assert not (tmp_path / "state" / "import-scans.json").exists()
    assert not (tmp_path / "state" / "risk").exists()
    analysed(ws, remember_scans=True)
    assert (tmp_path / "state" / "import-scans.json").exists()


def test_uncommitted_work_needs_a_checkout(mirror, tmp_path):
    selection = ChangeSelection("main", "feature", worktree=True)
    with pytest.raises(InputError, match="bare repository has no uncommitted work"):
        open_change(open_repository(mirror), selection, _environment(tmp_path))
