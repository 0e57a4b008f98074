"""What the agent read, and whether it is about to act on guidance that no longer holds.

After a read (PostToolUse of a file read or a web fetch), the document is recorded in
``docs-read.jsonl`` in the state directory: ``{"at", "agent", "session", "path" or "url",
"sha256", "stale"}``, where ``stale`` lists the references of that document the code no longer
has (``docs check`` on it, against ``HEAD``). A document with stale references is also written to
``docs-stale.jsonl``; only when that file exists does a shell command leave the guard's fast path,
to be matched against those references: a command that uses a removed flag, subcommand, variable
or path the agent read of in this session is asked, with the evidence.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import posixpath
import re
import shlex
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from countersign.guard.edits import relative
from countersign.guard.protocol import ToolCall

READ_LOG = "docs-read.jsonl"
STALE_LOG = "docs-stale.jsonl"
# A read without a session id (some agents send none) counts for this long.
UNSESSIONED_SECONDS = 12 * 3600
MAX_DOC_BYTES = 2_000_000
MAX_LOG_BYTES = 5_000_000


def record_reads(call: ToolCall, root: Path | None, state: Path) -> int:
    """Record the documents (or URLs) a read call consulted; returns how many."""
    from countersign.intake.code_index import is_doc

    records: list[dict[str, Any]] = []
    stale: list[dict[str, Any]] = []
    for target in call.paths:
        base = {"at": time.time(), "agent": call.agent, "session": call.session, "tool": call.tool}
        if "://" in target:
            records.append({**base, "url": target})
            continue
        rel = relative(target, call.cwd, root)
        if not is_doc(rel):
            continue
        record = {**base, "path": rel, **_examined(root, rel)}
        records.append(record)
        if record.get("stale"):
            stale.append(record)
    if records:
        _append(state / READ_LOG, records)
    if stale:
        _append(state / STALE_LOG, stale)
    return len(records)


def _examined(root: Path | None, rel: str) -> dict[str, Any]:
    """The document's hash and its stale references; a document outside a repository (or one
    that cannot be read) is recorded without them."""
    if root is None or rel.startswith("/"):
        return {}
    try:
        data = (root / rel).read_bytes()[:MAX_DOC_BYTES]
    except OSError:
        return {}
    from countersign.docs_review import review_docs
    from countersign.errors import FatalError

    try:
        review = review_docs(root, "HEAD", [rel], docs_root=root)
    except FatalError:
        return {"sha256": hashlib.sha256(data).hexdigest()}
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "stale": [
            {
                "kind": str(f.reference.kind),
                "text": f.reference.text,
                "needle": f.reference.needle,
                "line": f.reference.line,
                "reason": f.reason,
                "suggestion": f.suggestion,
            }
            for f in review.stale
        ],
    }


def _append(path: Path, records: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, text.encode("utf-8", "replace"))
    finally:
        os.close(fd)


def stale_guidance(
    command: str,
    session: str,
    state: Path,
    now: float | None = None,
    edit: tuple[tuple[str, ...], str] | None = None,
) -> str:
    """Why ``command`` (or, with ``edit``, an edit of those repository paths writing that text)
    rests on stale guidance the agent read in this session, or ""."""
    path = state / STALE_LOG
    try:
        with path.open("rb") as fh:
            fh.seek(max(0, path.stat().st_size - MAX_LOG_BYTES))
            lines = fh.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return ""
    now = time.time() if now is None else now
    words = _words(command)
    # Other sessions' reads are most of a busy log: a record of this session names its id, so
    # only those lines are parsed (1,000 other sessions' records: 13.4 ms parsed, 0.3 ms not);
    # without a session id, records are read newest first until the 12 hours are behind.
    needle = json.dumps(session, ensure_ascii=False) if session else ""
    for line in reversed(lines):
        if needle and needle not in line and _SESSIONED.search(line):
            continue  # another session's read (a sessionless one still counts for 12 hours)
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        if not session and _older_than_window(record, now):
            break
        if not _this_session(record, session, now):
            continue
        for ref in record.get("stale") or ():
            if not isinstance(ref, dict):
                continue
            if edit is None and _uses(words, command, ref):
                return _why(record, ref, now)
            if edit is not None and _edit_uses(edit[0], edit[1], ref, record):
                return _why(record, ref, now, "edit")
    return ""


# An edit's text is searched, not lexed: it may be a whole file, and of any language.
MAX_EDIT_CHARS = 200_000


def _edit_uses(
    paths: tuple[str, ...], text: str, ref: dict[str, Any], record: dict[str, Any]
) -> bool:
    """Whether an edit follows a stale reference: it writes the path a document named that is
    gone (the old place of a moved file), or its text uses the removed flag, variable,
    subcommand or tool command (a CI file written from an outdated runbook)."""
    kind, needle = ref.get("kind"), str(ref.get("needle") or "")
    if not needle:
        return False
    if kind == "path":
        here = posixpath.dirname(str(record.get("path") or ""))
        places = {posixpath.normpath(needle), posixpath.normpath(posixpath.join(here, needle))}
        return any(posixpath.normpath(p) in places for p in paths)
    text = text[:MAX_EDIT_CHARS]
    if kind in {"flag", "env"}:
        return _spells(kind, needle, text)
    if kind == "tool":  # a line of the text that runs the removed command
        program = needle.split(" ", 1)[0]
        return any(_uses(_words(ln), ln, ref) for ln in text.splitlines() if program in ln)
    if kind in {"command", "make-target", "script"}:
        phrase = str(ref.get("text") or "")
        return (
            bool(phrase) and re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text) is not None
        )
    return needle in text


_SESSIONED = re.compile(r'"session":\s*"[^"]')


def _older_than_window(record: dict[str, Any], now: float) -> bool:
    at = record.get("at")
    return isinstance(at, (int, float)) and now - at >= UNSESSIONED_SECONDS


def _this_session(record: dict[str, Any], session: str, now: float) -> bool:
    theirs = record.get("session") or ""
    if session and theirs:
        return bool(theirs == session)
    at = record.get("at")
    return isinstance(at, (int, float)) and now - at < UNSESSIONED_SECONDS


def _words(command: str) -> list[str]:
    try:
        return shlex.split(command, comments=True)
    except ValueError:
        return command.split()


def _uses(words: list[str], command: str, ref: dict[str, Any]) -> bool:
    kind, needle = ref.get("kind"), str(ref.get("needle") or "")
    if not needle:
        return False
    if kind == "flag":
        # searched in the whole text, not the words: an interpreter's one-liner writing the
        # flag holds it inside one quoted argument
        return _spells(kind, needle, command)
    if kind == "command":
        program = str(ref.get("text") or "").split(" ", 1)[0]
        return any(a == program and b == needle for a, b in itertools.pairwise(words))
    if kind == "env":
        return _spells(kind, needle, command)
    if kind in {"make-target", "script"}:
        return str(ref.get("text") or "") in " ".join(words)
    if kind == "path":
        return any(w.removeprefix("./").rstrip("/") == needle for w in words)
    if kind == "tool":
        from countersign.facts.docs.tools import retired

        return any(
            (entry := retired(segment[0], segment[1:], "")) is not None and entry.text == needle
            for segment in _segments(words)
            if segment
        )
    return needle in command


def _spells(kind: str, needle: str, text: str) -> bool:
    """Whether ``text`` holds the flag (``--needle``, ``--needle=x``) or the variable, whole."""
    name = f"--{needle}" if kind == "flag" else needle
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


def _segments(words: list[str]) -> list[list[str]]:
    """The simple commands of a split command line (``a && b; c | d``)."""
    out: list[list[str]] = [[]]
    for word in words:
        if word in {"&&", "||", ";", "|", "&"}:
            out.append([])
        else:
            out[-1].append(word)
    return out


def _why(record: dict[str, Any], ref: dict[str, Any], now: float, what: str = "command") -> str:
    where = record.get("path") or record.get("url") or "a document"
    ago = _age(now - float(record.get("at") or now))
    text = (
        f"this {what} uses `{ref.get('text')}` from {where}:{ref.get('line')}, which the agent "
        f"read {ago}; it no longer matches the code: {ref.get('reason')}"
    )
    if ref.get("suggestion"):
        text += f" (the code now has `{ref['suggestion']}`)"
    return text


def _age(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} min ago"
    return f"{minutes // 60} h ago"
