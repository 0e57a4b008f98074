from datetime import date

import pytest

from countersign.config.catalog import CriticalList, load_catalog
from countersign.errors import ConfigError

CATALOG = """\
services:
  - name: checkout
    paths: ["services/checkout/**"]
    tier: 1
    depends_on: [inventory]
    resources:
      terraform: ["module.checkout"]
      namespaces: [checkout]
      databases: [orders]
  - name: inventory
    paths: services/inventory
critical:
  - name: safety-reset
    systems: [inventory]
    effective: 2026-01-01
    expires: 2026-04-01
"""


def error(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_catalog(text)
    return str(info.value)


def test_reads_services_resources_and_edges():
    catalog = load_catalog(CATALOG)
    checkout = catalog.service("checkout")
    assert checkout is not None
    assert checkout.resources.terraform == ("module.checkout",)
    assert [(e.source, e.target, e.origin) for e in catalog.edges] == [
        ("checkout", "inventory", "catalog.yaml: services[0].depends_on[0]")
    ]
    assert catalog.users["inventory"][0].source == "checkout"


def test_critical_list_is_in_force_only_between_its_dates():
    catalog = load_catalog(CATALOG)
    assert catalog.critical_systems(date(2025, 12, 31)) == {"checkout": "tier 1"}
    assert catalog.critical_systems(date(2026, 2, 1)) == {
        "checkout": "tier 1",
        "inventory": "on the critical list 'safety-reset' until 2026-04-01",
    }
    assert "inventory" not in catalog.critical_systems(date(2026, 4, 1))
    assert CriticalList("x", ("a",)).active(date(2000, 1, 1))


def test_unknown_service_in_depends_on_names_the_key_and_suggests():
    assert error(
        "services:\n  - name: checkout\n    depends_on: [inventroy]\n  - name: inventory\n"
    ) == (
        "catalog.yaml: services[0].depends_on[0]: unknown service 'inventroy'; "
        "did you mean 'inventory'?"
    )


def test_unknown_service_without_a_close_name():
    assert error("services:\n  - name: a\n    depends_on: [zzz]\n") == (
        "catalog.yaml: services[0].depends_on[0]: unknown service 'zzz'; "
        "add it to services, or fix the name"
    )


def test_unknown_critical_system():
    assert error(
        "services:\n  - name: checkout\ncritical:\n  - name: reset\n    systems: [checkuot]\n"
    ) == (
        "catalog.yaml: critical[0].systems[0]: unknown service 'checkuot'; did you mean 'checkout'?"
    )


def test_duplicate_service():
    assert error("services:\n  - name: a\n  - name: a\n") == (
        "catalog.yaml: services[1].name: service 'a' is defined twice (first in services[0])"
    )


def test_expiry_before_effective_date():
    assert (
        error(
            "critical:\n  - name: r\n    systems: []\n    effective: 2026-05-01\n"
            "    expires: 2026-04-01\n"
        )
        == "catalog.yaml: critical[0].expires: 2026-04-01 is not after effective 2026-05-01"
    )


def test_unknown_resource_kind():
    assert error("services:\n  - name: a\n    resources: {helm: [x]}\n") == (
        "catalog.yaml: services[0].resources.helm: unknown field 'helm' "
        "(expected one of: databases, namespaces, terraform)"
    )


def test_bad_tier_and_yaml_syntax():
    assert error("services:\n  - name: a\n    tier: high\n") == (
        "catalog.yaml: services[0].tier: expected an integer from 1 to 4, got 'high'"
    )
    assert error("services:\n  - name: [a\n") == (
        "catalog.yaml: line 3: invalid YAML: expected ',' or ']', but got '<stream end>'"
    )


def test_self_edges_are_ignored_by_the_walk():
    catalog = load_catalog("services:\n  - name: a\n    depends_on: [a]\n")
    assert catalog.users == {}
