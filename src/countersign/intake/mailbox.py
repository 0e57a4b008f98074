"""The commits a ``git format-patch`` file carries: each message's author, date, subject and
body (trailers included), so a patch checked without its repository still has an author and
its provenance evidence. A plain ``git diff`` has no messages and gives no commits."""

from __future__ import annotations

import re
from email.errors import MessageError
from email.header import decode_header, make_header
from email.parser import HeaderParser
from email.utils import parsedate_to_datetime

from countersign.intake.change import Commit
from countersign.intake.diff import parse_patch

# git's mbox separator: the commit id and a fixed date (format-patch writes it for every patch)
SEPARATOR = re.compile(r"^From ([0-9a-f]{40}) Mon Sep 17 00:00:00 2001$", re.MULTILINE)
PATCH_PREFIX = re.compile(r"^\s*\[[^\]]*PATCH[^\]]*\]\s*", re.IGNORECASE)
AUTHOR = re.compile(r"^(.*?)\s*<([^<>]*@[^<>]*)>$")
BODY_END = re.compile(r"^(?:---$|diff --git |Index: )", re.MULTILINE)


def commits_in_patch(text: str) -> tuple[Commit, ...]:
    """One ``Commit`` per format-patch message, oldest first as the file lists them."""
    marks = list(SEPARATOR.finditer(text))
    commits = []
    for n, mark in enumerate(marks):
        end = marks[n + 1].start() if n + 1 < len(marks) else len(text)
        commit = _message(mark.group(1), text[mark.end() : end].lstrip("\n"))
        if commit is not None:
            commits.append(commit)
    return tuple(commits)


def _message(sha: str, chunk: str) -> Commit | None:
    head, sep, rest = chunk.partition("\n\n")
    if not sep:
        return None
    try:
        headers = HeaderParser().parsestr(head + "\n\n")
        author = _decoded(headers.get("From", ""))
        subject = _decoded(headers.get("Subject", ""))
        date = str(headers.get("Date", ""))
    except (MessageError, ValueError, TypeError, IndexError):
        return None
    # Not email.utils.parseaddr: git identities are not RFC 5322 addresses
    # (``49699333+dependabot[bot]@users.noreply.github.com`` would lose its ``[bot]``).
    who = AUTHOR.match(" ".join(author[:2000].split()))
    if who is None:  # format-patch always writes `Name <address>`: this is not its output
        return None
    name, email = who.group(1).strip().strip('"'), who.group(2).strip()
    body_end = BODY_END.search(rest)
    body = rest[: body_end.start()] if body_end else rest
    subject = PATCH_PREFIX.sub("", " ".join(subject.split()), count=1)
    message = subject + ("\n\n" + body.strip() if body.strip() else "")
    files = parse_patch(rest[body_end.start() :]) if body_end else ()
    return Commit(
        sha=sha,
        author_name=name,
        author_email=email,
        committer_name=name,
        committer_email=email,
        authored_at=_timestamp(date),
        message=message + "\n",
        parents=(),
        paths=tuple(p for f in files for p in (f.old_path, f.path) if p),
        lines_added=sum(f.lines_added for f in files),
    )


def _decoded(value: object) -> str:
    """A header with its RFC 2047 words (``=?UTF-8?q?Zo=C3=AB?=``) decoded; as written when
    they name an unknown charset or do not decode."""
    try:
        return str(make_header(decode_header(str(value))))
    except (LookupError, UnicodeError, ValueError):
        return str(value)


def _timestamp(date: str) -> int:
    try:
        return int(parsedate_to_datetime(date).timestamp())
    except (TypeError, ValueError, IndexError, OverflowError):
        return 0
