"""The insight report as one self-contained HTML file: the figures, the verdict and the
Vega-Lite charts, with vega, vega-lite and vega-embed inlined from ``countersign/vendor`` (no
CDN: it opens offline, from an e-mail or an artifact store). vega-embed's menu saves each chart
as PNG or SVG."""

from __future__ import annotations

import html
import json
from importlib.resources import files
from typing import Any

from countersign.facts.insight.report import Report
from countersign.output.insight import as_dict, markdown
from countersign.output.insight_charts import charts

SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 980px; color: #222;
       background: #fff; padding: 0 1rem; }
.verdict { border-left: 4px solid #d95f02; padding: .5rem 1rem; background: #fff7f0; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 13px; }
td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
.chart { margin: 1.5rem 0; min-height: 80px; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: .5rem; }
"""


def _script(name: str) -> str:
    text = (files("countersign") / "vendor" / name).read_text(encoding="utf-8")
    safe = text.replace("</script", "<\\/script")
    return f"<script>{safe}</script>"


def _table(md: str) -> str:
    rows = [ln for ln in md.splitlines() if ln.startswith("| ") and "---" not in ln]
    out = ["<table>"]
    for n, row in enumerate(rows):
        cells = [html.escape(c.strip()) for c in row.strip("|").split("|")]
        tag = "th" if n == 0 else "td"
        out.append("<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>")
    return "\n".join([*out, "</table>"])


def render_html(report: Report, title: str = "countersign insight") -> str:
    data = as_dict(report)
    specs = charts(data)
    md = markdown(report)
    divs = "\n".join(f'<div class="chart" id="chart-{k}"></div>' for k in specs)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in report.notes)
    payload = json.dumps(specs).replace("</", "<\\/")
    figures = json.dumps(data, indent=2).replace("</", "<\\/")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{_STYLE}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p>{report.changes} changes, {report.failed} failed (failure =
{html.escape(report.failure_definition)}).</p>
<p class="verdict" id="verdict">{html.escape(report.verdict.text)}</p>
{_table(md)}
{divs}
<ul>{notes}</ul>
<details><summary>All figures (JSON)</summary><pre id="figures">{html.escape(figures)}</pre>
</details>
{"".join(_script(s) for s in SCRIPTS)}
<script>
const specs = {payload};
window.chartsDrawn = Promise.all(Object.entries(specs).map(([id, spec]) =>
  vegaEmbed("#chart-" + id, spec, {{renderer: "svg", actions: {{export: true, source: false,
    compiled: false, editor: false}}}})));
</script>
</body></html>
"""


def chart_specs(report: Report) -> dict[str, Any]:
    return charts(as_dict(report))
