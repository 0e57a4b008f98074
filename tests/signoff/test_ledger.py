from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from countersign.errors import LedgerError
from countersign.signoff.chain import seal
from countersign.signoff.keys import load_or_create
from countersign.signoff.ledger import open_ledger


def problems_of(ledger) -> list[str]:
    return [str(p) for p in ledger.verify().problems]


def test_appended_entries_come_back_in_order_and_verify(site, filled):
    ledger = filled(3)
    assert [e["approver"] for e in ledger.entries("approval")] == ["person1", "person2", "person3"]
    assert [e["seq"] for e in ledger.entries()] == [1, 2, 3]
    report = ledger.verify()
    assert report.ok
    assert report.entries == 3


def test_body_is_stored_as_the_exact_canonical_text(site, filled):
    filled(1)
    ledger = site.open()
    row = next(iter(ledger.store.rows()))
    assert row.body.startswith('{"at":')
    assert '"payload":{"approver":"person1","fingerprint":"cs1:abc"}' in row.body


def test_edited_entry_is_found_and_never_trusted(site, filled):
    ledger = filled(3)
    site.tamper("UPDATE {t} SET body = replace(body, 'person2', 'mallory') WHERE seq = 2")
    found = problems_of(ledger)
    assert "entry 2: stored hash does not match its body (edited)" in found
    assert "entry 2: signature does not match its content (edited or forged)" in found
    assert any(p.startswith("entry 3: does not chain") for p in found)
    with pytest.raises(LedgerError, match="cannot be trusted: entry 2"):
        ledger.entries()


def test_edit_with_recomputed_hashes_is_still_caught_by_the_signature(site, filled):
    ledger = filled(2)
    rows = list(ledger.store.rows())
    forged = rows[1].body.replace("person2", "mallory")
    import hashlib

    new_hash = hashlib.sha256(forged.encode()).hexdigest()
    site.tamper("UPDATE {t} SET body = ?, hash = ? WHERE seq = 2", params=(forged, new_hash))
    assert problems_of(ledger) == [
        "entry 2: signature does not match its content (edited or forged)",
        "entry 2: differs from the entry this machine saw written there (the ledger was rewritten)",
    ]


def test_deleted_entry_is_found_where_it_was(site, filled):
    ledger = filled(4)
    site.tamper("DELETE FROM {t} WHERE seq = 2")
    found = problems_of(ledger)
    assert "entry 3: expected entry 2; entries missing before it (deleted)" in found


def test_deleting_the_newest_entries_is_caught_by_the_witness(site, filled):
    ledger = filled(4)
    site.tamper("DELETE FROM {t} WHERE seq >= 3")
    assert problems_of(ledger) == [
        (
            "entry 4: missing: this machine saw the ledger reach entry 4, it now ends at 2 "
            "(entries were deleted from the end)"
        )
    ]


def test_reordered_entries_are_found(site, filled):
    ledger = filled(4)
    site.tamper(
        "UPDATE {t} SET seq = 100 WHERE seq = 2",
        "UPDATE {t} SET seq = 2 WHERE seq = 3",
        "UPDATE {t} SET seq = 3 WHERE seq = 100",
    )
    found = problems_of(ledger)
    assert "entry 2: body says it is entry 3 (moved or reordered)" in found
    assert "entry 3: body says it is entry 2 (moved or reordered)" in found


def test_inserted_entry_signed_by_another_key_is_found(site, filled, tmp_path):
    ledger = filled(2)
    rows = list(ledger.store.rows())
    intruder = load_or_create(tmp_path / "intruder")
    fake = seal(3, rows[-1].hash, "approval", "2030-01-01T00:00:00", {"approver": "x"}, intruder)
    site.tamper(
        "INSERT INTO {t} VALUES (?, ?, ?, ?, ?, ?)",
        params=(3, "approval", fake.body, fake.hash, fake.sig, fake.key_id),
    )
    assert problems_of(ledger) == [f"entry 3: signed by unknown key {intruder.key_id!r}"]


def test_policy_rollback_is_reported_at_the_entry_that_claims_the_old_version(site):
    ledger = site.open()
    ledger.append("decision", {"policy_version": "2", "fingerprint": "a"})
    ledger.append("decision", {"policy_version": "3", "fingerprint": "b"})
    ledger.append("decision", {"policy_version": "2", "fingerprint": "c"})
    assert problems_of(ledger) == [
        "entry 3: claims policy version 2 after version 3 was in force (entry 2): policy rollback"
    ]


def test_an_old_fork_approval_is_not_a_rollback_and_a_rollback_does_not_brick_reads(site):
    ledger = site.open()
    ledger.append("approval", {"policy_version": "3", "branch": "main-work", "fingerprint": "a"})
    ledger.append("approval", {"policy_version": "1", "branch": "old-fork", "fingerprint": "b"})
    assert ledger.verify().ok
    ledger.append("approval", {"policy_version": "2", "branch": "main-work", "fingerprint": "c"})
    rollback = (
        "entry 3: claims policy version 2 after version 3 was in force on branch main-work "
        "(entry 1): policy rollback"
    )
    assert problems_of(ledger) == [rollback]
    assert [e["fingerprint"] for e in site.open().entries()] == ["a", "b", "c"]


def test_the_database_refuses_updates_and_deletes(site, filled):
    ledger = filled(1)
    if site.backend == "sqlite":
        import sqlite3

        conn = sqlite3.connect(site.location)
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM entries")
        conn.close()
    else:
        import psycopg

        with (
            psycopg.connect(site.location) as conn,
            pytest.raises(psycopg.Error, match="append-only"),
        ):
            conn.execute("DELETE FROM countersign_entries")
    assert ledger.verify().ok


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE countersign_entries",
        "TRUNCATE countersign_keys",
        "DELETE FROM countersign_keys",
        "DELETE FROM countersign_entries WHERE seq > 100",
    ],
)
@pytest.mark.postgres
def test_postgres_refuses_truncate_and_deletes_of_entries_and_keys(statement, pg_url, tmp_path):
    """TRUNCATE fires no row trigger: a statement-level trigger refuses it (and a DELETE that
    matches nothing, so a probe learns nothing either)."""
    import psycopg

    from countersign.signoff.ledger import open_ledger

    ledger = open_ledger(pg_url, tmp_path / "state")
    ledger.append("approval", {"approver": "a"})
    with psycopg.connect(pg_url) as conn, pytest.raises(psycopg.Error, match="append-only"):
        conn.execute(statement)
    assert ledger.verify().ok
    assert len(ledger.entries()) == 1


def test_a_garbage_sqlite_file_is_a_ledger_error(tmp_path):
    from countersign.signoff.ledger import open_ledger

    path = tmp_path / "ledger.db"
    path.write_bytes(b"this is not a database at all, just some bytes" * 100)
    with pytest.raises(LedgerError, match="cannot open the ledger"):
        open_ledger(path, tmp_path / "state").entries()


WRITER = """
import sys
from pathlib import Path
from countersign.signoff.ledger import open_ledger
ledger = open_ledger(sys.argv[1], Path(sys.argv[2]))
for i in range(int(sys.argv[4])):
    ledger.append("approval", {"approver": sys.argv[3], "n": i})
"""


def test_concurrent_writers_lose_nothing_and_keep_the_chain(site):
    site.open().append("genesis", {})  # the key exists before the writers race
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, site.location, str(site.state_dir), f"w{w}", "25"]
        )
        for w in range(4)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    ledger = site.open()
    report = ledger.verify()
    assert report.ok, report.problems
    got = {(e["approver"], e["n"]) for e in ledger.entries("approval")}
    assert got == {(f"w{w}", i) for w in range(4) for i in range(25)}


def test_a_writer_killed_mid_write_leaves_a_valid_ledger(site):
    site.open().append("genesis", {})
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, site.location, str(site.state_dir), "k", "100000"]
    )
    ledger = site.open()
    try:
        while sum(1 for _ in ledger.store.rows()) < 30:
            assert proc.poll() is None
            time.sleep(0.02)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    report = ledger.verify()
    assert report.ok, report.problems
    ledger.append("after", {})
    assert site.open().verify().ok


def test_append_if_unchanged_writes_only_on_the_head_that_was_read(site):
    ledger = site.open()
    assert ledger.append_if_unchanged("first", {}, 0) is not None
    seen = ledger.entries()[-1]["seq"]
    site.open().append("another-writer", {})
    assert ledger.append_if_unchanged("stale", {}, seen) is None
    assert [e["kind"] for e in ledger.entries()] == ["first", "another-writer"]
    head = ledger.append_if_unchanged("fresh", {}, seen + 1)
    assert head is not None
    assert head.seq == 3
    assert ledger.verify().ok


def _reader(site, tmp_path):
    """Another machine: it reads the ledger but never wrote to it (no witness)."""
    return open_ledger(site.location, tmp_path / "reader")


def test_entries_read_before_are_walked_by_their_links_and_still_caught_when_rewritten(
    site, filled, tmp_path
):
    filled(3)
    reader = _reader(site, tmp_path)
    assert len(reader.entries()) == 3  # checked in full once: remembered as verified
    rows = list(reader.store.rows())
    forged = rows[1].body.replace("person2", "mallory")
    import hashlib

    new_hash = hashlib.sha256(forged.encode()).hexdigest()
    site.tamper("UPDATE {t} SET body = ?, hash = ? WHERE seq = 2", params=(forged, new_hash))
    with pytest.raises(LedgerError, match="cannot be trusted: entry 3: does not chain"):
        reader.entries()
    assert "entry 2: signature does not match its content (edited or forged)" in problems_of(reader)


def test_a_ledger_cut_below_what_this_machine_verified_is_caught_without_a_witness(
    site, filled, tmp_path
):
    filled(4)
    reader = _reader(site, tmp_path)
    reader.entries()
    site.tamper("DELETE FROM {t} WHERE seq >= 3")
    with pytest.raises(LedgerError) as caught:
        reader.entries()
    assert (
        "entry 4: missing: this machine verified the ledger up to entry 4, it now ends at 2"
        in str(caught.value)
    )


def test_a_ledger_replaced_wholesale_differs_from_what_this_machine_verified(
    site, filled, tmp_path
):
    filled(2)
    reader = _reader(site, tmp_path)
    reader.entries()
    site.tamper("DELETE FROM {t}")
    impostor = open_ledger(site.location, tmp_path / "impostor")
    impostor.append("approval", {"approver": "mallory"})
    impostor.append("approval", {"approver": "mallory"})
    assert problems_of(reader) == []  # in full, a consistent chain by a recorded key...
    with pytest.raises(LedgerError, match="entry 2: differs from the entry this machine verified"):
        reader.entries()  # ...but not the one this machine checked before


# append_extending: the guard's append, which does not read the whole ledger first. Each test
# is a rewind or rewrite an agent could do between two of its asks: no witness may move past it.


def test_append_extending_takes_what_other_writers_added(site, filled, tmp_path):
    ledger = filled(2)
    open_ledger(site.location, tmp_path / "other-machine").append("approval", {"approver": "x"})
    head = ledger.append_extending("guard-decision", {"decision": "ask"})
    assert head.seq == 4
    assert ledger.verify().ok


def test_append_extending_refuses_a_ledger_rewound_below_the_witness(site, filled):
    ledger = filled(4)
    site.tamper("DELETE FROM {t} WHERE seq >= 3")
    with pytest.raises(LedgerError, match="saw the ledger reach entry 4, it now ends at 2"):
        ledger.append_extending("guard-decision", {})
    assert [row.seq for row in ledger.store.rows()] == [1, 2]  # nothing recorded


def test_asks_after_a_rewind_never_move_the_witness_past_it(site, filled):
    """Rewind, then let appends refill the ledger up to and past the witnessed entry: with a
    plain append the witness would end up naming the forged history."""
    ledger = filled(3)
    site.tamper("DELETE FROM {t} WHERE seq = 3")
    for _ in range(3):
        with pytest.raises(LedgerError, match="rewound"):
            ledger.append_extending("guard-decision", {})
    site.open().append("approval", {"approver": "forger"})  # a plain writer refills entry 3
    with pytest.raises(LedgerError, match="entry 3: differs from the entry this machine saw"):
        ledger.append_extending("guard-decision", {})
    with pytest.raises(LedgerError, match="entry 3: differs from the entry this machine saw"):
        ledger.entries()  # the full reader agrees: the witness still names the real entry 3


def test_append_extending_refuses_an_entry_between_edited(site, filled):
    ledger = filled(2)
    open_ledger(site.location, site.state_dir.parent / "other").append("approval", {})
    open_ledger(site.location, site.state_dir.parent / "other").append("approval", {})
    site.tamper("UPDATE {t} SET body = replace(body, 'approval', 'approvals') WHERE seq = 3")
    with pytest.raises(LedgerError, match="entry 3: stored hash or number does not match"):
        ledger.append_extending("guard-decision", {})


def test_append_extending_refuses_a_ledger_shorter_than_its_checkpoint(site, filled, tmp_path):
    from countersign.signoff.checkpoint import make

    filled(3)
    writer = site.open()
    head = writer.append_entry("approval", {})
    checkpoint = make(site.open().store.location, head, "2026-12-01T00:00:00+00:00", writer.key)
    site.tamper("DELETE FROM {t} WHERE seq >= 3")
    fresh = open_ledger(site.location, tmp_path / "fresh", checkpoints=(checkpoint,))
    with pytest.raises(LedgerError, match="records entry 4, it now ends at 2"):
        fresh.append_extending("guard-decision", {})


def test_mentions_finds_the_text_only_in_entries_of_that_kind(site, filled):
    ledger = filled(1)
    assert ledger.mentions("approval", '"fingerprint":"cs1:abc"')
    assert not ledger.mentions("approval", "cs1:other")
    assert not ledger.mentions("guard-approval", "cs1:abc")
    assert not open_ledger(str(site.state_dir.parent / "none.db"), site.state_dir).mentions(
        "a", "b"
    )
