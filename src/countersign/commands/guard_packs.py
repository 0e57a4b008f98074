"""``countersign guard packs [RULE]``: the rule packs in force and their rule ids, or what one
rule catches, why, and its examples."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.errors import InputError
from countersign.facts.shell.catalog import PackSet
from countersign.facts.shell.context import PROTECTED_BRANCHES
from countersign.guard.packs import packs_in_force
from countersign.guard.settings import protected_guard_config
from countersign.guard.state import find_repository


def guard_packs(rule_id: str | None, cwd: Path) -> int:
    root, common = find_repository(str(cwd))
    branches = protected_guard_config(root, common).protected_branches or PROTECTED_BRANCHES
    packs = packs_in_force(root, common, branches, explained=True)
    if rule_id:
        click.echo(explain(packs, rule_id), nl=False)
        return 0
    click.echo(listing(packs), nl=False)
    return 0


def listing(packs: PackSet) -> str:
    lines = []
    for pack in packs.packs:
        state = " (disabled)" if pack.id in packs.disabled else ""
        lines.append(f"{pack.id}{state}: {pack.title} [{pack.source}]")
        for rule in pack.rules:
            off = "" if packs.enabled(rule.id) else " (disabled)"
            lines.append(f"  {rule.id:36s} {rule.severity.value:8s}{off}")
    lines.append("")
    lines.append("`countersign guard packs RULE` explains one rule.")
    return "\n".join(lines) + "\n"


def explain(packs: PackSet, rule_id: str) -> str:
    found = packs.rule(rule_id)
    if found is None:
        raise InputError(f"no rule {rule_id!r}; `countersign guard packs` lists the rule ids")
    pack, rule = found
    prod = rule.prod_severity.value if rule.prod_severity else "one step higher"
    lines = [
        f"{rule.id} ({pack.id}: {pack.title})",
        f"severity: {rule.severity.value}; in production context: {prod}",
        f"programs: {', '.join(rule.programs) or '(see the rule)'}",
        "",
        rule.explain,
    ]
    if rule.doc:
        lines += ["", f"documentation: {rule.doc}"]
    lines += ["", "asked or denied:", *(f"  {c}" for c in rule.dangerous)]
    lines += ["allowed:", *(f"  {c}" for c in rule.safe)]
    if not packs.enabled(rule.id):
        lines += ["", "This rule is disabled in this repository."]
    return "\n".join(lines) + "\n"
