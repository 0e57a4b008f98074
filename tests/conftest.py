"""Shared fixtures: real git repositories in temporary directories."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from browser import ARTIFACTS, DESKTOP, Screenshots, launch, missing_browser
from hypothesis import settings
from ssh_keys import Key, make_key

# Tests are deterministic: property tests replay the same examples on every run (CI included).
# Explore new examples locally with: pytest --hypothesis-profile=explore
settings.register_profile("deterministic", derandomize=True, database=None)
settings.register_profile("explore", max_examples=2000, database=None)
settings.load_profile("deterministic")

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


class Repo:
    """A real git repository for a test, with small helpers to write files and commit."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        out = subprocess.run(
            ["git", *args],
            cwd=self.path,
            check=True,
            capture_output=True,
            env={**os.environ, **GIT_ENV, "HOME": str(self.path.parent), **(env or {})},
        )
        return out.stdout.decode("utf-8", "replace").strip()

    def write(self, rel: str, content: str | bytes) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return target

    def commit(self, message: str, *, author: str | None = None, **files: str) -> str:
        for rel, content in files.items():
            self.write(rel, content)
        self.git("add", "-A")
        env = {}
        if author:
            name, _, email = author.partition(" <")
            # The author commits their own work: the committer is them too, as in real use.
            env = {
                "GIT_AUTHOR_NAME": name,
                "GIT_AUTHOR_EMAIL": email.rstrip(">"),
                "GIT_COMMITTER_NAME": name,
                "GIT_COMMITTER_EMAIL": email.rstrip(">"),
            }
        self.git("commit", "-q", "--allow-empty", "-m", message, env=env)
        return self.git("rev-parse", "HEAD")


@pytest.fixture(scope="session", autouse=True)
def crash_reports_stay_in_the_test_directory(tmp_path_factory: pytest.TempPathFactory):
    """Bug reports (exit 70) go under pytest's temporary directory, not the system's."""
    where = tmp_path_factory.mktemp("crash-reports")
    before = os.environ.get("COUNTERSIGN_CRASH_DIR")
    os.environ["COUNTERSIGN_CRASH_DIR"] = str(where)
    yield where
    if before is None:
        os.environ.pop("COUNTERSIGN_CRASH_DIR", None)
    else:
        os.environ["COUNTERSIGN_CRASH_DIR"] = before


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[str], Repo]:
    def make(name: str = "repo") -> Repo:
        path = tmp_path / name
        path.mkdir()
        repo = Repo(path)
        repo.git("init", "-q", "-b", "main")
        return repo

    return make


@pytest.fixture
def repo(make_repo: Callable[[str], Repo]) -> Repo:
    return make_repo("repo")


@pytest.fixture(scope="session")
def ssh_keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Key]:
    """One real Ed25519 SSH key per test person (made once per run by ssh-keygen)."""
    where = tmp_path_factory.mktemp("ssh-keys")
    names = ("alice", "bob", "carol", "dave", "erin", "mallory", "robo")
    return {name: make_key(where, name) for name in names}


@pytest.fixture(scope="module")
def browser():
    """Real headless Chromium (Debian's, driven by Playwright), one per test module. Fails,
    never skips, where there is none: see tests/support/browser.py. Not one per session:
    Playwright's sync API keeps an asyncio loop running in the main thread while it is open,
    and every later test that calls ``asyncio.run`` (the service's worker) would fail."""
    why = missing_browser()
    if why:
        pytest.fail(why)
    with launch() as chromium:
        yield chromium


@pytest.fixture
def page(browser):
    """A fresh page (its own cookies and storage) at desktop size; ``page.set_viewport_size``
    with ``browser.PHONE`` for 360 px."""
    context = browser.new_context(viewport=DESKTOP)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def screenshots(request: pytest.FixtureRequest, tmp_path: Path) -> Screenshots:
    """Where this test saves its screenshots: $COUNTERSIGN_ARTIFACTS/<test> when set, else
    ``<tmp_path>/screenshots``."""
    root = os.environ.get(ARTIFACTS)
    name = request.node.name
    return Screenshots(Path(root) / name if root else tmp_path / "screenshots")
