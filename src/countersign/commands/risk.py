"""``countersign risk mine|train|eval``: mine history, label it, fit and evaluate the model."""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from countersign.errors import UsageError
from countersign.facts.risk import dataset, evaluation, szz, training
from countersign.facts.risk.dataset import Row
from countersign.facts.risk.model import to_json
from countersign.state import history
from countersign.state import risk as cache
from countersign.state.risk import MODEL_FILE, REFERENCE_COMMITS, save_reference


@contextmanager
def _bar(total: int, label: str, worth: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for long runs (``total`` at least ``worth`` steps); silent for
    short ones or when not a terminal."""
    if total < worth or not sys.stderr.isatty():
        yield lambda _n: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def _info(text: str) -> None:
    click.echo(text, err=True)


def mine_repo(
    repo: Path, gap_days: float, labels: Path | None, ignore_revs: Path | None
) -> tuple[list[Row], szz.Labels]:
    state = cache.risk_dir(repo)
    index = cache.load(state)
    since = index.head if index else None
    with _bar(history.count_commits(repo, since), "mining", worth=2000) as step:
        index = history.mine(repo, index, progress=step)
    if index.shallow:
        _info(
            "shallow clone: only the fetched history is mined; experience and file history "
            "before the clone's edge are missing (run `git fetch --unshallow` for full metrics)"
        )
    explicit = history.read_labels(labels) if labels else None
    n_fixes = sum(1 for c in index.commits if c.fix and c.sha not in index.blamed)
    with _bar(n_fixes, "labelling", worth=100) as step:
        found = history.label(repo, index, gap_days, explicit, ignore_revs, step)
    cache.save(index, state)
    save_reference(state, [c.metrics for c in index.commits[-REFERENCE_COMMITS:]])
    if found.note:
        _info(found.note)
    _info(
        f"{len(index.commits)} commits mined, {found.fixes} fixes, "
        f"{found.inducing} defect-inducing changes (cache: {state})"
    )
    blast = cache.blast_columns(repo)
    rows = [c.row(found.bug[c.sha], blast(c.paths) if blast else None) for c in index.commits]
    return rows, found


def mine(
    repo: Path, out: Path | None, gap_days: float, labels: Path | None, ignore_revs: Path | None
) -> int:
    rows, _ = mine_repo(repo, gap_days, labels, ignore_revs)
    extra = ("ai", "services", "tier", "blast") if rows and "blast" in rows[0].metrics else ("ai",)
    if out is None:
        dataset.write_csv(rows, sys.stdout, extra=extra)
    else:
        with out.open("w", encoding="utf-8") as fh:
            dataset.write_csv(rows, fh, extra=extra)
    return 0


def _rows(
    repo: Path | None, datasets: tuple[Path, ...], gap_days: float, labels: Path | None
) -> list[tuple[str, list[Row]]]:
    if not repo and not datasets:
        raise UsageError("give --repo PATH or --dataset CSV")
    out = [(p.stem, dataset.read_csv(p)) for p in datasets]
    if repo:
        out.append((repo.resolve().name, mine_repo(repo, gap_days, labels, None)[0]))
    return out


def train(
    repo: Path | None,
    datasets: tuple[Path, ...],
    out: Path | None,
    name: str,
    gap_days: float,
    labels: Path | None,
) -> int:
    training.require_sklearn()
    if repo is None and not datasets:
        repo = Path()  # like `risk mine`: the repository here
    rows = [r for _, rs in _rows(repo, datasets, gap_days, labels) for r in rs]
    why = training.trainable(rows)
    if why:
        _info(f"not enough labelled history to train ({why}): the packaged prior stays in use")
        return 0
    model = training.fit(rows, name=name)
    target = out or (cache.risk_dir(repo) / MODEL_FILE if repo else Path(MODEL_FILE))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(to_json(model), separators=(",", ":")) + "\n", encoding="utf-8")
    _info(f"model trained on {len(rows)} changes, written to {target}")
    if repo and out is None:
        index = cache.load(cache.risk_dir(repo))
        if index:
            save_reference(
                cache.risk_dir(repo), [c.metrics for c in index.commits[-REFERENCE_COMMITS:]]
            )
    return 0


def evaluate(
    repo: Path | None, datasets: tuple[Path, ...], gap_days: float, labels: Path | None
) -> int:
    results = [
        evaluation.evaluate(rows, name) for name, rows in _rows(repo, datasets, gap_days, labels)
    ]
    report: dict[str, Any] = {"projects": results}
    if len(results) > 1:
        report["mean"] = {
            who: {
                "auc": round(statistics.mean(r[who]["auc"] for r in results), 4),
                "caught_at": {
                    g: round(statistics.mean(r[who]["caught_at"][g] for r in results), 4)
                    for g in results[0][who]["caught_at"]
                },
            }
            for who in ("model", "lapredict", "lr14")
        }
    click.echo(json.dumps(report, indent=2))
    return 0
