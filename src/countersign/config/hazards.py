"""Hazard settings (``hazards.yaml``): how production is recognised, which SQL dialect to parse.

Production is a name, not a guess: a Terraform workspace, an address segment (``module.prod``),
a tag value (``Environment = "production"``) or a plan variable (``environment = "prod"``) equal to
one of ``production.names`` (case-insensitive) marks a hazard as ``env: prod``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from countersign.config.yamlfile import (
    expect_mapping,
    expect_str,
    expect_str_list,
    parse_yaml,
    reject_unknown,
)
from countersign.errors import ConfigError

FILE = "hazards.yaml"
SQL_DIALECTS = ("postgresql", "postgres", "mysql", "mariadb", "sqlite", "sqlite3")
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Production:
    names: tuple[str, ...] = ("prod", "production", "prd", "live")
    tags: tuple[str, ...] = ("env", "environment", "stage", "tier")
    variables: tuple[str, ...] = ("env", "environment", "stage", "workspace")

    def is_name(self, value: object) -> bool:
        """A value that names production: equal to one of ``names``, ignoring case."""
        return isinstance(value, str) and value.strip().lower() in {n.lower() for n in self.names}

    def in_address(self, address: str) -> bool:
        """An address with a segment naming production (``module.prod.aws_db_instance.main``,
        ``aws_s3_bucket.prod_assets``); ``products`` does not count."""
        names = {n.lower() for n in self.names}
        return any(token in names for token in _TOKEN.findall(address.lower()))


@dataclass(frozen=True)
class HazardSettings:
    production: Production = field(default_factory=Production)
    sql_dialect: str = "postgresql"
    # The PostgreSQL release migrations run on (rules that changed with a release use it);
    # None: the oldest release still supported.
    sql_version: int | None = None

    @property
    def sql_supported(self) -> bool:
        return self.sql_dialect in SQL_DIALECTS


def load_hazard_settings(text: str, file: str = FILE) -> HazardSettings:
    data = expect_mapping(parse_yaml(text, file) or {}, file, "")
    reject_unknown(data, {"version", "production", "sql"}, file, "")
    production = Production()
    if "production" in data:
        raw = expect_mapping(data["production"], file, "production")
        reject_unknown(raw, {"names", "tags", "variables"}, file, "production")
        production = Production(
            **{
                key: expect_str_list(raw[key], file, f"production.{key}")
                for key in ("names", "tags", "variables")
                if key in raw
            }
        )
    dialect = "postgresql"
    version: int | None = None
    if "sql" in data:
        raw = expect_mapping(data["sql"], file, "sql")
        reject_unknown(raw, {"dialect", "version"}, file, "sql")
        if "dialect" in raw:
            # Any name is accepted: migrations in a dialect we cannot parse are reported as
            # unanalysable (review by hand), which is safer than refusing the configuration.
            dialect = expect_str(raw["dialect"], file, "sql.dialect").lower()
        if "version" in raw:
            version = sql_version(raw["version"], file)
    return HazardSettings(production=production, sql_dialect=dialect, sql_version=version)


def sql_version(value: object, file: str) -> int:
    """A PostgreSQL major release: ``11``, ``"9.6"`` (read as 9), ``"16"``."""
    text = str(value).strip()
    major = text.split(".", 1)[0]
    if isinstance(value, bool) or not major.isdigit() or not 7 <= int(major) <= 99:
        raise ConfigError(
            file, "sql.version", f"expected a PostgreSQL release such as 13, got {text!r}"
        )
    return int(major)
