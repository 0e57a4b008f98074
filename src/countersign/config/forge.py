"""Where the forge is, as the policy at the protected base pins it: the only GitHub a review may
be confirmed with. Nothing here comes from the environment, which whoever runs the command
controls (``GITHUB_API_URL`` pointed at their own server would confirm any review)."""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

from countersign.config.yamlfile import expect_mapping, expect_str, reject_unknown
from countersign.errors import ConfigError

DEFAULT_API = "https://api.github.com"
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
DEFAULT_AUDIENCE = "countersign"
REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
GITHUB_REMOTE = re.compile(
    r"^(?:https://(?:[^@/]+@)?github\.com/|ssh://git@github\.com/|git@github\.com:)"
    r"([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?/?$"
)


@dataclass(frozen=True)
class Oidc:
    """The GitHub Actions OIDC issuer whose signed token proves which job asks."""

    issuer: str = GITHUB_ISSUER
    audience: str = DEFAULT_AUDIENCE
    jwks: str = ""  # the issuer's key set; default ``{issuer}/.well-known/jwks``
    # ``job_workflow_ref`` the token must name: a reusable workflow on a protected branch
    # (``owner/repo/.github/workflows/record.yml@refs/heads/main``), so a pull request that
    # edits its own workflow cannot record approvals with its job's token
    workflow: str = ""

    @property
    def jwks_url(self) -> str:
        return self.jwks or f"{self.issuer.rstrip('/')}/.well-known/jwks"


@dataclass(frozen=True)
class Forge:
    """``repository`` empty: nothing is pinned, so no review can be confirmed (``asserted``)."""

    api: str = DEFAULT_API
    repository: str = ""
    oidc: Oidc | None = None


def github_repository(remote_url: str) -> str | None:
    """``owner/name`` of a github.com remote URL (https, ssh, scp-like), else None."""
    match = GITHUB_REMOTE.match(remote_url.strip())
    return match[1] if match else None


def forge_text(repository: str) -> str:
    """The ``forge:`` block ``init`` appends to the policy for a github.com repository."""
    return f"forge:\n  repository: {repository}\n"


def read_forge(raw: Any, file: str, key: str = "forge") -> Forge:
    if raw is None:
        return Forge()
    entry = expect_mapping(raw, file, key)
    reject_unknown(entry, {"api", "repository", "oidc"}, file, key)
    repository = expect_str(entry.get("repository"), file, f"{key}.repository")
    if not REPOSITORY.match(repository):
        raise ConfigError(file, f"{key}.repository", f"expected owner/name, got {repository!r}")
    api = _url(entry.get("api", DEFAULT_API), file, f"{key}.api")
    return Forge(api, repository, _oidc(entry.get("oidc"), file, f"{key}.oidc"))


def _oidc(raw: Any, file: str, key: str) -> Oidc | None:
    if raw is None:
        return None
    entry = expect_mapping(raw, file, key)
    reject_unknown(entry, {"issuer", "audience", "jwks", "workflow"}, file, key)
    issuer = _url(entry.get("issuer", GITHUB_ISSUER), file, f"{key}.issuer")
    audience = expect_str(entry.get("audience", DEFAULT_AUDIENCE), file, f"{key}.audience")
    jwks = _url(entry["jwks"], file, f"{key}.jwks") if "jwks" in entry else ""
    workflow = expect_str(entry["workflow"], file, f"{key}.workflow") if "workflow" in entry else ""
    if workflow and "@" not in workflow:
        raise ConfigError(
            file,
            f"{key}.workflow",
            f"expected OWNER/REPO/PATH@REF (a job_workflow_ref), got {workflow!r}",
        )
    return Oidc(issuer, audience, jwks, workflow)


def _url(raw: Any, file: str, key: str) -> str:
    """https, or http to this machine only (a test server, a local proxy): anything else could
    be answered by whoever sits on the network."""
    text = expect_str(raw, file, key).rstrip("/")
    parts = urllib.parse.urlsplit(text)
    if parts.scheme == "https" and parts.hostname:
        return text
    if parts.scheme == "http" and parts.hostname and _loopback(parts.hostname):
        return text
    raise ConfigError(file, key, f"expected an https:// URL (http only to loopback), got {text!r}")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
