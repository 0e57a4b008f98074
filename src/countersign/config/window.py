"""Time boxes: the ``effective`` / ``expires`` dates of critical lists and policy rules, for
programmes such as a 90-day safety reset. In force from ``effective`` up to the day before
``expires``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from countersign.errors import ConfigError


def in_force(effective: date | None, expires: date | None, today: date) -> bool:
    if effective and today < effective:
        return False
    return not (expires and today >= expires)


def read_window(entry: Mapping[str, Any], file: str, key: str) -> tuple[date | None, date | None]:
    """The entry's ``effective`` and ``expires`` dates, checked to be in order."""
    effective = parse_date(entry.get("effective"), file, f"{key}.effective")
    expires = parse_date(entry.get("expires"), file, f"{key}.expires")
    if effective and expires and expires <= effective:
        raise ConfigError(file, f"{key}.expires", f"{expires} is not after effective {effective}")
    return effective, expires


def parse_date(value: Any, file: str, key: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(file, key, f"expected a date like 2026-01-31, got {value!r}")
