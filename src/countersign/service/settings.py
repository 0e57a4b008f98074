"""The service's configuration, read once from the environment into one typed record."""

from __future__ import annotations

import ipaddress
import os
import re
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
GIT_FILTER = "COUNTERSIGN_GIT_FILTER"
LABELS = "COUNTERSIGN_LABELS"
MIRROR_FRESH = "COUNTERSIGN_MIRROR_FRESH_S"
DEFAULT_GIT_FILTER = "blob:none"
# How long a branch fetched into a mirror is taken as it is there when no push to the repository
# was delivered since: the bound on what a push webhook that never came (or comes late) costs.
DEFAULT_MIRROR_FRESH_S = 30.0
STATE_DIR = "COUNTERSIGN_STATE_DIR"
# The dashboard (off unless a session secret is set)
SESSION_SECRET = "COUNTERSIGN_SESSION_SECRET"  # noqa: S105 - the variable's name
OAUTH_CLIENT_ID = "COUNTERSIGN_OAUTH_CLIENT_ID"
OAUTH_CLIENT_SECRET = "COUNTERSIGN_OAUTH_CLIENT_SECRET"  # noqa: S105 - the variable's name
GITHUB_URL = "COUNTERSIGN_GITHUB_URL"
PUBLIC_URL = "COUNTERSIGN_PUBLIC_URL"
TRUSTED_PROXIES = "COUNTERSIGN_TRUSTED_PROXIES"
IDENTITY_HEADER = "COUNTERSIGN_IDENTITY_HEADER"
# Incident webhooks (each endpoint is off unless its secrets are set; comma-separated: rotate
# by adding the new secret, then removing the old one)
PAGERDUTY_SECRETS = "COUNTERSIGN_PAGERDUTY_SECRETS"
OPSGENIE_TOKENS = "COUNTERSIGN_OPSGENIE_TOKENS"
INCIDENT_SECRETS = "COUNTERSIGN_INCIDENT_SECRETS"
MIN_SECRET = 16

DEFAULT_API = "https://api.github.com"
DEFAULT_GIT_URL = "https://github.com/{repository}.git"
DEFAULT_STATE_DIR = Path("~/.cache/countersign-service").expanduser()
DEFAULT_GITHUB_URL = "https://github.com"
DEFAULT_IDENTITY_HEADER = "X-Forwarded-User"
SESSION_HOURS = 8
# GitHub's own retry window is unknown to us; a signed delivery older than this is refused as a
# replay (GitHub redelivers with the original delivery id, which is deduplicated anyway).
MAX_DELIVERY_AGE_S = 3600


@dataclass(frozen=True)
class Dashboard:
    """Who may sign in to the dashboard, and how. At least one way: GitHub's OAuth web flow
    (the App's client id and secret) or an identity header set by a proxy at one of
    ``trusted_proxies`` (the header from anywhere else is ignored)."""

    session_secret: str
    public_url: str = ""  # where browsers reach the service; GitHub sends them back here
    oauth_client_id: str = ""
    oauth_client_secret: str = ""
    github_url: str = DEFAULT_GITHUB_URL
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    identity_header: str = DEFAULT_IDENTITY_HEADER
    session_hours: int = SESSION_HOURS

    @property
    def oauth(self) -> bool:
        return bool(self.oauth_client_id)

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    def trusted(self, address: str | None) -> bool:
        if not address or not self.trusted_proxies:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.trusted_proxies)

    def __repr__(self) -> str:
        return f"Dashboard(public_url={self.public_url!r}, oauth={self.oauth})"


@dataclass(frozen=True)
class Settings:
    database_url: str
    webhook_secret: bytes
    app_id: str = ""
    private_key_path: Path | None = None
    api_url: str = DEFAULT_API
    # Where mirrors fetch from: "{repository}" is owner/name; a plain directory path for tests.
    git_url: str = DEFAULT_GIT_URL
    # The mirrors' partial clone filter: blob:none (commits and trees; the blobs an evaluation
    # reads are fetched in one batch), blob:limit=<n>, or "" for whole mirrors.
    git_filter: str = DEFAULT_GIT_FILTER
    # COUNTERSIGN_LABELS: each pull request also carries its decision as a label
    # (``publish.LABELS``).
    labels: bool = False
    # COUNTERSIGN_MIRROR_FRESH_S: see ``worker.Jobs.fetch_head``; 0 fetches on every evaluation.
    mirror_fresh_s: float = DEFAULT_MIRROR_FRESH_S
    state_dir: Path = DEFAULT_STATE_DIR
    max_delivery_age_s: int = MAX_DELIVERY_AGE_S
    dashboard: Dashboard | None = None
    pagerduty_secrets: tuple[bytes, ...] = ()
    opsgenie_tokens: tuple[bytes, ...] = ()
    incident_secrets: tuple[bytes, ...] = ()  # the generic endpoint's

    def incident_hook_secrets(self, hook: str) -> tuple[bytes, ...]:
        return {
            "pagerduty": self.pagerduty_secrets,
            "opsgenie": self.opsgenie_tokens,
            "generic": self.incident_secrets,
        }.get(hook, ())

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


def flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise UsageError(f"{name} must be on or off (1/0, true/false), not {value!r}")


def git_filter_from(env: Mapping[str, str]) -> str:
    """``COUNTERSIGN_GIT_FILTER``: ``blob:none`` (the default), ``blob:limit=<n>[kmg]``, or
    ``none`` for whole mirrors. A tree filter is refused: every evaluation lists trees."""
    value = env.get(GIT_FILTER, DEFAULT_GIT_FILTER).strip()
    if value in ("", "none"):
        return ""
    if value == "blob:none" or re.fullmatch(r"blob:limit=[0-9]+[kmg]?", value):
        return value
    raise UsageError(f"{GIT_FILTER} must be blob:none, blob:limit=<n>[kmg] or none, not {value!r}")


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
        dashboard=dashboard_from(env),
        database_url=database,
        webhook_secret=secret.encode(),
        app_id=app_id,
        private_key_path=Path(key) if key else None,
        api_url=(env.get(GITHUB_API_URL, "").strip() or DEFAULT_API).rstrip("/"),
        git_url=env.get(GIT_URL, "").strip() or DEFAULT_GIT_URL,
        git_filter=git_filter_from(env),
        labels=flag(env, LABELS),
        mirror_fresh_s=seconds_from(env, MIRROR_FRESH, DEFAULT_MIRROR_FRESH_S),
        state_dir=Path(state) if state else DEFAULT_STATE_DIR,
        pagerduty_secrets=secrets_from(env, PAGERDUTY_SECRETS),
        opsgenie_tokens=secrets_from(env, OPSGENIE_TOKENS),
        incident_secrets=secrets_from(env, INCIDENT_SECRETS),
    )


def seconds_from(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise UsageError(f"{name} must be a number of seconds from 0 to 3600, not {value!r}")
    return seconds


def secrets_from(env: Mapping[str, str], name: str) -> tuple[bytes, ...]:
    """A comma-separated list of secrets, each long enough not to be guessed."""
    found = tuple(item.strip() for item in env.get(name, "").split(",") if item.strip())
    for item in found:
        if len(item) < MIN_SECRET:
            raise UsageError(f"{name}: each secret must be at least {MIN_SECRET} characters")
    return tuple(item.encode() for item in found)


def dashboard_from(env: Mapping[str, str]) -> Dashboard | None:
    secret = env.get(SESSION_SECRET, "")
    if not secret:
        return None
    if len(secret) < 32:
        raise UsageError(f"{SESSION_SECRET} must be at least 32 characters (a random string)")
    client_id = env.get(OAUTH_CLIENT_ID, "").strip()
    client_secret = env.get(OAUTH_CLIENT_SECRET, "").strip()
    public = env.get(PUBLIC_URL, "").strip().rstrip("/")
    if client_id and not client_secret:
        raise UsageError(f"set {OAUTH_CLIENT_SECRET} to the App's OAuth client secret")
    if client_id and not public.startswith(("https://", "http://")):
        raise UsageError(
            f"set {PUBLIC_URL} to the dashboard's URL (GitHub sends people back there)"
        )
    proxies = []
    for item in env.get(TRUSTED_PROXIES, "").split(","):
        if not item.strip():
            continue
        try:
            proxies.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            raise UsageError(
                f"{TRUSTED_PROXIES}: {item.strip()!r} is not an IP address or network"
            ) from None
    if not client_id and not proxies:
        raise UsageError(
            f"the dashboard needs a way to sign in: set {OAUTH_CLIENT_ID} (GitHub) or "
            f"{TRUSTED_PROXIES} (an identity header from your proxy)"
        )
    return Dashboard(
        session_secret=secret,
        public_url=public,
        oauth_client_id=client_id,
        oauth_client_secret=client_secret,
        github_url=(env.get(GITHUB_URL, "").strip() or DEFAULT_GITHUB_URL).rstrip("/"),
        trusted_proxies=tuple(proxies),
        identity_header=env.get(IDENTITY_HEADER, "").strip() or DEFAULT_IDENTITY_HEADER,
    )
