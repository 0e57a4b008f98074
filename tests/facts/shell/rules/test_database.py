"""Database rules that the family table in test_classify does not reach."""

from __future__ import annotations

import pytest

from countersign.facts.shell import Severity, ShellContext, classify
from countersign.guard.prescreen import clearly_harmless

ROOT = "/work/project"
CTX = ShellContext(cwd=ROOT, project_root=ROOT, home="/home/dev")


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("npx prisma db push --accept-data-loss", "prisma db push --accept-data-loss drops"),
        ("npx drizzle-kit push --force", "drizzle-kit push --force drops"),
    ],
)
def test_schema_pushes_that_skip_the_data_loss_prompt_are_asked(command, said):
    (finding,) = classify(command, ROOT, CTX)
    assert (finding.rule, finding.severity) == ("db.drop", Severity.MEDIUM)
    assert said in finding.reason
    assert not clearly_harmless(command, configured=False)


@pytest.mark.parametrize(
    "command", ["npx prisma db push", "npx drizzle-kit push", "npx drizzle-kit generate"]
)
def test_schema_pushes_that_prompt_first_raise_nothing(command):
    assert classify(command, ROOT, CTX) == []


@pytest.mark.parametrize(
    "command",
    [
        "redis-cli SHUTDOWN NOSAVE",
        "redis-cli -h cache-1 debug segfault",
        "echo 'SHUTDOWN NOSAVE' | redis-cli",
    ],
)
def test_stopping_redis_without_saving_is_asked(command):
    (finding,) = [f for f in classify(command, ROOT, CTX) if f.rule == "db.server-kill"]
    assert finding.severity is Severity.HIGH


@pytest.mark.parametrize(
    "command", ["redis-cli SHUTDOWN SAVE", "redis-cli shutdown", "redis-cli DEBUG OBJECT k"]
)
def test_a_saving_shutdown_is_not_a_kill(command):
    assert [f for f in classify(command, ROOT, CTX) if f.rule == "db.server-kill"] == []


@pytest.mark.parametrize("command", ["rake db:drop:all", "bin/rails db:drop:_unsafe"])
def test_dropping_every_database_is_a_reset(command):
    assert [f.rule for f in classify(command, ROOT, CTX)] == ["db.reset"]
