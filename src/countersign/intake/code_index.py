"""What documentation freshness is judged against, as read from git by ``intake.docs``: the code
at a revision (``CodeIndex``) and the commits that removed or renamed things (``Evidence``)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

DOC_SUFFIXES = (".md", ".markdown", ".mdx", ".rst", ".rest", ".adoc", ".asciidoc", ".asc")


# Directories of vendored libraries: their documents speak of their own code, and the history of
# their code is churn, not evidence of what this repository removed.
VENDORED = ("vendor", "node_modules", "third_party", "third-party", "external")


def is_doc(path: str) -> bool:
    return path.lower().endswith(DOC_SUFFIXES)


_TEST_DIRS = frozenset({"test", "tests", "testing", "testdata", "__tests__", "e2e", "fixtures"})
_TEST_FILE = re.compile(
    r"(_test\.go|\.(test|spec)\.[cm]?[jt]sx?|^test_.*\.py|_test\.py|^conftest\.py)$"
)


def is_test_path(path: str) -> bool:
    """A test, its fixtures or its data: code that uses the names it spells, not declares them."""
    parts = path.split("/")
    return bool(_TEST_FILE.search(parts[-1])) or any(p in _TEST_DIRS for p in parts[:-1])


# towncrier's and scriv's directories of fragments of the next changelog
FRAGMENT_DIRS = frozenset(
    {"changelog", "changes", "news", "newsfragments", "changelog.d", "changes.d", "unreleased"}
)
# named for an issue (``2574.bugfix``), orphan (``+fix-typo.doc.rst``), or any name with a
# fragment type (pipenv's ``T_F.6.behavior.rst``)
_FRAGMENT = re.compile(
    r"^(?:\+[\w.-]+|\d[\w-]*)\.[a-z]+(?:\.\w+)?$"
    r"|^[\w.-]+\.(?:feature|bugfix|doc|docs|removal|misc|trivial|behaviou?r|vendor|breaking|"
    r"deprecation|security|improvement|fix|added|changed|removed|fixed|packaging|internal)"
    r"(?:\.(?:rst|md|txt))?$"
)


def fragment(path: str) -> bool:
    """A fragment of the next changelog (``changelog/2574.bugfix``, pulpcore's
    ``CHANGES/4832.feature``): named for an issue, and taken away by design when a release
    gathers it. Not code, whatever its suffix."""
    parts = path.strip("/").split("/")
    return (
        len(parts) >= 2 and parts[-2].lower() in FRAGMENT_DIRS and bool(_FRAGMENT.match(parts[-1]))
    )


@dataclass(frozen=True)
class Evidence:
    """The commit that removed or renamed a referent, and when."""

    commit: str
    date: str
    subject: str = ""
    renamed_to: str = ""
    # the removed line defined the name (``def name``, ``func name``...), not merely used it
    defined: bool = False
    # every line that held the name went with its whole file (a script retired, or moved to
    # another repository): what it read may well be read elsewhere now
    whole_file: bool = False
    # the same commit put a new dependency in a manifest (``"python-discovery>=1"``): the code
    # may have moved into that package, which still reads the name
    to_dependency: bool = False
    # the same commit imported, from a package not the repository's own, what its subject says
    # the code moved to (``osc-lib: api.auth`` adding ``from osc_lib.api.auth import *``): the
    # name may live on in that library
    to_library: str = ""


@dataclass(frozen=True)
class CodeIndex:
    """The code at the revision checked: its files, the needles found in its non-document files,
    its ``make`` targets and package scripts (``None`` where it has no Makefile or package.json)."""

    paths: frozenset[str]
    tokens: frozenset[str] = frozenset()
    make_targets: frozenset[str] | None = None
    scripts: frozenset[str] | None = None
    # the prefixes a pattern rule routes every goal to (prometheus' ``%: common-% ;``)
    make_routes: frozenset[str] = frozenset()
    # the root .gitignore's patterns: a path they match is produced (a build or coverage
    # report), not kept, so a document that names it is not contradicted by its absence
    ignored: tuple[str, ...] = ()
    # the command-line programs the repository ships (from its manifests)
    commands: frozenset[str] = frozenset()
    # the submodules' directories (``tests/pypi``): what is under them is another repository's
    submodules: frozenset[str] = frozenset()
    # the parameters of the Python functions and classes that documents call with keywords:
    # name -> every parameter name its definitions take (None: one takes ``**kwargs``, or a
    # class defines no ``__init__``, so any keyword may hold)
    signatures: Mapping[str, frozenset[str] | None] = field(default_factory=dict)
    # where the wheel installs data the tree keeps: (installed directory, source directory)
    installed: tuple[tuple[str, str], ...] = ()

    def is_ignored(self, path: str) -> bool:
        """Whether ``path`` (or a directory above it) matches the ignore patterns, as git
        reads them: the last matching pattern wins, ``!`` re-includes, a pattern with no
        inner ``/`` matches a name at any depth, a trailing ``/`` only directories."""
        parts = path.split("/")
        verdict = False
        for raw in self.ignored:
            negate = raw.startswith("!")
            pattern = raw[1:] if negate else raw
            only_dirs = pattern.endswith("/")
            pattern = pattern.rstrip("/")
            anchored = "/" in pattern
            pattern = pattern.lstrip("/")
            if not pattern:
                continue
            for depth in range(1, len(parts) + 1):
                if only_dirs and depth == len(parts) and path in self.paths:
                    continue  # a file, not a directory
                prefix = "/".join(parts[:depth])
                name = parts[depth - 1]
                if fnmatch.fnmatchcase(prefix if anchored else name, pattern):
                    verdict = not negate
                    break
        return verdict

    def ignored_by_name(self, path: str) -> bool:
        """Whether an ignore pattern names this very file, with no wildcard (``/cli.md`` in
        ``docs/reference/.gitignore``): a file a build writes there, not one kept."""
        for raw in self.ignored:
            if raw.startswith("!") or any(c in raw for c in "*?["):
                continue
            pattern = raw.rstrip("/")
            if pattern.lstrip("/") == path or ("/" not in pattern and path.endswith(f"/{pattern}")):
                return True
        return False

    def ignores_under(self, path: str) -> bool:
        """Whether an ignore pattern names a file under the directory ``path``
        (``doc/source/_static/cinder.conf.sample``): a directory a build writes into."""
        return any(
            not raw.startswith("!") and raw.lstrip("/").startswith(f"{path}/")
            for raw in self.ignored
        )

    def in_submodule(self, path: str) -> bool:
        return any(path == s or path.startswith(f"{s}/") for s in self.submodules)

    @cached_property
    def top_packages(self) -> tuple[str, ...]:
        """The Python packages at the root or one level down (``readthedocs/``,
        ``src/pip/``), each with its trailing slash: where a module named from inside its
        package (``core.search_sites``) is looked for."""
        return tuple(
            sorted(
                f"{p[: -len('/__init__.py')]}/"
                for p in self.paths
                if p.endswith("/__init__.py") and p.count("/") <= 2
            )
        )

    @cached_property
    def subproject_roots(self) -> tuple[str, ...]:
        """The directories below the root that hold a project's manifest, and their ``src/``
        (``pyodide-build/``, ``pyodide-build/src/``): a monorepo's parts."""
        manifests = {"pyproject.toml", "setup.py", "setup.cfg"}
        roots = {
            p.rsplit("/", 1)[0] + "/"
            for p in self.paths
            if "/" in p and p.rsplit("/", 1)[1] in manifests and p.count("/") <= 2
        }
        return tuple(sorted(roots | {f"{r}src/" for r in roots}))

    @cached_property
    def dirs(self) -> frozenset[str]:
        found: set[str] = set()
        for path in self.paths:
            parts = path.split("/")[:-1]
            found.update("/".join(parts[: i + 1]) for i in range(len(parts)))
        return frozenset(found)

    @cached_property
    def management_commands(self) -> frozenset[str]:
        """Django's management commands: each ``management/commands/<name>.py`` is a subcommand
        of ``manage.py`` and of the programs that wrap it (pulpcore's ``pulpcore-manager``)."""
        marker = "/management/commands/"
        return frozenset(
            name
            for path in self.paths
            if marker in path
            and path.endswith(".py")
            and not (name := path.rsplit("/", 1)[-1][:-3]).startswith("_")
        )

    @cached_property
    def basenames(self) -> frozenset[str]:
        return frozenset(p.rsplit("/", 1)[-1] for p in self.paths)
