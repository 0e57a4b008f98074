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


@pytest.mark.parametrize(
    ("command", "fmt"),
    [
        ("status", "text"),
        ("status", "json"),
        ("verify", "text"),
        ("verify", "json"),
        ("verify", "markdown"),
        ("ledger verify", None),
    ],
)
def test_every_other_output_reports_an_unpinned_ledger(project, cs, capsys, command, fmt):
    project.commit("work", **{"docs/guide.md": "two\n"})
    args = [*command.split(), *(("--format", fmt) if fmt else ())]
    if command == "verify":
        args += ["--base", "main"]
    capsys.readouterr()
    cs(project, *args)
    out = capsys.readouterr().out
    if fmt == "json":
        data = json.loads(out)
        if command == "status":
            assert "UNPINNED" in data["ledger"]
        else:
            assert data["ledger"]["pinned"] is False
            assert "UNPINNED" in data["ledger"]["summary"]
    assert "UNPINNED" in out, out
