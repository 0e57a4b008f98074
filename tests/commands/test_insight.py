"""``countersign insight`` end to end: a CSV of outside data with a known effect, every output
format (JSON checked against its published schema), a repository with incidents and sign-offs,
bad input as one line, and the anonymised export leaving nothing identifying."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from importlib.resources import files

import jsonschema
import numpy as np
import pytest
from histories import commit_at

from countersign.facts.incidents import Incident
from countersign.main import main
from countersign.signoff import incidents as book
from countersign.workspace import ledger_for

SCHEMA = json.loads(
    (files("countersign") / "output" / "schemas" / "insight.schema.json").read_text()
)
SALT = "a-long-secret-salt-for-tests"


def csv_of(n: int, p_ai: float, p_other: float, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    lines = ["id,ai_assisted,failed,date,size,service"]
    for i in range(n):
        ai = rng.random() < 0.35
        failed = rng.random() < (p_ai if ai else p_other)
        size = int(rng.lognormal(3, 1))
        lines.append(f"c{i},{int(ai)},{int(failed)},2026-0{1 + i % 9}-1{i % 9},{size},svc{i % 3}")
    return "\n".join(lines) + "\n"


def run(capsys, *args):
    capsys.readouterr()
    code = main(["insight", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_known_effect_in_outside_data_is_found_and_stated_as_an_association(tmp_path, capsys):
    data = tmp_path / "changes.csv"
    data.write_text(csv_of(4000, 0.16, 0.08), encoding="utf-8")
    code, out, _ = run(capsys, "--changes", str(data), "--format", "json")
    assert code == 0
    report = json.loads(out)
    jsonschema.validate(report, SCHEMA)
    assert report["verdict"]["finding"] == "ai-more"
    assert "not proof that AI assistance causes" in report["verdict"]["text"]
    low, high = report["overall"]["difference"]["ci95"]
    assert low < 0.08 < high
    assert report["adjusted"]["covariates"][0] == "log_size"
    assert report["friction"] is None


def test_no_effect_is_never_called_no_difference(tmp_path, capsys):
    data = tmp_path / "changes.csv"
    data.write_text(csv_of(600, 0.1, 0.1, seed=4), encoding="utf-8")
    code, out, _ = run(capsys, "--changes", str(data))
    assert code == 0
    verdict = next(ln for ln in out.splitlines() if ln.startswith("Verdict:"))
    assert "No evidence of a difference at this sample size" in verdict
    assert "not evidence that there is no difference" in verdict
    assert re.search(r"About [\d,]+ changes per group would detect a 2-point difference", verdict)


def test_every_format_renders(tmp_path, capsys):
    data = tmp_path / "changes.csv"
    data.write_text(csv_of(300, 0.2, 0.1), encoding="utf-8")
    md, page = tmp_path / "r.md", tmp_path / "r.html"
    code, _, _ = run(capsys, "--changes", str(data), "--report", f"markdown={md}",
                       "--format", "html", "--out", str(page))  # fmt: skip
    assert code == 0
    assert md.read_text().startswith("## countersign insight")
    html = page.read_text()
    assert "vegaEmbed" in html
    assert "cdn" not in html.lower().replace("cdnjs", "")  # nothing loaded from elsewhere
    assert not re.search(r"<script[^>]+src=", html)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,failed,date\n1,0,2026-01-01\n", "missing column 'ai_assisted'"),
        (
            "id,ai_assisted,failed,date\n1,maybe,0,2026-01-01\n",
            ":2: ai_assisted: expected true/false",
        ),
        ("id,ai_assisted,failed,date,size\n1,1,0,2026-01-01,big\n", ":2: size: expected a number"),
        ("id,ai_assisted,failed,date,colour\n", "unknown column 'colour'"),
        ("id,ai_assisted,failed,date\n", "no changes"),
        ("id,ai_assisted,failed,date\n1,1,0,someday\n", ":2: date: "),
    ],
)
def test_bad_csv_is_one_line_exit_4(tmp_path, capsys, text, message):
    data = tmp_path / "changes.csv"
    data.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "--changes", str(data))
    assert code == 4
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_an_export_needs_a_real_salt(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("COUNTERSIGN_SALT", raising=False)
    data = tmp_path / "changes.csv"
    data.write_text(csv_of(50, 0.2, 0.1), encoding="utf-8")
    code, _, err = run(capsys, "--changes", str(data), "--export-anonymised", str(tmp_path / "x"))
    assert code == 3
    assert "needs a secret salt" in err
    code, _, err = run(capsys, "--changes", str(data), "--export-anonymised",
                       str(tmp_path / "x"), "--salt", "short")  # fmt: skip
    assert code == 3
    assert "at least 16 characters" in err


T = int(datetime(2026, 10, 5, 8, 0, tzinfo=UTC).timestamp())
CATALOG = (
    "services:\n  - {name: zanzibar-ledger, paths: ['ledger/**'], owners: [vault-team], tier: 1}\n"
)
PEOPLE = "people:\n  - {id: quentin, emails: [quentin@example.com], level: junior}\n"


@pytest.fixture
def shop(repo):
    shas = [commit_at(repo, T, "quentin", "Initial import of the Zanzibar ledger",
                      **{".countersign/catalog.yaml": CATALOG, ".countersign/people.yaml": PEOPLE,
                         "ledger/post.py": "def post():\n    return 'ok'\n"})]  # fmt: skip
    for n in range(1, 40):
        msg = f"Tune posting batch {n} for the Zanzibar ledger"
        if n % 3 == 0:
            msg += "\n\nCo-authored-by: Claude <noreply@anthropic.com>"
        shas.append(commit_at(repo, T + n * 3600, "quentin" if n % 2 else "wilhelmina", msg,
                              **{"ledger/post.py": f"def post():\n    return {n}\n"}))  # fmt: skip
    ledger = ledger_for(repo.path)
    start = datetime.fromtimestamp(T + 10 * 3600 + 600, UTC).isoformat()
    end = datetime.fromtimestamp(T + 12 * 3600, UTC).isoformat()
    book.record(ledger, Incident("PD-SECRET-77", "Zanzibar postings doubled", start,
                                 severity="sev1", resolved=end, services=("zanzibar-ledger",),
                                 references=(shas[9],), description="Marguerite saw it first",
                                 url="https://pager.example.com/PD-SECRET-77"), "oncall@example.com")  # fmt: skip
    return repo, shas


def test_a_repository_report_and_its_anonymised_export(shop, tmp_path, capsys):
    repo, shas = shop
    export = tmp_path / "share.json"
    code, out, _ = run(capsys, "-C", str(repo.path), "--format", "json",
                       "--export-anonymised", str(export), "--salt", SALT)  # fmt: skip
    assert code == 0
    report = json.loads(out)
    jsonschema.validate(report, SCHEMA)
    assert report["failure_definition"] == "incidents"
    assert report["failed"] == 1
    assert report["sources"]["links_counted"] == 1
    assert report["time_to_restore"]["other"]["incidents"] + \
        report["time_to_restore"]["ai_assisted"]["incidents"] == 1  # fmt: skip
    text = export.read_text()
    data = json.loads(text)
    assert len(data["changes"]) == 40
    assert sum(c["failed"] for c in data["changes"]) == 1
    identifying = [
        "quentin", "wilhelmina", "example.com", "zanzibar", "Zanzibar", "PD-SECRET-77",
        "Marguerite", "pager", "doubled", "Tune posting", "vault-team", "ledger/post.py",
        "2026-10-05", "2026-10", "08:00",
    ]  # fmt: skip
    for word in identifying:
        assert word.lower() not in text.lower(), word
    for sha in shas:
        for n in (7, 8, 10, 12, 40):
            assert sha[:n] not in text
    # listed by pseudonym: the order says nothing of the history's
    pseudonyms = [c["change"] for c in data["changes"]]
    assert pseudonyms == sorted(pseudonyms)
    # the same salt gives the same pseudonyms (so exports join); another salt does not
    code, _, _ = run(capsys, "-C", str(repo.path), "--export-anonymised",
                     str(tmp_path / "again.json"), "--salt", SALT)  # fmt: skip
    assert json.loads((tmp_path / "again.json").read_text()) == data
    run(capsys, "-C", str(repo.path), "--export-anonymised", str(tmp_path / "other.json"),
        "--salt", SALT + "x")  # fmt: skip
    other = json.loads((tmp_path / "other.json").read_text())
    assert {c["change"] for c in other["changes"]}.isdisjoint(c["change"] for c in data["changes"])


def test_charts_are_written_as_svg_and_png_for_a_pull_request_comment(tmp_path, capsys):
    data = tmp_path / "changes.csv"
    data.write_text(csv_of(400, 0.2, 0.1), encoding="utf-8")
    charts = tmp_path / "charts"
    code, _, err = run(capsys, "--changes", str(data), "--charts", str(charts))
    assert code == 0
    assert "chart files" in err
    names = sorted(p.name for p in charts.iterdir())
    assert "rates.png" in names
    assert "rates.svg" in names
    assert (charts / "rates.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (charts / "rates.svg").read_text()
    assert svg.startswith("<svg")
    assert "mark-rect" in svg
