"""Hosting platforms and managed databases: each destructive call with its safe neighbours."""

from __future__ import annotations

import pytest

from countersign.facts.shell import Severity, ShellContext, classify
from countersign.facts.shell.rules.platform import CALLS
from countersign.guard.prescreen import GATED, clearly_harmless

ROOT = "/work/project"
CTX = ShellContext(cwd=ROOT, project_root=ROOT, home="/home/dev")


@pytest.mark.parametrize(
    ("command", "rule", "severity", "reason"),
    [
        (
            "gh repo delete acme/shop --yes",
            "platform.delete",
            Severity.HIGH,
            "gh repo delete acme/shop deletes the repository",
        ),
        ("gh release delete v1.2 -y", "platform.delete", Severity.MEDIUM, "deletes the release"),
        ("fly apps destroy shop-staging -y", "platform.delete", Severity.HIGH, "destroys the app"),
        (
            "flyctl volumes destroy vol_123 --yes",
            "platform.delete",
            Severity.HIGH,
            "the data on it",
        ),
        ("fly postgres destroy shop-db", "db.drop", Severity.HIGH, "destroys the Postgres cluster"),
        (
            "heroku apps:destroy --app shop --confirm shop",
            "platform.delete",
            Severity.HIGH,
            "destroys the app",
        ),
        ("heroku pg:reset DATABASE_URL --confirm shop", "db.reset", Severity.HIGH, "every table"),
        (
            "vercel remove shop --yes",
            "platform.delete",
            Severity.HIGH,
            "removes the project's deployments",
        ),
        ("vercel project rm shop", "platform.delete", Severity.HIGH, "deletes the project"),
        ("netlify sites:delete 1234 --force", "platform.delete", Severity.HIGH, "deletes the site"),
        (
            "firebase firestore:delete --all-collections -f",
            "db.delete-all",
            Severity.HIGH,
            "Firestore",
        ),
        ("firebase database:remove /users -f", "db.delete-all", Severity.HIGH, "Realtime Database"),
        ("supabase db reset --linked", "db.reset", Severity.HIGH, "all data lost"),
        (
            "supabase db reset --db-url postgres://u@h/db",
            "db.reset",
            Severity.HIGH,
            "all data lost",
        ),
        ("supabase projects delete abcdefgh", "platform.delete", Severity.HIGH, "its database"),
        ("railway down -y", "platform.delete", Severity.MEDIUM, "latest deployment"),
        ("wrangler d1 delete shop-db", "db.drop", Severity.HIGH, "D1 database"),
        ("wrangler r2 bucket delete assets", "platform.delete", Severity.HIGH, "R2 bucket"),
        ("wrangler delete", "platform.delete", Severity.HIGH, "deletes the Worker"),
        ("neonctl projects delete misty-1234", "platform.delete", Severity.HIGH, "its databases"),
        ("neon branches delete br-dev", "platform.delete", Severity.MEDIUM, "the branch"),
        ("pscale database delete shop --force", "db.drop", Severity.HIGH, "deletes the database"),
        ("turso db destroy shop --yes", "db.drop", Severity.HIGH, "destroys the database"),
        ("npx vercel remove shop --yes", "platform.delete", Severity.HIGH, "removes"),
    ],
)
def test_destructive_platform_calls_are_found(command, rule, severity, reason):
    (finding,) = classify(command, ROOT, CTX)
    assert (finding.rule, finding.severity) == (rule, severity)
    assert reason in finding.reason
    assert not clearly_harmless(command, configured=False)


@pytest.mark.parametrize(
    "command",
    [
        "gh pr create --fill",
        "gh repo view acme/shop",
        "gh release create v1.2",
        "fly deploy",
        "fly apps list",
        "heroku logs --tail -a shop",
        "vercel deploy --prod",
        "netlify deploy --prod",
        "firebase deploy --only hosting",
        "supabase db reset",  # the local development database
        "supabase db push",
        "railway up",
        "wrangler deploy",
        "wrangler d1 execute shop-db --command 'SELECT 1'",
        "neonctl branches create --name dev",
        "pscale branch create shop dev",
        "turso db create shop",
    ],
)
def test_everyday_platform_calls_raise_nothing(command):
    assert classify(command, ROOT, CTX) == []


def test_a_production_app_or_environment_is_critical():
    (named,) = classify("fly apps destroy shop-prod -y", ROOT, CTX)
    assert named.severity is Severity.CRITICAL
    assert "production context: shop-prod" in named.reason
    (by_env,) = classify("APP_ENV=production heroku pg:reset DATABASE_URL", ROOT, CTX)
    assert by_env.severity is Severity.CRITICAL


def test_the_prescreen_gates_every_destructive_call_on_a_word_it_contains():
    for name, calls in CALLS.items():
        for call in calls:
            assert GATED[name] & set(call.words), (name, call.words)


@pytest.mark.parametrize(
    "command",
    [
        "wrangler kv:namespace delete --namespace-id=0f2ac74b498b48028cb68387c421e279",
        "wrangler kv:key delete --binding=CACHE user-42",
        "wrangler kv bulk delete --binding=CACHE keys.json",
        "wrangler r2 object delete assets/logo.png",
    ],
)
def test_wrangler_deletes_in_both_spellings(command):
    assert [f.rule for f in classify(command, ROOT, CTX)] == ["platform.delete"]


@pytest.mark.parametrize(
    "command", ["wrangler kv:key get --binding=CACHE user-42", "wrangler r2 object get a/b.png"]
)
def test_wrangler_reads_pass(command):
    assert classify(command, ROOT, CTX) == []
