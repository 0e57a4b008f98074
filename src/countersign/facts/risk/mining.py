"""One streamed pass of ``git log --numstat -M`` over history, feeding the metrics commit by
commit, with the state cached in the repository's countersign directory so the next run only
reads new commits."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from countersign.errors import InputError
from countersign.facts.risk.dataset import Row
from countersign.facts.risk.metrics import FileDelta, FileHistory, History, compute
from countersign.facts.risk.szz import is_fix
from countersign.state_dir import state_dir as state_dir_of

CACHE_VERSION = 2
_HEADER = "%x1e%H%x1f%at%x1f%aE%x1f%P%x1f%B%x1d"
_AI = re.compile(
    r"^(co-authored-by|generated-by|assisted-by):.*\b(claude|copilot|gpt|codex|cursor|gemini|aider|devin)\b",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Mined:
    """One commit as mined: its metrics row and what labelling needs from its message."""

    sha: str
    date: float
    author: str
    parents: tuple[str, ...]
    fix: bool
    ai: bool
    metrics: dict[str, float]
    message: str
    paths: tuple[str, ...] = ()

    def row(self, bug: int | None = None, extra: Mapping[str, float] | None = None) -> Row:
        return Row(
            self.sha, self.date, bug, {**self.metrics, "ai": float(self.ai), **(extra or {})}
        )


@dataclass
class Index:
    """The cached result of mining: history state after ``head`` and every commit mined."""

    head: str | None = None
    history: History = field(default_factory=History)
    commits: list[Mined] = field(default_factory=list)
    shallow: bool = False
    blamed: dict[str, list[str]] = field(default_factory=dict)  # fix sha -> inducing shas


def state_dir(repo: Path) -> Path:
    """The risk cache: ``risk/`` in the repository's state directory (``countersign.state_dir``)."""
    proc = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--path-format=absolute", "--git-common-dir"],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise InputError(f"{repo} is not a git repository; pass --repo PATH")
    return state_dir_of(Path(proc.stdout.decode().strip())) / "risk"


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


def log_command(repo: Path, since: str | None, head: str) -> list[str]:
    return [
        "git", "-C", str(repo), "-c", "core.quotePath=false", "log", "--reverse", "--no-merges",
        "-z", "--numstat", "-M", f"--format={_HEADER}",
        f"{since}..{head}" if since else head, "--",
    ]  # fmt: skip


def parse_records(chunks: Iterator[bytes]) -> Iterator[tuple[list[str], list[FileDelta]]]:
    """Split the ``-z`` log stream into (header fields, file deltas) per commit."""
    buf = b""
    for chunk in chunks:
        buf += chunk
        *complete, buf = buf.split(b"\x1e")
        for rec in complete:
            if rec:
                yield _record(rec)
    if buf.strip(b"\0\n"):
        yield _record(buf)


def _record(rec: bytes) -> tuple[list[str], list[FileDelta]]:
    head, _, body = rec.partition(b"\x1d")
    fields = head.decode("utf-8", "replace").split("\x1f")
    tokens = body.split(b"\0")
    deltas: list[FileDelta] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i].lstrip(b"\n")
        i += 1
        if not tok:
            continue
        added, _, rest = tok.partition(b"\t")
        deleted, _, path = rest.partition(b"\t")
        old = None
        if not path:  # rename or copy: old and new paths follow as their own tokens
            old, path = tokens[i], tokens[i + 1]
            i += 2
        deltas.append(
            FileDelta(
                path.decode("utf-8", "replace"),
                int(added) if added.isdigit() else None,
                int(deleted) if deleted.isdigit() else None,
                old.decode("utf-8", "replace") if old else None,
            )
        )
    return fields, deltas


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
    with subprocess.Popen(log_command(repo, index.head, head_sha), stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None  # noqa: S101 - Popen with PIPE
        stream = iter(lambda: proc.stdout.read(1 << 20), b"")  # type: ignore[union-attr]
        for fields, deltas in parse_records(stream):
            if len(fields) < 5:
                continue
            sha, at, email, parents, message = fields[:5]
            author = email.lower()
            when = float(at or 0)
            fix = is_fix(message)
            metrics = compute(deltas, author, when, fix, index.history)
            index.history.record(author, when, deltas)
            index.commits.append(
                Mined(
                    sha,
                    when,
                    author,
                    tuple(parents.split()),
                    fix,
                    bool(_AI.search(message)),
                    metrics,
                    message.strip()[:2000],
                    tuple(d.path for d in deltas),
                )
            )
            if progress:
                progress(1)
    if proc.returncode != 0:
        raise InputError(f"git log failed in {repo}; is {head} a commit?")
    index.head = index.history.head = head_sha
    return index


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


# --- the cache: JSON, so a stale or foreign file is an error message, not code execution ---


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
    }
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in (("history.json", history), ("commits.json", commits)):
        tmp = directory / f"{name}.tmp"
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        tmp.replace(directory / name)


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
    return History(
        files={p: FileHistory(v[0], v[1], v[2], set(v[3])) for p, v in data["files"].items()},
        author_times=data["author_times"],
        author_subsystems=data["author_subsystems"],
        head=data["head"],
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
    return Index(data["head"], history, commits, meta["shallow"], data["blamed"])
