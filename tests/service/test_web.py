"""The webhook receiver against a real PostgreSQL schema: what is recorded and queued, and
what an attacker who does not hold the secret can make it do (nothing)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from github_service import SECRET, example, rows
from loopback import serving

from countersign.service.settings import Settings
from countersign.service.signature import sign
from countersign.service.web import create_app

pytestmark = pytest.mark.postgres


@pytest.fixture
def client(settings: Settings) -> Iterator[httpx.Client]:
    with serving(create_app(settings)) as url, httpx.Client(base_url=url) as c:
        yield c


def deliver(
    client: httpx.Client,
    event: str,
    payload: dict[str, Any],
    delivery: str = "d-1",
    secret: bytes = SECRET,
    signature: str | None = None,
) -> Any:
    body = json.dumps(payload).encode()
    headers = {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": signature if signature is not None else sign(secret, body),
        "Content-Type": "application/json",
    }
    return client.post("/webhooks/github", content=body, headers=headers)


def jobs(url: str) -> list[tuple[Any, ...]]:
    return rows(url, "SELECT task_name, args->>'head_sha', status FROM procrastinate_jobs")


def test_a_signed_pull_request_delivery_is_recorded_and_queues_one_evaluation(client, database):
    payload = example("pull_request.opened")
    answer = deliver(client, "pull_request", payload)
    assert answer.status_code == 202
    assert answer.json()["queued"] == 1
    assert rows(database, "SELECT delivery_id, event, action FROM countersign_deliveries") == [
        ("d-1", "pull_request", "opened")
    ]
    assert jobs(database) == [
        ("evaluate_pull_request", payload["pull_request"]["head"]["sha"], "todo")
    ]


@pytest.mark.parametrize(
    "signature",
    ["", "sha256=" + "0" * 64, "sha1=abc"],
    ids=["unsigned", "forged", "sha1-only"],
)
def test_a_delivery_without_a_valid_signature_gets_401_and_nothing_is_recorded(
    client, database, signature
):
    answer = deliver(client, "pull_request", example("pull_request.opened"), signature=signature)
    assert answer.status_code == 401
    assert answer.json() == {"ok": False, "error": "invalid or missing X-Hub-Signature-256"}
    assert rows(database, "SELECT * FROM countersign_deliveries") == []
    assert jobs(database) == []


def test_a_delivery_signed_with_another_secret_is_refused(client, database):
    answer = deliver(client, "pull_request", example("pull_request.opened"), secret=b"other")
    assert answer.status_code == 401
    assert jobs(database) == []


def test_a_redelivery_is_acknowledged_but_recorded_and_queued_once(client, database):
    payload = example("pull_request.opened")
    first = deliver(client, "pull_request", payload)
    again = deliver(client, "pull_request", payload)
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["duplicate"] is True
    assert len(rows(database, "SELECT * FROM countersign_deliveries")) == 1
    assert len(jobs(database)) == 1


def test_a_captured_signed_body_replayed_under_a_new_delivery_id_queues_nothing(client, database):
    payload = example("pull_request.opened")
    deliver(client, "pull_request", payload, delivery="d-1")
    replay = deliver(client, "pull_request", payload, delivery="attacker-fresh-id")
    assert replay.json()["duplicate"] is True
    assert len(jobs(database)) == 1


def test_a_stale_signed_delivery_is_refused_and_not_recorded(client, database):
    payload = example("pull_request.opened")
    payload["pull_request"]["updated_at"] = "2019-05-15T15:20:33Z"
    answer = deliver(client, "pull_request", payload)
    assert answer.status_code == 400
    assert answer.json()["error"] == "stale delivery: the event is too old"
    assert rows(database, "SELECT * FROM countersign_deliveries") == []


def test_a_burst_of_events_for_one_head_queues_one_evaluation(client, database):
    base = example("pull_request.opened")
    for i, action in enumerate(("opened", "labeled", "edited", "unlabeled")):
        payload = dict(base, action=action)
        payload["sender"] = dict(base["sender"], id=i)  # distinct bodies, as GitHub sends
        answer = deliver(client, "pull_request", payload, delivery=f"d-{i}")
        assert answer.status_code == 202
    assert len(rows(database, "SELECT * FROM countersign_deliveries")) == 4
    assert len(jobs(database)) == 1


def test_events_that_need_no_work_are_recorded_and_acknowledged(client, database):
    answer = deliver(client, "ping", example("ping"))
    assert answer.status_code == 202
    assert answer.json()["ignored"] == "ping"
    assert jobs(database) == []


def test_missing_delivery_headers_and_non_json_bodies_are_400(client):
    body = b"not json"
    headers = {"X-Hub-Signature-256": sign(SECRET, body), "X-GitHub-Event": "push"}
    assert client.post("/webhooks/github", content=body, headers=headers).status_code == 400
    headers["X-GitHub-Delivery"] = "d-9"
    answer = client.post("/webhooks/github", content=body, headers=headers)
    assert answer.json() == {"ok": False, "error": "the body is not JSON"}


def test_health_readiness_and_metrics(client):
    assert client.get("/healthz").json() == {"ok": True}
    assert client.get("/readyz").json() == {"ok": True}
    deliver(client, "pull_request", example("pull_request.opened"))
    deliver(client, "pull_request", example("pull_request.opened"), signature="")
    text = client.get("/metrics").text
    assert 'countersign_deliveries_total{event="pull_request",outcome="queued"} 1.0' in text
    assert 'countersign_deliveries_total{event="unverified",outcome="refused-401"} 1.0' in text
    assert "countersign_queue_depth 1.0" in text


def test_readiness_fails_without_the_schema(tmp_path):
    settings = Settings(
        database_url="postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dnowhere",
        webhook_secret=SECRET,
    )
    with serving(create_app(settings)) as url:
        answer = httpx.get(f"{url}/readyz")
    assert answer.status_code == 503
    assert answer.json()["ok"] is False


def test_logs_carry_the_delivery_id_and_never_the_secret_or_payload(client, caplog):
    caplog.set_level("INFO", logger="countersign.service.web")
    deliver(client, "pull_request", example("pull_request.opened"), delivery="d-log")
    records = [r for r in caplog.records if r.name == "countersign.service.web"]
    assert [getattr(r, "delivery", None) for r in records] == ["d-log"]
    text = " ".join(r.getMessage() for r in records)
    assert SECRET.decode() not in text
    assert "Hello-World" not in text
