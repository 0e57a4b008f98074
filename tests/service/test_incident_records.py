"""Incident webhooks end to end: the web process verifies and queues, a real worker records the
incidents in the repository's ledger on PostgreSQL, the store `countersign incident list
--ledger` reads. GitHub issues with an incident label arrive through the App's own webhook
(the real `issues` examples of @octokit/webhooks-examples)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg
import pytest
from github_service import example, rows
from incident_payloads import PD_SECRET, now_iso, pagerduty
from loopback import serving
from service_world import REPOSITORY, REPOSITORY_ID, World, deliver, work

from countersign.service.incident_hooks import sign_pagerduty
from countersign.service.ledgers import ledger_url
from countersign.service.web import create_app
from countersign.signoff import incidents as book_of
from countersign.signoff.ledger import open_ledger

pytestmark = pytest.mark.postgres


def installed(world: World) -> None:
    with psycopg.connect(world.database, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO countersign_installations VALUES (4242, %s, %s)",
            (REPOSITORY, REPOSITORY_ID),
        )


def book(world: World) -> book_of.Book:
    url = ledger_url(world.database, REPOSITORY_ID)
    return book_of.book(open_ledger(url, world.root / "reader-state"))


def entries(world: World) -> int:
    url = ledger_url(world.database, REPOSITORY_ID)
    return len(open_ledger(url, world.root / "reader-state").entries("incident"))


def send(web: str, payload: dict[str, Any]) -> httpx.Response:
    body = json.dumps(payload).encode()
    return httpx.post(
        f"{web}/webhooks/incidents/pagerduty/{REPOSITORY}",
        content=body,
        headers={"X-PagerDuty-Signature": sign_pagerduty((PD_SECRET,), body)},
    )


def test_pagerduty_trigger_note_and_resolve_become_one_incident_in_the_ledger(world: World):
    installed(world)
    settings = world.settings(pagerduty_secrets=(PD_SECRET,))
    with serving(create_app(settings)) as web:
        sent = [pagerduty(n) for n in range(3)]  # triggered, annotated (root cause), resolved
        for payload in sent:
            assert send(web, payload).status_code == 202
        work(world)
        (incident,) = book(world).incidents.values()
        assert incident.id == "Q2KQ8WZ9F1XLTR"
        assert incident.source == "pagerduty"
        assert incident.services == ("checkout",)
        assert incident.resolved  # the resolve event's time
        assert incident.references  # from the responders' note
        recorded = entries(world)

        # the resolve again under another event id: nothing new to say, nothing written
        resent = dict(sent[2], event=dict(sent[2]["event"], id="01DEN0FKPEAFXKHWOX7CAOO6RS"))
        assert send(web, resent).status_code == 202
        work(world)
        assert entries(world) == recorded


def issue_event(action: str, labels: list[str], **issue: Any) -> dict[str, Any]:
    payload = example(f"issues.{action}")
    payload["repository"]["full_name"] = REPOSITORY
    payload["repository"]["id"] = REPOSITORY_ID
    now = now_iso()
    payload["issue"]["updated_at"] = now
    payload["issue"]["created_at"] = now
    payload["issue"]["labels"] = [dict(payload["issue"]["labels"][0], name=name) for name in labels]
    payload["issue"].update(issue)
    return payload


def test_a_github_issue_labelled_incident_is_recorded_through_the_app_webhook(world: World):
    installed(world)
    with serving(create_app(world.settings())) as web:
        bug = issue_event("opened", ["bug"])
        answer = deliver(web, "issues", bug, "d-bug")
        assert answer.json()["ignored"] == "an issue without an incident label"

        labelled = issue_event(
            "labeled", ["incident", "sev2", "service: checkout"], body="Caused by #12"
        )
        answer = deliver(web, "issues", labelled, "d-labelled")
        assert answer.status_code == 202
        assert answer.json()["queued"] == 1
        work(world)
    incident = book(world).get("#1")
    assert (incident.source, incident.severity, incident.services) == (
        "github",
        "sev2",
        ("checkout",),
    )
    assert incident.references == ("#12",)


def test_a_forged_issues_delivery_records_nothing(world: World):
    installed(world)
    labelled = issue_event("labeled", ["incident"])
    with serving(create_app(world.settings())) as web:
        body = json.dumps(labelled).encode()
        answer = httpx.post(
            f"{web}/webhooks/github",
            content=body,
            headers={
                "X-GitHub-Event": "issues",
                "X-GitHub-Delivery": "d-forged",
                "X-Hub-Signature-256": "sha256=" + "0" * 64,
            },
        )
        assert answer.status_code == 401
        work(world)
    jobs = "SELECT * FROM procrastinate_jobs WHERE task_name = 'record_incidents'"
    assert rows(world.database, jobs) == []
    assert rows(world.database, "SELECT * FROM countersign_deliveries") == []


def test_a_stale_issues_delivery_is_refused(world: World):
    installed(world)
    old = issue_event("labeled", ["incident"])
    old["issue"]["updated_at"] = datetime(2019, 5, 15, tzinfo=UTC).isoformat()
    with serving(create_app(world.settings())) as web:
        answer = deliver(web, "issues", old, "d-old")
    assert answer.status_code == 400
    assert answer.json() == {"ok": False, "error": "stale delivery: the event is too old"}
