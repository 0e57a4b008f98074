"""Content fingerprints: what an approval is bound to.

``cs2:`` hashes every byte git shows of the change, as bytes (never decoded text): each file's
``diff --git`` line, its mode, rename, copy, addition and deletion lines, every hunk's lines in
order (context, removed and added lines interleaved as git printed them, so moving an added line
past a context line is another change), "no newline" markers, submodule commits and symlink
targets (git shows both as hunk lines), and for a file git shows as binary its full old and new
blob ids. Nothing is cut off: a file of a million lines is hashed to its last byte.

Left out on purpose, so a rebase that applies the same hunks with the same context keeps its
approvals: hunk line numbers (and the function names git prints after them), blob ids of text
files, similarity scores and commit ids. The diff's shape is pinned in ``git.DIFF_OPTS`` and
``git.GIT`` so a user's git configuration cannot change it.

``cs1:`` (before this) hashed decoded text, cut files at 200,000 lines and did not hash where
added lines sat among their context; an approval of a ``cs1:`` fingerprint no longer counts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate

from countersign.intake.change import Artifact

PREFIX = "cs2:"
LEGACY_PREFIXES = ("cs1:",)
_DOMAIN = b"countersign-change-cs2\0"
# Header lines whose content is the change (paths, modes, renames); all others before a hunk
# (index, similarity, ---/+++, mail headers between patches) are either covered elsewhere or
# differ after a rebase.
_HASHED_HEADERS = (
    b"old mode ",
    b"new mode ",
    b"deleted file mode ",
    b"new file mode ",
    b"rename from ",
    b"rename to ",
    b"copy from ",
    b"copy to ",
)
# A body line starts with " ", "+", "-" or "\"; the first line that does not ends the hunk.
_END_OF_BODY = re.compile(rb"\n[^ +\-\\]")
_MAX_HEADER_LINE = 1 << 20
_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? ")
# The header most files have (a modified file: ``diff --git``, ``index``, ``---``, ``+++``, then
# its first hunk), matched at once: it is hashed exactly as ``_line`` hashes those five lines,
# without a call per line (they cost most of the time on a change of many small files).
_COMMON_HEADER = re.compile(
    rb"(diff --git [^\n]*\n)index (([0-9a-f]+)\.\.[0-9a-f]+(?: ([0-7]+))?)\n"
    rb"--- [^\n]*\n\+\+\+ [^\n]*\n@@ -(\d+)(?:,(\d+))? [^\n]*\n"
)


@dataclass
class HashedFile:
    """One file of the patch as hashed so far: the old blob (from its ``index`` line) and the
    old-side range of each hunk, to place the hunks in the old file (``Anchors``)."""

    digest: hashlib._Hash
    old_blob: str = ""
    hunks: list[tuple[int, int]] = field(default_factory=list)


# Given a file's old blob and its hunks' old ranges ``(start, count)``, bytes that say where in
# the old file they sit, in a way a rebase keeps (see ``occurrences``).
Anchors = Callable[[str, list[tuple[int, int]]], bytes]


class PatchDigest:
    """The fingerprint of a patch fed to it in chunks of any size: linear in the patch and
    bounded in memory (hunk bodies are hashed as they stream; only a header line is held)."""

    def __init__(self) -> None:
        self.files: list[HashedFile] = []
        self._file: hashlib._Hash | None = None
        self._body = False  # inside a hunk
        self._mid = False  # inside a hunk line whose start was already hashed
        self._literal = False  # inside a "GIT binary patch": every line is content
        self._carry = b""
        self._index = b""

    def feed(self, data: bytes) -> None:
        buf = self._carry + data if self._carry else data
        self._carry = b""
        pos, end = 0, len(buf)
        while pos < end:
            if self._body:
                pos = self._feed_body(buf, pos)
                if pos < 0:
                    return
                if self._body:
                    continue
            if not self._literal and (common := _COMMON_HEADER.match(buf, pos)):
                self._common_header(common)
                pos = common.end()
                continue
            nl = buf.find(b"\n", pos)
            if nl < 0:
                self._carry = buf[pos : pos + _MAX_HEADER_LINE]
                return
            self._line(buf[pos:nl])
            pos = nl + 1

    def _feed_body(self, buf: bytes, pos: int) -> int:
        """Hash hunk lines from ``pos``; the position after them, -1 when ``buf`` is used up,
        or ``pos`` itself (with the hunk closed) when the line there is not a hunk line."""
        assert self._file is not None  # noqa: S101 - a hunk only opens inside a file
        view = memoryview(buf)
        if self._mid:
            nl = buf.find(b"\n", pos)
            if nl < 0:
                self._file.update(view[pos:])
                return -1
            self._file.update(view[pos : nl + 1])
            self._mid = False
            pos = nl + 1
            if pos >= len(buf):
                return -1
        if buf[pos] not in b" +-\\":
            self._body = False
            return pos
        match = _END_OF_BODY.search(buf, pos)
        if match is None:
            self._file.update(view[pos:])
            self._mid = not buf.endswith(b"\n")
            return -1
        stop = match.start() + 1
        self._file.update(view[pos:stop])
        return stop

    def _common_header(self, match: re.Match[bytes]) -> None:
        """What ``_line`` does for the five lines of ``_COMMON_HEADER``, in one step."""
        self._close()
        digest = hashlib.sha256(b"file\0")
        digest.update(match[1])
        digest.update(b"mode " + (match[4] or b"") + b"\n@@\n")
        section = HashedFile(digest)
        if match[3].strip(b"0"):
            section.old_blob = match[3].decode("ascii")
        section.hunks.append((int(match[5]), int(match[6]) if match[6] is not None else 1))
        self.files.append(section)
        self._file, self._index, self._literal, self._body = digest, match[2], False, True

    def _line(self, line: bytes) -> None:
        if line.startswith(b"diff --git "):
            self._close()
            self._file = hashlib.sha256(b"file\0")
            self._file.update(line + b"\n")
            self.files.append(HashedFile(self._file))
            self._index, self._literal = b"", False
            return
        if self._file is None:
            return  # mail headers before the first patch
        if self._literal:
            self._file.update(line + b"\n")
        elif line.startswith(b"@@"):
            self._file.update(b"@@\n")
            self._body = True
            match = _HUNK.match(line)
            if match:
                count = int(match[2]) if match[2] is not None else 1
                self.files[-1].hunks.append((int(match[1]), count))
        elif line.startswith(_HASHED_HEADERS):
            self._file.update(line + b"\n")
        elif line.startswith(b"index "):
            self._index = line[6:]
            old = self._index.split(b"..", 1)[0]
            if old.strip(b"0"):  # all zeros: no old blob (an added file)
                self.files[-1].old_blob = old.decode("ascii", "replace")
            mode = line.rpartition(b" ")[2] if line.count(b" ") >= 2 else b""
            self._file.update(b"mode " + mode + b"\n")
        elif line.startswith(b"Binary files ") or line == b"GIT binary patch":
            # The bytes are not shown: the blob ids (``--full-index``) stand for every one.
            self._file.update(b"binary " + self._index.split(b" ")[0] + b"\n")
            self._literal = line == b"GIT binary patch"

    def _close(self) -> None:
        self._file = None
        self._body = self._mid = False

    def hexdigest(self, artifacts: Iterable[Artifact] = (), anchors: Anchors | None = None) -> str:
        """The fingerprint of everything fed so far, each file's hunks placed in its old file
        by ``anchors`` (a patch file has no old file: its hunks are placed by their context
        alone), plus the explicit artifacts (plans given with ``--plan``), by the SHA-256 of
        their bytes."""
        if self._carry:
            self._line(self._carry)
            self._carry = b""
        self._close()
        final = hashlib.sha256(_DOMAIN)
        for section in self.files:
            digest = section.digest.copy()
            if anchors is not None and section.old_blob and section.hunks:
                digest.update(b"anchor\0" + anchors(section.old_blob, section.hunks))
            final.update(digest.digest())
        for art in sorted(artifacts, key=lambda a: a.path):
            if art.origin == "explicit":
                final.update(b"artifact\0" + art.path.encode("utf-8", "surrogateescape") + b"\0")
                final.update(artifact_digest(art).encode("ascii"))
        return PREFIX + final.hexdigest()


def occurrences(old: bytes, hunks: list[tuple[int, int]], budget: int = 2_000_000) -> bytes:
    """Where each hunk sits in the old file, as the number of earlier places in it where the
    same old lines (context and removed lines) occur: ``0`` when this is the first such place.
    A rebase that moves a hunk keeps it (unless it adds or removes a copy of those lines
    before it); moving an edit to another copy of the same lines (the same check added to a
    second, identical function) changes it.

    Candidates are the places of the hunk's rarest line; a file so repetitive that comparing
    them would take more than ``budget`` line comparisons is placed by its whole content.
    When even comparing every line at every place could not exceed ``budget`` (most files),
    the same counts are found by searching the bytes (``_searched``), without an index."""
    lines = old.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    if len(hunks) == 1 and hunks[0] == (1, len(lines)):
        return b"0"  # one hunk over the whole file (small files): it can only be here
    if len(lines) * sum(max(count, 0) for _start, count in hunks) <= budget:
        return _searched(lines, hunks)
    return _indexed(lines, hunks, budget) or b"whole\0" + hashlib.sha256(old).digest()


def _indexed(lines: list[bytes], hunks: list[tuple[int, int]], budget: int) -> bytes | None:
    """``occurrences`` from an index of the places of every line, comparing the hunk's old
    lines at each place of its rarest one; None past ``budget`` line comparisons."""
    index: dict[bytes, list[int]] = {}
    for n, line in enumerate(lines):
        index.setdefault(line, []).append(n)
    out: list[bytes] = []
    for start, count in hunks:
        first = start - 1
        block = lines[first : first + count]
        if count == 0 or first < 0 or len(block) != count:
            out.append(b"-")
            continue
        pivot = min(range(count), key=lambda j: len(index[block[j]]))
        found = 0
        for place in index[block[pivot]]:
            begin = place - pivot
            if begin >= first:
                break
            budget -= count
            if budget < 0:
                return None
            if begin >= 0 and lines[begin : begin + count] == block:
                found += 1
        out.append(str(found).encode())
    return b",".join(out)


def _searched(lines: list[bytes], hunks: list[tuple[int, int]]) -> bytes:
    """``occurrences`` by searching the file's bytes for each hunk's old lines, each line
    framed by newlines so a match starts and ends on line boundaries: the same counts, found
    by ``bytes.find`` instead of an index of every line (built in Python, it cost most of the
    fingerprint of a change of many small files)."""
    data = b"\n" + b"\n".join(lines) + b"\n"
    # The newline before line k (0-based) is at starts[k]; starts[len(lines)] ends the data.
    starts = [total + k for k, total in enumerate(accumulate(map(len, lines), initial=0))]
    out: list[bytes] = []
    for start, count in hunks:
        first = start - 1
        if count <= 0 or first < 0 or first + count > len(lines):
            out.append(b"-")
            continue
        begin, end = starts[first], starts[first + count] + 1
        needle = data[begin:end]
        found = 0
        place = data.find(needle, 0, begin + len(needle) - 1)
        while 0 <= place < begin:
            found += 1
            place = data.find(needle, place + 1, begin + len(needle) - 1)
        out.append(str(found).encode())
    return b",".join(out)


def fingerprint_patch(patch: bytes, artifacts: Iterable[Artifact] = ()) -> str:
    """The fingerprint of a whole patch held in memory (patch files, tests)."""
    digest = PatchDigest()
    digest.feed(patch)
    return digest.hexdigest(artifacts)


def artifact_digest(art: Artifact) -> str:
    return art.sha256 or hashlib.sha256(art.text.encode("utf-8", "surrogateescape")).hexdigest()


def is_current(fingerprint: str) -> bool:
    return fingerprint.startswith(PREFIX)


def superseded_reason(fingerprint: str) -> str | None:
    """Why an approval of ``fingerprint`` cannot count for a change fingerprinted today."""
    if fingerprint.startswith(LEGACY_PREFIXES):
        return (
            f"recorded for a {fingerprint[:4]} fingerprint, which left parts of the change "
            "unhashed (binary bytes, lines past 200,000, the position of added lines); "
            f"{PREFIX} fingerprints cover every byte, so approve the change again"
        )
    return None
