"""Content fingerprints: what an approval is bound to.

A change's fingerprint hashes what it does (paths, statuses, modes, the added and removed lines,
binary blob ids and the artifacts given), not where it sits: line numbers and commit ids are left
out, so a rebase that applies the same patch keeps its approvals, and any edit voids them.

v2 also hashes the context lines of each hunk (the three unchanged lines either side, pinned by
``git.DIFF_OPTS`` along with the diff algorithm, so the user's git config cannot change it) and
the "no newline at end of file" markers: the same added line means something else under another
``if``, so a rebase that changes what surrounds an edit voids the approval, while one that only
moves it (edits elsewhere in the file, other files) keeps it.
"""

from __future__ import annotations

import hashlib

from countersign.intake.change import Artifact, FileChange

PREFIX = "cs1:"


def fingerprint(files: tuple[FileChange, ...], artifacts: tuple[Artifact, ...] = ()) -> str:
    digest = hashlib.sha256(b"countersign-change-v2\0")
    for f in sorted(files, key=lambda f: (f.path, f.old_path or "")):
        header = "\0".join(
            (
                f.status,
                f.old_path or "",
                f.path,
                f.old_mode or "",
                f.new_mode or "",
                "binary" if f.binary else "",
                f.skipped or "",
            )
        )
        digest.update(header.encode("utf-8", "surrogateescape") + b"\1")
        for sign, lines in (("-", f.removed), ("+", f.added)):
            for line in lines:
                digest.update(f"{sign}{line.text}\n".encode("utf-8", "surrogateescape"))
        for kept in f.context:
            digest.update(f" {kept}\n".encode("utf-8", "surrogateescape"))
        if f.binary or f.submodule:
            digest.update((f.new_text or "").encode("utf-8", "surrogateescape"))
        digest.update(b"\2")
    for art in sorted(artifacts, key=lambda a: a.path):
        if art.origin == "explicit":
            digest.update(f"artifact\0{art.path}\0".encode() + content_hash(art.text).encode())
    return PREFIX + digest.hexdigest()


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()
