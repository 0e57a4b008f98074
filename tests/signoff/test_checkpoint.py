"""Rewinding the ledger, tried as an insider would, on a real repository and both back ends: a
signed checkpoint committed with the protected branch lets a machine that never read the
ledger (a fresh CI runner) see entries that disappeared."""

from __future__ import annotations

import shutil

import pytest

from countersign.main import main
from countersign.signoff.ledger import open_ledger


@pytest.fixture
def machine(monkeypatch, site, tmp_path):
    """Run countersign on a machine of its own (its state directory: key, witness, marks)."""

    def run(name: str, repo, *args: str) -> int:
        monkeypatch.setenv("COUNTERSIGN_LEDGER", site.location)
        monkeypatch.setenv("COUNTERSIGN_STATE_DIR", str(tmp_path / f"machine-{name}"))
        return main([*args, "-C", str(repo.path)])

    return run


def checkpointed(repo, site, machine, entries: int):
    """A ledger of ``entries`` approvals written by the CI machine, its checkpoint committed
    on main."""
    repo.commit("init", **{"a.txt": "a\n"})
    ledger = open_ledger(site.location, site.state_dir.parent / "machine-ci")
    for i in range(entries):
        ledger.append("approval", {"approver": f"p{i}", "fingerprint": f"cs2:{i}"})
    assert machine("ci", repo, "ledger", "checkpoint") == 0
    repo.git("add", ".countersign/ledger-checkpoints")
    repo.git("commit", "-q", "-m", "ledger checkpoint")
    return ledger


def test_a_fresh_runner_sees_the_ledger_minus_its_last_entry(repo, site, machine, capsys):
    checkpointed(repo, site, machine, 3)
    site.tamper("DELETE FROM {t} WHERE seq = 3")
    capsys.readouterr()
    assert machine("fresh-runner", repo, "ledger", "verify") == 5
    err = capsys.readouterr().err
    assert "entry 3: missing: the checkpoint in .countersign/ledger-checkpoints at main" in err
    assert "it now ends at 2: entry 3 disappeared (the ledger was rewound)" in err


def test_truncate_and_reinsert_is_caught(repo, site, machine, capsys):
    ledger = checkpointed(repo, site, machine, 3)
    rows = list(ledger.store.rows())
    site.tamper("DELETE FROM {t}")
    intruder = open_ledger(site.location, site.state_dir.parent / "intruder")
    for row in rows[:1]:
        site.tamper(
            "INSERT INTO {t} (seq, kind, body, hash, sig, key_id) VALUES (?, ?, ?, ?, ?, ?)",
            params=(row.seq, row.kind, row.body, row.hash, row.sig, row.key_id),
        )
    intruder.append("approval", {"approver": "mallory", "fingerprint": "cs2:x"})
    capsys.readouterr()
    assert machine("fresh-runner", repo, "ledger", "verify") == 5
    assert "entry 3: missing: the checkpoint" in capsys.readouterr().err


def test_an_older_copy_of_the_sqlite_file_is_caught(repo, site, machine, capsys, tmp_path):
    if site.backend != "sqlite":
        pytest.skip("a file copy is a SQLite attack; PostgreSQL is covered by the tests above")
    repo.commit("init", **{"a.txt": "a\n"})
    ledger = open_ledger(site.location, tmp_path / "machine-ci")
    ledger.append("approval", {"approver": "p0"})
    shutil.copy(site.location, tmp_path / "old.db")
    ledger.append("approval-withdrawn", {"approver": "p0"})
    assert machine("ci", repo, "ledger", "checkpoint") == 0
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "checkpoint")
    shutil.copy(tmp_path / "old.db", site.location)
    capsys.readouterr()
    assert machine("fresh-runner", repo, "ledger", "verify") == 5
    assert "entry 2 disappeared (the ledger was rewound)" in capsys.readouterr().err


def test_a_forged_checkpoint_is_reported(repo, site, machine, capsys):
    checkpointed(repo, site, machine, 2)
    path = repo.path / ".countersign/ledger-checkpoints"
    path.write_text(path.read_text().replace('"seq":2', '"seq":1'))
    repo.git("commit", "-q", "-am", "edit the checkpoint")
    capsys.readouterr()
    assert machine("fresh-runner", repo, "ledger", "verify") == 5
    assert "is not signed by a recorded key (forged or edited)" in capsys.readouterr().err


def test_an_intact_ledger_past_its_checkpoint_verifies(repo, site, machine, capsys):
    ledger = checkpointed(repo, site, machine, 2)
    ledger.append("approval", {"approver": "later"})
    assert machine("fresh-runner", repo, "ledger", "verify") == 0


def test_a_mistyped_ledger_location_is_an_error_not_an_empty_ledger(
    repo, monkeypatch, tmp_path, capsys
):
    repo.commit("init", **{"a.txt": "a\n"})
    monkeypatch.setenv("COUNTERSIGN_LEDGER", str(tmp_path / "ledgr.db"))
    monkeypatch.setenv("COUNTERSIGN_STATE_DIR", str(tmp_path / "state"))
    assert main(["ledger", "verify", "-C", str(repo.path)]) == 5
    assert "ledgr.db: no ledger there" in capsys.readouterr().err
    assert not (tmp_path / "ledgr.db").exists()
    assert main(["ledger", "init", "-C", str(repo.path)]) == 0
    assert main(["ledger", "verify", "-C", str(repo.path)]) == 0


def test_verify_on_a_branch_that_deleted_the_pins_still_uses_the_protected_ones(
    repo, site, machine, capsys, tmp_path
):
    repo.commit("init", **{"a.txt": "a\n"})
    ci = open_ledger(site.location, tmp_path / "machine-ci")
    ci.append("approval", {"approver": "p0"})
    repo.commit("pin", **{".countersign/ledger-keys": f"{ci.key.public_text}  ci\n"})
    repo.git("checkout", "-q", "-b", "unpin")
    repo.git("rm", "-q", ".countersign/ledger-keys")
    repo.commit("drop the pins")
    site.tamper("DELETE FROM {t}")
    forger = open_ledger(site.location, tmp_path / "forger")
    forger.append("approval", {"approver": "mallory"})
    capsys.readouterr()
    assert machine("fresh-runner", repo, "ledger", "verify") == 5
    captured = capsys.readouterr()
    assert "which .countersign/ledger-keys does not pin" in captured.err
    assert "only keys pinned in .countersign/ledger-keys are believed" in captured.out


def test_after_init_a_fresh_runner_refuses_entries_signed_by_a_new_key(repo, site, machine):
    """Out of the box: init pins the key of the machine that records (here CI's), so an
    intruder's entries fail on a machine that never read the ledger."""
    repo.commit("start", **{"a.txt": "a\n"})
    assert machine("ci", repo, "init") == 0
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "countersign init")
    ci = open_ledger(site.location, site.state_dir.parent / "machine-ci")
    ci.append("approval", {"approver": "dana", "fingerprint": "cs2:a"})
    intruder = open_ledger(site.location, site.state_dir.parent / "intruder")
    intruder.append("approval", {"approver": "mallory", "fingerprint": "cs2:x"})
    assert machine("fresh-runner", repo, "ledger", "verify") == 5


def test_init_checkpoints_a_ledger_that_already_holds_entries(repo, site, machine, capsys):
    repo.commit("start", **{"a.txt": "a\n"})
    ci = open_ledger(site.location, site.state_dir.parent / "machine-ci")
    for i in range(3):
        ci.append("approval", {"approver": f"p{i}", "fingerprint": f"cs2:{i}"})
    assert machine("ci", repo, "init") == 0
    assert "its head is checkpointed in ledger-checkpoints" in capsys.readouterr().out
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "countersign init")
    site.tamper("DELETE FROM {t} WHERE seq = 3")
    capsys.readouterr()
    assert machine("fresh-runner", repo, "ledger", "verify") == 5
    assert "entry 3 disappeared (the ledger was rewound)" in capsys.readouterr().err


def test_a_checkpoint_on_the_published_branch_catches_a_rewind(repo, site, machine, capsys):
    """The service publishes its checkpoints on ``countersign/checkpoints`` (fetched by every
    clone as ``origin/countersign/checkpoints``): a reader compares against them too."""
    repo.commit("init", **{"a.txt": "a\n"})
    ledger = open_ledger(site.location, site.state_dir.parent / "machine-ci")
    for i in range(3):
        ledger.append("approval", {"approver": f"p{i}", "fingerprint": f"cs2:{i}"})
    repo.git("checkout", "-q", "--orphan", "countersign/checkpoints")
    repo.git("rm", "-rq", "--cached", ".")
    assert machine("ci", repo, "ledger", "checkpoint") == 0
    repo.git("add", ".countersign/ledger-checkpoints")
    repo.git("commit", "-q", "-m", "ledger checkpoint")
    published = repo.git("rev-parse", "HEAD")
    repo.git("checkout", "-q", "-f", "main")
    repo.git("update-ref", "refs/remotes/origin/countersign/checkpoints", published)
    repo.git("branch", "-D", "countersign/checkpoints")
    assert not (repo.path / ".countersign" / "ledger-checkpoints").exists()
    site.tamper("DELETE FROM {t} WHERE seq = 3")
    capsys.readouterr()
    assert machine("fresh-runner", repo, "ledger", "verify") == 5
    err = capsys.readouterr().err
    assert (
        "entry 3: missing: the checkpoint in .countersign/ledger-checkpoints at "
        "refs/remotes/origin/countersign/checkpoints records the ledger at entry 3" in err
    )
    assert "entry 3 disappeared (the ledger was rewound)" in err
