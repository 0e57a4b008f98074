"""What documentation freshness is judged against, as read from git by ``intake.docs``: the code
at a revision (``CodeIndex``) and the commits that removed or renamed things (``Evidence``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

DOC_SUFFIXES = (".md", ".markdown", ".mdx", ".rst", ".rest", ".adoc", ".asciidoc", ".asc")


# Directories of vendored libraries: their documents speak of their own code, and the history of
# their code is churn, not evidence of what this repository removed.
VENDORED = ("vendor", "node_modules", "third_party", "third-party", "external")


def is_doc(path: str) -> bool:
    return path.lower().endswith(DOC_SUFFIXES)


@dataclass(frozen=True)
class Evidence:
    """The commit that removed or renamed a referent, and when."""

    commit: str
    date: str
    subject: str = ""
    renamed_to: str = ""
    # the removed line defined the name (``def name``, ``func name``...), not merely used it
    defined: bool = False


@dataclass(frozen=True)
class CodeIndex:
    """The code at the revision checked: its files, the needles found in its non-document files,
    its ``make`` targets and package scripts (``None`` where it has no Makefile or package.json)."""

    paths: frozenset[str]
    tokens: frozenset[str] = frozenset()
    make_targets: frozenset[str] | None = None
    scripts: frozenset[str] | None = None

    @cached_property
    def dirs(self) -> frozenset[str]:
        found: set[str] = set()
        for path in self.paths:
            parts = path.split("/")[:-1]
            found.update("/".join(parts[: i + 1]) for i in range(len(parts)))
        return frozenset(found)

    @cached_property
    def basenames(self) -> frozenset[str]:
        return frozenset(p.rsplit("/", 1)[-1] for p in self.paths)
