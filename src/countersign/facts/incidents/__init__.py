"""Incidents as records: what went wrong in production, when, where, and what its responders
said caused it. Parsed from the payloads of the tools teams use (``sources``), linked to the
changes that caused them (``linkage``); the ledger keeps them (``signoff.incidents``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from countersign.errors import InputError

SEVERITIES = ("sev1", "sev2", "sev3", "sev4", "sev5")


@dataclass(frozen=True)
class Incident:
    """``started``/``resolved``: ISO 8601 in UTC (``resolved`` empty while open);
    ``references``: root-cause references the responders gave (commit shas, ``#123`` pull
    requests, ``sha256:`` change fingerprints); ``source``: where it was imported from."""

    id: str
    title: str
    started: str
    severity: str = ""  # sev1..sev5; empty: not known
    resolved: str = ""
    services: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    description: str = ""
    source: str = "cli"
    url: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def started_ts(self) -> float:
        return epoch(self.started)

    @property
    def resolved_ts(self) -> float | None:
        return epoch(self.resolved) if self.resolved else None

    @property
    def restore_hours(self) -> float | None:
        end = self.resolved_ts
        return None if end is None else round((end - self.started_ts) / 3600, 4)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "severity": self.severity,
            "started": self.started,
            "resolved": self.resolved,
            "services": list(self.services),
            "references": list(self.references),
            "description": self.description,
            "source": self.source,
            "url": self.url,
        }

    def merged(self, later: Incident) -> Incident:
        """This incident updated by a later event about it (a resolve after the trigger): what
        the later one knows wins, what it leaves empty is kept."""
        return replace(
            self,
            started=min(self.started, later.started),  # a note may arrive before the trigger
            title=later.title or self.title,
            severity=later.severity or self.severity,
            resolved=later.resolved or self.resolved,
            services=tuple(dict.fromkeys((*self.services, *later.services))),
            references=tuple(dict.fromkeys((*self.references, *later.references))),
            description=later.description or self.description,
            url=later.url or self.url,
        )


def from_dict(data: dict[str, Any]) -> Incident:
    """An incident as ``as_dict`` (and the ledger) writes it."""
    return Incident(
        id=str(data["id"]),
        title=str(data.get("title", "")),
        started=str(data["started"]),
        severity=str(data.get("severity", "")),
        resolved=str(data.get("resolved") or ""),
        services=tuple(str(s) for s in data.get("services", ())),
        references=tuple(str(r) for r in data.get("references", ())),
        description=str(data.get("description", "")),
        source=str(data.get("source", "cli")),
        url=str(data.get("url", "")),
    )


def iso(value: Any, what: str) -> str:
    """A timestamp as ISO 8601 UTC: ISO text (``Z`` or an offset; no offset means UTC) or a
    number of seconds, milliseconds or nanoseconds since the epoch (Opsgenie sends both)."""
    if isinstance(value, bool) or value in (None, ""):
        raise InputError(f"{what}: no timestamp")
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()):
        number = float(value)
        for scale in (1e9, 1e6, 1e3, 1.0):  # ns, µs, ms, s: a date after 2001 either way
            if number >= 1e9 * scale:
                number /= scale
                break
        return datetime.fromtimestamp(number, UTC).isoformat(timespec="seconds")
    if not isinstance(value, str):
        raise InputError(f"{what}: expected a timestamp, got {type(value).__name__}")
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{what}: {value!r} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def epoch(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


_SEV = re.compile(r"(?:sev|p|s|severity)[\s_-]*([1-5])\b", re.IGNORECASE)
_WORDS = {
    "critical": "sev1", "high": "sev2", "major": "sev2", "moderate": "sev3", "medium": "sev3",
    "minor": "sev4", "low": "sev4", "warning": "sev4", "info": "sev5",
}  # fmt: skip


def severity(value: Any, default: str = "") -> str:
    """``sev1``..``sev5`` from the spellings tools use: P1, SEV-2, S3, critical, low..."""
    if value in (None, ""):
        return default
    text = str(value).strip()
    if text.isdigit() and 1 <= int(text) <= 5:
        return f"sev{int(text)}"
    if m := _SEV.fullmatch(text):
        return f"sev{m.group(1)}"
    if text.lower() in _WORDS:
        return _WORDS[text.lower()]
    raise InputError(f"unknown severity {text!r}: use sev1..sev5 (P1..P5, critical, high, ...)")


def require_id(value: Any, what: str) -> str:
    text = str(value or "").strip()
    if not text or len(text) > 200 or any(c.isspace() for c in text):
        raise InputError(f"{what}: an incident id must be one word (got {value!r})")
    return text
