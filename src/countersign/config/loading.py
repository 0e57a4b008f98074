"""``Config``: a repository's catalog, roster and hazard settings, validated into one record."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from countersign.config import CONFIG_DIR
from countersign.config.catalog import Catalog
from countersign.config.hazards import HazardSettings, load_hazard_settings
from countersign.config.roster import Roster, load_roster
from countersign.config.sources import read_catalog
from countersign.intake.tree import RepoTree


@dataclass(frozen=True)
class Config:
    """What a repository configured. Policy is loaded separately, from the base revision."""

    catalog: Catalog = field(default_factory=Catalog)
    roster: Roster = field(default_factory=Roster)
    hazards: HazardSettings = field(default_factory=HazardSettings)
    root: str | None = None


def load_config(
    root: Path, read: dict[str, str] | None = None, tree: RepoTree | None = None
) -> Config:
    """Load catalog, roster and settings. ``read`` gives the files' texts (the base revision's,
    when judging a change: a file absent there is absent, never taken from the change); without
    it they are read from ``root/.countersign``. ``tree`` is where Backstage files and
    CODEOWNERS are looked for (the base revision too)."""
    texts = dict(read) if read is not None else {}
    if read is None:
        for name in ("catalog.yaml", "people.yaml", "hazards.yaml"):
            path = root / CONFIG_DIR / name
            if path.is_file():
                texts[name] = path.read_text(encoding="utf-8", errors="replace")
    catalog = read_catalog(texts.get("catalog.yaml"), tree)
    roster = load_roster(texts["people.yaml"]) if "people.yaml" in texts else Roster()
    hazards = (
        load_hazard_settings(texts["hazards.yaml"]) if "hazards.yaml" in texts else HazardSettings()
    )
    return Config(catalog=catalog, roster=roster, hazards=hazards, root=str(root))
