"""``countersign incident``: incidents kept in the signed ledger, imported from the tools'
payloads, resolved, linked and unlinked with reasons; bad input is one line and exit 3 or 4."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from countersign.main import main

FIXTURES = Path(__file__).parents[1] / "fixtures" / "incidents"


def listed(repo, capsys) -> dict:
    capsys.readouterr()
    assert main(["incident", "list", "--format", "json", "-C", str(repo.path)]) == 0
    return json.loads(capsys.readouterr().out)


def test_add_resolve_and_list(project, cs, capsys):
    assert cs(project, "incident", "add", "INC-1", "--title", "checkout down", "--severity",
              "P1", "--started", "2026-11-01T10:00:00Z", "--service", "checkout",
              "--by", "dana@example.com") == 0  # fmt: skip
    assert cs(project, "incident", "resolve", "INC-1", "--at", "2026-11-01T11:30:00Z",
              "--by", "dana@example.com") == 0  # fmt: skip
    assert "time to restore 1.50 h" in capsys.readouterr().out
    (incident,) = listed(project, capsys)["incidents"]
    assert incident["severity"] == "sev1"
    assert incident["restore_hours"] == 1.5
    assert cs(project, "incident", "list", "--open") == 0
    assert "No open incidents." in capsys.readouterr().out


def test_the_same_id_cannot_be_added_twice(project, cs, capsys):
    args = ["incident", "add", "INC-1", "--title", "x", "--by", "d@example.com"]
    assert cs(project, *args) == 0
    assert cs(project, *args) == 3
    assert "already recorded" in capsys.readouterr().err


def test_resolving_before_the_start_or_an_unknown_incident_is_refused(project, cs, capsys):
    cs(project, "incident", "add", "INC-1", "--title", "x", "--started", "2026-11-01T10:00:00Z",
       "--by", "d@example.com")  # fmt: skip
    assert cs(project, "incident", "resolve", "INC-1", "--at", "2026-11-01T09:00:00Z",
              "--by", "d@example.com") == 3  # fmt: skip
    assert "cannot be resolved before that" in capsys.readouterr().err
    assert cs(project, "incident", "resolve", "INC-9", "--by", "d@example.com") == 4
    assert "no incident 'INC-9' in the ledger" in capsys.readouterr().err


def test_import_every_format_then_again_adds_nothing(project, cs, capsys):
    files = [str(p) for p in sorted(FIXTURES.iterdir()) if p.suffix in (".json", ".csv")]
    assert cs(project, "incident", "import", *files, "--by", "d@example.com") == 0
    first = capsys.readouterr().out
    assert "recorded" in first
    found = listed(project, capsys)["incidents"]
    ids = {i["id"] for i in found}
    assert {"Q2KQ8WZ9F1XLTR", "#917", "#930", "INC-2041", "INC-3001"} <= ids
    assert any(i["id"].startswith("8e0c1f7a") and i["resolved"] for i in found)
    assert cs(project, "incident", "import", *files, "--by", "d@example.com") == 0
    assert ": 0 recorded" in capsys.readouterr().out
    assert len(listed(project, capsys)["incidents"]) == len(found)


def test_a_bad_file_keeps_every_file_out(project, cs, capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "A"}', encoding="utf-8")
    good = tmp_path / "good.json"
    shutil.copy(FIXTURES / "generic.json", good)
    assert cs(project, "incident", "import", str(good), str(bad), "--by", "d@example.com") == 4
    err = capsys.readouterr().err
    assert err.startswith("countersign: error:")
    assert "bad.json" in err
    assert "Traceback" not in err
    assert listed(project, capsys)["incidents"] == []


def test_not_json_is_an_input_error(project, cs, capsys, tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("id,started\n", encoding="utf-8")
    assert cs(project, "incident", "import", str(bad), "--by", "d@example.com") == 4
    assert "not JSON" in capsys.readouterr().err


def test_link_and_unlink_are_recorded_with_reasons(project, cs, capsys):
    sha = project.git("rev-parse", "HEAD")
    cs(project, "incident", "add", "INC-1", "--title", "x", "--by", "d@example.com")
    assert cs(project, "incident", "link", "INC-1", sha[:10], "--reason", "rollback fixed it",
              "--by", "d@example.com") == 0  # fmt: skip
    assert listed(project, capsys)["links"][0]["change"] == sha
    assert cs(project, "incident", "unlink", "INC-1", sha, "--reason", "the config caused it",
              "--by", "e@example.com") == 0  # fmt: skip
    data = listed(project, capsys)
    assert data["links"] == []
    assert data["unlinks"][0]["reason"] == "the config caused it"
    assert data["unlinks"][0]["by"] == "e@example.com"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["link", "INC-1", "HEAD", "--reason", " "], 3, "needs --reason"),
        (["link", "INC-1", "nosuchrev", "--reason", "r"], 4, "nosuchrev"),
        (["link", "INC-2", "HEAD", "--reason", "r"], 4, "no incident 'INC-2'"),
    ],
)
def test_bad_links(project, cs, capsys, args, code, message):
    cs(project, "incident", "add", "INC-1", "--title", "x", "--by", "d@example.com")
    capsys.readouterr()
    assert cs(project, "incident", *args, "--by", "d@example.com") == code
    assert message in capsys.readouterr().err


def test_incidents_are_signed_ledger_entries(project, cs, capsys):
    cs(project, "incident", "add", "INC-1", "--title", "x", "--by", "d@example.com")
    capsys.readouterr()
    assert cs(project, "ledger", "verify") == 0
    assert "1 entries" in capsys.readouterr().out
