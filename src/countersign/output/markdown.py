"""Markdown, for pull request comments and job summaries."""

from __future__ import annotations

from countersign.facts.hazards import Hazard
from countersign.facts.provenance.sources.stale_docs import KIND as STALE_GUIDANCE
from countersign.gate.verdict import Evaluation, Verdict
from countersign.output.blast_radius import mermaid
from countersign.output.next_steps import adoption_note, next_steps
from countersign.output.words import counted

ICON = {Verdict.PASS: "✅", Verdict.NEEDS_APPROVAL: "🟡", Verdict.BLOCKED: "⛔"}


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def hazards_table(hazards: tuple[Hazard, ...]) -> str:
    if not hazards:
        return "No hazards found.\n"
    rows = ["| severity | kind | where | detail |", "| --- | --- | --- | --- |"]
    for h in hazards:
        where = f"`{h.path}:{h.line}`" if h.line else f"`{h.path}`"
        rows.append(f"| {h.severity} | `{h.kind}` | {cell(where)} | {cell(h.detail)} |")
    return "\n".join(rows) + "\n"


def markdown(e: Evaluation) -> str:
    f = e.facts
    out = [f"## {ICON[e.verdict]} countersign: **{e.verdict}**", ""]
    out.append(
        f"Fingerprint `{f.change.fingerprint[:19]}`, {counted(len(f.change.files), 'file')}."
    )
    if e.ledger is not None:
        out.append(f"Sign-offs read from the {cell(e.ledger.summary)}.")
    if note := adoption_note(e):
        out.append(f"{cell(note[0].upper() + note[1:])}.")
    out.append("")
    if e.requirements:
        out.extend(["### Requirements", ""])
        for r in e.requirements:
            box = "x" if r.satisfied else " "
            extra = f" — {r.missing}" if r.missing and not r.satisfied else ""
            if r.satisfied and r.strengths:
                extra = f" — by {cell(', '.join(r.signers()))}"
            out.append(f"- [{box}] `{r.id}`: {cell(r.needs or r.reason)}{extra}")
            out.extend(f"  - because: {cell(why)}" for why in r.because)
        out.append("")
        steps = next_steps(e)
        if steps:
            out.extend(["### What to do", "", *(f"- {step}" for step in steps), ""])
    out.extend(["### Facts", ""])
    p = f.provenance
    out.append(
        f"- **Provenance**: {'AI-assisted' if p.ai_assisted else 'not AI-assisted'} "
        f"({p.confidence}){' — ' + ', '.join(p.agents) if p.agents else ''}"
    )
    out.extend(
        f"- **Stale guidance**: `{cell(s.where)}`: {cell(s.detail)}"
        for s in p.signals
        if s.kind == STALE_GUIDANCE
    )
    b = f.blast_radius
    out.append(
        f"- **Blast radius**: {', '.join(s.name for s in b.services) or 'no service'}; "
        f"critical: {', '.join(b.critical) or 'none'}; score {b.score}"
    )
    factors = ", ".join(x.text for x in f.risk.factors[:3])
    out.append(f"- **Risk**: {f.risk.score:.2f}" + (f" — {factors}" if factors else ""))
    out.append("")
    if b.dependents:
        out.extend([*mermaid(b), ""])
    out.extend(["### Hazards", "", hazards_table(f.hazards)])
    return "\n".join(out)
