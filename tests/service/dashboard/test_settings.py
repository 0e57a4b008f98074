"""The dashboard's settings: off without a session secret; otherwise each mistake is one line
naming the variable (exit 3 from ``countersign serve``)."""

from __future__ import annotations

import pytest

from countersign.errors import UsageError
from countersign.service.settings import dashboard_from

SECRET = "s" * 40


def test_without_a_session_secret_there_is_no_dashboard():
    assert dashboard_from({}) is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"COUNTERSIGN_SESSION_SECRET": "short"},
            "COUNTERSIGN_SESSION_SECRET must be at least 32 characters (a random string)",
        ),
        (
            {},
            "the dashboard needs a way to sign in: set COUNTERSIGN_OAUTH_CLIENT_ID (GitHub) or COUNTERSIGN_TRUSTED_PROXIES (an identity header from your proxy)",
        ),
        (
            {"COUNTERSIGN_OAUTH_CLIENT_ID": "Iv1.x"},
            "set COUNTERSIGN_OAUTH_CLIENT_SECRET to the App's OAuth client secret",
        ),
        (
            {"COUNTERSIGN_OAUTH_CLIENT_ID": "Iv1.x", "COUNTERSIGN_OAUTH_CLIENT_SECRET": "y"},
            "set COUNTERSIGN_PUBLIC_URL to the dashboard's URL (GitHub sends people back there)",
        ),
        (
            {"COUNTERSIGN_TRUSTED_PROXIES": "10.0.0.1, proxy.local"},
            "COUNTERSIGN_TRUSTED_PROXIES: 'proxy.local' is not an IP address or network",
        ),
    ],
)
def test_each_mistake_is_one_line(env, message):
    with pytest.raises(UsageError) as raised:
        dashboard_from({"COUNTERSIGN_SESSION_SECRET": SECRET, **env})
    assert str(raised.value) == message


def test_a_proxy_is_trusted_only_at_its_addresses():
    made = dashboard_from(
        {"COUNTERSIGN_SESSION_SECRET": SECRET, "COUNTERSIGN_TRUSTED_PROXIES": "10.0.0.0/30,::1"}
    )
    assert made is not None
    assert [made.trusted(a) for a in ("10.0.0.2", "10.0.0.9", "::1", "", "nonsense")] == [
        True,
        False,
        True,
        False,
        False,
    ]
    assert not made.secure_cookies
