"""``countersign serve``: a missing or wrong setting is one line naming the variable, exit 3."""

from __future__ import annotations

import pytest

from countersign.errors import UsageError
from countersign.main import main
from countersign.service.settings import from_environment

GOOD = {
    "COUNTERSIGN_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
    "COUNTERSIGN_WEBHOOK_SECRET": "s3cret",
    "COUNTERSIGN_APP_ID": "9001",
    "COUNTERSIGN_APP_PRIVATE_KEY": "/nonexistent/app.pem",
}


@pytest.mark.parametrize(
    ("unset", "message"),
    [
        ("COUNTERSIGN_DATABASE_URL", "set COUNTERSIGN_DATABASE_URL to a postgresql:// URL"),
        (
            "COUNTERSIGN_WEBHOOK_SECRET",
            "set COUNTERSIGN_WEBHOOK_SECRET to the App's webhook secret",
        ),
        ("COUNTERSIGN_APP_ID", "set COUNTERSIGN_APP_ID to the App's numeric id"),
        (
            "COUNTERSIGN_APP_PRIVATE_KEY",
            "set COUNTERSIGN_APP_PRIVATE_KEY to the path of the App's private key (PEM)",
        ),
    ],
)
def test_the_worker_names_the_missing_setting(monkeypatch, capsys, unset, message):
    for name, value in GOOD.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(unset)
    assert main(["serve", "worker"]) == 3
    assert capsys.readouterr().err == f"countersign: error: {message}\n"


def test_an_unreadable_private_key_is_one_line_before_any_job_runs(monkeypatch, capsys):
    for name, value in GOOD.items():
        monkeypatch.setenv(name, value)
    assert main(["serve", "worker"]) == 3
    err = capsys.readouterr().err
    assert err.startswith(
        "countersign: error: COUNTERSIGN_APP_PRIVATE_KEY: cannot read /nonexistent/app.pem"
    )
    assert err.count("\n") == 1


def test_the_web_process_needs_only_the_database_and_the_secret():
    settings = from_environment(
        {
            "COUNTERSIGN_DATABASE_URL": GOOD["COUNTERSIGN_DATABASE_URL"],
            "COUNTERSIGN_WEBHOOK_SECRET": "x",
        },
        web_only=True,
    )
    assert settings.api_url == "https://api.github.com"
    assert "hunter2" not in repr(settings)


def test_incident_webhook_secrets_are_lists_and_never_short_or_printed():
    base = {
        "COUNTERSIGN_DATABASE_URL": GOOD["COUNTERSIGN_DATABASE_URL"],
        "COUNTERSIGN_WEBHOOK_SECRET": "x",
    }
    settings = from_environment(
        base | {"COUNTERSIGN_PAGERDUTY_SECRETS": "new-secret-0123456789, old-secret-0123456789"},
        web_only=True,
    )
    assert settings.pagerduty_secrets == (b"new-secret-0123456789", b"old-secret-0123456789")
    assert settings.opsgenie_tokens == settings.incident_secrets == ()
    assert "0123456789" not in repr(settings)
    with pytest.raises(UsageError) as raised:
        from_environment(base | {"COUNTERSIGN_OPSGENIE_TOKENS": "short"}, web_only=True)
    assert str(raised.value) == (
        "COUNTERSIGN_OPSGENIE_TOKENS: each secret must be at least 16 characters"
    )
