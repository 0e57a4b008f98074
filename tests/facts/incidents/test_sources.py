"""Each import format read from realistic payloads (tests/fixtures/incidents), and the ways a
payload can be wrong said in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from countersign.errors import InputError
from countersign.facts.incidents import iso, severity, sources
from countersign.facts.incidents.references import mentions, references_in
from countersign.facts.incidents.sources import generic

FIXTURES = Path(__file__).parents[2] / "fixtures" / "incidents"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_pagerduty_deliveries_merge_into_one_incident_with_the_responders_root_cause():
    payload = load("pagerduty_v3.json")
    assert sources.detect(payload).name == "pagerduty"
    (incident,) = sources.parse(payload)
    assert incident.id == "Q2KQ8WZ9F1XLTR"
    assert incident.severity == "sev1"
    assert incident.services == ("checkout",)
    assert incident.started == "2026-11-03T14:02:11+00:00"
    assert incident.resolved == "2026-11-03T15:17:45+00:00"
    assert incident.restore_hours == pytest.approx(1.26, abs=0.01)
    assert "#482" in incident.references
    assert "3f9c2e1ab7" in incident.references
    assert incident.url.endswith("/incidents/Q2KQ8WZ9F1XLTR")


def test_opsgenie_create_then_close_gives_start_in_ms_and_end_in_ns():
    events = [load("opsgenie_create.json"), load("opsgenie_close.json")]
    assert sources.detect(events).name == "opsgenie"
    (incident,) = sources.parse(events)
    assert incident.severity == "sev2"
    assert incident.services == ("search",)
    assert incident.started == "2025-11-04T15:02:00+00:00"
    assert incident.resolved == "2025-11-04T16:17:00+00:00"
    assert incident.references == ("a1b2c3d4e5",)
    assert incident.title.startswith("search p99")


def test_a_github_issue_webhook_labelled_incident_is_one_incident():
    (incident,) = sources.parse(load("github_issue_closed.json"))
    assert incident.id == "#917"
    assert incident.severity == "sev2"
    assert incident.services == ("orders",)
    assert incident.resolved == "2026-10-21T12:30:01+00:00"
    assert incident.references == ("#905", "7d41be09ac")


def test_a_list_of_github_issues_keeps_incidents_only_and_skips_pull_requests():
    found = sources.parse(load("github_issues_list.json"))
    assert [i.id for i in found] == ["#930"]
    assert found[0].severity == "sev1"
    assert found[0].services == ("payments",)
    assert found[0].resolved == ""


def test_the_generic_shape_accepts_naive_times_as_utc_and_comma_separated_services():
    found = sources.parse(load("generic.json"))
    assert [i.id for i in found] == ["INC-2041", "INC-2042"]
    assert found[0].restore_hours == pytest.approx(6.25)
    assert found[1].started == "2026-09-05T10:00:00+00:00"
    assert found[1].services == ("status", "edge")
    assert found[1].severity == "sev4"


def test_csv_rows_with_semicolon_lists():
    found = generic.rows((FIXTURES / "incidents.csv").read_text(), "incidents.csv")
    assert found[0].services == ("auth", "gateway")
    assert found[0].references == ("#77", "abc1234def")
    assert found[1].resolved == ""


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"hello": 1}, "not an incident payload"),
        ([], "not an incident payload"),
        ({"id": "x y", "started_at": "2026-01-01"}, "must be one word"),
        ({"id": "A", "started_at": "yesterday"}, "not an ISO 8601 timestamp"),
        ({"id": "A", "started_at": "2026-01-01", "sevrity": 1}, "unknown field 'sevrity'"),
        ({"id": "A", "started_at": "2026-01-01", "severity": "huge"}, "unknown severity 'huge'"),
        ({"id": "A", "started_at": "2026-01-01", "services": [1]}, "expected a list of strings"),
    ],
)
def test_bad_payloads_are_one_line_errors(payload, message):
    with pytest.raises(InputError, match=message):
        sources.parse(payload)


def test_a_pagerduty_event_without_data_is_an_error():
    with pytest.raises(InputError, match="no data object"):
        sources.parse({"event": {"event_type": "incident.triggered"}})


def test_csv_without_id_column_or_with_extra_cells():
    with pytest.raises(InputError, match="header row with an id column"):
        generic.rows("name,when\nx,y\n", "f.csv")
    with pytest.raises(InputError, match=r"f.csv:2: more cells"):
        generic.rows("id,started_at\nA,2026-01-01,extra\n", "f.csv")


def test_timestamps_in_seconds_ms_and_ns_agree():
    assert iso(1762268520, "t") == iso(1762268520118, "t") == iso(1762268520118000000, "t")
    assert iso("2026-01-01T02:00:00+02:00", "t") == "2026-01-01T00:00:00+00:00"


def test_severity_spellings():
    assert [severity(x) for x in ("P1", "SEV-2", "s3", "4", "critical", "low")] == [
        "sev1", "sev2", "sev3", "sev4", "sev1", "sev4",
    ]  # fmt: skip


def test_references_are_explicit_forms_only():
    text = "see PR 12, #34 and pull/56; commit deadbeef1 not 12345678 nor 'decade' or cafebabe"
    assert references_in(text) == ("#12", "#34", "#56", "deadbeef1")
    fp = "sha256:" + "a1" * 32
    assert references_in(f"change {fp}") == (fp,)


def test_mentions_need_the_whole_id():
    assert mentions("Fix INC-42: timeout", "INC-42")
    assert not mentions("Fix INC-421", "INC-42")
    assert mentions("fixes #17.", "#17")
    assert not mentions("fixes #171", "#17")


@pytest.mark.parametrize(
    ("label", "counted"),
    [("incident", True), ("type: incident", True), ("Incident:SEV1", True),
     ("incidents", True), ("not-an-incident", False), ("non-incident", False),
     ("no incident", False), ("incidental", False), ("postincident-review", False)],
)  # fmt: skip
def test_which_labels_make_an_issue_an_incident(label, counted):
    from countersign.facts.incidents.sources.github_issue import is_incident

    assert is_incident([label]) is counted


def test_deliveries_out_of_order_keep_the_earliest_start():
    trigger, note, resolve = load("pagerduty_v3.json")
    (incident,) = sources.parse([note, resolve, trigger])
    assert incident.started == "2026-11-03T14:02:11+00:00"
    assert incident.resolved == "2026-11-03T15:17:45+00:00"
    assert incident.title.startswith("Checkout 5xx")
