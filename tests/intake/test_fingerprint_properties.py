"""Properties of fingerprint v2 on real git repositories: any byte, line position, mode, link or
submodule change alters it; a rebase over edits elsewhere keeps it."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from countersign.intake.git import read_change

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "T",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "T",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}
# Few distinct lines, so hunks often have identical context somewhere else in the file.
LINES = st.lists(
    st.sampled_from([b"a", b"b", b"", b"}", b"x = 1", b"\xff\xfe"]), min_size=1, max_size=25
)
EXAMPLES = settings(max_examples=20, deadline=None)


class Scratch:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.branches = 0
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        out = subprocess.run(
            ["git", *args], cwd=self.path, env=ENV, check=True, capture_output=True
        )
        return out.stdout.decode().strip()

    def commit(self, files: dict[str, bytes]) -> None:
        for rel, data in files.items():
            (self.path / rel).write_bytes(data)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", "c")

    def fingerprint(self, base: bytes, head: bytes, name: str = "f.txt") -> str:
        """The fingerprint of ``base`` -> ``head`` as branch ``b`` off a fresh ``main``."""
        self.branches += 1
        self.git("checkout", "-q", "--orphan", f"b{self.branches}")
        self.git("rm", "-q", "-rf", "--ignore-unmatch", ".")
        self.commit({name: base, "other.txt": b"o\n"})
        self.git("branch", "-f", "main")
        self.commit({name: head})
        return read_change(self.path, base="main").fingerprint


def lines(items: list[bytes]) -> bytes:
    return b"".join(x + b"\n" for x in items)


@EXAMPLES
@given(LINES, LINES, st.integers(min_value=0), st.integers(min_value=1, max_value=255))
def test_any_byte_change_alters_it(base, head, where, delta):
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Scratch(Path(tmp))
        new = lines(head) + b"end\n"
        if new == lines(base):
            new += b"more\n"
        i = where % len(new)
        changed = new[:i] + bytes([(new[i] + delta) % 256]) + new[i + 1 :]
        if changed == lines(base):
            return
        assert scratch.fingerprint(lines(base), new) != scratch.fingerprint(lines(base), changed)


@EXAMPLES
@given(
    st.one_of(LINES, st.lists(st.sampled_from([b"a", b"b"]), min_size=7, max_size=12)),
    st.integers(min_value=0),
    st.integers(min_value=0),
)
@example(base=[b"a"] * 8, i=3, j=4)  # the same 7 lines around either place
def test_moving_an_added_line_alters_it(base, i, j):
    i, j = i % (len(base) + 1), j % (len(base) + 1)
    one = lines([*base[:i], b"check()", *base[i:]])
    two = lines([*base[:j], b"check()", *base[j:]])
    if one == two:
        return
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Scratch(Path(tmp))
        assert scratch.fingerprint(lines(base), one) != scratch.fingerprint(lines(base), two)


@EXAMPLES
@given(st.sampled_from(["mode", "link", "submodule"]), st.binary(min_size=1, max_size=20))
def test_mode_link_and_submodule_changes_alter_it(kind, data):
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Scratch(Path(tmp))
        plain = scratch.fingerprint(b"a\n", data, "f.bin")
        if kind == "mode":
            (scratch.path / "f.bin").chmod(0o755)
            scratch.git("commit", "-q", "-a", "--amend", "--no-edit")
        elif kind == "link":
            (scratch.path / "f.bin").unlink()
            (scratch.path / "f.bin").symlink_to("elsewhere")
            scratch.git("add", "-A")
            scratch.git("commit", "-q", "--amend", "--no-edit")
        else:
            head = scratch.git("rev-parse", "HEAD")
            scratch.git("rm", "-q", "f.bin")
            scratch.git("update-index", "--add", "--cacheinfo", f"160000,{head},f.bin")
            scratch.git("commit", "-q", "--amend", "--no-edit")
        assert read_change(scratch.path, base="main").fingerprint != plain


@EXAMPLES
@given(
    st.integers(min_value=0, max_value=39),
    st.binary(max_size=10).filter(lambda b: b"\n" not in b),
    st.integers(min_value=0, max_value=39),
    st.sampled_from(["other file", "same file"]),
)
def test_a_clean_rebase_keeps_it(at, added, upstream_at, where):
    body = [b"line %d" % n for n in range(40)]
    mine = lines([*body[:at], b"mine " + added, *body[at:]])
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Scratch(Path(tmp))
        before = scratch.fingerprint(lines(body), mine)
        scratch.git("checkout", "-q", "main")
        if where == "same file" and abs(upstream_at - at) > 7:
            theirs = [*body[:upstream_at], b"theirs", *body[upstream_at:]]
            scratch.commit({"f.txt": lines(theirs)})
        else:
            scratch.commit({"other.txt": b"changed upstream\n"})
        scratch.git("checkout", "-q", "b1")
        scratch.git("rebase", "-q", "main")
        assert read_change(scratch.path, base="main").fingerprint == before
