"""The anonymised export, so an organisation can share what the critics asked for without
sharing who, what or where: people, services, commits and incidents become salted hashes
(HMAC-SHA256: without the salt nobody can hash public commit ids to find them), dates become
ISO weeks, sizes powers of two, every free text (titles, messages, descriptions, URLs,
references) is left out, and records are listed in the order of their pseudonyms, not of the
history (the order would tell which commit came first within a week)."""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from countersign.errors import UsageError
from countersign.facts.incidents import Incident
from countersign.facts.incidents.linkage import Link
from countersign.facts.insight.records import ChangeRecord

MIN_SALT = 16
FORMAT = "countersign-insight-anonymised"


class Hasher:
    def __init__(self, salt: str) -> None:
        if len(salt) < MIN_SALT:
            raise UsageError(
                f"the salt must be at least {MIN_SALT} characters, kept secret and never "
                "shared with the export (set $COUNTERSIGN_SALT or pass --salt)"
            )
        self._key = salt.encode("utf-8")

    def __call__(self, kind: str, value: str | None) -> str | None:
        if value is None:
            return None
        digest = hmac.new(self._key, f"{kind}\0{value}".encode(), hashlib.sha256)
        return digest.hexdigest()[:16]


def week(ts: float) -> str:
    year, number, _ = datetime.fromtimestamp(ts, UTC).isocalendar()
    return f"{year}-W{number:02d}"


def _size(x: float | None) -> int | None:
    """The power of two at or above the size: 0, 1, 2, 4, 8 ... lines."""
    if x is None:
        return None
    return 0 if x <= 0 else 2 ** math.ceil(math.log2(x))


def _hours(x: float | None) -> float | None:
    return None if x is None else round(x * 2) / 2


def export(
    records: Sequence[ChangeRecord],
    links: Iterable[Link],
    incidents: Iterable[Incident],
    salt: str,
) -> dict[str, Any]:
    h = Hasher(salt)
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": 1,
        "changes": [
            {
                "change": h("change", r.id),
                "week": week(r.date),
                "ai_assisted": r.ai,
                "failed": r.failed,
                "size_bucket": _size(r.size),
                "risk": None if r.risk is None else round(r.risk, 2),
                "tier": r.tier,
                "level": r.level,
                "service": h("service", r.service),
                "author": h("person", r.author.lower() if r.author else None),
                "rework": r.rework,
                "restore_hours": _hours(r.restore_hours),
                "gated": r.gated,
                "evidence": list(r.evidence),
            }
            for r in records
        ],
        "incidents": [
            {
                "incident": h("incident", i.id),
                "week": week(i.started_ts),
                "severity": i.severity or None,
                "restore_hours": _hours(i.restore_hours),
                "services": sorted(h("service", s) or "" for s in i.services),
                "source": i.source,
            }
            for i in incidents
        ],
        "links": [
            {
                "incident": h("incident", lk.incident),
                "change": h("change", lk.change),
                "confidence": lk.confidence,
                "kinds": list(lk.kinds),
            }
            for lk in links
        ],
    }
    data["changes"].sort(key=lambda c: c["change"])
    data["incidents"].sort(key=lambda i: i["incident"])
    data["links"].sort(key=lambda lk: (lk["incident"], lk["change"]))
    return data
