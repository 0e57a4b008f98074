"""Touches versus reaches: an importer is reached only when the change alters the surface it
imports (or through a declared edge); constructed monorepos in Go, Python and TypeScript."""

from pathlib import Path

import pytest
from changes import modified
from trees import write_tree

from countersign.config import Config
from countersign.config.catalog import load_catalog
from countersign.facts.blast_radius import analyze
from countersign.facts.blast_radius.languages import infer_edges
from countersign.facts.context import Context
from countersign.intake.change import Change, FileChange, FileStatus

CATALOG = """\
services:
  - name: core
    paths: [core/**]
    tier: 2
  - name: api
    paths: [api/**]
    tier: 1
  - name: ops
    paths: [ops/**]
    tier: 1
    depends_on: [core]
"""

GO = {
    "go.mod": "module example.com/m\n",
    "core/store/store.go": (
        "package store\n\n// Get reads a key.\nfunc Get(k string) string {\n\treturn k\n}\n\n"
        "func helper() int { return 1 }\n"
    ),
    "api/server/server.go": (
        'package server\n\nimport "example.com/m/core/store"\n\nfunc Serve() { store.Get("a") }\n'
    ),
}
PY = {
    "core/store/__init__.py": "",
    "core/store/kv.py": '"""Keys."""\n\ndef get(key):\n    return key\n\ndef _cache():\n    pass\n',
    "api/server/__init__.py": "",
    "api/server/app.py": "from store.kv import get\n",
}
TS = {
    "core/package.json": '{"name": "@m/store"}',
    "core/src/index.ts": "export function get(key: string): string {\n  return key;\n}\n",
    "api/package.json": '{"name": "@m/api"}',
    "api/src/app.ts": 'import { get } from "@m/store";\nget("a");\n',
}
CASES = {
    # language: (files, path, internal edit, surface edit)
    "go": (
        GO,
        "core/store/store.go",
        lambda t: t.replace("return k", "return k + k").replace("reads a key", "reads it"),
        lambda t: t.replace("Get(k string) string", "Get(k string, d bool) string"),
    ),
    "python": (
        PY,
        "core/store/kv.py",
        lambda t: t.replace("return key", "return key * 2").replace(
            "def _cache():", "def _cache(x):"
        ),
        lambda t: t.replace("def get(key):", "def get(key, default=None):"),
    ),
    "typescript": (
        TS,
        "core/src/index.ts",
        lambda t: t.replace("return key;", "// twice\n  return key + key;"),
        lambda t: t.replace("get(key: string)", "get(key: number)"),
    ),
}


def blast(tmp_path: Path, files: dict[str, str], path: str, new: str):
    catalog = infer_edges(load_catalog(CATALOG), write_tree(tmp_path, files))
    change = Change(base="a", head="b", fingerprint="f", files=(modified(path, files[path], new),))
    return analyze(change, Context(Config(catalog)))


@pytest.mark.parametrize("language", sorted(CASES))
def test_an_internal_edit_touches_its_service_without_reaching_importers(tmp_path, language):
    files, path, internal, _ = CASES[language]
    b = blast(tmp_path, files, path, internal(files[path]))
    assert [s.name for s in b.services] == ["core"]
    assert b.services[0].surface_changed is False
    api = next(d for d in b.dependents if d.name == "api")
    assert api.reached is False
    assert api.why.startswith("only imports core (")
    assert "whose exported surface this change leaves alone" in api.why
    # ops depends on core by declaration: reached whatever the edit
    assert [d.name for d in b.reaches] == ["ops"]
    assert b.critical == ("ops",)
    assert b.reached_critical == ("ops",)
    assert b.touched_critical == ()


@pytest.mark.parametrize("language", sorted(CASES))
def test_a_surface_edit_reaches_importers_with_the_import_as_the_edge(tmp_path, language):
    files, path, _, surface = CASES[language]
    b = blast(tmp_path, files, path, surface(files[path]))
    assert b.services[0].surface_changed is True
    assert b.services[0].surface_reason.startswith(f"{path}: alters or removes 1 exported")
    api = next(d for d in b.dependents if d.name == "api")
    assert api.reached is True
    (hop,) = api.hops
    assert (hop.source, hop.target, hop.inferred) == ("api", "core", True)
    assert " imports " in hop.origin
    assert hop.origin.startswith("api/")
    assert sorted(b.reached_critical) == ["api", "ops"]


def test_a_comment_only_edit_is_of_kind_comments(tmp_path):
    files, path, _, _ = CASES["go"]
    b = blast(tmp_path, files, path, files[path].replace("reads a key", "reads one key"))
    assert [(f.kind, f.surface) for f in b.files] == [("comments", False)]


def test_an_unreadable_code_file_counts_as_altering_the_surface(tmp_path):
    catalog = infer_edges(load_catalog(CATALOG), write_tree(tmp_path, GO))
    change = Change(
        base="a",
        head="b",
        fingerprint="f",
        files=(FileChange("core/store/store.go", FileStatus.MODIFIED),),
    )
    b = analyze(change, Context(Config(catalog)))
    assert b.services[0].surface_changed is True
    assert b.files[0].reason == "Go file not read (unread)"
    assert "api" in [d.name for d in b.reaches]


def test_a_schema_file_alters_the_surface_and_a_test_file_does_not(tmp_path):
    catalog = infer_edges(load_catalog(CATALOG), write_tree(tmp_path, GO))
    for path, altered in (("core/api/v1.proto", True), ("core/store/store_test.go", False)):
        change = Change(
            base="a",
            head="b",
            fingerprint="f",
            files=(FileChange(path, FileStatus.MODIFIED, old_text="x", new_text="y"),),
        )
        b = analyze(change, Context(Config(catalog)))
        assert b.services[0].surface_changed is altered
        assert ("api" in [d.name for d in b.reaches]) is altered


def test_most_specific_owner_wins_and_a_root_catch_all_is_no_overlap():
    catalog = load_catalog(
        "services:\n  - name: everything\n    paths: ['**']\n    tier: 1\n"
        "  - name: core\n    paths: [core/**]\n  - name: core-db\n    paths: [core/db/**]\n"
    )
    change = Change(
        base="a",
        head="b",
        fingerprint="f",
        files=tuple(
            FileChange(p, FileStatus.MODIFIED) for p in ("core/db/a.sql", "core/x.go", "README.md")
        ),
    )
    b = analyze(change, Context(Config(catalog)))
    assert [(s.name, s.paths) for s in b.services] == [
        ("everything", ("README.md",)),
        ("core", ("core/x.go",)),
        ("core-db", ("core/db/a.sql",)),
    ]
    assert [(o.path, o.winner, o.losers) for o in b.overlaps] == [
        ("core/db/a.sql", "core-db", (("core", "core/**"),))
    ]
