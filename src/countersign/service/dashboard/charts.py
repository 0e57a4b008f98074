"""Vega-Lite specs for the dashboard's charts, built from the same view data the API returns
(the data inline: a chart needs no second request). Drawn in the page by the vendored vega and
vega-lite (static/charts.js); each chart has a table of the same numbers beside it."""

from __future__ import annotations

from typing import Any

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier: never fetched
WIDTH = "container"


def _spec(
    title: str, values: list[dict[str, Any]], mark: Any, encoding: dict[str, Any]
) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": WIDTH,
        "height": 220,
        "data": {"values": values},
        "mark": mark,
        "encoding": encoding,
        "config": {"font": "system-ui, sans-serif", "axis": {"labelFontSize": 12}},
    }


def friction(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": "chart-by-level",
            "label": "Open requests by reviewer level",
            "spec": _spec(
                "Open requests by reviewer level",
                data["by_level"],
                {"type": "bar", "tooltip": True},
                {
                    "x": {
                        "field": "level",
                        "type": "nominal",
                        "sort": None,
                        "title": "level asked",
                    },
                    "y": {"field": "open", "type": "quantitative", "title": "open requests"},
                    "color": {"value": "#1f5fa8"},
                },
            ),
        },
        {
            "id": "chart-by-rule",
            "label": "Approvals asked per rule, per week",
            "spec": _spec(
                "Approvals asked per rule, per week",
                data["asked_by_rule"],
                {"type": "line", "point": True, "tooltip": True},
                {
                    "x": {"field": "week", "type": "temporal", "title": "week"},
                    "y": {"field": "asked", "type": "quantitative", "title": "approvals asked"},
                    "color": {"field": "rule", "type": "nominal"},
                },
            ),
        },
        {
            "id": "chart-fast-lane",
            "label": "Share of changes on the fast lane, per week",
            "spec": _spec(
                "Share of changes on the fast lane, per week",
                [w for w in data["fast_lane"] if w["share"] is not None],
                {"type": "area", "line": True, "tooltip": True, "color": "#2e7d4f"},
                {
                    "x": {"field": "week", "type": "temporal", "title": "week"},
                    "y": {
                        "field": "share",
                        "type": "quantitative",
                        "title": "fast lane",
                        "axis": {"format": "%"},
                        "scale": {"domain": [0, 1]},
                    },
                },
            ),
        },
    ]


def insight(data: dict[str, Any]) -> list[dict[str, Any]]:
    out = [
        {
            "id": "chart-provenance",
            "label": "Decisions by provenance and verdict",
            "spec": _spec(
                "Decisions by provenance and verdict",
                data["by_provenance"],
                {"type": "bar", "tooltip": True},
                {
                    "x": {"field": "provenance", "type": "nominal"},
                    "y": {
                        "field": "decisions",
                        "type": "quantitative",
                        "stack": "normalize",
                        "title": "share",
                        "axis": {"format": "%"},
                    },
                    "color": {
                        "field": "verdict",
                        "type": "nominal",
                        "scale": {
                            "domain": ["pass", "needs-approval", "blocked"],
                            "range": ["#2e7d4f", "#b26a00", "#b3261e"],
                        },
                    },
                },
            ),
        }
    ]
    report = data.get("report")
    if isinstance(report, dict):
        out.extend(_report_charts(report))
    return out


def _report_charts(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Charts of a ``countersign insight --format json`` report (output/schemas/
    insight.schema.json): failure rates with their intervals, the replay curve, time to restore.
    A part whose shape is not recognised is left out; the page still shows the report's JSON."""
    out = []
    rates = _rates(report.get("overall"))
    if rates:
        out.append(
            {
                "id": "chart-failure-rates",
                "label": "Change-failure rate, AI-assisted and other, with 95 % intervals",
                "spec": _spec(
                    "Change-failure rate with 95 % interval",
                    rates,
                    None,
                    {},
                )
                | {
                    "layer": [
                        {
                            "mark": {"type": "bar", "tooltip": True},
                            "encoding": {
                                "x": {"field": "group", "type": "nominal", "title": None},
                                "y": {
                                    "field": "rate",
                                    "type": "quantitative",
                                    "axis": {"format": "%"},
                                    "title": "failed changes",
                                },
                            },
                        },
                        {
                            "mark": {"type": "rule", "strokeWidth": 2, "color": "#1a1a1a"},
                            "encoding": {
                                "x": {"field": "group", "type": "nominal"},
                                "y": {"field": "low", "type": "quantitative"},
                                "y2": {"field": "high"},
                            },
                        },
                    ]
                },
            }
        )
    points = _replay_points(report.get("replay"))
    if points:
        out.append(
            {
                "id": "chart-replay",
                "label": "Replay: the riskiest X % of changes gated, against failures caught",
                "spec": _spec(
                    "Replay: gating the riskiest X % of changes",
                    points,
                    {"type": "line", "point": True, "tooltip": True},
                    {
                        "x": {
                            "field": "gated_pct",
                            "type": "quantitative",
                            "title": "changes gated (%)",
                        },
                        "y": {
                            "field": "failures_gated_pct",
                            "type": "quantitative",
                            "title": "failed changes caught (%)",
                        },
                        "color": {"field": "series", "type": "nominal", "title": None},
                    },
                ),
            }
        )
    restore = _restore(report.get("time_to_restore"))
    if restore:
        out.append(
            {
                "id": "chart-restore",
                "label": "Time to restore (hours), median and p90",
                "spec": _spec(
                    "Time to restore (hours)",
                    restore,
                    {"type": "bar", "tooltip": True},
                    {
                        "x": {"field": "group", "type": "nominal", "title": None},
                        "xOffset": {"field": "measure"},
                        "y": {"field": "hours", "type": "quantitative"},
                        "color": {"field": "measure", "type": "nominal"},
                    },
                ),
            }
        )
    return out


def _rates(overall: Any) -> list[dict[str, Any]]:
    if not isinstance(overall, dict):
        return []
    out = []
    for key, label in (("ai_assisted", "AI-assisted"), ("other", "other")):
        rate = overall.get(key)
        if not isinstance(rate, dict) or not isinstance(rate.get("rate"), int | float):
            continue
        found = rate.get("ci95")
        ci: list[Any] = found if isinstance(found, list) and len(found) == 2 else [None, None]
        out.append({"group": label, "rate": rate["rate"], "low": ci[0], "high": ci[1],
                    "changes": rate.get("changes")})  # fmt: skip
    return out


def _replay_points(replay: Any) -> list[dict[str, Any]]:
    if not isinstance(replay, dict) or not isinstance(replay.get("points"), list):
        return []
    points: list[dict[str, Any]] = [
        {
            "gated_pct": p["gated_pct"],
            "failures_gated_pct": p["failures_gated_pct"],
            "series": "riskiest first",
        }
        for p in replay["points"]
        if isinstance(p, dict)
        and isinstance(p.get("gated_pct"), int | float)
        and isinstance(p.get("failures_gated_pct"), int | float)
    ]
    policy = replay.get("policy")
    if points and isinstance(policy, dict) and isinstance(policy.get("gated_pct"), int | float):
        points.append({"gated_pct": policy["gated_pct"],
                       "failures_gated_pct": policy.get("failures_gated_pct"),
                       "series": "current policy"})  # fmt: skip
    return points


def _restore(restore: Any) -> list[dict[str, Any]]:
    if not isinstance(restore, dict):
        return []
    out: list[dict[str, Any]] = []
    for key, label in (("ai_assisted", "AI-assisted"), ("other", "other")):
        group = restore.get(key)
        if not isinstance(group, dict):
            continue
        out.extend(
            {"group": label, "measure": measure.split("_")[0], "hours": group[measure]}
            for measure in ("median_hours", "p90_hours")
            if isinstance(group.get(measure), int | float)
        )
    return out
