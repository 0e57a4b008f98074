"""The dashboard in a test: the service's web app with sign-in configured against the fake
GitHub's OAuth endpoints, served on loopback, and a person signed in through the real flow."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from loopback import free_port, serving
from service_world import World, deliver, work

from countersign.service.settings import Dashboard, Settings
from countersign.service.web import create_app

SESSION_SECRET = "a-test-session-secret-of-forty-characters"


def dashboard_settings(world: World, public_url: str, proxies: tuple[str, ...] = ()) -> Settings:
    client_id, client_secret = world.github.oauth_client
    return world.settings(
        dashboard=Dashboard(
            session_secret=SESSION_SECRET,
            public_url=public_url,
            oauth_client_id=client_id,
            oauth_client_secret=client_secret,
            github_url=world.api_url,
            trusted_proxies=tuple(ipaddress.ip_network(p) for p in proxies),
        )
    )


def dashboard_environment(world: World, public_url: str) -> dict[str, str]:
    client_id, client_secret = world.github.oauth_client
    return {
        **world.environment(),
        "COUNTERSIGN_SESSION_SECRET": SESSION_SECRET,
        "COUNTERSIGN_PUBLIC_URL": public_url,
        "COUNTERSIGN_OAUTH_CLIENT_ID": client_id,
        "COUNTERSIGN_OAUTH_CLIENT_SECRET": client_secret,
        "COUNTERSIGN_GITHUB_URL": world.api_url,
    }


@contextmanager
def dashboard(world: World, proxies: tuple[str, ...] = ()) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    world.github.oauth_callback = f"{url}/login/github/callback"
    with serving(create_app(dashboard_settings(world, url, proxies)), port=port) as served:
        yield served


def sign_in(client: httpx.Client, world: World, login: str) -> httpx.Response:
    """The OAuth web flow as a browser walks it: the dashboard sends us to GitHub, where
    ``login`` is signed in; GitHub sends us back with a code. Returns the callback's answer."""
    world.github.signed_in = login
    to_github = client.get("/login/github")
    assert to_github.status_code == 302, to_github.text
    back = httpx.get(to_github.headers["location"])  # GitHub is another site: no cookies
    assert back.status_code == 302, back.text
    return client.get(back.headers["location"])


def csrf_of(client: httpx.Client) -> str:
    page = client.get("/")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def decided_pull_request(world: World, web: str, number: int = 3) -> str:
    """Bob's AI-assisted pull request, evaluated: it waits for a senior's sign-off."""
    world.commit_on_branch(f"fix-{number}", {"app.py": f"print({number})\n"}, "Fix the greeting")
    head = world.open_pull_request(number, f"fix-{number}")["head"]["sha"]
    deliver(web, "pull_request", world.event("pull_request.opened", number), f"d-open-{number}")
    work(world)
    return str(head)
