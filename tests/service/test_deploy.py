"""The shipped deployment files: countersign's own Kubernetes analyser finds nothing to sign,
every manifest satisfies the schema below (what we require of a workload), and the
configuration they set is the service's, by its exact names."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from countersign.cli import cli
from countersign.service import settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
MANIFESTS = sorted((DEPLOY / "kubernetes").glob("*.yaml"))

CONTAINER = {
    "type": "object",
    "required": ["name", "image", "resources", "securityContext"],
    "properties": {
        "image": {"type": "string", "pattern": r"^[^:]+:(?!latest$)[\w.-]+$"},
        "resources": {
            "type": "object",
            "required": ["requests", "limits"],
            "properties": {"limits": {"type": "object", "required": ["memory"]}},
        },
        "securityContext": {
            "type": "object",
            "required": ["allowPrivilegeEscalation", "readOnlyRootFilesystem", "capabilities"],
            "properties": {
                "allowPrivilegeEscalation": {"const": False},
                "readOnlyRootFilesystem": {"const": True},
            },
        },
        "env": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}},
            },
        },
    },
}
POD = {
    "type": "object",
    "required": ["containers", "securityContext", "automountServiceAccountToken"],
    "properties": {
        "automountServiceAccountToken": {"const": False},
        "securityContext": {
            "type": "object",
            "required": ["runAsNonRoot"],
            "properties": {"runAsNonRoot": {"const": True}},
        },
        "containers": {"type": "array", "minItems": 1, "items": CONTAINER},
        "initContainers": {"type": "array", "items": CONTAINER},
    },
}
OBJECT = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "metadata": {"type": "object", "required": ["name", "namespace"]},
        "kind": {"enum": ["Deployment", "Service", "PodDisruptionBudget", "Job"]},
    },
}


def documents() -> list[dict]:
    return [d for path in MANIFESTS for d in yaml.safe_load_all(path.read_text()) if d]


def pods(doc: dict) -> dict | None:
    return doc["spec"]["template"]["spec"] if doc["kind"] in ("Deployment", "Job") else None


def test_countersign_scan_finds_no_hazard_in_the_manifests():
    result = CliRunner().invoke(cli, ["scan", *map(str, MANIFESTS)])
    assert result.exit_code == 0, result.output
    assert "No hazards found" in result.output


@pytest.mark.parametrize("doc", documents(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_each_manifest_satisfies_the_workload_schema(doc):
    jsonschema.validate(doc, OBJECT)
    spec = pods(doc)
    if spec is not None:
        jsonschema.validate(spec, POD)
    if doc["kind"] == "Deployment":
        assert (
            doc["spec"]["selector"]["matchLabels"].items()
            <= doc["spec"]["template"]["metadata"]["labels"].items()
        )


def test_the_manifests_set_only_the_services_own_variables():
    known = {
        settings.DATABASE_URL,
        settings.WEBHOOK_SECRET,
        settings.APP_ID,
        settings.APP_PRIVATE_KEY,
        settings.GITHUB_API_URL,
        settings.STATE_DIR,
        settings.GIT_URL,
    }
    used = {
        e["name"]
        for doc in documents()
        if pods(doc)
        for c in pods(doc)["containers"]
        for e in c.get("env", ())
    }
    assert used <= known
    assert {
        settings.DATABASE_URL,
        settings.WEBHOOK_SECRET,
        settings.APP_ID,
        settings.APP_PRIVATE_KEY,
    } <= used


def test_the_image_runs_countersign_serve_as_a_non_root_user():
    text = (DEPLOY / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["countersign"]' in text
    assert 'CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]' in text
    assert "USER 10001" in text
    assert "'.[service]'" in text
