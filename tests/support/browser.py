"""Real headless Chromium for the tests that look at a page as a person would: Playwright's
Python package driving Debian's ``chromium`` (never a browser Playwright downloads).

The fixtures (``browser``, ``page``, ``screenshots``) live in tests/conftest.py; this module
holds what they share and what a test may call directly:

    def test_the_report_draws_its_charts(page, screenshots):
        page.goto(url)
        shot = screenshots.take(page, "report")          # saved as an artifact, path returned
        assert ink(page, shot.read_bytes()) > 0.01       # not a blank picture

Screenshots go to ``$COUNTERSIGN_ARTIFACTS`` when it is set (CI keeps that folder), else under
pytest's temporary directory; every path is printed in the test's report section.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("COUNTERSIGN_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = "COUNTERSIGN_ARTIFACTS"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def missing_browser() -> str | None:
    """Why no browser can run here, or None. A test that needs one fails with this message
    (it never passes silently): ``apt-get install -y chromium`` (what .ci/run does)."""
    if not CHROMIUM.exists():
        return (
            f"no Chromium at {CHROMIUM}: apt-get install -y chromium (or set COUNTERSIGN_CHROMIUM)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: pip install -e '.[dev]'"
    return None


@contextmanager
def launch() -> Iterator[Any]:
    """One headless Chromium for a ``with`` block (a playwright ``Browser``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Screenshots:
    """Where a test's screenshots are saved, and the list of those it took."""

    folder: Path
    taken: list[Path] = field(default_factory=list)

    def take(self, page: Any, name: str, *, full_page: bool = True) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"
        path = self.folder / f"{safe}.png"
        self.folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=full_page)
        self.taken.append(path)
        return path


def ink(page: Any, png: bytes, *, tolerance: int = 24) -> float:
    """The share of a PNG's pixels that differ from its top-left pixel (its background), counted
    by the browser itself (no image library needed): 0.0 for a blank picture."""
    data = base64.b64encode(png).decode()
    script = """async ([data, tolerance]) => {
        const img = new Image();
        img.src = "data:image/png;base64," + data;
        await img.decode();
        const canvas = document.createElement("canvas");
        canvas.width = img.width; canvas.height = img.height;
        const ctx = canvas.getContext("2d");
        ctx.drawImage(img, 0, 0);
        const px = ctx.getImageData(0, 0, img.width, img.height).data;
        let inked = 0;
        for (let i = 0; i < px.length; i += 4) {
            if (Math.abs(px[i] - px[0]) + Math.abs(px[i+1] - px[1]) + Math.abs(px[i+2] - px[2])
                > tolerance) inked++;
        }
        return inked / (px.length / 4);
    }"""
    return float(page.evaluate(script, [data, tolerance]))
