"""Output: one layer turns evaluations and findings into text, JSON, Markdown or SARIF."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports FORMATS at start-up; the records load only when rendering
    from countersign.facts.hazards import Hazard
    from countersign.gate.verdict import Evaluation

FORMATS = ("text", "json", "markdown", "sarif")


def render(evaluation: Evaluation, fmt: str) -> str:
    if fmt == "json":
        from countersign.output.serialize import dumps, evaluation_dict

        return dumps(evaluation_dict(evaluation))
    if fmt == "markdown":
        from countersign.output.markdown import markdown

        return markdown(evaluation)
    if fmt == "sarif":
        from countersign.output.sarif import sarif

        return sarif(evaluation.facts.hazards, evaluation)
    from countersign.output.text import text

    return text(evaluation)


def render_hazards(hazards: tuple[Hazard, ...], fmt: str, files: tuple[str, ...]) -> str:
    from countersign.output import markdown, sarif, serialize, text

    if fmt == "json":
        return serialize.dumps(
            {"files": list(files), "hazards": [serialize.hazard_dict(h) for h in hazards]}
        )
    if fmt == "markdown":
        return markdown.hazards_table(hazards)
    if fmt == "sarif":
        return sarif.sarif(hazards, None)
    return text.hazards_text(hazards, files)
