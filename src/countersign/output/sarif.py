"""SARIF 2.1.0, for code-scanning views: one result per hazard and per open requirement.

Written to pass GitHub's ingestion rules (the SARIF multitool's ``Gh`` rule set): every result
has a location (a hazard where it was found; a requirement at the policy rule that asks for it,
or at the change's first file under the packaged default policy), every rule has a full
description and Markdown help, and URIs are the path's bytes percent-encoded, so a file name
that is not UTF-8 keeps its bytes instead of becoming U+FFFD.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from countersign import __version__
from countersign.decision.requirements import Kind, Requirement
from countersign.facts.hazards import Hazard, Severity
from countersign.gate.verdict import Evaluation
from countersign.intake.change import FileStatus
from countersign.output.next_steps import next_steps
from countersign.output.serialize import dumps

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}

# What each family of hazard kinds is, for a rule's description (docs/hazards.md lists kinds).
FAMILIES = {
    "infra": "Infrastructure: a resource is destroyed, replaced or forgotten, or its protection "
    "against destruction is removed",
    "sql": "SQL migration: a statement that loses data, rewrites or locks a table, or cannot be "
    "parsed",
    "k8s": "Kubernetes: an object whose removal or scaling loses data or availability",
    "iam": "Access: an IAM policy that grants more than before, to more principals or resources",
    "net": "Network: an administrative or database port newly open to the whole internet",
    "script": "Shell in the change: an added script line or workflow step runs a command the "
    "agent guard flags",
    "artifact": "Unanalysable: a file countersign could not read, so a human has to",
}

WHAT_TO_DO = {
    Kind.APPROVAL: "An eligible reviewer, not the author, signs off this exact content",
    Kind.CHANGE_RECORD: "The author writes the change record the rule asks for",
    Kind.CHECKS: "The named checks report success for this change",
    Kind.BLOCK: "The policy forbids the change as it is; only break-glass lifts a block",
}


def sarif(
    hazards: tuple[Hazard, ...], evaluation: Evaluation | None, root: str | None = None
) -> str:
    """The SARIF log; ``root`` is the repository root, against which absolute paths become
    relative URIs (the default: the evaluated change's repository)."""
    if root is None and evaluation is not None:
        root = evaluation.facts.change.repo_root
    rules: dict[str, dict[str, Any]] = {}
    exact = _exact_names(evaluation)
    results = [_hazard_result(h, rules, root, exact.get(h.path)) for h in hazards]
    if evaluation is not None:
        open_ = [r for r in evaluation.requirements if not r.satisfied]
        results.extend(
            _requirement_result(r, evaluation, step, rules, root)
            for r, step in zip(open_, next_steps(evaluation), strict=True)
        )
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "countersign",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
                **_ledger_properties(evaluation),
            }
        ],
    }
    return dumps(doc)


def _ledger_properties(evaluation: Evaluation | None) -> dict[str, Any]:
    """The ledger the sign-offs came from, as run properties (SARIF's property bag)."""
    if evaluation is None or evaluation.ledger is None:
        return {}
    state = evaluation.ledger
    pinned = state.pinned_in is not None
    return {"properties": {"ledger": state.summary, "ledgerPinned": pinned}}


def artifact_uri(path: str, root: str | None = None, raw: bytes | None = None) -> str:
    """A path as a URI reference: relative to ``root`` when under it, ``file://`` when absolute
    elsewhere; every byte outside RFC 3986's unreserved set percent-encoded. ``raw`` is the
    name's bytes when it is not UTF-8 (surrogate escapes in ``path`` stand for them as well)."""
    if raw is not None:
        return quote(raw, safe="/")
    pure = PurePosixPath(path)
    prefix = ""
    if pure.is_absolute():
        if root and pure.is_relative_to(root):
            pure = pure.relative_to(root)
        else:
            prefix = "file://"
    return prefix + quote(pure.as_posix().encode("utf-8", "surrogateescape"), safe="/")


def _location(uri: str, line: int | None, text: str | None = None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if line:
        physical["region"] = {"startLine": line}
    location: dict[str, Any] = {"physicalLocation": physical}
    if text:
        location["message"] = {"text": text}
    return location


def _exact_names(evaluation: Evaluation | None) -> dict[str, bytes]:
    """The bytes of each changed file whose name is not UTF-8, by the name people see."""
    if evaluation is None:
        return {}
    files = evaluation.facts.change.files
    return {f.path: f.path_bytes for f in files if f.path_bytes is not None}


def _hazard_result(
    h: Hazard, rules: dict[str, dict[str, Any]], root: str | None, raw: bytes | None
) -> dict[str, Any]:
    family = FAMILIES.get(h.kind.partition(".")[0], "A hazard found in the change")
    rules.setdefault(
        h.kind,
        _rule(
            h.kind,
            short=f"Hazard {h.kind}",
            full=f"{family}.",
            help_md=(
                f"**{h.kind}**: {family}.\n\n"
                "The policy decides which sign-offs this hazard needs; `countersign check` "
                "names them and the command that records each. See docs/hazards.md for every "
                "hazard kind and its severity."
            ),
            level=LEVEL[h.severity],
            tags=("hazard", h.kind.partition(".")[0]),
        ),
    )
    return {
        "ruleId": h.kind,
        "level": LEVEL[h.severity],
        "message": {"text": _sentence(h.detail)},
        "locations": [_location(artifact_uri(h.path, root, raw), h.line)],
        "properties": {"severity": str(h.severity), "resource": h.resource, "env": h.env},
    }


def _requirement_result(
    r: Requirement,
    e: Evaluation,
    step: str,
    rules: dict[str, dict[str, Any]],
    root: str | None,
) -> dict[str, Any]:
    because = "".join(f"- {why}\n" for why in r.because) or f"- {r.reason}\n"
    rules.setdefault(
        r.id,
        _rule(
            r.id,
            short=_sentence(r.needs or r.reason),
            full=_sentence(r.reason),
            help_md=(
                f"**Needs**: {r.needs or r.reason}\n\n**Because** (policy rule "
                f"`{r.rule.replace('+', '`, `')}`):\n\n{because}\n"
                f"**What to do**: {WHAT_TO_DO[r.kind]}: {step}.\n\n"
                "Approvals are bound to the change's fingerprint: any later edit voids them."
            ),
            level="error",
            tags=("requirement", str(r.kind)),
        ),
    )
    places = _rule_locations(r, e, root)
    result: dict[str, Any] = {
        "ruleId": r.id,
        "level": "error",
        "message": {"text": _sentence(f"{r.reason} ({r.missing})" if r.missing else r.reason)},
        "locations": places[:1],
        "properties": {"rules": r.rule.split("+"), "kind": str(r.kind)},
    }
    if places[1:]:
        result["relatedLocations"] = [{"id": i, **p} for i, p in enumerate(places[1:], 1)]
    return result


def _rule_locations(r: Requirement, e: Evaluation, root: str | None) -> list[dict[str, Any]]:
    """Where the requirement comes from: each asking rule's line in the repository's policy
    file; under the packaged default policy (no file to point at), the change's first file."""
    source = e.decision.policy_source
    lines = {o.rule: o.line for o in e.decision.outcomes}
    if source:
        uri = artifact_uri(source)
        return [
            _location(uri, lines.get(rule) or None, f"policy rule {rule}")
            for rule in r.rule.split("+")
        ]
    change = e.facts.change
    if change.files:
        first = next((f for f in change.files if f.status is not FileStatus.DELETED), None)
        first = first or change.files[0]
        added = next((ln.number for ln in first.added if ln.number), None)
        uri = artifact_uri(first.path, root, first.path_bytes)
        return [_location(uri, added, "the change")]
    if change.artifacts:
        return [_location(artifact_uri(change.artifacts[0].path, root), None, "the change")]
    return [_location(artifact_uri(".countersign/policy.yaml"), None, "the policy")]


def _rule(
    rule_id: str, *, short: str, full: str, help_md: str, level: str, tags: tuple[str, ...]
) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": _pascal(rule_id),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": help_md.replace("**", "").replace("`", ""), "markdown": help_md},
        "defaultConfiguration": {"level": level},
        "properties": {"tags": list(tags)},
    }


def _pascal(rule_id: str) -> str:
    """A rule's friendly name, as SARIF asks (Pascal case, letters and digits)."""
    words = "".join(ch if ch.isalnum() else " " for ch in rule_id).split()
    return "".join(w[:1].upper() + w[1:] for w in words) or "Rule"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."
