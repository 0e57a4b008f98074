"""``countersign replay``: shadow mode. Run the policy (as it was at each change's base, or a
candidate configuration given with ``--policy``/``--catalog``/``--people``/``--config``) over past
changes and report what it would have required, from whom, which rules fired on each change and
why, and against the changes SZZ labels defect-inducing how many each rule would have gated;
without recording anything."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from countersign.config.roster import load_roster
from countersign.decision.policy import load_policy
from countersign.errors import InputError
from countersign.gate.replay import Tally
from countersign.gate.shadow import Candidate, Shadow
from countersign.intake.release import past_changes
from countersign.intake.repository import open_repository
from countersign.output.progress import Progress
from countersign.output.replay import replay_markdown, replay_text
from countersign.state import risk as risk_cache
from countersign.workspace import Environment


def replay(
    cwd: Path,
    *,
    revs: str | None,
    merges: bool,
    limit: int,
    fmt: str,
    policy: Path | None = None,
    catalog: Path | None = None,
    people: Path | None = None,
    config: Path | None = None,
    gap_days: float = 90.0,
) -> int:
    repository = open_repository(cwd)
    root = repository.root
    candidate = load_candidate(policy, catalog, people, config)
    pairs = past_changes(root, revs, merges=merges, limit=limit)
    labels = _labels(root, gap_days)
    tip = pairs[-1][0] if pairs else "HEAD"
    shadow = Shadow(root, Environment.from_process(), candidate, tip=tip)
    tally = Tally(labelled=labels is not None)
    started = time.monotonic()
    with Progress(len(pairs), "replaying", "replay") as step:
        for judged in shadow.judge_all(pairs):
            if judged.empty:
                tally.empty.append(f"{judged.sha[:12]}: {judged.subject}")
            elif judged.evaluation is None:
                tally.skipped.append(f"{judged.sha[:12]}: {judged.error}")
            else:
                defect = (judged.sha in labels) if labels is not None else None
                tally.add(judged.evaluation, defect, judged.sha, judged.subject)
            step()
    report = {"configuration": _described(candidate), **tally.as_dict()}
    report["seconds"] = round(time.monotonic() - started, 2)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2))
    elif fmt == "markdown":
        click.echo(replay_markdown(report), nl=False)
    else:
        click.echo(replay_text(report), nl=False)
    return 0


def load_candidate(
    policy: Path | None, catalog: Path | None, people: Path | None, config: Path | None
) -> Candidate:
    """The files given, read and checked once; ``config``: a directory holding any of
    policy.yaml, catalog.yaml, people.yaml (a file given on its own wins)."""
    if config is not None:
        if not config.is_dir():
            raise InputError(
                f"{config}: --config expects a directory holding policy.yaml, "
                "catalog.yaml or people.yaml"
            )
        found = {n: config / f"{n}.yaml" for n in ("policy", "catalog", "people")}
        found = {n: p for n, p in found.items() if p.is_file()}
        if not found:
            raise InputError(f"{config}: holds none of policy.yaml, catalog.yaml, people.yaml")
        policy = policy or found.get("policy")
        catalog = catalog or found.get("catalog")
        people = people or found.get("people")
    files = tuple(str(p) for p in (policy, catalog, people) if p is not None)
    return Candidate(
        policy=load_policy(_read(policy), str(policy), source=str(policy)) if policy else None,
        catalog_text=_read(catalog) if catalog else None,
        roster=load_roster(_read(people), str(people)) if people else None,
        files=files,
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it ({exc})") from None


def _described(candidate: Candidate) -> str:
    if not candidate.files:
        return "each change's base"
    return f"candidate ({', '.join(candidate.files)}), the rest from each change's base"


def _labels(root: Path, gap_days: float) -> set[str] | None:
    """Defect-inducing commits by SZZ from the history ``risk mine`` saved (None: not mined)."""
    from countersign.facts.risk import szz

    index = risk_cache.load(risk_cache.risk_dir(root))
    if index is None:
        return None
    found = szz.labels(index, gap_days)
    if found.fixes == 0:
        return None
    return {sha for sha, bug in found.bug.items() if bug == 1}
