"""SZZ's blame for every fix of a history in one forward pass (``facts.risk.origins``): one
``git log -p`` stream, a ``git cat-file`` process for file versions made by merges, and
``git blame`` only for a version the replay cannot rebuild (dropped from its bounded store)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from countersign.errors import InputError
from countersign.facts.risk import origins
from countersign.facts.risk.origins import NULL, Replay

_PORCELAIN = re.compile(r"^([0-9a-f]{40}) \d+ (\d+)(?: (\d+))?$")
MAX_DEPTH = 64


def stream_command(repo: Path, head: str | None = None) -> list[str]:
    """The replay's ``git log -p``: of ``head``'s history, or (``head`` None) of the commits
    listed on its standard input, in that order."""
    walk = ["--reverse", "--topo-order", head] if head else ["--no-walk=unsorted", "--stdin"]
    return [
        "git", "-C", str(repo), "-c", "core.quotePath=false", "log", "--no-merges", "-p",
        "--raw", "--no-abbrev", "--full-index", "-U0",
        "-w", "-M", "--no-color", "--no-ext-diff", "--no-textconv",
        f"--format={origins.LOG_FORMAT}", *walk, "--",
    ]  # fmt: skip


_COMBINED = re.compile(rb"^::[0-9 ]+ ((?:[0-9a-f]{40} )+)([A-Z]+)\t([^\n]*)$", re.MULTILINE)


@dataclass(frozen=True)
class MergeVersion:
    """A file version a merge made itself (it differs from every parent's)."""

    merge: str
    path: str
    parents: tuple[tuple[str, str], ...]  # (parent commit, that parent's blob or NULL)


class GitResolver:
    """Answers the replay's questions about file versions it has not seen, with git: a version
    a merge made is rebuilt from its parents' versions (read with ``git cat-file``), anything
    else is blamed once."""

    def __init__(
        self,
        repo: Path,
        merges: dict[str, MergeVersion] | Callable[[], dict[str, MergeVersion]],
    ) -> None:
        self.repo = repo
        self._merges = merges  # or how to get them, when first needed
        self.replay: Replay | None = None
        self.blames = 0
        self.merge_versions = 0
        self._batch: subprocess.Popen[bytes] | None = None
        self._lines: dict[str, list[bytes]] = {}

    @property
    def merges(self) -> dict[str, MergeVersion]:
        if callable(self._merges):
            self._merges = self._merges()
        return self._merges

    def close(self) -> None:
        self.merges  # noqa: B018 - the git run started for them is waited for, its file closed
        if self._batch is not None:
            self._batch.stdin.close()  # type: ignore[union-attr]
            self._batch.stdout.close()  # type: ignore[union-attr]
            self._batch.wait()
            self._batch = None

    def read(self, blob: str) -> bytes:
        if self._batch is None:
            self._batch = subprocess.Popen(
                ["git", "-C", str(self.repo), "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        pipe_in, pipe_out = self._batch.stdin, self._batch.stdout
        assert pipe_in is not None  # noqa: S101 - Popen with PIPE
        assert pipe_out is not None  # noqa: S101
        pipe_in.write(blob.encode() + b"\n")
        pipe_in.flush()
        header = pipe_out.readline().split()
        if len(header) != 3:
            return b""
        return pipe_out.read(int(header[2]) + 1)[:-1]

    def normalized(self, blob: str) -> list[bytes]:
        """A version's lines as the whitespace-insensitive diff compares them; the last few
        are kept, as a merge's parent versions are often the next merge's too."""
        got = self._lines.get(blob)
        if got is None:
            got = self._lines[blob] = origins.normalized(self.read(blob))
            if len(self._lines) > 64:
                self._lines.pop(next(iter(self._lines)))
        return got

    def __call__(self, commit: str, path: str, blob: str, depth: int = 0) -> array[int] | None:
        assert self.replay is not None  # noqa: S101 - wired by blame_fixes
        known = self.replay.store.get(blob)
        if known is not None:
            return known
        made = self.merges.get(blob)
        if made is not None and depth < MAX_DEPTH:
            got = self._merge(made, blob, depth)
        else:
            got = self._blame(commit, path)
        if got is not None:
            self.replay.store.put(blob, got)
        return got

    def _merge(self, made: MergeVersion, blob: str, depth: int) -> array[int] | None:
        assert self.replay is not None  # noqa: S101
        mine = self.normalized(blob)
        sides = []
        for parent, parent_blob in made.parents:
            if parent_blob == NULL:
                continue
            got = self(parent, made.path, parent_blob, depth + 1)
            if got is not None:
                sides.append((got, origins.blocks(self.normalized(parent_blob), mine)))
        self.merge_versions += 1
        return origins.combine(sides, self.replay.id(made.merge), len(mine))

    def _blame(self, commit: str, path: str) -> array[int] | None:
        assert self.replay is not None  # noqa: S101
        self.blames += 1
        proc = subprocess.run(
            ["git", "-C", str(self.repo), "blame", "-w", "--porcelain", commit, "--", path],
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            return None
        lines: dict[int, int] = {}
        for text in proc.stdout.decode("utf-8", "replace").splitlines():
            if m := _PORCELAIN.match(text):
                who = self.replay.id(m.group(1))
                final = int(m.group(2))
                for k in range(int(m.group(3)) if m.group(3) else 1):
                    lines[final + k] = who
        out = array("I", [0]) * len(lines)
        for n, who in lines.items():
            if 0 < n <= len(out):
                out[n - 1] = who
        return out


def merge_versions(repo: Path, head: str) -> dict[str, MergeVersion]:
    """Every file version a merge up to ``head`` made itself (``git log --cc --raw``)."""
    return merge_versions_later(repo, head)()


def _merges_command(repo: Path, walk: list[str], renames: bool = False) -> list[str]:
    return [
        "git", "-C", str(repo), "-c", "core.quotePath=false", "log", "--merges", "--cc",
        "--raw", "--no-abbrev", "--format=%x1e%H%x1f%P", *([] if renames else ["--no-renames"]),
        *walk, "--",
    ]  # fmt: skip


class MergeListing:
    """What the merges' listing found: versions, and the merges git could not read (a damaged
    mirror: listed past them, their own versions blamed instead)."""

    def __init__(self) -> None:
        self.versions: dict[str, MergeVersion] = {}
        self.unread: list[str] = []
        self.why = ""


def merge_versions_later(
    repo: Path, head: str, listing: MergeListing | None = None
) -> Callable[[], dict[str, MergeVersion]]:
    """``merge_versions``, its git run started now (into a file, so it runs on while the
    replay's own stream is read) and read when the returned function is first called. Where
    git stops at a merge it cannot read, that merge is left out and the merges after it (older
    ones: git lists newest first) are listed by a second run (``listing`` says which)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by read(), after git ends
    errors = tempfile.TemporaryFile()  # noqa: SIM115
    proc = subprocess.Popen(_merges_command(repo, [head]), stdout=out, stderr=errors)
    found = listing or MergeListing()
    done: list[dict[str, MergeVersion]] = []

    def read() -> dict[str, MergeVersion]:
        if not done:
            proc.wait()
            out.seek(0)
            data = out.read()
            out.close()
            errors.seek(0)
            failed = git_error(errors.read()) if proc.returncode != 0 else None
            errors.close()
            data = _with_renames(repo, data, failed is None, found)
            found.versions.update(_merge_versions(data, complete=failed is None))
            if failed is not None:
                found.why = failed
                _list_past_damage(repo, head, _listed(data), found)
            done.append(found.versions)
        return done[0]

    return read


def _listed(stdout: bytes) -> set[str]:
    """The merges whose listing git finished (the record being written when it failed may be
    cut short: not counted)."""
    recs = [r for r in stdout.split(b"\x1e") if r]
    return {r.partition(b"\x1f")[0].decode() for r in recs[:-1]}


def _list_past_damage(repo: Path, head: str, listed: set[str], found: MergeListing) -> None:
    proc = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--merges", head],
        capture_output=True,
        check=False,
    )
    order = [s for s in proc.stdout.decode().split() if s not in listed]
    while order and len(found.unread) < MAX_SKIPS:
        bad = next((j for j in range(min(4, len(order))) if not _merge_readable(repo, order[j])), 0)
        found.unread.append(order.pop(bad))
        if not order:
            return
        with tempfile.TemporaryFile() as feed:
            feed.write("\n".join(order).encode() + b"\n")
            feed.seek(0)
            run = subprocess.run(
                _merges_command(repo, ["--no-walk=unsorted", "--stdin"]),
                stdin=feed,
                capture_output=True,
                check=False,
            )
        data = _with_renames(repo, run.stdout, run.returncode == 0, found)
        found.versions.update(_merge_versions(data, complete=run.returncode == 0))
        if run.returncode == 0:
            return
        got = _listed(run.stdout)
        order = [s for s in order if s not in got]


_FROM_ABSENT = re.compile(rb"^::[^\t\n]*\b0{40} [^\t\n]*\t", re.MULTILINE)


def _needs_renames(rec: bytes) -> bool:
    """Whether a merge's listing without rename detection may differ from one with it: rename
    detection pairs a path only with a parent that lacks it (a version made from nothing on
    some side), so the other merges' versions and their parents are the same either way."""
    for m in _FROM_ABSENT.finditer(rec):
        fields = m.group(0)[2:-1].split()
        n = (len(fields) - 1) // 2  # modes, then blobs: the parents' and the merge's own
        blobs = fields[n : 2 * n]
        if blobs[-1] != NULL.encode() and NULL.encode() in blobs[:-1]:
            return True
    return False


def _with_renames(repo: Path, data: bytes, complete: bool, found: MergeListing) -> bytes:
    """A listing without rename detection (the cost of ``git log --cc``: a rename search per
    merge and parent) made what one with it gives: the merges it may change are listed again
    with it. One git cannot read that way is left out and named in ``found``."""
    recs = data.split(b"\x1e")
    done = recs if complete else recs[:-1]
    order = [r.partition(b"\x1f")[0].decode() for r in done if _needs_renames(r)]
    if not order:
        return data
    again: dict[str, bytes] = {}
    while order:
        with tempfile.TemporaryFile() as feed:
            feed.write("\n".join(order).encode() + b"\n")
            feed.seek(0)
            run = subprocess.run(
                _merges_command(repo, ["--no-walk=unsorted", "--stdin"], renames=True),
                stdin=feed,
                capture_output=True,
                check=False,
            )
        got = [r for r in run.stdout.split(b"\x1e") if r]
        if run.returncode != 0:
            found.why = found.why or git_error(run.stderr)
            got = got[:-1]  # the record being written may be cut short
        again.update((r.partition(b"\x1f")[0].decode(), r) for r in got)
        order = [sha for sha in order if sha not in again]
        if run.returncode == 0 or not order or len(found.unread) >= MAX_SKIPS:
            break
        bad = next((j for j in range(min(4, len(order))) if not _merge_readable(repo, order[j])), 0)
        found.unread.append(order.pop(bad))
    out = []
    for rec in done:
        sha = rec.partition(b"\x1f")[0].decode()
        if not _needs_renames(rec):
            out.append(rec)
        elif sha in again:
            out.append(again[sha])
    return b"\x1e".join([*out, *recs[len(done) :]])


def _merge_readable(repo: Path, sha: str) -> bool:
    probe = subprocess.run(
        ["git", "-C", str(repo), "show", "--cc", "--raw", "--format=", sha, "--"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return probe.returncode == 0


def _merge_versions(stdout: bytes, complete: bool = True) -> dict[str, MergeVersion]:
    # ``complete`` False: git failed while writing the last record, which is left out (its
    # merge is listed again, or blamed).
    out: dict[str, MergeVersion] = {}
    recs = stdout.split(b"\x1e")
    for rec in recs if complete else recs[:-1]:
        head_line, _, body = rec.partition(b"\n")
        sha, _, parents_text = head_line.decode().partition("\x1f")
        parents = parents_text.split()
        for m in _COMBINED.finditer(body):
            blobs = m.group(1).decode().split()
            if len(blobs) != len(parents) + 1 or blobs[-1] == NULL:
                continue
            path = m.group(3).decode("utf-8", "replace")
            out[blobs[-1]] = MergeVersion(sha, path, tuple(zip(parents, blobs[:-1], strict=True)))
    return out


@dataclass
class Replayed:
    """What one replay of a history found."""

    blamed: dict[str, list[str]]  # fix sha -> inducing shas
    content: dict[str, dict[str, float]]  # sha -> ``content.count`` of its patch
    stats: dict[str, int]
    skipped: list[str]  # commits git could not read (a damaged mirror), left out
    problem: str = ""


def blame_fixes(
    repo: Path,
    head: str,
    wanted: Callable[[str], bool] | None = None,
    progress: Callable[[int], None] | None = None,
    budget: int | None = None,
) -> tuple[dict[str, list[str]], dict[str, int]]:
    """fix sha -> the commits that last touched the significant lines it removed (as ``git
    blame -w`` on its parent finds them), for every fix up to ``head`` (``wanted`` filters),
    and counters of the work done."""
    done = replay_history(repo, head, wanted, progress, budget, content=False)
    return done.blamed, done.stats


def replay_history(
    repo: Path,
    head: str,
    wanted: Callable[[str], bool] | None = None,
    progress: Callable[[int], None] | None = None,
    budget: int | None = None,
    content: bool = True,
) -> Replayed:
    """One forward replay of ``head``'s history: SZZ's blame of every fix (``blame_fixes``) and,
    with ``content``, the kinds of lines each commit adds and removes. A commit git cannot
    read (a missing tree or blob) is named in ``problem``, left out, and the replay reads on."""
    listing = MergeListing()
    resolver = GitResolver(repo, merge_versions_later(repo, head, listing))
    replay = Replay(resolver)
    if budget is not None:
        replay.store.budget = budget
    resolver.replay = replay
    counted: dict[str, dict[str, float]] = {}

    def step(rec: bytes) -> None:
        commit = origins.parse(rec, content=content)
        if commit is None:
            return
        replay.step(commit, wanted)
        if commit.content is not None:
            counted[commit.sha] = commit.content
        if progress:
            progress(1)

    try:
        skipped, why = _stream(repo, _order(repo, head), step)
    finally:
        resolver.close()
    stats = {
        "commits": len(replay.shas),
        "fixes": len(replay.blamed),
        "merge_versions": resolver.merge_versions,
        "blames": resolver.blames,
        "skipped": len(skipped),
        "merges_unread": len(listing.unread),
    }
    problems = []
    if skipped:
        problems.append(
            f"{repo}: SZZ left out {len(skipped)} commit(s) git could not read (first "
            f"{skipped[0][:12]}: {why}); the rest of the history was labelled"
        )
    if listing.unread:
        problems.append(
            f"{repo}: {len(listing.unread)} merge(s) git could not read (first "
            f"{listing.unread[0][:12]}: {listing.why}); the versions they made were blamed, "
            "the other merges' rebuilt"
        )
    problem = "\n".join(problems)
    return Replayed(replay.blamed, counted, stats, skipped, problem)


MAX_SKIPS = 200


def patch_content(repo: Path, shas: list[str]) -> tuple[dict[str, dict[str, float]], list[str]]:
    """The ``content.count`` of each commit's patch (commits the replay has not read: an
    incremental run), and the commits git could not read."""
    counted: dict[str, dict[str, float]] = {}

    def step(rec: bytes) -> None:
        commit = origins.parse(rec, content=True)
        if commit is not None and commit.content is not None:
            counted[commit.sha] = commit.content

    skipped, _ = _stream(repo, list(shas), step)
    return counted, skipped


def _stream(repo: Path, order: list[str], step: Callable[[bytes], None]) -> tuple[list[str], str]:
    """Feed ``step`` every commit of ``order`` as the replay's stream shows it, in order. On a
    damaged mirror git stops at the first commit it cannot read: that commit is found (the
    commit being read or the next), left out, and the stream restarted after the commits
    already replayed."""
    pos = 0
    skipped: list[str] = []
    why = ""
    while pos < len(order):
        done, error = _stream_from(repo, order[pos:], step)
        if error is None:
            break
        why = why or error
        pos += done
        bad = next(
            (j for j in range(pos, min(pos + 4, len(order))) if not _readable(repo, order[j])), pos
        )
        if bad >= len(order) or len(skipped) >= MAX_SKIPS:
            break
        skipped.append(order.pop(bad))
    return skipped, why


def _order(repo: Path, head: str) -> list[str]:
    proc = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--reverse", "--topo-order", "--no-merges", head],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise InputError(f"git rev-list failed in {repo}; is {head} a commit?")
    return proc.stdout.decode().split()


def _stream_from(
    repo: Path, shas: list[str], step: Callable[[bytes], None]
) -> tuple[int, str | None]:
    """Commits stepped, and git's error (None when the stream ended well). The record being
    read when git failed may be cut short: it is not stepped."""
    done = 0
    with tempfile.TemporaryFile() as feed, tempfile.TemporaryFile() as errors:
        feed.write("\n".join(shas).encode() + b"\n")
        feed.seek(0)
        with subprocess.Popen(
            stream_command(repo), stdin=feed, stdout=subprocess.PIPE, stderr=errors
        ) as proc:
            assert proc.stdout is not None  # noqa: S101 - Popen with PIPE
            chunks = iter(lambda: proc.stdout.read(1 << 20), b"")  # type: ignore[union-attr]
            pending: bytes | None = None
            for rec in origins.records(chunks):
                if pending is not None:
                    step(pending)
                    done += 1
                pending = rec
        if proc.returncode == 0:
            if pending is not None:
                step(pending)
                done += 1
            return done, None
        errors.seek(0)
        return done, git_error(errors.read())


def git_error(stderr: bytes) -> str:
    """git's own words for a failure, naming the object when one is missing."""
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    for ln in lines:
        if m := re.search(r"\b([0-9a-f]{40})\b", ln):
            return f"object {m.group(1)} is missing or unreadable ({ln})"
    return lines[-1] if lines else "error (no message)"


def _readable(repo: Path, sha: str) -> bool:
    probe = subprocess.run(
        ["git", "-C", str(repo), "show", "-p", "--raw", "-M", "--format=", sha, "--"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return probe.returncode == 0
