import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from trees import write_tree

from countersign.config.catalog import load_catalog
from countersign.facts.blast_radius.languages import infer_edges
from countersign.facts.blast_radius.languages.go import GoSyntaxError, imports_of
from countersign.intake.tree import MAX_FILE_BYTES, DirTree
from countersign.main import main

CATALOG = """\
services:
  - name: payments
    paths: [payments/**]
  - name: orders
    paths: [orders/**]
  - name: web
    paths: [web/**]
  - name: tools
    paths: [tools/**]
"""

MONOREPO = {
    "go.mod": "module example.com/shop\n\ngo 1.22\n",  # the root module: no service owns it
    "payments/client/client.go": "package client\n\nfunc Pay() {}\n",
    "payments/server/main.go": (
        'package main\n\nimport "example.com/shop/payments/client"\n\nfunc main() { client.Pay() }\n'
    ),
    "orders/go.mod": '// the orders module\nmodule "example.com/orders" // quoted\n\ngo 1.22\n',
    "orders/api/api.go": "package api\n",
    "orders/api/api_test.go": "package api_test\n",
    "tools/go.mod": "module example.com/shop/devtools\n",
    "tools/cli/cli.go": "package cli\n",
}


def build(tmp_path: Path, files: dict[str, str | bytes]):
    return infer_edges(load_catalog(CATALOG), write_tree(tmp_path, files))


def edges(catalog) -> list[tuple[str, str, str]]:
    return [(e.source, e.target, e.origin) for e in catalog.inferred]


def importing(*paths: str) -> str:
    return "package web\n\nimport (\n" + "".join(f'\t"{p}"\n' for p in paths) + ")\n"


# --- reading the imports ---------------------------------------------------------------------


def test_every_import_form_is_read_with_its_line():
    text = """\
// Package web serves pages.
package web // trailing comment

import "a"
import b "b"
import (
	"c"
	d "d" // a comment
	_ "e"
	. "f"
	/* inline */ "g"; "h"
	`i`
)
import ("j")
import x `k`
"""
    assert list(imports_of(text)) == [
        (4, "a"),
        (5, "b"),
        (7, "c"),
        (8, "d"),
        (9, "e"),
        (10, "f"),
        (11, "g"),
        (11, "h"),
        (12, "i"),
        (14, "j"),
        (15, "k"),
    ]


def test_only_the_header_is_read_so_comments_strings_and_code_are_not_imports():
    text = """\
package web

/*
import "in-a-block-comment"
*/
// import "in-a-line-comment"
import "real"

var s = "import \\"in-a-string\\""

func f() {
	x := `
import "in-a-raw-string"
`
}

import "after-a-declaration"
"""
    assert list(imports_of(text)) == [(7, "real")]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('package a\nimport "never closed\n', 2, "unterminated string"),
        ("package a\n\nimport `never closed\n", 3, "unterminated string"),
        ('package a\n/* never closed\nimport "x"\n', 2, "unterminated comment"),
        ('package a\nimport (\n\t"x"\n', 2, "import block without its closing ')'"),
        ("package a\nimport b c\n", 2, "expected an import path, found 'c'"),
        ("package a\nimport\n", 3, "expected an import path, found ''"),
        ('import "x"\n', 1, "expected the 'package' clause first"),
        ("// only a comment\n", 2, "expected the 'package' clause first"),
    ],
)
def test_a_broken_header_is_a_syntax_error_with_its_line(text, line, message):
    with pytest.raises(GoSyntaxError) as caught:
        list(imports_of(text))
    assert (caught.value.line, str(caught.value)) == (line, message)


PIECES = ["package", "import", " p ", "(", ")", '"x"', '"', "`", "//", "/*", "*/", "\n", ";", "."]
PIECES += ["_", "func", "\\", "\x00", "\ufeff", "\U0001f600"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_any_text_gives_imports_or_a_syntax_error(text):
    lines = text.count("\n") + 1
    found: list[tuple[int, str]] = []
    error: GoSyntaxError | None = None
    try:
        found = list(imports_of(text))
    except GoSyntaxError as exc:
        error = exc
    assert all(1 <= line <= lines for line, _ in found)
    assert error is None or 1 <= error.line <= lines


# --- resolution ------------------------------------------------------------------------------


def test_module_paths_resolve_to_the_directory_and_its_service(tmp_path):
    files = {
        **MONOREPO,
        "web/main.go": importing(
            "fmt",
            "example.com/shop/payments/client",
            "example.com/orders/api",
            "example.com/shop/devtools/cli",
        ),
    }
    catalog = build(tmp_path, files)
    assert edges(catalog) == [
        ("web", "payments", "web/main.go:5 imports example.com/shop/payments/client"),
        ("web", "orders", "web/main.go:6 imports example.com/orders/api"),
        ("web", "tools", "web/main.go:7 imports example.com/shop/devtools/cli"),
    ]
    assert all(e.inferred for e in catalog.inferred)
    assert catalog.problems == ()


def test_a_module_root_package_resolves(tmp_path):
    files = {
        **MONOREPO,
        "orders/orders.go": "package orders\n",
        "web/a.go": importing("example.com/orders"),
    }
    assert edges(build(tmp_path, files)) == [
        ("web", "orders", "web/a.go:4 imports example.com/orders")
    ]


@pytest.mark.parametrize(
    "imported",
    [
        "fmt",
        "net/http",
        "C",
        "github.com/google/uuid",
        "example.com/shop/nothing/here",  # inside the root module, no such directory
        "example.com/shopping/x",  # a prefix of the text, not of the path
        "example.com/shop/payments",  # a directory with no Go files of its own
    ],
)
def test_standard_library_external_and_missing_packages_give_no_edge(tmp_path, imported):
    catalog = build(tmp_path, {**MONOREPO, "web/a.go": importing(imported)})
    assert edges(catalog) == []
    assert catalog.problems == ()


def test_a_service_importing_its_own_packages_adds_nothing(tmp_path):
    assert edges(build(tmp_path, MONOREPO)) == []


def test_a_package_split_across_services_is_reported_not_guessed(tmp_path):
    files = {
        **MONOREPO,
        "shared/x.go": "package shared\n",
        "shared/y.go": "package shared\n",
        "web/a.go": importing("example.com/shop/shared"),
    }
    text = (
        CATALOG + "  - name: x\n    paths: [shared/x.go]\n  - name: y\n    paths: [shared/y.go]\n"
    )
    for rel, content in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(content, encoding="utf-8")
    catalog = infer_edges(load_catalog(text), DirTree(tmp_path))
    assert edges(catalog) == []
    assert [str(p) for p in catalog.problems] == [
        (
            "web/a.go:4: package 'example.com/shop/shared' is in files of 2 services (x, y); "
            "this import adds no edge"
        )
    ]


def test_directories_the_go_tool_ignores_are_skipped(tmp_path):
    files = {
        **MONOREPO,
        "web/testdata/go.mod": "module example.com/shop/payments/client\n",
        "web/testdata/fixture.go": importing("example.com/orders/api"),
        "web/vendor/example.com/lib/lib.go": importing("example.com/orders/api"),
        "web/_old/old.go": importing("example.com/orders/api"),
        "web/main.go": importing("example.com/shop/payments/client"),
    }
    assert edges(build(tmp_path, files)) == [
        ("web", "payments", "web/main.go:4 imports example.com/shop/payments/client")
    ]


# --- bad input -------------------------------------------------------------------------------


def test_bad_files_are_skipped_or_reported_never_raised(tmp_path):
    files: dict[str, str | bytes] = {
        **MONOREPO,
        "web/binary.go": b'package web\nimport "example.com/orders/api"\0\1',
        "web/huge.go": importing("example.com/orders/api") + "//x\n" * (MAX_FILE_BYTES // 4),
        "web/latin1.go": b'// caf\xe9\npackage web\nimport "example.com/orders/api"\n',
        "web/open.go": 'package web\nimport "example.com/shop/payments/client\n',
        "web/nopackage.go": 'import "example.com/shop/payments/client"\n',
        "tools/go.mod": "go 1.22\n",
    }
    catalog = build(tmp_path, files)
    assert edges(catalog) == [("web", "orders", "web/latin1.go:3 imports example.com/orders/api")]
    assert [str(p) for p in catalog.problems] == [
        "tools/go.mod: no 'module' line; imports of its packages add no edge",
        (
            "web/nopackage.go:1: cannot parse Go (expected the 'package' clause first); its "
            "imports are not counted"
        ),
        "web/open.go:2: cannot parse Go (unterminated string); its imports are not counted",
    ]


# --- end to end ------------------------------------------------------------------------------


def test_a_change_to_a_go_package_reaches_the_service_importing_it(repo, capsys):
    repo.commit(
        "init",
        **{
            ".countersign/catalog.yaml": CATALOG,
            **{k: v for k, v in MONOREPO.items() if isinstance(v, str)},
            "web/main.go": importing("example.com/shop/payments/client"),
        },
    )
    repo.commit("pay", **{"payments/client/client.go": "package client\n\nfunc Pay() int {}\n"})
    assert main(["blast", "HEAD~1", "--format", "json", "-C", str(repo.path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in data["services"]] == ["payments"]
    assert [(d["name"], d["path"], d["edge"]) for d in data["dependents"]] == [
        ("web", ["payments", "web"], "web/main.go:4 imports example.com/shop/payments/client")
    ]
