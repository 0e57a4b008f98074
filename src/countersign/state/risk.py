"""The risk model and mined history a change is scored with: the repository's own, when ``risk
mine`` and ``risk train`` have saved them in its state directory, else the packaged prior alone.
The cache is JSON, so a stale or foreign file is an error message, not code execution."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from countersign.errors import InputError
from countersign.facts.risk import model as risk_model
from countersign.facts.risk import repo_features
from countersign.facts.risk.metrics import FileHistory, History
from countersign.facts.risk.mining import Index, Mined
from countersign.intake.change import Change
from countersign.state import history as git_history
from countersign.state_dir import state_dir as state_dir_of

CACHE_VERSION = 3  # 3: a patch's content holds its code words
MODEL_FILE = "model.json"
REFERENCE_FILE = "reference.json"
REFERENCE_COMMITS = 5000  # percentiles against the recent history (scoring 5k takes ~2 s)


def risk_inputs(
    root: Path | None, change: Change, state: Path | None = None, *, mine: bool = False
) -> tuple[risk_model.Model | None, History | None]:
    """The trained model and mined history in ``state`` (default: the repository's risk cache).
    A history that already holds the change's own commits would count them as their own past:
    then the history at the change's base is used, which ``mine`` mines (and keeps) when it is
    not saved yet; without ``mine`` there is then no history."""
    if root is None:
        return None, None
    state = state or risk_dir(root)
    path = state / MODEL_FILE
    model = risk_model.load(path) if path.is_file() else None
    model = _with_reference(model, state / REFERENCE_FILE)
    history = load_history(state)
    if (
        history is not None
        and change.base
        and change.commits
        and git_history.contains(root, history, change.commits[0].sha)
    ):
        history = load_history(state / "base")
        if history is None or history.head != change.base:
            history = _mine_base(root, change.base, state / "base") if mine else None
    return model, history


def active_model(state: Path) -> risk_model.Model:
    """The model ``risk train`` saved in ``state``, else the packaged prior."""
    path = state / MODEL_FILE
    return risk_model.load(path) if path.is_file() else risk_model.prior()


def save_reference(
    state: Path,
    metrics: list[dict[str, float]],
    tokens: Sequence[Iterable[str]] | None = None,
) -> None:
    """Keep the active model's scores of ``metrics`` (recent commits; ``tokens``: their
    words) for percentiles."""
    if not metrics:
        return
    data = risk_model.reference(active_model(state), metrics, tokens)
    state.mkdir(parents=True, exist_ok=True)
    (state / REFERENCE_FILE).write_text(json.dumps(data), encoding="utf-8")


def _mine_base(root: Path, base: str, directory: Path) -> History:
    index = git_history.mine(root, None, head=base)
    save(index, directory)
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


def risk_dir(repo: Path) -> Path:
    """The risk cache: ``risk/`` in the repository's state directory (``countersign.state_dir``)."""
    proc = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--path-format=absolute", "--git-common-dir"],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise InputError(f"{repo} is not a git repository; pass --repo PATH")
    return state_dir_of(Path(proc.stdout.decode().strip())) / "risk"


def save(index: Index, directory: Path) -> None:
    """Write ``history.json`` (what scoring needs) and ``commits.json`` (what labelling and
    training need), each replaced atomically."""
    h = index.history
    history: dict[str, Any] = {
        "version": CACHE_VERSION,
        "head": index.head,
        "shallow": index.shallow,
        "files": {
            p: [f.lines, f.changes, f.last_change, sorted(f.authors)] for p, f in h.files.items()
        },
        "author_times": h.author_times,
        "author_subsystems": h.author_subsystems,
    }
    commits: dict[str, Any] = {
        "version": CACHE_VERSION,
        "head": index.head,
        "commits": [
            [c.sha, c.date, c.author, list(c.parents), c.fix, c.ai, c.metrics, c.message, c.paths]
            for c in index.commits
        ],
        "blamed": index.blamed,
        "content": index.content,
    }
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in (("history.json", history), ("commits.json", commits)):
        _write_whole(directory / name, data)


REPO_HISTORY_FILE = "repo_history.json"


def save_repo_history(directory: Path, head: str | None, data: dict[str, Any]) -> None:
    """Keep what the repository features of a live change read (``repo_features.to_json``)."""
    directory.mkdir(parents=True, exist_ok=True)
    _write_whole(directory / REPO_HISTORY_FILE, {"version": CACHE_VERSION, "head": head, **data})


def _write_whole(path: Path, data: dict[str, Any]) -> None:
    """Write ``path`` through a temporary file of this writer's own, then rename it over the
    old one: a reader sees the old file or the new, and two ``risk mine`` runs of one
    repository each leave a whole file (with one shared temporary name, one run's rename took
    the other's file away and it failed)."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(json.dumps(data, separators=(",", ":")))
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return None
    return data


def load_history(directory: Path) -> History | None:
    """The history scoring reads, or None when not mined (or from another version)."""
    data = _read(directory / "history.json")
    if data is None:
        return None
    repo = _read(directory / REPO_HISTORY_FILE)
    return History(
        files={p: FileHistory(v[0], v[1], v[2], set(v[3])) for p, v in data["files"].items()},
        author_times=data["author_times"],
        author_subsystems=data["author_subsystems"],
        head=data["head"],
        # saved with this history (the same head), else not known
        repo=repo_features.from_json(repo) if repo and repo["head"] == data["head"] else None,
    )


def load(directory: Path) -> Index | None:
    """The whole cached index, or None when absent, stale or from another version."""
    data = _read(directory / "commits.json")
    meta = _read(directory / "history.json")
    history = load_history(directory)
    if data is None or meta is None or history is None or data["head"] != meta["head"]:
        return None
    commits = [
        Mined(c[0], c[1], c[2], tuple(c[3]), c[4], c[5], c[6], c[7], tuple(c[8]))
        for c in data["commits"]
    ]
    content = data.get("content") or {}  # absent in caches written before it was kept
    return Index(data["head"], history, commits, meta["shallow"], data["blamed"], content=content)


def blast_columns(repo: Path) -> Callable[[tuple[str, ...]], dict[str, float]] | None:
    """Blast-radius columns from the catalog as it is now (None without a catalog)."""
    from countersign.config import load_config
    from countersign.facts import blast_radius
    from countersign.facts.context import Context
    from countersign.intake.change import Change, FileChange, FileStatus

    config = load_config(repo)
    if not config.catalog.services:
        return None
    context = Context(config=config)

    def columns(paths: tuple[str, ...]) -> dict[str, float]:
        files = tuple(FileChange(p, FileStatus.MODIFIED) for p in paths)
        b = blast_radius.analyze(Change(base=None, head=None, fingerprint="", files=files), context)
        return {
            "services": float(len(b.services)),
            "tier": float(b.tier or 0),
            "blast": round(b.score, 4),
        }

    return columns
