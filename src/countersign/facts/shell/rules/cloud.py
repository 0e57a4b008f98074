"""Cloud APIs: delete, terminate and remove calls of the aws, gcloud and az command lines, and
recursive deletes of buckets."""

from __future__ import annotations

from collections.abc import Iterator

from countersign.facts.shell.context import ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding
from countersign.facts.shell.invocation import Invocation
from countersign.facts.shell.rule import env_or_probe, has_flag, hit, option, positionals
from countersign.lazy_pattern import lazy

_AWS_DESTRUCTIVE = lazy(
    r"^(delete|terminate|remove|deregister|purge|disable|revoke|detach|cancel|reject|stop)-"
)
# Calls that stop a pending deletion (``kms cancel-key-deletion``): the way back, not a delete.
_UNDOES_DELETION = lazy(r"^cancel-(?:[\w-]+-)?deletion$")
_AWS_WITH_VALUE = {
    "--profile",
    "--region",
    "--output",
    "--endpoint-url",
    "--query",
    "--cli-input-json",
    "--color",
    "--ca-bundle",
}


def _profile(inv: Invocation, ctx: ShellContext, flag: str, env: str, probe: str) -> str | None:
    value = option(inv.args, flag) or env_or_probe(inv, ctx, env) or ctx.probe(probe)
    if ctx.production.names("cloud", value):
        return f"{flag.strip('-')} {value}"
    named = named_production(inv, ctx)
    if named:
        return named
    found = ctx.production.environment({**ctx.env, **dict(inv.env)})
    return f"environment {found}" if found else None


# Options that name the resource a call acts on (a bucket, a database, a stack, a cluster...).
_NAMING = (
    "--bucket", "--db-instance-identifier", "--db-cluster-identifier", "--stack-name",
    "--cluster", "--cluster-name", "--function-name", "--table-name", "--repository-name",
    "--name", "-n", "--file-system-id", "--queue-url", "--topic-arn", "--domain-name",
    "--environment-name", "--application-name", "--instance", "--database", "--resource-group",
    "-g", "--vault-name", "--server", "--secret-id", "--key-id",
)  # fmt: skip


def named_production(inv: Invocation, ctx: ShellContext) -> str | None:
    """A bucket, database, stack, project, namespace or cluster named like production in the
    arguments: ``s3://shop-prod``, ``--db-instance-identifier orders-prod``, ``delete prod-db``."""
    values = [option(inv.args, name) for name in _NAMING]
    values += [
        p.split("://", 1)[1].split("/", 1)[0] if "://" in p else p
        for p in positionals(inv.args, _AWS_WITH_VALUE | set(_NAMING))
    ]
    for value in values:
        if value and ctx.production.names("resource", value):
            return f"resource {value}"
    return None


def aws(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    pos = positionals(inv.args, _AWS_WITH_VALUE)
    if len(pos) < 2:
        return
    service, operation = pos[0], pos[1]
    prod = _profile(inv, ctx, "--profile", "AWS_PROFILE", "aws-profile")
    if service == "s3":
        if operation == "rm" and has_flag(inv.args, "", ("--recursive",)):
            yield hit(
                "cloud.bucket-delete",
                Severity.HIGH,
                f"s3 rm --recursive deletes every object under {' '.join(pos[2:3])}",
                inv,
                prod,
                Severity.CRITICAL,
            )
        elif operation == "rb" and has_flag(inv.args, "", ("--force",)):
            yield hit(
                "cloud.bucket-delete",
                Severity.HIGH,
                "s3 rb --force deletes the bucket and everything in it",
                inv,
                prod,
                Severity.CRITICAL,
            )
        elif operation == "sync" and has_flag(inv.args, "", ("--delete",)):
            yield hit(
                "cloud.bucket-delete",
                Severity.MEDIUM,
                "s3 sync --delete removes destination objects missing from the source",
                inv,
                prod,
            )
        elif operation in ("rm", "rb"):
            yield hit("cloud.delete", Severity.MEDIUM, f"s3 {operation} deletes data", inv, prod)
        return
    if operation == "unsubscribe":  # sns: the endpoint stops getting what it was sent
        yield hit(
            "cloud.delete",
            Severity.MEDIUM,
            f"aws {service} unsubscribe deletes the subscription: its endpoint stops receiving",
            inv,
            prod,
            Severity.HIGH,
        )
        return
    if _AWS_DESTRUCTIVE.match(operation) and not _UNDOES_DELETION.match(operation):
        severity = Severity.HIGH
        if "--skip-final-snapshot" in inv.args or operation.startswith(
            (
                "delete-db",
                "delete-table",
                "delete-bucket",
                "delete-file-system",
                "delete-stack",
                "delete-cluster",
            )
        ):
            severity = Severity.HIGH
        yield hit(
            "cloud.delete",
            severity,
            f"aws {service} {operation} removes or stops live resources",
            inv,
            prod,
            Severity.CRITICAL,
        )


def gcloud(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    pos = positionals(
        inv.args,
        {"--project", "--configuration", "--account", "--zone", "--region", "--format", "--filter"},
    )
    words = pos[:5]
    project = (
        option(inv.args, "--project")
        or env_or_probe(inv, ctx, "CLOUDSDK_CORE_PROJECT")
        or ctx.probe("gcloud-project")
    )
    prod = f"project {project}" if ctx.production.names("cloud", project) else None
    prod = prod or named_production(inv, ctx)
    if inv.name == "gsutil":
        if pos[:1] == ["rb"] or (pos[:1] == ["rm"] and has_flag(inv.args, "r", ())):
            yield hit(
                "cloud.bucket-delete",
                Severity.HIGH,
                f"gsutil {pos[0]} deletes buckets or every object under them",
                inv,
                prod,
                Severity.CRITICAL,
            )
        elif pos[:1] == ["rm"]:  # like ``aws s3 rm``: the objects named, unless versioned
            yield hit("cloud.delete", Severity.MEDIUM, "gsutil rm deletes objects", inv, prod)
        return
    if words[:2] == ["storage", "rm"] and has_flag(inv.args, "r", ("--recursive",)):
        yield hit(
            "cloud.bucket-delete",
            Severity.HIGH,
            "gcloud storage rm --recursive deletes every object",
            inv,
            prod,
            Severity.CRITICAL,
        )
    elif words[:2] == ["storage", "rm"]:
        yield hit("cloud.delete", Severity.MEDIUM, "gcloud storage rm deletes objects", inv, prod)
    elif any(w in ("delete", "remove", "destroy") or w.startswith("remove-") for w in words):
        yield hit(
            "cloud.delete",
            Severity.HIGH,
            f"gcloud {' '.join(words)} deletes live resources",
            inv,
            prod,
            Severity.CRITICAL,
        )


def az(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    pos = positionals(
        inv.args,
        {"--subscription", "-g", "--resource-group", "-n", "--name", "--output", "-o", "--query"},
    )
    sub = option(inv.args, "--subscription") or ctx.probe("az-subscription")
    group = option(inv.args, "-g", "--resource-group")
    prod = None
    for value in (sub, group):
        if ctx.production.names("cloud", value):
            prod = value
    prod = prod or named_production(inv, ctx)
    # ``delete-batch`` (storage blobs), ``untag`` (acr: an untagged image is purged)
    if any(w in ("delete", "purge", "remove", "untag") or w.startswith("delete-") for w in pos[:4]):
        yield hit(
            "cloud.delete",
            Severity.HIGH,
            f"az {' '.join(pos[:3])} deletes live resources",
            inv,
            prod,
            Severity.CRITICAL,
        )


def doctl(inv: Invocation, ctx: ShellContext) -> Iterator[ShellFinding]:
    pos = positionals(inv.args, {"--context", "-o", "--output"})
    if any(w in ("delete", "rm", "d") for w in pos[:4]):
        yield hit(
            "cloud.delete",
            Severity.HIGH,
            f"{inv.name} {' '.join(pos[:3])} deletes live resources",
            inv,
            named_production(inv, ctx),
            Severity.CRITICAL,
        )


RULES = {
    "aws": (aws,),
    "gcloud": (gcloud,),
    "gsutil": (gcloud,),
    "az": (az,),
    "doctl": (doctl,),
    "hcloud": (doctl,),
    "linode-cli": (doctl,),
}
