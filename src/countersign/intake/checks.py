"""What CI says of a change's automated checks, given as ``NAME=STATUS`` values."""

from __future__ import annotations

from countersign.errors import UsageError


def parse_checks(values: tuple[str, ...]) -> dict[str, str]:
    checks: dict[str, str] = {}
    for value in values:
        name, sep, status = value.partition("=")
        if not sep or not name or not status:
            raise UsageError(f"--check-status {value!r}: expected NAME=STATUS, e.g. tests=success")
        checks[name] = status
    return checks
