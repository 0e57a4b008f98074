"""Features a real repository offers beyond the 14 metrics: each file's past fixes and churn,
who owns it, what usually changes with it, and what the commit and its message say. Computed
in one pass over the mined commits in order, each from the commits before it only (a test
checks that no value changes when later commits are added).

Definitions (tested in tests/facts/risk/test_repo_features.py):

- ``file_fixes``: over the touched files, the earlier fix commits (``szz.is_fix``) that touched
  each, each weighted ``exp(-days ago / 180)``.
- ``file_recent``: earlier changes to the touched files in the last 30 days (summed over files).
- ``file_authors``: distinct authors of the touched files in the last 365 days.
- ``own_changes``: the author's earlier changes to the touched files (summed over files);
  ``own_share``: that over all earlier changes to them (0 for new files).
- ``coupled``: files that changed with the touched files in at least half of their earlier
  changes (3 times or more) and are not in this commit.
- ``msg_len``: characters in the message's first paragraph; ``msg_issue``: it references an
  issue or bug (``#12``, ``JIRA-77``, ``Closes-Bug:``, ``bug 123``); ``msg_refactor``,
  ``msg_feature``, ``msg_revert``: intent words (0/1).
- ``test_share``, ``doc_share``: share of the touched files that are tests, documentation.
- ``since_author``: days since the author's previous commit (0 for a first commit).
- ``file_bugs``: over the touched files, the earlier changes to each that an earlier fix
  (SZZ: ``blamed``) found defect-inducing, each weighted ``exp(-days since that fix / 180)``:
  a change counts from the fix that blamed it on, not from its own date, as production
  learns it. ``author_bugs``: the author's earlier changes found defect-inducing so far;
  ``author_bug_share``: that over the author's earlier changes.
- the ``content`` columns (``facts.risk.content``): the kinds of lines the commit's own patch
  adds and removes (0 when its patch was not read), and ``gen_share``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from countersign.facts.risk import content as diff_content
from countersign.facts.risk.mining import Mined
from countersign.facts.risk.szz import reverted

DAY = 86400.0
FIX_DECAY_DAYS = 180.0
COUPLING_MAX_FILES = 30  # larger commits (mass renames, imports) say little about coupling

_ISSUE = re.compile(
    r"(#\d+\b|\b[A-Z][A-Z0-9]+-\d+\b|\b(closes|partial|related)-bug:|\bbug\s*#?\d+|lp#?\d+)",
    re.IGNORECASE,
)
_REFACTOR = re.compile(
    r"\b(refactor\w*|clean\s?up|cleanup|rename[sd]?|move[sd]?|tidy)\b", re.IGNORECASE
)
_FEATURE = re.compile(
    r"\b(add(s|ed)?|implement\w*|support\w*|introduc\w*|new|allow\w*)\b", re.IGNORECASE
)
_REVERT = re.compile(r"^revert\b|\bthis reverts commit\b", re.IGNORECASE | re.MULTILINE)
_TEST = re.compile(r"(^|/)(tests?|testing|spec)(/|$)|(^|/)test_[^/]*$|_test\.\w+$|Test\w*\.java$")
_DOC = re.compile(r"(^|/)(docs?|api-ref|releasenotes)/|\.(md|rst|txt|adoc)$", re.IGNORECASE)

COLUMNS = (
    "file_fixes",
    "file_recent",
    "file_authors",
    "own_share",
    "own_changes",
    "coupled",
    "msg_len",
    "msg_issue",
    "msg_refactor",
    "msg_feature",
    "msg_revert",
    "test_share",
    "doc_share",
    "since_author",
    "file_bugs",
    "author_bugs",
    "author_bug_share",
    *diff_content.COLUMNS,
)
_COUNTS = tuple(c for c in diff_content.COLUMNS if c != "gen_share")


@dataclass
class _File:
    fix_value: float = 0.0
    fix_time: float = 0.0
    times: list[float] = field(default_factory=list)
    authors: dict[str, float] = field(default_factory=dict)  # author -> last change
    by_author: dict[str, int] = field(default_factory=dict)
    changes: int = 0
    partners: dict[str, int] = field(default_factory=dict)
    bug_value: float = 0.0
    bug_time: float = 0.0


@dataclass
class RepoHistory:
    """What the features need to know about the commits seen so far."""

    files: dict[str, _File] = field(default_factory=dict)
    author_last: dict[str, float] = field(default_factory=dict)
    author_changes: dict[str, int] = field(default_factory=dict)
    author_bugs: dict[str, int] = field(default_factory=dict)
    # recorded commits an SZZ fix may still blame: sha -> (author, paths)
    seen: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    inducing: set[str] = field(default_factory=set)

    def features(self, c: Mined, content: Mapping[str, float] | None = None) -> dict[str, float]:
        """The features of ``c`` from the commits recorded before it (and its own patch's
        ``content`` counts)."""
        paths = set(c.paths)
        known = [(p, self.files[p]) for p in paths if p in self.files]
        t = c.date
        fixes = sum(
            f.fix_value * math.exp(-max(0.0, t - f.fix_time) / DAY / FIX_DECAY_DAYS)
            for _, f in known
        )
        recent = sum(sum(1 for x in f.times[-64:] if t - x <= 30 * DAY) for _, f in known)
        authors = {a for _, f in known for a, last in f.authors.items() if t - last <= 365 * DAY}
        own = sum(f.by_author.get(c.author, 0) for _, f in known)
        total = sum(f.changes for _, f in known)
        coupled: set[str] = set()
        for _, f in known:
            if f.changes >= 3:
                coupled.update(q for q, n in f.partners.items() if n >= 3 and 2 * n >= f.changes)
        coupled -= paths
        message = c.message.split("\n\n", 1)[0]
        n = max(1, len(paths))
        last = self.author_last.get(c.author)
        bugs = sum(
            f.bug_value * math.exp(-max(0.0, t - f.bug_time) / DAY / FIX_DECAY_DAYS)
            for _, f in known
        )
        mine = self.author_changes.get(c.author, 0)
        mine_bad = self.author_bugs.get(c.author, 0)
        counts = content or {}
        return {
            "file_fixes": round(fixes, 4),
            "file_recent": float(recent),
            "file_authors": float(len(authors)),
            "own_share": round(own / total, 4) if total else 0.0,
            "own_changes": float(own),
            "coupled": float(len(coupled)),
            "msg_len": float(len(message.strip())),
            "msg_issue": float(bool(_ISSUE.search(c.message))),
            "msg_refactor": float(bool(_REFACTOR.search(message))),
            "msg_feature": float(bool(_FEATURE.search(message))),
            "msg_revert": float(bool(_REVERT.search(c.message))),
            "test_share": round(sum(1 for p in paths if _TEST.search(p)) / n, 4),
            "doc_share": round(sum(1 for p in paths if _DOC.search(p)) / n, 4),
            "since_author": round(max(0.0, t - last) / DAY, 3) if last is not None else 0.0,
            "file_bugs": round(bugs, 4),
            "author_bugs": float(mine_bad),
            "author_bug_share": round(mine_bad / mine, 4) if mine else 0.0,
            **content_columns(counts),
            "gen_share": diff_content.generated_share(paths),
        }

    def record(self, c: Mined, blamed: Sequence[str] = ()) -> None:
        """Add ``c`` to what later commits see; ``blamed``: the earlier commits ``c`` (a fix)
        is found to repair, known from now on."""
        for sha in blamed:
            self._found_inducing(sha, c.date)
        paths = set(c.paths)
        t = c.date
        couple = len(paths) <= COUPLING_MAX_FILES
        for p in paths:
            f = self.files.setdefault(p, _File())
            if c.fix:
                decay = math.exp(-max(0.0, t - f.fix_time) / DAY / FIX_DECAY_DAYS)
                f.fix_value = f.fix_value * decay + 1.0
                f.fix_time = t
            f.times.append(t)
            if len(f.times) > 128:
                del f.times[:64]
            f.authors[c.author] = t
            f.by_author[c.author] = f.by_author.get(c.author, 0) + 1
            f.changes += 1
            if couple:
                for q in paths:
                    if q != p:
                        f.partners[q] = f.partners.get(q, 0) + 1
        self.author_last[c.author] = max(t, self.author_last.get(c.author, t))
        self.author_changes[c.author] = self.author_changes.get(c.author, 0) + 1
        self.seen[c.sha] = (c.author, tuple(paths))

    def repaired(self, c: Mined, blamed: Mapping[str, Sequence[str]]) -> list[str]:
        """The earlier commits the fix ``c`` repairs: SZZ's blame, and the commits it reverts."""
        out = list(blamed.get(c.sha, ()))
        for prefix in (t.lower() for t in reverted(c.message)):
            if len(prefix) == 40:
                out.append(prefix)
            else:
                out.extend(s for s in self.seen if s.startswith(prefix))
        return out

    def _found_inducing(self, sha: str, when: float) -> None:
        known = self.seen.get(sha)
        if known is None or sha in self.inducing:
            return  # not recorded yet (a later commit cannot be blamed), or counted already
        self.inducing.add(sha)
        author, paths = known
        self.author_bugs[author] = self.author_bugs.get(author, 0) + 1
        for p in paths:
            f = self.files.setdefault(p, _File())
            decay = math.exp(-max(0.0, when - f.bug_time) / DAY / FIX_DECAY_DAYS)
            f.bug_value = f.bug_value * decay + 1.0
            f.bug_time = when


def content_columns(counts: Mapping[str, float] | None) -> dict[str, float]:
    """The ``content`` columns of a commit whose patch counted ``counts`` (None: not read)."""
    return {k: float((counts or {}).get(k, 0.0)) for k in _COUNTS}


def compute(
    commits: Iterable[Mined],
    blamed: Mapping[str, Sequence[str]] | None = None,
    content: Mapping[str, Mapping[str, float]] | None = None,
    state: RepoHistory | None = None,
) -> Iterator[dict[str, float]]:
    """The features of each commit in order, each from the ones before it: ``blamed`` (fix ->
    the commits SZZ found it repairs) is learnt when the fix is recorded, ``content`` holds
    each commit's own patch counts. ``state`` (default a new one) ends holding them all: what
    a live change is scored against (``to_json``)."""
    state = RepoHistory() if state is None else state
    blamed = blamed or {}
    content = content or {}
    for c in commits:
        yield state.features(c, content.get(c.sha))
        state.record(c, state.repaired(c, blamed) if c.fix else ())


def to_json(state: RepoHistory, now: float) -> dict[str, Any]:
    """What scoring a later change needs of ``state`` (history up to ``now``), compacted: change
    times older than 30 days, authors of a file not seen in a year and couplings seen fewer
    than 3 times are dropped (no feature of a change after ``now`` reads them), and so are the
    commits a later fix could still blame (scoring learns no fix)."""
    files = {}
    for path, f in state.files.items():
        files[path] = [
            round(f.fix_value, 4),
            f.fix_time,
            [x for x in f.times[-64:] if now - x <= 30 * DAY],
            {a: t for a, t in f.authors.items() if now - t <= 365 * DAY},
            f.by_author,
            f.changes,
            {q: n for q, n in f.partners.items() if n >= 3},
            round(f.bug_value, 4),
            f.bug_time,
        ]
    return {
        "files": files,
        "author_last": state.author_last,
        "author_changes": state.author_changes,
        "author_bugs": state.author_bugs,
    }


def from_json(data: Mapping[str, Any]) -> RepoHistory:
    files = {
        p: _File(v[0], v[1], list(v[2]), dict(v[3]), dict(v[4]), v[5], dict(v[6]), v[7], v[8])
        for p, v in data["files"].items()
    }
    return RepoHistory(
        files=files,
        author_last=dict(data["author_last"]),
        author_changes=dict(data["author_changes"]),
        author_bugs=dict(data["author_bugs"]),
    )


def live(
    state: RepoHistory | None,
    author: str,
    when: float,
    paths: Sequence[str],
    message: str,
    fix: bool,
    counts: Mapping[str, float],
) -> dict[str, float]:
    """The features of a change being scored (not a mined commit) against ``state`` (None:
    not mined: every history feature 0)."""
    change = Mined(
        "", when, author, (), fix, ai=False, metrics={}, message=message, paths=tuple(paths)
    )
    return (state or RepoHistory()).features(change, counts)
