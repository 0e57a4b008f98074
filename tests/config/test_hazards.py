from __future__ import annotations

import pytest

from countersign.config.hazards import HazardSettings, Production, load_hazard_settings
from countersign.errors import ConfigError


def test_defaults_recognise_common_production_names():
    production = Production()
    assert production.is_name("Production")
    assert production.is_name("prod")
    assert not production.is_name("staging")
    assert not production.is_name(None)


def test_address_matches_whole_words_only():
    production = Production()
    assert production.in_address("module.prod.aws_db_instance.main")
    assert production.in_address('aws_s3_bucket.assets["prod-eu"]')
    assert not production.in_address("aws_s3_bucket.products")


def test_settings_file_overrides_names_and_dialect():
    settings = load_hazard_settings(
        "production:\n  names: [prd1, live]\n  tags: [Stage]\nsql:\n  dialect: MySQL\n"
    )
    assert settings.production.names == ("prd1", "live")
    assert settings.production.tags == ("Stage",)
    assert settings.production.variables == Production().variables
    assert settings.sql_dialect == "mysql"
    assert settings.sql_supported
    assert not load_hazard_settings("sql:\n  dialect: oracle\n").sql_supported


def test_postgresql_version_is_a_major_release():
    assert load_hazard_settings("sql:\n  version: 10\n").sql_version == 10
    assert load_hazard_settings("sql:\n  version: '9.6'\n").sql_version == 9
    with pytest.raises(ConfigError) as exc:
        load_hazard_settings("sql:\n  version: latest\n")
    assert str(exc.value) == (
        "hazards.yaml: sql.version: expected a PostgreSQL release such as 13, got 'latest'"
    )


def test_empty_file_gives_defaults():
    assert load_hazard_settings("") == HazardSettings()


def test_unknown_key_is_named_with_its_path():
    with pytest.raises(ConfigError) as exc:
        load_hazard_settings("production:\n  name: [prod]\n")
    assert str(exc.value) == (
        "hazards.yaml: production.name: unknown field 'name' (expected one of: names, tags, "
        "variables)"
    )
