"""The guard's in-process reader of git's object store gives what git gives for every object,
loose or packed (with deltas of both kinds), and refuses an object whose content was changed."""

from __future__ import annotations

import subprocess
import zlib

import pytest

from countersign.facts.shell.context import PROTECTED_BRANCHES
from countersign.guard import object_store, protected


def _all_objects(repo) -> list[str]:
    listing = repo.git("rev-list", "--objects", "--all")
    return [line.split()[0] for line in listing.splitlines() if line]


def _git_object(repo, oid: str) -> tuple[bytes, bytes]:
    kind = repo.git("cat-file", "-t", oid).strip().encode()
    done = subprocess.run(
        ["git", "cat-file", kind.decode(), oid], cwd=repo.path, capture_output=True, check=True
    )
    return kind, done.stdout


@pytest.fixture
def history(repo):
    text = "".join(f"line {i}\n" for i in range(3000))
    for n in range(6):  # versions close enough to one another for git to store deltas
        text = text.replace(f"line {n * 7}\n", f"changed {n}\n")
        repo.commit(f"v{n}", **{"data.txt": text, f"dir/f{n}.txt": text[: n * 100]})
    return repo


def test_loose_objects_read_as_git_reads_them(history):
    common = str(history.path / ".git")
    for oid in _all_objects(history):
        assert object_store.read(common, oid) == _git_object(history, oid)


@pytest.mark.parametrize("ref_delta", [False, True])
def test_packed_objects_and_their_deltas_read_as_git_reads_them(history, ref_delta):
    common = str(history.path / ".git")
    if ref_delta:  # deltas that name their base (REF_DELTA), not its offset
        oids = "\n".join(_all_objects(history)) + "\n"
        pack = history.path / ".git" / "objects" / "pack" / "ref"
        subprocess.run(
            ["git", "pack-objects", "--no-reuse-delta", str(pack)],
            cwd=history.path,
            input=oids.encode(),
            capture_output=True,
            check=True,
        )
        history.git("prune-packed")
    else:
        history.git("gc", "-q", "--aggressive")
    assert not any((history.path / ".git" / "objects").glob("??/*"))
    assert "chain length" in history.git("verify-pack", "-v", *map(str, _idx(history)))
    for oid in _all_objects(history):
        assert object_store.read(common, oid) == _git_object(history, oid)


def _idx(repo):
    return sorted((repo.path / ".git" / "objects" / "pack").glob("*.idx"))


def test_an_object_found_through_alternates_is_read(history, make_repo):
    borrower = make_repo("borrower")
    alternates = borrower.path / ".git" / "objects" / "info" / "alternates"
    alternates.parent.mkdir(parents=True, exist_ok=True)
    alternates.write_text(str(history.path / ".git" / "objects") + "\n")
    oid = history.git("rev-parse", "HEAD:data.txt").strip()
    assert object_store.read(str(borrower.path / ".git"), oid) == _git_object(history, oid)


def test_an_object_not_in_the_store_is_unknown_not_an_error(history):
    assert object_store.read(str(history.path / ".git"), "0" * 40) is None
    assert object_store.read(str(history.path / ".git"), "0" * 64) is None  # SHA-256: git's


def test_a_rewritten_loose_object_is_refused(history):
    oid = history.git("rev-parse", "HEAD:data.txt").strip()
    path = history.path / ".git" / "objects" / oid[:2] / oid[2:]
    path.chmod(0o644)
    path.write_bytes(zlib.compress(b"blob 3\0abc"))
    with pytest.raises(object_store.Corrupt, match="does not hash to its id"):
        object_store.read(str(history.path / ".git"), oid)


def test_a_rewritten_pack_entry_is_refused(history):
    history.git("gc", "-q")
    oid = history.git("rev-parse", "HEAD:dir/f5.txt").strip()
    pack = next((history.path / ".git" / "objects" / "pack").glob("*.pack"))
    data = bytearray(pack.read_bytes())
    original = object_store.read(str(history.path / ".git"), oid)
    assert original is not None
    at = data.find(zlib.compress(original[1])[2:12])  # inside the entry's deflated bytes
    assert at > 0
    data[at + 3] ^= 0xFF
    pack.chmod(0o644)
    pack.write_bytes(bytes(data))
    with pytest.raises(object_store.Corrupt):
        object_store.read(str(history.path / ".git"), oid)


def test_the_fast_path_knows_the_same_protected_branches_as_the_rules():
    assert protected.DEFAULT_BRANCHES == PROTECTED_BRANCHES
