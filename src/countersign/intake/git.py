"""Read a ``Change`` from a git repository with the git command line (the only I/O of intake)."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, Self

from countersign.errors import InputError, NothingToCheckError
from countersign.intake.artifacts import attach_texts, find_artifacts
from countersign.intake.change import Artifact, Change, Commit, FileChange
from countersign.intake.contents import Placer, read_as_text
from countersign.intake.diff import PatchReader, RawEntry, parse_raw_z, parse_sections
from countersign.intake.diff_stream import Diff, DiffStream
from countersign.intake.fingerprint import PatchDigest
from countersign.intake.git_command import (
    GIT,
    MissingObjectError,
    default_branch,
    drop_reader,
    failure,
    git,
    keep_reader,
    kept_reader,
    read_named,
)

__all__ = [
    "DIFF_OPTS",
    "EMPTY_TREE",
    "GIT",
    "NOTES_REF",
    "TRACE_NOTES_REF",
    "MissingObjectError",
    "NotARepositoryError",
    "blob_sizes",
    "current_branch",
    "default_base",
    "default_branch",
    "first_parent",
    "git",
    "git_stream",
    "has_commits",
    "note_ref_names",
    "notes_ref",
    "parents",
    "prefetch_commits",
    "prefetch_diffs",
    "read_blobs",
    "read_change",
    "read_commits",
    "read_named",
    "read_notes_tree",
    "remote_url",
    "repo_root",
    "resolve",
    "top_authors",
    "trace_notes_ref",
    "worktree_tree",
]  # GIT, git, default_branch, MissingObjectError live in git_command

# The diff shape is pinned (context, algorithm, heuristic, hunk merging, order, prefixes,
# submodules) whatever the user's git config says: the fingerprint hashes its bytes, and must be
# the same on every machine.
DIFF_OPTS = (
    "-M",
    "--no-ext-diff",
    "--no-textconv",
    "--no-color",
    "--no-relative",
    "--submodule=short",
    "--ignore-submodules=none",
    "--full-index",
    "-U3",
    "--inter-hunk-context=0",
    "--diff-algorithm=myers",
    "--indent-heuristic",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "-O/dev/null",
)
_CHUNK = 1 << 20
_PAGE = 4096
# What a ``BlobReader`` keeps of the blobs it read last (bytes of content), and the largest it
# keeps: a replay's next change asks for many of them again (``BlobReader.read``).
_KEPT_BYTES = 64 << 20
_KEPT_BLOB = 8 << 20
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_GITLINK = "160000"
# What git C-quotes in a path even with core.quotePath=false
_QUOTED = re.compile(r'["\\\x00-\x1f\x7f]')
_SEP, _START, _END = "\x1f", "\x1d", "\x1e"


def git_stream(root: Path | str, *args: str, stdin: bytes = b"") -> Iterator[bytes]:
    """The output of a git command in chunks, so a change of any size is read in bounded
    memory; a failure is raised once the output ends. ``stdin`` is given to the command from
    a file (so a long list of revisions cannot block the pipe)."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as given:
        given.write(stdin)
        given.seek(0)
        try:
            proc = subprocess.Popen(
                [*GIT, *args],
                cwd=root,
                stdin=given,
                stdout=subprocess.PIPE,
                stderr=err,
                env=os.environ.copy(),
            )
        except FileNotFoundError:
            raise InputError("git is not installed or not on PATH; install git and retry") from None
        with proc:
            assert proc.stdout is not None  # noqa: S101 - stdout=PIPE
            while chunk := proc.stdout.read(_CHUNK):
                yield chunk
        if proc.returncode != 0:
            err.seek(0)
            first = err.read(4096).decode("utf-8", "replace").strip().splitlines()
            raise failure(args[0], first)


class NotARepositoryError(InputError):
    """The directory is in no git repository (commands that read a patch file say so)."""


def repo_root(cwd: Path) -> Path:
    try:
        out = git(cwd, "rev-parse", "--show-toplevel")
    except InputError:
        raise NotARepositoryError(
            f"{cwd} is not inside a git repository; run countersign from a repository "
            "(or name one with -C DIRECTORY)"
        ) from None
    return Path(out.decode().strip())


def resolve(root: Path, rev: str) -> str:
    reader = _reader(root) if _full_id(rev) else None
    if reader is not None and (commit := reader.object_id(f"{rev}^{{commit}}", "commit")):
        return commit
    try:
        return (
            git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
            .decode()
            .strip()
        )
    except InputError:
        if rev == "HEAD" and not has_commits(root):
            raise InputError(
                "this repository has no commits yet: commit a first change, then run "
                "countersign again"
            ) from None
        raise InputError(
            f"unknown revision {rev!r}: check the name with `git log --oneline`, or fetch it first"
        ) from None


def _full_id(rev: str) -> bool:
    return len(rev) == 40 and all(c in "0123456789abcdef" for c in rev)


def has_commits(root: Path) -> bool:
    try:
        return bool(git(root, "rev-list", "-n", "1", "--all").strip())
    except InputError:
        return False


def top_authors(root: Path, limit: int) -> list[tuple[str, str, int]]:
    """The most active human authors of HEAD's history: ``(name, email, commits)``, bots (a
    ``[bot]`` name or address) and GitHub's noreply addresses of bots left out."""
    out = git(root, "shortlog", "-sne", "--no-merges", "HEAD").decode("utf-8", "replace")
    authors: dict[str, tuple[str, str, int]] = {}
    for line in out.splitlines():
        count, _, who = line.strip().partition("\t")
        name, _, email = who.rpartition(" <")
        email = email.rstrip(">").strip()
        if not count.strip().isdigit() or not email or "[bot]" in f"{name}{email}".lower():
            continue
        key = email.lower()
        previous = authors.get(key)
        total = int(count) + (previous[2] if previous else 0)
        authors[key] = (previous[0] if previous else name.strip(), email, total)
    ranked = sorted(authors.values(), key=lambda a: (-a[2], a[1]))
    return ranked[:limit]


def first_parent(root: Path, sha: str) -> str | None:
    try:
        return resolve(root, f"{sha}^1")
    except InputError:
        return None


def is_ancestor(root: Path, older: str, newer: str) -> bool:
    """Whether ``older`` is ``newer`` or one of its ancestors."""
    proc = subprocess.run(
        ["git", "-C", str(root), "merge-base", "--is-ancestor", older, newer],
        capture_output=True,
        check=False,
    )
    return proc.returncode == 0


def parents(root: Path, sha: str) -> tuple[str, ...]:
    """The parents of commit ``sha``; none when this clone does not have it."""
    if not sha or not all(c in "0123456789abcdef" for c in sha.lower()):
        return ()
    try:
        out = git(root, "rev-parse", "--quiet", f"{sha}^@").decode()
    except InputError:
        return ()
    return tuple(line.strip() for line in out.splitlines() if line.strip())


def remote_url(root: Path, name: str = "origin") -> str | None:
    try:
        return git(root, "remote", "get-url", name).decode().strip() or None
    except InputError:
        return None


def current_branch(root: Path) -> str | None:
    try:
        name = git(root, "symbolic-ref", "--quiet", "--short", "HEAD").decode().strip()
    except InputError:
        return None
    return name or None


def default_base(root: Path, head: str) -> str:
    branch = default_branch(root)
    if branch is None:
        raise InputError(
            "no default branch (main, master or origin/HEAD) to compare with; pass --base REV"
        )
    try:
        return git(root, "merge-base", branch, head).decode().strip()
    except InputError:
        raise InputError(f"{branch} and {head[:12]} share no history; pass --base REV") from None


def worktree_tree(root: Path) -> str:
    """Snapshot the working tree (tracked and untracked, minus ignored) as a tree object, using a
    throw-away index so the user's staging area is left untouched."""
    with tempfile.TemporaryDirectory(prefix="countersign-index-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        try:
            git(root, "read-tree", "HEAD", env=env)
        except InputError:
            git(root, "read-tree", "--empty", env=env)
        git(root, "add", "-A", "--", ".", env=env)
        return git(root, "write-tree", env=env).decode().strip()


NOTES_REF = "refs/notes/ai"
TRACE_NOTES_REF = "refs/notes/agent-trace"


def note_ref_names(root: Path) -> list[str]:
    """Every ref a note could be read from: ``refs/notes/*`` and fetched copies under
    ``refs/remotes/``. One listing serves ``notes_ref`` and ``trace_notes_ref``."""
    refs = git(root, "for-each-ref", "--format=%(refname)", "refs/notes/", "refs/remotes/")
    return refs.decode("utf-8", "replace").split()


def notes_ref(root: Path, names: list[str] | None = None) -> tuple[str | None, str | None]:
    """Where git-ai notes can be read in this clone, and a hint for the evidence.

    Notes are not fetched by default; teams often fetch them into a remote namespace
    (``refs/remotes/origin/notes/ai``, ``refs/notes/origin/ai``). Use the local ref first, then any
    such copy, and say when there is none, with the command that fetches it."""
    names = note_ref_names(root) if names is None else names
    if NOTES_REF in names:
        return NOTES_REF, None
    copies = sorted(
        n
        for n in names
        if n.endswith("/notes/ai") or (n.startswith("refs/notes/") and n.endswith("/ai"))
    )
    if copies:
        return copies[0], f"git-ai notes read from {copies[0]} ({NOTES_REF} is not in this clone)"
    return None, (
        f"no {NOTES_REF} in this clone: git-ai notes, if your team writes them, are fetched with "
        f"`git fetch origin {NOTES_REF}:{NOTES_REF}`"
    )


def trace_notes_ref(root: Path, names: list[str] | None = None) -> str | None:
    """Where Agent Trace records kept as notes of their own can be read: ``refs/notes/agent-
    trace``, else a fetched copy of it (the spec leaves storage open; ``refs/notes/ai`` is read
    for them too)."""
    names = note_ref_names(root) if names is None else names
    if TRACE_NOTES_REF in names:
        return TRACE_NOTES_REF
    copies = sorted(n for n in names if n.endswith("/agent-trace"))
    return copies[0] if copies else None


def read_commits(
    root: Path,
    base: str,
    head: str,
    notes: str | None = NOTES_REF,
    trace_notes: str | None = None,
    counts: tuple[tuple[str, ...], int] | None = None,
) -> tuple[Commit, ...]:
    """The commits of ``base..head``, oldest first, with the paths each one touches, its
    git-ai note (read from ``notes``) and its Agent Trace note (from ``trace_notes``).
    ``counts``: the paths and added lines of ``base..head`` when it is one commit, as
    ``--numstat --no-renames`` gives them, found by the caller (``numstat_of``)."""
    in_notes = _in_notes(notes)
    reader = _reader(root)
    held = reader.commits.get((base, head, notes)) if reader is not None and base else None
    if held is not None and reader is not None:
        commits = _counted(root, list(held), reader.uncounted, counts)
    else:
        out = git(
            root, "log", "--reverse", *_log_format(notes), f"{base}..{head}" if base else head, "--"
        )
        commits = _log_records(out, in_notes)
    if notes and not in_notes:
        texts = read_notes_tree(root, notes, {c.sha for c in commits})
        commits = [replace(c, notes={"ai": texts[c.sha]}) if c.sha in texts else c for c in commits]
    if trace_notes and commits:
        traces = read_notes_tree(root, trace_notes, {c.sha for c in commits})
        commits = [
            replace(c, notes={**c.notes, "agent-trace": traces[c.sha]}) if c.sha in traces else c
            for c in commits
        ]
    return tuple(commits)


def _counted(
    root: Path,
    commits: list[Commit],
    uncounted: set[str],
    counts: tuple[tuple[str, ...], int] | None,
) -> list[Commit]:
    """``commits`` with the ``--numstat`` counts the prefetch left out: ``counts`` for a
    single commit, else read by git for each one."""
    if not any(c.sha in uncounted for c in commits):
        return commits
    if counts is not None and len(commits) == 1:
        return [replace(commits[0], paths=counts[0], lines_added=counts[1])]
    out = []
    for c in commits:
        if c.sha in uncounted:
            stat = git(root, "log", "--no-walk", "--numstat", "--no-renames", "--format=", c.sha)
            paths, added = _numstat(stat.decode("utf-8", "replace"))
            c = replace(c, paths=paths, lines_added=added)  # noqa: PLW2901
        out.append(c)
    return out


def numstat_of(
    files: Sequence[FileChange], raw: Sequence[RawEntry]
) -> tuple[tuple[str, ...], int] | None:
    """The paths and added lines ``git log --numstat --no-renames`` gives for a commit, from
    its difference as ``read_change`` parsed it (before ``read_as_text``: a file git shows
    as binary counts no lines, as numstat's ``-``), or None where they may not be the same:
    a rename or copy (numstat splits it into a removal and an addition), a type change or a
    submodule (numstat counts them its own way), a path git quotes or that is not UTF-8, a
    file whose lines were not all read, or files and entries that do not pair up."""
    if len(files) != len(raw):
        return None
    paths: list[str] = []
    added = 0
    for f, entry in zip(files, raw, strict=True):
        if entry.status not in {"A", "M", "D"} or _GITLINK in {entry.old_mode, entry.new_mode}:
            return None
        if f.path != entry.path or f.path_bytes is not None or f.skipped is not None:
            return None
        if _QUOTED.search(f.path):
            return None
        paths.append(f.path)
        added += len(f.added)  # none for a file git shows as binary
    return tuple(paths), added


def prefetch_commits(root: Path, pairs: Sequence[tuple[str, str]], notes: str | None) -> None:
    """Read the commit of each (commit, first parent) pair with one ``git log`` for the run's
    ``BlobReader``, so ``read_commits`` of ``parent..commit`` needs no process of its own. Only
    a commit whose one parent is the pair's: a merge's range holds more than itself. Without
    ``--numstat``: that is a second diff of every commit, and ``read_change`` counts them from
    the difference it reads (``numstat_of``)."""
    reader = _reader(root)
    if reader is None or not pairs:
        return
    out = git(
        root,
        "log",
        "--no-walk=unsorted",
        "--stdin",
        *_log_format(notes, numstat=False),
        "--",
        input_="".join(f"{sha}\n" for sha, _ in pairs).encode(),
    )
    found = {c.sha: c for c in _log_records(out, _in_notes(notes))}
    for sha, parent in pairs:
        commit = found.get(sha)
        if commit is not None and commit.parents == (parent,):
            reader.commits[(parent, sha, notes)] = (commit,)
            reader.uncounted.add(sha)


def _in_notes(notes: str | None) -> bool:
    # git log only shows notes under refs/notes/; a copy elsewhere is read as a tree.
    return bool(notes) and str(notes).startswith("refs/notes/")


def _log_fields(in_notes: bool) -> tuple[str, ...]:
    # With --no-notes git prints a literal "%N", so the field is left empty instead.
    return ("%H", "%P", "%an", "%ae", "%cn", "%ce", "%at", "%ct", "%B", "%N" if in_notes else "")


def _log_format(notes: str | None, *, numstat: bool = True) -> tuple[str, ...]:
    in_notes = _in_notes(notes)
    fmt = _START + _SEP.join(_log_fields(in_notes)) + _END
    return (
        f"--notes={notes}" if in_notes else "--no-notes",
        *(("--numstat", "--no-renames") if numstat else ()),
        f"--format={fmt}",
    )


def _log_records(out: bytes, in_notes: bool) -> list[Commit]:
    n = len(_log_fields(in_notes))
    commits: list[Commit] = []
    for record in out.decode("utf-8", "replace").split(_START)[1:]:
        head_part, _, stat = record.partition(_END)
        parts = head_part.split(_SEP)
        if len(parts) < n:
            continue
        sha, parents, an, ae, cn, ce, at, ct, body, note = parts[:n]
        paths, added = _numstat(stat)
        commits.append(
            Commit(
                sha,
                an,
                ae,
                cn,
                ce,
                int(at or 0),
                body.strip("\n"),
                tuple(parents.split()),
                {"ai": note.strip()} if note.strip() else {},
                committed_at=int(ct or 0),
                paths=paths,
                lines_added=added,
            )
        )
    return commits


def read_notes_tree(root: Path, ref: str, shas: set[str]) -> dict[str, str]:
    """Notes of ``shas`` from a notes commit at any ref: its tree maps commit ids (possibly
    fanned out as ``ab/cdef...``) to note blobs."""
    listing = git(root, "ls-tree", "-r", "--full-tree", ref).decode("utf-8", "replace")
    blobs: dict[str, str] = {}
    for line in listing.splitlines():
        meta, _, path = line.partition("\t")
        parts = meta.split()
        sha = path.replace("/", "")
        if len(parts) == 3 and parts[1] == "blob" and sha in shas:
            blobs[parts[2]] = sha
    data = read_blobs(root, list(blobs))
    return {blobs[b]: text.decode("utf-8", "replace").strip() for b, text in data.items()}


def _numstat(text: str) -> tuple[tuple[str, ...], int]:
    paths: list[str] = []
    added = 0
    for line in text.splitlines():
        cells = line.split("\t", 2)
        if len(cells) != 3:
            continue
        paths.append(_unquote(cells[2]))
        added += int(cells[0]) if cells[0].isdigit() else 0
    return tuple(paths), added


def _unquote(path: str) -> str:
    """Paths with control characters stay C-quoted even with ``core.quotePath=false``."""
    if len(path) >= 2 and path[0] == path[-1] == '"':
        raw = path[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        return raw.encode("latin-1", "replace").decode("utf-8", "replace")
    return path


def read_change(
    root: Path,
    base: str | None = None,
    head: str = "HEAD",
    worktree: bool = False,
    plans: tuple[Artifact, ...] = (),
    notes: str | None = NOTES_REF,
    trace_notes: str | None = None,
    base_is_ancestor: bool = False,
) -> Change:
    """The change from its merge-base with ``base`` (default: the default branch) to ``head``,
    optionally with the uncommitted work on top. ``target`` is the tip of ``base``: the branch
    the change lands on, whose rules judge it (not the merge-base, which the author picks by
    forking from an old commit). ``base_is_ancestor``: ``base`` and ``head`` are full commit
    ids read from ``git rev-list`` and ``base`` is an ancestor of ``head`` (its first parent in
    a replay, a merged branch's fork in a release), so ``base`` is their merge-base and nothing
    needs resolving (a replay or a release reads hundreds), and their difference may have been
    read ahead (``prefetch_diffs``)."""
    head_sha = head if base_is_ancestor else resolve(root, head)
    if base and base_is_ancestor:
        target = origin = base
    elif base:
        target = resolve(root, base)
        origin = _merge_base(root, target, head_sha)
    else:
        origin = default_base(root, head_sha)
        target = resolve(root, default_branch(root) or origin)
        if not worktree and origin == head_sha:
            # HEAD is on the default branch itself (CI after a push or merge to main): the
            # change is what its last commit brought, a merged branch whole, judged by the
            # branch as it was before it landed (never by the rules it brings).
            origin = first_parent(root, head_sha) or origin
            target = origin
    new_tree = worktree_tree(root) if worktree else head_sha
    ahead = _read_ahead(root, head_sha, origin) if base_is_ancestor and not worktree else None
    if ahead is not None:
        raw = parse_raw_z(ahead.raw)
    else:
        raw = parse_raw_z(
            git(root, "diff", "--raw", "-z", "--no-abbrev", *DIFF_OPTS, origin, new_tree)
        )
    if not raw and not plans:
        if ahead is not None:
            ahead.close()
        raise NothingToCheckError(
            f"nothing to check: no difference between {base or 'the merge-base'} "
            f"({origin[:12]}) and {head}; commit your change, pass --worktree for "
            "uncommitted work, or pass --base REV"
        )
    digest, reader = PatchDigest(), PatchReader()
    through = _reader(root)  # the placer reads in a thread of its own
    placer = Placer(lambda batches, limit: stream_blobs(root, batches, limit, through=through))
    try:  # the placer's git process ends with it, whatever fails here
        patch = (
            ahead.chunks()
            if ahead is not None
            else git_stream(root, "diff", "-p", *DIFF_OPTS, origin, new_tree)
        )
        for chunk in patch:
            digest.feed(chunk)
            reader.feed(chunk)
            placer.offer(digest.files[:-1])  # the last file may still get hunks
        files = parse_sections(reader.close(), raw)
        counts = numstat_of(files, raw) if ahead is not None else None
        files = read_as_text(
            files,
            raw,
            lambda blobs: blob_sizes(root, blobs),
            lambda paths: git_stream(
                root,
                "--literal-pathspecs",
                "diff",
                "-p",
                "-a",
                *DIFF_OPTS,
                origin,
                new_tree,
                "--",
                *paths,
            ),
        )
        files = attach_texts(files, raw, lambda blobs: read_blobs(root, blobs))
        commits = read_commits(root, origin, head_sha, notes, trace_notes, counts)
        change = Change(
            base=origin,
            target=target,
            head=head_sha,
            fingerprint="",
            files=files,
            commits=commits,
            artifacts=(*plans, *find_artifacts(files)),
            branch=current_branch(root) if head == "HEAD" else head,
            repo_root=str(root),
            includes_worktree=worktree,
            tree=_tree_id(root, new_tree),
            raw=tuple(raw),
        )
        anchors = placer.finish(digest.files)
    finally:
        placer.close()
        if ahead is not None:
            ahead.close()
    return replace(change, fingerprint=digest.hexdigest(change.artifacts, anchors))


def _read_ahead(root: Path, sha: str, parent: str) -> Diff | None:
    """The difference of ``parent``..``sha`` read ahead for the run (``prefetch_diffs``)."""
    reader = _reader(root)
    if reader is None or reader.diffs is None:
        return None
    return reader.diffs.take(sha, parent)


def prefetch_diffs(root: Path, pairs: Sequence[tuple[str, str]]) -> None:
    """Read the difference of each (commit, first parent) pair ahead, in order, with one git
    process for the run's ``BlobReader`` (``diff_stream``), so ``read_change`` of consecutive
    pairs starts no git process for them."""
    reader = _reader(root)
    if reader is None or not pairs:
        return
    if reader.diffs is not None:
        reader.diffs.close()
    reader.diffs = DiffStream(root, pairs, DIFF_OPTS)


def _tree_id(root: Path, rev: str) -> str:
    """The tree of ``rev``: from the object through the run's ``BlobReader`` when ``rev`` is a
    full commit id, else by ``git rev-parse``."""
    reader = _reader(root)
    if reader is not None and (tree := reader.tree_of(rev)) is not None:
        return tree
    return git(root, "rev-parse", f"{rev}^{{tree}}").decode().strip()


def _merge_base(root: Path, target: str, head: str) -> str:
    """The merge base of two commits, as the run's ``BlobReader`` was told it (a caller that
    found it already: the service, which fetched its tree), else from ``git merge-base``."""
    reader = _reader(root)
    known = reader.merge_bases.get((target, head)) if reader is not None else None
    return known or git(root, "merge-base", target, head).decode().strip()


def existing(root: Path, specs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (commit, path) pairs name a file or directory in that commit's tree; one git
    process for them all."""
    wanted = [(c, p) for c, p in dict.fromkeys(specs) if "\n" not in p]
    if not wanted:
        return set()
    query = "".join(f"{c}:{p}\n" for c, p in wanted).encode()
    out = git(root, "cat-file", "--batch-check=%(objecttype)", input_=query)
    answers = out.decode("utf-8", "replace").splitlines()
    return {
        spec for spec, answer in zip(wanted, answers, strict=False) if answer in {"blob", "tree"}
    }


def blob_sizes(root: Path, blobs: list[str]) -> dict[str, int]:
    if not blobs:
        return {}
    out = git(root, "cat-file", "--batch-check", input_="\n".join(blobs).encode() + b"\n")
    sizes: dict[str, int] = {}
    for line in out.decode("ascii", "replace").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2].isdigit():
            sizes[parts[0]] = int(parts[2])
    return sizes


def stream_blobs(
    root: Path | str,
    batches: Iterable[Sequence[str]],
    limit: int,
    *,
    through: BlobReader | None = None,
) -> Iterator[tuple[str, bytes | None]]:
    """Each blob, in the order asked, as one ``git cat-file --batch`` process prints it, one at
    a time (memory stays at one blob of at most ``limit`` bytes): its content, or None for one
    over ``limit`` (its bytes are read past) or missing. The ids are written by a thread as
    ``batches`` yields them (each batch flushed), so they may still be coming while the first
    blobs are read, and neither process waits on a full pipe. ``through``: the ``BlobReader``
    of the thread that asks (the caller may run this in a thread of its own)."""
    reader = through or _reader(root)
    if reader is not None:
        yield from reader.stream(batches, limit)
        return
    try:
        proc = subprocess.Popen(
            [*GIT, "cat-file", "--batch"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=os.environ.copy(),
        )
    except FileNotFoundError:
        raise InputError("git is not installed or not on PATH; install git and retry") from None
    assert proc.stdin is not None  # noqa: S101 - stdin=PIPE
    assert proc.stdout is not None  # noqa: S101 - stdout=PIPE

    def write(pipe: IO[bytes]) -> None:
        try:
            for batch in batches:
                if batch:
                    pipe.write("\n".join(batch).encode() + b"\n")
                    pipe.flush()
            pipe.close()
        except OSError:
            return  # git stopped reading: its exit status says why

    writer = threading.Thread(target=write, args=(proc.stdin,), daemon=True)
    writer.start()
    with proc:
        out = proc.stdout
        while header := out.readline():
            parts = header.split()
            oid = parts[0].decode("ascii", "replace") if parts else ""
            if len(parts) < 3 or parts[1] == b"missing":
                yield oid, None
                continue
            size = int(parts[2])
            if size <= limit:
                yield oid, out.read(size)
            else:
                left = size
                while left > 0 and (piece := out.read(min(left, _CHUNK))):
                    left -= len(piece)
                yield oid, None
            out.read(1)  # the newline after the content
    writer.join()
    if proc.returncode != 0:
        raise InputError("git cat-file failed while reading the change's blobs")


def read_blobs(root: Path, blobs: list[str]) -> dict[str, bytes]:
    """Read many blobs in one ``git cat-file --batch`` process (or the one ``BlobReader`` keeps
    open for ``root``)."""
    if not blobs:
        return {}
    reader = _reader(root)
    if reader is not None:
        return reader.read(blobs)
    out = git(root, "cat-file", "--batch", input_="\n".join(blobs).encode() + b"\n")
    result: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        nl = out.index(b"\n", pos)
        header = out[pos:nl].decode().split()
        pos = nl + 1
        if len(header) < 3 or header[1] == "missing":
            continue
        size = int(header[2])
        result[header[0]] = out[pos : pos + size]
        pos += size + 1
    return result


def _reader(root: Path | str) -> BlobReader | None:
    reader = kept_reader(root)
    return reader if isinstance(reader, BlobReader) else None


class BlobReader:
    """One ``git cat-file --batch`` process kept open while many changes are read (a replay,
    a release, a service's evaluation): ``with BlobReader(root):`` makes ``read_blobs`` (and
    ``read_named``, ``resolve`` of a full id, the tree of a change) for ``root`` in this thread
    go through it, a page of requests at a time (written whole, then their answers read: the
    requests always fit in the pipe, so neither side can wait on the other for ever)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.proc: subprocess.Popen[bytes] | None = None
        # A second process for ``stream``: the placer's thread reads through it while this
        # thread reads through ``proc``, so neither waits on the other's answers.
        self.streamer: subprocess.Popen[bytes] | None = None
        # (base, head, notes ref) -> the commits of base..head, read before they are asked
        self.commits: dict[tuple[str, str, str | None], tuple[Commit, ...]] = {}
        # commits held without their ``--numstat`` counts (``prefetch_commits``): a second
        # diff of every commit; ``read_change`` takes them from the read-ahead difference
        self.uncounted: set[str] = set()
        # the differences of the run's pairs, read ahead (``prefetch_diffs``)
        self.diffs: DiffStream | None = None
        # (target, head) -> their merge base, when the caller knows it (``_merge_base``)
        self.merge_bases: dict[tuple[str, str], str] = {}
        # blob id -> content of the blobs read last, the oldest first (``read``, ``stream``:
        # the placer's thread streams while this one reads, hence the lock)
        self._kept: OrderedDict[str, bytes] = OrderedDict()
        self._kept_size = 0
        self._lock = threading.Lock()

    def __enter__(self) -> Self:
        self.proc = _cat_file(self.root)
        keep_reader(self.root, self)
        return self

    def __exit__(self, *exc: object) -> None:
        drop_reader(self.root, self)
        if self.diffs is not None:
            self.diffs.close()
        for proc in (self.proc, self.streamer):
            if proc is not None:
                for pipe in (proc.stdin, proc.stdout):
                    if pipe is not None:
                        pipe.close()
                proc.wait()

    def read(self, blobs: list[str]) -> dict[str, bytes]:
        """The content of each of ``blobs`` that exists, by the id git gives it, in the order
        asked. A blob read lately is not asked of git again: in a replay the blobs of one
        change's new files are read again for the next change (the base whose imports edge
        inference reads, the old side of a file edited again), a blob's content never changes,
        and over 1,000 Nomad commits 19,802 of 35,419 reads were of a blob read before."""
        held = self._held(blobs)
        answers = self._ask([name for name in blobs if name not in held])
        result: dict[str, bytes] = {}
        for name in blobs:
            if (data := held.get(name)) is not None:
                result[name] = data
            elif (answer := answers.get(name)) is not None:
                result[answer[0]] = answer[1]
        self._keep(answers.values())
        return result

    def _held(self, names: Iterable[str]) -> dict[str, bytes]:
        """Those of ``names`` kept, each now the last read."""
        with self._lock:
            kept = self._kept
            held = {name: kept[name] for name in names if name in kept}
            for name in held:
                kept.move_to_end(name)
        return held

    def _keep(self, read: Iterable[tuple[str, bytes]]) -> None:
        with self._lock:
            kept = self._kept
            for oid, data in read:
                if _full_id(oid) and oid not in kept and len(data) <= _KEPT_BLOB:
                    kept[oid] = data
                    self._kept_size += len(data)
            while self._kept_size > _KEPT_BYTES:
                self._kept_size -= len(kept.popitem(last=False)[1])

    def _ask(self, names: list[str]) -> dict[str, tuple[str, bytes]]:
        """Each name git found -> (the blob's id, its content)."""
        if not names:
            return {}
        proc = self.proc
        if proc is None or proc.stdin is None or proc.stdout is None:
            raise InputError("git cat-file is not running")
        found: dict[str, tuple[str, bytes]] = {}
        for batch in _batches(names):
            proc.stdin.write(b"".join(batch))
            proc.stdin.flush()
            for request in batch:
                header = proc.stdout.readline().decode().split()
                if not header:
                    raise InputError("git cat-file stopped answering")
                if len(header) < 3 or header[1] == "missing":
                    continue
                data = proc.stdout.read(int(header[2]))
                proc.stdout.read(1)  # the newline after the content
                found[request[:-1].decode()] = (header[0], data)
        return found

    def stream(
        self, batches: Iterable[Sequence[str]], limit: int
    ) -> Iterator[tuple[str, bytes | None]]:
        """``stream_blobs`` through one process kept for the run: each blob in the order
        asked, its content, or None for one over ``limit`` (read past) or missing."""
        if self.streamer is None:
            self.streamer = _cat_file(self.root)
        proc = self.streamer
        assert proc.stdin is not None  # noqa: S101 - stdin=PIPE
        assert proc.stdout is not None  # noqa: S101 - stdout=PIPE
        for batch in batches:
            for blob in batch:
                held = self._held([blob]).get(blob)
                if held is not None and len(held) <= limit:
                    yield blob, held
                    continue
                proc.stdin.write(blob.encode() + b"\n")
                proc.stdin.flush()
                parts = proc.stdout.readline().split()
                if not parts:
                    raise InputError("git cat-file stopped answering")
                oid = parts[0].decode("ascii", "replace")
                if len(parts) < 3 or parts[1] == b"missing":
                    yield oid, None
                    continue
                size = int(parts[2])
                if size <= limit:
                    data = proc.stdout.read(size)
                    proc.stdout.read(1)  # the newline after the content
                    self._keep([(oid, data)])
                    yield oid, data
                    continue
                left = size + 1
                while left > 0 and (piece := proc.stdout.read(min(left, _CHUNK))):
                    left -= len(piece)
                yield oid, None

    def object_id(self, name: str, kind: str) -> str | None:
        """The id of the object ``name`` names (a revision, ``rev:path``) when it is a
        ``kind``; None when it is missing or another kind."""
        found = self.named([name], kind)
        return found[0][0] if found[0] is not None else None

    def named(self, names: list[str], kind: str = "blob") -> list[tuple[str, bytes] | None]:
        """Each object ``names`` names, in order: (its id, its content) when it is a ``kind``,
        else None (missing, ambiguous, another kind)."""
        proc = self.proc
        if proc is None or proc.stdin is None or proc.stdout is None:
            raise InputError("git cat-file is not running")
        out: list[tuple[str, bytes] | None] = []
        for name in names:
            proc.stdin.write(name.encode() + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline().split()
            if not header:
                raise InputError("git cat-file stopped answering")
            if len(header) != 3:
                out.append(None)  # missing or ambiguous: no content follows
                continue
            data = proc.stdout.read(int(header[2]) + 1)[:-1]
            found = header[1].decode("ascii", "replace") == kind
            out.append((header[0].decode("ascii"), data) if found else None)
        return out

    def tree_of(self, commit: str) -> str | None:
        """The tree id of ``commit`` (a full id), from its object; None if it is not one."""
        data = self.read([commit]).get(commit, b"")
        first = data.split(b"\n", 1)[0].split()
        return first[1].decode("ascii") if len(first) == 2 and first[0] == b"tree" else None


def _batches(names: list[str]) -> Iterator[list[bytes]]:
    """The requests for ``names`` in batches of at most a page (4,096 bytes, what a pipe
    always holds), each written whole before its answers are read: git may wait for its
    answers to be read, never for its requests (one over a page goes alone, as each did)."""
    batch: list[bytes] = []
    size = 0
    for name in names:
        request = name.encode() + b"\n"
        if batch and size + len(request) > _PAGE:
            yield batch
            batch, size = [], 0
        batch.append(request)
        size += len(request)
    if batch:
        yield batch


def _cat_file(root: Path) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            [*GIT, "cat-file", "--batch"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise InputError("git is not installed or not on PATH; install git and retry") from None
