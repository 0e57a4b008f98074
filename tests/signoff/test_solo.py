"""Solo sign-offs as the gate reads them from the ledger: an entry counts as the author's own
sign-off only while the roster names that one person, nobody else (agents aside) made the
change, and the entry is GitHub's word at the pinned forge that they are the only collaborator
and an administrator. Anything an entry could claim beyond that counts for nothing."""

from __future__ import annotations

from typing import Any

import pytest

from countersign.config.forge import Forge
from countersign.config.roster import Person, load_roster
from countersign.signoff.approvals import Approval, SignOffs
from countersign.signoff.solo import with_solo

FORGE = Forge("https://api.github.com", "sam/tool")
SAM = "  - {id: sam, emails: [sam@example.com], github: sam-solo, level: principal}\n"
ROSTER = load_roster(f"people:\n{SAM}agents: [noreply@anthropic.com]\n", "people.yaml")
SAM_P = ROSTER.people[0]
AGENT = Person(id="noreply@anthropic.com", emails=("noreply@anthropic.com",))


def entry(**over: Any) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "login": "sam-solo",
        "api": "https://api.github.com",
        "repository": "sam/tool",
        "solo": {"collaborators": ["sam-solo"]},
        "oidc": {"run_id": "1"},
    }
    evidence.update(over.pop("evidence", {}))
    identity = {"source": "forge", "permission": "admin", "forge": evidence, **over}
    return {"approver": "sam", "identity": identity}


def solo(e: dict[str, Any], roster=ROSTER, authors=(SAM_P,), forge=FORGE) -> bool:
    signoffs = SignOffs(approvals=(Approval("sam", "cs2:x", "", entry=e),))
    return with_solo(signoffs, roster, forge, authors).approvals[0].solo


def test_the_one_persons_confirmed_sign_off_is_solo_even_with_an_agent_co_author():
    assert solo(entry())
    assert solo(entry(), authors=(SAM_P, AGENT))


@pytest.mark.parametrize(
    "forged",
    [
        {"permission": "write"},
        {"source": "github-review"},
        {"evidence": {"solo": {"collaborators": ["sam-solo", "erin-gh"]}}},
        {"evidence": {"solo": None}},
        {"evidence": {"login": "erin-gh"}},
        {"evidence": {"repository": "sam/fork"}},
        {"evidence": {"api": "http://127.0.0.1:9"}},
        {"evidence": {"oidc": None}},
    ],
)
def test_an_entry_claiming_less_or_elsewhere_is_not_solo(forged):
    assert not solo(entry(**forged))


def test_no_solo_when_the_roster_names_two_people_or_someone_else_made_the_change():
    two = load_roster(
        f"people:\n{SAM}  - {{id: erin, emails: [erin@example.com], github: erin-gh}}\n",
        "people.yaml",
    )
    assert not solo(entry(), roster=two)
    stranger = Person(id="mal@example.com", emails=("mal@example.com",))
    assert not solo(entry(), authors=(SAM_P, stranger))


def test_no_solo_without_a_pinned_forge():
    assert not solo(entry(), forge=Forge())
