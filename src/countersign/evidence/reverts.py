"""Reverts by content: a commit whose diff is exactly another's diff reversed, whatever its
message says. Two streamed passes of ``git log -p`` through ``git patch-id --stable`` (forward
and ``-R``) find every pair at once."""

from __future__ import annotations

import subprocess
from pathlib import Path

from countersign.errors import InputError


def _patch_ids(repo: Path, head: str, *, reverse: bool) -> list[tuple[str, str]]:
    # --no-prefix: with -R the a/ and b/ prefixes swap, and patch-id hashes them
    log = ["git", "-C", str(repo), "log", "-p", "--no-prefix", "--no-merges", "--no-color",
           "--no-ext-diff", "--format=commit %H", *(["-R"] if reverse else []),
           head, "--"]  # fmt: skip
    with subprocess.Popen(log, stdout=subprocess.PIPE) as lp:
        ids = subprocess.run(
            ["git", "-C", str(repo), "patch-id", "--stable"],
            stdin=lp.stdout,
            capture_output=True,
            check=False,
        )
    if lp.returncode != 0 or ids.returncode != 0:
        raise InputError(f"git log -p | git patch-id failed in {repo}")
    out = []
    for line in ids.stdout.decode().splitlines():
        pid, _, sha = line.partition(" ")
        out.append((pid, sha))
    return out


def content_reverts(repo: Path, head: str = "HEAD") -> dict[str, str]:
    """Reverting commit -> the earlier commit whose diff it undoes exactly (the newest such
    earlier commit when several made the same change)."""
    forward = _patch_ids(repo, head, reverse=False)  # newest first
    backward = _patch_ids(repo, head, reverse=True)
    order = {sha: n for n, (_, sha) in enumerate(forward)}  # smaller: newer
    undoes: dict[str, list[str]] = {}
    for pid, sha in backward:
        undoes.setdefault(pid, []).append(sha)
    found: dict[str, str] = {}
    for pid, sha in forward:
        earlier = [x for x in undoes.get(pid, ()) if order.get(x, -1) > order[sha]]
        if earlier:
            found[sha] = min(earlier, key=lambda x: order[x])
    return found
