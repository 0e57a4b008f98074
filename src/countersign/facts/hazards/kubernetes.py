"""Kubernetes manifests: objects the change removes (a deletion wherever the deploy tool
prunes), the ones that take data or availability with them, and workloads scaled to zero."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from countersign.config.hazards import Production
from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, Severity, unanalysable
from countersign.facts.hazards.documents import (
    Document,
    DocumentKind,
    Unanalysable,
    documents,
)
from countersign.facts.hazards.parsing import load_yaml_documents
from countersign.intake.change import Change

# Removing these takes data (or every custom resource of the type) with it.
REMOVALS = {
    "Namespace": ("k8s.delete_namespace", Severity.CRITICAL, "and everything in it"),
    "PersistentVolumeClaim": ("k8s.delete_volume", Severity.CRITICAL, "and, by default, its data"),
    "PersistentVolume": ("k8s.delete_volume", Severity.CRITICAL, "and possibly its data"),
    "CustomResourceDefinition": ("k8s.delete_crd", Severity.CRITICAL, "and every object of it"),
    "StatefulSet": ("k8s.delete_statefulset", Severity.HIGH, "and its pods"),
    "PodDisruptionBudget": ("k8s.delete_pdb", Severity.MEDIUM, "so evictions are unguarded"),
}
SCALABLE = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})
_TEMPLATE_LINE = re.compile(r"^\s*\{\{.*\}\}\s*$")
_TEMPLATE_EXPR = re.compile(r"\{\{.*?\}\}")


@dataclass(frozen=True)
class K8sObject:
    kind: str
    namespace: str
    name: str
    line: int
    replicas: int | None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.kind, self.namespace, self.name

    @property
    def label(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    production = context.config.hazards.production
    for doc in documents(change):
        if doc.kind is DocumentKind.KUBERNETES:
            yield from analyze_manifest(doc, production)


def analyze_manifest(doc: Document, production: Production) -> Iterator[Hazard]:
    try:
        new = _objects(doc.text) if doc.text is not None else {}
        old = _objects(doc.previous) if doc.previous is not None else {}
    except Unanalysable as exc:
        yield unanalysable(doc.path, f"Kubernetes manifest {exc}", exc.line)
        return
    for key, obj in old.items():
        if key in new:
            continue
        env = _env(doc.path, obj, production)
        kind, severity, consequence = REMOVALS.get(
            obj.kind, ("k8s.delete", Severity.MEDIUM, "when the deploy tool prunes")
        )
        if env and severity is not Severity.CRITICAL:
            severity = Severity(list(Severity)[severity.rank + 1])
        yield Hazard(
            kind,
            severity,
            doc.path,
            f"removes {obj.label} {consequence}" + (" (whole file deleted)" if doc.deleted else ""),
            line=None if doc.deleted else obj.line,
            resource=obj.label,
            env=env,
        )
    for key, obj in new.items():
        before = old.get(key)
        if obj.replicas == 0 and (before is None or before.replicas != 0):
            env = _env(doc.path, obj, production)
            yield Hazard(
                "k8s.scale_to_zero",
                Severity.CRITICAL if env else Severity.HIGH,
                doc.path,
                f"scales {obj.label} to 0 replicas"
                + (
                    f" (was {before.replicas if before.replicas is not None else 'default'})"
                    if before
                    else ""
                ),
                line=obj.line,
                resource=obj.label,
                env=env,
            )


def _objects(text: str) -> dict[tuple[str, str, str], K8sObject]:
    if "{{" in text:  # a Helm template: drop control lines, neutralise expressions
        text = "\n".join(
            "" if _TEMPLATE_LINE.match(line) else _TEMPLATE_EXPR.sub("TEMPLATE", line)
            for line in text.splitlines()
        )
    out: dict[tuple[str, str, str], K8sObject] = {}
    for line, doc in load_yaml_documents(text):
        for item in _items(doc):
            obj = _object(item, line)
            if obj is not None:
                out[obj.key] = obj
    return out


def _items(doc: Any) -> list[Any]:
    if isinstance(doc, dict) and str(doc.get("kind", "")).endswith("List"):
        items = doc.get("items")
        return items if isinstance(items, list) else []
    return [doc]


def _object(item: Any, line: int) -> K8sObject | None:
    if not isinstance(item, dict) or not isinstance(item.get("kind"), str):
        return None
    meta = item.get("metadata") if isinstance(item.get("metadata"), dict) else {}
    name = meta.get("name") if isinstance(meta, dict) else None
    if not isinstance(name, str):
        return None
    namespace = meta.get("namespace") if isinstance(meta, dict) else None
    spec = item.get("spec")
    replicas = None
    if (
        item["kind"] in SCALABLE
        and isinstance(spec, dict)
        and isinstance(spec.get("replicas"), int)
    ):
        replicas = spec["replicas"]
    return K8sObject(item["kind"], str(namespace or ""), name, line, replicas)


def _env(path: str, obj: K8sObject, production: Production) -> str | None:
    names = (path, obj.namespace, obj.name if obj.kind == "Namespace" else "")
    return "prod" if any(production.in_address(n) for n in names if n) else None
