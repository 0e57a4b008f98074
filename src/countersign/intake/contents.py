"""Reading the contents of a change's files beyond the patch: files shown as binary where text
was expected are diffed again as text, and each file's hunks are placed in its old blob for the
fingerprint. The git processes are passed in, so this is tested on records alone."""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from countersign.intake.artifacts import MAX_TEXT_BYTES, text_expected
from countersign.intake.change import FileChange
from countersign.intake.diff import PatchReader, RawEntry, parse_sections
from countersign.intake.fingerprint import Anchors, HashedFile, occurrences

Sizes = Callable[[list[str]], dict[str, int]]  # blob ids -> sizes
Read = Callable[[list[str]], dict[str, bytes]]  # blob ids -> contents
DiffAsText = Callable[[list[str]], Iterable[bytes]]  # paths -> `git diff -a` output
# batches of blob ids, size limit -> (blob id, content or None: over the limit or missing),
# one at a time, in the order asked
ReadSmall = Callable[[Iterable[list[str]], int], Iterable[tuple[str, bytes | None]]]


class Placer:
    """Where each file's hunks sit in its old blob (``fingerprint.occurrences``), found while
    the patch still streams: each file, once complete, is ``offer``-ed; a thread reads its old
    blob from ``read_small`` (one process, blobs one at a time, in the order asked) and places
    it, so git reads blobs while the patch is still being hashed. A file over
    ``MAX_TEXT_BYTES`` is placed by its old blob id (any change to it upstream voids the
    approval)."""

    def __init__(self, read_small: ReadSmall) -> None:
        self._read_small = read_small
        self._batches: queue.SimpleQueue[list[str] | None] = queue.SimpleQueue()
        self._asked: deque[HashedFile] = deque()
        self._offered = 0
        self._placed: dict[tuple[str, tuple[tuple[int, int], ...]], bytes] = {}
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._closed = False

    def offer(self, sections: list[HashedFile]) -> None:
        """Files whose hunks are all known (every file of the patch so far but its last)."""
        batch = []
        for section in sections[self._offered :]:
            if section.old_blob and section.hunks:
                self._asked.append(section)  # before its id is sent: the reader pops it
                batch.append(section.old_blob)
        self._offered = max(self._offered, len(sections))
        if not batch:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._place, daemon=True)
            self._thread.start()
        self._batches.put(batch)

    def finish(self, sections: list[HashedFile]) -> Anchors:
        """Offer the rest, wait for every placement; the anchors for ``PatchDigest``."""
        self.offer(sections)
        self.close()
        if self._error is not None:
            raise self._error
        placed = self._placed

        def anchors(blob: str, hunks: list[tuple[int, int]]) -> bytes:
            return placed.get((blob, tuple(hunks)), b"blob\0" + blob.encode("ascii"))

        return anchors

    def close(self) -> None:
        """No more files: the reader ends once git has answered for those asked (called by
        ``finish``, and when reading the patch failed, so no git process is left waiting)."""
        if not self._closed:
            self._closed = True
            self._batches.put(None)
        if self._thread is not None:
            self._thread.join()

    def _sent(self) -> Iterator[list[str]]:
        while (batch := self._batches.get()) is not None:
            yield batch

    def _place(self) -> None:
        try:
            for found, data in self._read_small(self._sent(), MAX_TEXT_BYTES):
                section = self._asked.popleft()
                if data is not None and found == section.old_blob:
                    key = (found, tuple(section.hunks))
                    if key not in self._placed:
                        self._placed[key] = occurrences(data, section.hunks)
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            self._error = exc


def read_as_text(
    files: tuple[FileChange, ...], raw: list[RawEntry], sizes_of: Sizes, diff_as_text: DiffAsText
) -> tuple[FileChange, ...]:
    """Files git showed as binary where text was expected, diffed again as text (``-a``): a
    ``.gitattributes`` line (``*.py -diff``, ``binary``) cannot hide their lines from the
    analyzers. Real binary content then shows as NUL bytes and the file is marked unread.
    Files over ``MAX_TEXT_BYTES`` stay binary (and are unread where text was expected)."""
    by_path = {entry.path: entry for entry in raw}
    sizes = sizes_of(
        [
            blob
            for f in files
            if f.binary and not f.submodule and text_expected(f.path) and f.path in by_path
            for blob in (by_path[f.path].old_blob, by_path[f.path].new_blob)
            if set(blob) != {"0"}
        ],
    )
    again: dict[str, FileChange] = {}
    paths: list[str] = []
    for f in files:
        entry = by_path.get(f.path)
        if not f.binary or f.submodule or entry is None or not text_expected(f.path):
            continue
        blobs = [b for b in (entry.old_blob, entry.new_blob) if set(b) != {"0"}]
        if any(sizes.get(b, MAX_TEXT_BYTES + 1) > MAX_TEXT_BYTES for b in blobs):
            again[f.path] = replace(
                f, skipped=f"shown as binary and larger than {MAX_TEXT_BYTES} bytes"
            )
            continue
        paths.extend(p for p in (f.old_path, f.path) if p)
    for start in range(0, len(paths), 500):
        reader = PatchReader()
        for chunk in diff_as_text(paths[start : start + 500]):
            reader.feed(chunk)
        for f in parse_sections(reader.close()):
            again[f.path] = replace(f, binary=False)
    if not again:
        return files
    return tuple(_merge_again(f, again.get(f.path)) for f in files)


def _merge_again(f: FileChange, text: FileChange | None) -> FileChange:
    if text is None:
        return f
    return replace(
        f, added=text.added, removed=text.removed, binary=text.binary, skipped=text.skipped
    )
