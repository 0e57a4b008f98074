from __future__ import annotations

import json
import sqlite3

from countersign.signoff.envelope import open_envelope
from countersign.signoff.keys import parse_public


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
    assert statement["subject"][0]["name"].startswith("change:cs1:")
