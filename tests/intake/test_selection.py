"""One range grammar for every command that takes [RANGE] (blast, provenance)."""

from __future__ import annotations

import pytest

from countersign.errors import UsageError
from countersign.intake.selection import ChangeSelection, parse_range, select_range


def test_range_forms():
    assert parse_range(None) == (None, "HEAD")
    assert parse_range("main") == ("main", "HEAD")
    assert parse_range("main..topic") == ("main", "topic")
    assert parse_range("main..feature") == ("main", "feature")
    assert parse_range("main...") == ("main", "HEAD")
    with pytest.raises(UsageError, match="has no base"):
        parse_range("..topic")


def test_a_single_revision_is_the_base_for_every_command():
    # provenance used to read `v1.2` as `default..v1.2`, blast as `v1.2..HEAD`: one meaning now
    assert parse_range("v1.2") == ("v1.2", "HEAD")
    assert select_range("v1.2") == ChangeSelection(base="v1.2", head="HEAD")


def test_a_patch_takes_no_range():
    with pytest.raises(UsageError, match="--patch reads the change from the file"):
        select_range("HEAD", patch="x.patch")
    assert select_range(None, patch="x.patch", plans=("p.json",)) == ChangeSelection(
        patch="x.patch", plans=("p.json",)
    )
