"""Subcommands and flags of well-known tools that their own projects removed: a document that
still tells the reader to run them is stale whatever this repository's code says.

Each entry was checked against the tool's own repository (the release tag that still has it and
the first that does not), and names what to use instead. Only removals are listed, not
deprecations: a deprecated command still runs, a removed one fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Retired:
    """``program`` followed by ``words`` (and, where given, ``flag`` anywhere after them) no
    longer runs since ``release``. ``older`` matches a line that says it speaks of the older
    versions (``Helm 2``, ``Tiller``), which is then left alone."""

    program: str
    words: tuple[str, ...]
    flag: str
    release: str
    instead: str
    older: str = ""

    @property
    def text(self) -> str:
        return " ".join((self.program, *self.words, *((self.flag,) if self.flag else ())))

    @property
    def removed_on(self) -> date | None:
        """The day of the release that removed it (``release`` ends with it in parentheses)."""
        match = re.search(r"\((\d{4}-\d{2}-\d{2})\)$", self.release)
        return date.fromisoformat(match.group(1)) if match else None


_HELM2 = r"\bhelm\s*v?2\b|\btiller\b"
_HELM3 = "Helm 3.0.0 (2019-11-13)"
_GIT = "Git 2.34.0 (2021-11-14)"
_NPM9 = "npm 9.0.0 (2022-10-19)"
_SETUPTOOLS = "setuptools 72.0.0 (2024-07-28)"
_UNINSTALL = ("uninstall", "delete", "del", "un")
RETIRED: tuple[Retired, ...] = (
    Retired("helm", ("init",), "", _HELM3, "nothing: Helm 3 has no Tiller to set up", _HELM2),
    Retired("helm", ("reset",), "", _HELM3, "nothing: Helm 3 has no Tiller to remove", _HELM2),
    Retired("helm", ("serve",), "", _HELM3, "an HTTP server or an OCI registry", _HELM2),
    *(
        Retired(
            "helm",
            (word,),
            "--purge",
            _HELM3,
            f"helm {word} (it purges by default; --keep-history keeps the record)",
            _HELM2,
        )
        for word in _UNINSTALL
    ),
    Retired("kubectl", ("rolling-update",), "", "kubectl 1.18 (2020-03-26)", "kubectl rollout"),
    Retired("kubectl", ("get",), "--export", "kubectl 1.19 (2020-08-26)", "kubectl get -o yaml"),
    Retired("git", ("rebase",), "--preserve-merges", _GIT, "git rebase --rebase-merges"),
    Retired("git", ("pull",), "--rebase=preserve", _GIT, "git pull --rebase=merges"),
    Retired(
        "pip",
        ("install",),
        "--process-dependency-links",
        "pip 19.0 (2019-01-23)",
        "a direct reference requirement (name @ url)",
    ),
    Retired("pip", ("install",), "--download", "pip 10.0.0 (2018-04-14)", "pip download"),
    Retired(
        "virtualenv",
        (),
        "--no-site-packages",
        "virtualenv 20.0.0 (2020-02-10)",
        "nothing: it is the default",
    ),
    Retired("python", ("setup.py", "test"), "", _SETUPTOOLS, "the test runner itself (pytest)"),
    Retired("python3", ("setup.py", "test"), "", _SETUPTOOLS, "the test runner itself (pytest)"),
    Retired(
        "pytest",
        (),
        "--resultlog",
        "pytest 6.1.0 (2020-09-26)",
        "pytest --junitxml, or the pytest-reportlog plugin",
    ),
    Retired(
        "aws",
        ("ecr", "get-login"),
        "",
        "AWS CLI 2.0.0 (2020-02-10)",
        "aws ecr get-login-password | docker login --username AWS --password-stdin",
    ),
    Retired("npm", ("bin",), "", _NPM9, "npm exec, or $(npm prefix)/node_modules/.bin"),
    Retired("npm", ("set-script",), "", _NPM9, "npm pkg set scripts.NAME=COMMAND"),
)

PROGRAMS = frozenset(r.program for r in RETIRED)
# the words a line must hold for one of the entries to match (a cheap test before lexing)
WORDS = frozenset(w for r in RETIRED for w in (*r.words, r.flag.split("=")[0]) if w)


def retired(program: str, rest: list[str], line: str) -> Retired | None:
    """The retired form a command line uses, if any (``helm delete --purge web``)."""
    for entry in RETIRED:
        if entry.program != program or rest[: len(entry.words)] != list(entry.words):
            continue
        after = rest[len(entry.words) :]
        if entry.flag and not any(w == entry.flag or w.startswith(f"{entry.flag}=") for w in after):
            continue
        if entry.older and re.search(entry.older, line, re.IGNORECASE):
            continue  # the line speaks of the older versions
        return entry
    return None
