"""Find the references a document makes to this repository: paths, its own commands with their
subcommands and flags, ``make`` targets and package scripts, environment variables, functions
and configuration keys.

What is not advice is left out: code in other languages, placeholders (``path/to/<file>``),
lines that speak of the past (``removed in 2.0``, ``formerly``), and changelogs or release notes
as a whole, which record history rather than say how things are.
"""

from __future__ import annotations

import ast
import re
import shlex
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property

from countersign.facts.docs import Kind, Reference, tools
from countersign.facts.docs.blocks import Line, Role, lines_of

_HISTORY_NAMES = re.compile(
    # a year's page of them too (gunicorn's ``docs/content/2024-news.md``); a migration page
    # (kedro's ``docs/about/migration.md``: what each version took away, and what instead),
    # not one about database migrations
    r"(^|/)(?:\d{4}[_-])?(change[s_-]?log|changes|history|news|release[s_-]?notes?|releases|"
    r"upgrad(?:e|ing)|migration[s_-]?guide|migration(?!s)|deprecat\w*|whats?[_-]?new)[^/]*$"
    # a release's announcement (django-rest-framework's ``docs/community/3.4-announcement.md``)
    r"|(^|/)[^/]*\d[^/]*[_-]announce(?:ment)?s?\.[a-z]+$|(^|/)announce(?:ment)?s?/"
    r"|(^|/)(releasenotes|release[_-]notes|changelog|changelogs|changes|history|whatsnew)/"
    # a directory of upgrade guides (buildbot's ``docs/manual/upgrading/``)
    r"|(^|/)(upgrading|upgrade[_-]?guides?)/"
    # proposals and decision records say what was decided when, not how things are now; so do
    # design specifications (OpenStack's ``specs/``, its ``blueprints/``; not rspec's ``spec/``)
    r"|(^|/)(adr|adrs|decisions|proposals|rfcs?|seps?|peps?|peeps?|enhancements|plans|specs|"
    r"blueprints)/"
    # designs once built (velero's ``design/Implemented/``), and designs named for their day
    # (cert-manager's ``design/20230302.gomod.md``)
    r"|(^|/)designs?/(?:implemented|accepted|completed|done|archived?)/"
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
_PLACEHOLDER = re.compile(
    r"[<>{}*?\[\]|]|\.\.\.|…|\b(example|examples|your|yours|my|foo|bar|baz|qux|xxx|some|"
    r"path/to|placeholder|sample)\b|(?<![A-Za-z0-9])(?:my|your|some)_",
    re.IGNORECASE,
)
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_MD_LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|^\s*\[[^\]]+\]:\s*(\S+)")
_RST_LINK = re.compile(
    r"`[^`<]*<([^>`]+)>`_{1,2}|:(?:download|doc):`([^`]+)`|:file:`([^`]*/[^`]*)`"
)
_ADOC_LINK = re.compile(r"\b(?:link|xref|include|image)::?([^\s\[]+)\[")
# what a line holds wherever the pattern can match it: ``](``, or ``]:`` (a link definition);
# ``>`_`` or a role's ``:`` before its backquote; an AsciiDoc macro's ``:`` and ``[``
_LINK_MARKS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (_MD_LINK, ("](", "]:")),
    (_RST_LINK, (">`_", ":`")),
    (_ADOC_LINK, ("[",)),
)
_ENV = re.compile(r"^\$?\{?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\}?$")
_ENV_IN_SHELL = re.compile(r"\$\{?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b")
_SYMBOL = re.compile(r"^((?:[A-Za-z_][A-Za-z0-9_]*\.)*([A-Za-z_][A-Za-z0-9_]{2,}))\(\)$")
_DOTTED_KEY = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$")
_FLAG = re.compile(r"^--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?:=.*)?$")
_WORD = re.compile(r"^[a-z][a-z0-9-]*$")
_FILE_SUFFIX = re.compile(
    r"\.(py|go|rs|js|jsx|ts|tsx|java|kt|rb|php|c|h|cc|cpp|hpp|cs|sh|bash|yaml|yml|json|toml|ini|"
    r"cfg|conf|md|rst|adoc|txt|sql|tf|proto|xml|html|css|scss|lock|mod|sum|gradle|properties|"
    r"env|j2|tpl)$"
)
_PROMPTS = ("$ ", "% ", "> ", "# ")


@dataclass(frozen=True)
class Vocabulary:
    """What the repository names, so prose is read against it: its own command-line programs,
    whether it has a Makefile, the package scripts it declares, and the names it goes by (its
    projects' names in its manifests, its top-level directories), which tell a clone of it from
    a clone of another repository."""

    commands: frozenset[str] = frozenset()
    make: bool = False
    package_scripts: bool = False
    names: frozenset[str] = frozenset()

    def is_own(self, name: str) -> bool:
        """Whether a repository cloned as ``name`` is this one (case, ``-`` and ``_`` aside)."""
        folded = _fold(name)
        return any(_fold(n) == folded for n in self.names | self.commands)

    @cached_property
    def command_word(self) -> re.Pattern[str] | None:
        """One pattern for "the line names one of the commands", not one search per command."""
        if not self.commands:
            return None
        names = "|".join(re.escape(c) for c in sorted(self.commands, key=len, reverse=True))
        return re.compile(rf"\b(?:{names})\b")


def _fold(name: str) -> str:
    return name.casefold().replace("_", "-").removeprefix("python-")


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
    *("change", "histor", "news", "release", "upgrad", "migration", "deprecat", "what"),
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


def _kept_for_history(text: str) -> bool:
    head = _head(text)
    folded = head.casefold()
    if not any(word in folded for word in _KEPT_WORDS):
        return False
    return bool(_KEPT_FOR_HISTORY.search(head))


def _history_title(text: str) -> bool:
    """Whether the document's first title names a version of the past (see ``_HISTORY_TITLE``)."""
    lines = _head(text).split("\n")
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


def references(path: str, text: str, vocabulary: Vocabulary) -> tuple[Reference, ...]:
    if is_history(path) or _history_title(text) or _kept_for_history(text):
        return ()
    lines = list(lines_of(path, text))
    named_at = _named(path, lines, vocabulary)
    if not named_at:
        return ()  # what is around a line only takes references away: none to take
    found: list[Reference] = []
    own: set[str] = set()  # names the document's own code defines: its example, not the code's
    past = (
        history_sections(text) | rename_tables(text) | removal_tables(text) | removed_sections(text)
    )
    block: list[str] = []  # the code block's lines so far: after a Makefile generator, ``make``
    cloned: set[str] = set()  # every clone of another repository the document makes
    clones: set[str] = set()  # the block's clones of other repositories, by directory
    elsewhere = False  # the block has gone into one of them: its paths and targets are theirs
    previous = ""  # the prose line before, for a sentence that runs over two lines
    told = False  # the paragraph opened on the past (bifrost's "Previous versions of ...")
    for line in lines:
        if line.number in past:
            continue
        before, previous = previous, line.text if line.role is Role.PROSE else ""
        if line.role is Role.PROSE:
            if line.text.strip():
                if not before.strip():
                    told = _TOLD.match(line.text.strip()) is not None
                block, clones, elsewhere = [], set(), False
            else:
                told = False
        else:
            own.update(m.group(1) or m.group(2) for m in _DEFINITION.finditer(line.text))
            if "$(" in line.text or "`" in line.text:
                own.update(_COMPUTED.findall(line.text))
            block.append(line.text)
            if "clone" in line.text or clones:
                elsewhere = _into_clone(line.text, clones, vocabulary, elsewhere)
                cloned |= clones
        if told and line.role is Role.PROSE:
            continue
        named = list(named_at.get(line.number, ()))
        if not named:
            continue
        if any(r.kind is Kind.MAKE_TARGET for r in named) and (
            _READERS_MAKEFILE.search(line.text) or any(map(_GENERATES_MAKEFILE.search, block))
        ):
            named = [r for r in named if r.kind is not Kind.MAKE_TARGET]
        if named and elsewhere:
            # the clone's paths, targets and scripts; and the variables its tools are run with,
            # unless the line runs one of the repository's own programs
            runs_own = any(r.kind in {Kind.COMMAND, Kind.FLAG} for r in named)
            named = [
                r
                for r in named
                if r.kind not in _WORKING_TREE and (runs_own or r.kind is not Kind.ENV)
            ]
        if named and line.role is Role.PROSE and " with" in line.text:
            named = [r for r in named if not _to_replace(before, line.text, r.text)]
        if named and line.role is Role.PROSE and before:
            named = _past_sentence_runs_on(before, line.text, named)
        # most lines name nothing: only those that do are asked whether they speak of the past
        if named and not (_PAST.search(line.text) or _maps_names(line.text)):
            found.extend(named)
    kept = (r for r in found if not (r.kind in _DEFINABLE and r.needle in own))
    if cloned:
        other = ", ".join(sorted(cloned))
        kept = (replace(r, elsewhere=other) if r.kind is Kind.PATH else r for r in kept)
    return tuple(dict.fromkeys(kept))


def _past_sentence_runs_on(before: str, text: str, named: list[Reference]) -> list[Reference]:
    """The references left once those in a sentence about the past are dropped, where that
    sentence began on the line before (nova: "... replace older experimental scripts that could
    be found in the" / "``nova/wsgi`` directory"): the references up to the line's first
    sentence end belong to it. A past sentence that ended on the line before takes nothing."""
    tail = _SENTENCE_END.split(before)[-1]
    if not _PAST.search(tail):
        return named
    head = _SENTENCE_END.split(text, maxsplit=1)[0]
    return [r for r in named if r.text not in head]


def _named(path: str, lines: Iterable[Line], vocabulary: Vocabulary) -> dict[int, list[Reference]]:
    """What each line names read alone, by line number, for the lines that name something.
    Most documents name nothing (tldr-pages: 345 of 38,430 pages): those are read no further,
    and the others' lines are not read twice."""
    out: dict[int, list[Reference]] = {}
    for line in lines:
        if line.role is Role.PROSE:
            if not _marked(line.text):
                continue  # prose with no code span and no link names nothing
            named = list(_prose(path, line, vocabulary))
        elif line.role in _NOT_READ:
            continue
        else:
            named = list(_shell(path, line, vocabulary, strict=line.role is not Role.SHELL))
        if named:
            out[line.number] = named
    return out


_NOT_READ = frozenset({Role.OTHER, Role.HISTORY})


# a paragraph that opens on how things were (bifrost's note: "Previous versions of Bifrost
# recommended ... Doing this requires setting ``OS_AUTH_TOKEN`` ..."): all of it tells of then
_TOLD = re.compile(
    r"^(?:previous|older|earlier|prior) (?:versions|releases) (?:of|used|recommended|required)\b"
    r"|^(?:historically|formerly),?\s|^in (?:the )?(?:past|old(?:er)? versions)\b",
    re.IGNORECASE,
)
# what a command reads from the directory it runs in: after ``cd`` into another repository's
# clone, that repository's
_WORKING_TREE = frozenset({Kind.PATH, Kind.MAKE_TARGET, Kind.SCRIPT})


# ``git clone``'s options that take a value as the next word
_CLONE_OPTIONS = frozenset(
    {"-b", "--branch", "--depth", "-o", "--origin", "-c", "--config", "--reference", "-j"}
    | {"--jobs", "--filter", "--separate-git-dir", "-u", "--upload-pack", "--template"}
)


def _operands(words: list[str], valued: frozenset[str]) -> list[str]:
    """The words that are no option nor an option's value."""
    out: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in valued
        else:
            out.append(word)
    return out


def _into_clone(text: str, clones: set[str], vocabulary: Vocabulary, inside: bool) -> bool:
    """Follow a code block's ``git clone URL [DIR]`` of another repository and ``cd``/``pushd``
    into it: whether the block's next commands run in that clone (heat's guide clones oz,
    ``pushd oz``, then ``make rpm``: oz's Makefile, not heat's)."""
    for words in _segments(text.strip().removeprefix("$ ")):
        if len(words) >= 3 and words[0] == "git" and "clone" in words[1:3]:
            operands = _operands(words[words.index("clone") + 1 :], _CLONE_OPTIONS)
            if operands:
                name = (operands[1] if len(operands) > 1 else operands[0]).rstrip("/")
                name = name.rsplit("/", 1)[-1].removesuffix(".git")
                if name and not vocabulary.is_own(name):
                    clones.add(name)
        elif words and words[0] in {"cd", "pushd"}:
            target = words[1].rstrip("/").split("/", 1)[0] if len(words) > 1 else "~"
            if target in clones:
                inside = True
            elif target.startswith(("..", "/", "~", "$")):
                inside = False  # out of it (a relative ``cd`` inside it stays inside)
        elif words and words[0] == "popd":
            inside = False
    return inside


# A command that writes the Makefile the next commands run: a Perl module's ``perl
# Makefile.PL``, autotools' ``./configure``, ``cmake``, ``qmake``, ``phpize``
_GENERATES_MAKEFILE = re.compile(
    r"(?:^|[;&|]\s*|^\s*[$%#>]\s*)(?:perl\s+Makefile\.PL|(?:\./)?configure\b|cmake\b|qmake\b|"
    r"autoreconf\b|\./autogen\.sh|\./bootstrap\b|phpize\b)"
)
# a line that speaks of the reader's Makefile: "assumes you have a top-level Makefile with a
# ``pyflakes`` target" (a CI tool's build step running the reader's project)
_READERS_MAKEFILE = re.compile(
    r"\b(?:your(?:\s+own)?|you\s+have\s+an?|you\s+have\s+the)\b[^.]{0,40}?\bMakefile\b",
    re.IGNORECASE,
)


def _to_replace(before: str, text: str, span: str) -> bool:
    """A name the sentence tells the reader to replace: "replace the ``N`` parameter with the
    ``id`` of the job template and the ``HOST_CONFIG_KEY`` with the ``host_config_key``" (a
    placeholder in the page's example, not a name of the code)."""
    at = text.find(span)
    if at < 0 or not re.match(r"[`'\"*]*\s+with\b", text[at + len(span) :]):
        return False
    head = f"{before} {text[:at]}"
    sentence = re.split(r"[.!?:]\s", head)[-1]
    return re.search(r"\breplac(?:e|ing)\b", sentence, re.IGNORECASE) is not None


def rename_tables(text: str) -> frozenset[int]:
    """The lines of a table whose header pairs an old name with a new one ("Old name" / "New
    name", "Deprecated" / "Replacement"): each row records a rename, not advice to use the
    old name. reStructuredText's ``list-table`` spreads a row over several lines, so the row
    alone does not show it (``_maps_names`` reads one-line rows)."""
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


_MARKED = re.compile(r"`|\]\(|^\s*\[|\S\[|:\w+:")


def _marked(text: str) -> bool:
    """Whether a prose line holds a code span, a link or a role (``_MARKED``), asked of every
    prose line: a backquote is one, and each other mark holds ``[``, ``]`` or ``:``."""
    if "`" in text:
        return True
    if "[" not in text and "]" not in text and ":" not in text:
        return False
    return _MARKED.search(text) is not None


_DEFINITION = re.compile(
    r"^\s*(?:export\s+)?(?:async\s+)?(?:def|class|function|func|fn)\s+([A-Za-z_]\w*)"
    # a constant set as code sets it, with a space before ``=`` (a shell assignment has none)
    r"|^\s*(?:const\s+|var\s+|let\s+)?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:\s*:[^=]+)?\s+:?=\s"
)
# a shell variable the block computes from a command it runs (openstack-helm's
# ``HOST_IFACE=$(ip route | ...)``): the document's own, used by its next lines
_COMPUTED = re.compile(
    r"^\s*(?:local\s+|readonly\s+)?([A-Za-z_]\w*)=(?:\$\(|`|\"[^\"$`]*(?:\$\(|`))"
)
# what a document's own example can define: functions, classes and constants, and the
# subcommands of a task runner (invoke's docs define ``@task def build(c)``, then run
# ``invoke build``: the reader's task)
_DEFINABLE = frozenset({Kind.SYMBOL, Kind.ENV, Kind.COMMAND})


_ARROW = re.compile(r"`\s*(?:->|→|=>|⇒|-->)\s*(?::[\w:-]+:)?`")
_NAME_CELL = re.compile(r"^(?::[\w:-]+:)?(`+)([A-Za-z_][\w.-]*)\1_?$")


def _maps_names(text: str) -> bool:
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


_RST_TARGET = re.compile(r"^\s*\.\.\s+_(?:`[^`]+`|[^:]+):\s*(\S+)\s*$")
# reStructuredText names, not code: a hyperlink reference (`text`_), and the label of a
# cross-reference role (:ref:`pytest vs python -m pytest`)
_LABEL_ROLE = re.compile(r":(?:ref|term|numref|keyword|doc|abbr|guilabel|menuselection):$")


def _spans(text: str) -> list[str]:
    found = []
    for m in _CODE_SPAN.finditer(text):
        if text[m.end() : m.end() + 1] == "_" or (
            text[m.start() - 1 : m.start()] == ":" and _LABEL_ROLE.search(text[: m.start()])
        ):
            continue
        found.append(m.group(2).strip())
    return found


def _prose(path: str, line: Line, vocabulary: Vocabulary) -> Iterator[Reference]:
    if named := _RST_TARGET.match(line.text):
        # ``.. _`label`: target``: the label names the link; only the target may be a path
        if (ref := _path_ref(path, line.number, named.group(1), link=True)) is not None:
            yield ref
        return
    spans = _spans(line.text)

    def mentions_command() -> bool:  # asked only of a flag: most lines have none
        return any(_first_word(s) in vocabulary.commands for s in spans) or bool(
            vocabulary.command_word and vocabulary.command_word.search(line.text)
        )

    for span in spans:
        if not span or _PLACEHOLDER.search(span):
            continue
        if (call := _call(span)) is not None:
            yield Reference(path, line.number, Kind.SYMBOL, span, call[0], keywords=call[1])
            continue
        if " " in span or _first_word(span) in vocabulary.commands:
            span_line = Line(line.number, span, Role.SHELL)
            yield from _shell(path, span_line, vocabulary, strict=True, around=line.text)
            continue
        for ref in _token(path, line.number, span, mentions_command):
            if ref.kind is Kind.PATH and _EXAMPLE.search(line.text):
                continue  # "Example ``.github/workflows/build.yml``:" names the reader's file
            if ref.kind is Kind.PATH and _to_create(line.text, span):
                continue  # "Create ``hypothesis/RELEASE.rst``": absent until the reader writes it
            if _just_before(line.text, span, _NOT_BEFORE):
                continue  # "match `index.html`, not `docs/index.rst`": named as what it is not
            if ref.kind is Kind.ENV and _just_before(line.text, span, _A_VALUE):
                continue  # "``hmac_keys`` = ``SECRET_KEY``": a key's value, no variable
            if ref.kind is not Kind.PATH and "://" in line.text and _linked_away(line.text, ref):
                continue  # another site documents it (Django's ``DATE_INPUT_FORMATS``)
            yield ref
    for target in _links(line.text):
        if (ref := _path_ref(path, line.number, target, link=True)) is not None:
            yield ref


# what a line says just before a path it tells the reader to make: "Create
# ``hypothesis/RELEASE.rst``", "create a new file called `docs/x.md`", "touch `a/b`"
_CREATE_BEFORE = re.compile(
    r"\b(?:create|creating|touch)\s+(?:(?:a|an|the|new|empty|file|directory|folder|called|"
    r"named)\s+)*[`'\"]*$",
    re.IGNORECASE,
)


_URL = re.compile(r"https?://[^\s<>`)\]]+")


def _linked_away(text: str, ref: Reference) -> bool:
    """The line links the name to another site's page of it: wagtail's settings page names
    ``DATE_INPUT_FORMATS`` beside ``https://docs.djangoproject.com/...#std:setting-DATE_INPUT_
    FORMATS``, a setting of Django's that wagtail's code stopped reading."""
    return any(ref.needle in url for url in _URL.findall(text))


_NOT_BEFORE = re.compile(r"\bnot\s+[`'\"]*$", re.IGNORECASE)
# a key's name and ``=`` just before: what follows is the value set (a configuration table's
# default), not a name of the code
_A_VALUE = re.compile(r"[\w`'\"]\s*=\s*[`'\"]*$")


def _to_create(text: str, span: str) -> bool:
    return _just_before(text, span, _CREATE_BEFORE)


def _just_before(text: str, span: str, pattern: re.Pattern[str]) -> bool:
    at = text.find(span)
    return at > 0 and pattern.search(text[max(0, at - 60) : at]) is not None


# "Example ``.github/workflows/build.yml``:" shows the reader a file to write; "for example,
# PyInstaller includes ``hooks/hook-distutils.py``" names one of the repository's own
_EXAMPLE = re.compile(r"^\s*(?:an? )?example\b.*:\s*$", re.IGNORECASE)
_CALL = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*\.)*([A-Za-z_][A-Za-z0-9_]{2,})\(.*=.*\)$")


def _call(span: str) -> tuple[str, tuple[str, ...]] | None:
    """A Python call written with keyword arguments: the function's name and the keywords."""
    if not _CALL.match(span):
        return None
    try:
        node = ast.parse(span, mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None
    if not isinstance(node, ast.Call):
        return None
    keywords = tuple(k.arg for k in node.keywords if k.arg is not None)
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    return (name, keywords) if keywords and name else None


def _links(text: str) -> Iterator[str]:
    for pattern, marks in _LINK_MARKS:
        for mark in marks:  # a loop, not any(): asked of every marked line
            if mark in text:
                break
        else:
            continue  # what every link of this markup has is not on the line
        for match in pattern.finditer(text):
            target = next((g for g in match.groups() if g), "")
            if target:
                yield target


def _token(
    path: str, number: int, span: str, mentions_command: Callable[[], bool]
) -> Iterator[Reference]:
    if match := _ENV.match(span):
        yield Reference(path, number, Kind.ENV, span, match.group(1))
    elif match := _SYMBOL.match(span):
        yield Reference(path, number, Kind.SYMBOL, span, match.group(2))
    elif match := _FLAG.match(span):
        if mentions_command():
            yield Reference(path, number, Kind.FLAG, span, match.group(1))
    elif (ref := _path_ref(path, number, span)) is not None:
        yield ref
    elif _DOTTED_KEY.match(span) and "_" in span and not _FILE_SUFFIX.search(span):
        # ``help_data.txt`` is a file's name, not a key
        yield Reference(path, number, Kind.CONFIG_KEY, span, span)


def _path_ref(doc: str, number: int, target: str, link: bool = False) -> Reference | None:
    target = target.split("#", 1)[0].split("?", 1)[0]
    target = re.sub(r":\d+(-\d+)?$", "", target)
    if (
        not target
        or "://" in target
        or target.startswith(("/", "~", "mailto:", "$", "-", "@"))
        or " " in target
        or _PLACEHOLDER.search(target)
        or not re.fullmatch(r"[\w./+@-]+", target)
    ):
        return None
    clean = target.removeprefix("./").rstrip("/")
    if not clean or clean in {".", ".."}:
        return None
    if not link and "/" not in clean:
        return None  # a bare file name (`setup.py`) names a kind of file as often as this one
    if not link and "/" in clean and not _FILE_SUFFIX.search(clean) and "." in clean.split("/")[0]:
        return None  # a host name (example.org/x), not a path
    return Reference(doc, number, Kind.PATH, target, clean, link=link)


def _first_word(text: str) -> str:
    return text.split(maxsplit=1)[0] if text.split() else ""


def _shell(
    path: str, line: Line, vocabulary: Vocabulary, strict: bool, around: str = ""
) -> Iterator[Reference]:
    """Commands in a line of shell. ``strict``: the line may be prose, output or other code, so
    only a prompted line or one that starts with a command this repository ships is read.
    ``around``: the prose line a code span was read from."""
    text = line.text.strip()
    prompted = text.startswith(_PROMPTS[:3])
    if line.role is Role.SESSION and not prompted:
        return  # what a command printed, not advice
    for prompt in _PROMPTS[:3]:
        text = text.removeprefix(prompt)
    if not text or text.startswith("#"):
        return
    starters = vocabulary.commands | {"make", "npm"}
    words = set(_SHELL_WORD.findall(text))
    if strict and not prompted and starters.isdisjoint(words):
        pass  # no segment can start with a command read in strict mode: only variables
    else:
        yield from _commands(path, line.number, text, vocabulary, strict and not prompted)
    if not tools.PROGRAMS.isdisjoint(words) and not tools.WORDS.isdisjoint(words):
        yield from _retired(path, line.number, text, around or text, vocabulary)
    if _META_SECTION.match(text):
        return  # devstack's ``[[post-config|$CINDER_CONF]]``: its name for the file, not ours
    for match in _ENV_IN_SHELL.finditer(text):
        yield Reference(path, line.number, Kind.ENV, match.group(0), match.group(1), context=text)


# the header of a meta-section of devstack's ``local.conf``: the phase, and the configuration
# file named by the variable devstack sets for it
_META_SECTION = re.compile(r"^\[\[[a-z][\w-]*\|\$\{?[A-Z][A-Z0-9_]*\}?\]\]\s*$")
_SHELL_WORD = re.compile(r"[\w.+-]+")


def _commands(
    path: str, number: int, text: str, vocabulary: Vocabulary, strict: bool
) -> Iterator[Reference]:
    elsewhere = False  # after ``cd`` to a place outside the repository
    for words in _segments(text):
        if not words:
            continue
        if words[0] == "cd":
            elsewhere = len(words) > 1 and words[1].startswith(("/", "~", "$"))
        if elsewhere:
            continue  # ``cd /usr/ports/security/x && make install``: the ports tree's Makefile
        if strict and words[0] not in vocabulary.commands | {"make", "npm"}:
            continue
        yield from _command(path, number, words, vocabulary)


def _retired(
    path: str, number: int, text: str, around: str, vocabulary: Vocabulary
) -> Iterator[Reference]:
    """A well-known tool's subcommand or flag that its project removed (``helm init``), on a
    line that does not say it speaks of the older versions. A program this repository ships is
    judged against its own code instead."""
    for segment in _segments(text):
        words = segment
        while words and (re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]) or words[0] in {"sudo", "env"}):
            words = words[1:]
        if not words or words[0] in vocabulary.commands:
            continue
        if (entry := tools.retired(words[0], words[1:], around)) is not None:
            yield Reference(path, number, Kind.TOOL, entry.text, entry.text, " ".join(words))


def _segments(text: str) -> Iterator[list[str]]:
    try:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|()")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        tokens = text.split()
    current: list[str] = []
    for token in tokens:
        if token and set(token) <= set(";&|()"):
            yield current
            current = []
        else:
            current.append(token)
    yield current


def _command(
    path: str, number: int, words: list[str], vocabulary: Vocabulary
) -> Iterator[Reference]:
    while words and (re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]) or words[0] in {"sudo", "env"}):
        if match := re.match(r"^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)=", words[0]):
            yield Reference(path, number, Kind.ENV, words[0], match.group(1))
        words = words[1:]
    if not words:
        return
    program, rest = words[0], words[1:]
    context = " ".join(words)
    if program in vocabulary.commands:
        if rest and _WORD.match(rest[0]) and not _PLACEHOLDER.search(rest[0]):
            yield Reference(path, number, Kind.COMMAND, f"{program} {rest[0]}", rest[0], context)
        for word in rest:
            if (match := _FLAG.match(word)) and not _PLACEHOLDER.search(word):
                yield Reference(
                    path, number, Kind.FLAG, word.split("=")[0], match.group(1), context
                )
    elif program == "make" and vocabulary.make:
        for word in _make_goals(rest):
            yield Reference(path, number, Kind.MAKE_TARGET, f"make {word}", word, context)
    elif program in {"npm", "yarn", "pnpm"} and vocabulary.package_scripts:
        name = _package_script(program, rest)
        if name:
            yield Reference(path, number, Kind.SCRIPT, f"{program} {name}", name, context)
    if program in _MAKES_ITS_OPERANDS:
        return  # ``mkdir -p build/out``, ``touch news/12.bugfix``: there once it has run
    for word in rest:
        if "/" in word and (ref := _path_ref(path, number, word)) is not None:
            yield Reference(path, number, Kind.PATH, ref.text, ref.needle, context=context)


_MAKES_ITS_OPERANDS = frozenset({"mkdir", "touch"})


_MAKE_OPTIONS_WITH_VALUE = frozenset(
    {"-f", "-C", "-I", "-j", "-l", "-o", "-W", "--file", "--directory"}
)


def _make_goals(words: list[str]) -> Iterator[str]:
    """The targets of a ``make`` command line: not its options, their values or variable
    assignments (``make -f docker.Makefile VAR=1 build`` names only ``build``)."""
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in _MAKE_OPTIONS_WITH_VALUE:
            skip = True
        elif not word.startswith("-") and "=" not in word and re.fullmatch(r"[a-z][\w.-]*", word):
            yield word


# The package managers' own commands (yarn 1 and 2+, pnpm), not scripts of package.json:
# ``yarn upgrade bootstrap --latest`` upgrades a dependency
_PACKAGE_BUILTINS = frozenset(
    {"install", "i", "ci", "add", "remove", "rm", "init", "test", "publish", "exec", "dlx", "x"}
    | {"why", "upgrade", "upgrade-interactive", "up", "update", "outdated", "audit", "cache"}
    | {"config", "global", "info", "link", "unlink", "list", "ls", "pack", "version", "versions"}
    | {"workspace", "workspaces", "bin", "check", "autoclean", "licenses", "login", "logout"}
    | {"owner", "tag", "team", "create", "import", "policies", "set", "plugin", "dedupe"}
    | {"explain", "rebuild", "prune", "fetch", "store", "patch", "unplug", "node", "help"}
)


def _package_script(program: str, rest: list[str]) -> str:
    if not rest:
        return ""
    if rest[0] in {"run", "run-script"} and len(rest) > 1:
        return rest[1]
    if program in {"yarn", "pnpm"} and rest[0] not in _PACKAGE_BUILTINS and _WORD.match(rest[0]):
        return rest[0]
    return ""


def own_commands(files: dict[str, str], paths: Iterable[str] = ()) -> frozenset[str]:
    """The command-line programs this repository ships, from its package manifests:
    ``pyproject.toml`` scripts, ``setup.cfg`` and ``setup.py`` console scripts,
    ``package.json`` ``bin``, Go ``cmd/<name>/`` directories, a Go module whose root holds
    ``main.go`` (etcd's ``go.etcd.io/etcd`` builds ``etcd``) and Cargo ``[[bin]]`` names."""
    names: set[str] = set()
    paths = frozenset(paths)
    for path, text in files.items():
        base = path.rsplit("/", 1)[-1]
        if base == "pyproject.toml":
            names |= set(_toml_table_keys(text, ("project.scripts", "tool.poetry.scripts")))
        elif base == "setup.py":
            names |= _setup_py_scripts(text)
        elif base == "setup.cfg":
            names |= _setup_cfg_scripts(text)
        elif base == "package.json":
            names |= _package_bins(text)
        elif base == "Cargo.toml":
            names |= set(re.findall(r"\[\[bin\]\][^\[]*?name\s*=\s*\"([^\"]+)\"", text, re.DOTALL))
        elif base == "go.mod" and (module := _GO_MODULE.search(text)):
            directory = path[: -len(base)]
            if f"{directory}main.go" in paths:
                names.add(re.sub(r"/v\d+$", "", module.group(1)).rsplit("/", 1)[-1])
    for path in paths:
        if match := re.match(r"^(?:.*/)?cmd/([a-z][\w-]*)/[^/]+\.go$", path):
            names.add(match.group(1))
    return frozenset(n for n in names if len(n) > 1)


_GO_MODULE = re.compile(r"^module\s+\"?([^\s\"]+)", re.MULTILINE)
# the entry-point groups that install programs; every other group (``oslo.config.opts``'s
# ``manila = manila.opts:list_opts``) names plugins, not commands
_SCRIPT_GROUPS = ("console_scripts", "gui_scripts")
_ENTRY_POINT = re.compile(r"^\s*([\w.-]+)\s*=\s*[\w.]+:[\w.]+\s*$")


def _setup_cfg_scripts(text: str) -> set[str]:
    """``setup.cfg``'s programs: the console and GUI scripts of ``[options.entry_points]``
    (setuptools) or ``[entry_points]`` (pbr), each a ``name = module:function`` line under its
    group's key."""
    names: set[str] = set()
    group = ""
    for raw in text.splitlines():
        entry = raw
        if not raw.strip() or raw.lstrip().startswith(("#", ";")):
            continue
        if raw.startswith("["):
            group = ""
            continue
        if not raw[0].isspace():
            key, _, entry = raw.partition("=")  # a value on the key's own line
            group = key.strip()
        if group in _SCRIPT_GROUPS and (match := _ENTRY_POINT.match(entry)):
            names.add(match.group(1))
    return names


def _setup_py_scripts(text: str) -> set[str]:
    """``setup.py``'s programs: the quoted ``name = module:function`` entries of the lists that
    follow a ``"console_scripts"`` or ``"gui_scripts"`` key."""
    names: set[str] = set()
    for match in re.finditer(r"[\"'](?:console|gui)_scripts[\"']\s*:\s*\[([^\]]*)\]", text):
        names |= set(re.findall(r"[\"']([\w.-]+)\s*=\s*[\w.]+:[\w.]+[\"']", match.group(1)))
    return names


def project_names(files: dict[str, str]) -> frozenset[str]:
    """The names the repository's projects go by in their manifests: ``pyproject.toml``'s
    ``project.name`` (or poetry's), ``setup.cfg``'s ``name``, ``setup.py``'s ``name=``,
    ``package.json``'s ``name``, ``Cargo.toml``'s package name."""
    names: set[str] = set()
    for path, text in files.items():
        base = path.rsplit("/", 1)[-1]
        if base == "pyproject.toml":
            names |= set(_toml_values(text, ("project.name", "tool.poetry.name")))
        elif base == "setup.cfg":
            names |= set(re.findall(r"^name\s*=\s*([\w.-]+)\s*$", text, re.MULTILINE))
        elif base == "setup.py":
            names |= set(re.findall(r"\bname\s*=\s*[\"']([\w.-]+)[\"']", text))
        elif base == "Cargo.toml":
            names |= set(_toml_values(text, ("package.name",)))
        elif base == "package.json" and (match := re.search(r'"name"\s*:\s*"([^"]+)"', text)):
            names.add(match.group(1).rsplit("/", 1)[-1])
    return frozenset(names)


def _toml_nodes(text: str, dotted: Iterable[str]) -> Iterator[object]:
    """The value at each dotted key of a TOML text (``None`` where it has none); nothing for a
    text that is no TOML."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    for key in dotted:
        node: object = data
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        yield node


def _toml_values(text: str, keys: Iterable[str]) -> Iterator[str]:
    yield from (node for node in _toml_nodes(text, keys) if isinstance(node, str))


def _toml_table_keys(text: str, tables: Iterable[str]) -> Iterator[str]:
    for node in _toml_nodes(text, tables):
        if isinstance(node, dict):
            yield from (k for k in node if isinstance(k, str))


def _package_bins(text: str) -> set[str]:
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return set()
    if not isinstance(data, dict):
        return set()
    bins = data.get("bin")
    if isinstance(bins, dict):
        return {k for k in bins if isinstance(k, str)}
    name = data.get("name")
    if isinstance(bins, str) and isinstance(name, str):
        return {name.rsplit("/", 1)[-1]}
    return set()
