"""Which changed files are analysed whole, and which are expected to be text, by their names."""

from __future__ import annotations

from pathlib import PurePosixPath

from hypothesis import given
from hypothesis import strategies as st

from countersign.intake.artifacts import (
    ANALYSED_NAMES,
    ANALYSED_SUFFIXES,
    TEXT_NAMES,
    TEXT_SUFFIXES,
    is_analysed,
    text_expected,
)

NAMES = st.sampled_from(
    ["a", "b.py", ".gitignore", "Makefile", "x.SH", "a.", "..b", "c.tf.json", "Dockerfile",
     ".env", "p.Yml", "e.", "...", "CODEOWNERS", "n.md", "r .txt", "q.png"]
)  # fmt: skip


@given(st.lists(NAMES, min_size=1, max_size=4))
def test_names_and_suffixes_are_read_as_pure_posix_paths_read_them(parts):
    path = "/".join(parts)
    p = PurePosixPath(path)
    assert is_analysed(path) == (p.suffix.lower() in ANALYSED_SUFFIXES or p.name in ANALYSED_NAMES)
    assert text_expected(path) == (
        p.suffix.lower() in TEXT_SUFFIXES or p.name in TEXT_NAMES or p.name in TEXT_SUFFIXES
    )


def test_known_names():
    assert is_analysed("db/migrations/001.SQL")
    assert is_analysed("deploy/Dockerfile")
    assert not is_analysed("src/app.py")
    assert text_expected("src/.gitignore")
    assert text_expected("x/CODEOWNERS")
    assert not text_expected("logo.png")
    assert not text_expected("archive.")
