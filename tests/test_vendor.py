"""The vendored JavaScript (src/countersign/vendor): the files are the npm packages' own builds,
unchanged, and a Vega-Lite chart drawn with them in real Chromium has marks."""

from __future__ import annotations

import hashlib
import json
from importlib.resources import files

import pytest
from browser import ink

VENDOR = files("countersign") / "vendor"
SHA256 = {
    "htmx.min.js": "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717",
    "vega.min.js": "8f6a3587cf8d4f42c7e08120e3eb05d067e746d554e39d2dcf52acc0bd5ba28f",
    "vega-lite.min.js": "35a9821df838825b05a6a73e9414b58747a1b18321583858ed903c66393a5c7e",
    "vega-embed.min.js": "b1455caba2fb1a72fb46025ba0ba1316e2dbc7f0dd40a3f6040172bf9c08ba91",
}


@pytest.mark.parametrize("name", sorted(SHA256))
def test_each_file_is_the_published_build(name):
    data = (VENDOR / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256[name]
    assert name in (VENDOR / "README.md").read_text()


def test_a_vega_lite_chart_draws_without_a_network(page, screenshots):
    page.route("**/*", lambda route: route.abort())  # nothing leaves the page
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": {"values": [{"x": "a", "y": 3}, {"x": "b", "y": 7}]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "x", "type": "nominal"},
            "y": {"field": "y", "type": "quantitative"},
        },
    }
    scripts = "".join(
        f"<script>{(VENDOR / n).read_text(encoding='utf-8')}</script>"
        for n in ("vega.min.js", "vega-lite.min.js")
    )
    page.set_content(f"<body style='background:#fff'><div id='c'></div>{scripts}</body>")
    page.evaluate(
        """spec => new vega.View(vega.parse(vegaLite.compile(spec).spec),
                                 {renderer: "svg", container: "#c"}).runAsync().then(() => true)""",
        json.loads(json.dumps(spec)),
    )
    assert page.locator("#c svg .mark-rect path").count() == 2
    shot = screenshots.take(page, "vega-lite-bar", full_page=False)
    assert ink(page, shot.read_bytes()) > 0.005
