"""A push to a protected branch cannot take its ledger checkpoints back: every reader trusts the
newest checkpoint it sees on that branch, so a push that removes one, or replaces it with an
older or a different one, would let a rewind of the ledger past it go unseen."""

from __future__ import annotations

import pytest

from countersign.commands.hooks import hooks_pre_push
from countersign.main import main
from countersign.signoff.ledger import open_ledger


@pytest.fixture
def checkpointed(project, monkeypatch, tmp_path):
    """main with a checkpoint of a shared ledger at entry 3 committed (and pushed)."""
    monkeypatch.setenv("COUNTERSIGN_LEDGER", str(tmp_path / "shared.db"))
    monkeypatch.setenv("COUNTERSIGN_STATE_DIR", str(tmp_path / "ci"))
    ledger = open_ledger(tmp_path / "shared.db", tmp_path / "ci")
    for i in range(3):
        ledger.append("note", {"n": i})
    project.git("checkout", "-q", "main")
    assert main(["ledger", "checkpoint", "-C", str(project.path)]) == 0
    project.commit("ledger checkpoint")
    return project


def _push(project, old: str) -> tuple[int, str]:
    new = project.git("rev-parse", "HEAD")
    return hooks_pre_push(project.path, stdin=f"refs/heads/main {new} refs/heads/main {old}\n"), new


def test_a_push_that_deletes_the_checkpoints_is_stopped(checkpointed, capsys):
    old = checkpointed.git("rev-parse", "HEAD")
    checkpointed.git("rm", "-q", ".countersign/ledger-checkpoints")
    checkpointed.commit("tidy up")
    code, _ = _push(checkpointed, old)
    assert code == 1
    err = capsys.readouterr().err
    assert "push to main takes the ledger checkpoints back" in err
    assert "removes the checkpoint of" in err
    assert "at entry 3" in err


def test_a_push_that_puts_an_older_checkpoint_back_is_stopped(checkpointed, capsys, tmp_path):
    path = checkpointed.path / ".countersign" / "ledger-checkpoints"
    older = path.read_text()
    ledger = open_ledger(tmp_path / "shared.db", tmp_path / "ci")
    ledger.append("note", {"n": 4})
    assert main(["ledger", "checkpoint", "-C", str(checkpointed.path)]) == 0
    checkpointed.commit("ledger checkpoint")
    old = checkpointed.git("rev-parse", "HEAD")
    path.write_text(older)
    checkpointed.commit("revert the checkpoint")
    capsys.readouterr()
    code, _ = _push(checkpointed, old)
    assert code == 1
    assert "from entry 4 back to entry 3" in capsys.readouterr().err


def test_a_push_that_moves_the_checkpoint_forward_passes_that_check(checkpointed, capsys, tmp_path):
    old = checkpointed.git("rev-parse", "HEAD")
    open_ledger(tmp_path / "shared.db", tmp_path / "ci").append("note", {"n": 4})
    assert main(["ledger", "checkpoint", "-C", str(checkpointed.path)]) == 0
    checkpointed.commit("ledger checkpoint")
    capsys.readouterr()
    _push(checkpointed, old)
    assert "takes the ledger checkpoints back" not in capsys.readouterr().err
