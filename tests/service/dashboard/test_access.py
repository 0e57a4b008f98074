"""The dashboard for people who do not use a mouse or do not see well, in real headless Chromium
against ``countersign serve`` and its worker as processes: every page at 360 px and on a desktop
has WCAG 2.x AA contrast for every text the browser draws (charts included) and no sideways
scrolling; and every page is used with Tab, Shift+Tab, Enter and typing alone: every link,
field and button is reached in order and back, each shows a visible focus indicator, nothing
traps the focus, and signing in, approving, sending back, filtering, verifying, making and
revoking a token and signing out all work from the keyboard."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from browser import DESKTOP, PHONE, contrast, mark_focusable, tab_through, tab_to
from dashboard_world import dashboard_environment
from github_service import rows
from loopback import free_port
from service_processes import wait_until, web_process, worker_process
from service_world import REPOSITORY, World, deliver

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REPORT = Path(__file__).parents[2] / "fixtures" / "dashboard" / "insight-report.json"
PAGES = ("/", "/friction", "/decisions", "/break-glass", "/ledger", "/insight", "/tokens")


def conclusion(world: World, head: str) -> str | None:
    runs = world.github.runs_for(REPOSITORY, head)
    return runs[0].get("conclusion") if runs else None


@contextmanager
def two_changes_waiting(world: World, tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """The service as processes, and bob's pull requests #3 and #4 waiting for a senior."""
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    world.github.oauth_callback = f"{public}/login/github/callback"
    env = dashboard_environment(world, public) | {"COUNTERSIGN_INSIGHT_REPORT": str(REPORT)}
    heads = []
    for number in (3, 4):
        world.commit_on_branch(f"fix-{number}", {"app.py": f"print({number})\n"}, "Fix it")
        heads.append(world.open_pull_request(number, f"fix-{number}")["head"]["sha"])
    with web_process(env, tmp_path, port=port) as web, worker_process(env, tmp_path):
        for number, head in zip((3, 4), heads, strict=True):
            deliver(web, "pull_request", world.event("pull_request.opened", number), f"a-{number}")
            wait_until(f"#{number} decided", lambda h=head: conclusion(world, h) is not None)
        world.github.signed_in = "alice-gh"
        yield web, heads


def charts_drawn(page: Any) -> None:
    if page.locator("script[data-chart]").count():
        page.wait_for_function(
            "[...document.querySelectorAll('.vega')].every(e => e.dataset.ready)"
        )


def readable(page: Any, where: str) -> tuple[int, float]:
    """Assert AA contrast and no sideways scrolling on the page as it is: (texts checked, the
    lowest ratio among them)."""
    charts_drawn(page)
    found = contrast(page)
    assert found["failures"] == [], f"{where}: text below WCAG AA contrast"
    width = page.viewport_size["width"]
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"{where} scrolls sideways: {wide} px in {width}"
    return int(found["checked"]), float(found["lowest"])


def test_every_page_has_aa_contrast_and_fits_360px(world: World, tmp_path, page, screenshots):
    with two_changes_waiting(world, tmp_path) as (web, _):
        checked = {}
        for size, name in ((DESKTOP, "desktop"), (PHONE, "360px")):
            page.set_viewport_size(size)
            page.context.clear_cookies()
            page.goto(f"{web}/login")
            checked[f"/login {name}"] = readable(page, f"/login at {name}")
            page.get_by_role("link", name="Sign in with GitHub").click()
            page.wait_for_url(f"{web}/")
            evaluation = rows(world.database, "SELECT max(id) FROM countersign_evaluations")[0][0]
            for path in (*PAGES, f"/decision?id={evaluation}", "/decision?id=999999"):
                page.goto(f"{web}{path}")
                checked[f"{path} {name}"] = readable(page, f"{path} at {name}")
            # What an action leaves on the page: a result, then a refusal.
            page.goto(f"{web}/tokens")
            page.get_by_label("Name (what uses it)").fill(f"report {name}")
            page.get_by_role("button", name="Make a read-only token").click()
            page.get_by_text("shown this once").wait_for()
            checked[f"new token {name}"] = readable(page, f"a new token at {name}")
            page.goto(f"{web}/ledger")
            page.get_by_role("button", name=re.compile("^Verify ")).first.click()
            page.get_by_text("Verified:").wait_for()
            checked[f"verified {name}"] = readable(page, f"a verified ledger at {name}")
            screenshots.take(page, f"ledger-verified-{name}")
        assert all(n >= 3 for n, _ in checked.values()), checked
        # The figures, kept with the screenshots: texts checked and the lowest ratio, per page.
        screenshots.folder.mkdir(parents=True, exist_ok=True)
        (screenshots.folder / "contrast.json").write_text(json.dumps(checked, indent=1))
        # The charts' own texts (axes, legends) are among those checked.
        page.goto(f"{web}/insight")
        charts_drawn(page)
        drawn = page.locator(".vega svg text").count()
        assert drawn > 10
        assert contrast(page)["svg"] >= drawn * 0.9  # a few may be empty or hidden


def test_the_contrast_check_finds_what_fails_aa(page):
    """The check itself, on a page made to fail: grey text, an SVG label, a translucent colour
    and a control, against what passes (4.5:1 just met; 3:1 for large text)."""
    page.set_content(
        '<body style="background:#fff">'
        '<p style="color:#999">grey 2.8</p>'
        '<p style="color:#767676">grey 4.54</p>'
        '<h1 style="font-size:24px;color:#949494">large 3.03</h1>'
        '<p style="color:#949494;font-size:18.7px;font-weight:700">bold 3.03</p>'
        '<p style="color:#949494;font-size:18.7px">not bold 3.03</p>'
        '<div style="background:#10243e"><p style="color:rgba(255,255,255,.4)">faint</p></div>'
        '<svg width="200" height="40"><text x="5" y="20" fill="#aaa">axis</text></svg>'
        '<input value="typed" style="color:#aaa">'
        "</body>"
    )
    found = contrast(page)
    assert found["checked"] == 8
    failed = sorted(f["text"] for f in found["failures"])
    assert failed == ["axis", "faint", "grey 2.8", "not bold 3.03", "typed"]


def keyboard_walk(page: Any, where: str) -> list[dict[str, Any]]:
    """Tab from the top through the page and back with Shift+Tab: every visible focusable element
    is reached once each way, in mirrored order, on screen and with a focus indicator that
    stands out (3:1); the walk comes round (no trap)."""
    # Start from the top of the document, wherever focus was (after htmx swapped part of it).
    page.evaluate(
        "document.body.tabIndex = -1; document.body.focus();"
        " document.body.removeAttribute('tabindex')"
    )
    expected = mark_focusable(page)
    forward = tab_through(page)
    reached = [s["walk"] for s in forward]
    assert None not in reached, f"{where}: focus went to an unexpected element: {forward}"
    assert sorted(reached, key=int) == [str(i) for i in range(expected)], (
        f"{where}: Tab reached {len(set(reached))} of {expected} focusable elements"
    )
    assert forward[0]["text"] == "Skip to content", where
    for stop in forward:
        assert stop["onscreen"], f"{where}: {stop['text']!r} is focused off screen"
        assert stop["outline"] or stop["ring"], f"{where}: {stop['text']!r} shows no focus"
        assert stop["indicator"] >= 3, f"{where}: {stop['text']!r} focus ring {stop['indicator']}"
    backward = tab_through(page, "Shift+Tab")
    assert [s["walk"] for s in backward] == list(reversed(reached)), where
    return forward


def test_every_page_works_from_the_keyboard_alone(world: World, tmp_path, page, screenshots):
    with two_changes_waiting(world, tmp_path) as (web, heads):
        # Sign in: Tab to the link, Enter; GitHub (the fake) knows alice and sends her back.
        page.goto(f"{web}/login")
        keyboard_walk(page, "/login")
        tab_to(page, lambda f: f["text"] == "Sign in with GitHub")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{web}/")
        for path in PAGES:
            page.goto(f"{web}{path}")
            charts_drawn(page)
            keyboard_walk(page, path)

        # The skip link takes focus past the navigation, to the content.
        page.goto(f"{web}/")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"

        # Approve #3 and send #4 back, by keyboard.
        requests = dict(rows(world.database, "SELECT number, id FROM countersign_requests"))
        page.goto(f"{web}/")
        tab_to(page, lambda f: f["text"].startswith("Approve")
               and page.evaluate("document.activeElement.closest('li').id")
               == f"request-{requests[3]}")  # fmt: skip
        page.keyboard.press("Enter")
        page.get_by_text("Done: recorded alice's approval (forge).").wait_for(timeout=60_000)
        wait_until("#3 turns green", lambda: conclusion(world, heads[0]) == "success")
        page.goto(f"{web}/")
        tab_to(page, lambda f: f["tag"] == "textarea")
        page.keyboard.type("Please add a test for the greeting.")
        tab_to(page, lambda f: f["text"] == "Send back")
        page.keyboard.press("Enter")
        page.get_by_text("Done: sent back with a comment on the pull request.").wait_for(
            timeout=60_000
        )
        bodies = [c["body"] for c in world.github.comments_on(REPOSITORY, 4)]
        assert any("> Please add a test for the greeting." in b for b in bodies)
        screenshots.take(page, "queue-after-keyboard")

        # Filter the decisions: choose a verdict with the arrow keys, Enter on Filter.
        page.goto(f"{web}/decisions")
        tab_to(page, lambda f: page.evaluate("document.activeElement.id") == "f-verdict")
        page.keyboard.press("ArrowDown")  # any -> pass
        assert page.evaluate("document.activeElement.value") == "pass"
        tab_to(page, lambda f: f["text"] == "Filter")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"verdict=pass"))
        assert "1 evaluation, newest first" in page.locator("#decision-rows").inner_text()
        keyboard_walk(page, "/decisions filtered")

        # Verify a ledger.
        page.goto(f"{web}/ledger")
        tab_to(page, lambda f: f["text"].startswith("Verify "))
        page.keyboard.press("Enter")
        page.get_by_text("Verified:").wait_for()

        # Make a token, then revoke it.
        page.goto(f"{web}/tokens")
        tab_to(page, lambda f: f["tag"] == "input" and f["text"] in ("", "name"))
        page.keyboard.type("nightly export")
        page.keyboard.press("Enter")  # Enter in a field submits its form
        page.get_by_text("shown this once").wait_for()
        keyboard_walk(page, "/tokens with a new token")
        tab_to(page, lambda f: f["text"] == "Revoke nightly export")
        page.keyboard.press("Enter")
        page.locator("td", has_text=re.compile("^revoked ")).wait_for()

        # Sign out.
        tab_to(page, lambda f: f["text"] == "Sign out")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{web}/login")
