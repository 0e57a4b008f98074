"""The differences of a run's consecutive commits read ahead by one ``git diff-tree --stdin``
process, instead of a ``git diff --raw`` and a ``git diff -p`` per commit: a replay of 1,000
commits started 2,000 git processes for them.

A thread reads git's output and cuts it at each commit's header (``<id>\\0``, ``--always`` so
an empty difference has one too) into a spooled file per commit, a few commits ahead of the
reader (memory stays bounded: a file past 8 MiB goes to disk, and the thread waits when the
queue is full). A commit's header cannot appear inside the difference before it: that would
need the earlier commit's content to hold the later commit's id, a hash of it.
"""

from __future__ import annotations

import os
import queue
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from io import BufferedReader
from pathlib import Path
from typing import IO

from countersign.intake.git_command import GIT

_CHUNK = 1 << 20
_SPOOL = 8 << 20
_AHEAD = 4


@dataclass
class Diff:
    """One commit's difference from its first parent: the ``--raw -z`` entries (as ``git diff
    --raw -z`` prints them) and the patch, to be read in chunks."""

    sha: str
    parent: str
    raw: bytes
    patch: IO[bytes]

    def chunks(self) -> Iterator[bytes]:
        self.patch.seek(0)
        while piece := self.patch.read(_CHUNK):
            yield piece

    def close(self) -> None:
        self.patch.close()


class DiffStream:
    """Reads the differences of ``pairs`` (commit, first parent), in order, ahead of ``take``;
    ``options``: the diff options (the caller's pinned diff shape). ``take`` returns None for a
    pair out of order or after git failed: the caller then reads that commit itself."""

    def __init__(
        self, root: Path, pairs: Sequence[tuple[str, str]], options: Sequence[str]
    ) -> None:
        self.pairs = list(pairs)
        self._queue: queue.Queue[Diff | None] = queue.Queue(maxsize=_AHEAD)
        self._next: Diff | None = None
        self._done = False
        self.served = 0  # pairs given from the stream (the others were read alone)
        self._stop = threading.Event()
        with tempfile.TemporaryFile() as given:
            given.write("".join(f"{sha} {parent}\n" for sha, parent in self.pairs).encode())
            given.seek(0)
            self._proc = self._start(root, given, options)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    @staticmethod
    def _start(root: Path, given: IO[bytes], options: Sequence[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*GIT, "diff-tree", "--stdin", "-r", "--always", "--raw", "-p", "-z", "--no-abbrev",
             *options],
            cwd=root,
            stdin=given,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=os.environ.copy(),
        )  # fmt: skip

    def take(self, sha: str, parent: str) -> Diff | None:
        if self._next is None and not self._done:
            self._next = self._queue.get()
            if self._next is None:
                self._done = True
        found = self._next
        if found is None or (found.sha, found.parent) != (sha, parent):
            return None
        self._next = None
        self.served += 1
        return found

    def close(self) -> None:
        self._stop.set()
        while True:  # let the thread finish what it put or waits to put
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                if not self._thread.is_alive():
                    break
                self._thread.join(0.05)
                continue
            if item is not None:
                item.close()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._proc.kill()
        self._proc.wait()
        if self._next is not None:
            self._next.close()

    def _put(self, item: Diff | None) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
            except queue.Full:
                continue
            return True
        if item is not None:
            item.close()
        return False

    def _read(self) -> None:
        out = self._proc.stdout
        assert isinstance(out, BufferedReader)  # noqa: S101 - stdout=PIPE, buffered
        try:
            for diff in _cut(out, self.pairs):
                if not self._put(diff):
                    return
        except (OSError, ValueError):
            pass
        self._put(None)


def _cut(out: BufferedReader, pairs: Sequence[tuple[str, str]]) -> Iterator[Diff]:
    """Each commit's difference out of git's output, in the order of ``pairs``; stops at the
    first commit whose header is not where it should be (git failed there)."""
    buf = out.read1(_CHUNK)
    for i, (sha, parent) in enumerate(pairs):
        header = sha.encode() + b"\0"
        while len(buf) < len(header) and (more := out.read1(_CHUNK)):
            buf += more
        if not buf.startswith(header):
            return
        buf = buf[len(header) :]
        following = pairs[i + 1][0].encode() + b"\0" if i + 1 < len(pairs) else None
        spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115 - Diff closes it
        raw: bytes | None = None
        while True:
            if raw is None:
                raw, buf = _split_raw(buf, out)
            end = _boundary(buf, following) if following is not None else -1
            if end >= 0:
                spool.write(buf[:end])
                buf = buf[end:]
                break
            more = out.read1(_CHUNK)
            if not more:
                if following is not None:  # git ended early: this commit is not whole
                    spool.close()
                    return
                spool.write(buf)
                buf = b""
                break
            keep = len(following) if following is not None else 0
            spool.write(buf[: len(buf) - keep])
            buf = buf[len(buf) - keep :] + more
        yield Diff(sha, parent, raw, spool)


def _boundary(buf: bytes, header: bytes) -> int:
    """Where the next commit's header starts in ``buf``: at its start, or after a newline or
    NUL (a patch ends with a newline; an empty one leaves the raw entries' NUL)."""
    if buf.startswith(header):
        return 0
    pos = 0
    while (at := buf.find(header, pos)) > 0:
        if buf[at - 1 : at] in (b"\n", b"\0"):
            return at
        pos = at + 1
    return -1


def _split_raw(buf: bytes, out: BufferedReader) -> tuple[bytes, bytes]:
    """The ``--raw -z`` entries at the start of ``buf`` (reading more as they need), and what
    follows them (the patch), with the NUL between the two dropped."""
    pos = 0
    while True:
        while pos >= len(buf) or (buf[pos : pos + 1] == b":" and buf.count(b"\0", pos) < 3):
            more = out.read1(_CHUNK)
            if not more:
                break
            buf += more
        if buf[pos : pos + 1] != b":":
            break
        meta_end = buf.index(b"\0", pos)
        status = buf[pos:meta_end].split()[-1][:1]
        paths = 2 if status in (b"R", b"C") else 1
        end = meta_end
        for _ in range(paths):
            end = buf.index(b"\0", end + 1)
        pos = end + 1
    raw = buf[:pos]
    rest = buf[pos:]
    if raw and rest[:1] == b"\0":
        rest = rest[1:]
    return raw, rest
