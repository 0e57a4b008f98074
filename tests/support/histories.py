"""Helpers to build histories with chosen authors and dates."""

from __future__ import annotations

T0 = 1_600_000_000
DAY = 86400


def commit_at(repo, when: int, author: str, message: str, **files: str | None) -> str:
    """Commit ``files`` (None deletes) as ``author`` at unix time ``when``."""
    for rel, content in files.items():
        if content is None:
            repo.git("rm", "-q", rel)
        else:
            repo.write(rel, content)
    repo.git("add", "-A")
    env = {
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": f"{author}@example.com",
        "GIT_AUTHOR_DATE": f"@{when} +0000",
        "GIT_COMMITTER_DATE": f"@{when} +0000",
    }
    repo.git("commit", "-q", "--allow-empty", "-m", message, env=env)
    return repo.git("rev-parse", "HEAD")
