from __future__ import annotations

from dataclasses import replace

import pytest
from hazard_cases import FIXTURES, diff, kinds, scan

from countersign.config import Config
from countersign.config.hazards import HazardSettings, Production
from countersign.facts.context import Context
from countersign.facts.hazards import Severity

PLANS = FIXTURES / "terraform"


@pytest.mark.parametrize(
    ("plan", "kind", "reason"),
    [
        ("replace_destroy_first", "infra.replace", "destroyed, then created"),
        ("replace_create_first", "infra.replace", "created before the old one is destroyed"),
        ("tainted", "infra.replace", "replace_because_tainted"),
        ("replace_by_request", "infra.replace", "replace_by_request"),
        ("delete", "infra.delete", "delete_because_no_resource_config"),
        ("delete_count_index", "infra.delete", "delete_because_count_index"),
        ("forget", "infra.forget", "removed from state"),
    ],
)
def test_real_plans_report_every_destroying_action_with_its_reason(plan, kind, reason):
    (hazard,) = scan(PLANS / f"{plan}.json")
    assert hazard.kind == kind
    assert reason in hazard.detail
    assert hazard.resource is not None
    assert hazard.resource.startswith("terraform_data.")
    assert hazard.analyzer == "terraform"


@pytest.mark.parametrize("plan", ["safe_update", "safe_create", "safe_noop"])
def test_updates_creates_and_no_ops_are_not_hazards(plan):
    assert scan(PLANS / f"{plan}.json") == ()


def test_stateful_replacement_in_production_is_critical():
    (hazard,) = scan(PLANS / "derived_replace_db_instance_prod.json")
    assert (hazard.kind, hazard.severity, hazard.env) == (
        "infra.replace",
        Severity.CRITICAL,
        "prod",
    )
    assert hazard.resource == "aws_db_instance.main"


def test_stateful_replacement_outside_production_is_high_not_critical():
    (hazard,) = scan(PLANS / "derived_replace_db_instance_staging.json")
    assert (hazard.severity, hazard.env) == (Severity.HIGH, None)


def test_stateless_resource_outside_production_is_medium():
    (hazard,) = scan(PLANS / "delete.json")
    assert hazard.severity is Severity.MEDIUM


def test_production_recognised_from_tags():
    (hazard,) = scan(PLANS / "derived_delete_bucket_tagged_prod.json")
    assert (hazard.severity, hazard.env) == (Severity.CRITICAL, "prod")


def test_production_recognised_from_workspace():
    (hazard,) = scan(PLANS / "delete.json", context=Context(terraform_workspace="production"))
    assert (hazard.severity, hazard.env) == (Severity.HIGH, "prod")


def test_production_names_come_from_settings():
    settings = HazardSettings(production=Production(names=("staging",)))
    context = Context(config=replace(Config(), hazards=settings))
    (hazard,) = scan(PLANS / "derived_replace_db_instance_staging.json", context=context)
    assert hazard.env == "prod"
    assert scan(PLANS / "derived_replace_db_instance_prod.json", context=context)[0].env is None


def test_production_in_the_address_is_a_whole_word():
    text = (PLANS / "delete.json").read_text()
    prod = text.replace("terraform_data.db", "module.prod.terraform_data.db")
    products = text.replace("terraform_data.db", "module.products.terraform_data.db")
    assert diff("prod.json", prod)[0].env == "prod"
    assert diff("products.json", products)[0].env is None


def test_iam_policy_widened_in_a_plan():
    hazards = scan(PLANS / "derived_iam_policy_widened.json")
    assert set(kinds(hazards)) == {"iam.wildcard_action", "iam.widening"}
    assert all(h.resource == "aws_iam_policy.deploy" for h in hazards)


def test_iam_policy_rewritten_without_new_grants_is_not_a_hazard():
    assert scan(PLANS / "derived_iam_policy_unchanged.json") == ()


def test_security_group_opening_ssh_to_the_world():
    (hazard,) = scan(PLANS / "derived_security_group_ssh_world.json")
    assert hazard.kind == "net.world_open"
    assert "22 (SSH)" in hazard.detail


def test_https_open_to_the_world_is_not_a_hazard():
    assert scan(PLANS / "derived_security_group_https_world.json") == ()


@pytest.mark.parametrize(
    ("plan", "why"),
    [
        ("derived_truncated", "not valid JSON"),
        ("derived_format_version_2", "format_version 2.0 is not supported"),
    ],
)
def test_broken_or_unknown_plans_are_unanalysable(plan, why):
    (hazard,) = scan(PLANS / f"{plan}.json")
    assert hazard.kind == "artifact.unanalysable"
    assert why in hazard.detail


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"terraform_version": "1.11.4", "resource_changes": []}', "no format_version"),
        ('{"format_version": "1.2", "terraform_version": "1", "errored": true}', "errored"),
        (
            '{"format_version": "1.2", "terraform_version": "1", "resource_changes": {}}',
            "not a list",
        ),
        (
            (
                '{"format_version": "1.2", "resource_changes": [{"address": "a.b", '
                '"change": {"actions": ["teleport"]}}]}'
            ),
            "unknown action 'teleport'",
        ),
    ],
)
def test_malformed_plans_are_unanalysable_never_a_crash(text, why):
    (hazard,) = diff("plan.json", text)
    assert hazard.kind == "artifact.unanalysable"
    assert why in hazard.detail


def test_deeply_nested_plan_is_unanalysable():
    text = (
        '{"format_version": "1.2", "terraform_version": "1", "x": '
        + "[" * 100_000
        + "]" * 100_000
        + "}"
    )
    (hazard,) = diff("plan.json", text)
    assert "nested too deeply" in hazard.detail


def test_data_sources_are_ignored():
    text = (
        '{"format_version": "1.2", "resource_changes": [{"address": "data.x.y", "mode": "data", '
        '"type": "x", "change": {"actions": ["delete"]}}]}'
    )
    assert diff("plan.json", text) == ()
