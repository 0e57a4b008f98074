"""A repository with a roster, a catalog and the default policy on main, and a feature branch
with an AI-assisted change by a junior (bob) to a tier-1 service."""

from __future__ import annotations

import re

import pytest

from countersign.decision.policy import default_policy_text
from countersign.main import main

PEOPLE = """
people:
  - {id: alice, emails: [alice@example.com], level: senior, teams: [payments], github: Alice-S,
     keys: ["{alice}"]}
  - {id: bob, emails: [bob@example.com, bob@home.example], level: junior, teams: [payments],
     github: bob-dev, keys: ["{bob}"]}
  - {id: carol, emails: [carol@example.com], level: staff, teams: [search], keys: ["{carol}"]}
  - {id: erin, emails: [erin@example.com], level: mid, teams: [payments], keys: ["{erin}"]}
  - {id: robo, emails: [robo@example.com], level: principal, teams: [payments], agent: true,
     keys: ["{robo}"]}
agents: [noreply@anthropic.com]
"""


def people_with_keys(ssh_keys) -> str:
    """PEOPLE with each person's real SSH public key (made by ssh-keygen for this run)."""
    text = PEOPLE
    for name, key in ssh_keys.items():
        text = text.replace("{" + name + "}", key.public)
    return text


CATALOG = """
services:
  - {name: checkout, paths: ["services/checkout/**"], owners: [payments], tier: 1}
  - {name: docs, paths: ["docs/**"], owners: [search], tier: 3}
"""
AI = "\n\nCo-authored-by: Claude <noreply@anthropic.com>"
BOB = "Bob <bob@example.com>"


def accepting_asserted(policy: str) -> str:
    """The small-team setting: approvals given with ``--as`` (asserted) count. The tests of
    sign-off rules other than identity proof run this way; tests/commands/test_identity.py
    runs the shipped default (signed or forge only)."""
    return policy.replace(
        "\nidentities: [signed, forge]\n", "\nidentities: [signed, forge, asserted]\n", 1
    )


def without_low_risk_lane(policy: str) -> str:
    """Tier 1 without the low-risk lane for code (a change's risk score comes from the packaged
    model): these tests are about two-person review; tests/decision covers the lane."""
    return re.sub(r"risk\.(score|percentile) < [0-9.]+", "risk.percentile < 0.0", policy)


@pytest.fixture
def project(repo, ssh_keys):
    repo.write(".gitignore", ".countersign/ledger.db*\n")
    repo.commit(
        "init",
        **{
            ".countersign/people.yaml": people_with_keys(ssh_keys),
            ".countersign/catalog.yaml": CATALOG,
            ".countersign/policy.yaml": without_low_risk_lane(
                accepting_asserted(default_policy_text())
            ),
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


@pytest.fixture
def key(ssh_keys):
    """``key("alice")``: the path of alice's private SSH key, for ``--key``."""
    return lambda name: str(ssh_keys[name].path)
