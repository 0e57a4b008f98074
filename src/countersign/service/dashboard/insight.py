"""The Insight page: what ``countersign insight`` found, when this installation has it and a
report was written (``countersign insight --format json`` to the file named by
``COUNTERSIGN_INSIGHT_REPORT``, e.g. by a nightly job), and always what the service itself
knows: AI-assisted and other decisions by verdict. Each part says plainly when it is missing."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from typing import Any

from countersign.service.dashboard.auth import Viewer
from countersign.service.dashboard.views import cached, rows

REPORT = "COUNTERSIGN_INSIGHT_REPORT"
BY_PROVENANCE = """
SELECT CASE WHEN ai_assisted THEN 'AI-assisted' ELSE 'other' END AS provenance, verdict,
       count(*) AS decisions
FROM countersign_decisions
WHERE repository = ANY(%(repos)s) AND kind = 'pull_request'
GROUP BY 1, 2 ORDER BY 1, 2
"""


def command_available() -> bool:
    return importlib.util.find_spec("countersign.facts.insight") is not None


def read_report(env: dict[str, str] | None = None) -> tuple[dict[str, Any] | None, str]:
    """(report, why it is missing)."""
    where = (env if env is not None else os.environ).get(REPORT, "").strip()
    if not where:
        return (
            None,
            f"no report: set {REPORT} to a file written by `countersign insight --format json`",
        )
    try:
        data = json.loads(Path(where).read_text(encoding="utf-8"))
    except OSError as exc:
        return None, f"{REPORT}: cannot read {where} ({exc.strerror})"
    except ValueError:
        return None, f"{REPORT}: {where} is not JSON"
    if not isinstance(data, dict):
        return None, f"{REPORT}: {where} is not a JSON object"
    return data, ""


async def view(conn: Any, viewer: Viewer, _database_url: str = "") -> dict[str, Any]:
    report, missing = read_report()
    command = command_available()
    if not command and report is None:
        missing = "`countersign insight` is not part of this version: nothing to show yet"
    return {
        "command": command,
        "report": report,
        "missing": missing,
        "by_provenance": (
            await cached("insight", conn, viewer, lambda: _by_provenance(conn, viewer))
        )["rows"],
    }


async def _by_provenance(conn: Any, viewer: Viewer) -> dict[str, Any]:
    return {"rows": await rows(conn, BY_PROVENANCE, {"repos": list(viewer.repositories)})}
