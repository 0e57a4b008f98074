"""Review a repository's documentation against its code at one revision: the composition of
``intake.docs`` (git) and ``facts.docs`` (pure), used by ``docs check``, ``check`` and the guard.

The documents can be the repository's own (at the same revision) or another tree: a wiki kept
as a git repository, or an exported directory, judged against the code of ``root``.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from countersign.errors import InputError
from countersign.facts.docs import Finding, Kind, Reference
from countersign.facts.docs.extract import Vocabulary, own_commands, project_names, references
from countersign.facts.docs.history import is_history, superseded
from countersign.facts.docs.judge import (
    History,
    defining_needles,
    judge,
    missing_keywords,
    missing_targets,
    module_paths,
    needles,
    path_candidates,
    unheld,
)
from countersign.intake import docs as read
from countersign.intake import git
from countersign.intake.code_index import VENDORED, CodeIndex, is_doc
from countersign.intake.tree import DirTree, GitTree, RepoTree


@dataclass(frozen=True)
class DocsReview:
    rev: str
    docs: tuple[str, ...]
    references: int
    findings: tuple[Finding, ...]
    # commits of the history that git could not read (a damaged mirror): evidence they held,
    # if any, is missing, so a reference they took away may not be found stale
    unreadable: tuple[str, ...] = ()

    @property
    def stale(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.stale)


def review_docs(
    root: Path,
    rev: str = "HEAD",
    paths: Iterable[str] = (),
    docs_root: Path | None = None,
    commands: Iterable[str] = (),
    base: str | None = None,
    as_of: date | None = None,
) -> DocsReview:
    """Judge every document under ``paths`` (all documents when empty) in the tree at ``rev``
    of ``root``, or in ``docs_root`` (a wiki clone or an exported directory) when given. With
    ``base``, only what the change ``base..rev`` touched: stale references in the documents it
    edits, and references its own commits made stale (code changed without its docs).
    ``as_of``: the day of the reading, for other projects' tools (default: today's)."""
    sha = git.resolve(root, rev)
    since = git.resolve(root, base) if base else None
    code_paths, submodules = read.listing(root, sha)
    doc_tree, doc_git = _doc_source(root, sha, docs_root)
    every_path = doc_tree.paths() if docs_root else code_paths
    doc_paths = _select(every_path, paths)
    manifests = GitTree(root, sha).read(p for p in code_paths if p.rsplit("/", 1)[-1] in _MANIFESTS)
    vocabulary = Vocabulary(
        commands=own_commands(manifests, code_paths) | set(commands),
        make=any(read.is_makefile(p) for p in code_paths),
        package_scripts=any(p.rsplit("/", 1)[-1] == "package.json" for p in code_paths),
        names=project_names(manifests) | {p.split("/", 1)[0] for p in code_paths if "/" in p},
    )
    # an older version's page beside a newer one records what was: not read for advice
    records = superseded(p for p in every_path if is_doc(p))
    refs = _references(doc_tree.read(p for p in doc_paths if p not in records), vocabulary)
    index = read.code_index(root, sha, code_paths, needles(refs), submodules, manifests)
    calls = [r for r in refs if r.keywords and r.needle in index.tokens]
    params, defined_in = read.signatures(root, sha, {r.needle for r in calls})
    index = replace(index, signatures=params, commands=frozenset(vocabulary.commands))
    missing = _missing_paths(refs, index)
    walked = read.listing_of(root, sha, _doc_only_dirs(code_paths, missing))
    lost = list(walked.unreadable)
    history = History(
        paths=read.path_history(root, sha, _asked_about(missing), walked, lost),
        tokens=read.token_history(
            root, sha, unheld(refs, index), walked, lost, defining_needles(refs, index)
        ),
        keywords=read.keyword_history(
            root,
            sha,
            {
                (r.needle, keyword, defined_in[r.needle])
                for r in calls
                if r.needle in defined_in
                for keyword in missing_keywords(r, index)
            },
        ),
        targets=read.target_history(
            root,
            sha,
            missing_targets(refs, index),
            [p for p in (*code_paths, *walked.deleted) if read.is_makefile(p)],
            index.make_routes,
        ),
    )
    findings = judge(refs, index, history, as_of)
    if since is not None:
        findings = _touched(root, since, sha, findings)
    if doc_git is not None:
        findings = _dated(doc_git[0], doc_git[1], findings, same_history=doc_git[0] == root)
    return DocsReview(sha, doc_paths, len(refs), findings, tuple(dict.fromkeys(lost)))


# Above this many documents the references are read by one process per core (tldr-pages'
# 38,000 pages are read in half the time on two): git grep, the baseline, uses every core too.
_PARALLEL_FROM = 2000


def _references(texts: dict[str, str], vocabulary: Vocabulary) -> list[Reference]:
    items = list(texts.items())
    workers = min(os.cpu_count() or 1, 8)
    if len(items) < _PARALLEL_FROM or workers < 2:
        return _read_chunk(items, vocabulary)
    size = -(-len(items) // (workers * 4))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = pool.map(_read_chunk, chunks, [vocabulary] * len(chunks))
            return [r for part in parts for r in part]
    except (OSError, BrokenProcessPool):
        return _read_chunk(items, vocabulary)  # no processes to be had: read them here


def _read_chunk(items: list[tuple[str, str]], vocabulary: Vocabulary) -> list[Reference]:
    return [r for path, text in items for r in references(path, text, vocabulary)]


def _missing_paths(refs: Iterable[Reference], index: CodeIndex) -> set[str]:
    """The paths a document's missing path could be (its candidates that are not in the
    tree), and the modules a missing dotted name is spelled through."""
    paths = {c for r in refs if r.kind is Kind.PATH for c in path_candidates(r)}
    # and the modules a dotted name is spelled through: moved, the name went with them
    modules = {path for r in refs for path, _cut in module_paths(r)}
    return {c for c in paths | modules if c not in index.paths and c not in index.dirs}


def _asked_about(missing: set[str]) -> Callable[[str], bool]:
    """Which removed paths a document's missing path could be: one of its candidates, a path
    under a candidate directory (a bare name is only ever a link, judged from its own
    directory)."""
    prefixes = tuple(f"{c}/" for c in missing)

    def asked(path: str) -> bool:
        return path in missing or path.startswith(prefixes)

    return asked


# A top-level directory of at least this many files, every one a document (tldr-pages' 39
# ``pages*`` directories, 38,000 pages), is left out of the history walk when no missing path
# lies in it: git's diff of every commit that touched it was 60 % of the walk's CPU, and it can
# hold neither code whose removal makes a reference stale nor a path a document asks about.
_DOC_DIR_FROM = 1000


def _doc_only_dirs(paths: Iterable[str], missing: set[str]) -> tuple[str, ...]:
    counts: dict[str, int] = {}
    mixed: set[str] = set()
    for path in paths:
        top, sep, _rest = path.partition("/")
        if not sep:
            continue
        counts[top] = counts.get(top, 0) + 1
        if read.is_own_code(path) or read.is_makefile(path):
            mixed.add(top)
    asked = {c.partition("/")[0] for c in missing}
    return tuple(
        sorted(d for d, n in counts.items() if n >= _DOC_DIR_FROM and d not in mixed | asked)
    )


_MANIFESTS = frozenset(
    {"pyproject.toml", "setup.cfg", "setup.py", "package.json", "Cargo.toml", "go.mod"}
)


def _doc_source(
    root: Path, sha: str, docs_root: Path | None
) -> tuple[RepoTree, tuple[Path, str] | None]:
    if docs_root is None:
        return GitTree(root, sha), (root, sha)
    if not docs_root.is_dir():
        raise InputError(f"{docs_root} is not a directory: give the wiki clone or export")
    try:
        wiki = git.repo_root(docs_root)
    except InputError:
        return DirTree(docs_root), None
    if wiki.resolve() == root.resolve():
        return DirTree(docs_root), None
    return GitTree(wiki, git.resolve(wiki, "HEAD")), (wiki, git.resolve(wiki, "HEAD"))


def _select(all_paths: Iterable[str], wanted: Iterable[str]) -> tuple[str, ...]:
    wanted = [w.strip("/") for w in wanted if w.strip("/") not in {"", "."}]
    docs = [p for p in all_paths if is_doc(p) and not _vendored(p)]
    if not wanted:
        return tuple(docs)
    chosen = tuple(p for p in docs if any(p == w or p.startswith(f"{w}/") for w in wanted))
    if not chosen:
        raise InputError(
            f"no documentation files under {', '.join(wanted)}: give Markdown, "
            "reStructuredText or AsciiDoc files or directories holding them"
        )
    return chosen


def _touched(
    root: Path, base: str, head: str, findings: tuple[Finding, ...]
) -> tuple[Finding, ...]:
    edited = set(git.git(root, "diff", "--name-only", "-z", base, head).decode().split("\0"))
    commits = set(git.git(root, "rev-list", f"{base}..{head}").decode().split())
    return tuple(
        f
        for f in findings
        if f.reference.doc in edited or (f.evidence is not None and f.evidence.commit in commits)
    )


def _vendored(path: str) -> bool:
    """A vendored library's documents speak of that library's code, not of this repository's;
    so do an installed package's, kept as test data (conda's
    ``tests/data/.../site-packages/PyJWT-1.6.4.dist-info/DESCRIPTION.rst``)."""
    parts = path.split("/")[:-1]
    return any(
        part in VENDORED or part == "site-packages" or part.endswith((".dist-info", ".egg-info"))
        for part in parts
    )


def _dated(
    root: Path, sha: str, findings: tuple[Finding, ...], same_history: bool
) -> tuple[Finding, ...]:
    """When each finding's document line was last written, for the findings with evidence
    (an unresolved one has no referent whose age the line's could be set against); and a
    line written after the commit that took its referent away is not called stale."""
    by_doc: dict[str, set[int]] = {}
    for finding in findings:
        if finding.evidence is not None:
            by_doc.setdefault(finding.reference.doc, set()).add(finding.reference.line)
    blamed = {doc: read.line_blame(root, sha, doc, lines) for doc, lines in by_doc.items()}
    dated = tuple(_aged(root, f, blamed, same_history) for f in findings)
    return _never_here(root, dated, blamed) if same_history else dated


def _aged(
    root: Path,
    finding: Finding,
    blamed: dict[str, dict[int, tuple[str, str]]],
    same_history: bool,
) -> Finding:
    written = blamed.get(finding.reference.doc, {}).get(finding.reference.line)
    if written is None:
        return finding
    commit, stamp = written
    dated = replace(finding, doc_line_date=_day(stamp))
    if not (dated.stale and _written_after(root, dated, commit, stamp, same_history)):
        return dated
    return replace(
        dated,
        confidence="medium",
        reason=f"{dated.reason}; but this line was written after that, on "
        f"{dated.doc_line_date}: it tells of the change, or of another program's",
    )


def _never_here(
    root: Path, findings: tuple[Finding, ...], blamed: dict[str, dict[int, tuple[str, str]]]
) -> tuple[Finding, ...]:
    """A path that was not in the repository when the line naming it was written: the line
    spoke of the reader's file (molecule's ``.config/molecule/config.yml`` "in your $HOME"),
    of one a tool generates for them, or of a file yet to come, and the repository's own file
    of that name, added and removed later, is no evidence against it."""
    asked: dict[Finding, list[tuple[str, str]]] = {}
    for f in findings:
        written = blamed.get(f.reference.doc, {}).get(f.reference.line)
        if f.stale and f.reference.kind is Kind.PATH and written is not None:
            places = [
                *path_candidates(f.reference),
                *(f"src/{c}" for c in path_candidates(f.reference)),
            ]
            asked[f] = [(written[0], p) for p in places]
    if not asked:
        return findings
    there = git.existing(root, [spec for specs in asked.values() for spec in specs])
    return tuple(
        replace(
            f,
            confidence="medium",
            reason=f"{f.reason}; but it was not in the repository when this line was written "
            f"({f.doc_line_date}): the line names another file of that name",
        )
        if f in asked and not there.intersection(asked[f])
        else f
        for f in findings
    )


def _written_after(
    root: Path, finding: Finding, commit: str, stamp: str, same_history: bool
) -> bool:
    """Whether the document came to name the referent only once it was gone: a changelog entry
    or a migration note telling of the removal, a page copied in later, a line about another
    program's name. A document is stale when it fell behind the code; one that took the name
    up after the code had moved did not fall behind it. A line merely edited since (pdm's
    table row whose key was renamed the day after, its variable column left behind) named
    it before: still stale. The commit that took the referent away and wrote the line at once
    (docs converted, their links left pointing at the old pages) is no such line. A wiki has
    a history of its own: there, the dates decide."""
    evidence = finding.evidence
    if evidence is None or evidence.commit == commit:
        return False
    if same_history:
        if not git.is_ancestor(root, evidence.commit, commit):
            return False
        return not _named_before(root, finding.reference.needle, evidence.commit)
    try:
        removed = datetime.fromisoformat(evidence.date)
    except ValueError:
        return False
    return datetime.fromtimestamp(int(stamp), tz=UTC) > removed


def _named_before(root: Path, needle: str, removal: str) -> bool:
    """Whether a document that is no changelog spelled ``needle`` in the tree just before
    ``removal``: the knowledge was there while the referent was, whatever page holds it now
    (an answer moved to a new page, a page split in two). One ``git grep`` of that tree."""
    parents = git.parents(root, removal)
    if not parents:
        return False
    return any(not is_history(d) for d in read.documents_naming(root, parents[0], needle))


def _day(stamp: str) -> str:
    return datetime.fromtimestamp(int(stamp), tz=UTC).date().isoformat()
