"""The service catalog (``catalog.yaml``): services, the paths they own, tier, dependencies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from countersign.config.yamlfile import (
    expect_list,
    expect_mapping,
    expect_str,
    expect_str_list,
    parse_yaml,
    reject_unknown,
)
from countersign.errors import ConfigError

FILE = "catalog.yaml"


@dataclass(frozen=True)
class Service:
    name: str
    paths: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    tier: int = 3
    environments: tuple[str, ...] = ()
    datastores: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()


@dataclass(frozen=True)
class CriticalList:
    """A named list of critical systems, optionally time-boxed (a "safety reset")."""

    name: str
    systems: tuple[str, ...]
    effective: date | None = None
    expires: date | None = None

    def active(self, today: date) -> bool:
        if self.effective and today < self.effective:
            return False
        return not (self.expires and today >= self.expires)


@dataclass(frozen=True)
class Catalog:
    services: tuple[Service, ...] = ()
    critical_lists: tuple[CriticalList, ...] = ()

    def service(self, name: str) -> Service | None:
        return next((s for s in self.services if s.name == name), None)


_SERVICE_FIELDS = {
    "name",
    "paths",
    "owners",
    "owner",
    "tier",
    "environments",
    "datastores",
    "depends_on",
    "resources",
    "description",
}


def load_catalog(text: str, file: str = FILE) -> Catalog:
    data = expect_mapping(parse_yaml(text, file) or {}, file, "")
    reject_unknown(data, {"services", "critical", "version"}, file, "")
    services: list[Service] = []
    names: set[str] = set()
    for i, raw in enumerate(expect_list(data.get("services", []), file, "services")):
        service = _service(raw, file, f"services[{i}]")
        if service.name in names:
            raise ConfigError(
                file, f"services[{i}].name", f"service {service.name!r} is defined twice"
            )
        names.add(service.name)
        services.append(service)
    lists = tuple(
        _critical(raw, file, f"critical[{i}]")
        for i, raw in enumerate(expect_list(data.get("critical", []), file, "critical"))
    )
    return Catalog(services=tuple(services), critical_lists=lists)


def _service(raw: Any, file: str, key: str) -> Service:
    entry = expect_mapping(raw, file, key)
    reject_unknown(entry, _SERVICE_FIELDS, file, key)
    tier = entry.get("tier", 3)
    if not isinstance(tier, int) or isinstance(tier, bool) or not 1 <= tier <= 4:
        raise ConfigError(file, f"{key}.tier", f"expected an integer from 1 to 4, got {tier!r}")
    return Service(
        name=expect_str(entry.get("name"), file, f"{key}.name"),
        paths=expect_str_list(entry.get("paths", []), file, f"{key}.paths"),
        owners=expect_str_list(entry.get("owners", entry.get("owner", [])), file, f"{key}.owners"),
        tier=tier,
        environments=expect_str_list(entry.get("environments", []), file, f"{key}.environments"),
        datastores=expect_str_list(entry.get("datastores", []), file, f"{key}.datastores"),
        depends_on=expect_str_list(entry.get("depends_on", []), file, f"{key}.depends_on"),
        resources=expect_str_list(entry.get("resources", []), file, f"{key}.resources"),
    )


def _critical(raw: Any, file: str, key: str) -> CriticalList:
    entry = expect_mapping(raw, file, key)
    reject_unknown(entry, {"name", "systems", "effective", "expires"}, file, key)
    return CriticalList(
        name=expect_str(entry.get("name"), file, f"{key}.name"),
        systems=expect_str_list(entry.get("systems", []), file, f"{key}.systems"),
        effective=_date(entry.get("effective"), file, f"{key}.effective"),
        expires=_date(entry.get("expires"), file, f"{key}.expires"),
    )


def _date(value: Any, file: str, key: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(file, key, f"expected a date like 2026-01-31, got {value!r}")
