"""Linkage: which changes caused each incident, every link with its kinds of evidence and a
confidence. Pure: the commits, SZZ's blame of the fixes (``state.history``, the risk miner's),
reverts found by content and the deployments are read at the edge and passed in.

Evidence kinds and their weights (a link's confidence is ``1 - prod(1 - weight)``):

    manual         a person linked it (``incident link``), with a reason         1.0
    reference      the incident names the commit or its pull request             0.9
    revert         a commit during the incident says it reverts the change       0.8
    revert-content a commit during the incident undoes the change's exact diff   0.7
    szz            SZZ on a fix that names the incident blames the change        0.5, shared
    deploy-window  first deployed to an affected service shortly before          0.3, shared

"Shared": when SZZ blames (or the window holds) more than a few changes, each gets a part of
the weight. A reviewed unlink (``incident unlink``) removes a link whatever its evidence."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from countersign.facts.incidents import Incident, epoch
from countersign.facts.incidents.references import is_sha, mentions

WEIGHTS = {
    "manual": 1.0,
    "reference": 0.9,
    "revert": 0.8,
    "revert-content": 0.7,
    "szz": 0.5,
    "deploy-window": 0.3,
}
SHARED = 3  # up to this many blamed (or deployed) changes share nothing
HOUR = 3600.0
_REVERT = re.compile(r"This reverts commit ([0-9a-f]{7,40})", re.IGNORECASE)


@dataclass(frozen=True)
class Commit:
    sha: str
    date: float
    message: str
    parents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deployed:
    """A change's deployment: when, to which services (``verify --deployed-to`` records)."""

    change: str
    at: float
    services: tuple[str, ...]
    environment: str


@dataclass(frozen=True)
class Evidence:
    kind: str
    detail: str
    weight: float

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "detail": self.detail, "weight": round(self.weight, 4)}


@dataclass(frozen=True)
class Link:
    incident: str
    change: str
    evidence: tuple[Evidence, ...]

    @property
    def confidence(self) -> float:
        miss = 1.0
        for e in self.evidence:
            miss *= 1 - e.weight
        return round(1 - miss, 4)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.kind for e in self.evidence))

    def as_dict(self) -> dict[str, object]:
        return {
            "incident": self.incident,
            "change": self.change,
            "confidence": self.confidence,
            "evidence": [e.as_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class Inputs:
    commits: Sequence[Commit]
    blamed: Mapping[str, Sequence[str]]  # fix sha -> inducing shas (SZZ)
    reverted_by_content: Mapping[str, str]  # reverting sha -> the sha whose diff it undoes
    deployments: Sequence[Deployed] = ()
    manual: Iterable[tuple[str, str, str]] = ()  # (incident, change, reason)
    unlinked: Iterable[tuple[str, str]] = ()
    window_hours: float = 24.0  # the deployment window before an incident's start
    after_hours: float = 24.0  # reverts and fixes this long after the end still count


def _during(incident: Incident, commit: Commit, after_hours: float) -> bool:
    end = incident.resolved_ts or incident.started_ts + 7 * 24 * HOUR
    return incident.started_ts - HOUR <= commit.date <= end + after_hours * HOUR


def _pull_requests(commits: Sequence[Commit]) -> dict[str, list[str]]:
    """``#123`` -> the commits that landed pull request 123 (squash "title (#123)" or "Merge
    pull request #123")."""
    out: dict[str, list[str]] = {}
    for c in commits:
        first = c.message.splitlines()[0] if c.message else ""
        for m in re.finditer(r"\(#(\d+)\)\s*$|^Merge pull request #(\d+)\b", first):
            out.setdefault("#" + (m.group(1) or m.group(2)), []).append(c.sha)
    return out


def link(incidents: Iterable[Incident], inputs: Inputs) -> list[Link]:
    by_prefix = sorted(c.sha for c in inputs.commits)
    prs = _pull_requests(inputs.commits)
    unlinked = set(inputs.unlinked)
    found: dict[tuple[str, str], list[Evidence]] = {}

    def add(incident: str, change: str, kind: str, detail: str, share: int = 1) -> None:
        weight = WEIGHTS[kind] * (min(1.0, SHARED / share) if share > SHARED else 1.0)
        found.setdefault((incident, change), []).append(Evidence(kind, detail, weight))

    def resolve(prefix: str) -> list[str]:
        return [s for s in by_prefix if s.startswith(prefix.lower())] if is_sha(prefix) else []

    incidents = list(incidents)
    for inc in incidents:
        for ref in inc.references:
            targets = prs.get(ref, []) if ref.startswith("#") else resolve(ref)
            for sha in targets:
                add(inc.id, sha, "reference", f"the incident names {ref}")
        for c in inputs.commits:
            if not (_during(inc, c, inputs.after_hours) or mentions(c.message, inc.id)):
                continue
            for target in _REVERT.findall(c.message):
                for sha in resolve(target):
                    add(inc.id, sha, "revert", f"{c.sha[:12]} reverts it")
            undone = inputs.reverted_by_content.get(c.sha)
            if undone:
                add(inc.id, undone, "revert-content", f"{c.sha[:12]} undoes its diff")
        for c in inputs.commits:
            if mentions(c.message, inc.id):
                blamed = [s for s in inputs.blamed.get(c.sha, ()) if s != c.sha]
                for sha in blamed:
                    add(inc.id, sha, "szz", f"fix {c.sha[:12]} names the incident", len(blamed))
        _window(inc, inputs, add)
    for inc_id, change, reason in inputs.manual:
        add(inc_id, change, "manual", reason)
    return [Link(i, c, tuple(ev)) for (i, c), ev in sorted(found.items()) if (i, c) not in unlinked]


def _window(inc: Incident, inputs: Inputs, add: Callable[[str, str, str, str, int], None]) -> None:
    first: dict[str, Deployed] = {}
    for d in sorted(inputs.deployments, key=lambda d: d.at):
        first.setdefault(d.change, d)
    start = inc.started_ts
    hits = [
        d
        for d in first.values()
        if start - inputs.window_hours * HOUR <= d.at <= start
        and (not inc.services or set(d.services) & set(inc.services))
    ]
    for d in hits:
        hours = (start - d.at) / HOUR
        add(
            inc.id,
            d.change,
            "deploy-window",
            f"first deployed to {d.environment} {hours:.1f} h before the start",
            len(hits),
        )


def deployed(
    deployments: Iterable[tuple[str, str, Sequence[str], Sequence[str]]],
) -> list[Deployed]:
    """``(environment, at, changes, services)`` ledger records as one row per change."""
    return [
        Deployed(sha, epoch(at), tuple(services), env)
        for env, at, changes, services in deployments
        for sha in changes
    ]
