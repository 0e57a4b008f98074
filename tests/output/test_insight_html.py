"""The HTML insight report in real headless Chromium (Debian's, through Playwright) with every
network request refused: each chart renders from the inlined vega, vega-lite and vega-embed,
has marks, and its screenshot is not blank."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
from browser import ink

from countersign.facts.insight.friction import SignOff, friction
from countersign.facts.insight.records import ChangeRecord
from countersign.facts.insight.report import build
from countersign.output.insight import as_dict
from countersign.output.insight_charts import charts
from countersign.output.insight_html import render_html

H = 3600.0


def report():
    rng = np.random.default_rng(11)
    rows = []
    for i in range(1500):
        ai = bool(rng.random() < 0.3)
        risk = float(rng.random())
        failed = bool(rng.random() < 0.05 + 0.15 * risk + (0.04 if ai else 0))
        rows.append(ChangeRecord(f"c{i}", 1.7e9 + i * H, ai, failed, size=float(rng.integers(1, 900)),
                                 risk=risk, tier=int(rng.integers(1, 4)), gated=risk > 0.7,
                                 restore_hours=float(rng.gamma(2, 2)) if failed else None))  # fmt: skip
    signoffs = [SignOff(("critical-system",), f"fp{i}", ["alice", "carol"][i % 2], "senior",
                        1.7e9 + i * 30 * H, 1.7e9 + i * 30 * H - (i % 7) * H) for i in range(40)]  # fmt: skip
    return replace(build(rows, "incidents"), friction=friction(signoffs, [], 1.8e9))


def test_every_chart_draws_offline_with_marks_and_ink(page, screenshots):
    r = report()
    expected = set(charts(as_dict(r)))
    assert expected == {"rates", "odds", "replay", "friction", "queue"}
    requests: list[str] = []

    def refuse(route):
        requests.append(route.request.url)
        route.abort()

    page.route("**/*", refuse)
    page.set_content(render_html(r))
    page.evaluate("window.chartsDrawn.then(() => true)")
    assert requests == []  # nothing asked of the network
    assert "No evidence" in page.inner_text("#verdict") or "association" in page.inner_text(
        "#verdict"
    )
    for name in sorted(expected):
        chart = page.locator(f"#chart-{name}")
        marks = chart.locator("svg .mark-rect path, svg .mark-symbol path, svg .mark-line path, "
                              "svg .mark-rule line, svg .mark-tick rect")  # fmt: skip
        assert marks.count() > 0, name
        shot = screenshots.folder / f"insight-{name}.png"
        screenshots.folder.mkdir(parents=True, exist_ok=True)
        chart.screenshot(path=str(shot))
        assert ink(page, shot.read_bytes()) > 0.02, name
    figures = json.loads(page.text_content("#figures") or "")
    assert figures["changes"] == 1500


def test_vega_embed_offers_png_and_svg_export(page):
    page.set_content(render_html(report()))
    page.evaluate("window.chartsDrawn.then(() => true)")
    menu = page.locator("#chart-rates .vega-actions a")
    labels = {(menu.nth(i).text_content() or "").strip() for i in range(menu.count())}
    assert {"Save as SVG", "Save as PNG"} <= labels


def test_vendored_vega_embed_is_the_published_build():
    import hashlib
    from importlib.resources import files

    data = (files("countersign") / "vendor" / "vega-embed.min.js").read_bytes()
    # npm pack vega-embed@7.3.0, package/build/vega-embed.min.js, unchanged
    assert hashlib.sha256(data).hexdigest() == (
        "b1455caba2fb1a72fb46025ba0ba1316e2dbc7f0dd40a3f6040172bf9c08ba91"
    )
