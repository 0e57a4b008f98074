"""Mine a repository's history with git for the risk model: one streamed ``git log --numstat
-M`` pass (parsed in ``facts.risk.mining``), ancestry probes, and SZZ's blame of the lines each
fix removed (decided in ``facts.risk.szz``). ``state.risk`` keeps the result."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from countersign.errors import InputError
from countersign.facts.risk import repo_features, szz
from countersign.facts.risk.metrics import History
from countersign.facts.risk.mining import LOG_FORMAT, Index, Mined, parse_records, record
from countersign.state import blame
from countersign.state.blame import git_error

_BLAME = re.compile(r"^([0-9a-f]{40}) \d+ \d+")


def head_commit(repo: Path, head: str = "HEAD") -> str:
    proc = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{head}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise InputError(f"{repo}: {head} is not a commit (an empty repository?); nothing to mine")
    return proc.stdout.decode().strip()


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git {args[0]} failed in {repo}: {msg[-1] if msg else 'error'}")
    return proc.stdout.decode("utf-8", "replace")


def log_command(
    repo: Path, since: str | None, head: str, exclude: tuple[str, ...] = ()
) -> list[str]:
    return [
        "git", "-C", str(repo), "-c", "core.quotePath=false", "log", "--reverse", "--no-merges",
        "-z", "--numstat", "-M", f"--format={LOG_FORMAT}", head,
        *(f"^{x}" for x in (since, *exclude) if x), "--",
    ]  # fmt: skip


MAX_SKIPS = 200  # unreadable commits skipped before giving up on a damaged mirror


def mine(
    repo: Path,
    index: Index | None = None,
    head: str = "HEAD",
    progress: Callable[[int], None] | None = None,
) -> Index:
    """Bring ``index`` (or a new one) up to ``head``: only commits after ``index.head`` are read."""
    index = index or Index()
    head_sha = head_commit(repo, head)
    if index.head and index.head != head_sha:
        probe = subprocess.run(
            ["git", "-C", str(repo), "merge-base", "--is-ancestor", index.head, head_sha],
            capture_output=True,
            check=False,
        )
        if probe.returncode != 0:  # history was rewritten: start over
            index = Index()
    index.shallow = _git(repo, "rev-parse", "--is-shallow-repository").strip() == "true"
    if index.head == head_sha:
        index.history.head = head_sha
        return index
    before = len(index.commits)
    since = index.head
    skipped: list[str] = []
    why = ""
    while True:
        ok, error = _stream(repo, index, since, head_sha, tuple(skipped), progress)
        if ok:
            break
        why = why or error
        failing = _failing_commit(repo, index, before, since, head_sha, tuple(skipped))
        if failing is None or len(skipped) >= MAX_SKIPS:
            if len(index.commits) == before:
                raise InputError(f"git log failed in {repo}: {why}")
            break
        skipped.append(failing)
    if skipped:
        index.problem = (
            f"{repo}: {len(skipped)} commit(s) could not be read and were left out "
            f"(first {skipped[0][:12]}: {why}); the rest of the history was mined"
        )
    if not ok:
        last = index.commits[-1].sha
        index.problem = (
            f"{repo}: history read up to {last[:12]} ({len(index.commits) - before} commits), "
            f"then git failed: {why}"
        )
        index.head = index.history.head = last
        return index
    index.head = index.history.head = head_sha
    return index


def _stream(
    repo: Path,
    index: Index,
    since: str | None,
    head: str,
    exclude: tuple[str, ...],
    progress: Callable[[int], None] | None,
) -> tuple[bool, str]:
    """One ``git log`` pass adding the commits not mined yet; (succeeded, git's error)."""
    seen = {c.sha for c in index.commits} if exclude else set()
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(
            log_command(repo, since, head, exclude), stdout=subprocess.PIPE, stderr=errors
        ) as proc,
    ):
        assert proc.stdout is not None  # noqa: S101 - Popen with PIPE
        stream = iter(lambda: proc.stdout.read(1 << 20), b"")  # type: ignore[union-attr]
        for fields, deltas in parse_records(stream):
            if fields and fields[0] in seen:
                continue  # read again after a skip
            if record(index, fields, deltas) is not None and progress:
                progress(1)
        proc.wait()
        errors.seek(0)
        why = git_error(errors.read())
    return proc.returncode == 0, why


def _failing_commit(
    repo: Path, index: Index, before: int, since: str | None, head: str, exclude: tuple[str, ...]
) -> str | None:
    """The commit git could not read: the last one recorded when its own diff fails (it may be
    cut short: dropped), else the next one in the walk."""
    if len(index.commits) > before:
        last = index.commits[-1].sha
        probe = subprocess.run(
            ["git", "-C", str(repo), "show", "--numstat", "-M", "--format=", last, "--"],
            capture_output=True,
            check=False,
        )
        if probe.returncode != 0:
            index.commits.pop()
            return last
    mined = {c.sha for c in index.commits[before:]}
    walk = _git(
        repo, "rev-list", "--reverse", "--no-merges", head,
        *(f"^{x}" for x in (since, *exclude) if x),
    ).split()  # fmt: skip
    return next((sha for sha in walk if sha not in mined), None)


def side_tips(repo: Path, head: str) -> list[tuple[str, str | None, int]]:
    """The branches and tags ``head`` does not reach, as (tip, fork, commits): each tip no
    other such ref contains (a tag on a stable branch is inside that branch's tip), with its
    fork point (of the parents its commits have in ``head``'s history, the latest in
    ``head``'s topological order; None for a history of its own) and how many commits only
    it and the refs it contains reach. Ordered by fork point, then most commits first."""
    parents: dict[str, list[str]] = {}
    for line in _git(repo, "rev-list", "--parents", "--branches", "--tags", f"^{head}").split("\n"):
        if line:
            sha, *ps = line.split()
            parents[sha] = ps
    if not parents:
        return []
    children = {p for ps in parents.values() for p in ps if p in parents}
    order = {
        s: n
        for n, s in enumerate(_git(repo, "rev-list", "--topo-order", "--reverse", head).split())
    }
    tips = []
    for tip in sorted(s for s in parents if s not in children):
        stack, seen, fork = [tip], {tip}, None
        while stack:
            for p in parents[stack.pop()]:
                if p in parents:
                    if p not in seen:
                        seen.add(p)
                        stack.append(p)
                elif p in order and (fork is None or order[p] > order[fork]):
                    fork = p
        tips.append((tip, fork, len(seen)))
    tips.sort(key=lambda t: (-1 if t[1] is None else order[t[1]], -t[2], t[0]))
    return tips


@dataclass
class Side:
    """Commits that other refs reach and ``HEAD`` does not (``mine_side``), each with the
    repository features of its own history."""

    commits: list[Mined] = field(default_factory=list)
    features: list[dict[str, float]] = field(default_factory=list)
    content: dict[str, dict[str, float]] = field(default_factory=dict)  # ``content.count``
    tips: int = 0
    problem: str = ""


def mine_side(repo: Path, main: Index, progress: Callable[[int], None] | None = None) -> Side:
    """Mine the commits of the branches and tags ``main.head`` does not reach (stable branches,
    release tags), each from its own history only: the metrics and repository features of a
    commit on a branch are what ``mine`` and ``repo_features.compute`` give it when that
    branch is mined as ``HEAD`` (the history up to the fork point, then the branch's own
    commits), never ``HEAD``'s commits after the fork point. The history up to each fork
    point is mined once, fork point after fork point (``mine``'s incremental run); each tip
    then starts from a copy of it. SZZ's blame is ``main``'s (``HEAD``'s fixes): a fix only
    other refs reach is not blamed, but what it reverts counts. The kinds of lines come from
    each commit's own patch."""
    if not main.head:
        return Side()
    tips = side_tips(repo, main.head)
    side = Side(tips=len(tips))
    known = {c.sha for c in main.commits}
    chain, state, fed = Index(), repo_features.RepoHistory(), 0
    problems: list[str] = []
    for tip, fork, _ in tips:
        if fork is not None and chain.head != fork:
            mined = mine(repo, chain, head=fork)
            if mined is not chain:  # not a descendant of the last fork point: from scratch
                state, fed = repo_features.RepoHistory(), 0
            chain = mined
            for c in chain.commits[fed:]:
                state.record(c, state.repaired(c, main.blamed) if c.fix else ())
            fed = len(chain.commits)
            if chain.problem and chain.problem not in problems:
                problems.append(chain.problem)
        if fork is None:
            branch, own = Index(), repo_features.RepoHistory()
        else:
            branch = Index(chain.head, copy.deepcopy(chain.history), shallow=chain.shallow)
            own = copy.deepcopy(state)
        branch = mine(repo, branch, head=tip)
        if branch.problem and branch.problem not in problems:
            problems.append(branch.problem)
        for c in branch.commits:
            if c.sha not in known:
                known.add(c.sha)
                side.commits.append(c)
                side.features.append(own.features(c))
                if progress:
                    progress(1)
            own.record(c, own.repaired(c, main.blamed) if c.fix else ())
    counted, _ = blame.patch_content(repo, [c.sha for c in side.commits])
    side.content = counted
    for c, extra in zip(side.commits, side.features, strict=True):
        extra.update(repo_features.content_columns(counted.get(c.sha)))
    side.problem = "; ".join(problems)
    return side


def contains(repo: Path, history: History, commit: str) -> bool:
    """Whether ``history`` already recorded ``commit`` (then its metrics would count it twice)."""
    if not history.head:
        return False
    probe = subprocess.run(
        ["git", "-C", str(repo), "merge-base", "--is-ancestor", commit, history.head],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def count_commits(repo: Path, since: str | None, head: str = "HEAD") -> int:
    head = head_commit(repo, head)
    spec = f"{since}..{head}" if since else head
    return int(_git(repo, "rev-list", "--count", "--no-merges", spec).strip() or 0)


def _run(repo: Path, *args: str) -> bytes | None:
    proc = subprocess.run(
        ["git", "-C", str(repo), "-c", "core.quotePath=false", *args],
        capture_output=True,
        check=False,
    )
    return proc.stdout if proc.returncode == 0 else None


def inducing(repo: Path, fix: str, parent: str, ignore_revs: Path | None = None) -> list[str]:
    """Commits that last touched the significant lines ``fix`` removed, blamed on ``parent``
    ignoring whitespace (and the formatting commits listed in ``ignore_revs``)."""
    diff = _run(repo, "diff", "-U0", "-w", "-M", "--no-color", "--no-ext-diff", parent, fix, "--")
    found: set[str] = set()
    for path, lines in szz.removed_lines(diff or b"").items():
        args = ["blame", "-w", "--porcelain"]
        if ignore_revs:
            args += ["--ignore-revs-file", str(ignore_revs)]
        for r in szz.line_ranges(sorted(set(lines))):
            args += ["-L", r]
        out = _run(repo, *args, parent, "--", path)
        if out is None:
            continue
        boundary: set[str] = set()
        current = ""
        for text in out.decode("utf-8", "replace").splitlines():
            if m := _BLAME.match(text):
                current = m.group(1)
                found.add(current)
            elif text == "boundary":
                boundary.add(current)  # a shallow clone's edge: the real origin is unknown
        found -= boundary
    return sorted(found)


REPLAY_FROM = 50  # fixes to blame: from this many, one forward replay beats a blame per fix


def szz_method(index: Index, ignore_revs: Path | None = None) -> str:
    """How ``label`` will blame the fixes not blamed yet: ``replay`` (one forward pass over the
    history, ``state.blame``) or ``blame`` (``git blame`` per fix: few fixes, or
    ``--ignore-revs``, whose heuristics only git blame has)."""
    todo = sum(1 for c in index.commits if c.fix and c.parents and c.sha not in index.blamed)
    return "replay" if todo >= REPLAY_FROM and ignore_revs is None else "blame"


def szz_steps(index: Index, ignore_revs: Path | None = None) -> int:
    """The progress steps ``label`` reports: commits replayed, or fixes blamed."""
    if szz_method(index, ignore_revs) == "replay":
        return len(index.commits)
    return sum(1 for c in index.commits if c.fix and c.parents and c.sha not in index.blamed)


def label(
    repo: Path,
    index: Index,
    gap_days: float = 90.0,
    explicit: set[str] | None = None,
    ignore_revs: Path | None = None,
    progress: Callable[[int], None] | None = None,
    method: str | None = None,
) -> szz.Labels:
    """SZZ labels for every mined commit (``szz.labels``), after blaming each fix not blamed
    yet (``szz_method`` chooses how, or ``method``); the results are kept in ``index.blamed``."""
    todo = [c for c in index.commits if c.fix and c.parents and c.sha not in index.blamed]
    method = method or szz_method(index, ignore_revs)
    if todo and method == "replay" and index.head:
        wanted = {c.sha for c in todo}
        done = blame.replay_history(repo, index.head, wanted.__contains__, progress)
        for c in todo:
            index.blamed[c.sha] = done.blamed.get(c.sha, [])
        index.content.update(done.content)
        index.problem = index.problem or done.problem
        return szz.labels(index, gap_days, explicit)
    # git does the work: a few blames at once keep the cores busy while Python waits
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        jobs = {pool.submit(inducing, repo, c.sha, c.parents[0], ignore_revs): c.sha for c in todo}
        for job in as_completed(jobs):
            index.blamed[jobs[job]] = job.result()
            if progress:
                progress(1)
    return szz.labels(index, gap_days, explicit)


def fill_content(repo: Path, index: Index) -> None:
    """Count the kinds of lines in the patches of the commits the replay has not read (the
    new commits of an incremental run), into ``index.content``."""
    missing = [c.sha for c in index.commits if c.sha not in index.content]
    if missing:
        counted, _ = blame.patch_content(repo, missing)
        index.content.update(counted)
        # a commit git cannot read counts nothing: not asked again
        index.content.update((sha, {}) for sha in missing if sha not in counted)


def read_labels(path: Path) -> set[str]:
    """Explicit labels: one defect-inducing commit (sha or prefix) per line, optionally followed
    by what it caused (an incident id, a note); ``#`` starts a comment."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the labels file ({exc.strerror})") from exc
    shas = set()
    for n, line in enumerate(text.splitlines(), start=1):
        word = line.split("#", 1)[0].replace(",", " ").split()
        if not word:
            continue
        if not re.fullmatch(r"[0-9a-fA-F]{7,40}", word[0]):
            raise InputError(f"{path}:{n}: expected a commit sha first, got {word[0]!r}")
        shas.add(word[0].lower())
    return shas
