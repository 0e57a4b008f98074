"""Parse git's unified diff text into ``FileChange`` records (pure: text in, records out).

Handles renames and copies, mode changes, binary files, submodules, C-quoted paths and files
without a trailing newline. When git's ``--raw -z`` listing is available its paths and modes win,
since they need no unquoting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from countersign.intake.change import FileChange, FileStatus, Line

MAX_LINES_PER_FILE = 200_000
MAX_LINE_BYTES = 1 << 20

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    '"': '"',
    "\\": "\\",
}


@dataclass(frozen=True)
class RawEntry:
    """One line of ``git diff --raw -z``."""

    status: str
    old_mode: str
    new_mode: str
    old_blob: str
    new_blob: str
    path: str
    old_path: str | None = None
    # The path's bytes when they are not UTF-8 (``path`` then holds U+FFFD for what is lost).
    path_bytes: bytes | None = None


def parse_raw_z(data: bytes) -> list[RawEntry]:
    fields = data.split(b"\0")
    entries: list[RawEntry] = []
    i = 0
    while i < len(fields) and fields[i].startswith(b":"):
        meta = fields[i][1:].decode("ascii", "replace").split()
        old_mode, new_mode, old_blob, new_blob, status = meta[:5]
        letter = status[0]
        if letter in "RC":
            old, new = fields[i + 1], fields[i + 2]
            entries.append(
                RawEntry(
                    letter,
                    old_mode,
                    new_mode,
                    old_blob,
                    new_blob,
                    _decode(new),
                    _decode(old),
                    _undecodable(new),
                )
            )
            i += 3
        else:
            path = fields[i + 1]
            entries.append(
                RawEntry(
                    letter,
                    old_mode,
                    new_mode,
                    old_blob,
                    new_blob,
                    _decode(path),
                    path_bytes=_undecodable(path),
                )
            )
            i += 2
    return entries


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _undecodable(raw: bytes) -> bytes | None:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw
    return None


def unquote_path(text: str) -> str:
    """Undo git's C-style quoting of a path ("a\\tb", octal escapes for non-ASCII bytes)."""
    if not (len(text) >= 2 and text[0] == '"' and text[-1] == '"'):
        return text
    body, out, i = text[1:-1], bytearray(), 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in "01234567" and i + 3 < len(body) + 1:
                out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
                i += 4
                continue
            out.extend(_ESCAPES.get(nxt, nxt).encode())
            i += 2
            continue
        out.extend(ch.encode())
        i += 1
    return out.decode("utf-8", "replace")


@dataclass
class Section:
    """One file's part of a patch as read: its lines (up to the limits) and what was cut."""

    lines: list[str]
    overflow: bool = False  # more changed lines than MAX_LINES_PER_FILE
    long_line: bool = False  # a line longer than MAX_LINE_BYTES
    undecodable: bool = False  # a line that is not UTF-8
    nul: bool = False  # a line holding a NUL byte: binary content diffed as text


class PatchReader:
    """Split a patch into per-file sections as it streams in, keeping at most
    ``MAX_LINES_PER_FILE`` changed lines of each file and ``MAX_LINE_BYTES`` of each line, so
    memory stays bounded whatever the size of the change (the fingerprint reads every byte)."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self._carry = b""
        self._cut = False  # the line being read is longer than the limit
        self._body = 0  # changed lines kept in the current section
        self._hunks = False  # the current section's hunks have begun

    def feed(self, data: bytes) -> None:
        buf = self._carry + data if self._carry else data
        self._carry = b""
        pos = 0 if self._cut else self._clean_lines(buf)
        while True:
            nl = buf.find(b"\n", pos)
            if nl < 0:
                rest = buf[pos:]
                if len(rest) > MAX_LINE_BYTES:
                    if not self._cut:
                        self._take(rest[:MAX_LINE_BYTES], cut=True)
                    self._cut = True
                else:
                    self._carry = rest
                return
            if self._cut:
                self._cut = False
            else:
                line = buf[pos:nl]
                cut = len(line) > MAX_LINE_BYTES
                self._take(line[:MAX_LINE_BYTES] if cut else line, cut=cut)
            pos = nl + 1

    def _clean_lines(self, buf: bytes) -> int:
        """Take the whole lines of ``buf`` at once when they are all UTF-8, hold no NUL byte and
        are short (a patch usually is): one decode and split for the block, instead of one per
        line. Returns where the rest starts (0: nothing taken, read line by line)."""
        last = buf.rfind(b"\n")
        if last < 0 or b"\0" in buf[:last]:
            return 0
        try:
            lines = buf[:last].decode("utf-8").split("\n")
        except UnicodeDecodeError:
            return 0
        # a character is at most 4 bytes: shorter than this, no line can pass the byte limit
        if max(map(len, lines)) > MAX_LINE_BYTES // 4:
            return 0
        add = self.add
        for line in lines:
            add(line)
        return last + 1

    def close(self) -> list[Section]:
        if self._carry and not self._cut:
            self._take(self._carry, cut=False)
        self._carry = b""
        return self.sections

    def _take(self, raw: bytes, *, cut: bool) -> None:
        try:
            text, bad = raw.decode("utf-8"), False
        except UnicodeDecodeError:
            text, bad = raw.decode("utf-8", "replace"), True
        self.add(text, cut=cut, undecodable=bad, nul=b"\0" in raw)

    def add(
        self, text: str, *, cut: bool = False, undecodable: bool = False, nul: bool = False
    ) -> None:
        if text.startswith("diff --git "):
            self.sections.append(Section([text]))
            self._body, self._hunks = 0, False
            return
        if not self.sections:
            return
        section = self.sections[-1]
        if text.startswith("@@"):
            self._hunks = True
        elif self._hunks and text[:1] in ("+", "-"):
            self._body += 1
            if self._body > MAX_LINES_PER_FILE:
                section.overflow = True
                return
        elif self._hunks and section.overflow:
            return  # context past the limit
        section.lines.append(text)
        section.long_line |= cut
        section.undecodable |= undecodable
        section.nul |= nul


def split_sections(patch: str) -> list[Section]:
    """Split a patch into per-file sections, each starting at its ``diff --git`` line."""
    reader = PatchReader()
    for line in patch.split("\n"):
        reader.add(line, nul="\0" in line)
    return reader.sections


def parse_patch(patch: str, raw: list[RawEntry] | None = None) -> tuple[FileChange, ...]:
    return parse_sections(split_sections(patch), raw)


def parse_sections(
    sections: list[Section], raw: list[RawEntry] | None = None
) -> tuple[FileChange, ...]:
    if raw is not None and len(raw) == len(sections):
        return tuple(_section(s, entry) for s, entry in zip(sections, raw, strict=True))
    return tuple(_section(s, None) for s in sections)


def _skip_reason(section: Section, truncated: bool) -> str | None:
    if section.nul:
        return "it holds NUL bytes (binary content where text was expected)"
    if section.undecodable:
        return "it is not valid UTF-8"
    if truncated or section.overflow:
        return f"more than {MAX_LINES_PER_FILE} changed lines; the rest was not read"
    if section.long_line:
        return f"a line longer than {MAX_LINE_BYTES} bytes was not read whole"
    return None


def _section(section: Section, raw: RawEntry | None) -> FileChange:
    lines = section.lines
    header = _Header.read(lines)
    added: list[Line] = []
    removed: list[Line] = []
    old_no = new_no = 0
    truncated = False
    for line in lines[header.body_start :]:
        first = line[:1]
        if first == "@":
            match = _HUNK.match(line)
            if match:
                old_no, new_no = int(match[1]), int(match[3])
                continue
        if len(added) + len(removed) >= MAX_LINES_PER_FILE:
            truncated = True
            break
        if first == "+":
            added.append(Line(new_no, line[1:]))
            new_no += 1
        elif first == "-":
            removed.append(Line(old_no, line[1:]))
            old_no += 1
        elif first == " ":
            old_no += 1
            new_no += 1
    status, path, old_path = header.status, header.path, header.old_path
    old_mode, new_mode = header.old_mode, header.new_mode
    path_bytes = None
    if raw is not None:
        status = _STATUS.get(raw.status, status)
        path, old_path, path_bytes = raw.path, raw.old_path, raw.path_bytes
        old_mode = None if set(raw.old_mode) == {"0"} else raw.old_mode
        new_mode = None if set(raw.new_mode) == {"0"} else raw.new_mode
    submodule = header.submodule or "160000" in (old_mode, new_mode)
    return FileChange(
        path=path,
        status=status,
        old_path=old_path if status in (FileStatus.RENAMED, FileStatus.COPIED) else None,
        added=() if submodule else tuple(added),
        removed=() if submodule else tuple(removed),
        binary=header.binary,
        old_mode=old_mode,
        new_mode=new_mode,
        submodule=submodule,
        skipped=None if submodule else _skip_reason(section, truncated),
        path_bytes=path_bytes,
    )


_STATUS = {
    "A": FileStatus.ADDED,
    "M": FileStatus.MODIFIED,
    "D": FileStatus.DELETED,
    "R": FileStatus.RENAMED,
    "C": FileStatus.COPIED,
    "T": FileStatus.TYPE_CHANGED,
}


@dataclass
class _Header:
    path: str = ""
    old_path: str | None = None
    status: FileStatus = FileStatus.MODIFIED
    old_mode: str | None = None
    new_mode: str | None = None
    binary: bool = False
    submodule: bool = False
    body_start: int = 1

    @classmethod
    def read(cls, lines: list[str]) -> _Header:
        h = cls()
        a_path, b_path = _split_git_line(lines[0])
        minus = plus = None
        i = 1
        while i < len(lines) and not lines[i].startswith("@@"):
            line = lines[i]
            if line.startswith(("rename from ", "copy from ")):
                h.old_path = unquote_path(line.split(" from ", 1)[1])
                h.status = FileStatus.RENAMED if line[0] == "r" else FileStatus.COPIED
            elif line.startswith(("rename to ", "copy to ")):
                b_path = unquote_path(line.split(" to ", 1)[1])
            elif line.startswith("new file mode "):
                h.status, h.new_mode = FileStatus.ADDED, line.rsplit(" ", 1)[1]
            elif line.startswith("deleted file mode "):
                h.status, h.old_mode = FileStatus.DELETED, line.rsplit(" ", 1)[1]
            elif line.startswith("old mode "):
                h.old_mode = line.rsplit(" ", 1)[1]
            elif line.startswith("new mode "):
                h.new_mode = line.rsplit(" ", 1)[1]
            elif line.startswith("index ") and line.endswith(" 160000"):
                h.submodule = True
            elif line.startswith("Binary files ") or line == "GIT binary patch":
                h.binary = True
            elif line.startswith("--- "):
                minus = _strip_prefix(unquote_path(line[4:].split("\t")[0]))
            elif line.startswith("+++ "):
                plus = _strip_prefix(unquote_path(line[4:].split("\t")[0]))
            i += 1
        h.body_start = i
        h.path = plus or b_path or minus or a_path or "?"
        if h.status is FileStatus.DELETED:
            h.path = minus or a_path or h.path
        elif h.old_path is None and minus and plus and minus != plus:
            h.old_path = minus
        return h


def _strip_prefix(path: str) -> str | None:
    if path == "/dev/null":
        return None
    return path[2:] if path[:2] in ("a/", "b/") else path


def _split_git_line(line: str) -> tuple[str | None, str | None]:
    rest = line[len("diff --git ") :]
    if rest.startswith('"'):
        end = rest.find('" ', 1)
        if end > 0:
            return _strip_prefix(unquote_path(rest[: end + 1])), _strip_prefix(
                unquote_path(rest[end + 2 :])
            )
    half = (len(rest) - 1) // 2
    if rest[half : half + 1] == " " and rest[2:half] == rest[half + 3 :]:
        return _strip_prefix(rest[:half]), _strip_prefix(rest[half + 1 :])
    parts = rest.split(" b/", 1)
    if len(parts) == 2:
        return _strip_prefix(parts[0]), parts[1]
    return None, None
