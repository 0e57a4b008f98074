"""Text for people: the verdict first, then why, then what to do next."""

from __future__ import annotations

from countersign.decision.requirements import Kind, Requirement
from countersign.facts.hazards import Hazard
from countersign.facts.provenance.sources.stale_docs import KIND as STALE_GUIDANCE
from countersign.gate.verdict import Evaluation, Verdict
from countersign.output.next_steps import adoption_note, next_steps
from countersign.output.provenance import distinct
from countersign.output.words import counted

HEADLINE = {
    Verdict.PASS: "PASS: no sign-off needed",
    Verdict.NEEDS_APPROVAL: "NEEDS APPROVAL: this change needs sign-off before it ships",
    Verdict.BLOCKED: "BLOCKED: this change may not ship as it is",
}


def text(e: Evaluation) -> str:
    facts = e.facts
    change = facts.change
    headline = HEADLINE[e.verdict]
    if e.verdict is Verdict.PASS and e.requirements:
        headline = "PASS: every required sign-off is in place"
    out = [headline]
    rng = f"{_short(change.base)}..{_short(change.head)}" if change.head else change.source
    out.append(
        f"  change {rng}  fingerprint {change.fingerprint[:19]}  "
        f"{counted(len(change.files), 'file')}, {counted(len(change.commits), 'commit')}"
    )
    if e.ledger is not None:
        out.append(f"  {e.ledger.summary}")
    if note := adoption_note(e):
        out.append(f"  {note}")
    out.append("")
    out.append("Why:")
    prov = facts.provenance
    who = f"{facts.author.id} ({facts.author.level or 'not in roster'})"
    if prov.ai_assisted:
        out.append(
            f"  - AI-assisted ({prov.confidence} confidence, {', '.join(prov.agents)}) by {who}"
        )
        out.extend(
            f"      {s.kind}: {s.detail} [{s.where}]"
            for s in distinct([x for x in prov.signals if x.counted])[:3]
        )
    else:
        out.append(f"  - not known to be AI-assisted; author {who}")
    out.extend(
        f"  - rests on stale guidance: {s.where}: {s.detail}"
        for s in distinct([x for x in prov.signals if x.kind == STALE_GUIDANCE])[:3]
    )
    blast = facts.blast_radius
    if blast.services:
        names = ", ".join(f"{s.name} (tier {s.tier})" for s in blast.services)
        out.append(f"  - touches {names}; blast score {blast.score}")
    if blast.critical:
        out.append(f"  - critical systems reached: {', '.join(blast.critical)}")
    if blast.dependents:
        deps = ", ".join(f"{d.name} via {' -> '.join(d.via)}" for d in blast.dependents[:5])
        out.append(f"  - dependents: {deps}")
    if blast.unowned:
        rest = len(blast.unowned) - 3
        out.append(
            f"  - {counted(len(blast.unowned), 'path')} no service owns: "
            f"{', '.join(blast.unowned[:3])}" + (f" and {rest} more" if rest > 0 else "")
        )
    if blast.problems:
        more = f" (and {len(blast.problems) - 1} more)" if len(blast.problems) > 1 else ""
        out.append(f"  - blast radius problem: {blast.problems[0]}{more}; see countersign blast")
    out.extend(f"  - {_hazard_line(h)}" for h in facts.hazards[:10])
    if len(facts.hazards) > 10:
        out.append(f"  - ... {len(facts.hazards) - 10} more hazards (--format json)")
    factors = ", ".join(f.text for f in facts.risk.factors[:3])
    out.append(f"  - risk {facts.risk.score:.2f}" + (f" ({factors})" if factors else ""))
    out.append("")
    if e.requirements:
        out.append("Requirements:")
        out.extend(_requirement_line(r) for r in e.requirements)
        if sum(r.kind is Kind.APPROVAL for r in e.requirements) > 1:
            out.append("  (one approver counts toward every approval group they qualify for)")
        out.append("")
    out.extend(_next_steps(e))
    return "\n".join(out).rstrip() + "\n"


def _requirement_line(r: Requirement) -> str:
    mark = "[x]" if r.satisfied else "[ ]"
    tail = f"  (by {', '.join(r.signers())})" if r.satisfied and r.satisfied_by else ""
    tail = tail or (f"  ({r.missing})" if r.missing else "")
    if not r.needs:
        return f"  {mark} {r.id}: {r.reason}{tail}"
    because = "".join(f"\n        because: {why}" for why in r.because)
    return f"  {mark} {r.id}: {r.needs}{tail}{because}"


def _next_steps(e: Evaluation) -> list[str]:
    if e.verdict is Verdict.PASS:
        return ["Next: nothing to do; the change may ship."]
    return ["Next:", *(f"  - {step.replace('`', '')}" for step in next_steps(e))]


def _hazard_line(h: Hazard) -> str:
    where = f"{h.path}:{h.line}" if h.line else h.path
    return f"{h.severity.upper()} {h.kind}: {h.detail} [{where}]"


def hazards_text(hazards: tuple[Hazard, ...], files: tuple[str, ...]) -> str:
    if not hazards:
        return f"No hazards found in {counted(len(files), 'file')}.\n"
    lines = [f"{len(hazards)} hazard{'s' if len(hazards) != 1 else ''} found:"]
    lines.extend(f"  {_hazard_line(h)}" for h in hazards)
    return "\n".join(lines) + "\n"


def _short(rev: str | None) -> str:
    return rev[:12] if rev else "?"
