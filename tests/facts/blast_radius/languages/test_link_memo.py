"""Each file's links kept across the trees of many commits (``LinkMemo``) give exactly the edges
and problems that inferring each tree afresh gives, whatever changes between the trees: texts,
files added or removed (new package directories, new relative targets), manifests, owners."""

from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from countersign.config.catalog import load_catalog
from countersign.facts.blast_radius.languages import LinkMemo, infer_edges
from countersign.intake.tree import Delta

CATALOG = """\
services:
  - {name: core, paths: [core/**]}
  - {name: api, paths: [api/**]}
  - {name: web, paths: [web/**]}
  - {name: x, paths: [shared/x*]}
  - {name: y, paths: [shared/y*]}
"""

GO = {
    "core/a.go": "package core\n",
    "api/h.go": 'package api\n\nimport "example.com/m/core"\n',
    "api/i.go": 'package api\n\nimport (\n\t"example.com/m/shared"\n\t"example.com/m/web"\n)\n',
    "web/w.go": 'package web\n\nimport "example.com/m/api"\n',
    "shared/x.go": "package shared\n",
    "shared/y.go": "package shared\n",
    "core/broken.go": 'package core\n\nimport "unterminated\n',
    "go.mod": "module example.com/m\n",
}
JS = {
    "web/app.ts": "import { h } from '../api/h'\nimport c from '@m/core'\n",
    "api/h.ts": "export const h = 1\nimport s from '../shared/x'\n",
    "core/package.json": '{"name": "@m/core"}',
    "core/index.js": "export default 1\n",
    "shared/x.js": "import y from './y'\n",
    "shared/y.js": "export default 2\n",
    "api/broken.ts": "import { from 'x'\n",
}
PY = {
    "core/pkg/__init__.py": "",
    "core/pkg/mod.py": "import api.h\n",
    "api/__init__.py": "",
    "api/h.py": "from pkg import mod\nimport web\n",
    "web/__init__.py": "from pkg.mod import thing\n",
    "api/broken.py": "def (\n",
}
# In the generated trees only: a second file adding api -> core (the first one's edge is the
# one kept), and core -> web from a later file (core/index.js adding it too puts it in its
# own order).
EXTRA = {
    "api/j.go": 'package api\n\nimport "example.com/m/core"\n',
    "core/z.js": "import w from '../web/app'\n",
}
VARIANTS = {
    path: [text, f"{text}\n// edited\n" if path.endswith((".go", ".ts", ".js")) else f"{text}\n"]
    for path, text in {**GO, **JS, **PY, **EXTRA}.items()
    if not path.endswith((".json", ".mod"))
}
# Files whose links change while the set of files stays: the same imports a line lower (each
# edge's origin moves), and files that start importing another service.
for _path, _text in VARIANTS.items():
    _text = _text[0]
    VARIANTS[_path].append(f"# header\n{_text}" if _path.endswith(".py") else f"// header\n{_text}")
VARIANTS["core/a.go"].append('package core\n\nimport "example.com/m/web"\n')
VARIANTS["shared/y.go"].append('package shared\n\nimport "example.com/m/core"\n')
VARIANTS["core/index.js"].append("import w from '../web/app'\n")
VARIANTS["core/index.js"].append("import s from '../shared/y'\nimport w from '../web/app'\n")
VARIANTS["shared/y.js"].append("import c from '@m/core'\n")
VARIANTS["web/__init__.py"].append("import api.h\n")
# Manifests edited between trees: in ways that leave what imports resolve against alone (a
# dependency added, a version), and in ways that do not (another module path or package name,
# a nested module, a manifest that cannot be read: its problem is the linker's own).
MANIFESTS = {
    "go.mod": [
        "module example.com/m\n",
        "module example.com/m\n\nrequire example.com/x v1.0.0\n",
        "module example.com/other\n",
    ],
    "api/go.mod": ["go 1.22\n", "module example.com/m/api\n"],
    "core/package.json": [
        '{"name": "@m/core"}',
        '{"name": "@m/core", "version": "2.0.0"}',
        '{"name": "@m/other"}',
        '{"name": ',
    ],
}


class MemTree:
    def __init__(self, files: dict[str, str]) -> None:
        self.files = files

    def paths(self) -> tuple[str, ...]:
        return tuple(sorted(self.files))

    def read(self, paths: Iterable[str]) -> dict[str, str]:
        return {p: self.files[p] for p in paths if self.files.get(p)}

    def read_bytes(self, paths: Iterable[str]) -> dict[str, bytes]:
        return {p: self.files[p].encode() for p in paths if p in self.files}


def seen(catalog) -> tuple[list[tuple[str, str, str]], list[str]]:
    return [(e.source, e.target, e.origin) for e in catalog.inferred], [
        str(p) for p in catalog.problems
    ]


trees = st.lists(
    st.fixed_dictionaries(
        {
            **{path: st.sampled_from([None, *texts]) for path, texts in VARIANTS.items()},
            **{path: st.sampled_from(texts) for path, texts in MANIFESTS.items()},
            "api/go.mod": st.sampled_from([None, *MANIFESTS["api/go.mod"]]),
        }
    ).map(lambda chosen: {p: t for p, t in chosen.items() if t is not None}),
    min_size=1,
    max_size=6,
)


@settings(max_examples=120, deadline=None)
@given(trees)
def test_a_memo_kept_across_trees_finds_what_each_tree_finds_afresh(sequence):
    catalog = load_catalog(CATALOG)
    memo = LinkMemo()
    for files in sequence:
        fresh = infer_edges(load_catalog(CATALOG), MemTree(files))
        kept = infer_edges(catalog, MemTree(files), links=memo)
        assert seen(kept) == seen(fresh)


class AdvancedTree(MemTree):
    """A tree that knows its difference from an earlier one, as a replay's ``GitTree`` does."""

    def __init__(self, files: dict[str, str], serial: int, delta: Delta | None) -> None:
        super().__init__(files)
        self.serial, self.delta = serial, delta


@settings(max_examples=120, deadline=None)
@given(trees, st.lists(st.booleans(), min_size=6, max_size=6))
def test_trees_read_only_through_their_difference_find_what_each_tree_finds_afresh(sequence, known):
    catalog = load_catalog(CATALOG)
    memo = LinkMemo()
    before: dict[str, str] = {}
    for serial, (files, has_delta) in enumerate(zip(sequence, known, strict=False)):
        paths = {p for p in {*before, *files} if before.get(p) != files.get(p)}
        delta = Delta(serial - 1, frozenset(paths)) if has_delta and serial else None
        fresh = infer_edges(load_catalog(CATALOG), MemTree(files))
        kept = infer_edges(catalog, AdvancedTree(files, serial, delta), links=memo)
        assert seen(kept) == seen(fresh)
        before = files


edits = st.lists(
    st.fixed_dictionaries(
        {path: st.sampled_from(texts) for path, texts in {**VARIANTS, **MANIFESTS}.items()}
    ),
    min_size=2,
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(edits)
def test_trees_whose_files_are_only_edited_are_merged_from_the_changed_files_alone(sequence):
    """The same files in every tree, their texts edited: each tree's result comes from the
    last one's files and what the edited ones add now (``Walk``), imports moved a line or
    added, ambiguous names reported first by another file, manifests edited."""
    catalog = load_catalog(CATALOG)
    memo = LinkMemo()
    before: dict[str, str] = {}
    for serial, files in enumerate(sequence):
        paths = {p for p in {*before, *files} if before.get(p) != files.get(p)}
        delta = Delta(serial - 1, frozenset(paths)) if serial else None
        fresh = infer_edges(load_catalog(CATALOG), MemTree(files))
        kept = infer_edges(catalog, AdvancedTree(files, serial, delta), links=memo)
        assert seen(kept) == seen(fresh)
        before = files


def test_a_file_edited_between_trees_is_linked_again_and_the_rest_is_kept():
    catalog = load_catalog(CATALOG)
    memo = LinkMemo()
    first = infer_edges(catalog, MemTree(dict(GO)), links=memo)
    assert ("api", "core", "api/h.go:3 imports example.com/m/core") in seen(first)[0]
    edited = {**GO, "api/h.go": "package api\n"}
    second = infer_edges(catalog, MemTree(edited), links=memo)
    assert not any(src == "api" and dst == "core" for src, dst, _ in seen(second)[0])
    assert seen(second) == seen(infer_edges(load_catalog(CATALOG), MemTree(edited)))


def test_the_ambiguous_package_is_reported_once_whichever_files_came_from_the_memo():
    catalog = load_catalog(CATALOG)
    memo = LinkMemo()
    both = {**GO, "web/v.go": 'package web\n\nimport "example.com/m/shared"\n'}
    for files in (GO, both, both):
        problems = seen(infer_edges(catalog, MemTree(dict(files)), links=memo))[1]
        assert sum("'example.com/m/shared'" in p for p in problems) == 1
