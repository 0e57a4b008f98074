"""The service's configuration, read once from the environment into one typed record."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from countersign.errors import UsageError

DATABASE_URL = "COUNTERSIGN_DATABASE_URL"
WEBHOOK_SECRET = "COUNTERSIGN_WEBHOOK_SECRET"  # noqa: S105 - the variable's name, not a secret
APP_ID = "COUNTERSIGN_APP_ID"
APP_PRIVATE_KEY = "COUNTERSIGN_APP_PRIVATE_KEY"
GITHUB_API_URL = "COUNTERSIGN_GITHUB_API_URL"
GIT_URL = "COUNTERSIGN_GIT_URL"
STATE_DIR = "COUNTERSIGN_STATE_DIR"

DEFAULT_API = "https://api.github.com"
DEFAULT_GIT_URL = "https://github.com/{repository}.git"
DEFAULT_STATE_DIR = Path("~/.cache/countersign-service").expanduser()
# GitHub's own retry window is unknown to us; a signed delivery older than this is refused as a
# replay (GitHub redelivers with the original delivery id, which is deduplicated anyway).
MAX_DELIVERY_AGE_S = 3600


@dataclass(frozen=True)
class Settings:
    database_url: str
    webhook_secret: bytes
    app_id: str = ""
    private_key_path: Path | None = None
    api_url: str = DEFAULT_API
    # Where mirrors fetch from: "{repository}" is owner/name; a plain directory path for tests.
    git_url: str = DEFAULT_GIT_URL
    state_dir: Path = DEFAULT_STATE_DIR
    max_delivery_age_s: int = MAX_DELIVERY_AGE_S

    def private_key(self) -> str:
        if self.private_key_path is None:
            raise UsageError(f"set {APP_PRIVATE_KEY} to the path of the App's private key (PEM)")
        try:
            return self.private_key_path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(
                f"{APP_PRIVATE_KEY}: cannot read {self.private_key_path} ({exc.strerror})"
            ) from None

    def __repr__(self) -> str:  # never print the secret, nor a password in the URL
        return f"Settings(api_url={self.api_url!r}, app_id={self.app_id!r})"


def from_environment(env: Mapping[str, str] | None = None, *, web_only: bool = False) -> Settings:
    """The settings in ``env`` (the process environment by default). The web process needs the
    database and the webhook secret; a worker also needs the App's id and key."""
    env = os.environ if env is None else env
    database = env.get(DATABASE_URL, "").strip()
    if not database.startswith(("postgresql://", "postgres://")):
        raise UsageError(f"set {DATABASE_URL} to a postgresql:// URL")
    secret = env.get(WEBHOOK_SECRET, "")
    if not secret:
        raise UsageError(f"set {WEBHOOK_SECRET} to the App's webhook secret")
    app_id = env.get(APP_ID, "").strip()
    key = env.get(APP_PRIVATE_KEY, "").strip()
    if not web_only:
        if not app_id.isdigit():
            raise UsageError(f"set {APP_ID} to the App's numeric id")
        if not key:
            raise UsageError(f"set {APP_PRIVATE_KEY} to the path of the App's private key (PEM)")
    state = env.get(STATE_DIR, "").strip()
    return Settings(
        database_url=database,
        webhook_secret=secret.encode(),
        app_id=app_id,
        private_key_path=Path(key) if key else None,
        api_url=(env.get(GITHUB_API_URL, "").strip() or DEFAULT_API).rstrip("/"),
        git_url=env.get(GIT_URL, "").strip() or DEFAULT_GIT_URL,
        state_dir=Path(state) if state else DEFAULT_STATE_DIR,
    )
