"""A repository's changes as insight records: the risk miner's history (its cache, its SZZ,
incremental), provenance of each commit, the catalog's service and tier, the roster's level,
and failure evidence: incident links, reverts, or SZZ labels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from countersign.config import Config, load_config
from countersign.errors import UsageError
from countersign.evidence.reverts import content_reverts
from countersign.facts.incidents import Incident
from countersign.facts.incidents.linkage import Commit as LinkCommit
from countersign.facts.incidents.linkage import Inputs, Link, deployed, link
from countersign.facts.incidents.references import mentions
from countersign.facts.insight.records import ChangeRecord
from countersign.facts.risk import text
from countersign.facts.risk.mining import Index, Mined
from countersign.facts.risk.model import Model, score_metrics
from countersign.facts.risk.szz import is_fix, reverted
from countersign.signoff.deployments import deployments
from countersign.signoff.incidents import Book, book
from countersign.signoff.ledger import Ledger
from countersign.state import history
from countersign.state import risk as cache

DAY = 86400.0
DEFINITIONS = ("auto", "incidents", "reverts", "szz", "reverts+szz")


@dataclass(frozen=True)
class Settings:
    failure: str = "auto"
    min_confidence: float = 0.5
    window_hours: float = 24.0
    rework_days: float = 14.0
    revert_days: float = 30.0
    gap_days: float = 90.0
    since: float | None = None  # only changes from this time on (epoch seconds)
    policy_replay: int = 0  # evaluate the current policy on this many of the newest changes


@dataclass(frozen=True)
class Gathered:
    records: list[ChangeRecord]
    links: list[Link]
    incidents: dict[str, Incident]
    definition: str
    notes: tuple[str, ...]


def gather(root: Path, ledger: Ledger | None, settings: Settings = Settings()) -> Gathered:
    if settings.failure not in DEFINITIONS:
        raise UsageError(f"unknown failure evidence {settings.failure!r}: one of {DEFINITIONS}")
    state = cache.risk_dir(root)
    index = history.mine(root, cache.load(state))
    cache.save(index, state)
    notes: list[str] = []
    if index.shallow:
        notes.append("shallow clone: history before the clone's edge is missing")
    ledger_book = book(ledger) if ledger is not None else Book({}, (), ())
    definition = settings.failure
    if definition == "auto":
        definition = "incidents" if ledger_book.incidents else "reverts+szz"
        if not ledger_book.incidents:
            notes.append(
                "no incidents in the ledger: failures are reverts and SZZ-blamed changes "
                "(fix commits' blame), a proxy for incidents"
            )
    content = content_reverts(root, index.head or "HEAD")
    commits = index.commits
    links: list[Link] = []
    failed: dict[str, tuple[str, ...]] = {}
    restore: dict[str, float] = {}
    if definition == "incidents":
        links = _links(root, index, ledger, ledger_book, content, settings)
        cache.save(index, state)
        for lk in links:
            if lk.confidence >= settings.min_confidence:
                failed[lk.change] = tuple(dict.fromkeys((*failed.get(lk.change, ()), *lk.kinds)))
                hours = ledger_book.incidents[lk.incident].restore_hours
                if hours is not None:
                    restore[lk.change] = max(hours, restore.get(lk.change, 0.0))
    unknown: set[str] = set()
    if "reverts" in definition:
        for sha, kinds in _reverted(commits, content, settings.revert_days).items():
            failed[sha] = tuple(dict.fromkeys((*failed.get(sha, ()), *kinds)))
        end = max((c.date for c in commits), default=0.0)
        unknown |= {c.sha for c in commits if c.date > end - settings.revert_days * DAY}
    if "szz" in definition:
        labels = history.label(root, index, settings.gap_days)
        cache.save(index, state)
        if labels.note:
            notes.append(labels.note)
        for sha, bug in labels.bug.items():
            if bug == 1:
                failed[sha] = tuple(dict.fromkeys((*failed.get(sha, ()), "szz")))
            elif bug is None:
                unknown.add(sha)
    records = _records(root, cache.active_model(state), commits, failed, restore, unknown, settings)
    if settings.policy_replay > 0 and records:
        from countersign.evidence.policy_point import gated

        parents = {c.sha: c.parents[0] for c in commits if c.parents}
        newest = [r.id for r in records if r.id in parents][-settings.policy_replay :]
        found_gated = gated(root, [(sha, parents[sha]) for sha in newest])
        records = [replace(r, gated=found_gated.get(r.id)) for r in records]
        notes.append(
            f"current policy replayed on the newest {len(found_gated)} changes "
            f"({sum(found_gated.values())} would have needed a sign-off)"
        )  # fmt: skip
    if unknown and definition != "incidents":
        notes.append(
            f"{len(unknown - set(failed))} recent changes left out: their failures may not "
            "have been found yet"
        )
    if ledger_book.unlinks:
        notes.append(
            f"{len(ledger_book.unlinks)} links removed by people (`incident unlink`, with their "
            "reasons in `incident list`)"
        )
    return Gathered(records, links, ledger_book.incidents, definition, tuple(notes))


def _links(
    root: Path,
    index: Index,
    ledger: Ledger | None,
    ledger_book: Book,
    content: dict[str, str],
    settings: Settings,
) -> list[Link]:
    """Incident links; SZZ is run (and cached) only on the fixes that name an incident."""
    for c in index.commits:
        if c.sha in index.blamed or not c.parents:
            continue
        if any(mentions(c.message, i) for i in ledger_book.incidents):
            index.blamed[c.sha] = history.inducing(root, c.sha, c.parents[0])
    deploys = deployments(ledger) if ledger is not None else ()
    inputs = Inputs(
        commits=[LinkCommit(c.sha, c.date, c.message, c.parents) for c in index.commits],
        blamed=index.blamed,
        reverted_by_content=content,
        deployments=deployed((d.environment, d.at, d.changes, d.services) for d in deploys),
        manual=[(x.incident, x.change, x.reason) for x in ledger_book.links],
        unlinked=[(x.incident, x.change) for x in ledger_book.unlinks],
        window_hours=settings.window_hours,
    )
    return link(ledger_book.incidents.values(), inputs)


def _reverted(
    commits: Sequence[Mined], content: dict[str, str], days: float
) -> dict[str, tuple[str, ...]]:
    """Changes reverted (by a "This reverts commit" message, or by content) within ``days``."""
    when = {c.sha: c.date for c in commits}
    shas = sorted(when)
    out: dict[str, list[str]] = {}
    for c in commits:
        targets = [s for t in reverted(c.message) for s in shas if s.startswith(t.lower())]
        for sha in targets:
            if 0 <= c.date - when[sha] <= days * DAY:
                out.setdefault(sha, []).append("revert")
        undone = content.get(c.sha)
        if undone in when and 0 <= c.date - when[undone] <= days * DAY:
            out.setdefault(undone, []).append("revert-content")
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def _records(
    root: Path,
    model: Model,
    commits: Sequence[Mined],
    failed: dict[str, tuple[str, ...]],
    restore: dict[str, float],
    unknown: set[str],
    settings: Settings,
) -> list[ChangeRecord]:
    config = load_config(root)
    assisted = _provenance(config)
    where = _catalog(config)
    rework = _rework(commits, settings.rework_days)
    out = []
    for c in commits:
        if settings.since is not None and c.date < settings.since:
            continue
        if c.sha in unknown and c.sha not in failed:
            continue
        person = config.roster.find(c.author)
        service, tier = where(c.paths)
        out.append(
            ChangeRecord(
                id=c.sha,
                date=c.date,
                ai=assisted(c),
                failed=c.sha in failed,
                size=c.metrics.get("la", 0.0) + c.metrics.get("ld", 0.0),
                risk=round(score_metrics(model, c.metrics, _tokens(model, c)), 6),
                tier=tier,
                level=person.level if person and person.level else None,
                service=service,
                author=c.author,
                rework=c.sha in rework,
                restore_hours=restore.get(c.sha),
                evidence=failed.get(c.sha, ()),
            )
        )
    return out


def _tokens(model: Model, c: Mined) -> frozenset[str]:
    return text.tokens(c.message, c.paths) if model.text is not None else frozenset()


def _provenance(config: Config) -> Callable[[Mined], bool]:
    """Whether a mined commit is AI-assisted, by the provenance analyzer's commit-level signals
    (trailers, agent bot authors, "Generated with" lines) at medium confidence or more."""
    from countersign.facts import provenance
    from countersign.facts.context import Context
    from countersign.intake.change import Change, Commit

    context = Context(config=config)

    def ai(c: Mined) -> bool:
        commit = Commit(c.sha, "", c.author, "", c.author, int(c.date), c.message, c.parents)
        change = Change(base=None, head=c.sha, fingerprint="", files=(), commits=(commit,))
        return provenance.analyze(change, context).ai_assisted or c.ai

    return ai


def _catalog(config: Config) -> Callable[[tuple[str, ...]], tuple[str | None, int | None]]:
    """The main service (most paths) and the most critical tier of a commit's paths."""
    if not config.catalog.services:
        return lambda _paths: (None, None)
    from countersign.facts import blast_radius
    from countersign.facts.context import Context
    from countersign.intake.change import Change, FileChange, FileStatus

    context = Context(config=config)

    def where(paths: tuple[str, ...]) -> tuple[str | None, int | None]:
        files = tuple(FileChange(p, FileStatus.MODIFIED) for p in paths)
        b = blast_radius.analyze(Change(base=None, head=None, fingerprint="", files=files), context)
        if not b.services:
            return "(none)", 4
        main = max(b.services, key=lambda s: (len(s.paths), s.name))
        return main.name, min(s.tier for s in b.services)

    return where


def _rework(commits: Sequence[Mined], days: float) -> set[str]:
    """Changes followed within ``days`` by a fix commit (another commit) touching a file they
    touched: the follow-up work they needed."""
    last_fix: dict[str, list[float]] = {}
    for c in commits:
        if is_fix(c.message):
            for p in c.paths:
                last_fix.setdefault(p, []).append(c.date)
    out = set()
    for c in commits:
        for p in c.paths:
            if any(c.date < t <= c.date + days * DAY for t in last_fix.get(p, ())):
                out.add(c.sha)
                break
    return out
