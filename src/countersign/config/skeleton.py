"""The ``catalog.yaml`` and ``people.yaml`` that ``countersign init`` writes from what the
repository says (``config.discovery``) and who wrote its history: services and owners filled
in, levels left for a human and marked so."""

from __future__ import annotations

import json
from dataclasses import dataclass

from countersign.config.discovery import Discovery

FILL_IN = "FILL IN"
LEVEL_HINT = "junior | mid | senior | staff | principal"
LEVEL_LINE = f"# level: {FILL_IN}"  # one per person whose level a human still has to set


@dataclass(frozen=True)
class Author:
    name: str
    email: str
    commits: int


def _q(value: str) -> str:
    """A YAML scalar that stays a string whatever it holds (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def catalog_text(found: Discovery) -> str:
    lines = [
        "# Services of this repository, found by `countersign init` in its Go modules, npm/pnpm",
        "# workspaces and Python packages; owners from CODEOWNERS (the rule that decides each",
        "# service's manifest). Check each entry: set `tier: 1` on the systems of your critical",
        "# list, add environments, datastores, depends_on. Globs: `*` stays in one directory,",
        "# `**` spans any number. Backstage catalog-info.yaml files and CODEOWNERS are also read",
        "# at check time; entries here win.",
        "version: 1",
    ]
    if not found.services:
        lines += [
            "services: []  # none found: add them, e.g.",
            '#  - {name: api, paths: ["services/api/**"], owners: [backend], tier: 2}',
        ]
    else:
        lines.append("services:")
    for s in found.services:
        lines.append(f"  - name: {_q(s.name)}")
        lines.append(f"    paths: [{', '.join(_q(p) for p in s.paths)}]  # from {s.source}")
        if s.owners:
            owners = ", ".join(_q(o) for o in s.owners)
            lines.append(f"    owners: [{owners}]  # {s.owners_line}")
        else:
            lines.append("    owners: []  # no CODEOWNERS rule: name the owning team")
        lines.append("    tier: 3  # 1 = critical, 4 = least")
    if found.backstage:
        lines.append("# Read from Backstage at check time (no need to repeat them here):")
        lines.extend(f"#   {entry}" for entry in found.backstage)
    return "\n".join(lines) + "\n"


def people_text(authors: tuple[Author, ...], found: Discovery, agents: tuple[str, ...]) -> str:
    teams = ", ".join(found.teams) or "none"
    lines = [
        "# The roster, from this repository's most active authors (git history) and the teams",
        f"# CODEOWNERS names ({teams}). LEVELS ARE LEFT FOR A HUMAN: replace each line",
        f'# "# level: {FILL_IN} ..." with `level: LEVEL` ({LEVEL_HINT}); until then the',
        "# person counts as of unknown level and cannot give a sign-off that asks for one. Add",
        "# their teams and `github: LOGIN` (their pull request reviews then count as sign-offs).",
        "# Remove anyone who should not be here; add reviewers who never committed.",
        "version: 1",
    ]
    if not authors:
        lines.append("people: []  # no history yet: add people here")
    else:
        lines.append("people:")
    taken: set[str] = set()
    for a in authors:
        pid = _person_id(a, taken)
        lines.append(f"  - id: {_q(pid)}")
        lines.append(f"    name: {_q(a.name)}")
        lines.append(f"    emails: [{_q(a.email)}]")
        commits = f"{a.commits} commit{'s' if a.commits != 1 else ''}"
        lines.append(f"    {LEVEL_LINE} ({LEVEL_HINT})  -- {commits}")
        lines.append("    teams: []")
    lines.append("agents:  # coding agents' commit addresses: never approvers")
    lines.extend(f"  - {_q(agent)}" for agent in agents)
    return "\n".join(lines) + "\n"


def _person_id(author: Author, taken: set[str]) -> str:
    base = "".join(ch if ch.isalnum() else "-" for ch in author.email.split("@")[0].lower())
    base = base.strip("-") or "person"
    pid, n = base, 2
    while pid in taken:
        pid, n = f"{base}-{n}", n + 1
    taken.add(pid)
    return pid
