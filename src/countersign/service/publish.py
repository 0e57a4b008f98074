"""Write a decision on GitHub idempotently: one ``countersign`` check run per head and one
comment per pull request, found again (from the database, else from GitHub) and updated in
place, so a retried or duplicated job never adds a second one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from countersign.service.github import GitHub
from countersign.service.outputs import CHECK_NAME, COMMENT_MARKER

FIND_RUN = """
SELECT check_run_id FROM countersign_decisions
WHERE repository = %s AND head_sha = %s AND kind = %s AND check_run_id IS NOT NULL
"""
FIND_COMMENT = "SELECT comment_id FROM countersign_comments WHERE repository = %s AND number = %s"
SAVE_COMMENT = """
INSERT INTO countersign_comments (repository, number, comment_id) VALUES (%s, %s, %s)
ON CONFLICT (repository, number) DO UPDATE SET comment_id = EXCLUDED.comment_id
"""


def upsert_check_run(
    gh: GitHub,
    conn: Any,
    installation: int,
    repository: str,
    kind: str,
    body: dict[str, Any],
    listed: Listed | None = None,
) -> int:
    """``listed``: the head's check runs as the job already read them (``Listed``), so our run
    is looked for there instead of in a second request."""
    head = str(body["head_sha"])
    row = conn.execute(FIND_RUN, (repository, head, kind)).fetchone()
    if row:
        run_id: int | None = int(row[0])
    elif listed is not None and listed.complete:
        run_id = listed.ours
    else:
        run_id = _find_run(gh, installation, repository, head)
    if run_id is not None:
        update = {k: v for k, v in body.items() if k != "head_sha"}
        gh.call("PATCH", f"/repos/{repository}/check-runs/{run_id}", installation, body=update)
        return run_id
    made = gh.call("POST", f"/repos/{repository}/check-runs", installation, body=body)
    return int(made["id"])


@dataclass(frozen=True)
class Listed:
    """What one read of a head's latest check runs found of ours: its id (None: none), and
    whether the read saw every run (one page held them all)."""

    ours: int | None
    complete: bool


def _find_run(gh: GitHub, installation: int, repository: str, head: str) -> int | None:
    """A run this App made for the head, when the job that made it died before saving its id."""
    params: dict[str, Any] = {"check_name": CHECK_NAME, "filter": "latest"}
    if gh.app_id.isdigit():
        params["app_id"] = int(gh.app_id)
    found = gh.call(
        "GET", f"/repos/{repository}/commits/{head}/check-runs", installation, params=params
    )
    runs = [
        r for r in found.get("check_runs", ()) if str((r.get("app") or {}).get("id")) == gh.app_id
    ]
    return int(runs[0]["id"]) if runs else None


def upsert_comment(
    gh: GitHub, conn: Any, installation: int, repository: str, number: int, body: str
) -> int:
    row = conn.execute(FIND_COMMENT, (repository, number)).fetchone()
    comment_id = (
        int(row[0]) if row else find_comment(gh, installation, repository, number, COMMENT_MARKER)
    )
    if comment_id is not None:
        gh.call(
            "PATCH",
            f"/repos/{repository}/issues/comments/{comment_id}",
            installation,
            body={"body": body},
        )
    else:
        made = gh.call(
            "POST",
            f"/repos/{repository}/issues/{number}/comments",
            installation,
            body={"body": body},
        )
        comment_id = int(made["id"])
    conn.execute(SAVE_COMMENT, (repository, number, comment_id))
    return comment_id


def find_comment(
    gh: GitHub, installation: int, repository: str, number: int, marker: str
) -> int | None:
    """Our comment with ``marker``, by the marker and by being the App's: anyone can paste the
    marker."""
    page = 1
    while True:
        found = gh.call(
            "GET",
            f"/repos/{repository}/issues/{number}/comments",
            installation,
            params={"per_page": 100, "page": page},
        )
        for c in found:
            app = c.get("performed_via_github_app") or {}
            if marker in str(c.get("body", "")) and str(app.get("id")) == gh.app_id:
                return int(c["id"])
        if len(found) < 100:
            return None
        page += 1


# With COUNTERSIGN_LABELS on, a pull request carries the one of these its check run concludes.
LABELS = {
    "success": "countersign: approved",
    "action_required": "countersign: needs approval",
    "failure": "countersign: blocked",
}


def sync_labels(
    gh: GitHub,
    installation: int,
    repository: str,
    pr: dict[str, Any],
    conclusion: str,
) -> int:
    """Give the pull request the label of ``conclusion`` and take away our other two; labels
    of anyone else's are left alone. ``pr``: as the job read it, so nothing is sent when its
    labels are already right (the ``labeled`` event our own write causes is answered so).
    The number of writes."""
    wanted = LABELS.get(conclusion)
    have = {str(label.get("name", "")) for label in pr.get("labels") or ()}
    number = int(pr["number"])
    writes = 0
    for name in sorted((have & set(LABELS.values())) - {wanted}):
        gh.call(
            "DELETE",
            f"/repos/{repository}/issues/{number}/labels/{quote(name, safe='')}",
            installation,
        )
        writes += 1
    if wanted is not None and wanted not in have:
        gh.call(
            "POST",
            f"/repos/{repository}/issues/{number}/labels",
            installation,
            body={"labels": [wanted]},
        )
        writes += 1
    return writes
