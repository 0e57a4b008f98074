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
    """Charts of an insight report, for the parts whose shape is recognised; a report from
    another version still shows, as its JSON, on the page."""
    out = []
    points = _replay_points(report.get("replay"))
    if points:
        out.append(
            {
                "id": "chart-replay",
                "label": "Replay: changes gated against incident-linked changes caught",
                "spec": _spec(
                    "Replay: gating the riskiest X % of changes",
                    points,
                    {"type": "line", "point": True, "tooltip": True},
                    {
                        "x": {
                            "field": "gated",
                            "type": "quantitative",
                            "axis": {"format": "%"},
                            "title": "changes gated",
                        },
                        "y": {
                            "field": "caught",
                            "type": "quantitative",
                            "axis": {"format": "%"},
                            "title": "incident-linked changes caught",
                        },
                    },
                ),
            }
        )
    return out


def _replay_points(replay: Any) -> list[dict[str, float]]:
    curve = replay.get("curve") if isinstance(replay, dict) else None
    if not isinstance(curve, list):
        return []
    points = []
    for p in curve:
        if isinstance(p, dict):
            gated, caught = p.get("gated", p.get("x")), p.get("caught", p.get("y"))
            if isinstance(gated, int | float) and isinstance(caught, int | float):
                points.append({"gated": float(gated), "caught": float(caught)})
    return points
