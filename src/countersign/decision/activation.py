"""The facts as the policy sees them: plain maps and lists, the names documented in the policy.

``DEFAULTS`` is the schema: every field a condition may name, with its zero value (the values
``policy test`` cases start from). ``ELEMENTS`` gives the shape of each list of records;
``OPEN_MAPS`` are maps whose keys are data (check names), not fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from countersign.config import CONFIG_DIR
from countersign.config.roster import level_rank
from countersign.facts import Facts
from countersign.facts.blast_radius.surface import change_kind, classify
from countersign.facts.provenance.sources import stale_docs
from countersign.intake.change import Change

HAZARD: dict[str, Any] = {
    "kind": "",
    "severity": "",
    "rank": 0,
    "path": "",
    "line": 0,
    "resource": "",
    "env": "",
}

# One approval recorded for this content that counts for someone (``signoff.approvals.
# approval_facts``): strength as proven now, level, rank and teams from the roster at the base.
APPROVAL: dict[str, Any] = {"approver": "", "strength": "", "level": "", "rank": -1, "teams": []}

DEFAULTS: dict[str, Any] = {
    "change": {
        "ai_assisted": False,
        "ai_confidence": "none",
        "ai_share": 0.0,
        "agents": [],
        "files": 0,
        "lines_added": 0,
        "lines_removed": 0,
        "paths": [],
        "edits_policy": False,
        "branch": "",
        "unknown_identities": [],
        "stale_guidance": [],
        "adopts": False,
        "adoption_extra": [],
        "kind": "none",
    },
    "author": {"id": "", "level": "", "rank": -1, "teams": [], "agent": False},
    "blast": {
        "critical": [],
        "touched_critical": [],
        "reached_critical": [],
        "tier": 0,
        "services": [],
        "dependents_count": 0,
        "reaches_count": 0,
        "environments": [],
        "owners": [],
        "score": 0.0,
    },
    "hazards": [],
    # A partial case (`policy test`) ranks against the repository's own changes: the stricter.
    "risk": {"score": 0.0, "percentile": 0.0, "reference": "repository", "factors": []},
    "checks": {},
    "approvals": [],
    "time": {"date": "1970-01-01"},
}
ELEMENTS: dict[str, dict[str, Any]] = {"hazards": HAZARD, "approvals": APPROVAL}
OPEN_MAPS = frozenset({"checks"})


def merged_with_defaults(facts: dict[str, Any]) -> dict[str, Any]:
    """Facts given in part (a ``policy test`` case) over the defaults, one level deep."""
    out: dict[str, Any] = {}
    for name, default in DEFAULTS.items():
        given = facts.get(name)
        if isinstance(default, dict) and name not in OPEN_MAPS and isinstance(given, dict):
            out[name] = {**default, **given}
        elif name in ELEMENTS and isinstance(given, list):
            out[name] = [{**ELEMENTS[name], **e} if isinstance(e, dict) else e for e in given]
        else:
            out[name] = default if given is None else given
    return out


def activation(
    facts: Facts,
    checks: dict[str, str] | None = None,
    approvals: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """``approvals``: the sign-offs recorded so far, as ``APPROVAL`` records."""
    change, prov, blast = facts.change, facts.provenance, facts.blast_radius
    return {
        "change": {
            "ai_assisted": prov.ai_assisted,
            "ai_confidence": str(prov.confidence),
            "ai_share": prov.ai_share if prov.ai_share is not None else 0.0,
            "agents": list(prov.agents),
            "files": len(change.files),
            "lines_added": sum(f.lines_added for f in change.files),
            "lines_removed": sum(f.lines_removed for f in change.files),
            "paths": list(change.paths),
            "edits_policy": any(p.startswith(f"{CONFIG_DIR}/") for p in change.paths),
            "branch": change.branch or "",
            "unknown_identities": [i.email for i in facts.identities if not i.known],
            "stale_guidance": stale_docs.documents(prov.signals),
            "adopts": facts.adoption is not None,
            "adoption_extra": list(facts.adoption.outside) if facts.adoption else [],
            "kind": change_kind(blast.files) if blast.files else _kind_of(change),
        },
        "author": {
            "id": facts.author.id,
            "level": facts.author.level or "",
            "rank": level_rank(facts.author.level),
            "teams": list(facts.author.teams),
            "agent": facts.author.agent,
        },
        "blast": {
            "critical": list(blast.critical),
            "touched_critical": list(blast.touched_critical),
            "reached_critical": list(blast.reached_critical),
            "tier": blast.tier or 0,
            "services": [s.name for s in blast.services],
            "dependents_count": len(blast.dependents),
            "reaches_count": len(blast.reaches),
            "environments": list(blast.environments),
            "owners": list(blast.owners),
            "score": float(blast.score),
        },
        "hazards": [
            {
                "kind": h.kind,
                "severity": str(h.severity),
                "rank": h.severity.rank,
                "path": h.path,
                "line": h.line or 0,
                "resource": h.resource or "",
                "env": h.env or "",
            }
            for h in facts.hazards
        ],
        "risk": {
            "score": float(facts.risk.score),
            "percentile": float(facts.risk.percentile or 0.0),
            "reference": facts.risk.reference,
            "factors": [f.name for f in facts.risk.factors],
        },
        "checks": dict(checks or {}),
        "approvals": [{**APPROVAL, **a} for a in approvals],
    }


def _kind_of(change: Change) -> str:
    return change_kind(classify(f) for f in change.files)
