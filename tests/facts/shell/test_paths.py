"""Where a deleted path lands: the project is checked before the temporary directories, so a
repository under /tmp keeps its protection and only its scratch folders are scratch."""

from __future__ import annotations

import pytest

from countersign.facts.shell import ShellContext
from countersign.facts.shell.paths import Place, place

TMP_PROJECT = "/tmp/checkout/app"
CTX = ShellContext(cwd=TMP_PROJECT, project_root=TMP_PROJECT, home="/home/dev")


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("src", Place.PROJECT),
        ("/tmp/checkout/app/src", Place.PROJECT),
        (".", Place.REPOSITORY),
        (TMP_PROJECT, Place.REPOSITORY),
        (".git", Place.REPOSITORY),
        ("node_modules", Place.SCRATCH),
        ("build/out", Place.SCRATCH),
        ("tmp/cache", Place.SCRATCH),
    ],
)
def test_a_project_under_tmp_is_a_project(path: str, where: Place) -> None:
    assert place(path, TMP_PROJECT, CTX) is where


@pytest.mark.parametrize("path", ["/tmp/build-123", "/tmp/checkout/other", "/var/tmp/x"])
def test_temporary_directories_outside_the_project_stay_scratch(path: str) -> None:
    assert place(path, TMP_PROJECT, CTX) is Place.SCRATCH


def test_tmp_without_a_project_is_scratch() -> None:
    ctx = ShellContext(cwd="/tmp/work", home="/home/dev")
    assert place("src", "/tmp/work", ctx) is Place.SCRATCH


def test_tmp_itself_is_not_scratch() -> None:
    assert place("/tmp", TMP_PROJECT, CTX) is Place.OUTSIDE
