"""Read a ``Change`` from a patch file (``git diff`` or ``git format-patch`` output; the latter's
messages become its commits)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from countersign.errors import InputError
from countersign.intake.change import Artifact, Change
from countersign.intake.diff import parse_patch
from countersign.intake.fingerprint import fingerprint_patch
from countersign.intake.mailbox import commits_in_patch

MAX_PATCH_BYTES = 256 * 1024 * 1024


def read_patch_file(path: str, plans: tuple[Artifact, ...] = ()) -> Change:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_PATCH_BYTES:
            raise InputError(
                f"{path} is {size / 2**20:.1f} MiB, over the {MAX_PATCH_BYTES / 2**20:.0f} MiB "
                "limit for patch files; check a git range instead"
            )
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read patch {path}: {exc.strerror or exc}") from None
    return change_from_patch(data, path, plans)


def change_from_patch(data: bytes, name: str, plans: tuple[Artifact, ...] = ()) -> Change:
    if b"\0" in data[:65536]:
        raise InputError(f"{name} is binary, not a patch; create one with `git diff > file.patch`")
    text = data.decode("utf-8", "replace")
    files = parse_patch(text)
    if not files and not plans:
        raise InputError(
            f"{name} contains no file changes in git's diff format; create one "
            "with `git diff BASE > file.patch` or `git format-patch`"
        )
    change = Change(
        base=None,
        head=None,
        fingerprint="",
        files=files,
        artifacts=plans,
        source="patch",
        commits=commits_in_patch(text),
    )
    return replace(change, fingerprint=fingerprint_patch(data, plans))
