"""Placing each file's hunks in its old blob while the patch streams (``Placer``), on records:
the reader is a function, so order, missing and large blobs and failures are tested without git."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

import pytest

from countersign.intake.contents import Placer
from countersign.intake.fingerprint import HashedFile, occurrences

BLOBS = {"a" * 40: b"x\ny\nx\ny\n", "b" * 40: b"q\n" * 3}


def _section(blob: str, hunks: list[tuple[int, int]]) -> HashedFile:
    return HashedFile(hashlib.sha256(), old_blob=blob, hunks=hunks)


def _reader(asked: list[str]):
    def read(batches: Iterable[list[str]], limit: int) -> Iterator[tuple[str, bytes | None]]:
        for batch in batches:
            for blob in batch:
                asked.append(blob)
                data = BLOBS.get(blob)
                yield blob, data if data is not None and len(data) <= limit else None

    return read


def test_files_are_placed_as_they_are_offered_and_each_keeps_its_own_hunks():
    asked: list[str] = []
    first, again = _section("a" * 40, [(3, 2)]), _section("a" * 40, [(1, 2)])
    placer = Placer(_reader(asked))
    placer.offer([first])
    anchors = placer.finish([first, again, _section("c" * 40, [(1, 1)])])
    assert anchors("a" * 40, [(3, 2)]) == occurrences(BLOBS["a" * 40], [(3, 2)]) == b"1"
    assert anchors("a" * 40, [(1, 2)]) == b"0"
    assert anchors("c" * 40, [(1, 1)]) == b"blob\0" + b"c" * 40  # missing: its id stands
    assert asked == ["a" * 40, "a" * 40, "c" * 40]


def test_a_file_without_an_old_blob_or_hunks_is_not_asked_for():
    asked: list[str] = []
    placer = Placer(_reader(asked))
    placer.finish([_section("", [(1, 1)]), _section("b" * 40, [])])
    assert asked == []


def test_a_reader_that_fails_fails_the_fingerprint():
    def broken(batches: Iterable[list[str]], limit: int) -> Iterator[tuple[str, bytes | None]]:
        for _ in batches:
            raise OSError("git went away")
        yield from ()

    placer = Placer(broken)
    with pytest.raises(OSError, match="git went away"):
        placer.finish([_section("a" * 40, [(1, 1)])])


def test_closing_early_ends_the_reader():
    """What read_change does when reading the patch fails: no reader is left waiting."""
    asked: list[str] = []
    placer = Placer(_reader(asked))
    placer.offer([_section("a" * 40, [(1, 1)])])
    placer.close()
    placer.close()
    assert asked == ["a" * 40]
    assert placer._thread is not None
    assert not placer._thread.is_alive()
