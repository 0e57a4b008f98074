"""A bucket, database, stack, project, namespace or cluster named like production in the
command's arguments raises severity as a production kube context does; the names are
configurable (guard.yaml production.resources) and default to whole tokens like prod or live."""

from __future__ import annotations

import pytest

from countersign.facts.shell import Production, Severity, ShellContext, classify

ROOT = "/work/project"
CTX = ShellContext(cwd=ROOT, project_root=ROOT)


def _top(command: str, ctx: ShellContext = CTX):
    return classify(command, context=ctx)[0]


@pytest.mark.parametrize(
    ("dangerous", "same_elsewhere"),
    [
        ("aws s3 rm s3://shop-prod/ --recursive", "aws s3 rm s3://shop-dev/ --recursive"),
        (
            "aws rds delete-db-instance --db-instance-identifier orders-prod",
            "aws rds delete-db-instance --db-instance-identifier orders-staging",
        ),
        ("gcloud sql instances delete shop-prod", "gcloud sql instances delete shop-test"),
        ("az sql db delete -g rg -n orders-live", "az sql db delete -g rg -n orders-qa"),
        ("helm uninstall payments-live", "helm uninstall payments-preview"),
        ('psql -d shop_prod -c "DROP TABLE carts"', 'psql -d shop_dev -c "DROP TABLE carts"'),
        ("rclone purge s3:prod-backups", "rclone purge s3:dev-backups"),
        (
            "vault kv destroy -versions=1 secret/prod/db",
            "vault kv destroy -versions=1 secret/dev/db",
        ),
        ("nats stream rm ORDERS --context prod -f", "nats stream rm ORDERS --context dev -f"),
    ],
)
def test_a_production_name_in_the_arguments_raises_severity(dangerous, same_elsewhere):
    prod, other = _top(dangerous), _top(same_elsewhere)
    assert prod.production
    assert not other.production
    assert prod.severity.rank > other.severity.rank
    assert prod.rule == other.rule


def test_a_product_is_not_production():
    assert not _top("gcloud sql instances delete product-catalog").production


def test_configured_names_replace_the_defaults():
    ctx = ShellContext(cwd=ROOT, project_root=ROOT, production=Production(resources=("*-main",)))
    assert _top("gcloud sql instances delete shop-main", ctx).severity is Severity.CRITICAL
    assert not _top("gcloud sql instances delete shop-prod", ctx).production
