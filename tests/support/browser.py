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


# --- what a person with low vision or no mouse meets ------------------------------------------
# WCAG 2.x contrast, computed by the browser from the styles it applied: each visible text node's
# colour (``fill`` for SVG text, e.g. the charts' axes) against the backgrounds under it,
# composited up to the canvas (white), and each form control's own text and background.
_COLOURS = """
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c || "");
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]);
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const lum = (c) => {
    const ch = c.slice(0, 3).map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
"""
_CONTRAST = (
    """() => {
"""
    + _COLOURS
    + """  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.visibility !== "visible" || el.getClientRects().length === 0) return false;
    const r = el.getBoundingClientRect();
    return r.right > 0 && r.bottom > 0 && r.width > 0 && r.height > 0;
  };
  const check = (el, text, out) => {
    const s = getComputedStyle(el);
    const svg = el instanceof SVGElement;
    let fg = parse(svg ? s.fill : s.color);
    if (!fg) return;
    if (svg) fg[3] *= Number(s.fillOpacity || 1);
    const bg = background(svg ? el.ownerSVGElement || el : el);
    fg = over(fg, bg);
    const size = parseFloat(s.fontSize), bold = Number(s.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    const need = large ? 3 : 4.5;
    const got = ratio(fg, bg);
    out.checked++;
    if (svg) out.svg++;
    out.lowest = Math.min(out.lowest, Math.round(got * 100) / 100);
    if (got + 1e-9 < need) out.failures.push({
      text: text.trim().slice(0, 60), ratio: Math.round(got * 100) / 100, need,
      fg: fg.slice(0, 3).map(Math.round), bg: bg.slice(0, 3).map(Math.round),
      element: el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().replace(/\\s+/g, ".") : ""),
    });
  };
  const out = { checked: 0, svg: 0, lowest: 21, failures: [] };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.textContent.trim() || ["SCRIPT", "STYLE", "OPTION"].includes(el.tagName)) continue;
    if (visible(el)) check(el, n.textContent, out);
  }
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (visible(el)) check(el, el.value || el.name || el.id, out);
  }
  return out;
}"""
)


def contrast(page: Any) -> dict[str, Any]:
    """``{"checked": n, "svg": of them in SVG, "lowest": ratio, "failures": [...]}``: every visible text under WCAG 2.x
    AA (4.5:1, or 3:1 for large text: 24 px, or 18.66 px bold), with its ratio and colours."""
    return dict(page.evaluate(_CONTRAST))


FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), "
    "select:not([disabled]), textarea:not([disabled]), details > summary, "
    "[tabindex]:not([tabindex='-1'])"
)
_MARK = """(selector) => {
  const all = [...document.querySelectorAll(selector)].filter(e => {
    const s = getComputedStyle(e);
    return s.visibility === "visible" && e.getClientRects().length > 0;
  });
  all.forEach((e, i) => { e.dataset.walk = String(i); });
  return all.length;
}"""
_FOCUSED = (
    """() => {
"""
    + _COLOURS
    + """
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {
    walk: e.dataset.walk ?? null,
    tag: e.tagName.toLowerCase(),
    text: (e.innerText || e.value || e.getAttribute("aria-label") || e.name || "").trim().slice(0, 60),
    outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2 ? s.outlineColor : null,
    ring: s.boxShadow !== "none" ? s.boxShadow : null,
    // the focus indicator against what is around the element (WCAG 1.4.11 asks 3:1)
    indicator: Math.max(
      s.outlineStyle !== "none" ? ratio(parse(s.outlineColor) || [0, 0, 0, 0], background(e.parentElement || e)) : 0,
      s.boxShadow !== "none" ? ratio(parse(s.boxShadow) || [0, 0, 0, 0], background(e.parentElement || e)) : 0),
    onscreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0,
  };
}"""
)


def mark_focusable(page: Any) -> int:
    """Number every visible element a keyboard should reach (``data-walk``); returns how many."""
    return int(page.evaluate(_MARK, FOCUSABLE))


def focused(page: Any) -> dict[str, Any] | None:
    found = page.evaluate(_FOCUSED)
    return dict(found) if found else None


def tab_through(page: Any, key: str = "Tab", limit: int = 400) -> list[dict[str, Any]]:
    """Press ``key`` until focus comes back to where the walk began (or leaves the page, which
    Chromium does after the last element): what was focused, in order. Raises when ``limit``
    presses never come round: a keyboard trap."""
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        if now is None or (stops and now["walk"] == stops[0]["walk"]):
            return stops
        stops.append(now)
    raise AssertionError(f"focus never came round after {limit} presses of {key}: a trap")


def tab_to(page: Any, matches: Any, key: str = "Tab", limit: int = 400) -> dict[str, Any]:
    """Press ``key`` until ``matches(focused)`` is true; the focused element's description."""
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        if now is not None and matches(now):
            return now
    raise AssertionError(f"no element matched after {limit} presses of {key}")
