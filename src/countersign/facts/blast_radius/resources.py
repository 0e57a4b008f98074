"""What a change's artifacts touch besides paths: Terraform resource addresses from plan JSON,
Kubernetes namespaces from manifests, database names from plans and SQL. An artifact that cannot
be parsed yields nothing here; the hazard analyzers report it."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from countersign.config.yamlfile import parse_yaml_documents
from countersign.errors import ConfigError
from countersign.intake.change import Artifact


@dataclass(frozen=True)
class Resource:
    kind: str  # "terraform" | "namespace" | "database"
    name: str
    artifact: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name} ({self.artifact})"


# Resource types whose name is a database, and the attribute that holds it.
_DB_TYPES = re.compile(r"(db_instance|rds_cluster|sql_database|postgresql_database|database)")
_DB_ATTRS = ("db_name", "database_name", "identifier", "name")
_SQL_DB = re.compile(
    r"^\s*(?:\\c(?:onnect)?\s+|use\s+|(?:create|drop|alter)\s+database\s+(?:if\s+(?:not\s+)?exists\s+)?)"
    r"[\"`]?([A-Za-z_][\w$-]*)",
    re.IGNORECASE | re.MULTILINE,
)


def resources_of(artifacts: Iterable[Artifact]) -> tuple[Resource, ...]:
    found: dict[tuple[str, str], Resource] = {}
    for artifact in artifacts:
        for resource in _extract(artifact):
            found.setdefault((resource.kind, resource.name), resource)
    return tuple(found.values())


def _extract(artifact: Artifact) -> Iterator[Resource]:
    suffix = PurePosixPath(artifact.path).suffix.lower()
    if suffix == ".json":
        yield from _terraform(artifact)
    elif suffix in {".yaml", ".yml"}:
        for text in (artifact.text, artifact.previous_text):
            if text:
                yield from _kubernetes(text, artifact.path)
    elif suffix == ".sql":
        for match in _SQL_DB.finditer(artifact.text):
            yield Resource("database", match.group(1), artifact.path)


def _terraform(artifact: Artifact) -> Iterator[Resource]:
    try:
        plan = json.loads(artifact.text)
    except ValueError:
        return
    changes = plan.get("resource_changes") if isinstance(plan, Mapping) else None
    if not isinstance(changes, list):
        return
    for rc in changes:
        if not isinstance(rc, Mapping) or not isinstance(rc.get("address"), str):
            continue
        actions = (rc.get("change") or {}).get("actions") or []
        if actions in (["no-op"], ["read"]):
            continue
        yield Resource("terraform", rc["address"], artifact.path)
        if _DB_TYPES.search(str(rc.get("type", ""))):
            yield from _database_names(rc.get("change") or {}, artifact.path)


def _database_names(change: Mapping[str, Any], where: str) -> Iterator[Resource]:
    for side in ("before", "after"):
        values = change.get(side)
        if not isinstance(values, Mapping):
            continue
        for attr in _DB_ATTRS:
            if isinstance(values.get(attr), str) and values[attr]:
                yield Resource("database", values[attr], where)
                break


def _kubernetes(text: str, where: str) -> Iterator[Resource]:
    for namespace in _namespaces(text):
        yield Resource("namespace", namespace, where)


@functools.lru_cache(maxsize=64)
def _namespaces(text: str) -> tuple[str, ...]:
    """The namespaces the Kubernetes objects in YAML ``text`` name, kept by text: in a replay
    a file's new text in one change is its old text in the next one that edits it."""
    if not _may_hold_object(text):
        return ()
    try:
        docs = parse_yaml_documents(text, "")
    except ConfigError:
        return ()
    found: list[str] = []
    for doc in docs:
        if not isinstance(doc, Mapping) or "apiVersion" not in doc or "kind" not in doc:
            continue
        meta = doc.get("metadata")
        if not isinstance(meta, Mapping):
            continue
        namespace = meta.get("name") if doc.get("kind") == "Namespace" else meta.get("namespace")
        if isinstance(namespace, str) and namespace:
            found.append(namespace)
    return tuple(found)


def _may_hold_object(text: str) -> bool:
    """Whether YAML ``text`` can hold a mapping with the keys ``apiVersion`` and ``kind`` that
    names a namespace (a ``namespace`` key, or the kind ``Namespace``): a key or a value is
    spelt out in the text unless a double-quoted scalar escapes its letters (``\\x61``), so a
    file without these words and without any backslash (a lock file of megabytes, a manifest
    that names no namespace) is not parsed."""
    return ("apiVersion" in text and "kind" in text and "amespace" in text) or "\\" in text
