import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from trees import write_tree

from countersign.config.catalog import load_catalog
from countersign.facts.blast_radius.languages import infer_edges
from countersign.facts.blast_radius.languages.javascript import Scan, imports_of
from countersign.intake.tree import MAX_FILE_BYTES
from countersign.main import main

CATALOG = """\
services:
  - name: payments
    paths: [services/payments/**]
  - name: search
    paths: [services/search/**]
  - name: web
    paths: [services/web/**]
  - name: admin
    paths: [services/admin/**]
"""


def package(name: str) -> str:
    return json.dumps({"name": name, "version": "1.0.0"})


def build(tmp_path: Path, files: dict[str, str | bytes]):
    return infer_edges(load_catalog(CATALOG), write_tree(tmp_path, files))


def edges(catalog) -> list[tuple[str, str, str]]:
    return [(e.source, e.target, e.origin) for e in catalog.inferred]


WORKSPACE = {
    "package.json": package("shop-monorepo"),  # the root: no service owns it
    "services/payments/package.json": package("@shop/payments"),
    "services/payments/src/index.ts": "export const pay = () => 1;\n",
    "services/payments/src/client/index.ts": "export const client = {};\n",
    "services/search/package.json": package("search-lib"),
    "services/search/lib/index.js": "module.exports = {};\n",
    "services/search/lib/query.mjs": "export const q = 1;\n",
}


# --- each form of import ---------------------------------------------------------------------


def test_each_import_form_is_read_with_its_line():
    text = """\
import def from "a";
import * as ns from 'b';
import { x, y as z } from "c";
import "d";
import type { T } from "e";
export { pay } from "f";
export * from "g";
const h = require("h");
const i = await import("i");
const j = require(`j`);
"""
    assert imports_of(text, "x.ts").imports == tuple(
        (n, s) for n, s in enumerate("abcdefghij", start=1)
    )


def test_typescript_import_equals_require():
    assert imports_of('import fs = require("k");\n', "x.cts").imports == ((1, "k"),)


def test_jsx_and_tsx_files_parse_with_their_grammar():
    text = 'import React from "react";\nexport const A = () => <div>{1}</div>;\n'
    assert imports_of(text, "a.jsx").imports == ((1, "react"),)
    assert imports_of(text, "a.tsx").imports == ((1, "react"),)
    assert imports_of(text, "a.tsx").error is None


def test_every_form_links_services_with_file_and_line(tmp_path):
    files = {
        **WORKSPACE,
        "services/web/src/a.ts": 'import { pay } from "@shop/payments";\n',
        "services/web/src/b.js": 'require("search-lib")\n',
        "services/admin/main.mjs": '\nexport * from "../payments/src/index.ts";\n',
        "services/admin/lazy.cjs": 'async function f() {\n  return import("search-lib");\n}\n',
    }
    catalog = build(tmp_path, files)
    assert edges(catalog) == [
        ("admin", "search", "services/admin/lazy.cjs:2 imports search-lib"),
        ("admin", "payments", "services/admin/main.mjs:2 imports ../payments/src/index.ts"),
        ("web", "payments", "services/web/src/a.ts:1 imports @shop/payments"),
        ("web", "search", "services/web/src/b.js:1 imports search-lib"),
    ]
    assert all(e.inferred for e in catalog.inferred)
    assert catalog.problems == ()


# --- what is not an import -------------------------------------------------------------------


def test_comments_strings_templates_regexes_and_jsx_text_are_not_imports():
    text = """\
// import a from "comment";
/* require("block")
   import "still-comment"; */
const s = "import b from 'string'";
const t = `require("template") ${x} import "t2"`;
const r = /import "regex"/g;
const d = a / b / require("real");
const o = obj.require("method");
const dyn = require(name);
const sub = import(`./${name}`);
export const C = () => <p>Don't import "jsx" from here</p>;
"""
    assert imports_of(text, "x.jsx").imports == ((7, "real"),)


# --- resolution ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "target"),
    [
        ("../payments/src/index.ts", "payments"),  # exact file
        ("../payments/src/index", "payments"),  # extension
        ("../payments/src", "payments"),  # index.*
        ("../payments/src/client", "payments"),  # nested index.*
        ("../payments/src/index.js", "payments"),  # .js written for a .ts file
        ("../search/lib/query.mjs", "search"),
        ("../search/lib/", "search"),  # a trailing slash is the directory
        ("../../services/search/lib/query", "search"),
    ],
)
def test_relative_specifiers_resolve_against_the_importing_file(tmp_path, spec, target):
    catalog = build(tmp_path, {**WORKSPACE, "services/web/app.ts": f'import "{spec}";\n'})
    assert edges(catalog) == [("web", target, f"services/web/app.ts:1 imports {spec}")]


@pytest.mark.parametrize(
    ("spec", "target"),
    [
        ("@shop/payments", "payments"),
        ("@shop/payments/client", "payments"),  # a subpath of a scoped package
        ("search-lib", "search"),
        ("search-lib/lib/query.mjs", "search"),
    ],
)
def test_bare_specifiers_resolve_to_the_service_owning_the_package(tmp_path, spec, target):
    catalog = build(tmp_path, {**WORKSPACE, "services/web/app.ts": f'import "{spec}";\n'})
    assert edges(catalog) == [("web", target, f"services/web/app.ts:1 imports {spec}")]


@pytest.mark.parametrize(
    "spec",
    [
        "fs",
        "node:fs",
        "fs/promises",
        "react",  # third party
        "@shop/unknown",
        "@shop",
        "shop-monorepo",  # the root package.json: no service owns it
        "./missing",
        "../payments/src/nothing",
        "../../../outside/repo",
        "#internal",
        "/abs/path",
        "https://cdn.example/x.js",
        "",
    ],
)
def test_unresolvable_specifiers_give_no_edge(tmp_path, spec):
    catalog = build(tmp_path, {**WORKSPACE, "services/web/app.ts": f'import "{spec}";\n'})
    assert edges(catalog) == []
    assert catalog.problems == ()


def test_a_service_importing_its_own_package_adds_nothing(tmp_path):
    files = {**WORKSPACE, "services/payments/src/use.ts": 'import "@shop/payments";\n'}
    assert edges(build(tmp_path, files)) == []


def test_node_modules_is_neither_a_package_nor_an_importer(tmp_path):
    files = {
        **WORKSPACE,
        "services/web/node_modules/@shop/payments/package.json": package("@shop/payments"),
        "services/web/node_modules/x/index.js": 'require("search-lib");\n',
        "services/admin/a.js": 'require("@shop/payments");\n',
    }
    assert edges(build(tmp_path, files)) == [
        ("admin", "payments", "services/admin/a.js:1 imports @shop/payments")
    ]


def test_a_package_name_two_services_declare_is_reported_not_guessed(tmp_path):
    files = {
        **WORKSPACE,
        "services/admin/package.json": package("search-lib"),
        "services/web/a.js": 'require("search-lib/x");\nrequire("search-lib");\n',
    }
    catalog = build(tmp_path, files)
    assert edges(catalog) == []
    assert [str(p) for p in catalog.problems] == [
        (
            "services/web/a.js:1: package 'search-lib' is provided by 2 services (admin, search); "
            "this import adds no edge"
        )
    ]


# --- bad input -------------------------------------------------------------------------------


def test_bad_files_are_skipped_or_reported_never_raised(tmp_path):
    files: dict[str, str | bytes] = {
        **WORKSPACE,
        "services/web/binary.js": b'require("search-lib")\0\1\2',
        "services/web/huge.js": 'require("search-lib");\n' + "x;\n" * (MAX_FILE_BYTES // 3),
        "services/web/latin1.ts": b'// caf\xe9\nimport "@shop/payments";\n',
        "services/admin/open-string.js": 'require("@shop/payments");\nconst s = "never closed\n',
        "services/admin/open-template.ts": 'const t = `never closed\nimport "@shop/payments";\n',
        "services/admin/open-comment.js": '/* never closed\nrequire("search-lib");\n',
        "services/search/package.json": '{"name": "search-lib",,}',
    }
    catalog = build(tmp_path, files)
    assert edges(catalog) == [
        ("admin", "payments", "services/admin/open-string.js:1 imports @shop/payments"),
        ("web", "payments", "services/web/latin1.ts:2 imports @shop/payments"),
    ]
    assert [str(p) for p in catalog.problems] == [
        (
            "services/search/package.json:1: cannot read package.json (Expecting property name "
            "enclosed in double quotes); imports of its package add no edge"
        ),
        (
            "services/admin/open-comment.js:1: cannot parse JavaScript (syntax error); only its "
            "imports before line 1 are counted"
        ),
        (
            "services/admin/open-string.js:2: cannot parse JavaScript (syntax error); only its "
            "imports before line 2 are counted"
        ),
        (
            "services/admin/open-template.ts:1: cannot parse TypeScript (syntax error); only its "
            "imports before line 1 are counted"
        ),
    ]


def test_imports_after_a_syntax_error_are_not_counted(tmp_path):
    files = {
        **WORKSPACE,
        "services/web/app.js": (
            'import "@shop/payments";\nconst broken = (;\nrequire("search-lib");\n'
        ),
    }
    catalog = build(tmp_path, files)
    assert edges(catalog) == [("web", "payments", "services/web/app.js:1 imports @shop/payments")]
    assert [p.where for p in catalog.problems] == ["services/web/app.js:2"]


@pytest.mark.parametrize("path", ["a.js", "a.tsx"])
def test_thousands_of_unclosed_brackets_give_the_error_not_a_stall(path):
    # recovery builds a tree as deep as the brackets: a query over all of it is quadratic
    scan = imports_of('require("a");\n' + "(" * 100_000, path)
    assert scan.error is not None
    assert scan.error[0] == 1


@pytest.mark.parametrize("path", ["a.js", "a.tsx"])
def test_absurdly_deep_nesting_is_not_searched_below_the_depth_bound(path):
    # past ~30,000 levels a tree-sitter query takes seconds and loses matches; the bound keeps
    # what is near the top
    text = 'require("a");\n' + "f(" * 40_000 + 'require("deep")' + ")" * 40_000 + "\n"
    assert imports_of(text, path) == Scan(((1, "a"),))


PIECES = ["import", "require", "export", " from ", "(", ")", '"x"', "'", '"', "`", "${", "}"]
PIECES += ["/", "*", "//", "/*", "*/", "<p>", "</p>", "\n", " ", "\\", "\x00", "\U0001f600"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.sampled_from(["a.js", "a.ts", "a.tsx"]),
)
def test_any_text_gives_a_scan_with_lines_in_the_text(text, path):
    scan = imports_of(text, path)
    lines = text.count("\n") + 1
    assert all(1 <= line <= lines for line, _ in scan.imports)
    assert scan.error is None or 1 <= scan.error[0] <= lines


# --- end to end ------------------------------------------------------------------------------


def test_a_change_to_a_typescript_package_reaches_the_service_importing_it(repo, capsys):
    repo.commit(
        "init",
        **{
            ".countersign/catalog.yaml": CATALOG,
            **{k: v for k, v in WORKSPACE.items() if isinstance(v, str)},
            "services/web/src/checkout.tsx": (
                'import { pay } from "@shop/payments";\n'
                "export const Pay = () => <button onClick={pay}>Pay</button>;\n"
            ),
        },
    )
    repo.commit("pay", **{"services/payments/src/index.ts": "export const pay = () => 2;\n"})
    assert main(["blast", "HEAD~1", "--format", "json", "-C", str(repo.path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in data["services"]] == ["payments"]
    assert [(d["name"], d["path"], d["edge"]) for d in data["dependents"]] == [
        ("web", ["payments", "web"], "services/web/src/checkout.tsx:1 imports @shop/payments")
    ]
