"""``countersign init``: write ``.countersign/`` from what the repository already says: its
services (Go modules, workspaces, Python packages, Backstage), owners (CODEOWNERS) and a roster
skeleton of its most active authors, levels left for a human; and the ledger's pins (this
machine's key, a checkpoint of a ledger that already holds entries), so a fresh machine refuses
a forged or rewound ledger from the first commit."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.config import CONFIG_DIR
from countersign.config.catalog import load_catalog
from countersign.config.discovery import discover
from countersign.config.forge import forge_text, github_repository
from countersign.config.roster import load_roster
from countersign.config.skeleton import FILL_IN, Author, catalog_text, people_text
from countersign.config.starter import GITIGNORE
from countersign.decision.policy import default_policy_text
from countersign.errors import UsageError
from countersign.intake.git import (
    NotARepositoryError,
    has_commits,
    remote_url,
    repo_root,
    top_authors,
)
from countersign.intake.tree import DirTree
from countersign.signoff.checkpoint import CHECKPOINT_FILE
from countersign.signoff.first_pins import first_pins
from countersign.signoff.pins import PIN_FILE
from countersign.workspace import Environment, ledger_for, repository_state_dir

AGENTS = ("noreply@anthropic.com", "cursoragent@cursor.com", "noreply@openai.com")
MAX_AUTHORS = 15


def init(repo: Path, *, force: bool) -> int:
    try:
        root = repo_root(repo)
    except NotARepositoryError:
        root = repo  # not under git yet: services from the files, no history to read

    target = root / CONFIG_DIR
    tree = DirTree(root)
    found = discover(tree.paths(), tree.read)
    authors = tuple(
        Author(name, email, count)
        for name, email, count in (
            top_authors(root, MAX_AUTHORS) if (root / ".git").exists() and has_commits(root) else ()
        )
    )
    github = github_repository(remote_url(root) or "")
    files = {
        "policy.yaml": default_policy_text() + (forge_text(github) if github else ""),
        "catalog.yaml": catalog_text(found),
        "people.yaml": people_text(authors, found, AGENTS),
        ".gitignore": GITIGNORE,
    }
    load_catalog(files["catalog.yaml"])  # what init writes is valid, or it is a bug
    load_roster(files["people.yaml"])
    existing = [n for n in files if (target / n).exists()]
    if existing and not force:
        raise UsageError(
            f"{CONFIG_DIR}/ already has {', '.join(existing)}; pass --force to overwrite"
        )
    target.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (target / name).write_text(text, encoding="utf-8")
    pinned = _pin(root, target)
    services = ", ".join(s.name for s in found.services[:8]) or "none"
    more = f" and {len(found.services) - 8} more" if len(found.services) > 8 else ""
    click.echo(f"Wrote {', '.join(files)} in {target}.")
    click.echo(f"  services: {len(found.services)} found ({services}{more})")
    if found.backstage:
        click.echo(f"  Backstage components read at check time: {len(found.backstage)}")
    click.echo(
        f"  people: {len(authors)} most active authors; teams from "
        f"{found.codeowners or 'no CODEOWNERS'}: {', '.join(found.teams) or 'none'}"
    )
    click.echo(pinned)
    click.echo(
        f"  forge: reviews confirmed with GitHub for {github} (policy.yaml forge.repository)"
        if github
        else "  forge: no github.com origin; set forge.repository in policy.yaml so GitHub "
        "reviews can count as forge-proven"
    )
    click.echo(
        f"Next: set each person's level in people.yaml (marked {FILL_IN}), check tiers and "
        "owners in catalog.yaml, run `countersign config check`, then commit .countersign/ "
        "and have it signed off (docs/adopting.md)."
    )
    return 0


def _pin(root: Path, target: Path) -> str:
    """Write ``ledger-keys`` (kept when it exists: it may pin CI and the service) and, for a
    ledger that already holds entries, its checkpoint; the line that says what was done."""
    environment = Environment.from_process()
    keys = target / PIN_FILE
    checkpoints = target / CHECKPOINT_FILE
    existing = checkpoints.read_text(encoding="utf-8") if checkpoints.is_file() else ""
    done = first_pins(
        repository_state_dir(root, environment), lambda: ledger_for(root, environment), existing
    )
    if keys.exists():
        said = f"  ledger: kept {PIN_FILE} as it is"
    else:
        keys.write_text(done.pins, encoding="utf-8")
        said = (
            f"  ledger: pinned this machine's key {done.key_id} ({done.label}) in "
            f"{PIN_FILE}; pin CI's and the service's too before they record "
            "(`countersign ledger keys` on each)"
        )
    if done.checkpoint is not None:
        checkpoints.write_text(done.checkpoint, encoding="utf-8")
        return f"{said}; its head is checkpointed in {CHECKPOINT_FILE}"
    return f"{said}; no checkpoint yet ({done.why_not})"
