"""A launcher's command is judged as the command it launches: ``bundle exec rake db:drop`` is
``rake db:drop``; the framework script run by its interpreter is judged as the script."""

from __future__ import annotations

import pytest

from countersign.facts.shell import ShellContext, classify
from countersign.guard.prescreen import clearly_harmless

CTX = ShellContext(cwd="/work/p", project_root="/work/p")


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("bundle exec rake db:drop", "db.reset"),
        ("bundle exec --gemfile=Gemfile rails db:reset", "db.reset"),
        ("yarn prisma migrate reset --force", "db.reset"),
        ("pnpm --filter api exec prisma migrate reset", "db.reset"),
        ("poetry run python manage.py flush --no-input", "db.reset"),
        ("python manage.py flush", "db.reset"),
        ("php artisan migrate:fresh --seed", "db.reset"),
        ("php bin/console doctrine:database:drop --force", "db.reset"),
        ("npm exec -- terraform destroy", "infra.terraform-destroy"),
        ("mise exec -- kubectl delete ns shop", "cluster.delete"),
    ],
)
def test_the_launched_command_is_judged(command, rule):
    assert rule in {f.rule for f in classify(command, context=CTX)}
    assert not clearly_harmless(command, configured=False)


@pytest.mark.parametrize(
    "command",
    [
        "bundle exec rspec",
        "yarn build",
        "yarn run lint",
        "pnpm exec vitest run",
        "poetry run pytest -q",
        "python manage.py migrate",
        "php artisan route:list",
        "npm exec -- eslint .",
    ],
)
def test_a_harmless_launched_command_passes(command):
    assert classify(command, context=CTX) == []
