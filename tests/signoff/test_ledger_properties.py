"""Properties of the ledger over generated payloads (SQLite; the same code serves PostgreSQL)."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from countersign.errors import LedgerError
from countersign.signoff.ledger import open_ledger

# JSON-like payloads: what approvals, decisions and records carry (integers, text of any script,
# nested maps and lists). Floats are left out: canonical JSON (RFC 8785) handles them, but the
# ledger's payloads never carry them.
SCALARS = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=40)
PAYLOADS = st.dictionaries(
    st.text(min_size=1, max_size=12),
    st.recursive(
        SCALARS,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=8,
    ),
    max_size=5,
)


@settings(max_examples=25, deadline=None)
@given(st.lists(PAYLOADS, min_size=1, max_size=6))
def test_any_payloads_come_back_exactly_and_the_chain_verifies(payloads):
    with tempfile.TemporaryDirectory() as tmp:
        ledger = open_ledger(str(Path(tmp) / "ledger.db"), Path(tmp) / "state")
        for payload in payloads:
            ledger.append("approval", payload)
        assert ledger.verify().ok
        got = [e.get("payload", e) for e in ledger.entries("approval")]
        for entry, payload in zip(got, payloads, strict=True):
            assert {k: entry[k] for k in payload} == payload


@settings(max_examples=25, deadline=None)
@given(st.lists(PAYLOADS, min_size=2, max_size=5), st.data())
def test_changing_any_character_of_any_entry_is_detected_at_that_entry(payloads, data):
    with tempfile.TemporaryDirectory() as tmp:
        location = str(Path(tmp) / "ledger.db")
        ledger = open_ledger(location, Path(tmp) / "state")
        for payload in payloads:
            ledger.append("approval", payload)
        seq = data.draw(st.integers(1, len(payloads)))
        conn = sqlite3.connect(location, isolation_level=None)
        (body,) = conn.execute("SELECT body FROM entries WHERE seq = ?", (seq,)).fetchone()
        at = data.draw(st.integers(0, len(body) - 1))
        forged = body[:at] + ("x" if body[at] != "x" else "y") + body[at + 1 :]
        conn.execute("DROP TRIGGER IF EXISTS entries_no_update")
        conn.execute("UPDATE entries SET body = ? WHERE seq = ?", (forged, seq))
        conn.close()
        problems = [
            p.message if hasattr(p, "message") else str(p) for p in ledger.verify().problems
        ]
        assert problems
        assert any(f"entry {seq}" in str(p) for p in ledger.verify().problems)


def test_text_that_is_not_utf8_is_recorded_with_a_replacement_character(tmp_path):
    ledger = open_ledger(str(tmp_path / "ledger.db"), tmp_path / "state")
    ledger.append("guard-decision", {"command": "rm -rf \ud800/"})
    (entry,) = ledger.entries("guard-decision")
    assert entry["command"] == "rm -rf \ufffd/"
    assert ledger.verify().ok


def test_a_value_canonical_json_cannot_hold_is_a_ledger_error(tmp_path):
    ledger = open_ledger(str(tmp_path / "ledger.db"), tmp_path / "state")
    with pytest.raises(LedgerError, match="cannot record this entry as canonical JSON"):
        ledger.append("approval", {"n": 2**60})
    assert ledger.verify().ok
