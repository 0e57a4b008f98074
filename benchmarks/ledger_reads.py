"""Reading a long ledger: the first read checks every entry in full (signatures, canonical
form), later reads walk the links up to the newest entry this machine verified, and
`ledger verify` always checks in full. Baseline from the same run: only fetching the rows.

Usage: .venv/bin/python benchmarks/ledger_reads.py [ENTRIES]   (default 20000)"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from countersign.signoff.chain import seal
from countersign.signoff.ledger import open_ledger


def build(path: Path, state: Path, n: int) -> None:
    """``n`` guard decisions sealed as the guard would, inserted in one transaction (appending
    them one by one would take minutes and measure the writer, not the reader)."""
    ledger = open_ledger(path, state)
    ledger.append("genesis", {})
    conn = sqlite3.connect(path)
    seq, prev = conn.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
    rows = []
    for i in range(n):
        seq += 1
        payload = {
            "decision": "ask",
            "command": f"rm -rf build/{i}",
            "fingerprint": f"action:sha256:{i:064x}",
            "reason": "recursive delete",
        }
        e = seal(seq, prev, "guard-decision", "2026-11-22T00:00:00+00:00", payload, ledger.key)
        rows.append((e.seq, e.kind, e.body, e.hash, e.sig, e.key_id))
        prev = e.hash
    conn.executemany(
        "INSERT INTO entries (seq, kind, body, hash, sig, key_id) VALUES (?, ?, ?, ?, ?, ?)", rows
    )
    conn.commit()
    conn.close()


def timed(label: str, run: Callable[[], object]) -> None:
    start = time.perf_counter()
    run()
    print(f"  {label:44} {time.perf_counter() - start:6.2f} s")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        build(base / "ledger.db", base / "writer", n)
        reader = open_ledger(base / "ledger.db", base / "reader")
        print(f"SQLite ledger of {n + 1:,} entries, read by another machine:")
        timed("baseline: fetch the rows only", lambda: list(reader.store.rows()))
        timed("first read (every entry in full)", reader.entries)
        timed("second read (links up to what was verified)", reader.entries)
        timed("third read", reader.entries)
        timed("ledger verify (always in full)", reader.verify)


if __name__ == "__main__":
    main()
