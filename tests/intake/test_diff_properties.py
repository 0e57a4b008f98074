"""Properties of the unified-diff parser: it never raises, and it reads back exactly the lines a
diff adds and removes, with their numbers."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from countersign.intake.diff import parse_patch

LINES = st.lists(
    st.sampled_from(["a", "b", "c", "", " x", "-y", "+z", "@@", "\\ no", "é"]), max_size=30
)


def git_style_diff(old: list[str], new: list[str]) -> str:
    body = difflib.unified_diff(
        [f"{x}\n" for x in old], [f"{x}\n" for x in new], "a/f.txt", "b/f.txt", n=3
    )
    return "diff --git a/f.txt b/f.txt\n" + "".join(body)


def expected(old: list[str], new: list[str]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    added: list[tuple[int, str]] = []
    removed: list[tuple[int, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if tag in ("replace", "delete"):
            removed.extend((i + 1, old[i]) for i in range(i1, i2))
        if tag in ("replace", "insert"):
            added.extend((j + 1, new[j]) for j in range(j1, j2))
    return added, removed


@settings(max_examples=200, deadline=None)
@given(LINES, LINES)
def test_parsed_lines_are_the_lines_the_diff_adds_and_removes(old, new):
    patch = git_style_diff(old, new)
    files = parse_patch(patch)
    if old == new:
        assert all(not f.added and not f.removed for f in files)
        return
    (f,) = files
    want_added, want_removed = expected(old, new)
    assert [(x.number, x.text) for x in f.added] == want_added
    assert [(x.number, x.text) for x in f.removed] == want_removed


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_parses_without_raising(text):
    parse_patch("diff --git a/x b/x\n" + text)
    parse_patch(text)


PATCH_LINES = st.lists(
    st.sampled_from(
        [b"diff --git a/f b/f", b"@@ -1 +1 @@", b"+a", b"-b", b" c", b"", b"+\xc3\xa9", b"+\xff",
         b"+\x00x", b"+" + b"L" * 300_000, b"+" + b"M" * (1 << 20), b"\\ No newline"]
    ),
    max_size=40,
)  # fmt: skip


def _read(data: bytes, cuts: list[int], *, line_by_line: bool) -> list:
    from countersign.intake.diff import PatchReader

    reader = PatchReader()
    if line_by_line:
        reader._clean_lines = lambda _buf: 0  # type: ignore[method-assign]
    at = 0
    for cut in sorted(c % (len(data) + 1) for c in cuts):
        reader.feed(data[at:cut])
        at = cut
    reader.feed(data[at:])
    return reader.close()


@settings(max_examples=200, deadline=None)
@given(PATCH_LINES, st.lists(st.integers(min_value=0), max_size=6))
def test_whole_blocks_read_as_line_by_line_in_any_chunks(lines, cuts):
    """The fast path (a chunk's clean lines decoded at once) reads what the line-by-line path
    reads: the same sections, lines, and marks for NUL bytes, bad UTF-8 and long lines."""
    data = b"\n".join(lines) + b"\n"
    assert _read(data, cuts, line_by_line=False) == _read(data, [], line_by_line=True)
