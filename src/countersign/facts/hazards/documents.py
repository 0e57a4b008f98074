"""The documents the hazard analyzers read: every artifact and deleted file of a change, sorted
by kind once, and parsed safely (size-bounded, no YAML aliases, no recursion blow-ups).

A document that cannot be parsed raises ``Unanalysable``; the analyzer turns it into an
``artifact.unanalysable`` hazard, so a broken file is never a silent pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any

import yaml

from countersign.intake.change import Change, FileStatus

MAX_JSON_CHARS = 256 * 1024 * 1024
MAX_YAML_CHARS = 10 * 1024 * 1024
MAX_YAML_DOCUMENTS = 10_000
_HEAD = 4096


class DocumentKind(StrEnum):
    TERRAFORM_PLAN = "terraform-plan"
    TERRAFORM_SOURCE = "terraform-source"
    CLOUDFORMATION_CHANGE_SET = "cloudformation-change-set"
    KUBERNETES = "kubernetes"
    SQL = "sql"
    IAM_POLICY = "iam-policy"
    WORKFLOW = "workflow"
    SHELL = "shell"
    OTHER = "other"


@dataclass(frozen=True)
class Document:
    """One file as the analyzers see it: ``text`` is ``None`` when the change deletes it,
    ``previous`` is ``None`` when it is new or was given alone (``scan``)."""

    path: str
    text: str | None
    previous: str | None
    kind: DocumentKind
    origin: str = "diff"

    @property
    def deleted(self) -> bool:
        return self.text is None


class Unanalysable(Exception):  # noqa: N818 - a finding, not a failure of the program
    """The document could not be read as its kind; the message says why, ``line`` where."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def documents(change: Change) -> Iterator[Document]:
    """Artifacts (explicit and found in the diff), then files the change deletes."""
    for artifact in change.artifacts:
        text = artifact.text
        yield Document(
            artifact.path,
            text,
            artifact.previous_text,
            classify(artifact.path, text or artifact.previous_text or ""),
            artifact.origin,
        )
    for f in change.files:
        if f.status is FileStatus.DELETED and f.old_text is not None:
            yield Document(f.path, None, f.old_text, classify(f.path, f.old_text))


def skipped_files(change: Change) -> Iterator[tuple[str, str, DocumentKind]]:
    """Files of a kind we analyse whose text was not read (too big): ``(path, why, kind)``."""
    for f in change.files:
        if f.skipped:
            kind = classify(f.path, "")
            if kind is not DocumentKind.OTHER:
                yield f.path, f.skipped, kind


def classify(path: str, text: str) -> DocumentKind:
    """The kind of a document, from its name and its first few kilobytes."""
    p = PurePosixPath(path)
    suffix = p.suffix.lower()
    head = text[:_HEAD]
    if suffix == ".sql":
        return DocumentKind.SQL
    if suffix == ".tf":
        return DocumentKind.TERRAFORM_SOURCE
    if suffix in {".sh", ".bash"}:
        return DocumentKind.SHELL
    if suffix in {".yml", ".yaml"} and ".github/workflows/" in f"/{p.as_posix()}":
        return DocumentKind.WORKFLOW
    if suffix == ".json" or (not suffix and head.lstrip().startswith("{")):
        return _json_kind(head)
    if suffix in {".yml", ".yaml"} and _K8S_HEAD.search(head) and _K8S_KIND.search(head):
        return DocumentKind.KUBERNETES
    return DocumentKind.OTHER


_K8S_HEAD = re.compile(r"^apiVersion:", re.MULTILINE)
_K8S_KIND = re.compile(r"^kind:", re.MULTILINE)


def _json_kind(head: str) -> DocumentKind:
    if '"terraform_version"' in head or '"resource_changes"' in head:
        return DocumentKind.TERRAFORM_PLAN
    if '"ChangeSetId"' in head or '"ResourceChange"' in head:
        return DocumentKind.CLOUDFORMATION_CHANGE_SET
    if '"Statement"' in head:
        return DocumentKind.IAM_POLICY
    if '"apiVersion"' in head and '"kind"' in head:
        return DocumentKind.KUBERNETES
    return DocumentKind.OTHER


def load_json(text: str) -> Any:
    if len(text) > MAX_JSON_CHARS:
        raise Unanalysable(
            f"{len(text) // 2**20} MiB is more than the {MAX_JSON_CHARS // 2**20} MiB "
            "analysed; split it or review it by hand"
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unanalysable(f"not valid JSON ({exc.msg} at line {exc.lineno})", exc.lineno) from None
    except RecursionError:
        raise Unanalysable("JSON nested too deeply to analyse") from None


class NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases: a manifest never needs them, a YAML bomb always does."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases are not analysed", mark
            )
        return super().compose_node(parent, index)


def load_yaml_documents(text: str) -> list[tuple[int, Any]]:
    """Every document of a (multi-document) YAML stream, with the line it starts on."""
    if len(text) > MAX_YAML_CHARS:
        raise Unanalysable(f"larger than the {MAX_YAML_CHARS // 2**20} MiB of YAML analysed")
    out: list[tuple[int, Any]] = []
    loader = NoAliasLoader(text)
    try:
        while loader.check_node():
            if len(out) >= MAX_YAML_DOCUMENTS:
                raise Unanalysable(f"more than {MAX_YAML_DOCUMENTS} YAML documents")
            node = loader.get_node()
            if node is None:
                break
            out.append((node.start_mark.line + 1, loader.construct_document(node)))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        line = mark.line + 1 if mark is not None else None
        raise Unanalysable(f"invalid YAML: {problem}", line) from None
    except RecursionError:
        raise Unanalysable("YAML nested too deeply to analyse") from None
    finally:
        loader.dispose()
    return out
