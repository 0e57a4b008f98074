"""Every output says which ledger the sign-offs came from and whether its keys are pinned."""

from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sarif"])
def test_an_unpinned_ledger_is_named_in_every_format(project, cs, capsys, fmt):
    project.commit("work", **{"docs/guide.md": "two\n"})
    capsys.readouterr()
    cs(project, "check", "--format", fmt)
    out = capsys.readouterr().out
    if fmt == "json":
        assert json.loads(out)["ledger"]["pinned"] is False
    elif fmt == "sarif":
        assert json.loads(out)["runs"][0]["properties"]["ledgerPinned"] is False
    assert "UNPINNED: any key recorded in it is believed" in out


def test_status_names_the_pins_the_ledger_is_read_with(project, cs, capsys):
    from countersign.signoff.keys import load_or_create

    key = load_or_create(project.path / ".git" / "countersign")
    project.git("checkout", "-q", "main")
    project.commit("pin this machine", **{".countersign/ledger-keys": f"{key.public_text}  me\n"})
    project.git("checkout", "-q", "feature")
    project.git("rebase", "-q", "main")
    project.commit("work", **{"docs/guide.md": "two\n"})
    capsys.readouterr()
    assert cs(project, "status") == 0
    out = capsys.readouterr().out
    assert "keys pinned in .countersign/ledger-keys" in out
    assert "no checkpoint committed" in out
