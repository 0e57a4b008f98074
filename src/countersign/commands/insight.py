"""``countersign insight``: whether AI-assisted changes failed more, what the friction costs,
and what gating would have caught, from this repository and its ledger or from a CSV of
changes; text, JSON, Markdown or a self-contained HTML report, and an anonymised export."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import click

from countersign.errors import InputError, UsageError
from countersign.evidence import friction as friction_records
from countersign.evidence.changes import Settings, gather
from countersign.facts.incidents import Incident
from countersign.facts.incidents.linkage import Link
from countersign.facts.insight import anonymise
from countersign.facts.insight.friction import friction
from countersign.facts.insight.records import read_csv
from countersign.facts.insight.report import Report, build
from countersign.intake.git import repo_root
from countersign.output import insight as out
from countersign.output.reports import parse_reports, write_report
from countersign.workspace import Environment, ledger_for

FORMATS = ("text", "json", "markdown", "html")
ENV_SALT = "COUNTERSIGN_SALT"


def _render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return out.dumps(report)
    if fmt == "markdown":
        return out.markdown(report)
    if fmt == "html":
        from countersign.output.insight_html import render_html

        return render_html(report)
    return out.text(report)


def _write_charts(report: Report, directory: Path) -> None:
    from countersign.output.insight_charts import charts, rendered

    drawn = rendered(charts(out.as_dict(report)))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in drawn.items():
            (directory / name).write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write --charts {directory}: {exc.strerror or exc}") from None
    click.echo(f"Wrote {len(drawn)} chart files to {directory}", err=True)


def insight(
    cwd: Path,
    *,
    changes_csv: Path | None,
    fmt: str,
    output: Path | None,
    reports: tuple[str, ...],
    settings: Settings,
    anonymised: Path | None,
    salt: str | None,
    charts_dir: Path | None = None,
) -> int:
    extra = parse_reports(reports, FORMATS)
    salt = salt or os.environ.get(ENV_SALT)
    if anonymised and not salt:
        raise UsageError(f"--export-anonymised needs a secret salt: --salt or ${ENV_SALT}")
    if changes_csv is not None:
        try:
            text = changes_csv.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{changes_csv}: cannot read ({exc})") from None
        records = read_csv(text, str(changes_csv))
        report = build(records, "as given in the CSV")
        report = replace(report, sources={"csv": changes_csv.name})
        links: list[Link] = []
        incidents: dict[str, Incident] = {}
    else:
        root = repo_root(cwd)
        env = Environment.from_process()
        ledger = ledger_for(root, env)
        found = gather(root, ledger, settings)
        if not found.records:
            raise InputError(f"{root}: no changes to analyse (an empty history, or --since)")
        report = build(found.records, found.definition, found.notes)
        signoffs, glass = friction_records.records(root, ledger)
        report = replace(
            report,
            friction=friction(signoffs, glass, env.clock().timestamp()),
            sources={
                "repository": root.name,
                "incidents": len(found.incidents),
                "links": len(found.links),
                "links_counted": sum(
                    lk.confidence >= settings.min_confidence for lk in found.links
                ),
                "min_confidence": settings.min_confidence,
            },
        )
        records, links, incidents = found.records, found.links, found.incidents
    for report_fmt, file in extra:
        write_report(file, _render(report, report_fmt))
    if anonymised is not None:
        data = anonymise.export(records, links, incidents.values(), salt or "")
        write_report(anonymised, json.dumps(data, indent=1) + "\n")
        click.echo(f"Wrote the anonymised export to {anonymised}", err=True)
    if charts_dir is not None:
        _write_charts(report, charts_dir)
    rendered = _render(report, fmt)
    if output is not None:
        write_report(output, rendered)
        click.echo(f"Wrote the {fmt} report to {output}", err=True)
    else:
        click.echo(rendered, nl=False)
    return 0
