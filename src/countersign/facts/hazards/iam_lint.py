"""What an AWS policy's new grants allow, from the IAM documentation: every action or every
action of a service, writes on resources written as patterns that match everything, public
principals (``*``, any account's root) not narrowed by a condition on who is calling,
actions that hand out credentials, permission management and the documented escalation
combinations, and resource policies that let their principal rewrite their own access."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from countersign.facts.hazards import Severity

if TYPE_CHECKING:
    from countersign.facts.hazards.iam import Grant

# Permission management: a principal holding one grants itself more.
PERMISSION_MANAGEMENT = (
    "iam:passrole", "iam:createpolicyversion", "iam:setdefaultpolicyversion",
    "iam:attachuserpolicy", "iam:attachrolepolicy", "iam:attachgrouppolicy",
    "iam:putuserpolicy", "iam:putrolepolicy", "iam:putgrouppolicy",
    "iam:createaccesskey", "iam:createloginprofile", "iam:updateloginprofile",
    "iam:updateassumerolepolicy", "iam:addusertogroup", "iam:putrolepermissionsboundary",
    "iam:deleterolepermissionsboundary", "iam:deleteuserpermissionsboundary",
    "iam:putuserpermissionsboundary", "iam:deleterolepolicy", "iam:detachrolepolicy",
    "organizations:attachpolicy", "sso:attachmanagedpolicytopermissionset",
    "sso:putinlinepolicytopermissionset",
)  # fmt: skip
# Actions that return credentials or secrets to the caller.
CREDENTIAL_ACTIONS = (
    "redshift:getclustercredentials", "redshift:getclustercredentialswithiam",
    "redshift-serverless:getcredentials", "ecr:getauthorizationtoken",
    "codeartifact:getauthorizationtoken", "sts:getfederationtoken",
    "sso:getrolecredentials", "cognito-identity:getcredentialsforidentity",
    "ec2:getpassworddata", "lightsail:getinstanceaccessdetails", "rds-db:connect",
    "secretsmanager:getsecretvalue", "ssm:getparameter", "ssm:getparameters",
    "ssm:getparametersbypath", "kms:decrypt", "iam:createservicespecificcredential",
    "ec2-instance-connect:sendsshpublickey", "ssm:startsession",
)  # fmt: skip
# Documented escalation paths that need two grants: PassRole plus a service that runs code
# as the passed role.
PASSROLE_COMBINATIONS = (
    ("lambda:createfunction", "a new Lambda function"),
    ("ec2:runinstances", "a new EC2 instance"),
    ("cloudformation:createstack", "a CloudFormation stack"),
    ("glue:createdevendpoint", "a Glue dev endpoint"),
    ("glue:createjob", "a Glue job"),
    ("datapipeline:createpipeline", "a Data Pipeline"),
    ("ecs:registertaskdefinition", "an ECS task"),
    ("sagemaker:createnotebookinstance", "a SageMaker notebook"),
    ("codebuild:createproject", "a CodeBuild project"),
)
# Actions on a resource that rewrite who may use it.
POLICY_WRITERS = (
    "s3:putbucketpolicy", "s3:putbucketacl", "s3:putobjectacl", "kms:putkeypolicy",
    "kms:creategrant", "sqs:setqueueattributes", "sqs:addpermission",
    "sns:settopicattributes", "sns:addpermission", "secretsmanager:putresourcepolicy",
    "lambda:addpermission", "ecr:setrepositorypolicy", "iam:updateassumerolepolicy",
    "glacier:setvaultaccesspolicy", "es:updateelasticsearchdomainconfig",
)  # fmt: skip
# Writes the Service Authorization Reference lists with no resource type: IAM accepts only
# ``Resource: "*"`` for them, so ``*`` is not a choice to widen anything.
UNSCOPABLE = frozenset(
    {
        "cloudwatch:putmetricdata", "xray:puttracesegments", "xray:puttelemetryrecords",
        "logs:createlogdelivery",
    }
)  # fmt: skip
READ_PREFIXES = ("get", "list", "describe", "head", "view", "lookup", "batchget", "query")
# Condition keys that narrow who the caller is; others (SecureTransport, Referer, UserAgent)
# leave a public principal public.
CALLER_KEYS = frozenset(
    {
        "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount",
        "aws:principalarn", "aws:sourceaccount", "aws:sourcearn", "aws:sourceowner",
        "aws:sourcevpce", "aws:sourcevpc", "aws:sourceip", "aws:vpcsourceip", "aws:userid",
        "aws:username", "aws:sourceorgid", "aws:sourceorgpaths", "aws:calledvia",
        "aws:principalservicename", "aws:principaltype", "cognito-identity.amazonaws.com:aud",
        "sts:externalid", "token.actions.githubusercontent.com:sub",
        "token.actions.githubusercontent.com:aud", "accounts.google.com:aud",
    }
)  # fmt: skip
# ARN resource types: ``table/*`` in any account is every table.
RESOURCE_TYPES = frozenset(
    {
        "table", "role", "user", "group", "policy", "function", "instance", "key", "secret",
        "parameter", "repository", "cluster", "db", "stack", "topic", "queue", "volume",
        "snapshot", "image", "bucket", "distribution", "hostedzone", "alias", "service",
    }
)  # fmt: skip
_MAX_LISTED = 5
_EVERYTHING = re.compile(r"^(?:\*|arn:[^:]*:[^:]*:[*]?:[*]?:\*|arn:(?:\*|[^:]+):\*(?::\*)*|\*:\*)$")


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: Severity
    grants: tuple[Grant, ...]
    what: str


def matches_everything(resource: str) -> bool:
    """``*`` and the patterns that mean the same: ``arn:aws:s3:::*``, ``arn:*:*``, ``*:*``,
    ``arn:aws:iam::*:role/*``-style wildcards over every account and name."""
    if _EVERYTHING.match(resource):
        return True
    parts = resource.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":  # an ARN has six parts
        return False
    account, rest = parts[4], parts[5]
    if rest in {"*", "*/*"}:
        return True
    kind, _, name = rest.partition("/")
    return account == "*" and name == "*" and kind.lower() in RESOURCE_TYPES


def public(grant: Grant) -> bool:
    principal = grant.principal
    return principal == "*" or bool(re.fullmatch(r"aws:arn:aws:iam::\*:root|aws:\*", principal))


def lint(grants: Iterable[Grant]) -> Iterator[Finding]:
    grants = list(grants)
    yield from _wildcards(grants)
    yield from _public(grants)
    yield from _escalation(grants)
    credentials = [g for g in grants if _any(g.action, CREDENTIAL_ACTIONS)]
    if credentials:
        wide = any(matches_everything(g.resource) for g in credentials)
        yield Finding(
            "iam.credential_access",
            Severity.HIGH if wide else Severity.MEDIUM,
            tuple(credentials),
            "hands out credentials or secrets" + (" for every resource" if wide else ""),
        )
    writers = [g for g in grants if g.principal and _any(g.action, POLICY_WRITERS)]
    if writers:
        yield Finding(
            "iam.self_managed_access",
            Severity.HIGH,
            tuple(writers),
            "lets its principal rewrite this resource's policy (and so its own access)",
        )


def _wildcards(grants: list[Grant]) -> Iterator[Finding]:
    wild = [g for g in grants if g.action == "*"]
    if wild:
        yield Finding("iam.wildcard_action", Severity.CRITICAL, tuple(wild), "allows every action")
    service_wild = [g for g in grants if g.action != "*" and g.action.endswith(":*")]
    if service_wild:
        yield Finding(
            "iam.wildcard_action",
            Severity.HIGH,
            tuple(service_wild),
            "allows every action of a service",
        )
    any_resource = [
        g
        for g in grants
        if matches_everything(g.resource)
        and g.action != "*"
        and not g.action.endswith(":*")
        and not _read_only(g.action)
        and g.action not in UNSCOPABLE
        and not g.principal  # a resource policy's Resource is the resource itself
    ]
    if any_resource:
        yield Finding(
            "iam.wildcard_resource",
            Severity.MEDIUM,
            tuple(any_resource),
            "allows writes on every resource",
        )


def _public(grants: list[Grant]) -> Iterator[Finding]:
    found = [g for g in grants if public(g) and not g.restricted]
    if not found:
        return
    reads = all(_read_only(g.action) for g in found)
    conditional = all(g.conditional for g in found)
    kind = "public read" if reads else "public write"
    why = ", narrowed only by conditions that do not say who is calling" if conditional else ""
    yield Finding(
        "iam.public_principal",
        Severity.CRITICAL,
        tuple(found),
        f"allows anyone ({kind}{why})",
    )


def _escalation(grants: list[Grant]) -> Iterator[Finding]:
    managing = [g for g in grants if _any(g.action, PERMISSION_MANAGEMENT)]
    assume_any = [
        g
        for g in grants
        if fnmatchcase("sts:assumerole", g.action)
        and g.action != "*"
        and not g.principal
        and matches_everything(g.resource)
    ]
    if managing or assume_any:
        yield Finding(
            "iam.privilege_escalation",
            Severity.HIGH,
            tuple(managing + assume_any),
            "allows privilege escalation (permission management or any role assumed)",
        )
    passes = [g for g in grants if fnmatchcase("iam:passrole", g.action)]
    for action, what in PASSROLE_COMBINATIONS:
        runs = [g for g in grants if fnmatchcase(action, g.action) and g.action != "*"]
        if passes and runs:
            yield Finding(
                "iam.privilege_escalation",
                Severity.CRITICAL,
                (passes[0], runs[0]),
                f"iam:PassRole with {action}: runs code in {what} as any role it may pass",
            )
            break


def _any(action: str, names: tuple[str, ...]) -> bool:
    """Whether the granted action (itself possibly a pattern, ``iam:put*``) covers a name;
    ``*`` and ``svc:*`` are reported as wildcards already."""
    if action == "*" or action.endswith(":*"):
        return False
    return any(fnmatchcase(name, action) for name in names)


def _read_only(action: str) -> bool:
    _, _, verb = action.partition(":")
    return verb.startswith(READ_PREFIXES) and not _any(action, CREDENTIAL_ACTIONS)


def listed(grants: Iterable[Grant]) -> str:
    return ", ".join(sorted({g.shown for g in grants})[:_MAX_LISTED])
