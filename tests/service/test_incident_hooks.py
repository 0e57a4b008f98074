"""The incident webhooks (PagerDuty v3, Opsgenie, generic) against a real PostgreSQL schema: what
someone without the secret, or with a captured request, can make them do (nothing), and what a
genuine delivery records. Payloads: tests/fixtures/incidents (README there for provenance)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from github_service import SECRET, rows
from incident_payloads import GENERIC, OG_TOKEN, PD_SECRET, generic, now_iso, opsgenie, pagerduty
from loopback import serving

from countersign.service.incident_hooks import MAX_SIGNATURES, sign_generic, sign_pagerduty
from countersign.service.settings import Settings
from countersign.service.web import INCIDENT_MAX_BODY, create_app

pytestmark = pytest.mark.postgres

REPOSITORY = "acme/shop"
REPOSITORY_ID = 7001
PD_OLD = b"pagerduty-signing-secret-0000"
PATH = f"/webhooks/incidents/{{}}/{REPOSITORY}"


@pytest.fixture
def settings(database: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database,
        webhook_secret=SECRET,
        state_dir=tmp_path / "state",
        pagerduty_secrets=(PD_SECRET,),
        opsgenie_tokens=(OG_TOKEN,),
        incident_secrets=(GENERIC,),
    )


@pytest.fixture
def client(settings: Settings, database: str) -> Iterator[httpx.Client]:
    import psycopg

    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO countersign_installations (installation_id, repository, repository_id)"
            " VALUES (4242, %s, %s)",
            (REPOSITORY, REPOSITORY_ID),
        )
    with serving(create_app(settings)) as url, httpx.Client(base_url=url) as c:
        yield c


def send_pagerduty(
    client: httpx.Client, payload: Any, signature: str | None = None, body: bytes | None = None
) -> httpx.Response:
    body = json.dumps(payload).encode() if body is None else body
    headers = {"Content-Type": "application/json"}
    headers["X-PagerDuty-Signature"] = (
        sign_pagerduty((PD_SECRET,), body) if signature is None else signature
    )
    return client.post(PATH.format("pagerduty"), content=body, headers=headers)


def send_generic(
    client: httpx.Client, payload: Any, when: datetime | None = None, secret: bytes = GENERIC
) -> httpx.Response:
    body = json.dumps(payload).encode()
    stamp = int((when or datetime.now(UTC)).timestamp())
    headers = sign_generic(secret, body, stamp)
    return client.post(PATH.format("generic"), content=body, headers=headers)


def deliveries(url: str) -> list[tuple[Any, ...]]:
    return rows(url, "SELECT delivery_id, event FROM countersign_deliveries ORDER BY 1")


def jobs(url: str) -> list[tuple[Any, ...]]:
    return rows(
        url, "SELECT task_name, args->>'repository', args->>'source' FROM procrastinate_jobs"
    )


def refused(answer: httpx.Response, status: int) -> str:
    """Every refusal has the one error shape."""
    assert answer.status_code == status, answer.text
    data = answer.json()
    assert set(data) == {"ok", "error"}
    assert data["ok"] is False
    return str(data["error"])


# --- PagerDuty: the walk-arounds -----------------------------------------------------------------
@pytest.mark.parametrize(
    "signature",
    [
        "",
        "v1=" + "0" * 64,
        sign_pagerduty((b"a-guess-at-the-signing-secret",), b"{}"),
        "v0=" + sign_pagerduty((PD_SECRET,), b"x")[3:],
        "sha256=abc",
    ],
    ids=["unsigned", "forged", "another-body", "other-version", "malformed"],
)
def test_pagerduty_without_a_valid_signature_gets_401_and_nothing_is_recorded(
    client, database, signature
):
    error = refused(send_pagerduty(client, pagerduty(), signature=signature), 401)
    assert error == "invalid or missing X-PagerDuty-Signature"
    assert deliveries(database) == []
    assert jobs(database) == []


def test_pagerduty_signed_with_another_secret_is_refused(client, database):
    body = json.dumps(pagerduty()).encode()
    signature = sign_pagerduty((b"someone-elses-secret-0000",), body)
    refused(send_pagerduty(client, None, signature=signature, body=body), 401)
    assert jobs(database) == []


def test_one_changed_byte_after_signing_breaks_the_pagerduty_signature(client, database):
    body = json.dumps(pagerduty()).encode()
    signature = sign_pagerduty((PD_SECRET,), body)
    tampered = body.replace(b"Checkout", b"CheckouT")
    refused(send_pagerduty(client, None, signature=signature, body=tampered), 401)
    assert deliveries(database) == []


def test_pagerduty_rotation_any_one_of_several_signatures_is_enough(client, database):
    body = json.dumps(pagerduty()).encode()
    signature = sign_pagerduty((b"pagerduty-retired-secret-99", PD_SECRET), body)
    answer = send_pagerduty(client, None, signature=signature, body=body)
    assert answer.status_code == 202, answer.text
    assert answer.json()["queued"] == 1


def test_our_own_rotation_accepts_the_old_and_the_new_secret(settings, database):
    import psycopg

    both = Settings(**{**vars(settings), "pagerduty_secrets": (PD_OLD, PD_SECRET)})
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO countersign_installations VALUES (1, %s, %s)", (REPOSITORY, REPOSITORY_ID)
        )
    with serving(create_app(both)) as url, httpx.Client(base_url=url) as c:
        for n, secret in enumerate((PD_OLD, PD_SECRET)):
            body = json.dumps(pagerduty(n)).encode()
            answer = send_pagerduty(c, None, signature=sign_pagerduty((secret,), body), body=body)
            assert answer.status_code == 202, answer.text


def test_a_header_stuffed_with_signatures_is_refused(client, database):
    body = json.dumps(pagerduty()).encode()
    guesses = [f"v1={n:064x}" for n in range(MAX_SIGNATURES)]
    signature = ",".join([*guesses, sign_pagerduty((PD_SECRET,), body)])
    refused(send_pagerduty(client, None, signature=signature, body=body), 401)


def test_a_replayed_pagerduty_delivery_is_acknowledged_and_queues_nothing_again(client, database):
    payload = pagerduty()
    first = send_pagerduty(client, payload)
    again = send_pagerduty(client, payload)
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["duplicate"] is True
    assert deliveries(database) == [("pagerduty:01DEN0FKPEAFXKHWOX7CAOO6Q3", "incident.pagerduty")]
    assert len(jobs(database)) == 1


def test_a_captured_pagerduty_delivery_replayed_later_is_refused_as_stale(client, database):
    old = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    error = refused(send_pagerduty(client, pagerduty(occurred_at=old)), 400)
    assert error == "stale delivery: the event is too old"
    assert deliveries(database) == []


def test_malformed_json_with_a_valid_signature_is_400(client, database):
    body = b'{"event": {"event_type": "incident.triggered",'
    error = refused(send_pagerduty(client, None, body=body), 400)
    assert error == "the body is not JSON"
    assert deliveries(database) == []


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ([1, 2], "the body is not a PagerDuty v3 webhook"),
        ({"incidents": []}, "the body is not a PagerDuty v3 webhook"),
    ],
)
def test_json_that_is_not_the_tools_shape_is_400(client, database, payload, error):
    assert refused(send_pagerduty(client, payload), 400) == error
    assert deliveries(database) == []


def test_a_pagerduty_event_with_a_broken_incident_is_400_naming_the_field(client, database):
    payload = pagerduty()
    del payload["event"]["data"]["created_at"]
    error = refused(send_pagerduty(client, payload), 400)
    assert error == "not read as an incident: PagerDuty event 1: data.created_at: no timestamp"


def test_a_huge_body_is_refused_before_it_is_read_whole(client, database):
    body = b'{"event": {"x": "' + b"a" * (INCIDENT_MAX_BODY + 1) + b'"}}'
    error = refused(send_pagerduty(client, None, body=body), 413)
    assert error == "payload too large"
    assert deliveries(database) == []


def test_a_huge_body_sent_without_a_length_is_refused_as_it_streams(client, database):
    def chunks() -> Iterator[bytes]:
        for _ in range(INCIDENT_MAX_BODY // 65536 + 4):
            yield b"a" * 65536

    answer = client.post(
        PATH.format("pagerduty"), content=chunks(), headers={"X-PagerDuty-Signature": "v1=00"}
    )
    assert refused(answer, 413) == "payload too large"


def test_a_pagerduty_ping_is_acknowledged_and_records_no_incident(client, database):
    ping = {
        "event": {
            "id": "01BZ2ND0NRK0HTDAXZ5ZFRB5GV",
            "event_type": "pagey.ping",
            "resource_type": "pagey",
            "occurred_at": now_iso(),
            "agent": None,
            "client": None,
            "data": {"message": "Hello from your friend Pagey!", "type": "ping"},
        }
    }
    answer = send_pagerduty(client, ping)
    assert answer.status_code == 202
    assert answer.json()["ignored"] == "no incident in the payload"
    assert jobs(database) == []


def test_a_repository_the_app_is_not_installed_on_is_404(client, database):
    body = json.dumps(pagerduty()).encode()
    answer = client.post(
        "/webhooks/incidents/pagerduty/acme/elsewhere",
        content=body,
        headers={"X-PagerDuty-Signature": sign_pagerduty((PD_SECRET,), body)},
    )
    assert refused(answer, 404) == "the App is not installed on acme/elsewhere"
    assert deliveries(database) == []


def test_an_unknown_or_unconfigured_source_is_404(database, tmp_path):
    plain = Settings(database_url=database, webhook_secret=SECRET, state_dir=tmp_path)
    with serving(create_app(plain)) as url, httpx.Client(base_url=url) as c:
        answer = c.post(PATH.format("pagerduty"), content=b"{}")
        assert refused(answer, 404) == (
            "pagerduty is not configured: set COUNTERSIGN_PAGERDUTY_SECRETS"
        )
        answer = c.post(PATH.format("statuspage"), content=b"{}")
        assert refused(answer, 404) == (
            "no incident source 'statuspage': pagerduty, opsgenie, generic"
        )


# --- Opsgenie: a configured secret, in a header or as the basic auth password -----------------
def basic(user: str, password: bytes) -> str:
    return "Basic " + base64.b64encode(user.encode() + b":" + password).decode()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Countersign-Token": "opsgenie-custom-header-token-2"},
        {"X-Countersign-Token": OG_TOKEN.decode()[:-1]},
        {"Authorization": basic("opsgenie", b"not-the-token-at-all")},
        {"Authorization": basic("opsgenie", b"")},
        {"Authorization": "Basic !!!not-base64"},
        {"Authorization": "Bearer " + OG_TOKEN.decode()},
    ],
    ids=["none", "wrong", "prefix", "basic-wrong", "basic-empty", "basic-garbage", "bearer"],
)
def test_opsgenie_without_the_configured_secret_gets_401(client, database, headers):
    answer = client.post(PATH.format("opsgenie"), json=opsgenie(), headers=headers)
    assert refused(answer, 401) == (
        "invalid or missing X-Countersign-Token (or basic auth password)"
    )
    assert deliveries(database) == []


@pytest.mark.parametrize(
    "headers",
    [{"X-Countersign-Token": OG_TOKEN.decode()}, {"Authorization": basic("opsgenie", OG_TOKEN)}],
    ids=["header", "basic"],
)
def test_opsgenie_with_the_secret_is_queued_once(client, database, headers):
    payload = opsgenie()
    first = client.post(PATH.format("opsgenie"), json=payload, headers=headers)
    again = client.post(PATH.format("opsgenie"), json=payload, headers=headers)
    assert (first.status_code, again.status_code) == (202, 200)
    assert jobs(database) == [("record_incidents", REPOSITORY, "opsgenie")]


def test_an_old_opsgenie_alert_is_refused_as_stale(client, database):
    payload = opsgenie()
    payload["alert"]["updatedAt"] = payload["alert"]["createdAt"] = 1_700_000_000_000
    answer = client.post(
        PATH.format("opsgenie"), json=payload, headers={"X-Countersign-Token": OG_TOKEN.decode()}
    )
    assert refused(answer, 400) == "stale delivery: the event is too old"


# --- generic: HMAC of the timestamp and the body ----------------------------------------------
def test_generic_signed_now_is_queued(client, database):
    answer = send_generic(client, generic())
    assert answer.status_code == 202, answer.text
    assert jobs(database) == [("record_incidents", REPOSITORY, "generic")]


@pytest.mark.parametrize("minutes", [-10, 10], ids=["old", "future"])
def test_generic_outside_the_timestamp_window_is_refused(client, database, minutes):
    when = datetime.now(UTC) + timedelta(minutes=minutes)
    error = refused(send_generic(client, generic(), when=when), 400)
    assert error == "stale delivery: the event is too old"
    assert deliveries(database) == []


def test_generic_with_a_wrong_secret_or_no_timestamp_is_401(client, database):
    refused(send_generic(client, generic(), secret=b"not-the-generic-secret-0"), 401)
    body = json.dumps(generic()).encode()
    headers = sign_generic(GENERIC, body, int(datetime.now(UTC).timestamp()))
    del headers["X-Countersign-Timestamp"]
    error = refused(client.post(PATH.format("generic"), content=body, headers=headers), 401)
    assert error == "invalid or missing X-Countersign-Timestamp (Unix seconds)"
    assert deliveries(database) == []


def test_a_generic_signature_moved_to_a_fresh_timestamp_is_refused(client, database):
    body = json.dumps(generic()).encode()
    old = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    headers = sign_generic(GENERIC, body, old)
    headers["X-Countersign-Timestamp"] = str(int(datetime.now(UTC).timestamp()))
    answer = client.post(PATH.format("generic"), content=body, headers=headers)
    assert refused(answer, 401) == "invalid or missing X-Countersign-Signature"


def test_a_generic_request_replayed_within_the_window_queues_nothing_again(client, database):
    body = json.dumps(generic()).encode()
    headers = sign_generic(GENERIC, body, int(datetime.now(UTC).timestamp()))
    first = client.post(PATH.format("generic"), content=body, headers=headers)
    again = client.post(PATH.format("generic"), content=body, headers=headers)
    resigned = send_generic(client, generic() | {"started_at": json.loads(body)["started_at"]})
    assert (first.status_code, again.status_code, resigned.status_code) == (202, 200, 200)
    assert len(jobs(database)) == 1


def test_a_generic_payload_with_an_unknown_field_is_400_naming_it(client, database):
    error = refused(send_generic(client, generic() | {"sevrity": "sev2"}), 400)
    assert error.startswith("not read as an incident: incident 1: unknown field 'sevrity'")


def test_refusals_never_log_the_secret_or_the_payload(client, caplog):
    caplog.set_level("INFO", logger="countersign.service.web")
    send_pagerduty(client, pagerduty(), signature="v1=" + "0" * 64)
    send_pagerduty(client, pagerduty())
    text = " ".join(r.getMessage() + str(vars(r)) for r in caplog.records)
    assert PD_SECRET.decode() not in text
    assert "Checkout 5xx" not in text
