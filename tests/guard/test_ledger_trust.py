"""The guard reads what the ledger trusts (the protected branch's pinned keys and checkpoints)
in-process: it must read what git would, and where it differs, read less than an agent could
steer (a full ref name, never a short one a tag of the agent's shadows)."""

from __future__ import annotations

import zlib

import pytest

from countersign.config import CONFIG_DIR
from countersign.errors import LedgerError
from countersign.guard import ledger_trust
from countersign.intake.git_command import DEFAULT_NAMES
from countersign.signoff.checkpoint import CHECKPOINT_FILE, PUBLISHED, checkpoints_in
from countersign.signoff.pins import PIN_FILE, pins_in, protected_rev

PINS = "ed25519:ETZJYDfwrS9AVM/ipMp0i/BJcjhxw1Sqe4YvpIEqMSM=  ci\n"


def _by_git(root):
    rev = protected_rev(root)
    pins = pins_in(root, rev)
    return rev, pins, checkpoints_in(root, (rev, *PUBLISHED))


def _in_process(root):
    found = ledger_trust.committed(str(root))
    assert found is not None
    return found


def test_the_constants_are_the_ones_the_ledger_uses():
    assert ledger_trust.CONFIG_DIR == CONFIG_DIR
    assert f"{CONFIG_DIR}/{PIN_FILE}" == ledger_trust.PIN_PATH
    assert f"{CONFIG_DIR}/{CHECKPOINT_FILE}" == ledger_trust.CHECKPOINT_PATH
    assert ledger_trust.DEFAULT_NAMES == DEFAULT_NAMES
    assert ledger_trust.PUBLISHED == PUBLISHED


def test_the_protected_branchs_files_are_read_while_the_agent_is_on_a_topic_branch(repo):
    repo.commit(
        "pins", **{".countersign/ledger-keys": PINS, ".countersign/ledger-checkpoints": "x\n"}
    )
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit("agent's own", **{".countersign/ledger-keys": "mine\n"})
    rev, pins, checkpoints = _in_process(repo.path)
    assert (rev, pins, checkpoints) == ("main", PINS.encode(), [("main", b"x\n")])
    assert protected_rev(repo.path) == "main"


def test_packed_refs_and_packed_objects_read_the_same(repo):
    repo.commit("pins", **{".countersign/ledger-keys": PINS})
    repo.git("gc", "-q")
    assert not (repo.path / ".git" / "refs" / "heads" / "main").exists()
    assert _in_process(repo.path)[:2] == ("main", PINS.encode())


def test_origin_head_names_the_protected_branch_as_git_does(repo, make_repo):
    repo.commit("pins", **{".countersign/ledger-keys": PINS})
    repo.git("branch", "-m", "main", "trunk-of-origin")
    clone = make_repo("clone")
    clone.git("fetch", "-q", str(repo.path), "trunk-of-origin:refs/remotes/origin/develop")
    clone.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/develop")
    assert protected_rev(clone.path) == "origin/develop"
    assert _in_process(clone.path)[:2] == ("origin/develop", PINS.encode())


def test_without_a_default_branch_head_is_read_in_a_worktree_too(repo, tmp_path):
    repo.git("checkout", "-q", "-b", "topic")  # main was never born
    repo.commit("pins", **{".countersign/ledger-keys": PINS})
    assert protected_rev(repo.path) == "HEAD"
    assert _in_process(repo.path)[:2] == ("HEAD", PINS.encode())
    repo.git("worktree", "add", "-q", "--detach", str(tmp_path / "wt"), "HEAD")
    assert _in_process(tmp_path / "wt")[:2] == ("HEAD", PINS.encode())


def test_an_unborn_head_has_nothing_committed(repo):
    assert _in_process(repo.path) == ("HEAD", None, [])


def test_the_published_checkpoints_are_read_with_the_protected_branchs(repo):
    repo.commit("cp", **{".countersign/ledger-checkpoints": "main's\n"})
    repo.git("checkout", "-q", "-b", "countersign/checkpoints")
    repo.commit("cp", **{".countersign/ledger-checkpoints": "published\n"})
    repo.git("checkout", "-q", "main")
    assert _in_process(repo.path)[2] == [
        ("main", b"main's\n"),
        ("refs/heads/countersign/checkpoints", b"published\n"),
    ]


def test_a_tag_named_like_the_protected_branch_does_not_shadow_it(repo):
    """git resolves the short name ``main`` through ``refs/tags/main`` before the branch: an
    agent's tag would pin its own key there. The in-process reader names the branch in full."""
    repo.commit("pins", **{".countersign/ledger-keys": PINS})
    repo.git("checkout", "-q", "-b", "agent")
    repo.commit("agent's pins", **{".countersign/ledger-keys": "agent's\n"})
    repo.git("tag", "main")
    repo.git("checkout", "-q", "main")
    assert repo.git("show", "main:.countersign/ledger-keys") == "agent's"
    assert _in_process(repo.path)[1] == PINS.encode()


def test_where_the_reader_stops_git_is_asked(repo):
    repo.commit("pins", **{".countersign/ledger-keys": PINS})
    (repo.path / ".git" / "reftable").mkdir()  # refs in a format this reader does not read
    assert ledger_trust.committed(str(repo.path)) is None
    (repo.path / ".git" / "reftable").rmdir()
    assert ledger_trust.committed(str(repo.path.parent)) is None  # not a work tree


def test_an_object_rewritten_in_the_store_is_a_ledger_error_not_unpinned(repo):
    repo.commit("pins", **{".countersign/ledger-keys": PINS})
    blob = repo.git("rev-parse", "main:.countersign/ledger-keys")
    path = repo.path / ".git" / "objects" / blob[:2] / blob[2:]
    path.chmod(0o644)
    forged = b"agent's\n"
    path.write_bytes(zlib.compress(b"blob %d\0" % len(forged) + forged))
    with pytest.raises(LedgerError, match="cannot be read"):
        ledger_trust.committed(str(repo.path))


def test_it_reads_what_git_reads(repo):
    repo.commit("pins", **{".countersign/ledger-keys": PINS})
    repo.commit("cp", **{".countersign/ledger-checkpoints": ""})
    rev, pins, checkpoints = _by_git(repo.path)
    assert pins is not None
    assert pins.source == ".countersign/ledger-keys"
    assert checkpoints == ()
    found = _in_process(repo.path)
    assert found[0] == rev
    assert found[1] == (repo.path / ".countersign" / "ledger-keys").read_bytes()
    assert found[2] == [("main", b"")]
