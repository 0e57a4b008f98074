"""The deploy gate's report: one line per change of the release with its verdict, and for each
change not signed off what it still needs and the command that records it."""

from __future__ import annotations

import shlex
from typing import Any

from countersign.decision.requirements import Requirement
from countersign.gate.release import Verified, release_verdict
from countersign.gate.verdict import Verdict
from countersign.intake.release import ReleasedChange
from countersign.output.markdown import cell
from countersign.output.next_steps import next_steps
from countersign.output.serialize import dumps, ledger_dict, requirement_dict

SCHEMA = "countersign/verify/v1"


def render_release(results: tuple[Verified, ...], base: str, head: str, fmt: str) -> str:
    if fmt == "json":
        return dumps(_as_dict(results, base, head))
    if fmt == "markdown":
        return _markdown(results, base, head)
    return _text(results, base, head)


def _headline(results: tuple[Verified, ...], base: str, head: str) -> str:
    verdict = release_verdict(results)
    open_ = sum(1 for r in results if r.verdict is not Verdict.PASS)
    n = len(results)
    if not results:
        return f"PASS: no changes in {base}..{head}"
    if verdict is Verdict.PASS:
        return _passed(results, f"{base}..{head}")

    label = "BLOCKED" if verdict is Verdict.BLOCKED else "NEEDS APPROVAL"
    what = f"{open_} of {n} changes" if n > 1 else "the one change"
    return f"{label}: {what} in {base}..{head} not signed off"


def _passed(results: tuple[Verified, ...], span: str) -> str:
    n = len(results)
    needed = sum(1 for r in results if r.evaluation and r.evaluation.requirements)
    empty = sum(1 for r in results if r.evaluation is None)
    if n == 1:
        done = "ships nothing" if empty else "is signed off" if needed else "needs no sign-off"
        return f"PASS: the one change in {span} {done}"
    if not needed:
        line = f"PASS: none of the {n} changes in {span} needs a sign-off"
    elif needed < n:
        line = (
            f"PASS: {needed} of the {n} changes in {span} needed a sign-off and have it; the "
            "others need none"
        )
    else:
        line = f"PASS: all {n} changes in {span} are signed off"
    return line + (f" ({empty} ship{'s' if empty == 1 else ''} nothing)" if empty else "")


def _ledger(results: tuple[Verified, ...]) -> str | None:
    """The ledger the release's sign-offs were read from (one for every change of it)."""
    state = next(
        (r.evaluation.ledger for r in results if r.evaluation and r.evaluation.ledger), None
    )
    return state.summary if state else None


def _approve_with(change: ReleasedChange) -> str:
    return f"--base {change.base[:12]} --head {change.head[:12]}"


def _text(results: tuple[Verified, ...], base: str, head: str) -> str:
    lines = [_headline(results, base, head)]
    ledger = _ledger(results)
    if ledger:
        lines.append(f"  {ledger}")
    for r in results:
        c, e = r.change, r.evaluation
        what = _what(c)
        lines.append(f"  {r.verdict:<15} {c.commit[:12]}  {c.subject[:70]}{what}")
        if c.note:
            lines.append(f"      note: {c.note}")
        if e is None or e.verdict is Verdict.PASS:
            continue
        lines.extend(
            f"      [ ] {req.id}: {req.needs or req.reason}  ({req.missing})"
            for req in e.requirements
            if not req.satisfied
        )
        for step in next_steps(e):
            plain = step.replace("`", "")
            for verb in ("countersign approve", "countersign record"):
                plain = plain.replace(verb, f"{verb} {_approve_with(c)}")
            lines.append(f"      next: {plain}")
    return "\n".join(lines) + "\n"


def _requirements(r: Verified) -> tuple[Requirement, ...]:
    return r.evaluation.requirements if r.evaluation else ()


def _what(c: ReleasedChange) -> str:
    if c.kind == "merge":
        return f"  (branch {c.base[:8]}..{c.head[:8]})"
    if c.kind == "merge-as-landed":
        return "  (the merge as it landed)"
    if c.kind == "empty":
        return "  (ships nothing)"
    return ""


def _markdown(results: tuple[Verified, ...], base: str, head: str) -> str:
    lines = [
        f"### countersign verify: {_headline(results, base, head)}",
        "",
        "| verdict | commit | change | still needs |",
        "| --- | --- | --- | --- |",
    ]
    ledger = _ledger(results)
    if ledger:
        lines[1:1] = ["", f"Sign-offs read from the {cell(ledger)}."]
    for r in results:
        c, requirements = r.change, _requirements(r)
        needs = "; ".join(req.id for req in requirements if not req.satisfied) or "-"
        lines.append(
            f"| {r.verdict} | `{c.commit[:12]}` | {cell(c.subject[:80] + _what(c))} "
            f"| {cell(needs)} |"
        )
    return "\n".join(lines) + "\n"


def _as_dict(results: tuple[Verified, ...], base: str, head: str) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "verdict": str(release_verdict(results)),
        "base": base,
        "head": head,
        "ledger": next(
            (ledger_dict(r.evaluation) for r in results if r.evaluation and r.evaluation.ledger),
            None,
        ),
        "changes": [
            {
                "commit": r.change.commit,
                "subject": r.change.subject,
                "kind": r.change.kind,
                "note": r.change.note,
                "base": r.change.base,
                "head": r.change.head,
                "fingerprint": r.evaluation.facts.change.fingerprint if r.evaluation else None,
                "verdict": str(r.verdict),
                "requirements": [requirement_dict(q) for q in _requirements(r)],
                "approve_with": shlex.split(_approve_with(r.change)),
            }
            for r in results
        ],
    }
