"""SZZ's blame for every fix of a history in one forward pass (``facts.risk.origins``): one
``git log -p`` stream, a ``git cat-file`` process for file versions made by merges, and
``git blame`` only for a version the replay cannot rebuild (dropped from its bounded store)."""

from __future__ import annotations

import re
import subprocess
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from countersign.errors import InputError
from countersign.facts.risk import origins
from countersign.facts.risk.origins import NULL, Replay

_PORCELAIN = re.compile(r"^([0-9a-f]{40}) \d+ (\d+)(?: (\d+))?$")
MAX_DEPTH = 64


def stream_command(repo: Path, head: str) -> list[str]:
    return [
        "git", "-C", str(repo), "-c", "core.quotePath=false", "log", "--reverse",
        "--topo-order", "--no-merges", "-p", "--raw", "--no-abbrev", "--full-index", "-U0",
        "-w", "-M", "--no-color", "--no-ext-diff", "--no-textconv",
        f"--format={origins.LOG_FORMAT}", head, "--",
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

    def __init__(self, repo: Path, merges: dict[str, MergeVersion]) -> None:
        self.repo = repo
        self.merges = merges
        self.replay: Replay | None = None
        self.blames = 0
        self.merge_versions = 0
        self._batch: subprocess.Popen[bytes] | None = None

    def close(self) -> None:
        if self._batch is not None:
            self._batch.stdin.close()  # type: ignore[union-attr]
            self._batch.stdout.close()  # type: ignore[union-attr]
            self._batch.wait()
            self._batch = None

    def lines(self, blob: str) -> list[bytes]:
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
            return []
        data = pipe_out.read(int(header[2]) + 1)[:-1]
        return data.splitlines()

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
        mine = self.lines(blob)
        sides = []
        for parent, parent_blob in made.parents:
            if parent_blob == NULL:
                continue
            got = self(parent, made.path, parent_blob, depth + 1)
            if got is not None:
                sides.append((got, list(origins.unchanged(self.lines(parent_blob), mine))))
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
    command = [
        "git", "-C", str(repo), "-c", "core.quotePath=false", "log", "--merges", "--cc",
        "--raw", "--no-abbrev", "--format=%x1e%H%x1f%P", head, "--",
    ]  # fmt: skip
    proc = subprocess.run(command, capture_output=True, check=False)
    if proc.returncode != 0:
        raise InputError(f"git log --merges failed in {repo}")
    out: dict[str, MergeVersion] = {}
    for rec in proc.stdout.split(b"\x1e"):
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
    resolver = GitResolver(repo, merge_versions(repo, head))
    replay = Replay(resolver)
    if budget is not None:
        replay.store.budget = budget
    resolver.replay = replay
    try:
        with subprocess.Popen(stream_command(repo, head), stdout=subprocess.PIPE) as proc:
            assert proc.stdout is not None  # noqa: S101 - Popen with PIPE
            chunks = iter(lambda: proc.stdout.read(1 << 20), b"")  # type: ignore[union-attr]
            for rec in origins.records(chunks):
                commit = origins.parse(rec)
                if commit is None:
                    continue
                replay.step(commit, wanted)
                if progress:
                    progress(1)
        if proc.returncode != 0:
            raise InputError(f"git log -p failed in {repo}; is {head} a commit?")
    finally:
        resolver.close()
    stats = {
        "commits": len(replay.shas),
        "fixes": len(replay.blamed),
        "merge_versions": resolver.merge_versions,
        "blames": resolver.blames,
    }
    return replay.blamed, stats
