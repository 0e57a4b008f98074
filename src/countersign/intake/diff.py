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


def split_sections(patch: str) -> list[list[str]]:
    """Split a patch into per-file sections, each starting at its ``diff --git`` line."""
    sections: list[list[str]] = []
    for line in patch.split("\n"):
        if line.startswith("diff --git "):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
    return sections


def parse_patch(patch: str, raw: list[RawEntry] | None = None) -> tuple[FileChange, ...]:
    sections = split_sections(patch)
    if raw is not None and len(raw) == len(sections):
        return tuple(_section(lines, entry) for lines, entry in zip(sections, raw, strict=True))
    return tuple(_section(lines, None) for lines in sections)


def _section(lines: list[str], raw: RawEntry | None) -> FileChange:
    header = _Header.read(lines)
    added: list[Line] = []
    removed: list[Line] = []
    context: list[str] = []
    old_no = new_no = 0
    truncated = False
    for line in lines[header.body_start :]:
        match = _HUNK.match(line)
        if match:
            old_no, new_no = int(match[1]), int(match[3])
            continue
        if len(added) + len(removed) >= MAX_LINES_PER_FILE:
            truncated = True
            break
        if line.startswith("+"):
            added.append(Line(new_no, line[1:]))
            new_no += 1
        elif line.startswith("-"):
            removed.append(Line(old_no, line[1:]))
            old_no += 1
        elif line.startswith(" "):
            context.append(line[1:])
            old_no += 1
            new_no += 1
        elif line.startswith("\\"):
            context.append(f"\\{len(added)}:{len(removed)}")  # "no newline", and where
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
        skipped=f"more than {MAX_LINES_PER_FILE} changed lines" if truncated else None,
        context=() if submodule else tuple(context),
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
