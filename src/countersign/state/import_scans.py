"""A file's imports, remembered by the hash of its text: a repository's files are parsed once,
and a later ``check`` (or each change ``verify`` walks) parses only the files that changed since.

Kept in the state directory as JSON; a missing, unreadable or foreign file is an empty cache,
since losing it costs only time. A key names the language, the version of its scanner and the
text's SHA-256, so a scanner that changes what it finds bumps its version, and nothing stale is
read back.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from countersign.facts.blast_radius.languages.sources import LinkMemo

FORMAT = "countersign/import-scans/v1"
MAX_ENTRIES = 200_000


class ScanCache:
    def __init__(self, path: Path | None = None, entries: dict[str, Any] | None = None) -> None:
        self.path = path
        self.entries = entries or {}
        self.used: set[str] = set()
        self.added = 0

    @classmethod
    def load(cls, path: Path) -> ScanCache:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return cls(path)
        entries = data.get("entries")
        return cls(path, entries if isinstance(entries, dict) else {})

    def scan(self, kind: str, text: str, compute: Callable[[], Any]) -> Any:
        key = f"{kind}:{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()}"
        self.used.add(key)
        if key in self.entries:
            return self.entries[key]
        value = self.entries[key] = compute()
        self.added += 1
        return value

    def save(self) -> None:
        """Write what this run used, and what earlier runs left up to ``MAX_ENTRIES`` (other
        branches' files); nothing when nothing new was scanned."""
        if self.path is None or not self.added:
            return
        kept = {k: v for k, v in self.entries.items() if k in self.used}
        for key, value in self.entries.items():
            if len(kept) >= MAX_ENTRIES:
                break
            kept.setdefault(key, value)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One name per process and thread: a worker runs jobs in several threads.
            tmp = self.path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps({"format": FORMAT, "entries": kept}), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            return  # a cache that cannot be written is only slower next time


class MemoScans:
    """Import scans remembered in memory by (scanner, text) for the run, over the cache on
    disk: the same blob is the same ``str`` (``SharedBlobs``), hashed once."""

    def __init__(self, disk: ScanCache | None) -> None:
        self.disk = disk
        self.memo: dict[tuple[str, str], Any] = {}
        # each file's links, for the next tree of the run
        self.links = LinkMemo()

    def scan(self, kind: str, text: str, compute: Callable[[], Any]) -> Any:
        key = (kind, text)
        if key not in self.memo:
            self.memo[key] = (
                self.disk.scan(kind, text, compute) if self.disk is not None else compute()
            )
        return self.memo[key]
