"""Judging path references against the code and its history, without git: links to the pages
a docs build writes."""

import pytest

from countersign.facts.docs import Kind, Reference
from countersign.facts.docs.judge import History, judge
from countersign.intake.code_index import CodeIndex, Evidence

GONE = Evidence("9fbecfc15", "2022-01-18T22:08:27+05:30", "use github actions to deploy docs")
PACKAGE = frozenset(
    {"xonsh/__init__.py", "xonsh/events.py", "xonsh/history/__init__.py", "xonsh/history/base.py"}
)


def link(doc: str, target: str) -> Reference:
    return Reference(doc, 3, Kind.PATH, target, target, link=True)


def stale(
    reference: Reference, paths: frozenset[str], removed: str, evidence: Evidence = GONE
) -> bool:
    """Whether ``reference`` is called stale in a tree of ``paths`` whose history took away
    ``removed`` (a path, or for a name, the name) by ``evidence``."""
    gone = {removed: evidence}
    history = History(paths=gone) if reference.kind is Kind.PATH else History(tokens=gone)
    return any(f.stale for f in judge([reference], CodeIndex(paths), history))


@pytest.mark.parametrize(
    ("target", "removed"),
    [
        ("api/history/base.html", "docs/api/history/base.html"),
        ("api/events.html", "docs/api/events.html"),
        ("generated/xonsh.history.base.html", "docs/generated/xonsh.history.base.html"),
    ],
)
def test_a_built_api_page_holds_while_its_module_is_there(target, removed):
    """A docs build that once kept its API pages in the tree and now writes them (xonsh's)."""
    assert not stale(link("docs/tutorial.rst", target), PACKAGE, removed)


def test_a_built_api_page_of_a_module_that_is_gone_is_stale():
    paths = PACKAGE - {"xonsh/events.py"}
    assert stale(link("docs/tutorial.rst", "api/events.html"), paths, "docs/api/events.html")


def test_a_page_rendered_from_a_template_holds_while_the_template_is_there():
    """xonsh renders ``envvars.rst`` from ``envvars.rst.jinja2`` when the docs are built."""
    paths = PACKAGE | {"docs/envvars.rst.jinja2"}
    assert not stale(link("docs/xonshrc.rst", "envvars.html"), paths, "docs/envvars.rst")
    assert stale(link("docs/xonshrc.rst", "envvars.html"), PACKAGE, "docs/envvars.rst")


def path(doc: str, target: str) -> Reference:
    return Reference(doc, 7, Kind.PATH, target, target)


MONOREPO = frozenset(
    {
        "hypothesis-python/setup.py",
        "hypothesis-python/tests/cover/test_slippage.py",
        "hypothesis-python/docs/packaging.rst",
        "guides/testing.rst",
    }
)
RELAYOUT = Evidence("ff5de7032", "2018-04-06T10:15:33+01:00", "Initial relayout")


def test_a_path_in_a_subprojects_document_is_read_from_that_subprojects_root():
    """``python -m pytest tests/cover`` in hypothesis-python/docs/ runs from hypothesis-python/."""
    ref = path("hypothesis-python/docs/packaging.rst", "tests/cover")
    assert not stale(ref, MONOREPO, "tests/cover/test_slippage.py")


def test_a_path_gone_from_the_subproject_too_is_stale():
    ref = path("hypothesis-python/docs/packaging.rst", "tests/cover/test_engine.py")
    assert stale(ref, MONOREPO, "tests/cover/test_engine.py")


def test_a_root_document_is_not_read_from_a_subproject():
    """A guide at the root names the root's paths: the relayout that moved them is evidence."""
    ref = path("guides/testing.rst", "tests/cover")
    assert stale(ref, MONOREPO, "tests/cover/test_slippage.py", RELAYOUT)


def key(doc: str, name: str) -> Reference:
    return Reference(doc, 24, Kind.CONFIG_KEY, name, name)


SEARCH_REMOVED = Evidence("65daea32f", "2012-03-12T20:50:46-04:00", "Remove search", defined=True)
RTD = frozenset(
    {
        "readthedocs/__init__.py",
        "readthedocs/core/__init__.py",
        "readthedocs/core/search_sites.py",
        "readthedocs/doc_builder/__init__.py",
        "readthedocs/doc_builder/backends/__init__.py",
    }
)


@pytest.mark.parametrize("name", ["core.search_sites", "doc_builder.backends"])
def test_a_module_named_from_inside_its_top_package_holds(name):
    """readthedocs' API pages say ``:mod:`core.search_sites``` under ``currentmodule``."""
    assert not stale(key("docs/api/core.rst", name), RTD, name, SEARCH_REMOVED)


def test_a_module_gone_from_every_root_is_stale():
    name = "core.haystack_sites"
    assert stale(key("docs/api/core.rst", name), RTD, name, SEARCH_REMOVED)


PYODIDE = frozenset(
    {
        "pyodide-build/setup.cfg",
        "pyodide-build/pyodide_build/__init__.py",
        "pyodide-build/pyodide_build/buildall.py",
        "pyodide-build/tests/test_buildall.py",
        "packages/README.md",
    }
)
MOVED = Evidence("4e9d10833", "2021-05-03T00:00:00+00:00", "Create an installable package")


def test_a_package_path_held_by_a_subproject_of_the_monorepo_holds():
    """pyodide's packages/README.md names ``pyodide_build/buildall.py``, which moved with its
    package into the ``pyodide-build`` subproject: the package path still finds it."""
    ref = path("packages/README.md", "pyodide_build/buildall.py")
    assert not stale(ref, PYODIDE, "pyodide_build/buildall.py", MOVED)


def test_a_subprojects_tests_are_not_what_a_root_document_names():
    ref = path("packages/README.md", "tests/test_buildall.py")
    assert stale(ref, PYODIDE, "tests/test_buildall.py", MOVED)
