"""A small world for the service's tests: a repository on "GitHub" (a bare repository on disk,
with GitHub's ``refs/pull/N/head``), the fake GitHub API on loopback, the App's key pair, and
pull request payloads built from the real webhook examples."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fake_github import FakeGitHub
from github_service import SECRET, example

from countersign.service.queue import WorkerTiming, create_queue, run_worker
from countersign.service.settings import Settings
from countersign.service.signature import sign
from countersign.service.worker import open_jobs

APP_ID = 9001
REPOSITORY = "Codertocat/Hello-World"
REPOSITORY_ID = 186853002
PEOPLE = """version: 1
people:
  - id: alice
    emails: [alice@example.com]
    github: alice-gh
    level: senior
    teams: [web]
  - id: carol
    emails: [carol@example.com]
    github: carol-gh
    level: staff
    teams: [web]
  - id: bob
    emails: [bob@example.com]
    github: bob-gh
    level: junior
    teams: [web]
agents:
  - noreply@anthropic.com
"""
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bob",
    "GIT_AUTHOR_EMAIL": "bob@example.com",
    "GIT_COMMITTER_NAME": "Bob",
    "GIT_COMMITTER_EMAIL": "bob@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}
AI_TRAILER = "\n\nCo-authored-by: Claude <noreply@anthropic.com>"


def app_keys(tmp: Path) -> tuple[Path, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = tmp / "app.pem"
    path.write_bytes(pem)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return path, public.decode()


@dataclass
class World:
    root: Path
    database: str
    private_key: Path
    github: FakeGitHub
    api_url: str = ""
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    # This GitHub sends no push webhooks: a test's push to a branch is seen only by a fetch, so
    # by default the worker fetches for every evaluation (COUNTERSIGN_MIRROR_FRESH_S=0); a test
    # that delivers the pushes it makes, as GitHub does, sets a window.
    mirror_fresh_s: float = 0.0

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def remote(self) -> Path:
        return self.root / "remotes" / f"{REPOSITORY}.git"

    def settings(self, **changes: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": self.database,
            "webhook_secret": SECRET,
            "app_id": str(APP_ID),
            "private_key_path": self.private_key,
            "api_url": self.api_url,
            "git_url": str(self.root / "remotes" / "{repository}.git"),
            "state_dir": self.root / "service-state",
            "mirror_fresh_s": self.mirror_fresh_s,
        }
        return Settings(**(values | changes))

    def environment(self) -> dict[str, str]:
        """The service's configuration as a deployment sets it."""
        s = self.settings()
        return {
            "COUNTERSIGN_DATABASE_URL": s.database_url,
            "COUNTERSIGN_WEBHOOK_SECRET": SECRET.decode(),
            "COUNTERSIGN_APP_ID": s.app_id,
            "COUNTERSIGN_APP_PRIVATE_KEY": str(self.private_key),
            "COUNTERSIGN_GITHUB_API_URL": s.api_url,
            "COUNTERSIGN_GIT_URL": s.git_url,
            "COUNTERSIGN_STATE_DIR": str(s.state_dir),
            "COUNTERSIGN_MIRROR_FRESH_S": str(s.mirror_fresh_s),
        }

    # --- git --------------------------------------------------------------------------------
    def git(self, *args: str, cwd: Path | None = None) -> str:
        out = subprocess.run(
            ["git", *args],
            cwd=cwd or self.work,
            check=True,
            capture_output=True,
            env={**os.environ, **GIT_ENV, "HOME": str(self.root)},
        )
        return out.stdout.decode().strip()

    def create_repository(self) -> str:
        self.work.mkdir(parents=True)
        self.git("init", "-q", "-b", "master")
        (self.work / ".countersign").mkdir()
        (self.work / ".countersign" / "people.yaml").write_text(PEOPLE)
        (self.work / "README.md").write_text("Hello World\n")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "Initial commit")
        self.remote.parent.mkdir(parents=True)
        subprocess.run(
            ["git", "init", "-q", "--bare", str(self.remote)], check=True, capture_output=True
        )
        self.git("push", "-q", str(self.remote), "master")
        return self.git("rev-parse", "HEAD")

    def commit_on_branch(
        self, branch: str, files: dict[str, str], message: str, *, ai: bool = True
    ) -> str:
        current = self.git("branch", "--show-current")
        if current != branch:
            exists = self.git("branch", "--list", branch)
            self.git("checkout", "-q", *(() if exists else ("-b",)), branch)
        for rel, text in files.items():
            target = self.work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message + (AI_TRAILER if ai else ""))
        return self.git("rev-parse", "HEAD")

    def small_pull_requests(self, files: int, prs: int) -> dict[int, str]:
        """The benchmarks' realistic mix: ``files`` small modules on master, and ``prs`` open
        pull requests changing one module each (every other one AI-assisted); number -> head."""
        for i in range(files):
            target = self.work / "src" / f"pkg{i % 50}" / f"module_{i}.py"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"def f{i}():\n    return {i}\n")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "A few thousand files")
        self.git("push", "-q", str(self.remote), "master")
        heads = {}
        for n in range(1, prs + 1):
            self.git("checkout", "-q", "-B", f"pr-{n}", "master")
            heads[n] = self.commit_on_branch(
                f"pr-{n}",
                {f"src/pkg{n % 50}/module_{n}.py": f"def f{n}():\n    return {n + 1}\n"},
                f"Change {n}",
                ai=n % 2 == 0,
            )
            self.open_pull_request(n, f"pr-{n}")
        self.git("checkout", "-q", "master")
        return heads

    # --- pull requests ----------------------------------------------------------------------
    def open_pull_request(self, number: int, branch: str) -> dict[str, Any]:
        """Push ``branch`` as pull request ``number`` (GitHub's ``refs/pull/N/head``)."""
        head = self.git("rev-parse", branch)
        self.git("push", "-q", "-f", str(self.remote), f"{branch}:refs/pull/{number}/head")
        base_sha = self.git("rev-parse", "master")
        pr = copy.deepcopy(example("pull_request.opened")["pull_request"])
        pr["number"] = number
        pr["state"] = "open"
        pr["head"]["sha"] = head
        pr["head"]["ref"] = branch
        pr["base"]["sha"] = base_sha
        pr["base"]["ref"] = "master"
        pr["base"]["repo"]["id"] = REPOSITORY_ID
        pr["user"]["login"] = "bob-gh"
        pr["html_url"] = f"https://github.com/{REPOSITORY}/pull/{number}"
        self.pulls[number] = pr
        self.github.pulls[(REPOSITORY, number)] = pr
        return pr

    def push(self, number: int, branch: str) -> str:
        """A push to the pull request's branch: GitHub moves ``refs/pull/N/head``."""
        head = self.git("rev-parse", branch)
        self.git("push", "-q", "-f", str(self.remote), f"{branch}:refs/pull/{number}/head")
        self.pulls[number]["head"]["sha"] = head
        return head

    def event(self, name: str, number: int, **changes: Any) -> dict[str, Any]:
        """A webhook payload for pull request ``number`` as it is now, from a real example."""
        payload = example(name)
        payload["repository"]["full_name"] = REPOSITORY
        payload["repository"]["id"] = REPOSITORY_ID
        if "pull_request" in payload:
            payload["pull_request"] = copy.deepcopy(self.pulls[number])
            payload["pull_request"]["updated_at"] = example(name)["pull_request"]["updated_at"]
        if "number" in payload:
            payload["number"] = number
        payload.update(changes)
        return payload

    def review(
        self,
        number: int,
        login: str,
        commit: str,
        state: str = "approved",
        action: str = "submitted",
        review_id: int = 1,
    ) -> dict[str, Any]:
        payload = self.event("pull_request_review.submitted", number, action=action)
        payload["review"]["id"] = review_id
        payload["review"]["state"] = state
        payload["review"]["commit_id"] = commit
        payload["review"]["user"]["login"] = login
        return payload


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


FAST = WorkerTiming(heartbeat=1, stalled=3, polling=0.2)


def deliver(
    url: str, event: str, payload: dict, delivery: str, timeout: float = 5.0
) -> httpx.Response:
    body = json.dumps(payload).encode()
    return httpx.post(
        f"{url}/webhooks/github",
        timeout=timeout,
        content=body,
        headers={
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery,
            "X-Hub-Signature-256": sign(SECRET, body),
        },
    )


def work(world: World) -> None:
    """Run one worker until the queue is empty."""
    jobs = open_jobs(world.settings(), backoff=0.01, max_wait=1)
    app = create_queue(world.database, lambda: jobs, FAST)
    try:
        asyncio.run(run_worker(app, FAST, wait=False))
    finally:
        jobs.conn.close()
        jobs.github.close()
