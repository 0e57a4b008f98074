"""The change record (what, why, test evidence, rollback plan) a requirement may ask for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from countersign.config.roster import Person
from countersign.errors import UsageError
from countersign.signoff.approve import sign_checked
from countersign.signoff.identity import Identity
from countersign.signoff.ledger import Ledger

FIELDS = ("summary", "test_evidence", "rollback_plan")


def given_fields(fields: dict[str, str]) -> dict[str, str]:
    """The fields with text; ``UsageError`` when there is none."""
    given = {k: v for k, v in fields.items() if v.strip()}
    if not given:
        raise UsageError("give at least one of --summary, --test-evidence, --rollback-plan")
    return given


@dataclass(frozen=True)
class Recorded:
    fingerprint: str
    fields: tuple[str, ...]
    entry: dict[str, Any]


def record(
    ledger: Ledger,
    fingerprint: str,
    author: str,
    fields: dict[str, str],
    now: datetime | None = None,
    who: Identity | None = None,
    person: Person | None = None,
) -> Recorded:
    """Record the non-empty ``fields`` for the content ``fingerprint``, signed with ``who``'s
    key when they gave one (``person``: their roster entry, whose keys verify it)."""
    given = given_fields(fields)
    entry: dict[str, Any] = {
        "author": author,
        "fingerprint": fingerprint,
        "fields": given,
        "at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
    }
    if who is not None:
        entry["identity"] = who.as_dict()
        if who.key_file is not None and person is not None:
            entry = sign_checked("change-record", entry, who, person)
    ledger.append("change-record", entry)
    return Recorded(fingerprint, tuple(given), entry)
