"""A change that takes the ledger checkpoints back is blocked by ``check`` and ``verify`` (and
so by the service, which evaluates through the same library), not only by the pre-push hook:
merged, it would leave the protected branch without the newest checkpoint, and every reader
would then miss a rewind past it. Tried on a real repository and on both back ends."""

from __future__ import annotations

import json

import pytest

from countersign.main import main
from countersign.signoff.chain import Head
from countersign.signoff.checkpoint import make, parse
from countersign.signoff.keys import load_or_create
from countersign.signoff.ledger import open_ledger

CHECKPOINTS = ".countersign/ledger-checkpoints"


@pytest.fixture
def run(monkeypatch, site, tmp_path):
    """countersign on the CI machine (its key wrote the ledger and the checkpoints)."""

    def run_(repo, *args: str) -> int:
        monkeypatch.setenv("COUNTERSIGN_LEDGER", site.location)
        monkeypatch.setenv("COUNTERSIGN_STATE_DIR", str(tmp_path / "machine-ci"))
        return main([*args, "-C", str(repo.path)])

    return run_


@pytest.fixture
def checkpointed(repo, site, run, tmp_path):
    """main with a checkpoint of the ledger at entry 3, then at entry 4, and a branch ``work``
    off it."""
    repo.commit("init", **{"a.txt": "a\n"})
    ledger = open_ledger(site.location, tmp_path / "machine-ci")
    for i in range(3):
        ledger.append("note", {"n": i})
    assert run(repo, "ledger", "checkpoint") == 0
    repo.commit("ledger checkpoint at 3")
    ledger.append("note", {"n": 3})
    assert run(repo, "ledger", "checkpoint") == 0
    repo.commit("ledger checkpoint at 4")
    repo.git("checkout", "-q", "-b", "work")
    return repo


def _older(repo) -> str:
    """The checkpoint file as main had it before its newest checkpoint."""
    return repo.git("show", f"main~1:{CHECKPOINTS}") + "\n"


def _check(run, repo, capsys, *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = run(repo, "check", "--base", "main", *extra)
    return code, capsys.readouterr().out


def test_a_harmless_change_passes(checkpointed, run, capsys):
    checkpointed.commit("docs", **{"a.txt": "b\n"})
    code, out = _check(run, checkpointed, capsys)
    assert code == 0, out
    assert "checkpoints back" not in out


def test_a_change_that_deletes_the_checkpoints_is_blocked(checkpointed, run, site, capsys):
    checkpointed.git("rm", "-q", CHECKPOINTS)
    checkpointed.commit("tidy up")
    code, out = _check(run, checkpointed, capsys)
    assert code == 2, out
    assert (
        f"takes the ledger checkpoints back: it removes the checkpoint of {site.location} "
        "at entry 4" in out.replace("\n  ", " ")
    )


def test_a_change_that_renames_the_checkpoints_away_is_blocked(checkpointed, run, site, capsys):
    checkpointed.git("mv", CHECKPOINTS, ".countersign/old-checkpoints")
    checkpointed.commit("rename")
    code, out = _check(run, checkpointed, capsys)
    assert code == 2, out
    assert f"removes the checkpoint of {site.location} at entry 4" in out.replace("\n  ", " ")


def test_a_change_that_puts_an_older_checkpoint_back_is_blocked(checkpointed, run, capsys):
    checkpointed.commit("restore", **{CHECKPOINTS: _older(checkpointed)})
    code, out = _check(run, checkpointed, capsys, "--format", "json")
    assert code == 2
    (block,) = [r for r in json.loads(out)["requirements"] if r["kind"] == "block"]
    assert block["rule"] == "ledger-checkpoints"
    assert "from entry 4 back to entry 3" in block["reason"]
    assert not block["satisfied"]


def test_a_change_that_replaces_the_checkpoint_at_the_same_entry_is_blocked(
    checkpointed, run, site, capsys, tmp_path
):
    (mine,) = parse((checkpointed.path / CHECKPOINTS).read_text(), "x")
    forged = make(mine.ledger, Head(mine.seq, "0" * 64), mine.at, load_or_create(tmp_path))
    checkpointed.commit("checkpoint", **{CHECKPOINTS: forged.line() + "\n"})
    code, out = _check(run, checkpointed, capsys, "--format", "markdown")
    assert code == 2
    assert f"replaces the checkpoint of {site.location} at entry 4 by another" in out


def test_a_checkpoint_file_made_unreadable_is_blocked(checkpointed, run, capsys):
    checkpointed.commit("oops", **{CHECKPOINTS: "not a checkpoint\n"})
    # checked out, the file is itself a configuration error for every reader
    capsys.readouterr()
    assert run(checkpointed, "check", "--base", "main") == 3
    assert "ledger-checkpoints at HEAD: line 1: is not a checkpoint" in capsys.readouterr().err
    # read from elsewhere (the service's mirror, CI on main), the change is blocked
    checkpointed.git("checkout", "-q", "main")
    code, out = _check(run, checkpointed, capsys, "--head", "work", "--format", "sarif")
    assert code == 2
    results = json.loads(out)["runs"][0]["results"]
    assert any(
        r["ruleId"] == "ledger-checkpoints/block"
        and "leaves a checkpoint file that cannot be read" in r["message"]["text"]
        for r in results
    )


def test_neither_an_approval_nor_break_glass_lifts_the_block(checkpointed, run, capsys):
    checkpointed.git("rm", "-q", CHECKPOINTS)
    checkpointed.commit("tidy up")
    assert run(
        checkpointed,
        "break-glass",
        "--base",
        "main",
        "--reason",
        "r",
        "--incident",
        "I-1",
        "--as",
        "x",
    ) in (0, 3)
    code, out = _check(run, checkpointed, capsys)
    assert code == 2, out
    assert "no break-glass lifts this block" in out


def test_a_change_that_moves_the_checkpoint_forward_passes(checkpointed, run, site, capsys):
    open_ledger(site.location, checkpointed.path.parent / "machine-ci").append("note", {"n": 4})
    assert run(checkpointed, "ledger", "checkpoint") == 0
    checkpointed.commit("ledger checkpoint at 5")
    code, out = _check(run, checkpointed, capsys)
    # a change to countersign's configuration: the default policy asks a principal, no more
    assert code == 1, out
    assert "checkpoints back" not in out


def test_verify_blocks_a_release_that_took_the_checkpoints_back(checkpointed, run, site, capsys):
    checkpointed.git("checkout", "-q", "main")
    deployed = checkpointed.git("rev-parse", "HEAD")
    checkpointed.commit("restore an older checkpoint", **{CHECKPOINTS: _older(checkpointed)})
    capsys.readouterr()
    assert run(checkpointed, "verify", "--base", deployed) == 2
    out = capsys.readouterr().out
    assert "from entry 4 back to entry 3" in out.replace("\n  ", " ")
