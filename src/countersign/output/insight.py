"""The insight report as JSON (the schema in ``schemas/insight.schema.json``), text and
Markdown. Every figure comes with its interval or its count; the verdict is repeated word for
word in each format."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from countersign.facts.insight.report import Comparison, Report

SCHEMA_VERSION = 1


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "schema": "countersign-insight",
        "version": SCHEMA_VERSION,
        "changes": report.changes,
        "failed": report.failed,
        "failure_definition": report.failure_definition,
        "span": [_day(report.span[0]), _day(report.span[1])] if report.changes else None,
        "overall": report.overall.as_dict(),
        "breakdowns": {k: [c.as_dict() for c in v] for k, v in report.breakdowns.items()},
        "adjusted": report.adjusted.as_dict(),
        "verdict": report.verdict.as_dict(),
        "time_to_restore": report.restore,
        "rework": report.rework,
        "replay": report.replay,
        "friction": report.friction,
        "sources": report.sources,
        "notes": list(report.notes),
    }


def _day(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).date().isoformat()


def dumps(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2) + "\n"


def _rate(r: dict[str, Any]) -> str:
    if not r["changes"]:
        return "no changes"
    low, high = r["ci95"]
    return (
        f"{100 * r['rate']:.1f} % ({r['failed']}/{r['changes']}; "
        f"95 % CI {100 * low:.1f}-{100 * high:.1f} %)"
    )


def _diff(d: dict[str, Any] | None) -> str:
    if d is None:
        return "-"
    low, high = d["ci95"]
    return f"{100 * d['estimate']:+.1f} pts ({100 * low:+.1f} to {100 * high:+.1f})"


def _rows(comparisons: list[Comparison]) -> list[tuple[str, str, str, str]]:
    out = []
    for c in comparisons:
        d = c.as_dict()
        out.append((d["group"], _rate(d["ai_assisted"]), _rate(d["other"]), _diff(d["difference"])))
    return out


def _friction_lines(f: dict[str, Any] | None) -> list[str]:
    if not f or not f.get("approvals"):
        return ["No sign-offs in the ledger yet: no friction to measure."]
    lines = []
    for r in f["rules"]:
        h = r["hours_to_signoff"]
        wait = (
            f"median {h['median']} h, p90 {h['p90']} h to sign-off ({h['known']} timed)"
            if h["known"]
            else "no request times"
        )
        levels = ", ".join(f"{k} {v}" for k, v in sorted(r["approvals_by_level"].items()))
        lines.append(
            f"{r['rule']}: {r['changes_gated']} changes gated, {r['approvals']} approvals "
            f"({levels}); {wait}"
        )
    g = f["break_glass"]
    lines.append(
        f"break-glass: {g['uses']} uses, {g['followed_up']} followed up, {g['overdue']} overdue "
        f"(> {g['overdue_after_days']:g} days)"
    )
    busiest: dict[str, int] = {}
    for q in f["senior_queue"]:
        busiest[q["reviewer"]] = max(busiest.get(q["reviewer"], 0), q["approvals"])
    if busiest:
        top = sorted(busiest.items(), key=lambda kv: -kv[1])[:5]
        lines.append(
            "busiest senior reviewers (most sign-offs in one week): "
            + ", ".join(f"{k} {v}" for k, v in top)
        )
    return lines


def _replay_line(replay: dict[str, Any]) -> str:
    if not replay.get("known"):
        return "Replay: no risk scores or no failures, so no curve."
    points = {p["gated_pct"]: p["failures_gated_pct"] for p in replay["points"]}
    text = (
        f"Replay: gating the riskiest 10 % of changes would have gated {points.get(10, 0):.0f} % "
        f"of the failed ones, 20 % -> {points.get(20, 0):.0f} %, 50 % -> "
        f"{points.get(50, 0):.0f} %."
    )
    pol = replay.get("policy")
    if pol:
        lo, hi = pol["failures_gated_ci95"]
        text += (
            f" The current policy, replayed on {pol['changes']} changes, gated "
            f"{pol['gated_pct']:.0f} % of them and {pol['failures_gated']} of their "
            f"{pol['failures']} failed ones ({pol['failures_gated_pct']:.0f} %, 95 % "
            f"{lo:.0f}-{hi:.0f} %)"
        )
        same = pol.get("risk_same_share_pct")
        text += (
            "."
            if same is None
            else f"; gating as many of the same changes by risk alone: {same:.0f} %."
        )
    return text


def _restore_line(restore: dict[str, Any]) -> str:
    parts = []
    for name, label in (("ai_assisted", "AI-assisted"), ("other", "other")):
        r = restore[name]
        parts.append(
            f"{label}: {r['incidents']} incident-linked changes, median {r['median_hours']} h, "
            f"p90 {r['p90_hours']} h"
            if r["incidents"]
            else f"{label}: none"
        )
    return "Time to restore: " + "; ".join(parts) + "."


def _rework_line(rework: dict[str, Any]) -> str:
    if not rework.get("known"):
        return "Rework: not known for this data."
    return (
        f"Rework (a fix touching the same files soon after): AI-assisted "
        f"{_rate(rework['ai_assisted'])}, other {_rate(rework['other'])}."
    )


def text(report: Report) -> str:
    d = as_dict(report)
    span = f"{d['span'][0]} to {d['span'][1]}" if d["span"] else ""
    head = f"{report.changes} changes, {report.failed} failed "
    lines = [
        head + f"(failure = {report.failure_definition}), {span}",
        "",
        "Verdict: " + report.verdict.text,
        "",
        f"{'group':<28} {'AI-assisted':<38} {'other':<38} difference",
    ]
    comparisons = [report.overall]
    for name, group in report.breakdowns.items():
        comparisons += [
            Comparison(f"{name}: {c.label}", c.ai, c.other, c.difference) for c in group
        ]
    lines += [f"{a:<28} {b:<38} {c:<38} {e}" for a, b, c, e in _rows(comparisons)]
    adj = report.adjusted.as_dict()
    lines += [
        "",
        "Adjusted: " + _adjusted_line(adj),
        _restore_line(report.restore),
        _rework_line(report.rework),
        _replay_line(report.replay),
        "",
        "Friction:",
    ]
    lines += ["  " + x for x in _friction_lines(report.friction)]
    lines += [f"Note: {n}" for n in report.notes]
    return "\n".join(lines) + "\n"


def _adjusted_line(adj: dict[str, Any]) -> str:
    if adj["odds_ratio"] is None:
        return str(adj["note"])
    low, high = adj["ci95"]
    covs = ", ".join(dict.fromkeys(c.split("[", 1)[0] for c in adj["covariates"])) or "none"
    p = adj["p_value"]
    p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
    return (
        f"odds ratio {adj['odds_ratio']:.2f} (95 % CI {low:.2f}-{high:.2f}, {p_text}) over "
        f"{adj['changes']} changes; covariates: {covs}"
    )


def markdown(report: Report) -> str:
    d = as_dict(report)
    span = f"{d['span'][0]} to {d['span'][1]}" if d["span"] else ""
    head = f"{report.changes} changes, {report.failed} failed "
    out = [
        "## countersign insight",
        "",
        head + f"(failure = {report.failure_definition}), {span}.",
        "",
        f"> {report.verdict.text}",
        "",
        "| group | AI-assisted | other | difference (95 % CI) |",
        "| --- | --- | --- | --- |",
    ]
    comparisons = [report.overall]
    for name, group in report.breakdowns.items():
        comparisons += [
            Comparison(f"{name}: {c.label}", c.ai, c.other, c.difference) for c in group
        ]
    out += [f"| {a} | {b} | {c} | {e} |" for a, b, c, e in _rows(comparisons)]
    out += [
        "",
        f"**Adjusted:** {_adjusted_line(d['adjusted'])}",
        "",
        f"- {_restore_line(report.restore)}",
        f"- {_rework_line(report.rework)}",
        f"- {_replay_line(report.replay)}",
        "",
        "### Friction",
        "",
    ]
    out += [f"- {x}" for x in _friction_lines(report.friction)]
    if report.notes:
        out += ["", *[f"_Note: {n}_" for n in report.notes]]
    return "\n".join(out) + "\n"
