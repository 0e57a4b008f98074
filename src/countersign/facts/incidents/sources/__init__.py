"""Incident sources: each reads one tool's payload shape into ``Incident`` records, one module
per tool, listed in ``SOURCES`` (nothing registers itself). ``detect`` picks the source whose
shape a payload has, so a file of webhook deliveries needs no ``--format``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from countersign.errors import InputError
from countersign.facts.incidents import Incident
from countersign.facts.incidents.sources import generic, github_issue, opsgenie, pagerduty


@dataclass(frozen=True)
class Source:
    name: str
    matches: Callable[[Any], bool]
    parse: Callable[[Any], list[Incident]]


SOURCES: dict[str, Source] = {
    "pagerduty": Source("pagerduty", pagerduty.matches, pagerduty.parse),
    "opsgenie": Source("opsgenie", opsgenie.matches, opsgenie.parse),
    "github": Source("github", github_issue.matches, github_issue.parse),
    "generic": Source("generic", generic.matches, generic.parse),
}


def detect(payload: Any) -> Source:
    for source in SOURCES.values():
        if source.matches(payload):
            return source
    raise InputError(
        "not an incident payload this version reads: expected a PagerDuty v3 webhook, an "
        "Opsgenie alert, a GitHub issue with an incident label or the generic shape "
        "(docs/insight.md#importing-incidents)"
    )


def parse(payload: Any, name: str | None = None) -> list[Incident]:
    """The incidents in ``payload``, events about the same incident merged in order."""
    if name is not None and name not in SOURCES:
        raise InputError(f"unknown incident source {name!r}: one of {', '.join(SOURCES)}")
    source = SOURCES[name] if name else detect(payload)
    return merge(source.parse(payload))


def merge(incidents: Iterable[Incident]) -> list[Incident]:
    out: dict[str, Incident] = {}
    for incident in incidents:
        out[incident.id] = out[incident.id].merged(incident) if incident.id in out else incident
    return list(out.values())
