"""The guard's log of stale reads, read back: bad lines are counted, never fatal."""

from __future__ import annotations

import json

from countersign.guard import reads
from countersign.intake.doc_reads import STALE_LOG, parse_stale_reads, read_stale_reads


def test_the_reader_reads_what_the_guard_writes():
    assert STALE_LOG == reads.STALE_LOG


def test_records_with_epoch_or_iso_times_are_read_and_bad_lines_counted(tmp_path):
    good = {
        "at": 1_700_000_000.5,
        "agent": "claude-code",
        "session": "s1",
        "path": "./docs/run.md",
        "stale": [{"kind": "flag", "text": "--x", "line": 3, "reason": "removed in abc"}, "junk"],
    }
    iso = {"at": "2026-01-01T00:00:00", "agent": "gemini", "url": "https://wiki/x"}
    lines = [
        json.dumps(good),
        json.dumps(iso),
        "not json",
        json.dumps([1, 2]),
        json.dumps({"at": True, "agent": "a", "path": "p"}),
        json.dumps({"at": 1e300, "agent": "a", "path": "p"}),
        json.dumps({"at": 1, "agent": "", "path": "p"}),
        "",
    ]
    (tmp_path / STALE_LOG).write_text("\n".join(lines))
    log = read_stale_reads(tmp_path / STALE_LOG)
    assert log.skipped == 5
    first, second = log.reads
    assert first.document == "docs/run.md"
    assert [(r.text, r.line, r.reason) for r in first.references] == [("--x", 3, "removed in abc")]
    assert second.document == "https://wiki/x"
    assert second.at.tzinfo is not None
    assert read_stale_reads(tmp_path / "missing").reads == ()
    assert parse_stale_reads([]) == ((), 0)
