"""The blast radius for people: a text tree of the dependency graph in the terminal, a Mermaid
graph in Markdown, and each part with its reason (critical why, overlaps, score terms)."""

from __future__ import annotations

from collections.abc import Iterator

from countersign.facts.blast_radius import BlastRadius
from countersign.intake.change import Change

MAX_NODES = 100  # a graph larger than this is cut in text and Markdown; JSON has everything
MAX_PATHS = 5


def blast_text(b: BlastRadius, change: Change) -> str:
    out = [f"Blast radius of {_range(change)} ({len(change.files)} files): score {b.score:g}"]
    if not b.services:
        out.append("  no service in the catalog owns what this change touches")
    why = {c.name: c.reason for c in b.critical_reasons}
    if b.services:
        out.extend(["", "Services touched:"])
        for s in b.services:
            mark = f", critical: {why[s.name]}" if s.name in why else ""
            out.append(f"  {s.name} (tier {s.tier}{mark})")
            items = [*s.paths, *s.resources]
            out.extend(f"    {p}" for p in items[:MAX_PATHS])
            if len(items) > MAX_PATHS:
                out.append(f"    ... {len(items) - MAX_PATHS} more")
            state = "altered" if s.surface_changed else "unchanged"
            out.append(f"    exported surface {state}: {s.surface_reason}")
        out.extend(["", "Dependency graph (each service below depends on the one above it):"])
        out.extend(f"  {line}" for line in tree_lines(b))
    out.append("")
    reached = [
        f"{c.name} ({c.reason}, {'touched' if c.touched else 'reached'})"
        for c in b.critical_reasons
    ]
    out.append(f"Critical systems: {', '.join(reached) or 'none'}")
    out.append(
        f"Dependents: {len(b.dependents)}, reached: {len(b.reaches)}"
        + (
            " (the others only import what this change leaves alone)"
            if b.reaches != b.dependents
            else ""
        )
    )
    out.extend(_paths_lines(b))
    out.append(f"Environments: {', '.join(b.environments) or 'none declared'}")
    out.append(f"Owners: {', '.join(b.owners) or 'none declared'}")
    if b.unowned or b.unowned_resources:
        owners = {m.path: m for m in b.code_owners}
        out.extend(["", "Not owned by any service (add them to the catalog):"])
        for path in b.unowned:
            m = owners.get(path)
            note = f"  (CODEOWNERS: {' '.join(m.owners)} at {m.file}:{m.line})" if m else ""
            out.append(f"  {path}{note}")
        out.extend(f"  {r}" for r in b.unowned_resources)
    if b.overlaps:
        out.extend(["", "Paths more than one service claims:"])
        for o in b.overlaps:
            others = ", ".join(f"{n} ({p!r})" for n, p in o.losers)
            out.append(f"  {o.path}: {o.winner} wins over {others}: {o.reason}")
    out.extend(["", *score_lines(b)])
    if b.problems:
        out.extend(["", "Problems (the result may be incomplete):"])
        out.extend(f"  - {p}" for p in b.problems)
    return "\n".join(out) + "\n"


def _paths_lines(b: BlastRadius) -> list[str]:
    """Each reached dependent's path, edge by edge with where each edge comes from."""
    lines: list[str] = []
    for d in b.reaches[:MAX_NODES]:
        if d.depth < 2 and len(d.hops) < 2:
            continue
        lines.append(f"  {d.name} is reached over {len(d.hops)} edges ({d.why}):")
        lines.extend(f"    {h.source} depends on {h.target} ({h.origin})" for h in d.hops)
    return lines


def score_lines(b: BlastRadius) -> list[str]:
    if not b.score_terms:
        return ["Score 0: nothing in the catalog is reached."]
    head = (
        f"Score {b.score:g} = sum over reached services of weight(tier) / (depth + 1), "
        "weight 8/4/2/1 for tier 1/2/3/4, critical counted as tier 1:"
    )
    lines = [head]
    lines.extend(f"  {t.text}" for t in b.score_terms[:MAX_NODES])
    if len(b.score_terms) > MAX_NODES:
        rest = sum(t.points for t in b.score_terms[MAX_NODES:])
        lines.append(f"  ... {len(b.score_terms) - MAX_NODES} more -> {rest:g}")
    return lines


def tree_lines(b: BlastRadius) -> list[str]:
    """Touched services as roots; each dependent under the service its chain reaches it from."""
    critical = set(b.critical)
    children: dict[str, list[tuple[str, str, int]]] = {}
    for d in b.dependents:
        edge = d.edge if d.reached else f"{d.edge}; not reached: {d.why}"
        children.setdefault(d.via[-2], []).append((d.name, edge, d.tier))
    lines: list[str] = []
    shown = 0
    for s in b.services:
        lines.append(f"{s.name}  [tier {s.tier}{', critical' if s.name in critical else ''}]")
        for prefix, (name, edge, tier) in _walk(s.name, children):
            shown += 1
            if shown > MAX_NODES:
                lines.append(f"... {len(b.dependents) - MAX_NODES} more (see --format json)")
                return lines
            flag = ", critical" if name in critical else ""
            lines.append(f"{prefix}{name}  [tier {tier}{flag}]  ({edge})")
    return lines


def _walk(
    root: str, children: dict[str, list[tuple[str, str, int]]]
) -> Iterator[tuple[str, tuple[str, str, int]]]:
    """Depth-first, without recursion: dependency chains can be thousands long."""
    stack = [
        (kid, "", i == len(children.get(root, [])) - 1)
        for i, kid in enumerate(children.get(root, []))
    ]
    stack.reverse()
    while stack:
        node, indent, last = stack.pop()
        yield f"{indent}{'└── ' if last else '├── '}", node
        kids = children.get(node[0], [])
        deeper = indent + ("    " if last else "│   ")
        stack.extend(
            (kid, deeper, i == len(kids) - 1) for i, kid in reversed(list(enumerate(kids)))
        )


def mermaid(b: BlastRadius) -> list[str]:
    """A Mermaid flowchart: arrows point from a service to what it depends on."""
    names = [s.name for s in b.services] + [d.name for d in b.dependents[:MAX_NODES]]
    ids = {name: f"n{i}" for i, name in enumerate(names)}
    critical, touched = set(b.critical), {s.name for s in b.services}
    tiers = {s.name: s.tier for s in b.services} | {d.name: d.tier for d in b.dependents}
    lines = ["```mermaid", "graph BT"]
    for name in names:
        label = f"{name}<br/>tier {tiers[name]}".replace('"', "#quot;")
        cls = ":::critical" if name in critical else (":::touched" if name in touched else "")
        lines.append(f'  {ids[name]}["{label}"]{cls}')
    lines.extend(f"  {ids[d.name]} --> {ids[d.via[-2]]}" for d in b.dependents[:MAX_NODES])
    lines.append("  classDef critical fill:#fdd,stroke:#c00,stroke-width:2px")
    lines.append("  classDef touched stroke-width:3px")
    lines.append("```")
    return lines


def blast_markdown(b: BlastRadius, change: Change) -> str:
    out = [f"## Blast radius: score {b.score:g}", ""]
    out.append(f"Change {_range(change)}, {len(change.files)} files.")
    out.append("")
    out.append("| service | tier | critical | how |")
    out.append("| --- | --- | --- | --- |")
    why = {c.name: c.reason for c in b.critical_reasons}
    out.extend(
        f"| {s.name} | {s.tier} | {why.get(s.name, '')} | touched ({len(s.paths)} paths; "
        f"surface {'altered' if s.surface_changed else 'unchanged'}) |"
        for s in b.services
    )
    out.extend(
        f"| {d.name} | {d.tier} | {why.get(d.name, '')} | "
        f"{'reached' if d.reached else 'not reached'} via {' → '.join(d.via)}: {d.why} |"
        for d in b.dependents[:MAX_NODES]
    )
    out.append("")
    if b.services:
        out.extend([*mermaid(b), ""])
    out.append(f"- **Environments**: {', '.join(b.environments) or 'none declared'}")
    out.append(f"- **Owners**: {', '.join(b.owners) or 'none declared'}")
    if b.unowned:
        out.append(f"- **Unowned paths**: {', '.join(f'`{p}`' for p in b.unowned[:20])}")
    out.extend(f"- **Overlap** `{o.path}`: {o.reason}" for o in b.overlaps[:20])
    out.extend(f"- **Problem**: {p}" for p in b.problems)
    out.extend(["", "<details><summary>Score</summary>", ""])
    out.extend(f"    {line}" for line in score_lines(b))
    out.extend(["", "</details>", ""])
    return "\n".join(out)


def _range(change: Change) -> str:
    if change.head:
        base = change.base[:12] if change.base else "?"
        tail = " + working tree" if change.includes_worktree else ""
        return f"{base}..{change.head[:12]}{tail}"
    return change.source
