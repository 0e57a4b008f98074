"""GitHub Actions workflows: what a change lets CI do with its token and secrets, from GitHub's
documentation of ``permissions``, ``pull_request_target`` and untrusted input.

- ``permissions: write-all``, or a scope newly given ``write`` (``id-token: write`` mints cloud
  credentials), or the ``permissions`` block removed (the repository default applies);
- ``pull_request_target`` / ``workflow_run`` checking out the pull request's head: code from a
  fork runs with the base repository's secrets and a writable token;
- ``${{ github.event.* }}`` text an outsider controls (titles, bodies, branch names) expanded
  into a ``run:`` script, where it runs as shell.

Only what the change adds is reported: a workflow that already had it is not news.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, Severity
from countersign.facts.hazards.documents import DocumentKind, Unanalysable, documents
from countersign.facts.hazards.parsing import load_yaml_documents
from countersign.intake.change import Change

PRIVILEGED_TRIGGERS = frozenset({"pull_request_target", "workflow_run"})
# Scopes whose write access reaches past the repository's own files.
CREDENTIAL_SCOPES = frozenset({"id-token"})
_HEAD_REF = re.compile(
    r"github\.event\.pull_request\.head\.(?:sha|ref)|github\.head_ref|"
    r"github\.event\.workflow_run\.head_(?:sha|branch)|refs/pull/",
)
# Event fields an outsider writes (GitHub's list of untrusted input).
_UNTRUSTED = re.compile(
    r"\$\{\{[^}]*github\.(?:event\.(?:issue\.title|issue\.body|pull_request\.title|"
    r"pull_request\.body|comment\.body|review\.body|review_comment\.body|pages\.[^}]*page_name|"
    r"commits\.[^}]*(?:message|author\.(?:email|name))|head_commit\.(?:message|author\.(?:email|name))|"
    r"pull_request\.head\.(?:ref|label)|pull_request\.head\.repo\.default_branch|"
    r"workflow_run\.head_branch)|head_ref)[^}]*\}\}",
)


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    del context
    for doc in documents(change):
        if doc.kind is not DocumentKind.WORKFLOW or doc.text is None:
            continue
        try:
            new = _workflow(doc.text)
        except Unanalysable:
            continue  # the shell extraction reports the same file as unanalysable
        try:
            old = _workflow(doc.previous) if doc.previous is not None else None
        except Unanalysable:
            old = None
        yield from workflow_hazards(doc.path, new, old)


def _workflow(text: str) -> Mapping[str, Any]:
    docs = load_yaml_documents(text)
    data = docs[0][1] if docs else None
    return data if isinstance(data, dict) else {}


def workflow_hazards(
    path: str, new: Mapping[str, Any], old: Mapping[str, Any] | None
) -> Iterator[Hazard]:
    before = _grants(old) if old is not None else set()
    for where, scope, level in sorted(_grants(new) - before):
        yield _permission(path, where, scope, level)
    if old is not None and "permissions" in old and "permissions" not in new:
        yield Hazard(
            "ci.permissions_widened",
            Severity.MEDIUM,
            path,
            "the workflow's permissions block is removed: its token gets the repository "
            "default, which may be write to everything; instead: keep `permissions:` with the "
            "scopes the jobs need",
        )
    triggers = _triggers(new)
    privileged = sorted(triggers & PRIVILEGED_TRIGGERS)
    old_checkouts = set(_head_checkouts(old)) if old is not None else set()
    if privileged:
        for job, ref in _head_checkouts(new):
            if (job, ref) in old_checkouts and _triggers(old or {}) & PRIVILEGED_TRIGGERS:
                continue
            yield Hazard(
                "ci.untrusted_checkout",
                Severity.CRITICAL,
                path,
                f"job {job} runs on {privileged[0]} and checks out the pull request's head "
                f"({ref}): code from a fork runs with this repository's secrets and a "
                "writable token; instead: use pull_request, or check out the base and never run "
                "the head's code",
                resource=job,
            )
    old_injections = set(_injections(old)) if old is not None else set()
    for job, expression in _injections(new):
        if (job, expression) not in old_injections:
            yield Hazard(
                "ci.expression_injection",
                Severity.HIGH,
                path,
                f"job {job} expands {expression} into a run: script, where text an outsider "
                'writes runs as shell; instead: pass it through env: and quote "$VAR"',
                resource=job,
            )


def _permission(path: str, where: str, scope: str, level: str) -> Hazard:
    if scope == "*":
        return Hazard(
            "ci.permissions_write_all",
            Severity.HIGH,
            path,
            f"{where} sets permissions: {level}: the token can push code, publish packages "
            "and change releases; instead: name only the scopes the job needs",
            resource=where,
        )
    severity = Severity.HIGH if scope in CREDENTIAL_SCOPES else Severity.MEDIUM
    what = " (it mints cloud credentials through OIDC)" if scope in CREDENTIAL_SCOPES else ""
    return Hazard(
        "ci.permissions_widened",
        severity,
        path,
        f"{where} newly grants {scope}: write{what}",
        resource=where,
    )


def _grants(workflow: Mapping[str, Any] | None) -> set[tuple[str, str, str]]:
    """``(where, scope, level)`` for every write the workflow's token gets."""
    if not workflow:
        return set()
    out = set(_level("workflow", workflow.get("permissions")))
    for job, body in _jobs(workflow):
        out.update(_level(f"job {job}", body.get("permissions")))
    return out


def _level(where: str, permissions: Any) -> Iterator[tuple[str, str, str]]:
    if isinstance(permissions, str) and permissions.strip().lower() == "write-all":
        yield where, "*", "write-all"
    elif isinstance(permissions, dict):
        for scope, level in permissions.items():
            if str(level).strip().lower() == "write":
                yield where, str(scope), "write"


def _jobs(workflow: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    jobs = workflow.get("jobs")
    if isinstance(jobs, dict):
        for name, body in jobs.items():
            if isinstance(body, dict):
                yield str(name), body


def _triggers(workflow: Mapping[str, Any]) -> set[str]:
    # YAML 1.1 reads a bare `on` key as True.
    on = workflow.get("on", workflow.get(True))  # type: ignore[call-overload]
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return {str(t) for t in on}
    if isinstance(on, dict):
        return {str(t) for t in on}
    return set()


def _steps(body: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    steps = body.get("steps")
    if isinstance(steps, list):
        yield from (s for s in steps if isinstance(s, dict))


def _head_checkouts(workflow: Mapping[str, Any] | None) -> Iterator[tuple[str, str]]:
    for job, body in _jobs(workflow or {}):
        for step in _steps(body):
            uses = str(step.get("uses", ""))
            options = step.get("with") if isinstance(step.get("with"), dict) else {}
            ref = str((options or {}).get("ref", ""))
            if uses.startswith("actions/checkout") and _HEAD_REF.search(ref):
                yield job, ref
            run = step.get("run")
            if isinstance(run, str) and re.search(r"\bgit\s+(?:fetch|checkout)\b", run):
                found = _HEAD_REF.search(run)
                if found:
                    yield job, found.group()


def _injections(workflow: Mapping[str, Any] | None) -> Iterator[tuple[str, str]]:
    for job, body in _jobs(workflow or {}):
        for step in _steps(body):
            run = step.get("run")
            if isinstance(run, str):
                for found in _UNTRUSTED.finditer(run):
                    yield job, " ".join(found.group().split())
