"""Vega-Lite specs of the insight report's charts, each built from the report's JSON (so the
charts show exactly the published numbers): failure rates with their intervals, the adjusted
odds ratio, the replay curve, time to sign-off per rule and the senior reviewers' queue."""

from __future__ import annotations

from typing import Any

from countersign.errors import UsageError

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
TOOLTIP = ("group", "provenance", "failed", "changes", "rate", "low", "high")
COLORS = {"domain": ["AI-assisted", "other"], "range": ["#d95f02", "#1b9e77"]}


def _rates(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    groups = [data["overall"]] + [
        {**c, "group": f"{name}: {c['group']}"}
        for name, cs in data["breakdowns"].items()
        for c in cs
    ]
    for c in groups:
        for key, label in (("ai_assisted", "AI-assisted"), ("other", "other")):
            r = c[key]
            if r["changes"]:
                rows.append(
                    {
                        "group": c["group"],
                        "provenance": label,
                        "rate": r["rate"],
                        "low": r["ci95"][0],
                        "high": r["ci95"][1],
                        "changes": r["changes"],
                        "failed": r["failed"],
                    }
                )
    return rows


def rates_chart(data: dict[str, Any]) -> dict[str, Any]:
    rows = _rates(data)
    y = {"field": "group", "type": "nominal", "title": None, "sort": None}
    return {
        "$schema": SCHEMA,
        "title": "Change-failure rate with 95 % Wilson intervals",
        "data": {"values": rows},
        "width": 520,
        "height": {"step": 14},
        "encoding": {"y": y, "yOffset": {"field": "provenance"}},
        "layer": [
            {
                "mark": {"type": "bar", "opacity": 0.8},
                "encoding": {
                    "x": {
                        "field": "rate",
                        "type": "quantitative",
                        "axis": {"format": "%"},
                        "title": "failed changes",
                    },
                    "color": {"field": "provenance", "type": "nominal", "scale": COLORS},
                    "tooltip": [
                        {"field": f}
                        for f in ("group", "provenance", "failed", "changes", "rate", "low", "high")
                    ],
                },
            },
            {
                "mark": {"type": "rule", "color": "black"},
                "encoding": {
                    "x": {"field": "low", "type": "quantitative"},
                    "x2": {"field": "high"},
                },
            },
        ],
    }


def odds_chart(data: dict[str, Any]) -> dict[str, Any] | None:
    adj = data["adjusted"]
    if adj["odds_ratio"] is None:
        return None
    row = {
        "label": "AI-assisted vs other",
        "or": adj["odds_ratio"],
        "low": adj["ci95"][0],
        "high": adj["ci95"][1],
    }
    x = {"type": "quantitative", "scale": {"type": "log"}, "title": "adjusted odds ratio (log)"}
    return {
        "$schema": SCHEMA,
        "title": "Adjusted odds ratio of failure, 95 % interval",
        "data": {"values": [row]},
        "width": 520,
        "height": 60,
        "layer": [
            {
                "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#888"},
                "encoding": {"x": {"datum": 1, **x}},
            },
            {
                "mark": {"type": "rule", "strokeWidth": 2},
                "encoding": {
                    "x": {"field": "low", **x},
                    "x2": {"field": "high"},
                    "y": {"field": "label", "type": "nominal", "title": None},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 90, "color": "#d95f02"},
                "encoding": {
                    "x": {"field": "or", **x},
                    "y": {"field": "label", "type": "nominal", "title": None},
                    "tooltip": [{"field": "or"}, {"field": "low"}, {"field": "high"}],
                },
            },
        ],
    }


def replay_chart(data: dict[str, Any]) -> dict[str, Any] | None:
    replay = data["replay"]
    if not replay.get("known"):
        return None
    rows = [{**p, "series": "gate the riskiest"} for p in replay["points"]]
    rows += [
        {"gated_pct": 0, "failures_gated_pct": 0, "series": "chance"},
        {"gated_pct": 100, "failures_gated_pct": 100, "series": "chance"},
    ]
    x = {"field": "gated_pct", "type": "quantitative", "title": "% of changes gated"}
    y = {
        "field": "failures_gated_pct",
        "type": "quantitative",
        "title": "% of failed changes gated",
    }
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": x,
                "y": y,
                "color": {"field": "series", "type": "nominal", "title": None},
            },
        },
    ]
    pol = replay.get("policy")
    if pol:
        marks = [{**pol, "label": "current policy"}]
        if pol.get("risk_same_share_pct") is not None:
            marks.append(
                {
                    "gated_pct": pol["gated_pct"],
                    "failures_gated_pct": pol["risk_same_share_pct"],
                    "label": "riskiest, same changes",
                }
            )
        lo, hi = pol.get("failures_gated_ci95") or (pol["failures_gated_pct"],) * 2
        layers.append(
            {
                "data": {"values": [{"gated_pct": pol["gated_pct"], "low": lo, "high": hi}]},
                "mark": {"type": "rule", "color": "black"},
                "encoding": {"x": x, "y": {**y, "field": "low"}, "y2": {"field": "high"}},
            }
        )
        layers.append(
            {
                "data": {"values": marks},
                "mark": {"type": "point", "size": 160, "filled": True, "color": "black"},
                "encoding": {
                    "x": x,
                    "y": y,
                    "shape": {
                        "field": "label",
                        "type": "nominal",
                        "title": None,
                        "scale": {"range": ["diamond", "triangle-up"]},
                    },
                    "tooltip": [
                        {"field": "label"},
                        {"field": "gated_pct"},
                        {"field": "failures_gated_pct"},
                    ],
                },
            }
        )
    return {
        "$schema": SCHEMA,
        "title": "Replay: gating the riskiest X % of changes",
        "data": {"values": rows},
        "width": 420,
        "height": 300,
        "layer": layers,
    }


def friction_chart(data: dict[str, Any]) -> dict[str, Any] | None:
    f = data.get("friction") or {}
    rows = [
        {
            "rule": r["rule"],
            "median": r["hours_to_signoff"]["median"],
            "p90": r["hours_to_signoff"]["p90"],
            "approvals": r["approvals"],
        }
        for r in f.get("rules", ())
        if r["hours_to_signoff"]["known"]
    ]
    if not rows:
        return None
    return {
        "$schema": SCHEMA,
        "title": "Hours from request to sign-off, per rule (median bar, p90 tick)",
        "data": {"values": rows},
        "width": 520,
        "encoding": {"y": {"field": "rule", "type": "nominal", "title": None}},
        "layer": [
            {
                "mark": "bar",
                "encoding": {
                    "x": {"field": "median", "type": "quantitative", "title": "hours"},
                    "tooltip": [
                        {"field": "rule"},
                        {"field": "median"},
                        {"field": "p90"},
                        {"field": "approvals"},
                    ],
                },
            },
            {
                "mark": {"type": "tick", "color": "black", "thickness": 2},
                "encoding": {"x": {"field": "p90", "type": "quantitative"}},
            },
        ],
    }


def queue_chart(data: dict[str, Any]) -> dict[str, Any] | None:
    f = data.get("friction") or {}
    rows = f.get("senior_queue") or []
    if not rows:
        return None
    return {
        "$schema": SCHEMA,
        "title": "Sign-offs per senior reviewer per week",
        "data": {"values": rows},
        "width": 520,
        "height": 200,
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "week", "type": "ordinal"},
            "y": {"field": "approvals", "type": "quantitative"},
            "color": {"field": "reviewer", "type": "nominal"},
        },
    }


def charts(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every chart the report has data for, by id."""
    made = {
        "rates": rates_chart(data),
        "odds": odds_chart(data),
        "replay": replay_chart(data),
        "friction": friction_chart(data),
        "queue": queue_chart(data),
    }
    return {k: v for k, v in made.items() if v is not None}


def rendered(specs: dict[str, dict[str, Any]]) -> dict[str, bytes]:
    """Each chart as ``ID.svg`` and ``ID.png`` (2x), drawn by vl-convert (the bundled Vega-Lite
    6.4, no browser, no network: ``allowed_base_urls`` is empty) for a pull-request comment or
    an e-mail. Needs the ``insight`` extra."""
    try:
        import vl_convert
    except ImportError:
        raise UsageError("--charts needs vl-convert: pip install 'countersign[insight]'") from None
    out: dict[str, bytes] = {}
    for name, spec in specs.items():
        svg = vl_convert.vegalite_to_svg(spec, vl_version="6.4", allowed_base_urls=[])
        out[f"{name}.svg"] = svg.encode("utf-8")
        out[f"{name}.png"] = bytes(
            vl_convert.vegalite_to_png(spec, vl_version="6.4", scale=2, allowed_base_urls=[])
        )
    return out
