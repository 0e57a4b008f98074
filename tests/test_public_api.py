"""The library's front door, as a service would use it: only names from ``countersign``, a bare
mirror, no Click."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

import pytest

import countersign as cs
from countersign.decision.policy import default_policy_text

PEOPLE = """people:
  - {id: alice, emails: [alice@example.com], level: senior}
  - {id: bob, emails: [bob@example.com], level: junior}
"""
AI = "\n\nCo-authored-by: Claude <noreply@anthropic.com>"


@pytest.fixture
def mirror(repo, tmp_path):
    repo.commit(
        "init",
        **{
            ".countersign/people.yaml": PEOPLE,
            ".countersign/policy.yaml": default_policy_text(),
            "app.py": "x = 1\n",
        },
    )
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("tweak" + AI, author="Bob <bob@example.com>", **{"app.py": "x = 2\n"})
    bare = tmp_path / "mirror.git"
    repo.git("clone", "-q", "--bare", str(repo.path), str(bare))
    return bare


def test_the_surface_is_small_documented_and_every_name_resolves():
    assert "open_change" in cs.__all__
    assert cs.__doc__
    for name in cs.__all__:
        assert getattr(cs, name) is not None
    with pytest.raises(AttributeError):
        _ = cs.no_such_name


def test_a_service_opens_evaluates_renders_and_signs_off_a_change_in_a_bare_mirror(
    mirror, tmp_path
):
    env = cs.Environment(
        ledger=str(tmp_path / "ledger.db"),
        state_dir=tmp_path / "state",
        clock=lambda: datetime(2026, 6, 1, tzinfo=UTC),
    )
    repository = cs.open_repository(mirror)
    ws = cs.analysed(cs.open_change(repository, cs.ChangeSelection("main", "topic"), env))
    first = cs.check_change(ws)
    assert first.verdict is cs.Verdict.NEEDS_APPROVAL
    for fmt in cs.FORMATS:
        assert cs.render(first, fmt)
    assert json.loads(cs.render(first, "json"))["verdict"] == "needs-approval"

    with pytest.raises(cs.FatalError, match="bob is an author of this change; no self-approval"):
        _approve(ws, first, "bob@example.com")
    done = _approve(ws, first, "alice")
    assert done.approver == "alice"
    assert cs.check_change(ws).verdict is cs.Verdict.PASS


def _approve(ws, evaluation, who):
    return cs.approve(
        ws.ledger,
        ws.change,
        ws.context.config.roster,
        cs.Identity(who, "forge"),
        ws.policy,
        signoffs=cs.signoffs_for(ws.ledger, ws.change.fingerprint),
        requirements=evaluation.decision.requirements,
    )


SCRIPT = """
import sys
from pathlib import Path

import countersign as cs

mirror, state = Path(sys.argv[1]), Path(sys.argv[2])
env = cs.Environment(ledger=str(state / "ledger.db"), state_dir=state)
selection = cs.ChangeSelection("main", "topic")
ws = cs.analysed(cs.open_change(cs.open_repository(mirror), selection, env))
for fmt in cs.FORMATS:
    cs.render(cs.check_change(ws), fmt)
tiers = ("click", "countersign.cli", "countersign.commands")
print(sorted(m for m in sys.modules if m.startswith(tiers)))
"""


def test_the_library_path_never_imports_click_or_the_cli_tier(mirror, tmp_path):
    args = [sys.executable, "-c", SCRIPT, str(mirror), str(tmp_path / "state")]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
