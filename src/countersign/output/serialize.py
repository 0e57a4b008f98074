"""Records to plain JSON-ready dicts: the stable machine-readable shape of every output."""

from __future__ import annotations

import json
from typing import Any

from countersign.decision.requirements import Requirement
from countersign.facts.blast_radius import BlastRadius
from countersign.facts.hazards import Hazard
from countersign.facts.provenance import CommitProvenance, Provenance, Signal
from countersign.facts.risk import Risk
from countersign.gate.verdict import Evaluation

SCHEMA = "countersign/check/v1"


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def hazard_dict(h: Hazard) -> dict[str, Any]:
    return {
        "kind": h.kind,
        "severity": str(h.severity),
        "path": h.path,
        "line": h.line,
        "resource": h.resource,
        "env": h.env,
        "detail": h.detail,
        "analyzer": h.analyzer,
    }


def signal_dict(s: Signal) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": s.kind,
        "strength": str(s.strength),
        "counted": s.counted,
        "where": s.where,
        "detail": s.detail,
        "agent": s.agent,
        "commit": s.commit,
    }
    if s.model:
        out["model"] = s.model
    if s.ai_lines is not None:
        out["ai_lines"] = s.ai_lines
    return out


def commit_provenance_dict(c: CommitProvenance) -> dict[str, Any]:
    return {
        "sha": c.sha,
        "subject": c.subject,
        "author": c.author,
        "ai_assisted": c.ai_assisted,
        "confidence": str(c.confidence),
        "agents": list(c.agents),
        "models": list(c.models),
        "ai_share": c.ai_share,
        "signals": [signal_dict(s) for s in c.signals],
    }


def provenance_dict(p: Provenance) -> dict[str, Any]:
    return {
        "ai_assisted": p.ai_assisted,
        "confidence": str(p.confidence),
        "agents": list(p.agents),
        "models": list(p.models),
        "ai_share": p.ai_share,
        "signals": [signal_dict(s) for s in p.signals],
        "commits": [commit_provenance_dict(c) for c in p.commits],
    }


def blast_dict(b: BlastRadius) -> dict[str, Any]:
    return {
        "services": [
            {
                "name": s.name,
                "tier": s.tier,
                "paths": list(s.paths),
                "resources": list(s.resources),
                "surface_changed": s.surface_changed,
                "surface_reason": s.surface_reason,
            }
            for s in b.services
        ],
        "critical": list(b.critical),
        "touched_critical": list(b.touched_critical),
        "reached_critical": list(b.reached_critical),
        "critical_reasons": [
            {"name": c.name, "reason": c.reason, "touched": c.touched} for c in b.critical_reasons
        ],
        "dependents": [
            {
                "name": d.name,
                "tier": d.tier,
                "depth": d.depth,
                "path": list(d.via),
                "edge": d.edge,
                "reached": d.reached,
                "why": d.why,
                "edges": [
                    {"from": h.source, "to": h.target, "origin": h.origin, "inferred": h.inferred}
                    for h in d.hops
                ],
            }
            for d in b.dependents
        ],
        "files": [
            {"path": f.path, "kind": f.kind, "surface": f.surface, "reason": f.reason}
            for f in b.files
        ],
        "environments": list(b.environments),
        "owners": list(b.owners),
        "unowned": list(b.unowned),
        "unowned_resources": list(b.unowned_resources),
        "codeowners": [
            {"path": m.path, "owners": list(m.owners), "file": m.file, "line": m.line}
            for m in b.code_owners
        ],
        "overlaps": [
            {
                "path": o.path,
                "winner": o.winner,
                "pattern": o.pattern,
                "losers": [{"service": n, "pattern": p} for n, p in o.losers],
                "reason": o.reason,
            }
            for o in b.overlaps
        ],
        "score": b.score,
        "score_terms": [
            {
                "service": t.service,
                "tier": t.tier,
                "depth": t.depth,
                "critical": t.critical,
                "points": t.points,
            }
            for t in b.score_terms
        ],
        "cycles": [list(c) for c in b.cycles],
        "problems": list(b.problems),
    }


def risk_dict(r: Risk) -> dict[str, Any]:
    return {
        "score": r.score,
        "percentile": r.percentile,
        "reference": r.reference,
        "model": r.model,
        "note": r.note,
        "factors": [
            {
                "name": f.name,
                "value": f.value,
                "contribution": round(f.contribution, 4),
                "text": f.text,
            }
            for f in r.factors
        ],
    }


def requirement_dict(r: Requirement) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.id,
        "rule": r.rule,
        "kind": str(r.kind),
        "satisfied": r.satisfied,
        "reason": r.reason,
    }
    if r.count:
        out["count"] = r.count
    if r.min_level:
        out["min_level"] = r.min_level
    if r.teams:
        out["teams"] = list(r.teams)
    if r.kind == "change_record":
        out["fields"] = list(r.fields)
    if r.checks:
        out["checks"] = list(r.checks)
    out["satisfied_by"] = list(r.satisfied_by)
    if r.kind == "approval":
        out["identities"] = list(r.identities)
        if r.strengths:
            out["approvals"] = [
                {"approver": p, "identity": s}
                for p, s in zip(r.satisfied_by, r.strengths, strict=True)
            ]
    if not r.glass:
        out["break_glass"] = False
    if r.missing:
        out["missing"] = r.missing
    if r.needs:
        out["needs"] = r.needs
        out["because"] = list(r.because)
    return out


def ledger_dict(e: Evaluation) -> dict[str, Any] | None:
    if e.ledger is None:
        return None
    return {
        "location": e.ledger.location,
        "pinned": e.ledger.pinned_in is not None,
        "pinned_in": e.ledger.pinned_in,
        "checkpoint": e.ledger.checkpoint,
        "summary": e.ledger.summary,
    }


def evaluation_dict(e: Evaluation) -> dict[str, Any]:
    change, facts = e.facts.change, e.facts
    return {
        "schema": SCHEMA,
        "verdict": str(e.verdict),
        "change": {
            "base": change.base,
            "head": change.head,
            "fingerprint": change.fingerprint,
            "source": change.source,
            "branch": change.branch,
            "tree": change.tree,
            "includes_worktree": change.includes_worktree,
            "files": [
                {
                    "path": f.path,
                    "status": str(f.status),
                    "old_path": f.old_path,
                    "added": f.lines_added,
                    "removed": f.lines_removed,
                    "binary": f.binary,
                    "submodule": f.submodule,
                    "old_mode": f.old_mode,
                    "new_mode": f.new_mode,
                    "skipped": f.skipped,
                }
                for f in change.files
            ],
            "commits": [c.sha for c in change.commits],
            "artifacts": [{"path": a.path, "origin": a.origin} for a in change.artifacts],
        },
        "author": {
            "id": facts.author.id,
            "level": facts.author.level,
            "teams": list(facts.author.teams),
            "agent": facts.author.agent,
        },
        "ledger": ledger_dict(e),
        "provenance": provenance_dict(facts.provenance),
        "blast_radius": blast_dict(facts.blast_radius),
        "hazards": [hazard_dict(h) for h in facts.hazards],
        "risk": risk_dict(facts.risk),
        "policy": {
            "version": e.decision.policy_version,
            "rules": [
                {"id": o.rule, "fired": o.fired, "reason": o.reason} for o in e.decision.outcomes
            ],
        },
        "requirements": [requirement_dict(r) for r in e.requirements],
    }
