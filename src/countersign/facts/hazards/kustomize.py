"""Kustomize overlays (``kustomization.yaml``): an entry taken out of ``resources`` (or
``bases``, ``components``) removes every object it built, which the deploy tool deletes when it
prunes; ``replicas`` set to 0 scales a workload down; a changed ``namespace`` moves (deletes
and re-creates) everything in the overlay."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from countersign.config.hazards import Production
from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, Severity, unanalysable
from countersign.facts.hazards.documents import DocumentKind, Unanalysable, documents
from countersign.facts.hazards.parsing import load_yaml_documents
from countersign.intake.change import Change

LISTS = ("resources", "bases", "components")


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    production = context.config.hazards.production
    for doc in documents(change):
        if doc.kind is not DocumentKind.KUSTOMIZATION or doc.previous is None:
            continue
        try:
            new = _load(doc.text) if doc.text is not None else {}
            old = _load(doc.previous)
        except Unanalysable as exc:
            yield unanalysable(doc.path, f"kustomization {exc}", exc.line)
            continue
        yield from overlay_hazards(doc.path, new, old, production)


def _load(text: str) -> Mapping[str, Any]:
    docs = load_yaml_documents(text)
    data = docs[0][1] if docs else None
    return data if isinstance(data, dict) else {}


def overlay_hazards(
    path: str, new: Mapping[str, Any], old: Mapping[str, Any], production: Production
) -> Iterator[Hazard]:
    env = "prod" if production.in_address(path) else None
    bump = Severity.HIGH if env else Severity.MEDIUM
    for key in LISTS:
        gone = [e for e in _strings(old.get(key)) if e not in set(_strings(new.get(key)))]
        for entry in gone:
            yield Hazard(
                "k8s.delete",
                bump,
                path,
                f"{key} no longer includes {entry}: every object it built is deleted when the "
                "deploy prunes",
                resource=entry,
                env=env,
            )
    if old.get("namespace") and new.get("namespace") != old.get("namespace"):
        yield Hazard(
            "k8s.delete_namespace",
            Severity.CRITICAL if env else Severity.HIGH,
            path,
            f"namespace changes from {old.get('namespace')} to {new.get('namespace') or 'none'}: "
            "every object is created anew there and the old ones are pruned",
            env=env,
        )
    before = _replicas(old)
    for name, count in sorted(_replicas(new).items()):
        if count == 0 and before.get(name) != 0:
            yield Hazard(
                "k8s.scale_to_zero",
                Severity.CRITICAL if env else Severity.HIGH,
                path,
                f"replicas of {name} set to 0",
                resource=name,
                env=env,
            )


def _replicas(data: Mapping[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in data.get("replicas") or []:
        if isinstance(item, dict) and isinstance(item.get("count"), int):
            out[str(item.get("name"))] = item["count"]
    return out


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []
