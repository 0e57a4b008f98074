"""What a document says of the past, which is a record and not advice: documents that are
history by their path (changelogs, release notes, proposals, dated posts), by their title or by a
notice at their top; older versions' pages beside a newer one; the sections and tables inside a
document that record what changed or went; and the lines and sentences that speak of then.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from countersign.facts.docs import Reference

_HISTORY_NAMES = re.compile(
    # a year's page of them too (gunicorn's ``docs/content/2024-news.md``); a migration page
    # (kedro's ``docs/about/migration.md``: what each version took away, and what instead),
    # not one about database migrations; a page's place in the docs' order before its name
    # (terragrunt's ``02-upgrading-to-terragrunt-0-19-x.md``)
    r"(^|/)(?:\d{1,4}[_-])?(change[s_-]?log|changes|history|news|release[s_-]?notes?|releases|"
    r"upgrad(?:e|ing)|migration[s_-]?guide|migration(?!s)|deprecat\w*|whats?[_-]?new)[^/]*$"
    # a release's announcement (django-rest-framework's ``docs/community/3.4-announcement.md``)
    r"|(^|/)[^/]*\d[^/]*[_-]announce(?:ment)?s?\.[a-z]+$|(^|/)announce(?:ment)?s?/"
    r"|(^|/)(releasenotes|release[_-]notes|changelog|changelogs|changes|history|whatsnew)/"
    # a directory of upgrade or migration guides (buildbot's ``docs/manual/upgrading/``,
    # terragrunt's numbered ``08-migrate/`` and ``06_migration_guides/``), not of database
    # migrations
    r"|(^|/)(?:\d{1,3}[_-])?(upgrading|upgrade[_-]?guides?|migrat(?:e|ing|ion)|"
    r"migration[_-]?guides?)/"
    # proposals and decision records say what was decided when, not how things are now; so do
    # design specifications (OpenStack's ``specs/``, its ``blueprints/``; not rspec's ``spec/``)
    r"|(^|/)(adr|adrs|decisions|proposals|rfcs?|seps?|peps?|peeps?|enhancements|plans|specs|"
    r"blueprints)/"
    # designs once built (velero's ``design/Implemented/``) or set aside (crossplane's
    # ``design/defunct/``), and designs named for their day (cert-manager's
    # ``design/20230302.gomod.md``)
    r"|(^|/)designs?/(?:implemented|accepted|completed|done|archived?|defunct|rejected|"
    r"superseded|obsolete|withdrawn)/"
    r"|(^|/)designs?/\d{8}[^/]*$"
    # a blog's posts: each tells of its day
    r"|(^|/)(_posts|blog)/"
    # a manual set aside when a new one began (pulpcore's ``old_docs/``: 2.x's pages beside
    # 3.0's), or archived
    r"|(^|/)(?:old[_-]?docs?|docs?[_-]old|legacy[_-]docs?|archived?|attic)/"
    # and so do plans and work logs (pipenv's ``docs/dev/modernization-plan.md``,
    # ``initiative-f-protocol.md``, ``modernization-prd.md``): what was to be done then
    r"|(^|/)(?:initiative|proposal|rfc|adr)[_-][^/]*$"
    r"|(^|/)(?:[^/]*[_-])?(?:plan|prd|roadmap|proposal)s?\.[a-z]+$"
    # a checklist for taking a version or a feature away (jaeger's
    # ``docs/release/remove-v1-checklist.md``): what is to go, not what is there
    r"|(^|/)[^/]*remov(?:e|al)[_-](?:v?\d[^/]*|[^/]*checklist[^/]*)$"
    r"|(^|/)[^/]*checklist[_-]remov[^/]*$"
    # towncrier's and scriv's fragments of the next changelog
    r"|(^|/)(news|newsfragments|changelog\.d|changes\.d|changelog_entries)/",
    re.IGNORECASE,
)


_PAST = re.compile(
    r"\b(removed|deprecated|renamed|no longer|formerly|previously|used to|was replaced|"
    r"were replaced|obsolete|legacy|dropped|before version|prior to|(?:older|earlier) versions?|"
    r"any ?more)\b"
    # what the line says is not there (etcd: "there is no ``./scripts/fix.sh`` in release-3.4")
    r"|\bthere (?:is|are) no\b|\b(?:does|do) not exist\b|\bdoesn't exist\b"
    r"|\s<=?\s*v?\d+\.\d+"
    # what something new took the place of (nova: "The new scripts replace older scripts")
    r"|(?:\bnew \w+ replace|\breplac(?:es|ed)) (?:the )?(?:older|old|previous|earlier)\b",
    re.IGNORECASE,
)
# where a sentence ends: what follows is another sentence
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")


def _dated_post(name: str) -> bool:
    """``2016-04-16-anatomy-of-a-test.md``: a page named for the day it was written."""
    return (
        len(name) > 11
        and name[4] == name[7] == "-"
        and name[10] in "-_"
        and (name[:4] + name[5:7] + name[8:10]).isdigit()
    )


# a word each name of ``_HISTORY_NAMES`` holds, looked for first (casefolded, as the pattern
# ignores case): most paths hold none, and the pattern costs twenty times as much
_HISTORY_WORDS = (
    *("change", "histor", "news", "release", "upgrad", "migrat", "deprecat", "what"),
    *("announce", "adr", "decision", "proposal", "rfc", "sep", "pep", "peep", "enhancement"),
    *("plan", "initiative", "prd", "roadmap", "_posts", "blog", "specs", "blueprint"),
    *("old", "legacy", "archive", "attic", "remov", "design"),
)


def is_history(path: str) -> bool:
    """A changelog, release notes or upgrade guide: it records how things were. So does a
    dated post (a blog's ``_posts/2016-04-16-anatomy-of-a-test.md``): what was so that day."""
    if _dated_post(path.rsplit("/", 1)[-1]):
        return True
    folded = path.casefold()
    if not any(word in folded for word in _HISTORY_WORDS):
        return False
    return bool(_HISTORY_NAMES.search(path))


# A page named for a version (``v200.adoc``, ``2.1.md``, ``v3.x.rst``; not a chapter's ``01.md``),
# or a directory of one version's pages (Docusaurus' ``versioned_docs/version-2.0/``)
_VERSION_NAME = re.compile(
    r"^(?:v|version-)(\d+(?:[._-]\d+)*)(?:[._-]x)?$|^(\d+(?:[._-]\d+)+)(?:[._-]x)?$"
)


# a directory of one release's pages (velero's ``site/content/docs/v1.3.0/``): a dotted
# version, not an API's ``v1`` or ``v1beta1``
_RELEASE_DIR = re.compile(r"^v?\d+(?:\.\d+)+(?:\.x)?$")


def _version(name: str) -> tuple[int, ...] | None:
    match = _VERSION_NAME.match(name.casefold())
    if match is None:
        return None
    return tuple(int(n) for n in re.split(r"[._-]", match.group(1) or match.group(2)))


def superseded(paths: Iterable[str]) -> frozenset[str]:
    """The documents of a version that a newer one stands beside (rdiff-backup's
    ``docs/api/v200.adoc`` next to ``v300.adoc``, kept "so that different versions can be
    easily compared"): each records its version's interface, what was; only the newest says
    how things are. A version is a page's name without its suffix, or a directory named
    ``version-N`` (a docs site's snapshot of an older release)."""
    paths = list(paths)
    newest: dict[str, tuple[int, ...]] = {}
    named: list[tuple[str, str, tuple[int, ...]]] = []
    for path in paths:
        parts = path.split("/")
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            if not last and not (
                part.casefold().startswith("version-") or _RELEASE_DIR.match(part.casefold())
            ):
                continue
            version = _version(part.rsplit(".", 1)[0] if last and "." in part else part)
            if version is None:
                continue
            parent = "/".join(parts[:depth])
            named.append((path, parent, version))
            if version > newest.get(parent, ()):
                newest[parent] = version
    return frozenset(path for path, parent, version in named if version < newest[parent])


# A section that records what changed (``History``, ``Change history``, ``Release notes``),
# as setuptools' pkg_resources.rst ends with one: what it says was so then, not advice now.
_HISTORY_HEADING = re.compile(
    r"^(?:change\s*log|changes|change\s+history|(?:release|version|revision)\s+(?:notes|history)"
    r"|history|what'?s\s+new\b.*|news"
    # ideas a project turned down (psutil's DEVNOTES.md): what was proposed, not what is
    r"|(?:rejected|abandoned|declined|dismissed)(?:\s+(?:ideas?|proposals?|features?|"
    r"alternatives?|options?|approaches?|designs?))?|alternatives\s+considered"
    # a plan's steps (picard's "Implementation Plan": "Implement `picard/profiles/cli.py`"):
    # what was to be written then
    r"|implementation\s+plan|roadmap)\s*:?$"
    # a section titled by a release (cibuildwheel's README kept its changelog as ``### 0.7.0``
    # sections): ``1.2.3``, ``v2.0 (2020-01-01)``, ``Version 1.4 - 2019-03-02``
    r"|^(?:(?:version|release)\s+)?v?\d+\.\d+(?:\.\d+)*(?:[\w.+-]*)(?:\s*[-(:\u2013\u2014].*)?$",
    re.IGNORECASE,
)
_UNDERLINE = re.compile(r"^([=\-~^*#+`:'\"._])\1{2,}\s*$")


# Every title ``_HISTORY_HEADING`` matches starts with one of these words or a version, after
# the heading's marks: a document with no such line start has no history section, and most
# documents are read without looking at each line's heading (tldr-pages: 38,000 pages)
_HISTORY_HINT = re.compile(
    r"^[\W_]*(?:change|histor|release|version|revision|what|news|rejected|abandoned|declined|"
    r"dismissed|alternatives|implementation\s+plan|roadmap|v?\d+\.\d)",
    re.IGNORECASE | re.MULTILINE,
)


def history_sections(text: str) -> frozenset[int]:
    """The numbers of the lines inside a history section, up to the next heading of the same
    or a higher level (Markdown ``#``, AsciiDoc ``=``, reStructuredText underlines, whose
    levels go by the order in which their styles first appear)."""
    if not _HISTORY_HINT.search(text):
        return frozenset()
    lines = text.split("\n")
    styles: list[str] = []
    inside: int | None = None  # the level of the history heading we are under
    out: set[int] = set()
    for i in range(len(lines)):
        level, title = _heading(lines, i, styles)
        if level is not None:
            if inside is not None and level <= inside:
                inside = None
            if inside is None and _HISTORY_HEADING.match(title.strip().strip("*_`")):
                inside = level
                continue
        if inside is not None:
            out.add(i + 1)
    return frozenset(out)


_ATX_HEADING = re.compile(r"^(#{1,6}|={1,6})\s+(.+?)\s*#*$")


def _heading(lines: list[str], i: int, styles: list[str]) -> tuple[int | None, str]:
    line = lines[i]
    if match := _ATX_HEADING.match(line):
        return len(match.group(1)), match.group(2)
    if (
        line.strip()
        and not _UNDERLINE.match(line)
        and i + 1 < len(lines)
        and (under := _UNDERLINE.match(lines[i + 1]))
        and len(lines[i + 1].rstrip()) >= len(line.rstrip()) - 2
    ):
        over = i > 0 and _UNDERLINE.match(lines[i - 1]) is not None
        style = ("over" if over else "") + under.group(1)
        if style not in styles:
            styles.append(style)
        return 10 + styles.index(style), line  # after Markdown's levels: files use one kind
    return None, ""


# A title naming a version as what the page is about: a release (``shipit 4.0 release notes``,
# ``What's new in 3.1``), an upgrade (``Upgrading to shipit 2.0``) or a history told under the
# version's name (pytest's ``pytest-2.3: reasoning for fixture/funcarg evolution``). A version
# of something else (``OAuth 2.0``, ``Python 3.12``) says what the page is about now.
_VERSION = r"v?\d+\.\d+(?:\.\d+)*"
_HISTORY_TITLE = re.compile(
    rf"\b[A-Za-z][\w.]*-{_VERSION}\b"
    rf"|\b(?:release[sd]?|what'?s\s+new|changes|changed|upgrad\w*|migrat\w*|evolution|"
    rf"history|reasoning|announc\w*|roadmap|transition\w*)\b.*\b{_VERSION}\b"
    rf"|\b{_VERSION}\b.*\b(?:release[sd]?|what'?s\s+new|changes|changed|upgrad\w*|"
    rf"migrat\w*|evolution|history|reasoning|announc\w*)\b",
    re.IGNORECASE,
)
_TITLE_LINES = 40
_RULE = re.compile(r"([=\-~^*#])\1{2,}")


# A notice near a document's top that it is kept only as a record (setuptools'
# pkg_resources.rst: "This documentation is retained solely for historical purposes", with
# ``.. version-removed::``), or that it tells how things were ("Historically, setuptools
# allowed running commands via a setup.py script").
_KEPT_FOR_HISTORY = re.compile(
    r"retained (?:solely |only )?for historical|for historical (?:purposes|reference|interest)"
    r"|kept (?:only )?for (?:reference|the record)|\b(?:page|document) is (?:archived|obsolete)"
    r"|version-?removed::|^\s*historically,",
    re.IGNORECASE | re.MULTILINE,
)


# a word each of those notices holds, looked for first (casefolded, as the pattern ignores case)
_KEPT_WORDS = ("histor", "kept", "archived", "obsolete", "removed::")


def _head(text: str) -> str:
    """The document's first ``_TITLE_LINES`` lines, as one text."""
    end = -1
    for _ in range(_TITLE_LINES):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    return text[:end]


def kept_for_history(text: str) -> bool:
    head = _head(text)
    folded = head.casefold()
    if not any(word in folded for word in _KEPT_WORDS):
        return False
    return bool(_KEPT_FOR_HISTORY.search(head))


def history_title(text: str) -> bool:
    """Whether the document's first title names a version of the past (see ``_HISTORY_TITLE``):
    its front matter's ``title:`` (a docs site's page: terragrunt's ``title: Upgrading to
    Terragrunt 0.19.x``), else its first heading."""
    lines = _head(text).split("\n")
    if text.startswith("---") and (title := _front_matter_title(lines)):
        return bool(_HISTORY_TITLE.search(title))
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        title = ""
        if match := re.match(r"^(?:#{1,2}|={1,2})\s+(.+)$", stripped):
            title = match.group(1)  # Markdown's ``#`` or AsciiDoc's ``=``
        elif (
            i + 1 < len(lines)
            and _RULE.fullmatch(lines[i + 1].strip())
            and not _RULE.fullmatch(stripped)
        ):
            title = stripped  # reStructuredText: the text above its underline
        if title:
            return bool(_HISTORY_TITLE.search(title))
    return False


def _front_matter_title(lines: list[str]) -> str:
    """The ``title:`` of a YAML front matter block (between the first two ``---`` lines)."""
    if lines[0].strip() != "---":
        return ""
    for line in lines[1:]:
        if line.strip() == "---":
            break
        if match := re.match(r"^title:\s*[\"']?(.+?)[\"']?\s*$", line):
            return match.group(1)
    return ""


def past_sentence_runs_on(before: str, text: str, named: list[Reference]) -> list[Reference]:
    """The references left once those in a sentence about the past are dropped, where that
    sentence began on the line before (nova: "... replace older experimental scripts that could
    be found in the" / "``nova/wsgi`` directory"): the references up to the line's first
    sentence end belong to it. A past sentence that ended on the line before takes nothing."""
    tail = _SENTENCE_END.split(before)[-1]
    if not _PAST.search(tail):
        return named
    head = _SENTENCE_END.split(text, maxsplit=1)[0]
    return [r for r in named if r.text not in head]


# a paragraph that opens on how things were (bifrost's note: "Previous versions of Bifrost
# recommended ... Doing this requires setting ``OS_AUTH_TOKEN`` ..."): all of it tells of then
_TOLD = re.compile(
    r"^(?:previous|older|earlier|prior) (?:versions|releases) (?:of|used|recommended|required)\b"
    r"|^(?:historically|formerly),?\s|^in (?:the )?(?:past|old(?:er)? versions)\b",
    re.IGNORECASE,
)


def rename_tables(text: str) -> frozenset[int]:
    """The lines of a table whose header pairs an old name with a new one ("Old name" / "New
    name", "Deprecated" / "Replacement"): each row records a rename, not advice to use the
    old name. reStructuredText's ``list-table`` spreads a row over several lines, so the row
    alone does not show it (``maps_names`` reads one-line rows)."""
    if "list-table::" not in text or not _OLD_HEADER.search(text):
        return frozenset()
    lines = text.split("\n")
    out: set[int] = set()
    i = 0
    while i < len(lines):
        if _LIST_TABLE.match(lines[i]):
            indent = len(lines[i]) - len(lines[i].lstrip())
            end = i + 1
            while end < len(lines) and (
                not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
            ):
                end += 1
            cells = [c.strip().lstrip("*-").strip() for c in lines[i + 1 : end] if c.strip()]
            cells = [c for c in cells if c and not c.startswith(":")]
            if len(cells) >= 2 and _pairs_old_and_new(cells[0], cells[1]):
                out.update(range(i + 1, end + 1))
            i = end
            continue
        i += 1
    return frozenset(out)


def removal_tables(text: str) -> frozenset[int]:
    """The rows of a Markdown table whose first column is headed by a removal ("To remove",
    "Removed", "Deleted", "Dropped"): picard's design page lists what its redesign was to take
    away, with the reason; each row names something as gone or going, not as there."""
    # a table's rule line holds ``---`` (tldr-pages' pages hold shell pipes, and searching each
    # for a removal header cost a seventh of their reading)
    if "|" not in text or "---" not in text or not _REMOVAL_HEADER.search(text):
        return frozenset()
    lines = text.split("\n")
    out: set[int] = set()
    for i in range(len(lines) - 1):
        first = lines[i].strip().strip("|").split("|", 1)[0].strip().strip("*_`")
        if not (
            lines[i].lstrip().startswith("|")
            and _TABLE_RULE.match(lines[i + 1].strip())
            and _REMOVAL_HEADER.fullmatch(first)
        ):
            continue
        end = i + 2
        while end < len(lines) and lines[end].lstrip().startswith("|"):
            end += 1
            out.add(end)  # the row's number (lines count from 1)
    return frozenset(out)


# a note under a heading that what it documents is gone (meson's ``*(removed in 1.0.0)*``,
# Sphinx's ``.. versionremoved:: 2.0``)
_REMOVED_NOTE = re.compile(
    r"\b(?:removed|dropped|deleted)\s+(?:in|since|as of|with)\s+(?:version\s+|release\s+)?v?\d"
    r"|versionremoved::|\bno longer (?:exists|available)\b",
    re.IGNORECASE,
)
_NOTE_LINES = 3
# a section titled by what went (lego's migration guide: "## Removed elements", then the list
# of what the release took away)
_REMOVED_TITLE = re.compile(
    r"^(?:removed|removals?|deleted|dropped|retired)(?:\s+[\w-]+){0,3}\s*:?$", re.IGNORECASE
)


def removed_sections(text: str) -> frozenset[int]:
    """The lines of a section whose heading is followed, within its first few lines, by a note
    that what it documents was removed (meson's Java module page: ``### generate_native_header()``,
    then ``*(removed in 1.0.0)*``): a record of the removal, up to the next heading of the same
    or a higher level."""
    folded = text.casefold()
    if (
        "remov" not in folded
        and "retired" not in folded
        and "dropped" not in folded
        and "deleted" not in folded
        and ("no longer" not in folded)
    ):
        return frozenset()
    lines = text.split("\n")
    styles: list[str] = []
    out: set[int] = set()
    inside: int | None = None
    for i in range(len(lines)):
        level, title = _heading(lines, i, styles)
        if level is None:
            if inside is not None:
                out.add(i + 1)
            continue
        if inside is not None and level <= inside:
            inside = None
        if inside is not None:
            out.add(i + 1)
            continue
        if _REMOVED_TITLE.match(title.strip().strip("*_`")):
            inside = level
            out.add(i + 1)
            continue
        note: list[str] = []
        for j in range(i + 1, min(i + 8, len(lines))):
            if _ATX_HEADING.match(lines[j]) or (
                j + 1 < len(lines) and lines[j].strip() and _UNDERLINE.match(lines[j + 1])
            ):
                break  # the note is the section's own, before any heading under it
            if lines[j].strip() and not _UNDERLINE.match(lines[j]):
                note.append(lines[j])
        if any(_REMOVED_NOTE.search(n) for n in note[:_NOTE_LINES]):
            inside = level
            out.add(i + 1)
    return frozenset(out)


_REMOVAL_HEADER = re.compile(
    r"(?:to\s+(?:be\s+)?)?(?:remove|removed|removal|delete|deleted|drop|dropped|retire|retired)"
    r"(?:\s+\w+)?",
    re.IGNORECASE,
)
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_OLD_HEADER = re.compile(r"\b(?:old|deprecated|former|previous)\b", re.IGNORECASE)
_LIST_TABLE = re.compile(r"^\s*\.\.\s+list-table::")
_NEW_HEADER = re.compile(r"\b(?:new|replacement|replaced\s+by|current|now)\b", re.IGNORECASE)


def _pairs_old_and_new(first: str, second: str) -> bool:
    return bool(_OLD_HEADER.search(first)) and bool(_NEW_HEADER.search(second))


_ARROW = re.compile(r"`\s*(?:->|→|=>|⇒|-->)\s*(?::[\w:-]+:)?`")
_NAME_CELL = re.compile(r"^(?::[\w:-]+:)?(`+)([A-Za-z_][\w.-]*)\1_?$")


def maps_names(text: str) -> bool:
    """A line that pairs names with names: ``OLD -> NEW``, or a table row whose every cell is
    one name (``CELERY_QUEUES`` | ``task_queues``). That is a table of renames or aliases,
    which records history rather than advises using the old name."""
    if _ARROW.search(text):
        return True
    stripped = text.strip()
    if stripped.startswith("|"):
        cells = [c.strip() for c in stripped.strip("|").split("|")]
    else:
        cells = [c.strip() for c in re.split(r"\s{2,}", stripped)]
    names = [
        m.group(2)
        for c in cells
        if c and (m := _NAME_CELL.match(c)) and m.group(2).lower() not in _VALUES
    ]
    return (
        len(names) >= 2
        and len(names) == len([c for c in cells if c])
        and any(re.search(r"\w[_.-]\w", n) for n in names)
    )


_VALUES = frozenset({"true", "false", "none", "null", "nil", "yes", "no", "on", "off"})


def is_record(path: str, text: str) -> bool:
    """Whether the whole document records how things were: by its path, its first title, or a
    notice near its top."""
    return is_history(path) or history_title(text) or kept_for_history(text)


def past_lines(text: str) -> frozenset[int]:
    """The numbers of the lines inside the document's records: history sections, tables of
    renames and of removals, and sections of what was removed."""
    return (
        history_sections(text) | rename_tables(text) | removal_tables(text) | removed_sections(text)
    )


def speaks_of_the_past(text: str) -> bool:
    """A line about the past (``removed in 2.0``, ``formerly``) or one that pairs old names with
    new ones: it records history rather than advises."""
    return _PAST.search(text) is not None or maps_names(text)


def opens_on_the_past(text: str) -> bool:
    """A paragraph's first line that opens on how things were (see ``_TOLD``)."""
    return _TOLD.match(text) is not None
