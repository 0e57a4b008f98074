"""Infrastructure rules that the family table in test_classify does not reach."""

from __future__ import annotations

import pytest

from countersign.facts.shell import Severity, ShellContext, classify

ROOT = "/work/project"
CTX = ShellContext(cwd=ROOT, project_root=ROOT, home="/home/dev")


@pytest.mark.parametrize(
    ("command", "what"),
    [
        ("kind delete clusters --all", "every local kind cluster"),
        ("kind delete clusters -A", "every local kind cluster"),
        ("kind delete cluster --name dev", "the local kind cluster dev"),
        ("kind delete cluster", "the local kind cluster kind"),
    ],
)
def test_kind_cluster_delete_is_recorded_not_asked(command: str, what: str) -> None:
    (finding,) = classify(command, ROOT, CTX)
    assert finding.rule == "infra.cluster-delete"
    assert finding.severity is Severity.LOW  # local Docker containers: allowed, in the ledger
    assert what in finding.reason


@pytest.mark.parametrize(
    "command", ["kind create cluster --name dev", "kind get clusters", "kind delete --help"]
)
def test_kind_commands_that_delete_nothing_raise_nothing(command: str) -> None:
    assert classify(command, ROOT, CTX) == []


def test_eksctl_delete_of_a_production_cluster_is_critical() -> None:
    (finding,) = classify("eksctl delete cluster --name shop-prod", ROOT, CTX)
    assert (finding.rule, finding.severity) == ("infra.cluster-delete", Severity.CRITICAL)
