from __future__ import annotations

import pytest

from countersign.config.catalog import load_catalog
from countersign.config.roster import load_roster
from countersign.config.yamlfile import parse_yaml, parse_yaml_documents
from countersign.errors import ConfigError


def message(text, loader):
    with pytest.raises(ConfigError) as err:
        loader(text)
    return str(err.value)


def test_yaml_bomb_is_refused_before_expansion():
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    with pytest.raises(ConfigError, match="anchors and aliases are not allowed"):
        parse_yaml(bomb, "catalog.yaml")


def test_duplicate_keys_are_an_error_with_the_line():
    assert message("services: []\nservices: []\n", load_catalog) == (
        "catalog.yaml: line 2: invalid YAML: duplicate key 'services'"
    )


def test_catalog_errors_name_the_key_path():
    text = "services:\n  - name: a\n  - name: b\n    tier: high\n"
    assert message(text, load_catalog) == (
        "catalog.yaml: services[1].tier: expected an integer from 1 to 4, got 'high'"
    )


def test_unknown_catalog_field_lists_the_expected_ones():
    assert message("services:\n  - name: a\n    ownr: x\n", load_catalog).startswith(
        "catalog.yaml: services[0].ownr: unknown field 'ownr' (expected one of: datastores,"
    )


def test_roster_rejects_duplicate_identities():
    text = "people:\n  - {id: a, emails: [x@e.com]}\n  - {id: b, emails: [X@e.com]}\n"
    assert message(text, load_roster) == (
        "people.yaml: people[1]: identity 'X@e.com' is already used by people[0]; "
        "each id and e-mail must belong to one person"
    )


def test_roster_github_logins_are_strings_and_belong_to_one_person():
    assert message("people:\n  - {id: a, github: [x]}\n", load_roster) == (
        "people.yaml: people[0].github: expected a non-empty string, got a list"
    )
    text = "people:\n  - {id: a, github: Octo}\n  - {id: b, github: octo}\n"
    assert message(text, load_roster) == (
        "people.yaml: people[1]: identity 'github:octo' is already used by people[0]; "
        "each id and e-mail must belong to one person"
    )
    roster = load_roster("people:\n  - {id: a, github: Octo-Cat}\n")
    assert roster.find_github("octo-cat").id == "a"
    assert roster.find_github("") is None


def test_roster_level_must_be_known():
    assert message("people:\n  - {id: a, level: wizard}\n", load_roster) == (
        "people.yaml: people[0].level: expected one of junior, mid, senior, staff, principal, "
        "got 'wizard'"
    )


def test_invalid_yaml_gives_the_line():
    assert message("services: [\n", load_catalog).startswith("catalog.yaml: line 2: invalid YAML")


def test_yaml_nested_deeper_than_the_stack_is_an_error_not_a_crash():
    deep = "a: " + "[" * 50_000 + "]" * 50_000 + "\n"
    with pytest.raises(ConfigError, match="nested deeper than 128 levels"):
        parse_yaml(deep, "catalog.yaml")
    with pytest.raises(ConfigError, match="nested deeper than 128 levels"):
        parse_yaml_documents(deep, "catalog.yaml")


def test_control_character_is_an_error_not_a_crash():
    with pytest.raises(ConfigError, match="invalid YAML"):
        parse_yaml_documents("a: b\x07\n", "catalog.yaml")
