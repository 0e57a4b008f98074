import json

from countersign.facts.blast_radius.resources import resources_of
from countersign.intake.change import Artifact

PLAN = {
    "format_version": "1.2",
    "resource_changes": [
        {
            "address": "module.checkout.aws_db_instance.main",
            "type": "aws_db_instance",
            "change": {
                "actions": ["delete", "create"],
                "before": {"db_name": "orders", "identifier": "orders-prod"},
                "after": {"db_name": "orders", "identifier": "orders-prod"},
            },
        },
        {
            "address": "aws_s3_bucket.logs",
            "type": "aws_s3_bucket",
            "change": {"actions": ["no-op"]},
        },
        {"address": "aws_iam_role.ci", "type": "aws_iam_role", "change": {"actions": ["update"]}},
    ],
}

MANIFESTS = """\
apiVersion: v1
kind: Namespace
metadata:
  name: payments
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: checkout-prod
spec: {replicas: 0}
"""


def test_terraform_plan_addresses_and_database_names():
    found = resources_of([Artifact("plan.json", json.dumps(PLAN))])
    assert [(r.kind, r.name) for r in found] == [
        ("terraform", "module.checkout.aws_db_instance.main"),
        ("database", "orders"),
        ("terraform", "aws_iam_role.ci"),
    ]


def test_kubernetes_namespaces_from_new_and_previous_manifests():
    old = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: legacy}\n"
    found = resources_of([Artifact("k8s/app.yaml", MANIFESTS, "diff", previous_text=old)])
    assert [(r.kind, r.name) for r in found] == [
        ("namespace", "payments"),
        ("namespace", "checkout-prod"),
        ("namespace", "legacy"),
    ]


def test_sql_database_names():
    sql = "\\connect orders\nDROP DATABASE IF EXISTS scratch;\nSELECT 1; -- use nothing\n"
    found = resources_of([Artifact("migrations/001.sql", sql)])
    assert [(r.kind, r.name) for r in found] == [("database", "orders"), ("database", "scratch")]


def test_unparsable_artifacts_yield_nothing():
    assert resources_of([Artifact("plan.json", "{not json"), Artifact("a.yaml", "a: [")]) == ()
    assert resources_of([Artifact("values.yaml", "replicas: 3\n")]) == ()


def test_a_yaml_file_that_cannot_hold_a_kubernetes_object_is_not_parsed(monkeypatch):
    # a lock file of half a megabyte has neither key: reading it as YAML took most of a replay
    from countersign.facts.blast_radius import resources

    parsed: list[str] = []
    monkeypatch.setattr(
        resources, "parse_yaml_documents", lambda text, where: parsed.append(text) or []
    )
    resources._namespaces.cache_clear()
    lock = "lockfileVersion: '9.0'\npackages:\n" + "  a@1.0.0: {resolution: {}}\n" * 1000
    assert resources_of([Artifact("pnpm-lock.yaml", lock, "diff", previous_text=lock)]) == ()
    assert parsed == []
    resources_of([Artifact("k8s/app.yaml", MANIFESTS, "diff")])
    assert parsed == [MANIFESTS]


def test_a_manifest_that_names_no_namespace_is_not_parsed(monkeypatch):
    # Nomad's e2e jobs and Helm values hold apiVersion and kind but no namespace: nothing to find
    from countersign.config import yamlfile
    from countersign.facts.blast_radius import resources

    parsed: list[str] = []

    def parse(text: str, where: str) -> list[object]:
        parsed.append(text)
        return yamlfile.parse_yaml_documents(text, where)

    monkeypatch.setattr(resources, "parse_yaml_documents", parse)
    resources._namespaces.cache_clear()
    plain = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
    assert resources_of([Artifact("k8s/web.yaml", plain, "diff")]) == ()
    assert parsed == []
    # what can spell one is still read: a quoted key, the kind, an escape in a quoted scalar
    quoted = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, 'namespace': q}\n"
    kind = "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n"
    escaped = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, "n\\x61mespace": e}\n'
    found = [
        (r.kind, r.name)
        for text in (quoted, kind, escaped)
        for r in resources_of([Artifact("k8s/x.yaml", text, "diff")])
    ]
    assert found == [("namespace", "q"), ("namespace", "team"), ("namespace", "e")]
    assert len(parsed) == 3


def test_a_manifest_read_again_in_a_later_change_is_parsed_once(monkeypatch):
    # a replay reads a file's new text in one change and as the old text in the next one
    from countersign.config import yamlfile
    from countersign.facts.blast_radius import resources

    parsed: list[str] = []

    def parse(text: str, where: str) -> list[object]:
        parsed.append(where)
        return yamlfile.parse_yaml_documents(text, where)

    monkeypatch.setattr(resources, "parse_yaml_documents", parse)
    resources._namespaces.cache_clear()
    first = resources_of([Artifact("k8s/app.yaml", MANIFESTS, "diff")])
    edited = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: edge}\n"
    second = resources_of([Artifact("deploy/app.yaml", edited, "diff", previous_text=MANIFESTS)])
    assert len(parsed) == 2  # MANIFESTS once, the new text once
    assert {(r.kind, r.name) for r in second} == {
        ("namespace", "edge"),
        *((r.kind, r.name) for r in first),
    }
    assert {r.artifact for r in second} == {"deploy/app.yaml"}


def test_a_manifest_whose_keys_are_escaped_is_still_read():
    # "\x61piVersion" is apiVersion to YAML: a key spelt with escapes must not hide the namespace
    text = '"\\x61piVersion": v1\n"\\u006bind": Namespace\nmetadata: {name: payments}\n'
    found = resources_of([Artifact("k8s/ns.yaml", text, "diff")])
    assert [(r.kind, r.name) for r in found] == [("namespace", "payments")]
