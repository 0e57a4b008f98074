"""Reading the contents of a change's files beyond the patch: files shown as binary where text
was expected are diffed again as text, and each file's hunks are placed in its old blob for the
fingerprint. The git processes are passed in, so this is tested on records alone."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from countersign.intake.artifacts import MAX_TEXT_BYTES, text_expected
from countersign.intake.change import FileChange
from countersign.intake.diff import PatchReader, RawEntry, parse_sections
from countersign.intake.fingerprint import Anchors, HashedFile, occurrences

Sizes = Callable[[list[str]], dict[str, int]]  # blob ids -> sizes
Read = Callable[[list[str]], dict[str, bytes]]  # blob ids -> contents
DiffAsText = Callable[[list[str]], Iterable[bytes]]  # paths -> `git diff -a` output
# blob ids, size limit -> (blob id, content, None for one over the limit), one at a time
ReadSmall = Callable[[list[str], int], Iterable[tuple[str, bytes | None]]]


def place_hunks(sections: list[HashedFile], read_small: ReadSmall) -> Anchors:
    """Where each file's hunks sit in its old blob (``fingerprint.occurrences``), the old blobs
    streamed one at a time from one reader; a file over ``MAX_TEXT_BYTES`` is placed by its old
    blob id (any change to it upstream voids the approval)."""
    by_blob: dict[str, list[HashedFile]] = {}
    for section in sections:
        if section.old_blob and section.hunks:
            by_blob.setdefault(section.old_blob, []).append(section)
    placed: dict[tuple[str, tuple[tuple[int, int], ...]], bytes] = {}
    for found, data in read_small(sorted(by_blob), MAX_TEXT_BYTES):
        if data is None or found not in by_blob:
            continue
        for section in by_blob[found]:
            placed[(found, tuple(section.hunks))] = occurrences(data, section.hunks)

    def anchors(blob: str, hunks: list[tuple[int, int]]) -> bytes:
        return placed.get((blob, tuple(hunks)), b"blob\0" + blob.encode("ascii"))

    return anchors


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
