"""Remembered import scans: the same edges and problems as parsing, and no file parsed twice."""

from __future__ import annotations

import json
from pathlib import Path

from countersign.config.catalog import load_catalog
from countersign.facts.blast_radius.languages import infer_edges
from countersign.intake.tree import DirTree
from countersign.state import import_scans as scan_cache_module
from countersign.state.import_scans import FORMAT, ScanCache

CATALOG = """
services:
  - {name: payments, paths: [services/payments/**]}
  - {name: web, paths: [services/web/**]}
  - {name: api, paths: [services/api/**]}
"""
FILES = {
    "services/payments/package.json": json.dumps({"name": "@shop/payments"}),
    "services/payments/src/index.ts": "export const pay = () => 1;\n",
    "services/web/src/app.tsx": 'import { pay } from "@shop/payments";\nconst a = <b>{pay()}</b>;\n',
    "services/web/src/broken.ts": 'import { pay } from "@shop/payments";\nconst x = (;\n',
    "go.mod": "module example.com/shop\n",
    "services/payments/client/client.go": "package client\n",
    "services/api/main.go": 'package main\n\nimport "example.com/shop/services/payments/client"\n',
    "services/api/bad.go": "not go\n",
    "services/payments/__init__.py": "",
    "services/web/tool.py": "import payments\n",
    "services/web/bad.py": "import payments\ndef (:\n",
}


def _tree(tmp_path: Path) -> DirTree:
    for rel, text in FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return DirTree(tmp_path)


def _facts(catalog):
    return (
        sorted((e.source, e.target, e.origin) for e in catalog.inferred),
        sorted(str(p) for p in catalog.problems),
    )


def test_remembered_scans_give_what_parsing_gives_and_parse_nothing_twice(tmp_path):
    tree = _tree(tmp_path / "repo")
    plain = infer_edges(load_catalog(CATALOG), tree)
    store = tmp_path / "state" / "import-scans.json"
    cold = ScanCache.load(store)
    first = infer_edges(load_catalog(CATALOG), tree, cache=cold)
    cold.save()
    warm = ScanCache.load(store)
    second = infer_edges(load_catalog(CATALOG), tree, cache=warm)
    assert _facts(first) == _facts(second) == _facts(plain)
    assert len(_facts(plain)[0]) == 3  # web->payments (ts, py), api->payments (go)
    assert len(_facts(plain)[1]) == 3  # one broken file per language
    assert cold.added == 8  # every owned source file with text (not the empty __init__.py)
    assert warm.added == 0


def test_an_unreadable_or_foreign_cache_is_empty_and_an_idle_one_is_not_rewritten(tmp_path):
    store = tmp_path / "import-scans.json"
    store.write_text("{not json")
    assert ScanCache.load(store).entries == {}
    store.write_text(json.dumps({"format": "something-else", "entries": {"k": 1}}))
    assert ScanCache.load(store).entries == {}
    cache = ScanCache.load(store)
    cache.save()
    assert json.loads(store.read_text())["format"] == "something-else"  # untouched


def test_entries_of_this_run_are_kept_first_when_the_cache_is_full(tmp_path, monkeypatch):
    store = tmp_path / "import-scans.json"
    old = {f"old:{i}": i for i in range(5)}
    store.write_text(json.dumps({"format": FORMAT, "entries": old}))
    monkeypatch.setattr(scan_cache_module, "MAX_ENTRIES", 3)
    cache = ScanCache.load(store)
    assert cache.scan("k", "one", lambda: "A") == "A"
    assert cache.scan("k", "one", lambda: "never") == "A"
    assert cache.scan("k", "two", lambda: "B") == "B"
    cache.save()
    kept = json.loads(store.read_text())["entries"]
    assert len(kept) == 3
    assert {"A", "B"} <= set(kept.values())
