"""The SARIF log against the SARIF 2.1.0 schema and GitHub's ingestion rules: every result has a
location, every rule a full description and Markdown help, URIs keep a name's bytes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from countersign.decision.policy import default_policy_text
from countersign.facts.hazards import Hazard, Severity
from countersign.main import main
from countersign.output.sarif import artifact_uri, sarif

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "sarif" / "sarif-2.1.0.json").read_text("utf-8")
)
AGENT = "agent change\n\nCo-authored-by: Claude <noreply@anthropic.com>"
# RFC 3986 URI-reference characters, with every % starting an escape.
URI = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-F]{2})*$")


def valid(doc: dict) -> dict:
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    return doc


def check_sarif(repo, capsys) -> dict:
    code = main(["check", "-C", str(repo.path), "--format", "sarif"])
    assert code == 1
    return valid(json.loads(capsys.readouterr().out))


@pytest.fixture
def risky(repo):
    """An AI-assisted change that drops a table, judged by the repository's own policy."""
    repo.commit("init", **{".countersign/policy.yaml": default_policy_text(), "a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(AGENT, **{"migrations/0042.sql": "-- drop\nDROP TABLE users;\n"})
    return repo


def test_every_result_has_a_location_and_every_rule_full_description_and_help(risky, capsys):
    run = check_sarif(risky, capsys)["runs"][0]
    assert run["results"]
    for result in run["results"]:
        (where,) = result["locations"]
        assert where["physicalLocation"]["artifactLocation"]["uri"]
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"]
        assert rule["help"]["markdown"]
    ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {result["ruleId"] for result in run["results"]} <= ids


def rule_line(where: dict) -> str:
    assert where["artifactLocation"]["uri"] == ".countersign/policy.yaml"
    return default_policy_text().splitlines()[where["region"]["startLine"] - 1].strip()


def test_a_requirement_points_at_the_line_of_each_rule_that_asks_for_it(risky, capsys):
    run = check_sarif(risky, capsys)["runs"][0]
    requirements = [r for r in run["results"] if "rules" in r["properties"]]
    assert {r["ruleId"] for r in requirements} >= {
        "destructive-in-production/approvals",
        "change-record",
    }
    for result in requirements:
        first, *others = result["properties"]["rules"]
        assert rule_line(result["locations"][0]["physicalLocation"]) == f"- id: {first}"
        related = [rule_line(x["physicalLocation"]) for x in result.get("relatedLocations", [])]
        assert related == [f"- id: {rule}" for rule in others]
    # the senior sign-off of the AI-assisted change is folded into the stricter group
    merged = [r for r in requirements if len(r["properties"]["rules"]) > 1]
    assert merged


def test_a_hazard_points_at_the_changed_file_and_line(risky, capsys):
    run = check_sarif(risky, capsys)["runs"][0]
    (drop,) = [r for r in run["results"] if r["ruleId"] == "sql.drop_table"]
    where = drop["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == "migrations/0042.sql"
    assert where["region"]["startLine"] == 2


def test_under_the_packaged_policy_a_requirement_points_at_the_changed_file(repo, capsys):
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(AGENT, **{"src/app.py": "x = 1\ny = 2\n"})
    (result,) = check_sarif(repo, capsys)["runs"][0]["results"]
    where = result["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == "src/app.py"
    assert where["region"]["startLine"] == 1


def test_uris_percent_encode_the_bytes_of_a_name():
    assert artifact_uri("migrations/a b#1%.sql") == "migrations/a%20b%231%25.sql"
    assert artifact_uri("café.sql") == "caf%C3%A9.sql"
    # a name that is not UTF-8 reaches the renderer as surrogate escapes of its bytes
    assert artifact_uri("caf\udce9.sql") == "caf%E9.sql"
    assert artifact_uri("/repo/plans/p.json", "/repo") == "plans/p.json"
    assert artifact_uri("/tmp/p.json", "/repo") == "file:///tmp/p.json"


def test_hazards_alone_render_a_valid_log_with_encoded_uris():
    hazard = Hazard("sql.drop_table", Severity.CRITICAL, "m/caf\udce9 x.sql", "drops t", line=3)
    doc = valid(json.loads(sarif((hazard,), None)))
    (result,) = doc["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "m/caf%E9%20x.sql"
    assert URI.match(uri)
    assert result["message"]["text"] == "drops t."


def test_a_file_name_that_is_not_utf8_keeps_its_bytes_in_the_uri(repo, capsys):
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "feature")
    name = b"migrations/caf\xe9.sql"
    (repo.path / "migrations").mkdir()
    (repo.path / os.fsdecode(name)).write_bytes(b"DROP TABLE users;\n")
    repo.commit(AGENT)
    run = check_sarif(repo, capsys)["runs"][0]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert "migrations/caf%E9.sql" in uris
    assert all(URI.match(u) for u in uris)
    assert not any("%EF%BF%BD" in u for u in uris)  # U+FFFD, the bytes lost


def multitool() -> str | None:
    return os.environ.get("SARIF_MULTITOOL") or shutil.which("sarif-multitool")


@pytest.mark.skipif(multitool() is None, reason="the SARIF multitool is not installed")
def test_github_ingestion_rules_accept_the_log(risky, capsys, tmp_path):
    """GitHub's rules (``--rule-kind Gh``) of the Microsoft SARIF multitool, when installed
    (``npm install @microsoft/sarif-multitool``; ``SARIF_MULTITOOL`` names its binary)."""
    log = tmp_path / "countersign.sarif"
    log.write_text(json.dumps(check_sarif(risky, capsys)), encoding="utf-8")
    report = tmp_path / "report.sarif"
    tool = str(multitool())
    proc = subprocess.run(
        [tool, "validate", str(log), "--rule-kind", "Gh", "-o", str(report)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    findings = json.loads(report.read_text("utf-8"))["runs"][0]["results"]
    assert [f["message"] for f in findings if f.get("level") != "note"] == []
