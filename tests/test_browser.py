"""The shared browser fixtures (tests/support/browser.py): Debian's Chromium runs headless,
screenshots are saved as artifacts, and ``ink`` tells a drawn picture from a blank one."""

from __future__ import annotations

from browser import PHONE, ink


def test_a_drawn_page_has_ink_and_a_blank_one_has_none(page, screenshots):
    page.set_content("<body style='margin:0;background:#fff'></body>")
    blank = screenshots.take(page, "blank")
    assert ink(page, blank.read_bytes()) == 0.0

    page.set_content(
        "<body style='margin:0;background:#fff'><svg width='400' height='200'>"
        "<rect x='10' y='10' width='200' height='100' fill='#246'/></svg></body>"
    )
    drawn = screenshots.take(page, "drawn", full_page=False)
    assert drawn.exists()
    assert ink(page, drawn.read_bytes()) > 0.01
    assert [p.name for p in screenshots.taken] == ["blank.png", "drawn.png"]


def test_the_page_can_be_phone_sized(page):
    page.set_viewport_size(PHONE)
    page.set_content("<p>hi</p>")
    assert page.evaluate("window.innerWidth") == 360
