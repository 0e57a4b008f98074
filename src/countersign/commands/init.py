"""``countersign init``: write a commented starter ``.countersign/``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from countersign.config import CONFIG_DIR
from countersign.config.starter import GITIGNORE
from countersign.decision.policy import default_policy_text
from countersign.errors import UsageError

STARTERS = ("catalog.yaml", "people.yaml")


def starter(name: str) -> str:
    return resources.files("countersign.config").joinpath(f"starter_{name}").read_text("utf-8")


def init(repo: Path, *, force: bool) -> int:
    target = repo / CONFIG_DIR
    files = {
        "policy.yaml": default_policy_text(),
        **{n: starter(n) for n in STARTERS},
        ".gitignore": GITIGNORE,
    }
    existing = [n for n in files if (target / n).exists()]
    if existing and not force:
        raise UsageError(
            f"{CONFIG_DIR}/ already has {', '.join(existing)}; pass --force to overwrite"
        )
    target.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (target / name).write_text(text, encoding="utf-8")
    click.echo(
        f"Wrote {', '.join(files)} in {target}. Edit catalog.yaml and people.yaml, "
        "then run `countersign check`."
    )
    return 0
