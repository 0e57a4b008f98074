from __future__ import annotations

import json
import sqlite3

from countersign.signoff.envelope import open_envelope
from countersign.signoff.keys import parse_public

AS_BOB = {"GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@example.com"}


def approved(project, cs, ai_trailer, bob):
    project.commit("docs" + ai_trailer, author=bob, **{"docs/guide.md": "one\ntwo\n"})
    cs(project, "approve", "--as", "alice", "--note", "looks right")
    return project.path / ".countersign" / "ledger.db"


def test_verify_reports_ok_on_a_fresh_ledger(project, capsys, cs, ai_trailer, bob):
    approved(project, cs, ai_trailer, bob)
    capsys.readouterr()
    assert cs(project, "ledger", "verify") == 0
    assert "OK: chain intact, every signature valid, no policy rollback." in capsys.readouterr().out


def test_a_tampered_ledger_fails_verify_and_never_lets_check_pass(
    project, capsys, cs, ai_trailer, bob
):
    db = approved(project, cs, ai_trailer, bob)
    assert cs(project, "check") == 0
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER entries_no_update")
    conn.execute("UPDATE entries SET body = replace(body, 'looks right', 'LGTM')")
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert cs(project, "ledger", "verify") == 5
    err = capsys.readouterr().err
    assert "  entry 1: signature does not match its content (edited or forged)" in err
    assert cs(project, "check") == 5
    assert "the ledger cannot be trusted: entry 1" in capsys.readouterr().err


def test_a_garbage_ledger_file_is_exit_5_not_pass(project, capsys, cs, ai_trailer, bob):
    project.commit("docs", author=bob, **{"docs/guide.md": "one\ntwo\n"})
    db = project.path / ".countersign" / "ledger.db"
    db.write_bytes(b"garbage" * 1000)
    assert cs(project, "check") == 5


def test_export_writes_entries_and_verifiable_dsse_envelopes(
    project, tmp_path, capsys, cs, ai_trailer, bob
):
    approved(project, cs, ai_trailer, bob)
    out, env = tmp_path / "ledger.jsonl", tmp_path / "approvals.dsse.jsonl"
    assert cs(project, "ledger", "export", "-o", str(out), "--dsse", str(env)) == 0
    (line,) = [json.loads(x) for x in out.read_text().splitlines()]
    assert json.loads(line["entry"])["payload"]["approver"] == "alice"
    (envelope,) = [json.loads(x) for x in env.read_text().splitlines()]
    statement = open_envelope(envelope, parse_public(line["public_key"]))
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicate"]["approver"] == "alice"
    assert statement["subject"][0]["name"].startswith("change:cs2:")


def _pin(project, *lines):
    """Commit the pins on main, the protected branch ``ledger`` commands read them from."""
    here = project.git("rev-parse", "--abbrev-ref", "HEAD")
    project.git("checkout", "-q", "main")
    project.commit("pin ledger keys", **{".countersign/ledger-keys": "\n".join(lines) + "\n"})
    project.git("checkout", "-q", here)


def test_pinned_keys_catch_a_ledger_rewritten_by_someone_with_write_access(
    project, tmp_path, monkeypatch, capsys, cs, ai_trailer, bob
):
    from countersign.signoff.keys import load_or_create
    from countersign.signoff.ledger import open_ledger

    machine = load_or_create(project.path / ".git" / "countersign")
    project.git("checkout", "-q", "main")
    _pin(project, f"{machine.public_text}  alice-laptop")
    project.git("checkout", "-q", "feature")
    project.git("rebase", "-q", "main", env=AS_BOB)  # bob rebases his branch
    db = approved(project, cs, ai_trailer, bob)
    assert cs(project, "check") == 0
    (approval,) = [
        {k: v for k, v in e.items() if k not in ("kind", "seq", "at")}
        for e in open_ledger(db, tmp_path / "reader").entries("approval")
    ]

    for leftover in db.parent.glob("ledger.db*"):
        leftover.unlink()
    monkeypatch.setenv("COUNTERSIGN_STATE_DIR", str(tmp_path / "intruder"))
    capsys.readouterr()
    assert cs(project, "approve", "--as", "alice") == 5
    assert "is not pinned in .countersign/ledger-keys" in capsys.readouterr().err
    open_ledger(db, tmp_path / "intruder").append("approval", approval)  # ignores the pins

    monkeypatch.setenv("COUNTERSIGN_STATE_DIR", str(tmp_path / "ci"))
    capsys.readouterr()
    assert cs(project, "check") == 5
    assert "which .countersign/ledger-keys does not pin" in capsys.readouterr().err


def test_rotating_a_key_keeps_earlier_entries_verifiable(project, capsys, cs, ai_trailer, bob):
    from countersign.signoff.keys import load_or_create
    from countersign.signoff.ledger import open_ledger

    approved(project, cs, ai_trailer, bob)
    old = load_or_create(project.path / ".git" / "countersign")
    capsys.readouterr()
    assert cs(project, "ledger", "keys", "--rotate") == 0
    out = capsys.readouterr().out
    assert f"retired this machine's key {old.key_id}: add until=1 to its pin" in out
    new = load_or_create(project.path / ".git" / "countersign")
    assert new.key_id != old.key_id
    assert f"  {new.public_text}  " in out

    state = project.path / ".git" / "countersign"
    open_ledger(project.path / ".countersign" / "ledger.db", state).append("note", {})
    _pin(project, f"{old.public_text} until=1  before rotation", f"{new.public_text}  laptop")
    capsys.readouterr()
    assert cs(project, "ledger", "verify") == 0
    out = capsys.readouterr().out
    assert "only keys pinned in .countersign/ledger-keys are believed" in out
    assert cs(project, "ledger", "keys") == 0
    listing = capsys.readouterr().out
    assert f"{old.key_id}  entries 1-1 (1)  pinned (before rotation), retired after entry 1" in (
        listing
    )
    assert f"{new.key_id}  entries 2-2 (1)  pinned (laptop)" in listing


def test_a_bad_pin_file_is_a_configuration_error(project, capsys, cs, ai_trailer, bob):
    _pin(project, "not-a-key")
    capsys.readouterr()
    assert cs(project, "ledger", "verify") == 3
    assert ".countersign/ledger-keys: line 1: 'not-a-key' is not a public key" in (
        capsys.readouterr().err
    )
