"""IAM rules from the clouds' documentation, each with a clean counterpart: credentials handed
out, permission management and the documented PassRole combinations, resource policies that
let a principal rewrite its own access, everything-matching resource patterns, public
principals, and GCP/Azure role bindings."""

from __future__ import annotations

import json

import pytest
from hazard_cases import diff, kinds

from countersign.facts.hazards import Severity


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


@pytest.mark.parametrize(
    ("risky", "clean", "kind"),
    [
        (
            allow("redshift:GetClusterCredentials"),
            allow("redshift:DescribeClusters"),
            "iam.credential_access",
        ),
        (
            allow("ecr:GetAuthorizationToken"),
            allow("ecr:DescribeRepositories"),
            "iam.credential_access",
        ),
        (
            allow("secretsmanager:GetSecretValue"),
            allow("secretsmanager:ListSecrets"),
            "iam.credential_access",
        ),
        (allow("iam:PutRolePolicy"), allow("iam:GetRolePolicy"), "iam.privilege_escalation"),
        (allow("iam:Attach*"), allow("iam:List*"), "iam.privilege_escalation"),
        (
            allow("sts:AssumeRole"),
            allow("sts:AssumeRole", "arn:aws:iam::123456789012:role/deploy"),
            "iam.privilege_escalation",
        ),
        (
            allow("s3:PutObject", "arn:aws:s3:::*"),
            allow("s3:PutObject", "arn:aws:s3:::shop-assets/*"),
            "iam.wildcard_resource",
        ),
        (
            allow("dynamodb:PutItem", "arn:aws:dynamodb:*:*:table/*"),
            allow("dynamodb:PutItem", "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"),
            "iam.wildcard_resource",
        ),
    ],
)
def test_identity_policy_rule_and_its_clean_counterpart(risky, clean, kind):
    assert kind in kinds(diff("iam/role.json", policy(risky)))
    assert diff("iam/role.json", policy(clean)) == ()


def test_passrole_with_a_service_that_runs_code_is_a_critical_combination():
    hazards = diff(
        "iam/role.json",
        policy(
            allow("iam:PassRole", "arn:aws:iam::123456789012:role/app"),
            allow("lambda:CreateFunction"),
        ),
    )
    combo = [
        h
        for h in hazards
        if "lambda:createfunction" in h.detail and h.severity is Severity.CRITICAL
    ]
    assert combo
    assert combo[0].kind == "iam.privilege_escalation"


def test_trust_policy_for_a_service_is_clean():
    trust = policy(
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    assert diff("iam/trust.json", trust) == ()


def test_github_oidc_trust_narrowed_by_subject_is_clean_and_unnarrowed_is_public():
    statement = {
        "Effect": "Allow",
        "Principal": {
            "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
        },
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:shop/api:*"}},
    }
    assert diff("iam/trust.json", policy(statement)) == ()


def test_resource_policy_letting_its_principal_rewrite_it():
    risky = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/app"},
             "Action": ["s3:GetObject", "s3:PutBucketPolicy"], "Resource": "arn:aws:s3:::shop"}  # fmt: skip
    clean = {**risky, "Action": ["s3:GetObject"]}
    assert kinds(diff("bucket-policy.json", policy(risky))) == ["iam.self_managed_access"]
    assert diff("bucket-policy.json", policy(clean)) == ()


@pytest.mark.parametrize(
    "condition",
    [
        {"Bool": {"aws:SecureTransport": "true"}},
        {"StringLike": {"aws:Referer": "https://shop.example/*"}},
    ],
)
def test_public_principal_narrowed_only_by_transport_or_referer_stays_public(condition):
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::site/*", "Condition": condition}  # fmt: skip
    (hazard,) = diff("bucket-policy.json", policy(statement))
    assert hazard.kind == "iam.public_principal"
    assert "public read" in hazard.detail


def test_any_accounts_root_is_a_public_principal():
    statement = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::*:root"},
                 "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:eu-west-1:123456789012:q"}  # fmt: skip
    assert kinds(diff("queue-policy.json", policy(statement))) == ["iam.public_principal"]


def test_public_principal_with_an_org_condition_is_not_public():
    statement = {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                 "Resource": "arn:aws:sqs:eu-west-1:123456789012:q",
                 "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}  # fmt: skip
    assert diff("queue-policy.json", policy(statement)) == ()


def test_statement_expanding_past_the_bound_is_unanalysable():
    actions = [f"s3:Put{i}" for i in range(1000)]
    resources = [f"arn:aws:s3:::b{i}/*" for i in range(1000)]
    (hazard,) = diff("iam/role.json", policy(allow(actions, resources)))
    assert hazard.kind == "artifact.unanalysable"


GCP = {
    "bindings": [{"role": "roles/storage.objectViewer", "members": ["group:eng@shop.example"]}],
    "etag": "BwX=",
}


@pytest.mark.parametrize(
    ("role", "member", "kind"),
    [
        ("roles/owner", "user:ana@shop.example", "iam.admin_role"),
        ("roles/editor", "serviceAccount:ci@shop.iam.gserviceaccount.com", "iam.admin_role"),
        ("roles/storage.admin", "group:eng@shop.example", "iam.admin_role"),
        ("roles/storage.objectViewer", "allUsers", "iam.public_principal"),
        ("roles/run.invoker", "allAuthenticatedUsers", "iam.public_principal"),
    ],
)
def test_gcp_binding_that_owns_or_is_public(role, member, kind):
    new = {**GCP, "bindings": [*GCP["bindings"], {"role": role, "members": [member]}]}
    assert kinds(diff("iam/project-policy.json", json.dumps(new), json.dumps(GCP))) == [kind]


def test_gcp_policy_unchanged_or_narrowed_is_clean():
    assert diff("iam/project-policy.json", json.dumps(GCP), json.dumps(GCP)) == ()
    assert diff("iam/project-policy.json", json.dumps(GCP)) == ()


def test_gcp_policy_in_gclouds_yaml():
    text = "bindings:\n- members:\n  - allUsers\n  role: roles/storage.objectViewer\netag: BwX=\nversion: 1\n"
    (hazard,) = diff("iam/bucket-policy.yaml", text)
    assert (hazard.kind, "public read" in hazard.detail) == ("iam.public_principal", True)


def test_azure_role_assignment_of_owner_and_a_reader():
    owner = {
        "properties": {
            "roleDefinitionId": "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            "principalId": "p1",
        }
    }
    reader = {
        "properties": {
            "roleDefinitionId": "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
            "principalId": "p1",
        }
    }
    assert kinds(diff("azure/assignment.json", json.dumps(owner))) == ["iam.admin_role"]
    assert diff("azure/assignment.json", json.dumps(reader)) == ()


def test_azure_custom_role_with_every_action():
    role = {
        "Name": "ops",
        "Actions": ["*"],
        "NotActions": [],
        "AssignableScopes": ["/subscriptions/s"],
    }
    assert kinds(diff("azure/role.json", json.dumps(role))) == ["iam.wildcard_action"]
    narrow = {**role, "Actions": ["Microsoft.Compute/virtualMachines/read"]}
    assert diff("azure/role.json", json.dumps(narrow)) == ()


def test_writes_that_accept_only_every_resource_are_not_wildcard_widening():
    metrics = policy(allow(["cloudwatch:PutMetricData", "xray:PutTraceSegments"]))
    assert diff("iam/role.json", metrics) == ()
    assert kinds(diff("iam/role.json", policy(allow("logs:PutLogEvents")))) == [
        "iam.wildcard_resource"
    ]
