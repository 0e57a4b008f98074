"""The risk model and history a change is scored with: the repository's own, when ``risk mine``
and ``risk train`` have saved them in its state directory, else the packaged prior alone."""

from __future__ import annotations

import json
from pathlib import Path

from countersign.facts.risk import mining
from countersign.facts.risk import model as risk_model
from countersign.facts.risk.metrics import History
from countersign.intake.change import Change


def risk_inputs(
    root: Path | None, change: Change, state: Path | None = None, *, mine: bool = False
) -> tuple[risk_model.Model | None, History | None]:
    """The trained model and mined history in ``state`` (default: the repository's risk cache).
    A history that already holds the change's own commits would count them as their own past:
    then the history at the change's base is used, which ``mine`` mines (and keeps) when it is
    not saved yet; without ``mine`` there is then no history."""
    if root is None:
        return None, None
    state = state or mining.state_dir(root)
    path = state / "model.json"
    model = risk_model.load(path) if path.is_file() else None
    model = _with_reference(model, state / "reference.json")
    history = mining.load_history(state)
    if (
        history is not None
        and change.base
        and change.commits
        and mining.contains(root, history, change.commits[0].sha)
    ):
        history = mining.load_history(state / "base")
        if history is None or history.head != change.base:
            history = _mine_base(root, change.base, state / "base") if mine else None
    return model, history


def _mine_base(root: Path, base: str, directory: Path) -> History:
    index = mining.mine(root, None, head=base)
    mining.save(index, directory)
    return index.history


def _with_reference(model: risk_model.Model | None, path: Path) -> risk_model.Model | None:
    """Percentiles against this repository's own history when ``risk mine`` saved them for the
    model in use."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return model
    base = model or risk_model.prior()
    if not isinstance(data, dict) or data.get("model") != base.name:
        return model
    return risk_model.with_reference(base, data)
