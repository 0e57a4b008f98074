"""``countersign risk mine|train|eval``: mine history, label it, fit and evaluate the model."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from countersign.errors import InputError, UsageError
from countersign.facts.risk import content, dataset, evaluation, repo_features, szz, text, training
from countersign.facts.risk.dataset import Row
from countersign.facts.risk.features import EXTENDED, NAMES
from countersign.facts.risk.model import to_json
from countersign.state import blame, history
from countersign.state import risk as cache
from countersign.state.risk import MODEL_FILE, REFERENCE_COMMITS, save_reference
from countersign.state_dir import ENV_STATE_DIR


@contextmanager
def _bar(total: int, label: str, worth: int, unit: str) -> Iterator[Callable[[int], None]]:
    """Progress on stderr for long runs (``total`` at least ``worth`` steps): a bar on a
    terminal, else a line every tenth of the way (or every 30 s); silent for short runs."""
    if total < worth:
        yield lambda _n: None
        return
    if not sys.stderr.isatty():
        yield ProgressLines(label, total, unit)
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


class ProgressLines:
    """``label: 1,200 of 12,000 commits (10 %)`` lines, for logs (picklable: the background
    labelling process reports with it too)."""

    def __init__(self, label: str, total: int, unit: str, every: float = 30.0) -> None:
        self.label, self.total, self.unit, self.every = label, max(1, total), unit, every
        self.done = 0
        self.shown = 0
        self.last = time.monotonic()

    def __call__(self, n: int) -> None:
        self.done += n
        tenth = self.done * 10 // self.total
        now = time.monotonic()
        if tenth > self.shown or now - self.last >= self.every:
            self.shown, self.last = tenth, now
            pct = min(100, self.done * 100 // self.total)
            click.echo(
                f"{self.label}: {self.done:,} of {self.total:,} {self.unit} ({pct} %)", err=True
            )


def _info(text: str) -> None:
    click.echo(text, err=True)


def mine_repo(
    repo: Path,
    gap_days: float,
    labels: Path | None,
    ignore_revs: Path | None,
    all_refs: bool = False,
) -> tuple[list[Row], szz.Labels]:
    state = cache.risk_dir(repo)
    index = cache.load(state)
    since = index.head if index else None
    total = history.count_commits(repo, since)
    # A first run labels in a second process while this one mines: two git streams, two cores.
    background = _label_in_background(repo, total) if index is None and not ignore_revs else None
    with _bar(total, "mining", worth=2000, unit="commits") as step:
        index = history.mine(repo, index, progress=step)
    early = False
    if background is not None:
        head, job, pool = background
        # While the replay runs: the percentiles, when the active model reads none of the
        # repository features (which need the replay), from the same rows as after it.
        early = _reference_reads_metrics_only(state)
        if early:
            save_reference(state, _reference_metrics(index.commits, None))
        done = job.result()
        pool.shutdown()
        if head == index.head:
            for c in index.commits:
                if c.fix and c.parents:
                    index.blamed[c.sha] = done.blamed.get(c.sha, [])
            index.content.update(done.content)
            if done.problem:
                _info(done.problem)
    if index.shallow:
        _info(
            "shallow clone: only the fetched history is mined; experience and file history "
            "before the clone's edge are missing (run `git fetch --unshallow` for full metrics)"
        )
    explicit = history.read_labels(labels) if labels else None
    unit = "commits" if history.szz_method(index, ignore_revs) == "replay" else "fixes"
    with _bar(history.szz_steps(index, ignore_revs), "labelling", 100, unit) as step:
        found = history.label(repo, index, gap_days, explicit, ignore_revs, step)
    history.fill_content(repo, index)
    cache.save(index, state)
    features = _features(index, state)
    if not early:
        recent = index.commits[-REFERENCE_COMMITS:]
        words = [
            text.tokens(c.message, c.paths, content.code_of(index.content.get(c.sha)))
            for c in recent
        ]
        save_reference(state, _reference_metrics(index.commits, features), words)
    if found.note:
        _info(found.note)
    _info(
        f"{len(index.commits)} commits mined, {found.fixes} fixes, "
        f"{found.inducing} defect-inducing changes (cache: {state})"
    )
    blast = cache.blast_columns(repo)
    rows = [
        c.row(
            found.bug[c.sha],
            {**(blast(c.paths) if blast else {}), **extra},
            index.content.get(c.sha),
        )
        for c, extra in zip(index.commits, features, strict=True)
    ]
    if all_refs:
        side = _side(repo, index)
        for c, extra in zip(side.commits, side.features, strict=True):
            bug = 1 if explicit and any(c.sha.startswith(x) for x in explicit) else None
            rows.append(
                c.row(bug, {**(blast(c.paths) if blast else {}), **extra}, side.content.get(c.sha))
            )
    return rows, found


def _side(repo: Path, index: Any) -> history.Side:
    """The commits other branches and tags reach and ``HEAD`` does not, each mined from its
    own history (``history.mine_side``)."""
    _info(f"{_repo_name(repo)}: mining the commits only other branches and tags reach")
    side = history.mine_side(repo, index)
    if side.problem:
        _info(side.problem)
    _info(
        f"{_repo_name(repo)}: {len(side.commits):,} commits only other branches and tags "
        f"reach ({side.tips} tips), mined from their own history"
    )
    return side


def _features(index: Any, state: Path) -> list[dict[str, float]]:
    """The repository features of every mined commit; what they know after the last one is
    saved for scoring live changes."""
    after = repo_features.RepoHistory()
    features = list(repo_features.compute(index.commits, index.blamed, index.content, after))
    now = max((c.date for c in index.commits), default=0.0)
    cache.save_repo_history(state, index.head, repo_features.to_json(after, now))
    return features


def _reference_metrics(
    commits: list[Any], features: list[dict[str, float]] | None
) -> list[dict[str, float]]:
    """The recent commits' metrics and repository features, for percentiles (``features``
    None: the metrics alone, for a model that reads nothing else)."""
    if features is None:
        return [dict(c.metrics) for c in commits[-REFERENCE_COMMITS:]]
    recent = zip(commits[-REFERENCE_COMMITS:], features[-REFERENCE_COMMITS:], strict=True)
    return [{**c.metrics, **extra} for c, extra in recent]


def _reference_reads_metrics_only(state: Path) -> bool:
    """Whether the active model's scores and the percentile tables read only the 14 metrics
    (the packaged prior does), so the repository features cannot change them."""
    active = cache.active_model(state)
    return tuple(active.features) == NAMES and active.text is None


def _label_in_background(
    repo: Path, total: int
) -> tuple[str, Future[blame.Replayed], ProcessPoolExecutor] | None:
    if total < history.REPLAY_FROM:
        return None
    head = history.head_commit(repo)
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    quiet = total < 2000 or sys.stderr.isatty()  # a second bar would fight the mining bar
    progress = None if quiet else ProgressLines("labelling", total, "commits")
    return head, pool.submit(blame.replay_history, repo, head, None, progress), pool


def mine(
    repo: Path,
    out: Path | None,
    gap_days: float,
    labels: Path | None,
    ignore_revs: Path | None,
    all_refs: bool = False,
) -> int:
    rows, _ = mine_repo(repo, gap_days, labels, ignore_revs, all_refs)
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
    # mined here (not a dataset): trained with the repository features, which scoring a
    # live change computes from what `risk mine` saved
    own = bool(repo) and not datasets and "msg_len" in rows[0].metrics
    model = training.fit(rows, name=name, features=EXTENDED if own else NAMES, text=own)
    target = out or (cache.risk_dir(repo) / MODEL_FILE if repo else Path(MODEL_FILE))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(to_json(model), separators=(",", ":")) + "\n", encoding="utf-8")
    _info(f"model trained on {len(rows)} changes, written to {target}")
    if repo and out is None:
        recent = rows[-REFERENCE_COMMITS:]
        save_reference(
            cache.risk_dir(repo), [dict(r.metrics) for r in recent], [r.tokens for r in recent]
        )
    return 0


def evaluate(
    repos: tuple[Path, ...],
    datasets: tuple[Path, ...],
    gap_days: float,
    labels: Path | None,
    name: str | None = None,
    all_refs: bool = False,
) -> int:
    """The evaluation protocol's JSON: per dataset, and for the repositories (pooled into one
    project) labelled by SZZ or, with a labels CSV, by those labels (``all_refs``: also on
    the labelled commits only other branches and tags reach)."""
    if repos and labels and dataset.is_label_csv(_text(labels)):
        results = [_evaluate_labelled(repos, labels, name, all_refs)]
    else:
        if all_refs:
            raise UsageError(
                "--all-refs needs --labels CSV: SZZ labels HEAD's history only, so the "
                "commits only other refs reach would have no labels"
            )
        if len(repos) > 1:
            raise UsageError("pooling several --repo needs --labels CSV (a commit id and 0/1)")
        repo = repos[0] if repos else None
        projects = _rows(repo, datasets, gap_days, labels)
        results = [_evaluate(rows, name or stem) for stem, rows in projects]
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


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc


def labelled_rows(
    repos: tuple[Path, ...], labels: Path, all_refs: bool = False
) -> tuple[list[Row], dict[str, Any]]:
    """The mined commits of ``repos`` that ``labels`` labels, with the 14 metrics and the
    repository features (``all_refs``: also the commits only other branches and tags reach,
    each from its own history); and how the join went (ids found, unknown, duplicated)."""
    ext = dataset.parse_labels(_text(labels), str(labels))
    rows: list[Row] = []
    seen: set[str] = set()
    per_repo: dict[str, dict[str, Any]] = {}
    for repo in repos:
        index = _mined(repo, several=len(repos) > 1)
        found = 0
        computed = repo_features.compute(index.commits, index.blamed, index.content)
        for c, extra in zip(index.commits, computed, strict=True):
            seen.add(c.sha)
            bug = ext.labels.get(c.sha)
            if bug is not None:
                rows.append(c.row(bug, extra, index.content.get(c.sha)))
                found += 1
        per_repo[_repo_name(repo)] = {"commits": len(index.commits), "labelled": found}
        if all_refs:
            side = _side(repo, index)
            on_side = 0
            for c, extra in zip(side.commits, side.features, strict=True):
                seen.add(c.sha)
                bug = ext.labels.get(c.sha)
                if bug is not None:
                    rows.append(c.row(bug, extra, side.content.get(c.sha)))
                    on_side += 1
            per_repo[_repo_name(repo)]["other_refs"] = {
                "tips": side.tips,
                "commits": len(side.commits),
                "labelled": on_side,
            }
    unknown = len(set(ext.labels) - seen)
    join = {
        "labels": len(ext.labels),
        "found": len(ext.labels) - unknown,
        "unknown": unknown,
        "duplicates": ext.duplicates,
        "repositories": per_repo,
    }
    _info(
        f"{labels}: {len(ext.labels):,} labelled ids, {join['found']:,} found in "
        f"{len(repos)} repositories, {unknown:,} unknown (not their commits: left out)"
        + (f", {ext.duplicates:,} duplicated rows ignored" if ext.duplicates else "")
    )
    return rows, join


def _repo_name(repo: Path) -> str:
    """A repository's name for the report: its directory, or the one above a bare mirror's
    ``repo``/``*.git`` directory (``openstack+nova`` for ``/mirrors/openstack+nova/repo``)."""
    path = repo.resolve()
    if path.name in {"repo", ".git"}:
        return path.parent.name
    return path.stem if path.suffix == ".git" else path.name


def _evaluate(rows: list[Row], project: str) -> dict[str, Any]:
    """The protocol's figures; with the repository features when the rows carry them (mined
    here): then ``model`` uses them and ``model_14`` is the recipe ``risk train`` fits."""
    if not rows or "msg_len" not in rows[0].metrics:
        return evaluation.evaluate(rows, project)
    result = evaluation.evaluate(rows, project, features=EXTENDED, text=True)
    result["model_14"] = evaluation.evaluate(rows, project)["model"]
    return result


def _evaluate_labelled(
    repos: tuple[Path, ...], labels: Path, name: str | None, all_refs: bool = False
) -> dict[str, Any]:
    rows, join = labelled_rows(repos, labels, all_refs)
    result = _evaluate(rows, name or "+".join(r.resolve().parent.name for r in repos))
    result["join"] = join
    return result


def _replay_note(repo: Path, stats: dict[str, int]) -> str:
    return (
        f"{_repo_name(repo)}: SZZ replayed {stats['commits']:,} commits, {stats['fixes']:,} "
        f"fixes; {stats['merge_versions']:,} file versions merges made rebuilt, "
        f"{stats['blames']:,} blamed by git"
    )


def _mined(repo: Path, several: bool) -> Any:
    """The repository mined (cached; no SZZ: the labels come from elsewhere)."""
    state = cache.risk_dir(repo)
    if several and os.environ.get(ENV_STATE_DIR):
        # one state directory given for several repositories: one cache each under it
        state = state / re.sub(r"[^A-Za-z0-9_.-]", "_", str(repo.resolve()).strip("/"))
    index = cache.load(state)
    since = index.head if index else None
    total = history.count_commits(repo, since)
    # A first run replays in a second process while this one mines, as `risk mine` does.
    background = _label_in_background(repo, total) if index is None else None
    with _bar(total, "mining", worth=2000, unit="commits") as step:
        index = history.mine(repo, index, progress=step)
    if index.problem:
        _info(index.problem)
    if background is not None:
        head, job, pool = background
        done = job.result()
        pool.shutdown()
        if head == index.head:
            if done.problem:
                _info(done.problem)
            _info(_replay_note(repo, done.stats))
            index.blamed.update(done.blamed)
            index.content.update(done.content)
    cache.save(index, state)
    if index.head and not index.content and len(index.commits) >= history.REPLAY_FROM:
        # the repository features need SZZ's blame of past fixes and every patch's content:
        # one replay (the labels themselves still come from the CSV)
        with _bar(len(index.commits), "replaying", worth=2000, unit="commits") as step:
            done = blame.replay_history(repo, index.head, None, step)
        if done.problem:
            _info(done.problem)
        _info(_replay_note(repo, done.stats))
        index.blamed.update(done.blamed)
        index.content.update(done.content)
    history.fill_content(repo, index)
    cache.save(index, state)
    return index
