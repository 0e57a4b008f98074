"""Backstage ``catalog-info.yaml`` files, read as services so teams reuse the catalog they keep.

A ``Component`` becomes a service that owns the directory its file is in (or the globs in the
``countersign.dev/paths`` annotation); ``spec.owner`` gives its owner, ``spec.dependsOn``
its dependencies (``component:x`` is a service, ``resource:x`` a data store). Backstage has no
tier: the ``countersign.dev/tier`` and ``countersign.dev/environments`` annotations give them.
A file that cannot be read is reported with its line and skipped: its paths then show as
unowned, never silently as safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from countersign.config.catalog import Resources, Service
from countersign.config.problems import Problem
from countersign.config.yamlfile import parse_yaml_documents
from countersign.errors import ConfigError

FILENAME = "catalog-info.yaml"
ANNOTATION = "countersign.dev/"


def is_backstage_file(path: str) -> bool:
    """``path`` as git lists it: called for every path of the tree at each evaluation."""
    return path == FILENAME or path.endswith("/" + FILENAME)


def read_backstage(text: str, file: str) -> tuple[list[Service], list[Problem]]:
    try:
        docs = parse_yaml_documents(text, file)
    except ConfigError as exc:
        return [], [Problem(f"{exc.file}: {exc.key}" if exc.key else exc.file, exc.problem)]
    services: list[Service] = []
    problems: list[Problem] = []
    for i, doc in enumerate(docs):
        where = f"{file}: documents[{i}]"
        if doc is None:
            continue
        if not isinstance(doc, Mapping):
            problems.append(Problem(where, "expected a Backstage entity (a mapping); skipped"))
            continue
        if doc.get("kind") != "Component":
            continue  # Systems, APIs, Resources, Locations: not services of their own
        service = _component(doc, file, where, problems)
        if service is not None:
            services.append(service)
    return services, problems


def _component(
    doc: Mapping[str, Any], file: str, where: str, problems: list[Problem]
) -> Service | None:
    meta = doc.get("metadata")
    spec = doc.get("spec") or {}
    name = meta.get("name") if isinstance(meta, Mapping) else None
    if not isinstance(name, str) or not name:
        problems.append(Problem(f"{where}.metadata.name", "a Component needs a name; skipped"))
        return None
    if not isinstance(spec, Mapping):
        problems.append(Problem(f"{where}.spec", "expected a mapping; component skipped"))
        return None
    raw_notes = meta.get("annotations") if isinstance(meta, Mapping) else None
    notes = raw_notes if isinstance(raw_notes, Mapping) else {}
    directory = str(PurePosixPath(file).parent)
    default_paths = ("**",) if directory == "." else (f"{directory}/**",)
    depends = _str_list(spec.get("dependsOn"), f"{where}.spec.dependsOn", problems)
    return Service(
        name=name,
        paths=_csv(notes.get(f"{ANNOTATION}paths")) or default_paths,
        owners=tuple(_entity_name(o) for o in _str_list(spec.get("owner"), "", problems)),
        tier=_tier(notes.get(f"{ANNOTATION}tier"), f"{where}.metadata.annotations", problems),
        environments=_csv(notes.get(f"{ANNOTATION}environments")),
        datastores=tuple(_entity_name(d) for d in depends if d.startswith("resource:")),
        depends_on=tuple(_entity_name(d) for d in depends if not d.startswith("resource:")),
        resources=Resources(
            terraform=_csv(notes.get(f"{ANNOTATION}terraform")),
            namespaces=_csv(notes.get(f"{ANNOTATION}namespaces")),
        ),
        origin=where,
        depends_key="spec.dependsOn",
    )


def _entity_name(ref: str) -> str:
    """``component:default/inventory`` -> ``inventory``, ``group:payments`` -> ``payments``."""
    return ref.split(":", 1)[-1].rsplit("/", 1)[-1]


def _str_list(value: Any, where: str, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    if where:
        problems.append(Problem(where, "expected a list of entity references; ignored"))
    return ()


def _csv(value: Any) -> tuple[str, ...]:
    if not isinstance(value, str):
        return ()
    return tuple(p.strip() for p in value.split(",") if p.strip())


def _tier(value: Any, where: str, problems: list[Problem]) -> int:
    if value is None:
        return 3
    text = str(value).strip()
    if text in {"1", "2", "3", "4"}:
        return int(text)
    problems.append(
        Problem(f"{where}.{ANNOTATION}tier", f"expected 1 to 4, got {value!r}; using tier 3")
    )
    return 3
