"""What the shell analysis may know besides the command: where it runs, what production looks
like, and two injected readers (files, live context such as the kube context), so that
``classify`` stays a pure function and tests need no cluster, no cloud and no disk."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from countersign.facts.shell.globs import fnmatches
from countersign.lazy_pattern import lazy
from countersign.records import field, record

TYPE_CHECKING = False  # typing stays off the guard's full path
if TYPE_CHECKING:
    from countersign.facts.shell.catalog import PackSet

# Names that mean production when nothing is configured: whole tokens, so "product" is not one.
_DEFAULT_PROD = lazy(r"(?:^|[^a-z0-9])(?:prod|production|prd|live)(?:$|[^a-z])", re.IGNORECASE)

SCRATCH_DIRS = (
    "node_modules",
    "build",
    "dist",
    "target",
    "out",
    ".venv",
    "venv",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".cache",
    "coverage",
    "htmlcov",
    ".next",
    ".nuxt",
    ".tox",
    ".nox",
    "tmp",
    ".tmp",
    ".gradle",
    ".parcel-cache",
    "*.egg-info",
)


@record(frozen=True)
class Production:
    """Glob patterns (case-insensitive) that mark production; empty lists use the default names."""

    kube_contexts: tuple[str, ...] = ()
    cloud_profiles: tuple[str, ...] = ()
    workspaces: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    env: tuple[str, ...] = ()  # "NAME" (any value that looks like production) or "NAME=glob"
    # Resources named in a command's arguments: stack, bucket, project, database, namespace,
    # cluster, index, topic... (``kubectl -n``, ``s3://BUCKET``, ``--project``, a pack's keys).
    resources: tuple[str, ...] = ()

    def names(self, kind: str, value: str | None) -> bool:
        """Is ``value`` (a kube context, profile, workspace, database host...) production?"""
        if not value:
            return False
        patterns: tuple[str, ...] = {
            "kube": self.kube_contexts,
            "cloud": self.cloud_profiles,
            "workspace": self.workspaces,
            "resource": self.resources,
        }.get(kind, ())
        if patterns:
            low = value.lower()
            return any(fnmatches(low, p.lower()) for p in patterns)
        return bool(_DEFAULT_PROD.search(value))

    def path(self, value: str | None) -> bool:
        if not value:
            return False
        if self.paths:
            return any(
                fnmatches(value, p) or fnmatches(value, p.rstrip("/") + "/*") for p in self.paths
            )
        return bool(_DEFAULT_PROD.search(value))

    def environment(self, env: Mapping[str, str]) -> str | None:
        """The first environment variable that says production, as ``NAME=value``."""
        for spec in self.env or (
            "ENV",
            "ENVIRONMENT",
            "APP_ENV",
            "STAGE",
            "DEPLOY_ENV",
            "RAILS_ENV",
        ):
            name, _, glob = spec.partition("=")
            value = env.get(name)
            if value is None:
                continue
            hit = fnmatches(value.lower(), glob.lower()) if glob else self.names("", value)
            if hit:
                return f"{name}={value}"
        return None


def _no_probe(_what: str) -> str | None:
    return None


# Branches whose history others build on, unless guard.yaml's protected_branches says otherwise.
PROTECTED_BRANCHES = (
    "main", "master", "trunk", "develop", "release/*", "release-*", "production", "prod", "stable",
)  # fmt: skip


# The files the gate itself stands on: any program that may write one is asked about. The guard
# adds the agents' hook settings (``guard.agents``).
GATE_PATHS = (".countersign/**", ".git/countersign/**", ".git/hooks/**", "~/.countersign/**")


@record(frozen=True)
class ShellContext:
    """Everything ``classify`` reads besides the command text.

    ``probe(what)`` answers live facts on demand (``kube-context``, ``terraform-workspace``,
    ``git-branch``, ``git-dirty``); ``read_file(path)`` returns a script's text (or None). The guard
    passes real ones; the hazards analyzer passes none and gets the conservative answers.
    """

    cwd: str | None = None
    project_root: str | None = None
    home: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    production: Production = field(default_factory=Production)
    scratch: tuple[str, ...] = SCRATCH_DIRS
    protected_paths: tuple[str, ...] = ()
    gate_paths: tuple[str, ...] = GATE_PATHS
    protected_branches: tuple[str, ...] = PROTECTED_BRANCHES
    probe: Callable[[str], str | None] = _no_probe
    read_file: Callable[[str], str | None] = field(default=lambda _p: None)
    packs: PackSet | None = None  # None: the shipped packs, none disabled
