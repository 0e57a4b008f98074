"""SZZ without a blame per fix: replay history forward once and keep, for every file version
(blob), the commit each of its lines came from; a fix's removed lines are then looked up, not
blamed. The same steps as ``git blame -w`` (whitespace-insensitive diffs, renames followed, root
and shallow-edge commits never blamed), one pass instead of a history walk per fix. Pure: the
stream is read and unknown file versions are resolved in ``state.blame``.

The stream is ``git log --reverse --topo-order --no-merges -p --raw -U0 -w -M`` (parents before
children). A version the replay has not seen (made by a merge, or dropped from the bounded
store) is asked of ``resolve``, which answers from the merge's parents or one ``git blame``."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import compress
from operator import add, lt, sub

from countersign.facts.risk import content as diff_content
from countersign.facts.risk.szz import is_fix, significant_bytes

NULL = "0" * 40
RECORD = b"\x1e"
LOG_FORMAT = "%x1e%H%x1f%P%x1f%B%x1d"

_RAW = re.compile(
    rb"^:\d+ \d+ ([0-9a-f]{40}) ([0-9a-f]{40}) ([A-Z])\d*\t([^\t\n]*)(?:\t([^\n]*))?$", re.MULTILINE
)
_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
HUNK_LINE = re.compile(_HUNK.pattern, re.MULTILINE)
_INDEX = re.compile(rb"^index ([0-9a-f]{40})\.\.([0-9a-f]{40})", re.MULTILINE)
# A section's index line, hunk headers and binary mark, each found by the line end before it
# (a literal the regex engine looks for quickly; a section's first line is its ``diff --git``)
_HEADS = re.compile(
    rb"\n(?:index ([0-9a-f]{40})\.\.([0-9a-f]{40})|@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@"
    rb"|(Binary files ))"
)
_DIFF = b"\ndiff --git "

Hunk = tuple[int, int, int, int]  # old start, old count, new start, new count


@dataclass(frozen=True)
class FilePatch:
    """One file of a commit: old and new blob, old path, the ``-U0`` hunks and (for fixes) the
    old line numbers of the significant lines removed."""

    old: str
    new: str
    old_path: str
    hunks: tuple[Hunk, ...] = ()
    binary: bool = False
    removed: tuple[int, ...] = ()


@dataclass(frozen=True)
class PatchCommit:
    sha: str
    parents: tuple[str, ...]
    fix: bool
    files: tuple[FilePatch, ...]
    content: dict[str, float] | None = None  # ``content.count`` of its patch, when asked


def records(chunks: Iterable[bytes]) -> Iterator[bytes]:
    buf = b""
    for chunk in chunks:
        buf += chunk
        *complete, buf = buf.split(RECORD)
        yield from (r for r in complete if r)
    if buf.strip():
        yield buf


def parse(
    rec: bytes, fix: Callable[[str], bool] = is_fix, content: bool = False
) -> PatchCommit | None:
    """One commit of the stream. Hunk headers are found by regex; only a fix's removed lines
    are read one by one (their text decides which are worth blaming). ``content``: count the
    kinds of lines its patch adds and removes too (``facts.risk.content``)."""
    head, sep, body = rec.partition(b"\x1d")
    fields = head.decode("utf-8", "replace").split("\x1f")
    if not sep or len(fields) < 3:
        return None
    sha, parents, message = fields[0].strip(), tuple(fields[1].split()), fields[2]
    is_a_fix = fix(message)
    first = body.find(_DIFF)  # the raw lines all come before the first file's patch
    raw = [
        (m.group(1).decode(), m.group(2).decode(), m.group(4).decode("utf-8", "replace"))
        for m in _RAW.finditer(body, 0, len(body) if first < 0 else first + 1)
    ]
    sections = _sections(body, is_a_fix, first)
    files = []
    for old_blob, new, old_path in raw:
        old = old_blob
        if (old, new) not in sections and (NULL, new) in sections:
            old = NULL  # a type change (symlink to file): shown as a deletion and a new file
        hunks, binary, removed = sections.get((old, new), ((), False, ()))
        files.append(FilePatch(old, new, old_path, hunks, binary, removed))
    counted = diff_content.count(body) if content else None
    return PatchCommit(sha, parents, is_a_fix, tuple(files), counted)


def _sections(
    body: bytes, fix: bool, first: int
) -> dict[tuple[str, str], tuple[tuple[Hunk, ...], bool, tuple[int, ...]]]:
    """(old blob, new blob) -> hunks, binary, removed significant lines (fixes only), from the
    patches of the files (``first``: where the first one's line starts, less one)."""
    out: dict[tuple[str, str], tuple[tuple[Hunk, ...], bool, tuple[int, ...]]] = {}
    starts = [0] if body.startswith(_DIFF[1:]) else []
    while first >= 0:
        starts.append(first + 1)
        first = body.find(_DIFF, first + 1)
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(body)
        section = body[start:end]
        index = _INDEX.search(section)
        if index is None:  # a pure rename or mode change: the content is the same blob
            continue
        key = (index.group(1).decode(), index.group(2).decode())
        hunks: list[Hunk] = []
        binary = False
        removed: list[int] = []
        if fix:
            lines: list[bytes] = []
            seen = at = 0  # the lines before ``at``
            for m in _HEADS.finditer(section):
                if m.group(7):
                    binary = True
                elif m.group(3):
                    hunk = _hunk(m.group(3), m.group(4), m.group(5), m.group(6))
                    hunks.append(hunk)
                    if hunk[1]:
                        lines = lines or section.split(b"\n")
                        seen += section.count(b"\n", at, m.start() + 1)
                        at = m.start() + 1
                        gone = lines[seen + 1 : seen + 1 + hunk[1]]  # after the header line
                        removed.extend(_significant(gone, hunk[0]))
        else:
            for _i, _j, a, b, c, d, bin_mark in _HEADS.findall(section):
                if bin_mark:
                    binary = True
                elif a:
                    hunks.append((int(a), int(b) if b else 1, int(c), int(d) if d else 1))
        out[key] = (tuple(hunks), binary, tuple(removed))
    return out


def hunk_of(m: re.Match[bytes]) -> Hunk:
    return _hunk(m.group(1), m.group(2), m.group(3), m.group(4))


def _hunk(a: bytes, b: bytes | None, c: bytes, d: bytes | None) -> Hunk:
    return int(a), 1 if b is None else int(b), int(c), 1 if d is None else int(d)


# ``szz.significant_bytes`` is false of an ASCII line (its sign first) that this matches
_BLANK_OR_COMMENT = re.compile(
    rb"[ \t\r\x0b\x0c\x1c-\x1f]*(?:$|#|//|/\*|\*|--|;|%|<!--|\"\"\"|\'\'\')"
)


def _significant(gone: list[bytes], start: int) -> list[int]:
    """The old line numbers of the significant lines among a hunk's removed lines (each with
    its ``-``), the first of which is line ``start``."""
    return [
        start + k
        for k, line in enumerate(gone)
        if (not _BLANK_OR_COMMENT.match(line, 1) if line.isascii() else significant_bytes(line[1:]))
    ]


def apply(old: array[int] | None, hunks: Iterable[Hunk], commit: int) -> array[int]:
    """The origins of the new version: ``old``'s, with each hunk's new lines from ``commit``."""
    src = old if old is not None else array("I")
    out = array("I")
    pos = 0
    for a, b, _c, d in hunks:
        cut = a - 1 if b else a  # "-a,0": insertion after old line a
        out.extend(src[pos:cut])
        out.extend(array("I", [commit]) * d)
        pos = cut + b
    out.extend(src[pos:])
    return out


@dataclass
class Store:
    """Line origins per blob, least recently used dropped beyond ``budget`` lines in all."""

    budget: int = 500_000_000
    blobs: OrderedDict[str, array[int]] = field(default_factory=OrderedDict)
    lines: int = 0

    def get(self, blob: str) -> array[int] | None:
        got = self.blobs.get(blob)
        if got is not None:
            self.blobs.move_to_end(blob)
        return got

    def supersede(self, blob: str) -> None:
        """``blob`` was replaced by a newer version: dropped first when room is needed (a
        version another line of history still reads is then rebuilt or blamed again), so the
        store keeps the current versions of rarely changed files over old ones of busy files."""
        if blob in self.blobs:
            self.blobs.move_to_end(blob, last=False)

    def put(self, blob: str, origins: array[int]) -> None:
        old = self.blobs.pop(blob, None)
        if old is not None:
            self.lines -= len(old)
        self.blobs[blob] = origins
        self.lines += len(origins)
        while self.lines > self.budget and len(self.blobs) > 1:
            _, dropped = self.blobs.popitem(last=False)
            self.lines -= len(dropped)


# resolve(commit sha, path, blob) -> origins of that blob as the file at ``path`` in ``commit``
Resolver = Callable[[str, str, str], "array[int] | None"]


@dataclass
class Replay:
    """Walks the stream's commits in order; ``blamed`` maps each fix to its inducing commits."""

    resolve: Resolver
    store: Store = field(default_factory=Store)
    shas: list[str] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)
    roots: set[int] = field(default_factory=set)
    blamed: dict[str, list[str]] = field(default_factory=dict)
    resolved: int = 0

    def id(self, sha: str) -> int:
        n = self.ids.get(sha)
        if n is None:
            n = self.ids[sha] = len(self.shas)
            self.shas.append(sha)
        return n

    def step(self, commit: PatchCommit, wanted: Callable[[str], bool] | None = None) -> None:
        me = self.id(commit.sha)
        if not commit.parents:
            self.roots.add(me)  # blame's boundary: a root's lines are not blamed on it
        parent = commit.parents[0] if commit.parents else None
        found: set[int] = set()
        for f in commit.files:
            old = None
            if f.old != NULL and parent is not None:
                old = self.store.get(f.old)
                if old is None:
                    old = self.resolve(parent, f.old_path, f.old)
                    self.resolved += 1
                    if old is not None:
                        self.store.put(f.old, old)
            if commit.fix and f.removed and old is not None:
                found.update(old[n - 1] for n in f.removed if 0 < n <= len(old))
            if f.new == NULL:  # deleted
                continue
            if f.binary:
                self.store.put(f.new, array("I"))  # nothing in it is blamed
                continue
            if f.old != NULL and old is None:
                continue  # unknown ancestry: resolved again if a later commit needs it
            new = apply(old, f.hunks, me) if f.hunks else (old or array("I"))
            if f.old not in (NULL, f.new):
                self.store.supersede(f.old)  # before the new one takes its room
            self.store.put(f.new, new)
        if commit.fix and parent is not None and (wanted is None or wanted(commit.sha)):
            self.blamed[commit.sha] = sorted(self.shas[n] for n in found - self.roots)


Block = tuple[int, int, int]  # new line, old line (0-based), length: a run left unchanged

_SPACE = b" \t\x0b\x0c"  # ``bytes.split``'s whitespace, less the line ends


def normalized(data: bytes) -> list[bytes]:
    """The lines of a file version as ``bytes.splitlines`` cuts them, each with every space
    removed (what a whitespace-insensitive diff compares)."""
    if b"\r" in data:
        return [b"".join(x.split()) for x in data.splitlines()]
    lines = data.translate(None, _SPACE).split(b"\n")
    if not data or data.endswith(b"\n"):
        lines.pop()  # after the last line's end, or an empty file: no line
    return lines


def combine(
    parents: Iterable[tuple[array[int], Iterable[Block]]], merge: int, length: int
) -> array[int]:
    """A merge's version: each line from the first parent it is unchanged in (as blame passes
    lines to parents in order), else from the merge itself. ``parents`` holds each parent's
    origins and the runs of lines the merge left unchanged from it (``blocks``)."""
    out = array("I", [merge]) * length
    taken = bytearray(length)
    for got, runs in parents:
        for new, old, run in runs:
            size = min(run, length - new, len(got) - old)
            if size <= 0:
                continue
            if taken.find(1, new, new + size) < 0:
                out[new : new + size] = got[old : old + size]
                taken[new : new + size] = b"\1" * size
                continue
            for k in range(size):
                if not taken[new + k]:
                    out[new + k] = got[old + k]
                    taken[new + k] = 1
    return out


def unchanged(old: list[bytes], new: list[bytes]) -> list[tuple[int, int]]:
    """(new index, old index) of the lines a whitespace-insensitive diff leaves unchanged."""
    a = [b"".join(x.split()) for x in old]
    b = [b"".join(x.split()) for x in new]
    return [(n + k, o + k) for n, o, size in blocks(a, b) for k in range(size)]


def blocks(a: list[bytes], b: list[bytes]) -> list[Block]:
    """The runs of lines of ``b`` left unchanged from ``a`` (both ``normalized``), in order: a
    patience diff (common ends, then lines unique to both sides as anchors, then the gaps)."""
    out: list[Block] = []
    _patience(a, b, 0, len(a), 0, len(b), out)
    return out


def _common(a: list[bytes], b: list[bytes], i: int, j: int, most: int, step: int) -> int:
    """How many lines match from ``a[i]``, ``b[j]`` on (``step`` 1) or back from before them
    (``step`` -1), at most ``most``: compared 64 at a time, then one by one."""
    n = 0
    if step > 0:
        while n + 64 <= most and a[i + n : i + n + 64] == b[j + n : j + n + 64]:
            n += 64
        while n < most and a[i + n] == b[j + n]:
            n += 1
    else:
        while n + 64 <= most and a[i - n - 64 : i - n] == b[j - n - 64 : j - n]:
            n += 64
        while n < most and a[i - n - 1] == b[j - n - 1]:
            n += 1
    return n


def _patience(
    a: list[bytes],
    b: list[bytes],
    alo: int,
    ahi: int,
    blo: int,
    bhi: int,
    out: list[Block],
) -> None:
    head = _common(a, b, alo, blo, min(ahi - alo, bhi - blo), 1)
    if head:
        out.append((blo, alo, head))
        alo, blo = alo + head, blo + head
    tail = _common(a, b, ahi, bhi, min(ahi - alo, bhi - blo), -1)
    ahi, bhi = ahi - tail, bhi - tail
    if alo < ahi and blo < bhi:
        olds, news = _anchors(a, b, alo, ahi, blo, bhi)
        if olds:
            for k, size in _runs(olds, news):
                ia, ib = olds[k], news[k]
                if ia > alo and ib > blo:
                    _patience(a, b, alo, ia, blo, ib, out)
                if out and out[-1][0] + out[-1][2] == ib and out[-1][1] + out[-1][2] == ia:
                    last = out.pop()
                    out.append((last[0], last[1], last[2] + size))
                else:
                    out.append((ib, ia, size))
                alo, blo = ia + size, ib + size
            _patience(a, b, alo, ahi, blo, bhi, out)
        elif (ahi - alo) * (bhi - blo) <= 40_000:
            from difflib import SequenceMatcher

            m = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            out.extend((blo + y, alo + x, size) for x, y, size in m.get_matching_blocks() if size)
    if tail:
        out.append((bhi, ahi, tail))


def _runs(olds: list[int], news: list[int]) -> Iterator[tuple[int, int]]:
    """(first, length) of each run of anchors that follow one another line after line on both
    sides (both positions strictly increase: one more on both is two more in their sum)."""
    sums = list(map(add, olds, news))
    starts = [0, *compress(range(1, len(sums)), map((2).__ne__, map(sub, sums[1:], sums)))]
    ends = [*starts[1:], len(sums)]
    return zip(starts, map(sub, ends, starts), strict=True)


def _anchors(
    a: list[bytes], b: list[bytes], alo: int, ahi: int, blo: int, bhi: int
) -> tuple[list[int], list[int]]:
    """The longest chain of lines that occur once on each side, in order on both: their old
    and new positions."""
    old, new = a[alo:ahi], b[blo:bhi]
    in_old, in_new = Counter(old), Counter(new)
    once = {x for x, n in in_new.items() if n == 1 and in_old.get(x) == 1}
    if not once:
        return [], []
    where = dict(zip(old, range(alo, ahi), strict=True))  # a line seen once: its one place
    news = [j for j, x in enumerate(new, blo) if x in once]
    olds = [where[b[j]] for j in news]
    if all(map(lt, olds, olds[1:])):
        return olds, news  # already in order on both sides: the whole chain
    # longest increasing subsequence of the old positions (in new order)
    tails: list[int] = []
    back: list[int] = [-1] * len(olds)
    at: list[int] = []
    for k, ia in enumerate(olds):
        pos = bisect_left(tails, ia)
        if pos == len(tails):
            tails.append(ia)
            at.append(k)
        else:
            tails[pos] = ia
            at[pos] = k
        back[k] = at[pos - 1] if pos else -1
    chain = []
    k = at[-1] if at else -1
    while k >= 0:
        chain.append(k)
        k = back[k]
    chain.reverse()
    return [olds[k] for k in chain], [news[k] for k in chain]
