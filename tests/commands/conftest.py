"""A repository with a roster, a catalog and the default policy on main, and a feature branch
with an AI-assisted change by a junior (bob) to a tier-1 service."""

from __future__ import annotations

import pytest

from countersign.decision.policy import default_policy_text
from countersign.main import main

PEOPLE = """
people:
  - {id: alice, emails: [alice@example.com], level: senior, teams: [payments], github: Alice-S}
  - {id: bob, emails: [bob@example.com, bob@home.example], level: junior, teams: [payments],
     github: bob-dev}
  - {id: carol, emails: [carol@example.com], level: staff, teams: [search]}
  - {id: erin, emails: [erin@example.com], level: mid, teams: [payments]}
  - {id: robo, emails: [robo@example.com], level: principal, teams: [payments], agent: true}
agents: [noreply@anthropic.com]
"""
CATALOG = """
services:
  - {name: checkout, paths: ["services/checkout/**"], owners: [payments], tier: 1}
  - {name: docs, paths: ["docs/**"], owners: [search], tier: 3}
"""
AI = "\n\nCo-authored-by: Claude <noreply@anthropic.com>"
BOB = "Bob <bob@example.com>"


@pytest.fixture
def project(repo):
    repo.write(".gitignore", ".countersign/ledger.db*\n")
    repo.commit(
        "init",
        **{
            ".countersign/people.yaml": PEOPLE,
            ".countersign/catalog.yaml": CATALOG,
            ".countersign/policy.yaml": default_policy_text(),
            "docs/guide.md": "one\n",
            "services/checkout/pay.py": "def pay():\n    return 1\n",
        },
    )
    repo.git("checkout", "-q", "-b", "feature")
    return repo


def run_cs(repo, *args: str) -> int:
    return main([*args, "-C", str(repo.path)])


@pytest.fixture
def cs():
    """Run ``countersign ARGS -C REPO``; return the exit code."""
    return run_cs


@pytest.fixture
def ai_trailer() -> str:
    return AI


@pytest.fixture
def bob() -> str:
    return BOB
