"""The dashboard's views as plain JSON-ready data, one function per view, each scoped to what
the viewer may see. The JSON API returns them as they are; the pages render the same data.
Only SQL over the rows the workers wrote (records.py) and the ledgers' own tables."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from countersign.service.dashboard.auth import Viewer

QUEUE_LIMIT = 50
PAGE = 50
WEEKS = 12
VERDICTS = ("pass", "needs-approval", "blocked", "not-analysed")
PROVENANCE = ("ai", "human")
FOLLOW_UP = "break-glass/follow-up"

_QUEUE = """
SELECT r.id, r.repository, r.number, r.head_sha, r.fingerprint, r.rule, r.min_level, r.teams,
       r.count, r.reason, r.approvers, r.asked_at,
       d.title, d.url, d.author, d.risk, d.ai_assisted, d.provenance,
       d.summary -> 'hazards' AS hazards, d.summary -> 'hazard_count' AS hazard_count,
       d.summary -> 'blast' AS blast
FROM countersign_requests r
JOIN countersign_people p ON p.repository = r.repository
     AND (lower(p.github) = lower(%(who)s) OR lower(%(who)s) = ANY(p.emails))
LEFT JOIN countersign_decisions d ON d.repository = r.repository AND d.head_sha = r.head_sha
     AND d.kind = 'pull_request'
WHERE r.closed_at IS NULL AND r.repository = ANY(%(repos)s) {one}
  AND p.level_rank >= r.level_rank
  AND (r.teams = '{{}}' OR r.teams && p.teams)
  AND NOT p.person = ANY(r.makers) AND NOT p.person = ANY(r.approvers)
ORDER BY r.asked_at, r.id
LIMIT %(limit)s
"""
QUEUE = _QUEUE.format(one="")
QUEUE_SIZE = """
SELECT count(*) AS n
FROM countersign_requests r
JOIN countersign_people p ON p.repository = r.repository
     AND (lower(p.github) = lower(%(who)s) OR lower(%(who)s) = ANY(p.emails))
WHERE r.closed_at IS NULL AND r.repository = ANY(%(repos)s)
  AND p.level_rank >= r.level_rank
  AND (r.teams = '{}' OR r.teams && p.teams)
  AND NOT p.person = ANY(r.makers) AND NOT p.person = ANY(r.approvers)
"""
ELIGIBLE = _QUEUE.format(one="AND r.id = %(id)s")  # may this viewer sign this one request?
REQUEST = """
SELECT r.id, r.repository, r.number, r.head_sha, r.fingerprint, r.requirement, r.closed_at,
       d.installation_id
FROM countersign_requests r
LEFT JOIN countersign_decisions d ON d.repository = r.repository AND d.head_sha = r.head_sha
     AND d.kind = 'pull_request'
WHERE r.id = %(id)s AND r.repository = ANY(%(repos)s)
"""
BY_LEVEL = """
SELECT coalesce(min_level, 'anyone') AS level, count(*) AS open,
       round((percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM now() - asked_at)) / 3600)::numeric, 1) AS median_wait_hours
FROM countersign_requests
WHERE closed_at IS NULL AND repository = ANY(%(repos)s)
GROUP BY 1 ORDER BY min(level_rank) DESC
"""
# Per person: every open request each roster row may sign (its repository, level and team; not a
# change they made or signed already), so the median wait is exact; a person on several rosters
# counts each repository's requests once.
BY_PERSON = """
WITH open AS (
    SELECT repository, level_rank, teams, makers || approvers AS excluded,
           extract(epoch FROM now() - asked_at) AS wait
    FROM countersign_requests WHERE closed_at IS NULL AND repository = ANY(%(repos)s)
), roster AS (
    SELECT repository, person, level, level_rank, teams FROM countersign_people
    WHERE repository = ANY(%(repos)s) AND level_rank >= 0
), can AS (
    SELECT p.person, count(*) AS n,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY o.wait) / 3600 AS median_hours,
           max(o.wait) / 3600 AS oldest_hours
    FROM roster p JOIN open o ON o.repository = p.repository AND p.level_rank >= o.level_rank
         AND (o.teams = '{}' OR o.teams && p.teams) AND NOT p.person = ANY(o.excluded)
    GROUP BY 1
), signed AS (
    SELECT a.person, count(*) AS signed,
           percentile_cont(0.5) WITHIN GROUP (
               ORDER BY extract(epoch FROM r.closed_at - r.asked_at)) / 3600 AS median_hours
    FROM countersign_requests r, unnest(r.approvers) AS a(person)
    WHERE r.outcome = 'satisfied' AND r.repository = ANY(%(repos)s)
      AND r.closed_at > now() - interval '30 days'
    GROUP BY 1
), people AS (
    SELECT person, (array_agg(level ORDER BY level_rank DESC))[1] AS level FROM roster GROUP BY 1
)
SELECT p.person, p.level, coalesce(can.n, 0)::int AS can_sign,
       round(can.median_hours::numeric, 1) AS median_wait_hours,
       round(can.oldest_hours::numeric, 1) AS oldest_wait_hours,
       coalesce(s.signed, 0) AS signed_30d,
       round(s.median_hours::numeric, 1) AS median_hours_to_sign
FROM people p LEFT JOIN can USING (person) LEFT JOIN signed s USING (person)
ORDER BY 3 DESC, 1
LIMIT 100
"""
BY_RULE = """
SELECT to_char(date_trunc('week', asked_at), 'YYYY-MM-DD') AS week, rule, count(*) AS asked
FROM countersign_requests
WHERE asked_at > now() - make_interval(weeks => %(weeks)s) AND repository = ANY(%(repos)s)
GROUP BY 1, 2 ORDER BY 1, 2
"""
FAST_LANE = """
SELECT to_char(date_trunc('week', decided_at), 'YYYY-MM-DD') AS week, count(*) AS decisions,
       count(*) FILTER (WHERE rules = '{}') AS fast_lane
FROM countersign_decisions
WHERE decided_at > now() - make_interval(weeks => %(weeks)s) AND repository = ANY(%(repos)s)
  AND kind = 'pull_request'
GROUP BY 1 ORDER BY 1
"""
# Every evaluation (a head is evaluated again after a review, a dashboard approval or a change
# on its base), newest first; the id is the order and the page boundary.
DECISIONS = """
SELECT id, repository, number, head_sha, verdict, conclusion, title, url, author, services,
       rules, ai_assisted, provenance, risk, evaluated_at, fingerprint
FROM countersign_evaluations
WHERE repository = ANY(%(repos)s) {where}
ORDER BY id DESC
LIMIT %(limit)s
"""
_DECISION = """
SELECT id, repository, number, head_sha, verdict, conclusion, title, url, author, services,
       rules, ai_assisted, provenance, risk, evaluated_at, fingerprint, summary, report
FROM countersign_evaluations
WHERE repository = ANY(%(repos)s) AND {which}
ORDER BY id DESC LIMIT 1
"""
DECISION = _DECISION.format(which="id = %(id)s")
LATEST = _DECISION.format(which="repository = %(repository)s AND head_sha = %(head)s")
LEDGERS = """
SELECT i.repository, i.repository_id, s.location, s.pinned_in, s.checkpoint, s.seen_at
FROM countersign_installations i
LEFT JOIN countersign_ledger_status s ON s.repository = i.repository
WHERE i.repository = ANY(%(repos)s) ORDER BY 1
"""


class BadFilterError(ValueError):
    """A filter the API does not know, or a value it cannot take: a 400 with this message."""


@dataclass(frozen=True)
class Filters:
    repository: str = ""
    service: str = ""
    rule: str = ""
    provenance: str = ""  # "ai" or "human"
    verdict: str = ""
    before: int = 0  # an evaluation's id: the page after the last row seen
    limit: int = PAGE


FILTER_NAMES = ("repository", "service", "rule", "provenance", "verdict", "before", "limit")


def filters_from(query: dict[str, str]) -> Filters:
    unknown = sorted(set(query) - set(FILTER_NAMES))
    if unknown:
        raise BadFilterError(f"unknown filter {unknown[0]!r}: use {', '.join(FILTER_NAMES)}")
    values = {k: v.strip() for k, v in query.items()}
    if values.get("verdict") and values["verdict"] not in VERDICTS:
        raise BadFilterError(f"verdict must be one of {', '.join(VERDICTS)}")
    if values.get("provenance") and values["provenance"] not in PROVENANCE:
        raise BadFilterError(f"provenance must be one of {', '.join(PROVENANCE)}")
    before = 0
    if values.get("before"):
        if not values["before"].isdigit() or len(values["before"]) > 18:
            raise BadFilterError("before must be an evaluation id (next_before of the last page)")
        before = int(values["before"])
    limit = PAGE
    if values.get("limit"):
        if not values["limit"].isdigit() or not 1 <= int(values["limit"]) <= 500:
            raise BadFilterError("limit must be a whole number from 1 to 500")
        limit = int(values["limit"])
    return Filters(
        **{k: v for k, v in values.items() if k in FILTER_NAMES and k not in ("limit", "before")},
        before=before,
        limit=limit,
    )


async def rows(conn: Any, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    from psycopg.rows import dict_row

    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(sql, params)
        return [plain(r) for r in await cur.fetchall()]


def plain(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, datetime):
            out[key] = value.astimezone(UTC).isoformat()
        elif hasattr(value, "as_integer_ratio") and not isinstance(value, int | float):
            out[key] = float(value)  # Decimal from round()
        else:
            out[key] = value
    return out


# --- the views -------------------------------------------------------------------------------
async def me(viewer: Viewer) -> dict[str, Any]:
    return {
        "login": viewer.login,
        "via": viewer.via,
        "repositories": list(viewer.repositories),
        "roles": [
            {
                "repository": r.repository,
                "person": r.person,
                "level": r.level,
                "teams": list(r.teams),
            }
            for r in viewer.roles
        ],
        "csrf": viewer.csrf,
    }


async def queue(conn: Any, viewer: Viewer) -> dict[str, Any]:
    found = await rows(
        conn,
        QUEUE,
        {"who": viewer.login, "repos": list(viewer.repositories), "limit": QUEUE_LIMIT},
    )
    now = datetime.now(UTC)
    for r in found:
        r["wait_hours"] = round(
            (now - datetime.fromisoformat(r["asked_at"])).total_seconds() / 3600, 1
        )
        r["hazards"] = r["hazards"] or []
        r["blast"] = r["blast"] or {}
    total = await rows(conn, QUEUE_SIZE, {"who": viewer.login, "repos": list(viewer.repositories)})
    return {"requests": found, "limit": QUEUE_LIMIT, "total": total[0]["n"]}


# Aggregates over every request and decision of the last weeks, and the ledgers' summaries:
# computed at most once a minute per view and set of repositories in each web process (they move
# by the hour; the queue, the decisions and a ledger's verification are always read fresh).
CACHE_TTL_S = 60.0
_cache: dict[tuple[str, str, tuple[str, ...]], tuple[float, dict[str, Any]]] = {}


async def cached(
    name: str, conn: Any, viewer: Viewer, compute: Callable[[], Awaitable[dict[str, Any]]]
) -> dict[str, Any]:
    key = (name, str(conn.info.dsn), viewer.repositories)  # the database (and schema), too
    now = time.monotonic()
    found = _cache.get(key)
    if found is not None and now - found[0] < CACHE_TTL_S:
        return found[1]
    data = await compute()
    if len(_cache) > 1000:
        _cache.clear()
    _cache[key] = (now, data)
    return data


async def friction(conn: Any, viewer: Viewer) -> dict[str, Any]:
    return await cached("friction", conn, viewer, lambda: _friction(conn, viewer))


async def _friction(conn: Any, viewer: Viewer) -> dict[str, Any]:
    scope = {"repos": list(viewer.repositories), "weeks": WEEKS}
    weeks = await rows(conn, FAST_LANE, scope)
    for w in weeks:
        w["share"] = round(w["fast_lane"] / w["decisions"], 3) if w["decisions"] else None
    return {
        "by_level": await rows(conn, BY_LEVEL, scope),
        "by_person": await rows(conn, BY_PERSON, scope),
        "asked_by_rule": await rows(conn, BY_RULE, scope),
        "fast_lane": weeks,
        "weeks": WEEKS,
        "computed_at": datetime.now(UTC).isoformat(),
    }


async def decisions(conn: Any, viewer: Viewer, f: Filters) -> dict[str, Any]:
    where, params = [], {"repos": list(viewer.repositories), "limit": f.limit}
    if f.repository:
        where.append("AND repository = %(repository)s")
        params["repository"] = f.repository
    if f.service:
        where.append("AND services @> ARRAY[%(service)s]")
        params["service"] = f.service
    if f.rule:
        where.append("AND rules @> ARRAY[%(rule)s]")
        params["rule"] = f.rule
    if f.provenance:
        where.append("AND ai_assisted = %(ai)s AND verdict <> 'not-analysed'")
        params["ai"] = f.provenance == "ai"
    if f.verdict:
        where.append("AND verdict = %(verdict)s")
        params["verdict"] = f.verdict
    if f.before:
        where.append("AND id < %(before)s")
        params["before"] = f.before
    found = await rows(conn, DECISIONS.format(where=" ".join(where)), params)
    after = found[-1]["id"] if len(found) == f.limit else None
    return {
        "decisions": found,
        "filters": {k: getattr(f, k) for k in FILTER_NAMES if getattr(f, k) not in ("", 0, PAGE)},
        "next_before": after,
    }


async def decision(
    conn: Any, viewer: Viewer, *, evaluation: int = 0, repository: str = "", head: str = ""
) -> dict[str, Any] | None:
    """One evaluation with its full reasons: by id, or a head's latest."""
    scope: dict[str, Any] = {"repos": list(viewer.repositories)}
    if evaluation:
        found = await rows(conn, DECISION, scope | {"id": evaluation})
    else:
        found = await rows(conn, LATEST, scope | {"repository": repository, "head": head})
    return found[0] if found else None


async def break_glass(conn: Any, viewer: Viewer, database_url: str) -> dict[str, Any]:
    uses: list[dict[str, Any]] = []
    now = datetime.now(UTC)
    for ledger in await _ledgers(conn, viewer, database_url):
        table = ledger["table"]
        if table is None:
            continue
        entries = await rows(
            conn,
            f"SELECT seq, kind, body FROM {table} WHERE kind = 'break-glass' "  # noqa: S608 - a schema name built from an integer id
            f"OR (kind = 'approval' AND body LIKE %(follow)s) ORDER BY seq",
            {"follow": f"%{FOLLOW_UP}%"},
        )
        followed: dict[str, list[str]] = {}
        for e in entries:
            body = json.loads(e["body"]).get("payload") or {}
            if e["kind"] == "approval" and FOLLOW_UP in (body.get("requirements") or ()):
                followed.setdefault(str(body.get("fingerprint")), []).append(
                    str(body.get("approver"))
                )
        for e in entries:
            if e["kind"] != "break-glass":
                continue
            entry = json.loads(e["body"])
            body = entry.get("payload") or {}
            by = followed.get(str(body.get("fingerprint")), [])
            expires = _when(body.get("expires"))
            uses.append(
                {
                    "repository": ledger["repository"],
                    "seq": e["seq"],
                    "who": body.get("who"),
                    "reason": body.get("reason"),
                    "incident": body.get("incident"),
                    "at": entry.get("at"),
                    "expires": body.get("expires"),
                    "fingerprint": body.get("fingerprint"),
                    "followed_up_by": by,
                    "overdue": not by and expires is not None and expires < now,
                }
            )
    uses.sort(key=lambda u: str(u["at"] or ""), reverse=True)
    return {"uses": uses, "overdue": sum(1 for u in uses if u["overdue"])}


async def ledger(conn: Any, viewer: Viewer, database_url: str) -> dict[str, Any]:
    return await cached("ledger", conn, viewer, lambda: _ledger(conn, viewer, database_url))


async def _ledger(conn: Any, viewer: Viewer, database_url: str) -> dict[str, Any]:
    out = []
    for found in await _ledgers(conn, viewer, database_url):
        item = {
            k: found[k] for k in ("repository", "location", "pinned_in", "checkpoint", "seen_at")
        }
        item |= {"entries": 0, "kinds": {}, "signing_keys": [], "signers": []}
        table = found["table"]
        if table is not None:
            kinds = await rows(
                conn,
                f"SELECT kind, count(*) AS n FROM {table} GROUP BY 1 ORDER BY 1",  # noqa: S608 - a schema name built from an integer id
                {},
            )
            item["kinds"] = {k["kind"]: k["n"] for k in kinds}
            item["entries"] = sum(item["kinds"].values())
            keys_table = table.replace("countersign_entries", "countersign_keys")
            item["signing_keys"] = await rows(
                conn,
                f"SELECT key_id FROM {keys_table} ORDER BY 1",  # noqa: S608 - as above
                {},
            )
            item["signers"] = await rows(
                conn,
                f"SELECT body::jsonb -> 'payload' ->> 'approver' AS person, count(*) AS approvals, "  # noqa: S608
                f"max(body::jsonb ->> 'at') AS last FROM {table} WHERE kind = 'approval' "
                f"GROUP BY 1 ORDER BY 2 DESC LIMIT 50",
                {},
            )
        out.append(item)
    return {"ledgers": out}


async def _ledgers(conn: Any, viewer: Viewer, database_url: str) -> list[dict[str, Any]]:
    """Each visible repository's ledger table (None when nothing was recorded yet)."""
    from countersign.service.ledgers import ledger_schema

    found = await rows(conn, LEDGERS, {"repos": list(viewer.repositories)})
    tables = [
        f"{ledger_schema(database_url, int(f['repository_id']))}.countersign_entries" for f in found
    ]
    exists = await rows(
        conn,
        "SELECT t, to_regclass(t) IS NOT NULL AS ok FROM unnest(%(t)s::text[]) AS t",
        {"t": tables},
    )
    present = {e["t"] for e in exists if e["ok"]}
    for f, table in zip(found, tables, strict=True):
        f["table"] = table if table in present else None
    return found


def _when(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
