"""``docs check`` findings as text, JSON (``countersign/docs/v1``) or Markdown (a PR comment)."""

from __future__ import annotations

from typing import Any

from countersign.docs_review import DocsReview
from countersign.facts.docs import Finding
from countersign.output.markdown import cell
from countersign.output.serialize import dumps

SCHEMA = "countersign/docs/v1"


def render_docs(review: DocsReview, fmt: str, everything: bool = False) -> str:
    shown = review.findings if everything else review.stale
    if fmt == "json":
        return dumps(
            {
                "schema": SCHEMA,
                "revision": review.rev,
                "documents": len(review.docs),
                "references": review.references,
                "stale": len(review.stale),
                "unreadable_commits": list(review.unreadable),
                "findings": [finding_dict(f) for f in review.findings],
            }
        )
    if fmt == "markdown":
        return _markdown(review, shown)
    return _text(review, shown)


def finding_dict(f: Finding) -> dict[str, Any]:
    r = f.reference
    return {
        "doc": r.doc,
        "line": r.line,
        "kind": str(r.kind),
        "reference": r.text,
        "context": r.context,
        "status": str(f.status),
        "stale": f.stale,
        "confidence": f.confidence,
        "reason": f.reason,
        "doc_line_date": f.doc_line_date or None,
        "suggestion": f.suggestion or None,
        "evidence": None
        if f.evidence is None
        else {
            "commit": f.evidence.commit,
            "date": f.evidence.date,
            "subject": f.evidence.subject,
            "renamed_to": f.evidence.renamed_to or None,
        },
    }


def _summary(review: DocsReview) -> str:
    docs = f"{len(review.docs)} document{'s' if len(review.docs) != 1 else ''}"
    refs = f"{review.references} reference{'s' if review.references != 1 else ''}"
    stale = len(review.stale)
    return f"{docs}, {refs} checked at {review.rev[:9]}: {stale} stale"


def _unreadable(review: DocsReview) -> str:
    """The gap a damaged repository leaves, said where the findings are."""
    lost = review.unreadable
    if not lost:
        return ""
    many = f"{len(lost)} commits" if len(lost) != 1 else "1 commit"
    return (
        f"{many} of the history could not be read (objects missing from the repository, first "
        f"{lost[0][:9]}): what they removed or renamed is not known, so references they made "
        "stale may be missing here; fetch the repository again to check them"
    )


def _line(f: Finding) -> str:
    r = f.reference
    out = f"{r.doc}:{r.line}: {f.reason}"
    if f.doc_line_date:
        out += f"; this line was last written {f.doc_line_date}"
    if f.suggestion:
        out += f"; use `{f.suggestion}`"
    return out


def _text(review: DocsReview, shown: tuple[Finding, ...]) -> str:
    lines = [_summary(review)]
    if gap := _unreadable(review):
        lines.append(f"  warning: {gap}")
    lines.extend(f"  {f.status}: {_line(f)} [{f.confidence}]" for f in shown)
    return "\n".join(lines) + "\n"


def _markdown(review: DocsReview, shown: tuple[Finding, ...]) -> str:
    out = [f"### countersign docs check: {len(review.stale)} stale", "", _summary(review) + ".", ""]
    if gap := _unreadable(review):
        out += [f"> **Warning**: {gap}.", ""]
    if not shown:
        return "\n".join([*out, "Every reference checked still holds.", ""])
    out += [
        "| where | reference | status | evidence | suggestion |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in shown:
        r = f.reference
        evidence = f"{f.evidence.commit[:9]} {f.evidence.subject}" if f.evidence else ""
        out.append(
            f"| `{r.doc}:{r.line}` | `{cell(r.text)}` | {f.status} | {cell(evidence)} "
            f"| {cell(f'`{f.suggestion}`' if f.suggestion else '')} |"
        )
    return "\n".join([*out, ""])
