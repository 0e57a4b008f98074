"""Draw docs/dashboard.png, the README's picture of the dashboard, from the screenshots the
browser test saved: My queue (waiting), Friction budget and Insight at desktop size, side by side,
laid out and rendered by the same Debian Chromium the tests use (no image library).

Run: COUNTERSIGN_ARTIFACTS=/tmp/shots .venv/bin/pytest -q tests/service/dashboard/test_browser.py
     .venv/bin/python scripts/dashboard_picture.py /tmp/shots/test_sign_in_approve_and_every_page
"""

from __future__ import annotations

import base64
import html
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from browser import launch  # noqa: E402

SHOTS = (
    ("queue-waiting.png", "My queue"),
    ("friction-desktop.png", "Friction budget"),
    ("insight-desktop.png", "Insight"),
)
WIDTH = 400  # each picture's width in the composite


def main(folder: Path, out: Path) -> int:
    figures = []
    for name, caption in SHOTS:
        data = base64.b64encode((folder / name).read_bytes()).decode()
        figures.append(
            f'<figure><img src="data:image/png;base64,{data}" alt="">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )
    page_html = (
        "<!doctype html><html><body style='margin:0;background:#e8ebef;font:16px sans-serif'>"
        "<div id='all' style='display:flex;gap:12px;align-items:flex-start;padding:12px'>"
        + "".join(figures)
        + "</div><style>figure{margin:0;text-align:center}"
        f"img{{width:{WIDTH}px;display:block;border:1px solid #9aa1ab;background:#fff}}"
        "figcaption{padding:.4rem}</style></body></html>"
    )
    with launch() as browser:
        page = browser.new_page(viewport={"width": 3 * WIDTH + 48, "height": 400})
        page.set_content(page_html)
        page.locator("#all").screenshot(path=str(out))
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1]), ROOT / "docs" / "dashboard.png"))
