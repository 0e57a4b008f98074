"""The ``countersign provenance`` table: one row per commit with its verdict, then the evidence."""

from __future__ import annotations

from countersign.facts.provenance import CommitProvenance, Provenance, Signal


def provenance_text(p: Provenance) -> str:
    rows = [("COMMIT", "AI", "CONFIDENCE", "AGENTS", "SHARE", "SUBJECT")]
    rows.extend(_row(c) for c in p.commits)
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    out = [
        "  ".join(cell.ljust(w) for cell, w in zip(r[:5], widths, strict=False)) + "  " + r[5]
        for r in rows
    ]
    out = [line.rstrip() for line in out]
    out.append("")
    verdict = "AI-assisted" if p.ai_assisted else "not known to be AI-assisted"
    agents = f" ({', '.join(p.agents)})" if p.agents else ""
    share = f", {p.ai_share:.0%} of added lines by agents" if p.ai_share is not None else ""
    out.append(f"Change: {verdict}, {p.confidence} confidence{agents}{share}")
    change_level = [s for s in p.signals if s.commit is None]
    if change_level:
        out.append("  evidence for the whole change:")
        out.extend(f"    {_signal(s)}" for s in change_level)
    bots: dict[str, list[str]] = {}
    for c in p.commits:
        signals = distinct(c.signals)
        for s in signals:
            if s.kind == "non-agent-bot" and not s.counted:
                bots.setdefault(s.detail.split(" is ", 1)[-1].split(",")[0], []).append(c.sha[:12])
        shown = [s for s in signals if s.counted or s.kind != "non-agent-bot"]
        if shown:
            out.append(f"{c.sha[:12]} {c.subject[:60]}")
            out.extend(f"    {_signal(s)}" for s in shown)
    for bot, shas in bots.items():
        listed = ", ".join(shas[:5]) + (f" and {len(shas) - 5} more" if len(shas) > 5 else "")
        commits = f"{len(shas)} commit{'s' if len(shas) != 1 else ''}"
        out.append(f"[not counted] {commits} by {bot}, a bot that is not a coding agent: {listed}")
    return "\n".join(out).rstrip() + "\n"


def distinct(signals: tuple[Signal, ...] | list[Signal]) -> list[Signal]:
    """Each piece of evidence once (a trailer written twice is one signal to read)."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for s in signals:
        key = (s.kind, s.detail, s.where, s.strength, s.counted, s.commit)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _row(c: CommitProvenance) -> tuple[str, str, str, str, str, str]:
    return (
        c.sha[:12],
        "yes" if c.ai_assisted else "no",
        str(c.confidence),
        ", ".join(c.agents) or "-",
        f"{c.ai_share:.0%}" if c.ai_share is not None else "-",
        c.subject[:72],
    )


def _signal(s: Signal) -> str:
    mark = s.strength.upper() if s.counted else "not counted"
    return f"[{mark}] {s.kind}: {s.detail} ({s.where})"
