"""The dashboard in real headless Chromium against the real service: ``countersign serve`` and
``countersign serve worker`` as processes on PostgreSQL, GitHub as the fake on loopback. A
reviewer signs in with GitHub, finds the change in their queue, approves it with the keyboard,
and the pull request's check run turns green; then every page is opened at desktop size and at
360 px, checked for its content and saved as a screenshot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import DESKTOP, PHONE
from dashboard_world import dashboard_environment
from github_service import rows
from loopback import free_port
from service_processes import wait_until, web_process, worker_process
from service_world import REPOSITORY, World, deliver

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REPORT = Path(__file__).parents[2] / "fixtures" / "dashboard" / "insight-report.json"
OPEN = "SELECT id FROM countersign_requests WHERE closed_at IS NULL"
PAGES = (
    ("/", "My queue", "Nothing is waiting for you."),
    ("/friction", "Friction budget", "By person"),
    ("/decisions", "Decisions", "2 evaluations, newest first"),  # before and after approving
    ("/break-glass", "Break-glass", "No break-glass was used."),
    ("/ledger", "Ledger", "alice"),
    ("/insight", "Insight", "Change-failure rate, AI-assisted and other, with 95 % intervals"),
    ("/tokens", "API tokens", "No tokens yet."),
)


def conclusion(world: World, head: str) -> str | None:
    runs = world.github.runs_for(REPOSITORY, head)
    return runs[0].get("conclusion") if runs else None


def test_sign_in_approve_and_every_page(world: World, tmp_path, page, screenshots):
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    world.github.oauth_callback = f"{public}/login/github/callback"
    env = dashboard_environment(world, public) | {"COUNTERSIGN_INSIGHT_REPORT": str(REPORT)}
    world.commit_on_branch("fix", {"app.py": "print('hi')\n"}, "Fix the greeting")
    head = world.open_pull_request(3, "fix")["head"]["sha"]
    with web_process(env, tmp_path, port=port) as web, worker_process(env, tmp_path) as worker:
        deliver(web, "pull_request", world.event("pull_request.opened", 3), "b-open")
        wait_until("the first decision", lambda: conclusion(world, head) == "action_required")

        # Signed out, the dashboard sends the browser to sign in; GitHub knows alice.
        world.github.signed_in = "alice-gh"
        page.goto(f"{web}/friction")
        assert page.url == f"{web}/login?next=/friction"
        screenshots.take(page, "login")
        page.get_by_role("link", name="Sign in with GitHub").click()
        page.wait_for_url(f"{web}/friction")
        page.goto(f"{web}/")
        queue = page.locator("#main")
        assert "Codertocat/Hello-World#3" in queue.inner_text()
        assert "ai-assisted-below-senior" in queue.inner_text()
        screenshots.take(page, "queue-waiting")

        # Keyboard only: the first Tab reaches the skip link; the approve button takes Enter.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        approve = page.get_by_role("button", name=re.compile(r"^Approve cs2:"))
        approve.focus()
        page.keyboard.press("Enter")
        page.get_by_text("Done: recorded alice's approval (forge).").wait_for(timeout=60_000)
        wait_until("the check run turns green", lambda: conclusion(world, head) == "success")
        wait_until("the request is closed", lambda: not rows(world.database, OPEN))
        assert worker.popen.poll() is None

        for path, heading, content in PAGES:
            for size, name in ((DESKTOP, "desktop"), (PHONE, "360px")):
                page.set_viewport_size(size)
                page.goto(f"{web}{path}")
                assert page.get_by_role("heading", level=1).inner_text() == heading
                assert content in page.locator("#main").inner_text(), (path, name)
                if page.locator("script[data-chart]").count():
                    page.wait_for_function(
                        "[...document.querySelectorAll('.vega')].every(e => e.dataset.ready)"
                    )
                    assert page.locator(".vega svg").count() == page.locator(".vega").count()
                    assert (
                        page.locator(
                            ".vega svg .mark-rect path, .vega svg .mark-line path, "
                            ".vega svg .mark-symbol path"
                        ).count()
                        > 0
                    )
                wide = page.evaluate("document.documentElement.scrollWidth")
                assert wide <= size["width"], f"{path} scrolls sideways at {name}: {wide} px"
                screenshots.take(page, f"{path.strip('/') or 'queue'}-{name}")
    assert world.github.violations == []
