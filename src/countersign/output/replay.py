"""The replay report for people: the operator's question answered in one line, the friction and
the defects caught rule by rule, then each gated change with the rules that fired and why."""

from __future__ import annotations

from typing import Any

MAX_CHANGES = 200  # changes listed in text and Markdown; JSON lists every one


def summary_line(r: dict[str, Any]) -> str:
    line = (
        f"This policy sends {r['heavy_share']:.1%} of changes to two-person or senior review "
        f"({r['gated_share']:.1%} need any sign-off)"
    )
    if r["labelled"] and r["defect_inducing"]:
        return (
            f"{line} and would have gated {r['defect_share_gated']:.1%} of the "
            f"{r['defect_inducing']} changes that later needed a fix (SZZ)."
        )
    if r["labelled"]:
        return f"{line}; none of these changes is labelled defect-inducing."
    return f"{line}; no defect labels (run `countersign risk mine` for them)."


def replay_text(r: dict[str, Any]) -> str:
    lines = [
        (
            f"Replayed {r['changes']} changes by {r['configuration']}: {r['fast_lane']} fast lane "
            f"({r['fast_lane_share']:.0%}), {r['needs_signoff']} would need sign-off, "
            f"{r['blocked']} would be blocked."
        ),
        summary_line(r),
    ]
    if r["hazardous"]:
        lines.append(
            f"Changes with a destroy, data-loss or access-widening hazard: {r['hazardous']}, "
            f"gated: {r['hazardous_gated']}."
        )
    if r["rules"]:
        lines.append("Per rule (changes gated, defect-inducing among them, approvals by level):")
        for name, rule in r["rules"].items():
            levels = ", ".join(f"{n} {lvl}" for lvl, n in rule["approvals_by_level"].items())
            defects = (
                f", {rule['defect_inducing_gated']} defect-inducing "
                f"({rule['defect_share_among_gated']:.0%} of them, "
                f"{rule['defect_share_gated']:.0%} of all)"
                if r["labelled"]
                else ""
            )
            lines.append(
                f"  {name}: {rule['changes_gated']} changes{defects}"
                + (f"; approvals: {levels}" if levels else "")
            )
    for title, key in (
        ("Approvals needed by reviewer level", "approvals_needed_by_level"),
        ("Approvals needed by team", "approvals_needed_by_team"),
    ):
        if r[key]:
            lines.append(f"{title}:")
            lines.extend(f"  {name}: {n}" for name, n in r[key].items())
    gated = [c for c in r["changes_listed"] if c["gated"]]
    if gated:
        lines.append(f"Gated changes ({len(gated)}):")
        for c in gated[:MAX_CHANGES]:
            lines.append(f"  {c['sha'][:12]} {c['subject'][:70]}{_flag(c)}")
            lines.extend(f"    {x['rule']}: {x['why']}" for x in c["rules"])
            lines.extend(
                f"    reaches {x['name']}: {' -> '.join(x['path'])} ({x['why']})"
                for x in c["reached_critical"]
            )
        if len(gated) > MAX_CHANGES:
            lines.append(f"  ... {len(gated) - MAX_CHANGES} more (see --format json)")
    if r["empty"]:
        lines.append(f"Shipped nothing {len(r['empty'])} (the tree is the first parent's):")
        lines.extend(f"  {s}" for s in r["empty"])
    if r["skipped"]:
        lines.append(f"Skipped {len(r['skipped'])} (could not be analysed):")
        lines.extend(f"  {s}" for s in r["skipped"])
    return "\n".join(lines) + "\n"


def replay_markdown(r: dict[str, Any]) -> str:
    out = [f"## Replay of {r['changes']} changes", "", summary_line(r), ""]
    out.append("| rule | changes gated | defect-inducing among them | share of all defects |")
    out.append("| --- | --- | --- | --- |")
    for name, rule in r["rules"].items():
        out.append(
            f"| {name} | {rule['changes_gated']} | {rule['defect_inducing_gated']} | "
            f"{rule['defect_share_gated']:.0%} |"
        )
    out.append("")
    gated = [c for c in r["changes_listed"] if c["gated"]]
    if gated:
        out.extend(["| change | rules fired |", "| --- | --- |"])
        for c in gated[:MAX_CHANGES]:
            rules = "; ".join(f"**{x['rule']}**: {x['why']}" for x in c["rules"])
            subject = c["subject"][:60].replace("|", "\\|")
            out.append(f"| `{c['sha'][:12]}` {subject}{_flag(c)} | {rules.replace('|', '/')} |")
        out.append("")
    return "\n".join(out)


def _flag(c: dict[str, Any]) -> str:
    marks = [m for m, on in (("heavy", c["heavy"]), ("defect", c["defect_inducing"])) if on]
    return f"  [{', '.join(marks)}]" if marks else ""
