"""Read what documentation freshness is judged against, with git: the files and needles of the
code at a revision (one ``git grep`` for every needle), the history of removed and renamed paths
(one ``git log``), the commits that took a missing needle out of the code (one streamed
``git log -p``), and when each cited document line was last written (one ``git blame`` per
document)."""

from __future__ import annotations

import ast
import functools
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path

from countersign.errors import InputError
from countersign.intake import git
from countersign.intake.code_index import (
    DOC_SUFFIXES,
    VENDORED,
    CodeIndex,
    Evidence,
    fragment,
    is_doc,
    is_test_path,
)
from countersign.intake.commit_stream import commit_stream
from countersign.intake.install_map import installed_data
from countersign.intake.tree import GitTree

_REC, _FLD = "\x1e", "\x1f"
# Documents are not code, and neither are the history files kept without a suffix
# (``Changelog``, ``CHANGES``, ``NEWS``): a name they mention is not one the code holds, and a
# commit that reorganised them removed nothing from the code.
HISTORY_FILES = ("changelog", "changes", "history", "news", "whatsnew", "release-notes")
# Documents kept without a suffix, by the names projects give them.
PLAIN_DOCS = ("readme", "faq", "install", "todo", "authors", "thanks", "contributing", "copying")
# Editors' and patch tools' leftovers (``fileuploads.rst~``, ``app.py.orig``) are no one's code.
LEFTOVERS = ("~", ".orig", ".rej", ".bak", ".swp")
# gettext catalogs translate the documents and messages: openstack-ansible's "Imported
# Translations from Zanata" took ``ANSIBLE_GIT_REPO`` out of a ``.po`` file seven years after
# the code stopped reading it
TRANSLATIONS = (".po", ".pot")
# Built, minified bundles (mkdocs kept highlight.js's ``highlight.pack.js``) and built pages
# (pyinstaller kept its manual as ``doc/Manual.html``): not evidence
BUNDLES = (
    *(".min.js", ".min.css", ".pack.js", ".bundle.js", ".js.map", ".css.map"),
    *(".html", ".htm", ".pdf"),
)
# A line longer than this is minified or generated, not code someone wrote
_LONGEST_LINE = 1000
NOT_CODE = (
    *(
        f":(exclude,glob)**/*{suffix}"
        for suffix in (*DOC_SUFFIXES, ".txt", *LEFTOVERS, *TRANSLATIONS)
    ),
    # the exact names: ``history.py`` or a ``news/`` package is code
    *(f":(exclude,glob,icase)**/{name}" for name in (*HISTORY_FILES, *PLAIN_DOCS)),
)
# A name defined by a vendored library still holds (the code reads it from there), but the
# history of vendored code is churn, not evidence that this repository removed something.
NOT_OWN_CODE = (
    *NOT_CODE,
    *(f":(exclude,glob)**/{vendored}/**" for vendored in VENDORED),
)
_WORDS = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def listing(root: Path, rev: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The files of the tree at ``rev``, and its submodules' directories."""
    tree = GitTree(root, rev)
    return tree.paths(), tree.gitlinks()


def code_index(
    root: Path,
    rev: str,
    paths: Iterable[str],
    needles: Iterable[str],
    submodules: Iterable[str] = (),
    read: Mapping[str, str] | None = None,
) -> CodeIndex:
    """What the code at ``rev`` holds of what the documents ask about. ``read``: texts of the
    tree already read by path (the manifests the vocabulary came from), not read again."""
    paths = frozenset(paths)
    read = read or {}
    manifests = [p for p in paths if is_makefile(p) or p.rsplit("/", 1)[-1] == "package.json"]
    ignores = sorted(p for p in paths if p.rsplit("/", 1)[-1] == ".gitignore")
    pyproject = ["pyproject.toml"] if "pyproject.toml" in paths else []
    wanted = [*manifests, *ignores, *pyproject]
    texts = GitTree(root, rev).read(p for p in wanted if p not in read)
    texts.update((p, read[p]) for p in wanted if p in read)
    installed = installed_data(texts.pop("pyproject.toml", "")) if pyproject else ()
    patterns = [q for p in ignores for q in ignore_patterns(p, texts.pop(p, ""))]
    make = [t for p, t in texts.items() if is_makefile(p)]
    packages = [t for p, t in texts.items() if p.endswith("package.json")]
    submodules = frozenset(submodules)
    return CodeIndex(
        paths=paths,
        tokens=present(root, rev, needles),
        make_targets=_make_targets(make) if make and not _includes_from(make, submodules) else None,
        make_routes=make_routes(make),
        scripts=_scripts(packages) if packages else None,
        ignored=tuple(patterns),
        submodules=submodules,
        installed=installed,
    )


_INCLUDE = re.compile(r"^-?include\s+(.+)$", re.MULTILINE)


def _includes_from(makefiles: Iterable[str], submodules: frozenset[str]) -> bool:
    """Whether a Makefile includes a part from a submodule (crossplane's ``-include
    build/makelib/common.mk``, which defines ``generate``): another repository's rules, not in
    this tree, so any goal may be made."""
    if not submodules:
        return False
    return any(
        word.removeprefix("./").startswith(f"{module}/")
        for text in makefiles
        for match in _INCLUDE.finditer(text)
        for word in match.group(1).split()
        for module in submodules
    )


def ignore_patterns(path: str, text: str) -> list[str]:
    """The patterns of one ``.gitignore``, made relative to the repository's root: a nested
    file's ``/cli.md`` is ``/docs/reference/cli.md``; its ``*.pyc`` matches below it only."""
    here = path.rsplit("/", 1)[0] if "/" in path else ""
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not here:
            out.append(line)
            continue
        negate, pattern = ("!", line[1:]) if line.startswith("!") else ("", line)
        anchored = "/" in pattern.rstrip("/")
        body = pattern.lstrip("/")
        out.append(f"{negate}/{here}/{body}")
        if not anchored:  # a name at any depth below the file's directory
            out.append(f"{negate}/{here}/**/{body}")
    return out


def present(root: Path, rev: str, needles: Iterable[str]) -> frozenset[str]:
    """The needles that occur whole in the code (every tracked file but documents): not inside
    a longer name, so ``--force`` is not found in ``--force-with-lease``. One ``git grep`` with
    one pattern (Perl-compatible where git has it, for the boundaries; else an extended regex
    whose matches are checked here)."""
    wanted = sorted(set(needles))
    if not wanted:
        return frozenset()
    try:
        return _present(root, rev, wanted)
    except _PatternTooLargeError:
        # one pattern of thousands of names (nautobot's settings pages) is more than git's
        # regex engines accept: look for them in halves, never take them all for absent
        if len(wanted) == 1:
            raise InputError(
                f"git grep could not look for {wanted[0][:80]!r} at {rev}; "
                "check that git works in this repository"
            ) from None
        half = len(wanted) // 2
        return present(root, rev, wanted[:half]) | present(root, rev, wanted[half:])


class _PatternTooLargeError(Exception):
    pass


def _present(root: Path, rev: str, wanted: list[str]) -> frozenset[str]:
    exact = whole_words(wanted)
    alternation = "|".join(_ere(n) for n in sorted(wanted, key=len, reverse=True))
    for mode, pattern in (("-P", exact.pattern), ("-E", f"({alternation})")):
        try:
            out = git.git(
                root, "grep", "-h", "-I", "-o", mode, "-e", pattern, rev, "--", ".", *NOT_CODE
            )
        except InputError as exc:
            message = str(exc)
            if message.endswith("failed: no message"):
                return frozenset()  # git grep exits 1, saying nothing, when nothing matches
            if mode == "-P" and ("Perl" in message or "PCRE" in message):
                continue  # git without PCRE: the extended regex below
            if "-e option" in message:  # git could not compile the pattern
                raise _PatternTooLargeError from exc
            raise
        text = out.decode("utf-8", "replace")
        found = set(text.split("\n")) if mode == "-P" else set(exact.findall(text))
        # -o reports matches that do not overlap: a quoted needle (``"venv.in_project"``)
        # swallows the bare one inside it, which is as present
        found |= {m[1:-1] for m in found if len(m) > 2 and m[0] in "\"'" and m[-1] == m[0]}
        return frozenset(found) & set(wanted)  # -E loses a match glued to a longer name
    return frozenset()


def _ere(needle: str) -> str:
    return "".join(f"[{c}]" if not (c.isalnum() or c == "_") else c for c in needle)


def whole_words(needles: Iterable[str]) -> re.Pattern[str]:
    """Any of ``needles``, not as part of a longer name (letters, digits, ``_`` and ``-``)."""
    ordered = sorted(set(needles), key=len, reverse=True)
    return re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, ordered))})(?![\w-])")


@dataclass(frozen=True)
class Listing:
    """One walk of the history reachable from a revision, without rename detection: the newest
    commit that deleted each path (a rename is a deletion there, in the same commit), and the
    commits, newest first, that changed this repository's own code. Read with no pathspec and
    filtered here: git matches exclusion globs against every entry of every directory a commit
    changes, which on a repository of many documents (tldr-pages: 38,000 pages) costs 7x the
    walk itself."""

    deleted: dict[str, Evidence]
    code_commits: tuple[str, ...]
    # commits git could not read (a damaged mirror): what they did is not known
    unreadable: tuple[str, ...] = ()


def listing_of(root: Path, rev: str, skip: Iterable[str] = ()) -> Listing:
    """The walk, leaving out the directories in ``skip`` (each pruned whole by git, as a
    literal pathspec: no glob to match against every entry)."""
    args = ("log", "--no-renames", "--name-status", "-z", f"--format={_REC}%H{_FLD}%cI{_FLD}%s")
    pathspec = [".", *(f":(exclude,literal){d}" for d in sorted(skip))] if skip else []
    unreadable: list[str] = []
    try:
        out = git.git(root, *args, rev, "--", *pathspec).decode("utf-8", "replace")
    except git.MissingObjectError:
        # a damaged mirror: list commit by commit, reading on past those git cannot read
        commits = git.git(root, "rev-list", rev).decode().split()
        chunks = commit_stream(root, args, commits, _REC, unreadable)
        out = b"".join(chunks).decode("utf-8", "replace")
    deleted: dict[str, Evidence] = {}
    changed_code: list[str] = []
    for record in out.split(_REC)[1:]:
        header, _, body = record.partition("\n")
        commit, date, subject = ([*header.rstrip("\x00").split(_FLD), "", ""])[:3]
        fields = [f for f in body.strip("\n\0").split("\0") if f]
        code = False
        for status, path in zip(fields[::2], fields[1::2], strict=False):
            if status.strip() == "D":
                deleted.setdefault(path, Evidence(commit, date, subject))
            code = code or is_own_code(path)
        if code:
            changed_code.append(commit)
    return Listing(deleted, tuple(changed_code), tuple(unreadable))


def path_history(
    root: Path,
    rev: str,
    wanted: Callable[[str], bool] = lambda _path: True,
    listing: Listing | None = None,
    unreadable: list[str] | None = None,
) -> dict[str, Evidence]:
    """Every path a commit reachable from ``rev`` deleted or renamed away, with the newest
    such commit, and for a rename of a path ``wanted`` says is asked about, the new path.

    Only the commits that took away a wanted path are read again with ``-M``, for where it
    went. On tldr-pages (38,000 pages, many moved) detecting every rename in history took
    23 s; the listing alone takes a fifth of that."""
    found = dict((listing or listing_of(root, rev)).deleted)
    asked = {e.commit for path, e in found.items() if wanted(path)}
    lost = [] if unreadable is None else unreadable
    for (commit, old), new in _renames(root, sorted(asked), lost).items():
        if old in found and found[old].commit == commit and wanted(old):
            found[old] = replace(found[old], renamed_to=new)
    return found


def _renames(root: Path, commits: list[str], unreadable: list[str]) -> dict[tuple[str, str], str]:
    """For the given commits, each path a commit renamed away: (commit, old path) -> new."""
    if not commits:
        return {}
    moved: dict[tuple[str, str], str] = {}
    args = ("log", "-M", "--name-status", "--diff-filter=R", "-z", f"--format={_REC}%H")
    chunks = commit_stream(root, args, commits, _REC, unreadable)
    out = b"".join(chunks).decode("utf-8", "replace")
    for record in out.split(_REC)[1:]:
        commit, _, body = record.partition("\n")
        fields = [f for f in body.strip("\n\0").split("\0") if f]
        i = 0
        while i + 2 < len(fields):
            if fields[i].strip().startswith("R"):
                moved[(commit.strip("\0"), fields[i + 1])] = fields[i + 2]
                i += 3
            else:
                i += 1
    return moved


# How many commits the pass reads on for a definition once every needle has some commit: past
# that, the newest commit that dropped a spelling of the name stands as the evidence.
READ_ON_FOR_DEFINITION = 2000


def token_history(
    root: Path,
    rev: str,
    missing: Iterable[str],
    listing: Listing | None = None,
    unreadable: list[str] | None = None,
    defining: Iterable[str] = (),
    read_on: int = READ_ON_FOR_DEFINITION,
) -> dict[str, Evidence]:
    """For each needle missing from the code, the newest commit that took a line holding it
    out of a file (as a whole name: ``FOO`` is not in ``FOO_V2`` nor in ``NEW_FOO``) and changed
    how often that file holds it; where the same commit put in a like line with a like word,
    that is the rename.

    One pass over the code's history (``git log -p -U0``, documents and vendored code left
    out), read as it streams and stopped once every needle has its commit. Each changed line is
    cut into names once and only the needles made of those names are matched, so the cost grows
    with the history's size, not with the number of needles (git's pickaxe ran one regex of
    every needle over both sides of every changed file, 15x slower on 1,000 needles).

    For the needles in ``defining`` (a name looked up in a module of the repository's own), the
    commit that took out a line defining it is wanted: a newer commit that only dropped a line
    spelling it (an example, ``"pkg.ext.with_"``) is kept only if none did. Once every other
    needle has its commit, that search reads on for at most ``read_on`` more commits: a name
    the code never defined would otherwise send the pass to the history's start."""
    wanted = sorted(set(missing) | set(defining))
    if not wanted:
        return {}
    commits = (listing or listing_of(root, rev)).code_commits
    scan = _HistoryScan(wanted, set(defining), read_on)
    return scan.run(root, commits, [] if unreadable is None else unreadable)


_NAME = re.compile(r"[A-Za-z0-9_-]+")
# an import the commit put in, and its top package
_IMPORT = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)")


def _fold(text: str) -> str:
    return re.sub(r"[-_\s.]", "", text.casefold())


def is_own_code(path: str) -> bool:
    """What ``NOT_OWN_CODE`` keeps: not a document, a history file, vendored code, nor a
    minified bundle (a library's build, whose every word is someone else's)."""
    parts = path.split("/")
    base = parts[-1].lower()
    if (
        base.endswith((*DOC_SUFFIXES, ".txt", *LEFTOVERS, *TRANSLATIONS, *BUNDLES))
        or base
        in (
            *HISTORY_FILES,
            *PLAIN_DOCS,
        )
        or fragment(path)
    ):
        return False
    return not any(part in VENDORED for part in parts[:-1])


# How a line that declares a dependency reads, by manifest: a quoted requirement in
# ``pyproject.toml``/``setup.py``/``setup.cfg`` lists (``"python-discovery>=1",``), a
# requirements file's line, a package.json dependency (``"@scope/name": "^1.0"``), a go.mod
# requirement (``github.com/x/y v1.2.0``), a Cargo.toml dependency. A version bump
# (``version = "2.0"``) or a classifier (``"Typing :: Typed"``) is no dependency.
_REQUIREMENT = r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[\w,\s-]*\])?"
_DEPENDENCY_LINES = {
    "python": re.compile(rf"^\s*[\"']{_REQUIREMENT}\s*(?:[<>=!~;@][^\"']*)?[\"']\s*,?\s*$"),
    "requirements": re.compile(rf"^{_REQUIREMENT}\s*(?:[<>=!~;@].*)?$"),
    "package.json": re.compile(
        r'^\s*"(?!version"|name"|main"|type"|license")(?P<name>(?:@[\w.-]+/)?[\w.-]+)"\s*:'
        r'\s*"[\^~<>=*]?\s*\d'
    ),
    "go.mod": re.compile(r"^\s*(?:require\s+)?(?P<name>[\w.-]+\.[a-z]{2,}/\S+)\s+v\d"),
    "Cargo.toml": re.compile(
        r"^\s*(?!version\b|edition\b|rust-version\b)(?P<name>[\w-]+)\s*=\s*"
        r'(?:"[\^~<>=]?\d|\{.*\bversion\b)'
    ),
}


def _rewrite(name: str, removed: set[str]) -> bool:
    """Whether an added line's name rewrites a removed one (``cache`` to ``cache-v2``, a new
    bound on the same package) rather than bringing in another package."""
    return any(
        name == old or old in name or name in old or SequenceMatcher(None, name, old).ratio() >= 0.6
        for old in removed
    )


def dependency_line(path: str) -> re.Pattern[str] | None:
    """The pattern of a dependency line in ``path``'s kind of manifest, or ``None`` where the
    file is no manifest."""
    base = path.rsplit("/", 1)[-1]
    if base in {"pyproject.toml", "setup.py", "setup.cfg"}:
        return _DEPENDENCY_LINES["python"]
    if base.startswith("requirements") and base.endswith((".txt", ".in")):
        return _DEPENDENCY_LINES["requirements"]
    return _DEPENDENCY_LINES.get(base)


class _HistoryScan:
    """The state of one pass: the needles still unexplained, the commit and file being read."""

    def __init__(
        self,
        wanted: list[str],
        defining: set[str] | None = None,
        read_on: int = READ_ON_FOR_DEFINITION,
    ) -> None:
        self.words = {n: whole_words([n]) for n in wanted}
        # needles still read on for the commit that removed their definition, for at most
        # ``read_on`` commits once every needle has some commit
        self.unsettled = set(defining or ())
        self.read_on = read_on
        # Every name of a needle occurs whole in a line that holds the needle whole (the
        # needle's own ends are boundaries), so its longest name is a sound key to look up.
        self.by_key: dict[str, list[str]] = {}
        self.unkeyed: list[str] = []
        for needle in wanted:
            names = _NAME.findall(needle)
            if names:
                self.by_key.setdefault(max(names, key=len), []).append(needle)
            else:
                self.unkeyed.append(needle)
        self.found: dict[str, Evidence] = {}
        self.header = ("", "", "")
        self.removed_lines: dict[str, list[str]] = {}
        self.declaring: dict[str, list[str]] = {}  # the removed lines outside tests
        self._test = False  # the file being read holds tests
        self.changed: set[str] = set()
        self.added_lines: list[str] = []
        self._file_counts: dict[str, int] = {}
        self._file_added: list[str] = []
        self._file_touched = False
        self._skip = False
        self._file_deleted = False
        self.from_kept_files: set[str] = set()  # needles taken out of files that stayed
        self._manifest: re.Pattern[str] | None = None  # how a dependency reads in this file
        # the dependencies the file's added and removed lines name: one only added is new (a
        # line rewritten in place, ``pkg[cache]`` to ``pkg[cache-v2]``, brings none in)
        self._dependencies_in: set[str] = set()
        self._dependencies_out: set[str] = set()
        self.adds_dependency = False  # this commit put a new dependency in a manifest
        self._python = False  # the file being read is Python: its added imports are read
        self._file_imports: set[str] = set()  # the packages the file's added imports name
        # by needle, the packages newly imported by the files this commit took it out of
        self.imports: dict[str, set[str]] = {}
        self.roots: set[str] = set()  # the top directories of the code read: its own packages

    def run(
        self, root: Path, commits: tuple[str, ...], unreadable: list[str]
    ) -> dict[str, Evidence]:
        if not commits:
            return self.found
        command = (
            "log",
            "-M",
            "-p",
            "-U0",
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            f"--format={_REC}%H{_FLD}%cI{_FLD}%s",
        )
        in_hunk = False
        pending = b""
        for chunk in commit_stream(root, command, commits, _REC, unreadable):
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            for raw in lines:
                in_hunk = self._line(raw, in_hunk)
                if len(self.found) == len(self.words) and (not self.unsettled or self.read_on < 0):
                    return self.found  # leaving the stream stops git
        if pending:
            self._line(pending, in_hunk)
        self._end_commit()
        return self.found

    def _line(self, raw: bytes, in_hunk: bool) -> bool:
        first = raw[:1]
        if first == b"-" and in_hunk:
            line = raw[1:].decode("utf-8", "replace")
            if self._manifest is not None and (match := self._manifest.search(line)):
                self._dependencies_out.add(match.group("name").lower())
            self._changed_line(line, removed=True)
        elif first == b"+" and in_hunk:
            line = raw[1:].decode("utf-8", "replace")
            if self._manifest is not None and (match := self._manifest.search(line)):
                self._dependencies_in.add(match.group("name").lower())
            if self._python and (match := _IMPORT.match(line)):
                self._file_imports.add(match.group(1))
            self._changed_line(line, removed=False)
        elif first == b"@":
            return raw.startswith(b"@@")
        elif raw.startswith(_REC.encode()):
            self._end_commit()
            if self.unsettled and len(self.found) == len(self.words):
                self.read_on -= 1  # only definitions are still wanted
            fields = raw[1:].decode("utf-8", "replace").split(_FLD)
            commit, date, subject = ([*fields, "", ""])[:3]
            self.header = (commit, date, subject)
            return False
        elif raw.startswith(b"diff --git "):
            self._end_file()
            target = raw.rsplit(b" b/", 1)[-1].decode("utf-8", "replace").strip('"')
            self._skip = not is_own_code(target)
            self._manifest = dependency_line(target)
            self._python = target.endswith(".py") and not self._skip
            if self._python:
                top = target.split("/", 2)
                self.roots.add(top[1] if top[0] in {"src", "lib"} and len(top) > 2 else top[0])
            self._test = is_test_path(target)
            self._file_deleted = False
            return False
        elif raw.startswith(b"deleted file mode"):
            self._file_deleted = True
        return in_hunk

    def _library(self, subject: str, imports: Iterable[str]) -> str:
        """The package, not the repository's own nor Python's, that the files this commit took
        the name out of newly import and its subject names (``Use OSprofiler options
        consolidated in lib itself``, its config module importing ``osprofiler``): where the
        removed code went. An import in another file of the commit says nothing of it
        (horizon's "Fix compatibility issues with Django 1.10" dropped ``TEMPLATE_DIRS`` from its
        settings and imported ``django`` in its tests)."""
        said = _fold(subject)
        for module in sorted(imports):
            if module in self.roots or module in sys.stdlib_module_names or len(module) < 3:
                continue
            if _fold(module) in said:
                return module
        return ""

    def _candidates(self, line: str) -> list[str]:
        keys = self.by_key
        out = [n for name in set(_NAME.findall(line)) if name in keys for n in keys[name]]
        return out + self.unkeyed if self.unkeyed else out

    def _changed_line(self, line: str, *, removed: bool) -> None:
        if self._skip or len(line) > _LONGEST_LINE:
            return  # a document, vendored or minified code in a commit that also changed code
        if not removed:
            self._file_added.append(line)
        for needle in self._candidates(line):
            if needle in self.found and needle not in self.unsettled:
                continue
            count = len(self.words[needle].findall(line))
            if not count:
                continue
            self._file_touched = True
            self._file_counts[needle] = self._file_counts.get(needle, 0) + (
                count if removed else -count
            )
            if removed:
                self.removed_lines.setdefault(needle, []).append(line)
                if not self._test:
                    self.declaring.setdefault(needle, []).append(line)
                if not self._file_deleted:
                    self.from_kept_files.add(needle)

    def _end_file(self) -> None:
        if any(not _rewrite(name, self._dependencies_out) for name in self._dependencies_in):
            self.adds_dependency = True
        self._dependencies_in, self._dependencies_out = set(), set()
        if self._file_touched:
            moved = {n for n, net in self._file_counts.items() if net != 0}
            if moved:
                self.changed |= moved
                self.added_lines.extend(self._file_added)
                if self._file_imports:
                    for needle in moved:
                        self.imports.setdefault(needle, set()).update(self._file_imports)
        self._file_counts = {}
        self._file_added = []
        self._file_imports = set()
        self._file_touched = False

    def _end_commit(self) -> None:
        self._end_file()
        commit, date, subject = self.header
        for needle in self.changed:
            lines = self.removed_lines.get(needle)
            if not lines or (needle in self.found and needle not in self.unsettled):
                continue
            # a test spells names it uses (``setenv("SHIPIT_X")``, ``main(["mypkg"])``): only
            # a line of the code itself shows the code declared the name
            defined = any(_defines(needle, ln) for ln in self.declaring.get(needle, ()))
            renamed = _renamed(needle, lines, self.added_lines)
            whole = needle not in self.from_kept_files
            evidence = Evidence(
                commit,
                date,
                subject,
                renamed,
                defined,
                whole,
                self.adds_dependency,
                self._library(subject, self.imports.get(needle, ())),
            )
            if needle not in self.found or defined:
                self.found[needle] = evidence
            if defined:
                self.unsettled.discard(needle)
        self.adds_dependency = False
        self.imports = {}
        self.removed_lines = {}
        self.declaring = {}
        self.from_kept_files = set()
        self.changed = set()
        self.added_lines = []


def signatures(
    root: Path, rev: str, names: Iterable[str]
) -> tuple[dict[str, frozenset[str] | None], dict[str, tuple[str, ...]]]:
    """The parameters each of ``names`` takes in the Python code at ``rev``: every parameter of
    every ``def`` (or a class's ``__init__``) of that name, or ``None`` where one of them takes
    ``**kwargs`` or a class has no ``__init__`` of its own (any keyword may then hold); and the
    files that define each. A name with no Python definition is left out."""
    wanted = sorted(set(names))
    if not wanted:
        return {}, {}
    pattern = rf"^\s*(async\s+)?(def|class)\s+({'|'.join(map(re.escape, wanted))})\b"
    try:
        out = git.git(root, "grep", "-l", "-I", "-E", "-e", pattern, rev, "--", "*.py")
    except InputError:
        return {}, {}  # no definition found (git grep exits 1)
    files = [ln.split(":", 1)[1] for ln in out.decode("utf-8", "replace").splitlines() if ":" in ln]
    found: dict[str, frozenset[str] | None] = {}
    where: dict[str, tuple[str, ...]] = {}
    for path, text in GitTree(root, rev).read(files).items():
        try:
            module = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError):
            continue
        for node in ast.walk(module):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if node.name not in wanted:
                continue
            params = _parameters(node)
            before = found.get(node.name, frozenset())
            found[node.name] = None if params is None or before is None else before | params
            where[node.name] = tuple(dict.fromkeys((*where.get(node.name, ()), path)))
    return found, where


def _parameters(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
) -> frozenset[str] | None:
    if isinstance(node, ast.ClassDef):
        init = next(
            (n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"),
            None,
        )
        return None if init is None else _parameters(init)
    args = node.args
    if args.kwarg is not None:
        return None
    return frozenset(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs))


_FILE_HEADERS = ("--- a/", "--- /dev/null", "+++ b/", "+++ /dev/null")


def _patches(
    root: Path, rev: str, paths: Iterable[str], *options: str
) -> Iterator[tuple[str, str, str, list[str]]]:
    """Each commit touching ``paths`` (newest first) with its date, subject and changed lines
    (``+``/``-``, no file headers); none where git cannot read the history."""
    try:
        out = git.git(
            root,
            "log",
            *options,
            "-p",
            "-U0",
            "--no-ext-diff",
            "--no-textconv",
            f"--format={_REC}%H{_FLD}%cI{_FLD}%s",
            rev,
            "--",
            *paths,
        ).decode("utf-8", "replace")
    except InputError:
        return
    for record in out.split(_REC)[1:]:
        header, _, body = record.partition("\n")
        commit, date, subject = ([*header.split(_FLD), "", ""])[:3]
        lines = [ln for ln in body.splitlines() if not ln.startswith(_FILE_HEADERS)]
        yield commit, date, subject, lines  # fmt: skip


def keyword_history(
    root: Path, rev: str, missing: Iterable[tuple[str, str, tuple[str, ...]]]
) -> dict[tuple[str, str], Evidence]:
    """For each (function, keyword, files defining it) where the function no longer takes the
    keyword, the newest commit that took a line holding the keyword out of those files;
    ``defined`` when that line reads as a parameter (``force=False,``, ``force: bool``)."""
    found: dict[tuple[str, str], Evidence] = {}
    for name, keyword, files in sorted(set(missing)):
        word = whole_words([keyword])
        parameter = re.compile(rf"(?<![\w-]){re.escape(keyword)}\s*(?:[:=,)]|$)")
        for commit, date, subject, lines in _patches(root, rev, files, f"-S{keyword}"):
            removed = [ln[1:] for ln in lines if ln.startswith("-")]
            added = [ln[1:] for ln in lines if ln.startswith("+")]
            lost = [ln for ln in removed if word.search(ln)]
            if lost and len(lost) > sum(1 for ln in added if word.search(ln)):
                defined = any(parameter.search(ln) for ln in lost)
                found[(name, keyword)] = Evidence(commit, date, subject, "", defined)
                break
    return found


def _renamed(needle: str, removed: list[str], added: list[str]) -> str:
    """What ``needle`` became, if a removed line holding it has a twin among the added lines
    (the same line but for a few words) where a word of the same shape stands in its place
    (an environment variable for an environment variable, a flag's name for a flag's)."""
    core = needle.strip("-\"'")
    shape = _shape(core)
    for line in removed:
        old_words = _WORDS.findall(line)
        for twin in added:
            if SequenceMatcher(None, line, twin).ratio() < 0.6:
                continue
            new_words = _WORDS.findall(twin)
            matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
            for op, i1, i2, j1, j2 in matcher.get_opcodes():
                if op != "replace" or core not in old_words[i1:i2]:
                    continue
                candidates = [str(w) for w in new_words[j1:j2] if _shape(str(w)) == shape]
                if candidates:
                    return candidates[0]
    return ""


def _defines(name: str, line: str) -> bool:
    """Whether ``line`` declares ``name`` rather than merely mentions it: defines a function,
    class or constant, reads it from the environment, or spells it as a string literal (a
    key or flag the code looks up)."""
    word = re.escape(name)
    if name.startswith("-"):
        # a flag is declared as a literal of its own (``add_argument("-j", "--json")``, or on
        # a line of its own inside a call); in an argument list after a word that is not a flag
        # (``["virtualenv", "--no-site-packages"]``) it is passed to some tool, not declared
        quoted = rf"[\"']{word}[\"']"
        passed = rf"[\"'][^\"'\s-][^\"']*[\"']\s*,\s*{quoted}"
        return bool(re.search(quoted, line)) and not re.search(passed, line)
    keyword = r"(?:def|class|func|function|fn|type|interface|struct|enum|trait|module|sub|const)"
    return bool(
        re.search(rf"\b{keyword}\s+(?:\([^)]*\)\s*)?{word}\b", line)
        or re.search(rf"^\s*(?:export\s+)?{word}\s*:?=", line)
        or (
            re.search(r"getenv|environ|Getenv|LookupEnv|process\.env|ENV\[|env::var", line)
            and re.search(rf"(?<![\w-]){word}(?![\w-])", line)
        )
        or re.search(rf"[\"'`]{word}[\"'`]", line)
    )


def _shape(word: str) -> str:
    if re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+", word):
        return "env"
    if re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", word):
        return "kebab"
    if re.fullmatch(r"[a-z_][a-z0-9_]*", word):
        return "snake"
    return "other"


def line_blame(root: Path, rev: str, doc: str, lines: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Which commit last wrote each of ``lines`` of ``doc``, and its author time (Unix
    seconds); whitespace-only edits do not count as writing a line."""
    wanted = sorted(set(lines))
    if not wanted:
        return {}
    ranges = [arg for n in wanted for arg in ("-L", f"{n},{n}")]
    try:
        out = git.git(root, "blame", "-w", "--porcelain", *ranges, rev, "--", doc)
    except InputError:
        return {}
    blamed: dict[int, tuple[str, str]] = {}
    times: dict[str, str] = {}
    current: tuple[str, int] | None = None
    for raw in out.decode("utf-8", "replace").splitlines():
        parts = raw.split()
        if len(parts) >= 3 and re.fullmatch(r"[0-9a-f]{40}", parts[0]):
            current = (parts[0], int(parts[2]))
        elif raw.startswith("author-time ") and current is not None:
            times[current[0]] = parts[1]
        elif raw.startswith("\t") and current is not None and current[0] in times:
            blamed[current[1]] = (current[0], times[current[0]])
    return blamed


@functools.lru_cache(maxsize=512)
def documents_naming(root: Path, rev: str, needle: str) -> tuple[str, ...]:
    """The documents of the tree at ``rev`` that spell ``needle`` (one ``git grep`` of that
    tree; kept: several findings ask of one name and one removal)."""
    if not needle or "\n" in needle:
        return ()
    proc = subprocess.run(
        [
            "git", "-C", str(root), "grep", "-l", "-F", "-I", "-e", needle, rev, "--",
            *(f"*{suffix}" for suffix in DOC_SUFFIXES),
        ],
        capture_output=True,
        check=False,
    )  # fmt: skip
    if proc.returncode not in (0, 1):
        return ()
    prefix = f"{rev}:"
    return tuple(
        line.removeprefix(prefix)
        for line in proc.stdout.decode("utf-8", "replace").splitlines()
        if line
    )


# A Makefile, or the template of one that the repository writes out for its readers
# (pelican's ``Makefile.jinja2``, autotools' ``Makefile.in``/``Makefile.am``): a document may
# well tell the reader to run the targets of the Makefile it generates for them.
_MAKEFILE = re.compile(
    r"^(?:GNUmakefile|makefile|.*Makefile|.*\.mk)(?:\.(?:in|am|j2|jinja2?|tmpl|tpl|template))?$"
    r"|^Makefile\.[\w.-]+$"
)


def is_makefile(path: str) -> bool:
    """A Makefile, or a part one includes (prometheus' ``Makefile.common``), not a document
    about them (``Makefile.md``)."""
    name = path.rsplit("/", 1)[-1]
    return bool(_MAKEFILE.match(name)) and not is_doc(name) and not name.endswith(".txt")


_RULE = re.compile(r"^([A-Za-z0-9][\w./ -]*?)\s*::?(?!=)")


def _make_targets(texts: Iterable[str]) -> frozenset[str] | None:
    """The targets the Makefiles name, or ``None`` where one has a catch-all rule (``%:``,
    as Sphinx's generated Makefile routes every goal to ``sphinx-build -M``): any goal may
    then be made, and none can be called missing."""
    texts = list(texts)
    names: set[str] = set()
    values: dict[str, list[str]] = {}  # the variables the Makefiles set, for ``$(VAR):`` rules
    for text in texts:
        for setting in _MAKE_VARIABLE.finditer(text):
            words = setting.group(3).split()
            if setting.group(2) == "+=":
                values.setdefault(setting.group(1), []).extend(words)
            else:
                values[setting.group(1)] = words
    routes: set[str] = set()  # ``%: common-% ;``: every goal made by the rule of its prefixed name
    for text in texts:
        for line in re.findall(r"^%\s*::?(?!=).*$", text, re.MULTILINE):
            if not (route := _ROUTE.match(line)):
                return None
            routes.add(route.group(1))
        for line in text.splitlines():
            if match := _RULE.match(line):
                names.update(match.group(1).split())
            elif match := _VARIABLE_RULE.match(line):
                if match.group(1) not in values:
                    return None  # a rule on a variable set elsewhere: any goal may be made
                names.update(values[match.group(1)])
        for match in re.finditer(r"^\.PHONY\s*:\s*(.+)$", text, re.MULTILINE):
            names.update(match.group(1).split())
    routed = {n[len(r) :] for r in routes for n in names if n.startswith(r) and len(n) > len(r)}
    return frozenset(names | routed)


# a pattern rule that routes every goal to a prefixed one (prometheus' ``%: common-% ;``)
_ROUTE = re.compile(r"^%\s*::?\s*([\w.-]+)%\s*;?\s*$")


def make_routes(texts: Iterable[str]) -> frozenset[str]:
    """The prefixes the Makefiles' routing pattern rules add to every goal."""
    return frozenset(
        m.group(1)
        for text in texts
        for line in re.findall(r"^%.*$", text, re.MULTILINE)
        if (m := _ROUTE.match(line))
    )


# ``MANAGE += test.unit``, ``DOCS := html latex``; and a rule whose targets are one variable
# (``$(MANAGE):``, searxng's way of routing a list of goals to one script)
_MAKE_VARIABLE = re.compile(r"^([A-Za-z_][\w.-]*)\s*(\+=|:?:=|\?=|=)[ \t]*(.*)$", re.MULTILINE)
_VARIABLE_RULE = re.compile(r"^\$[({]([A-Za-z_][\w.-]*)[)}]\s*::?(?!=)")


def target_history(
    root: Path,
    rev: str,
    missing: Iterable[str],
    makefiles: Iterable[str],
    routes: Iterable[str] = (),
) -> dict[str, Evidence]:
    """For each ``make`` target no Makefile defines any more, the newest commit that took its
    rule out of one of ``makefiles`` (every Makefile the history held; deleting one takes its
    rules with it). Only a rule is evidence: a commit that took the word out of any other
    line (``serve`` from a Python file) says nothing of the Makefile's targets."""
    wanted = set(missing)
    prefixes = tuple(routes)
    paths = sorted(set(makefiles))
    if not wanted or not paths:
        return {}
    found: dict[str, Evidence] = {}
    for commit, date, subject, lines in _patches(root, rev, paths):
        removed = [ln[1:] for ln in lines if ln.startswith("-") and _RULE.match(ln[1:])]
        added = [ln[1:] for ln in lines if ln.startswith("+") and _RULE.match(ln[1:])]
        kept = {n for ln in added if (m := _RULE.match(ln)) for n in m.group(1).split()}
        for line in removed:
            match = _RULE.match(line)
            for rule in match.group(1).split() if match else ():
                # the goal a routed rule makes (``common-lint`` makes ``lint``)
                goals = [rule, *(rule[len(r) :] for r in prefixes if rule.startswith(r))]
                name = next((g for g in goals if g in wanted), rule)
                if name in wanted and name not in found and rule not in kept:
                    renamed = _renamed(name, [line], added)
                    found[name] = Evidence(commit, date, subject, renamed, defined=True)
        if len(found) == len(wanted):
            break
    return found


def _scripts(texts: Iterable[str]) -> frozenset[str]:
    names: set[str] = set()
    for text in texts:
        try:
            data = json.loads(text)
        except ValueError:
            continue
        scripts = data.get("scripts") if isinstance(data, dict) else None
        if isinstance(scripts, dict):
            names.update(k for k in scripts if isinstance(k, str))
    return frozenset(names)


def docs_in(paths: Iterable[str]) -> tuple[str, ...]:
    return tuple(p for p in paths if is_doc(p))
