"""The documents the hazard analyzers read: every artifact and deleted file of a change, sorted
by kind once. ``parsing`` reads them within bounds.

A document that cannot be parsed raises ``Unanalysable``; the analyzer turns it into an
``artifact.unanalysable`` hazard, so a broken file is never a silent pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath

from countersign.intake.change import Change, FileStatus

_HEAD = 4096


class DocumentKind(StrEnum):
    TERRAFORM_PLAN = "terraform-plan"
    TERRAFORM_SOURCE = "terraform-source"
    CLOUDFORMATION_CHANGE_SET = "cloudformation-change-set"
    KUBERNETES = "kubernetes"
    SQL = "sql"
    IAM_POLICY = "iam-policy"
    PULUMI_PREVIEW = "pulumi-preview"
    CDK_DIFF = "cdk-diff"
    KUSTOMIZATION = "kustomization"
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
    if p.name.lower() in {"kustomization.yaml", "kustomization.yml", "kustomization"}:
        return DocumentKind.KUSTOMIZATION
    if suffix in {"", ".txt", ".diff", ".log"} and _CDK_LINE.search(head):
        return DocumentKind.CDK_DIFF
    if suffix == ".json" or (not suffix and head.lstrip().startswith("{")):
        # The head decides when it can; a plan's or change set's telling key may come after
        # megabytes of prior state, so the whole text is searched next (a linear scan in C).
        kind = _json_kind(head)
        return kind if kind is not DocumentKind.OTHER or len(text) <= _HEAD else _json_kind(text)
    if suffix in {".yml", ".yaml"} and _K8S_HEAD.search(head) and _K8S_KIND.search(head):
        return DocumentKind.KUBERNETES
    if suffix in {".yml", ".yaml"} and _GCP_POLICY.search(head):
        return DocumentKind.IAM_POLICY
    return DocumentKind.OTHER


_K8S_HEAD = re.compile(r"^apiVersion:", re.MULTILINE)
_K8S_KIND = re.compile(r"^kind:", re.MULTILINE)
_CDK_LINE = re.compile(
    r"^\s*(?:\x1b\[[0-9;]*m)*\[[-~+]\]\s+(?:AWS|Custom)::|^Stack \S+\s*\nThere were no differences",
    re.MULTILINE,
)
_GCP_POLICY = re.compile(r"^bindings:\s*$", re.MULTILINE)


def _json_kind(head: str) -> DocumentKind:
    if '"terraform_version"' in head or '"resource_changes"' in head:
        return DocumentKind.TERRAFORM_PLAN
    if '"steps"' in head and '"urn:pulumi:' in head:
        return DocumentKind.PULUMI_PREVIEW
    if '"ChangeSetId"' in head or '"ResourceChange"' in head:
        return DocumentKind.CLOUDFORMATION_CHANGE_SET
    if '"Statement"' in head or ('"bindings"' in head and '"role"' in head):
        return DocumentKind.IAM_POLICY
    if '"roleDefinitionId"' in head or '"roleDefinitionName"' in head:
        return DocumentKind.IAM_POLICY
    if '"AssignableScopes"' in head:
        return DocumentKind.IAM_POLICY
    if '"apiVersion"' in head and '"kind"' in head:
        return DocumentKind.KUBERNETES
    return DocumentKind.OTHER
