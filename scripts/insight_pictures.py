"""Draw docs/insight/NAME-CHART.png, the evaluation's chart pictures, from a JSON insight
report (``countersign insight --format json``): each chart as the HTML report draws it, from
the same specs and the vendored vega, rendered offline (every request refused) by the same
Debian Chromium the tests use (tests/support/browser.py).

Run: .venv/bin/python scripts/insight_pictures.py REPORT.json NAME [rates odds replay]
"""

from __future__ import annotations

import json
import sys
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from browser import DESKTOP, launch  # noqa: E402

from countersign.output.insight_charts import charts  # noqa: E402
from countersign.output.insight_html import SCRIPTS  # noqa: E402

DEFAULT = ("rates", "odds", "replay")


def page_html(specs: dict[str, object]) -> str:
    scripts = "".join(
        "<script>"
        + (files("countersign") / "vendor" / name)
        .read_text(encoding="utf-8")
        .replace("</script", "<\\/script")
        + "</script>"
        for name in SCRIPTS
    )
    divs = "".join(f'<div id="chart-{k}" style="margin:1rem 0"></div>' for k in specs)
    payload = json.dumps(specs).replace("</", "<\\/")
    return (
        f"<!doctype html><html><body style='font:15px sans-serif;background:#fff'>{divs}"
        f"{scripts}<script>const specs = {payload};"
        "window.chartsDrawn = Promise.all(Object.entries(specs).map(([id, spec]) =>"
        ' vegaEmbed("#chart-" + id, spec, {renderer: "svg", actions: false})));'
        "</script></body></html>"
    )


def main(report: Path, name: str, which: tuple[str, ...]) -> int:
    specs = charts(json.loads(report.read_text(encoding="utf-8")))
    with launch() as chromium:
        page = chromium.new_context(viewport=DESKTOP).new_page()
        page.route("**/*", lambda route: route.abort())
        page.set_content(page_html(specs))
        page.evaluate("window.chartsDrawn.then(() => true)")
        for chart in which:
            out = ROOT / "docs" / "insight" / f"{name}-{chart}.png"
            page.locator(f"#chart-{chart}").screenshot(path=str(out))
            print(out.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    sys.exit(main(Path(args[0]), args[1], tuple(args[2:]) or DEFAULT))
